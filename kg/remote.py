"""A SPARQL 1.1 endpoint as a source of queries, and a Graph Store Protocol client.

`Endpoint` has the query interface of `kg.store.Store` (`query`, `select`), so the saved queries
and the event/actor tables (`kg.query.run`, `kg.tables`) run unchanged against any SPARQL 1.1
query endpoint: `kg query/events/actors --endpoint URL`. Parameters are sent as a `VALUES`
block of RDF terms (`kg.store.with_values`), our prefixes as a prologue. `default_graph` names
the graph that holds the union of the article graphs where the store has no union default graph
of its own (Virtuoso: its default graph is the bag of every graph, so `kg publish` keeps the
union in a named graph and queries name it as `default-graph-uri`).

`GraphStore` speaks the SPARQL 1.1 Graph Store HTTP Protocol (GET/PUT/DELETE of a graph as
N-Triples) and SPARQL 1.1 Update (INSERT DATA/DELETE DATA) over plain HTTP (urllib).

>>> Endpoint("http://127.0.0.1:7878/query").url
'http://127.0.0.1:7878/query'
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.store import to_python, with_values
from kg.vocab import sparql_prologue

__all__ = ["Endpoint", "GraphStore", "RemoteError", "derive_address"]

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
#: the addresses of the three services, by the last path segment of a Graph Store address
_SERVICES = {"store": ("query", "update"), "sparql-graph-crud": ("sparql", "sparql"),
             "sparql-graph-crud-auth": ("sparql-auth", "sparql-auth"), "data": ("query", "update")}


class RemoteError(KGError):
    """A SPARQL endpoint or graph store cannot be reached or refused a request."""


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
             headers: Mapping[str, str] | None = None, timeout: float = 300) -> bytes:
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()
        first = detail[0][:300] if detail else ""
        raise RemoteError(f"{method} {url}: HTTP {err.code} {err.reason}"
                          + (f": {first}" if first else "")) from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise RemoteError(f"{method} {url}: no answer ({reason}); check the address and that "
                          "the server runs") from err


class Endpoint:
    """A SPARQL 1.1 query endpoint with the `Store` query interface (`query`, `select`)."""

    def __init__(self, url: str, *, default_graph: str | None = None,
                 timeout: float = 300) -> None:
        self.url = url
        self.default_graph = default_graph
        self.timeout = timeout

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
        body = _request(self.url, method="POST", data=urllib.parse.urlencode(form).encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded",
                                 "Accept": _RESULTS_JSON}, timeout=timeout or self.timeout)
        try:
            return ox.parse_query_results(_standard_json(body), ox.QueryResultsFormat.JSON)
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


def _standard_json(body: bytes) -> bytes:
    """SPARQL JSON results with the pre-standard `typed-literal` type (Virtuoso) rewritten as
    `literal`, which every reader accepts."""
    if b'"typed-literal"' not in body:
        return body
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"
    return json.dumps(data).encode("utf-8")


class GraphStore:
    """A SPARQL 1.1 Graph Store (`gsp_url`) with its Update service (`update_url`).

    `union_graph` None means the store's default graph holds the union.
    """

    def __init__(self, gsp_url: str, *, update_url: str | None = None,
                 timeout: float = 600) -> None:
        self.gsp_url = gsp_url
        self.update_url = update_url or derive_address(gsp_url, "update")
        self.timeout = timeout

    def _graph_url(self, graph: str | None) -> str:
        sep = "&" if "?" in self.gsp_url else "?"
        if graph is None:
            return f"{self.gsp_url}{sep}default"
        return f"{self.gsp_url}{sep}{urllib.parse.urlencode({'graph': graph})}"

    def get(self, graph: str | None) -> list[ox.Triple]:
        """The triples of `graph` (None: the default graph); [] when the store has no such
        graph."""
        try:
            body = _request(self._graph_url(graph), headers={"Accept": _NTRIPLES},
                            timeout=self.timeout)
        except RemoteError as err:
            if "HTTP 404" in str(err):
                return []
            raise
        try:
            return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
        except SyntaxError:  # some stores answer in Turtle whatever is asked
            return [q.triple for q in ox.parse(body, ox.RdfFormat.TURTLE)]

    def put(self, graph: str | None, triples: Iterable[ox.Triple]) -> None:
        """Replace `graph` (None: the default graph) by `triples`."""
        data = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""
        _request(self._graph_url(graph), method="PUT", data=data,
                 headers={"Content-Type": _NTRIPLES}, timeout=self.timeout)

    def delete(self, graph: str) -> None:
        """Drop `graph`; no error if the store does not hold it."""
        try:
            _request(self._graph_url(graph), method="DELETE", timeout=self.timeout)
        except RemoteError as err:
            if "HTTP 404" not in str(err):
                raise

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        _request(self.update_url, method="POST",
                 data=urllib.parse.urlencode({"update": sparql}).encode("utf-8"),
                 headers={"Content-Type": "application/x-www-form-urlencoded"},
                 timeout=self.timeout)

    def change(self, graph: str | None, *, delete: Iterable[ox.Triple] = (),
               insert: Iterable[ox.Triple] = (), chunk: int = 2000) -> None:
        """DELETE DATA then INSERT DATA of the triples in `graph` (None: the default graph),
        `chunk` triples a request."""
        for verb, triples in (("DELETE", list(delete)), ("INSERT", list(insert))):
            for i in range(0, len(triples), chunk):
                body = ox.serialize(triples[i:i + chunk],
                                    format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
                inner = body if graph is None else f"GRAPH <{graph}> {{\n{body}}}"
                self.update(f"{verb} DATA {{\n{inner}\n}}")
