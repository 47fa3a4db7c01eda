"""The SPARQL endpoint (kg.serve): protocol, formats, refusals, attacks, time limit, query page.

The server runs in-process (uvicorn in a thread, queries in worker processes) on a free loopback
port over an on-disk store built from the sample graph and opened read-only, as `kg serve` does.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg import query
from kg.serve import Endpoint, is_update, negotiate, with_values
from kg.store import Store
from conftest import SAMPLE, write_sample_store  # tests/ is on sys.path (rootdir conftest)

THREATS = "SELECT ?e WHERE { ?e a kgo:Threat }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    return write_sample_store(tmp_path_factory.mktemp("store") / "kg")


@pytest.fixture(scope="module")
def endpoint(store_dir):
    server = Endpoint(store_dir, port=0, timeout=10, workers=2, quiet=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def strict_endpoint(store_dir):
    server = Endpoint(store_dir, port=0, timeout=1, workers=4, cache=False, quiet=True)
    server.start()
    yield server
    server.stop()


def request(server, path: str, *, data: bytes | None = None, accept: str | None = None,
            content_type: str | None = None) -> tuple[int, str, bytes]:
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(server.url + path.lstrip("/"), data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def get_query(server, sparql: str, **params: str) -> tuple[int, str, bytes]:
    accept = params.pop("accept", None)
    qs = urllib.parse.urlencode({"query": sparql, **params})
    return request(server, f"sparql?{qs}", accept=accept)


# -- SELECT / ASK formats -----------------------------------------------------------------------
def _iris_json(body: bytes) -> set[str]:
    data = json.loads(body)
    assert data["head"]["vars"] == ["e"]
    return {b["e"]["value"] for b in data["results"]["bindings"]}


def _iris_xml(body: bytes) -> set[str]:
    root = ET.fromstring(body)
    return {u.text for u in root.iter(f"{RESULTS_NS}uri")}


def _iris_csv(body: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["e"]
    return {r[0] for r in rows[1:]}


def _iris_tsv(body: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter="\t"))
    assert rows[0] == ["?e"]
    return {r[0].strip("<>") for r in rows[1:]}


FORMATS = [
    ("application/sparql-results+json", "json", _iris_json),
    ("application/sparql-results+xml", "xml", _iris_xml),
    ("text/csv", "csv", _iris_csv),
    ("text/tab-separated-values", "tsv", _iris_tsv),
]


@pytest.mark.parametrize(("media", "fmt", "parse"), FORMATS, ids=[f[1] for f in FORMATS])
def test_select_by_accept_header(endpoint, media, fmt, parse) -> None:
    status, ctype, body = get_query(endpoint, THREATS, accept=media)
    assert status == 200 and ctype.startswith(media)
    assert parse(body) == {SAMPLE.threat}


@pytest.mark.parametrize(("media", "fmt", "parse"), FORMATS, ids=[f[1] for f in FORMATS])
def test_select_by_format_parameter(endpoint, media, fmt, parse) -> None:
    status, ctype, body = get_query(endpoint, THREATS, format=fmt, accept="text/html")
    assert status == 200 and ctype.startswith(media)
    assert parse(body) == {SAMPLE.threat}


def test_accept_with_q_values_and_wildcards(endpoint) -> None:
    accept = "text/csv;q=0.4, application/sparql-results+xml;q=0.9, */*;q=0.1"
    assert get_query(endpoint, THREATS, accept=accept)[1].startswith("application/sparql-results+xml")
    assert get_query(endpoint, THREATS, accept="*/*")[1].startswith("application/sparql-results+json")
    status, _, body = get_query(endpoint, THREATS, accept="image/png")
    assert status == 406 and b"text/csv" in body


def test_post_form_and_sparql_query_body(endpoint) -> None:
    form = urllib.parse.urlencode({"query": THREATS}).encode()
    a = request(endpoint, "sparql", data=form, content_type="application/x-www-form-urlencoded")
    b = request(endpoint, "sparql", data=THREATS.encode(), content_type="application/sparql-query")
    assert a[0] == b[0] == 200
    assert _iris_json(a[2]) == _iris_json(b[2]) == {SAMPLE.threat}
    status, _, _ = request(endpoint, "sparql", data=b"x", content_type="text/plain")
    assert status == 415


def test_ask(endpoint) -> None:
    status, _, body = get_query(endpoint, f"ASK {{ <{SAMPLE.threat}> kgo:source <{SAMPLE.trump}> }}")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = get_query(endpoint, "ASK { ?e a kgo:Ultimatum }", format="xml")
    assert status == 200
    assert ET.fromstring(body).find(f"{RESULTS_NS}boolean").text == "false"


def test_union_default_graph_and_distinct(endpoint) -> None:
    """The threat stands in both article graphs; the endpoint sees their union."""
    sparql = f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ <{SAMPLE.threat}> kgo:evidence ?m }}"
    data = json.loads(get_query(endpoint, sparql)[2])
    assert data["results"]["bindings"][0]["n"]["value"] == "2"


# -- CONSTRUCT / DESCRIBE -----------------------------------------------------------------------
CONSTRUCT = (f"CONSTRUCT {{ ?e a ?c ; kgo:source ?s }} "
             f"WHERE {{ ?e kgo:source ?s ; a ?c FILTER(?e = <{SAMPLE.threat}>) }}")
GRAPH_FORMATS = [
    ("text/turtle", "ttl", "turtle"),
    ("application/n-triples", "nt", "nt"),
    ("application/n-quads", "nq", "nquads"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/rdf+xml", "rdfxml", "xml"),
]


@pytest.mark.parametrize(("media", "fmt", "rdflib_format"), GRAPH_FORMATS,
                         ids=[f[1] for f in GRAPH_FORMATS])
def test_construct_formats_parse_with_rdflib(endpoint, media, fmt, rdflib_format) -> None:
    status, ctype, body = get_query(endpoint, CONSTRUCT, accept=media)
    assert status == 200 and ctype.startswith(media)
    graph = rdflib.Graph().parse(data=body.decode("utf-8"), format=rdflib_format)
    threat = rdflib.URIRef(SAMPLE.threat)
    assert (threat, rdflib.RDF.type, rdflib.URIRef(SAMPLE_KGO + "Threat")) in graph
    assert (threat, rdflib.URIRef(SAMPLE_KGO + "source"), rdflib.URIRef(SAMPLE.trump)) in graph
    assert len(graph) == 2
    # no escaped prefixed names (Virtuoso would keep the backslash in the IRI)
    assert b"\\/" not in body
    # the format parameter gives the same graph
    status, _, again = get_query(endpoint, CONSTRUCT, format=fmt)
    assert status == 200
    assert isomorphic(
        graph, rdflib.Graph().parse(data=again.decode("utf-8"), format=rdflib_format))


SAMPLE_KGO = "https://w3id.org/kg-news/ontology#"


def test_describe_gives_turtle(endpoint) -> None:
    status, ctype, body = get_query(endpoint, f"DESCRIBE <{SAMPLE.army}>")
    assert status == 200 and ctype.startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")
    label = graph.value(rdflib.URIRef(SAMPLE.army), rdflib.RDFS.label)
    assert str(label) == "Mexican Army"


# -- refusals -----------------------------------------------------------------------------------
UPDATE = f"PREFIX kgo: <{SAMPLE_KGO}>\n# remove the threat\nDELETE WHERE {{ ?e a kgo:Threat }}"


def test_updates_are_forbidden(endpoint) -> None:
    answers = [
        request(endpoint, "sparql?" + urllib.parse.urlencode({"update": UPDATE})),
        request(endpoint, "sparql", data=urllib.parse.urlencode({"update": UPDATE}).encode(),
                content_type="application/x-www-form-urlencoded"),
        request(endpoint, "sparql", data=UPDATE.encode(), content_type="application/sparql-update"),
        request(endpoint, "sparql", data=UPDATE.encode(), content_type="application/sparql-query"),
        get_query(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ]
    for status, _, body in answers:
        assert status == 403 and b"read-only" in body
    # and nothing changed
    assert _iris_json(get_query(endpoint, THREATS)[2]) == {SAMPLE.threat}


def test_malformed_query_is_400_with_the_parser_message(endpoint) -> None:
    status, ctype, body = get_query(endpoint, "SELECT ?x WHERE { ?x kgo:source }")
    assert status == 400 and ctype.startswith("text/plain")
    assert b"syntax error" in body.lower() and b"line 1" in body


def test_missing_query_and_unknown_pages(endpoint) -> None:
    assert request(endpoint, "sparql?query=")[0] == 400  # (no query at all: the description)
    assert request(endpoint, "nothing-here")[0] == 404
    assert get_query(endpoint, THREATS, **{"default-graph-uri": SAMPLE.g1})[0] == 400


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_runaway_queries_are_killed_at_the_limit(strict_endpoint) -> None:
    """Four cross products at once take all workers; each is stopped at 1 s (its process is
    killed), and a small query is answered at once afterwards."""
    answers: list[tuple[int, bytes]] = []

    def run(n: int) -> None:  # four different texts: the same one would run once (shared)
        status, _, body = get_query(strict_endpoint, f"{RUNAWAY} # {n}")
        answers.append((status, body))

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - started < 8
    assert [s for s, _ in answers] == [503] * 4
    assert all(b"exceeded 1 s and was stopped" in b for _, b in answers)
    asked = time.monotonic()
    status, _, body = get_query(strict_endpoint, "ASK {}")
    assert status == 200 and json.loads(body)["boolean"] is True
    assert time.monotonic() - asked < 1.0
    assert strict_endpoint.pool.running == 0 and strict_endpoint.pool.killed >= 4


def test_requests_wait_in_a_queue_rather_than_fail(strict_endpoint) -> None:
    """Twenty clients at once against four workers: every one is answered."""
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(get_query(strict_endpoint,
                                                                         THREATS)[0]))
               for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 20


def test_the_same_query_asked_while_it_runs_is_run_once(store_dir) -> None:
    """Without the answer cache, eight clients asking one slow query at once are answered by one
    run of it (one worker busy, the others free); asked again afterwards, it runs again."""
    server = Endpoint(store_dir, port=0, timeout=2, workers=4, cache=False, quiet=True)
    server.start()
    try:
        answers: list[tuple[int, bytes]] = []
        threads = [threading.Thread(target=lambda: answers.append(
            get_query(server, RUNAWAY)[::2])) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        assert server.pool.running == 1
        for t in threads:
            t.join()
        assert [s for s, _ in answers] == [503] * 8  # all told the one run was stopped at 2 s
        assert server.pool.killed == 1 and server.pool.shared == 7
        assert get_query(server, THREATS)[0] == get_query(server, THREATS)[0] == 200
        assert server.pool.shared == 7  # one after the other: each ran
    finally:
        server.stop()


# -- attacks: each answered 4xx, the server still up ---------------------------------------------
def raw(server, data: bytes) -> bytes:
    """Send `data` on a fresh connection; the answer's bytes (to the close or 2 s)."""
    import socket

    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(2)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _post(server, body: bytes, headers: str) -> bytes:
    head = (f"POST /sparql HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
            f"Content-Type: application/sparql-query\r\n{headers}Connection: close\r\n\r\n")
    return raw(server, head.encode() + body)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "ASK { " + "[ <urn:p> " * 2000 + "]" * 2000 + " }",
], ids=["braces", "parentheses", "blank-nodes"])
def test_deep_nesting_is_400_not_a_crash(endpoint, text) -> None:
    status, _, body = request(endpoint, "sparql", data=text.encode(),
                              content_type="application/sparql-query")
    assert status == 400 and b"levels are accepted" in body
    assert get_query(endpoint, "ASK {}")[0] == 200


