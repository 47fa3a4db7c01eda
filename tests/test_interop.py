r"""Interoperability with third-party software: the exports read by independent parsers, and
the saved queries answered identically by a real Oxigraph server (and, opt-in, Virtuoso).

- `rapper` (Debian raptor2-utils) re-reads every RDF export; its N-Quads output must hold
  exactly the quads of the store (union triples for the triple formats).
- JSON-LD: raptor 2.0.15 has no JSON-LD parser (its `json` is RDF/JSON), so rdflib and
  pyoxigraph parse it instead.
- The N-Quads export with the union as default graph (`--with-union`) is loaded with
  `oxigraph load` into a fresh `oxigraph serve-read-only` (PyPI package `oxigraph`, no
  `--union-default-graph`: the README's recipe); every saved query, with the parameter cases of
  test_saved_queries, sent over HTTP with its parameters as a VALUES clause
  (`kg.store.with_values`), must return the same rows as the embedded store.
- Virtuoso 7.2.5 (Debian virtuoso-opensource, which `.ci/run` installs; runs whenever
  `virtuoso-t` is on PATH, `KG_TEST_VIRTUOSO=0` skips it): the N-Triples and the
  Turtle exports loaded with `DB.DBA.TTLP`, a few queries compared. Its Turtle parser keeps the
  backslash of escaped prefixed names (`kgid:event\/9c1e...` would load as a wrong IRI), so the
  Turtle/TriG export never escapes: `kgid:` is split into folder prefixes (`kgevent:`) and
  other IRIs are written in full (`kg.store.plain_prefixes`); a test checks there is no
  backslash outside string literals.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg import query
from kg.export import export
from kg.store import with_values  # the binding Store.query uses (lists too)
from kg.store import Store
from kg.summary import is_summary_graph
from kg.vocab import sparql_prologue
from conftest import SAMPLE, build_sample_quads  # tests/ is on sys.path (rootdir conftest)
from test_saved_queries import CASES

pytestmark = pytest.mark.slow

RDF_EXPORTS = ("ttl", "nt", "nq", "trig", "jsonld", "rdfxml")
RAPPER_SYNTAX = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig",
                 "rdfxml": "rdfxml"}
QUAD_EXPORTS = {"nq", "trig", "jsonld"}
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store.memory()
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in build_sample_quads():
        by_graph[q.graph_name.value].append(q)
    for graph, quads in by_graph.items():
        s.replace_graph(graph, quads)
    s.refresh_summary()  # as a build ends (kg.summary)
    return s


@pytest.fixture(scope="module")
def exports(store, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt in RDF_EXPORTS:
        paths[fmt] = out / f"graph.{fmt}"
        export(store, paths[fmt], fmt)
    paths["nq-union"] = out / "graph-union.nq"
    export(store, paths["nq-union"], "nq", with_union=True)
    return paths


def _expected(store: Store, fmt: str) -> set[ox.Quad]:
    quads = set(store.quads())
    if fmt in QUAD_EXPORTS:
        return quads
    return {ox.Quad(q.subject, q.predicate, q.object) for q in quads}


# -- independent parsers ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", RDF_EXPORTS)
def test_export_parses_with_rapper(store, exports, fmt) -> None:
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.skip("needs rapper from Debian raptor2-utils (apt-get install -y raptor2-utils)")
    if fmt == "jsonld":
        pytest.skip("raptor 2.0.15 cannot read JSON-LD (its `json` parser is RDF/JSON); "
                    "see test_jsonld_export_parses_with_rdflib_and_pyoxigraph")
    run = subprocess.run([rapper, "-q", "-i", RAPPER_SYNTAX[fmt], "-o", "nquads",
                          str(exports[fmt])], capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    assert not run.stderr.strip(), run.stderr.decode()  # no warnings either
    reparsed = set(ox.parse(run.stdout, ox.RdfFormat.N_QUADS))
    assert reparsed == _expected(store, fmt)


def test_jsonld_export_parses_with_rdflib_and_pyoxigraph(store, exports) -> None:
    expected = _expected(store, "jsonld")
    by_oxigraph = set(ox.parse(path=str(exports["jsonld"]), format=ox.RdfFormat.JSON_LD))
    assert by_oxigraph == expected
    dataset = rdflib.Dataset()
    dataset.parse(exports["jsonld"], format="json-ld")
    nquads = dataset.serialize(format="nquads")
    by_rdflib = set(ox.parse(nquads.encode() if isinstance(nquads, str) else nquads,
                             ox.RdfFormat.N_QUADS))
    assert by_rdflib == expected


# -- a real Oxigraph server ---------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no answer from {url} after {seconds} s")


@pytest.fixture(scope="module")
def oxigraph_server(exports, tmp_path_factory):
    if not OXIGRAPH.exists():
        pytest.skip(f"needs the oxigraph CLI ({OXIGRAPH}): pip install oxigraph")
    location = tmp_path_factory.mktemp("oxigraph-db")
    # the README's recipe: the N-Quads with the union as default graph, served as they are
    subprocess.run([str(OXIGRAPH), "load", "--location", str(location),
                    "--file", str(exports["nq-union"])], check=True, capture_output=True,
                   timeout=120)
    port = _free_port()
    proc = subprocess.Popen(
        [str(OXIGRAPH), "serve-read-only", "--location", str(location),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_http(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _remote_rows(url: str, sparql: str) -> ox.QuerySolutions:
    req = urllib.request.Request(url, data=sparql.encode("utf-8"), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        body = resp.read()
    return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)


def _bag(rows, columns) -> Counter:
    return Counter(tuple(str(r[c]) if r[c] is not None else None for c in columns) for r in rows)


SAVED = sorted(q.name for q in query.list_saved())
REMOTE_CASES = [(name, {}) for name in SAVED] + [(c[0], c[1]) for c in CASES if c[1]]


@pytest.mark.parametrize(("name", "params"), REMOTE_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(REMOTE_CASES)])
def test_oxigraph_server_answers_like_the_store(store, oxigraph_server, name, params) -> None:
    saved = query.load_saved(name)
    local = query.run(store, saved, params)
    bindings = query.bind_params(saved, params, store)
    remote = _remote_rows(oxigraph_server, sparql_prologue() + with_values(saved.text, bindings))
    assert _bag(remote, local.columns) == _bag(local.rows, local.columns)


def test_oxigraph_server_sees_both_article_graphs(oxigraph_server) -> None:
    rows = list(_remote_rows(oxigraph_server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
    # the article graphs, and the event summary's (kg.summary)
    assert {r["g"].value for r in rows if not is_summary_graph(r["g"].value)} == {SAMPLE.g1,
                                                                                SAMPLE.g2}


# -- Virtuoso (opt-in) --------------------------------------------------------------------------
VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DirsAllowed = ., {d}, {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
"""


