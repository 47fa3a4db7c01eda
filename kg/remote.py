"""A SPARQL 1.1 endpoint as a source of queries, and a Graph Store Protocol client.

`Endpoint` has the query interface of `kg.store.Store` (`query`, `select`), so the saved queries
and the event/actor tables (`kg.query.run`, `kg.tables`) run unchanged against any SPARQL 1.1
query endpoint: `kg query/events/actors --endpoint URL`. Parameters are sent as a `VALUES`
block of RDF terms (`kg.store.with_values`), our prefixes as a prologue. `default_graph` names
the graph that holds the union of the article graphs where the store has no union default graph
of its own (Virtuoso: its default graph is the bag of every graph, so `kg publish` keeps the
union in a named graph and queries name it as `default-graph-uri`).

`GraphStore` speaks the SPARQL 1.1 Graph Store HTTP Protocol (GET/PUT/POST/DELETE of a graph as
N-Triples) and SPARQL 1.1 Update (INSERT DATA/DELETE DATA) over plain HTTP (urllib).

Every request is bounded twice: by a per-request timeout and by a `Deadline` shared by all the
requests of one job (a publish, a read-back), so a server that stops answering, or answers one
byte at a time, ends the job with a `RemoteError` naming the request instead of holding it for
hours. Writes go in pieces a server takes in one transaction (`MAX_TRIPLES` triples and
`MAX_BYTES` bytes a request). Answers cut short by a server's result limit (Virtuoso's
`ResultSetMaxRows`, announced in its `X-SPARQL-MaxRows` header; a Graph Store GET that sends
fewer triples than the graph holds) or by its execution time limit (Virtuoso's partial "anytime"
answers, `X-SQL-State`) are errors, never taken for the whole answer.

>>> Endpoint("http://127.0.0.1:7878/query").url
'http://127.0.0.1:7878/query'
"""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.store import to_python, with_values
from kg.vocab import sparql_prologue

__all__ = ["Deadline", "Endpoint", "GraphStore", "RemoteError", "derive_address"]

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
#: the addresses of the three services, by the last path segment of a Graph Store address
_SERVICES = {"store": ("query", "update"), "sparql-graph-crud": ("sparql", "sparql"),
             "sparql-graph-crud-auth": ("sparql-auth", "sparql-auth"), "data": ("query", "update")}
#: the most triples, and N-Triples bytes, one write request carries (Virtuoso compiles a
#: DELETE DATA/INSERT DATA into one statement and runs a Graph Store PUT as one transaction)
MAX_TRIPLES = 1000
MAX_BYTES = 1 << 20
_READ = 1 << 16


class RemoteError(KGError):
    """A SPARQL endpoint or graph store cannot be reached, refused a request, did not answer
    in time, or answered only in part."""