def test_service_is_refused(endpoint) -> None:
    for text in (f"SELECT * WHERE {{ SERVICE <{endpoint.url}sparql> {{ ?s ?p ?o }} }}",
                 "SELECT * WHERE { sErViCe silent <http://127.0.0.1:1/> { ?s ?p ?o } }",
                 "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"):
        status, _, body = get_query(endpoint, text)
        assert status == 400 and b"--allow-service" in body
    # a variable or a string named service is no SERVICE clause
    assert get_query(endpoint, 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }')[0] == 200


@pytest.mark.parametrize(("headers", "body", "expected"), [
    ("Content-Length: -1\r\n", b"x" * (2 << 20), 400),
    (f"Content-Length: {(300 << 20)}\r\n", b"x" * 1000, 413),
    ("Content-Length: abc\r\n", b"x", 400),
    ("Transfer-Encoding: chunked\r\n",
     b"".join(b"100000\r\n" + b"x" * (1 << 20) + b"\r\n" for _ in range(3)) + b"0\r\n\r\n", 413),
    ("Content-Length: 6\r\n", b"ASK{}\xff", 400),
], ids=["negative-length", "huge-length", "bad-length", "chunked-over-limit", "bad-utf8"])
def test_body_limits_hold_for_any_header(endpoint, headers, body, expected) -> None:
    assert _status(_post(endpoint, body, headers)) == expected
    assert get_query(endpoint, "ASK {}")[0] == 200