@contextmanager
def running_virtuoso(d: Path, data_dir: Path, *, writable: bool = False):
    """A Virtuoso server in folder `d` on free loopback ports, reading files in `data_dir`;
    yields (http port, isql port). `writable`: anonymous SPARQL Update and Graph Store
    Protocol writes are allowed (for `kg publish`)."""
    if os.environ.get("KG_TEST_VIRTUOSO") == "0":
        pytest.skip("KG_TEST_VIRTUOSO=0: the Virtuoso tests are switched off")
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not (server and isql):
        pytest.skip("needs virtuoso-t and isql-vt (apt-get install -y virtuoso-opensource)")
    isql_port, http_port = _free_port(), _free_port()
    ini = d / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=d, data=data_dir, isql=isql_port, http=http_port))
    proc = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_http(f"http://127.0.0.1:{http_port}/sparql", proc, seconds=90)
        if writable:
            virtuoso_sql(isql_port, 'GRANT SPARQL_UPDATE TO "SPARQL";\n'
                                    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);\n")
        yield http_port, isql_port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def virtuoso_sql(isql_port: int, sql: str) -> None:
    """Run SQL statements through isql-vt as dba; fails the test on an error."""
    run = subprocess.run([shutil.which("isql-vt") or "isql-vt", str(isql_port), "dba", "dba"],
                         input=sql.encode(), capture_output=True, timeout=300)
    assert b"Error" not in run.stdout + run.stderr, (run.stdout + run.stderr).decode()