class Deadline:
    """The time left to a job of several requests (`seconds` None: no bound but the
    per-request timeouts)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds

    def left(self, what: str) -> float | None:
        """Seconds left; `RemoteError` naming `what` when none are."""
        if self.end is None:
            return None
        left = self.end - time.monotonic()
        if left <= 0:
            raise RemoteError(f"{what}: gave up, the {self.seconds:g} s allowed for the whole "
                              "job are spent (a server that stopped answering, or a slow "
                              "one: give more with --timeout SECONDS)")
        return left


def derive_address(gsp_url: str, service: str) -> str:
    """The usual query (`service="query"`) or update address next to a Graph Store address:
    Oxigraph `…/store` -> `…/query`, `…/update`; Virtuoso `…/sparql-graph-crud` -> `…/sparql`;
    Fuseki `…/ds/data` -> `…/ds/query`, `…/ds/update`.

    >>> derive_address("http://h:7878/store", "update")
    'http://h:7878/update'
    """
    parts = urllib.parse.urlsplit(gsp_url)
    head, _, last = parts.path.rstrip("/").rpartition("/")
    names = _SERVICES.get(last)
    if names is None:
        raise RemoteError(f"{gsp_url}: cannot tell the {service} address of this graph store; "
                          f"give it with --{service} URL")
    path = f"{head}/{names[0] if service == 'query' else names[1]}"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _request(url: str, *, method: str = "GET", data: bytes | None = None,
             headers: Mapping[str, str] | None = None, timeout: float = 300,
             deadline: Deadline | None = None) -> tuple[bytes, Mapping[str, str]]:
    """The body and headers of the answer; `timeout` bounds each wait for the server,
    `deadline` the whole request (the body is read in pieces, the clock checked between)."""
    what = f"{method} {url}"
    deadline = deadline or Deadline(None)
    left = deadline.left(what)
    wait = timeout if left is None else min(timeout, left)
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Connection": "close", **dict(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=wait) as resp:
            parts = []
            while chunk := resp.read1(_READ):
                parts.append(chunk)
                deadline.left(what)
            answer_headers = dict(resp.headers.items())
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()
        first = detail[0][:300] if detail else ""
        raise RemoteError(f"{what}: HTTP {err.code} {err.reason}"
                          + (f": {first}" if first else "")) from err
    except TimeoutError as err:
        raise RemoteError(f"{what}: no answer within {wait:.3g} s; the server is busy or stuck "
                          "(see its log)") from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise RemoteError(f"{what}: no answer ({reason}); check the address and that "
                          "the server runs") from err
    state = answer_headers.get("X-SQL-State") or answer_headers.get("x-sql-state")
    if state:
        message = answer_headers.get("X-SQL-Message", "")
        raise RemoteError(f"{what}: the server answered only in part (SQL state {state}: "
                          f"{message}); raise its execution time limit (Virtuoso: "
                          "MaxQueryExecutionTime in [SPARQL]) or narrow the query")
    return b"".join(parts), answer_headers


class Endpoint:
    """A SPARQL 1.1 query endpoint with the `Store` query interface (`query`, `select`).

    `timeout` bounds each query; `deadline` (a `Deadline`), when given, all of them."""

    def __init__(self, url: str, *, default_graph: str | None = None,
                 timeout: float = 300, deadline: Deadline | None = None) -> None:
        self.url = url
        self.default_graph = default_graph
        self.timeout = timeout
        self.deadline = deadline

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        """Nothing to release (each request is its own connection)."""

    def text(self, sparql: str, bindings: Mapping[str, object] | None = None) -> str:
        """The query as sent: our prefixes, then `sparql` with `bindings` as VALUES blocks
        (bound exactly as `Store.query` binds them)."""
        return sparql_prologue() + with_values(sparql, bindings or {})

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None, *,
              timeout: float | None = None) -> ox.QuerySolutions | ox.QueryBoolean:
        """Run a SELECT or ASK query on the endpoint; results as pyoxigraph solutions.
        `timeout` (seconds) bounds the wait for the answer (default: the endpoint's)."""
        form = {"query": self.text(sparql, bindings)}
        if self.default_graph:
            form["default-graph-uri"] = self.default_graph
        body, headers = _request(self.url, method="POST",
                                 data=urllib.parse.urlencode(form).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Accept": _RESULTS_JSON},
                                 timeout=timeout or self.timeout, deadline=self.deadline)
        try:
            body = _standard_json(body, self.url, headers, _boolean_columns(form["query"]))
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as err:
            raise QueryError(f"{self.url}: unreadable query results ({err})") from err

    def select(self, sparql: str, bindings: Mapping[str, object] | None = None, *,
               timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a SELECT query; each row a dict variable -> python value (None if unbound)."""
        result = self.query(sparql, bindings, timeout=timeout)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in result]


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: `(… true|false) AS ?v` / `BIND(… true|false) AS ?v)`: a variable the query binds to a
#: boolean constant (or a COALESCE ending in one)
_BOOLEAN_BIND = re.compile(r"\b(?:true|false)\s*\)*\s+AS\s+\?(\w+)", re.IGNORECASE)


def _boolean_columns(sparql: str) -> frozenset[str]:
    """The variables `sparql` binds to boolean values (`true`/`false`, alone or as the last
    choice of a COALESCE or IF)."""
    return frozenset(_BOOLEAN_BIND.findall(sparql))


def _standard_json(body: bytes, url: str, headers: Mapping[str, str],
                   booleans: frozenset[str] = frozenset()) -> bytes:
    """SPARQL JSON results as every reader takes them, checked whole: Virtuoso's pre-standard
    `typed-literal` type becomes `literal`; Virtuoso 7 has no boolean values and answers
    `xsd:integer` 1/0 where the query bound `true`/`false`, so in the columns the query binds to
    booleans (`booleans`) 1/0 integers become `xsd:boolean` true/false; a result with as many
    rows as the server's announced row limit (`X-SPARQL-MaxRows`) is cut short: `RemoteError`."""
    data = json.loads(body)
    rows = data.get("results", {}).get("bindings", [])
    limit = {k.lower(): v for k, v in headers.items()}.get("x-sparql-maxrows")
    if limit and limit.isdigit() and len(rows) >= int(limit):
        raise RemoteError(f"{url}: the answer stops at the server's limit of {limit} rows "
                          "(Virtuoso: ResultSetMaxRows in [SPARQL]); raise the limit or narrow "
                          "the query")
    changed = False
    for row in rows:
        for name, value in row.items():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"
                changed = True
            if (name in booleans and value.get("datatype") == _XSD + "integer"
                    and value.get("value") in ("0", "1")):
                value["datatype"] = _XSD + "boolean"
                value["value"] = "true" if value["value"] == "1" else "false"
                changed = True
    return json.dumps(data).encode("utf-8") if changed else body


def _pieces(triples: list[ox.Triple]) -> Iterator[bytes]:
    """`triples` as N-Triples, in pieces of at most MAX_TRIPLES triples and (unless one triple
    is bigger) MAX_BYTES bytes."""
    piece: list[bytes] = []
    size = 0
    for triple in triples:
        line = f"{triple} .\n".encode("utf-8")
        if piece and (len(piece) >= MAX_TRIPLES or size + len(line) > MAX_BYTES):
            yield b"".join(piece)
            piece, size = [], 0
        piece.append(line)
        size += len(line)
    if piece:
        yield b"".join(piece)


class GraphStore:
    """A SPARQL 1.1 Graph Store (`gsp_url`) with its Update service (`update_url`) and its
    query service (`query_url`, used to check that a graph read is whole).

    `timeout` bounds each request; `deadline` (a `Deadline`), when given, all of them.
    """

    def __init__(self, gsp_url: str, *, update_url: str | None = None,
                 query_url: str | None = None, timeout: float = 600,
                 deadline: Deadline | None = None) -> None:
        self.gsp_url = gsp_url
        self.update_url = update_url or derive_address(gsp_url, "update")
        if query_url is None:
            try:
                query_url = derive_address(gsp_url, "query")
            except RemoteError:
                query_url = None
        self.query_url = query_url
        self.timeout = timeout
        self.deadline = deadline or Deadline(None)

    def _graph_url(self, graph: str | None) -> str:
        sep = "&" if "?" in self.gsp_url else "?"
        if graph is None:
            return f"{self.gsp_url}{sep}default"
        return f"{self.gsp_url}{sep}{urllib.parse.urlencode({'graph': graph})}"

    def _send(self, url: str, method: str, data: bytes | None = None,
              content_type: str | None = None) -> bytes:
        headers = {"Content-Type": content_type} if content_type else {}
        return _request(url, method=method, data=data, headers=headers, timeout=self.timeout,
                        deadline=self.deadline)[0]

    def count(self, graph: str) -> int | None:
        """How many triples the named `graph` holds, by the query service (None when the
        store has no query address we know)."""
        if self.query_url is None:
            return None
        rows = Endpoint(self.query_url, timeout=self.timeout, deadline=self.deadline).select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    def get(self, graph: str | None) -> list[ox.Triple]:
        """The triples of `graph` (None: the default graph); [] when the store has no such
        graph. A named graph read is checked against the count the query service gives:
        `RemoteError` when the store sent fewer (a server limit on result rows)."""
        url = self._graph_url(graph)
        try:
            body = _request(url, headers={"Accept": _NTRIPLES}, timeout=self.timeout,
                            deadline=self.deadline)[0]
        except RemoteError as err:
            if "HTTP 404" in str(err):
                return []
            raise
        try:
            triples = [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
        except SyntaxError:  # some stores answer in Turtle whatever is asked
            triples = [q.triple for q in ox.parse(body, ox.RdfFormat.TURTLE)]
        if graph is not None:
            held = self.count(graph)
            if held is not None and len(set(triples)) < held:
                raise RemoteError(f"GET {url}: the store sent {len(set(triples))} of the "
                                  f"{held} triples of <{graph}> (a limit on result rows: "
                                  "Virtuoso's ResultSetMaxRows in [SPARQL]); raise it")
        return triples

    def put(self, graph: str | None, triples: Iterable[ox.Triple]) -> None:
        """Replace `graph` (None: the default graph) by `triples`: a PUT of the first piece,
        a POST (add) of each further one."""
        url = self._graph_url(graph)
        pieces = list(_pieces(sorted(triples, key=str))) or [b""]
        for i, piece in enumerate(pieces):
            self._send(url, "POST" if i else "PUT", piece, _NTRIPLES)

    def delete(self, graph: str) -> None:
        """Drop `graph`; no error if the store does not hold it."""
        try:
            self._send(self._graph_url(graph), "DELETE")
        except RemoteError as err:
            if "HTTP 404" not in str(err):
                raise

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        self._send(self.update_url, "POST", urllib.parse.urlencode({"update": sparql}).encode(),
                   "application/x-www-form-urlencoded")

    def change(self, graph: str | None, *, delete: Iterable[ox.Triple] = (),
               insert: Iterable[ox.Triple] = ()) -> None:
        """DELETE DATA then INSERT DATA of the triples in `graph` (None: the default graph),
        in pieces of at most MAX_TRIPLES triples and MAX_BYTES bytes a request."""
        for verb, triples in (("DELETE", delete), ("INSERT", insert)):
            for piece in _pieces(sorted(triples, key=str)):
                body = piece.decode("utf-8")
                inner = body if graph is None else f"GRAPH <{graph}> {{\n{body}}}"
                self.update(f"{verb} DATA {{\n{inner}\n}}")