def test_bad_utf8_in_the_query_string_or_form_is_400(endpoint) -> None:
    answer = raw(endpoint, f"GET /sparql?query=ASK%7B%7D%FF HTTP/1.1\r\nHost: {endpoint.host}"
                           f":{endpoint.port}\r\nConnection: close\r\n\r\n".encode())
    assert _status(answer) == 400 and b"not UTF-8" in answer
    status, _, body = request(endpoint, "sparql", data=b"query=ASK%7B%7D%C3",
                              content_type="application/x-www-form-urlencoded")
    assert status == 400


def test_host_header_must_be_the_bind_address(endpoint) -> None:
    def with_host(host: str) -> int:
        return _status(raw(endpoint, f"GET /health HTTP/1.1\r\nHost: {host}\r\n"
                                     "Connection: close\r\n\r\n".encode()))

    assert with_host("attacker.example") == 403
    assert with_host("attacker.example:80") == 403
    assert with_host(f"127.0.0.1:{endpoint.port}") == 200
    assert with_host(f"localhost:{endpoint.port}") == 200


def test_allowed_hosts_and_cors_are_opt_in(store_dir, endpoint) -> None:
    assert "access-control-allow-origin" not in _headers(endpoint, "OPTIONS", "sparql")
    server = Endpoint(store_dir, port=0, workers=1, quiet=True, allow_hosts=["kg.example"],
                      cors=["https://app.example"])
    server.start()
    try:
        answer = raw(server, f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: kg.example\r\n"
                             "Origin: https://app.example\r\nConnection: close\r\n\r\n".encode())
        assert _status(answer) == 200
        assert b"access-control-allow-origin: https://app.example" in answer.lower()
        preflight = raw(server, b"OPTIONS /sparql HTTP/1.1\r\nHost: kg.example\r\n"
                                b"Origin: https://app.example\r\nAccess-Control-Request-Method: POST"
                                b"\r\nConnection: close\r\n\r\n")
        assert _status(preflight) == 200 and b"access-control-allow-methods" in preflight.lower()
    finally:
        server.stop()