@pytest.fixture(scope="module")
def virtuoso(exports, tmp_path_factory):
    d = tmp_path_factory.mktemp("virtuoso")
    with running_virtuoso(d, exports["ttl"].parent) as (http_port, isql_port):
        graphs = {}
        for fmt in ("nt", "ttl"):
            graphs[fmt] = f"urn:kg-test:{fmt}"
            virtuoso_sql(isql_port, f"DB.DBA.TTLP(file_to_string_output('{exports[fmt]}'), '', "
                                    f"'{graphs[fmt]}', 0);\ncheckpoint;\n")
        yield f"http://127.0.0.1:{http_port}/sparql", graphs


def _virtuoso_select(endpoint: tuple[str, dict[str, str]], sparql: str, fmt: str = "nt"
                     ) -> list[dict[str, str]]:
    url, graphs = endpoint
    qs = urllib.parse.urlencode({"query": sparql, "default-graph-uri": graphs[fmt],
                                 "format": "application/sparql-results+json"})
    with urllib.request.urlopen(f"{url}?{qs}", timeout=60) as resp:
        data = json.loads(resp.read())
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


@pytest.mark.parametrize("name,params,column", [
    ("threats_by_actor", {}, "event"),
    ("cameo_roots_by_month", {}, "root"),
    ("office_holders_by_state", {"country": "MEX"}, "holder"),
])
def test_virtuoso_answers_like_the_store(store, virtuoso, name, params, column) -> None:
    saved = query.load_saved(name)
    local = {str(r[column].value) for r in query.run(store, saved, params).rows}
    bindings = query.bind_params(saved, params, store)
    remote = {r[column] for r in _virtuoso_select(virtuoso, with_values(saved.text, bindings))
              if column in r}
    assert remote == local and local


def test_virtuoso_reads_the_turtle_export(virtuoso) -> None:
    rows = _virtuoso_select(virtuoso, "SELECT ?e WHERE { ?e a <https://w3id.org/kg-news/ontology#Threat> }",
                            fmt="ttl")
    assert {r["e"] for r in rows} == {SAMPLE.threat}


@pytest.mark.parametrize("name,params,column", [
    ("threats_by_actor", {}, "event"),
    ("sentence_behind_fact", {"iri": SAMPLE.stance}, "article"),
    ("office_holders_by_state", {"country": "MEX"}, "holder"),
])
def test_virtuoso_answers_from_the_turtle_export(store, virtuoso, name, params, column) -> None:
    saved = query.load_saved(name)
    local = {str(r[column].value) for r in query.run(store, saved, params).rows}
    bindings = query.bind_params(saved, params, store)
    remote = {r[column] for r in _virtuoso_select(virtuoso, with_values(saved.text, bindings),
                                                  fmt="ttl") if column in r}
    assert remote == local and local


_PREFIXED_ESCAPE = re.compile(r'^(?:[^"<]|<[^>]*>|"(?:[^"\\]|\\.)*")*?\\', re.MULTILINE)


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_turtle_exports_have_no_escaped_prefixed_names(exports, fmt) -> None:
    """Outside IRIs and string literals, a backslash can only be a prefixed-name escape."""
    text = exports[fmt].read_text(encoding="utf-8")
    assert not _PREFIXED_ESCAPE.search(text), _PREFIXED_ESCAPE.search(text).group(0)[-200:]
    assert "kgevent:" in text  # events are still abbreviated