def _headers(server, method: str, path: str) -> dict[str, str]:
    answer = raw(server, f"{method} /{path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
                         "Connection: close\r\n\r\n".encode())
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    fields = dict(line.split(":", 1) for line in head[1:])
    return {"status": head[0].split()[1], **{k.lower(): v.strip() for k, v in fields.items()}}


def test_head_and_options(endpoint) -> None:
    head = _headers(endpoint, "HEAD", "")
    assert head["status"] == "200" and head["content-type"].startswith("text/html")
    options = _headers(endpoint, "OPTIONS", "sparql")
    assert options["status"] == "204" and "POST" in options["allow"]


def test_service_description(endpoint) -> None:
    status, ctype, body = request(endpoint, "sparql")
    assert status == 200 and ctype.startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(endpoint.url + "sparql")
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph


def test_sigterm_stops_the_server_during_a_runaway_query(store_dir, tmp_path) -> None:
    import signal
    import subprocess
    import sys

    port_file = tmp_path / "log"
    with open(port_file, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store",
                                 str(store_dir), "--port", "0", "--timeout", "60",
                                 "--workers", "1"], stderr=log, stdout=log)
    try:
        deadline = time.monotonic() + 60
        while not re.search(r"http://127\.0\.0\.1:(\d+)/ ", port_file.read_text()):
            assert proc.poll() is None and time.monotonic() < deadline, port_file.read_text()
            time.sleep(0.1)
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/ ", port_file.read_text()).group(1))
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
        threading.Thread(target=lambda: _quietly(url), daemon=True).start()
        while "Application startup complete" not in port_file.read_text() and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)  # uvicorn ends by re-raising the signal it handled
        log = port_file.read_text()
        assert "Finished server process" in log and "Traceback" not in log, log
    finally:
        if proc.poll() is None:
            proc.kill()
    # no worker process left behind
    left = subprocess.run(["pgrep", "-f", f"--store {store_dir}"], capture_output=True, text=True)
    assert not left.stdout.strip()


def _quietly(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=30).read()
    except Exception:  # the server going away mid-answer is what this test does
        pass


# -- pages --------------------------------------------------------------------------------------
def test_saved_queries_listing(endpoint) -> None:
    status, ctype, body = request(endpoint, "queries")
    assert status == 200 and ctype.startswith("application/json")
    listing = {q["name"]: q for q in json.loads(body)}
    assert set(listing) == {q.name for q in query.list_saved()}
    threats = listing["threats_by_actor"]
    assert threats["question"].startswith("Who threatened whom")
    assert "source_label" in threats["columns"]
    assert {p["name"] for p in threats["params"]} == {"actor", "against", "from", "to"}
    assert not re.search(r"(?m)^\s*#", threats["query"]) and "text" not in threats
    status, _, result = request(endpoint, "sparql", data=threats["query"].encode(),
                                content_type="application/sparql-query")
    assert status == 200
    rows = json.loads(result)["results"]["bindings"]
    assert {r["event"]["value"] for r in rows} == {SAMPLE.threat}


def test_health(endpoint) -> None:
    status, _, body = request(endpoint, "health")
    assert status == 200
    health = json.loads(body)
    assert (health["status"], health["articles"], health["running"]) == ("ok", 2, 0)


def test_page_is_self_contained(endpoint) -> None:
    status, ctype, body = request(endpoint, "")
    assert status == 200 and ctype.startswith("text/html")
    page = body.decode("utf-8")
    assert "<textarea" in page and 'id="run"' in page and "/queries" in page
    # no CDN: nothing is loaded from another host
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)


def test_binds_loopback_by_default(store_dir) -> None:
    server = Endpoint(store_dir, port=0, quiet=True)
    try:
        assert server.host == "127.0.0.1"
    finally:
        server.stop()


def test_saved_query_with_parameters_as_json_and_csv(endpoint) -> None:
    status, ctype, body = request(endpoint, "queries/threats_by_actor?actor=Trump")
    assert status == 200 and ctype.startswith("application/json")
    data = json.loads(body)
    assert "source_label" in data["columns"] and "actor" not in data["columns"]
    assert {r["source_label"] for r in data["rows"]} == {"Donald Trump"}
    assert data["kinds"]["event"] == "iri"
    status, ctype, body = request(endpoint, "queries/threats_by_actor?actor=Trump&format=csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert status == 200 and ctype.startswith("text/csv")
    assert {r["source_label"] for r in rows} == {"Donald Trump"}
    assert request(endpoint, "queries/threats_by_actor?nope=1")[0] == 400
    assert request(endpoint, "queries/no_such_query")[0] == 404
    assert request(endpoint, "queries/..%2F..%2Fetc%2Fpasswd")[0] == 404


# -- helpers ------------------------------------------------------------------------------------
def test_is_update() -> None:
    assert is_update(UPDATE)
    assert is_update("base <http://x/> load <http://example.org/data.ttl>")
    assert not is_update(f"PREFIX kgo: <{SAMPLE_KGO}> # INSERT is only a word here\nSELECT * {{}}")
    assert not is_update('SELECT ("DELETE" AS ?x) {}')


def test_negotiate() -> None:
    offered = ["application/sparql-results+json", "text/csv"]
    assert negotiate(None, offered) == offered[0]
    assert negotiate("text/*", offered) == "text/csv"
    assert negotiate("text/csv;q=0, */*;q=0.5", offered) == offered[0]
    assert negotiate("application/pdf", offered) is None


@pytest.mark.parametrize("name,params", [
    ("threats_by_actor", {"actor": "Trump", "from": "2026-01-01"}),
    ("events_involving_actor", {"actor": SAMPLE.mex, "to": "2026-01-08"}),
    ("office_holders_by_state", {"country": "MEX", "date": "2025-02-01"}),
    ("goldstein_by_dyad_day", {"actor": "Mexico"}),
])
def test_with_values_matches_substitutions(sample_store, name, params) -> None:
    """The VALUES form of the bindings (for other engines) answers as the substitutions do."""
    saved = query.load_saved(name)
    bindings = query.bind_params(saved, params, sample_store)
    substituted = query.run(sample_store, saved, params)
    inlined = sample_store.query(with_values(saved.text, bindings))
    rows = [{c: sol[c] for c in substituted.columns} for sol in inlined]
    assert rows == substituted.rows and rows


# -- the page in a real browser -----------------------------------------------------------------
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.mark.slow
@pytest.mark.browser
def test_page_in_headless_chromium(endpoint, tmp_path) -> None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip(f"needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}): "
                    "apt-get install -y chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install selenium)")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1400,900",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.get(endpoint.url)
        wait = WebDriverWait(driver, 20)
        saved = wait.until(EC.element_to_be_clickable(
            (By.CSS_SELECTOR, '#saved button[data-name="threats_by_actor"]')))
        assert saved.text.startswith("Who threatened whom")  # the question, not notes
        saved.click()
        assert driver.find_element(By.ID, "question").text.startswith("Who threatened whom")
        assert "source_label" in driver.find_element(By.ID, "columns").text
        fields = {i.get_attribute("name"): i for i in
                  driver.find_elements(By.CSS_SELECTOR, "#params input")}
        assert set(fields) == {"actor", "against", "from", "to"}
        assert fields["from"].get_attribute("type") == "date"
        page_text = driver.find_element(By.TAG_NAME, "main").text
        assert "#" not in driver.find_element(By.ID, "saved-panel").text
        assert "PREFIX" not in page_text.split("Write your own SPARQL")[0]
        fields["actor"].send_keys("Trump")
        driver.find_element(By.ID, "run-saved").click()
        wait.until(lambda d: "rows" in d.find_element(By.ID, "status").text)
        headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#results thead th")]
        assert headers[:4] == ["event", "date", "source", "source_label"]
        rows = driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
        col = headers.index("source_label")
        assert {r.find_elements(By.TAG_NAME, "td")[col].text for r in rows} == {"Donald Trump"}
        assert "2 rows" in driver.find_element(By.ID, "status").text
        driver.save_screenshot("/tmp/endpoint-saved.png")
        # the download links carry the parameters and give CSV / JSON of the same rows
        csv_link = driver.find_element(By.ID, "csv").get_attribute("href")
        assert "actor=Trump" in csv_link and "format=csv" in csv_link
        status, ctype, body = request(endpoint, csv_link[len(endpoint.url) - 1:])
        assert status == 200 and ctype.startswith("text/csv")
        assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8"))))) == 2
        json_link = driver.find_element(By.ID, "json").get_attribute("href")
        status, _, body = request(endpoint, json_link[len(endpoint.url) - 1:])
        assert status == 200 and len(json.loads(body)["rows"]) == 2
        # a bad parameter is shown, not thrown
        fields["from"].send_keys("01012026")
        fields["actor"].clear()
        # the editor: open it with the saved query (no comments), break it, see the error
        driver.find_element(By.ID, "edit").click()
        editor = driver.find_element(By.ID, "query")
        assert "kgo:Threat" in editor.get_attribute("value")
        assert not re.search(r"(?m)^\s*#", editor.get_attribute("value"))
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: "rows" in d.find_element(By.ID, "status").text)
        editor.clear()
        editor.send_keys("SELECT ?x WHERE {")
        driver.find_element(By.ID, "run").click()
        wait.until(EC.visibility_of_element_located((By.ID, "error")))
        assert "400" in driver.find_element(By.ID, "error").text
        driver.save_screenshot("/tmp/endpoint-error.png")
        # text from the store is shown as text, never run as HTML
        editor.clear()
        editor.send_keys('SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }')
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: "1 row" in d.find_element(By.ID, "status").text)
        assert not driver.find_elements(By.CSS_SELECTOR, "#results img")
        driver.save_screenshot("/tmp/endpoint.png")
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
                  and "400 (Bad Request)" not in e["message"]]  # the deliberate bad query
        assert not severe, severe
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def test_workers_are_recycled_and_answers_cached(store_dir, monkeypatch) -> None:
    import kg.serve

    monkeypatch.setattr(kg.serve, "WORKER_JOBS", 2)
    server = Endpoint(store_dir, port=0, workers=1, cache=False, quiet=True)
    server.start()
    try:
        first = {w.process.pid for w in server.pool._all}
        assert [get_query(server, THREATS)[0] for _ in range(6)] == [200] * 6
        assert not first & {w.process.pid for w in server.pool._all}  # fresh processes
        assert server.pool.killed == 0
    finally:
        server.stop()
    cached = Endpoint(store_dir, port=0, workers=1, quiet=True)
    cached.start()
    try:
        assert get_query(cached, THREATS)[0] == 200
        pids = {w.process.pid for w in cached.pool._all}
        for w in list(cached.pool._all):  # with every worker gone, the cache still answers
            w.process.kill()
        status, _, body = get_query(cached, THREATS)
        assert status == 200 and _iris_json(body) == {SAMPLE.threat}
        assert pids
    finally:
        cached.stop()
