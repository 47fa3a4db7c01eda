"""The on-disk store: a pyoxigraph (RocksDB) dataset with one named graph per article.

A kg store is a directory holding `kg-store.json` (a marker with the layout version) and the
pyoxigraph data under `oxigraph/`.

The store keeps its default graph equal to the union of the named graphs, as a set: oxigraph's
own union mode (`use_default_graph_as_union`) is a bag, so a triple standing in n article graphs
would match n times and every join would multiply. `replace_graph` and `remove_articles`
maintain it; queries run on it. Write through these methods, not through `.inner`
(or call `rebuild_union` after). Parameters are bound as RDF terms (oxigraph substitutions).

>>> store = Store.memory()
>>> ns_id, ns_kgo = "https://w3id.org/kg-news/id/", "https://w3id.org/kg-news/ontology#"
>>> line = f'<{ns_id}article/a> <{ns_kgo}articleId> "a" <{ns_id}graph/a> .\\n'
>>> n = store.replace_graph(ns_id + "graph/a", line.encode())
>>> n, store.article_ids()
(1, ['a'])
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Union

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.vocab import ID, KGO, PREFIXES, XSD

__all__ = ["Store", "to_term", "to_python", "plain_prefixes", "RDF_FORMATS", "STORE_VERSION"]

STORE_VERSION = 1
MARKER = "kg-store.json"
DATA_DIR = "oxigraph"

#: export format name -> pyoxigraph format
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_QUAD_FORMATS = {"nq", "trig", "jsonld"}

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
QueryResult = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples]

_ARTICLE_ID = ox.NamedNode(KGO + "articleId")
_NAMED_GRAPH = ox.NamedNode(KGO + "namedGraph")
_SYNTAX_POS = re.compile(r"(\d+):(\d+)")


def _xsd(local: str) -> ox.NamedNode:
    return ox.NamedNode(XSD + local)


def to_term(value: object) -> Term:
    """A python value as an RDF term: pyoxigraph terms as is, `str` -> plain literal,
    `bool`/`int`/`float`/`Decimal`/`date`/`datetime` -> the matching xsd literal.

    >>> to_term(3)
    <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return value
    if isinstance(value, bool):
        return ox.Literal(value)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_xsd("integer"))
    if isinstance(value, float):
        return ox.Literal(value)
    if isinstance(value, Decimal):
        return ox.Literal(str(value), datatype=_xsd("decimal"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=_xsd("dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=_xsd("date"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as an RDF term: {value!r}")


_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger",
                                    "positiveInteger", "negativeInteger", "nonPositiveInteger")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}


def to_python(term: Term | None) -> Any:
    """An RDF term as a python value: IRI -> str, numeric literal -> int/float,
    xsd:boolean -> bool, xsd:date -> `datetime.date`, other literal -> its lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value
        try:
            if dtype in _INTEGER_TYPES:
                return int(term.value)
            if dtype in _FLOAT_TYPES:
                return float(term.value)
            if dtype == XSD + "boolean":
                return term.value in ("true", "1")
            if dtype == XSD + "date":
                return dt.date.fromisoformat(term.value)
        except ValueError:
            return term.value  # an ill-typed literal: keep its text
        return term.value
    return str(term)


class Store:
    """A kg store; open with `Store.open(dir)` or `Store.memory()`. `.inner` is the
    pyoxigraph.Store."""

    def __init__(self, inner: ox.Store, path: Path | None = None, read_only: bool = False):
        self.inner = inner
        self.path = path
        self.read_only = read_only

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, read_only: bool = False) -> Store:
        """Open the kg store in directory `path`; `create=True` makes it if missing or empty.

        Raises StoreError if the directory is missing (and not `create`), is a non-empty
        directory that is not a kg store, or is locked by another process.
        """
        root = Path(path)
        marker = root / MARKER
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root}: is a file, not a store directory; give a directory path")
        is_empty = not root.exists() or not any(root.iterdir())
        if marker.is_file():
            cls._check_marker(marker)
        elif not is_empty:
            raise StoreError(
                f"{root}: the directory is not empty and is not a kg store (no {MARKER}); "
                "give a new or empty directory")
        elif not create:
            raise StoreError(
                f"{root}: no kg store here; build one first with `kg build --store {root} ...`")
        elif read_only:
            raise StoreError(f"{root}: cannot create a store read-only")
        else:
            root.mkdir(parents=True, exist_ok=True)
            marker.write_text(
                json.dumps({"format": "kg-store", "version": STORE_VERSION, "engine": "oxigraph"},
                           indent=2) + "\n", encoding="utf-8")
        data = root / DATA_DIR
        try:
            inner = ox.Store.read_only(str(data)) if read_only else ox.Store(str(data))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(
                    f"{root}: the store is open in another process (it holds the lock); wait for "
                    "that process (e.g. a running `kg build`) to finish, then try again") from err
            raise StoreError(f"{root}: cannot open the store: {err}") from err
        return cls(inner, root, read_only)

    @staticmethod
    def _check_marker(marker: Path) -> None:
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
            version = info["version"]
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{marker}: unreadable store marker ({err}); "
                             "the directory is not a valid kg store") from err
        if version != STORE_VERSION:
            raise StoreError(f"{marker}: store layout version {version}, this kg reads version "
                             f"{STORE_VERSION}; rebuild the store with `kg build`")

    @classmethod
    def memory(cls) -> Store:
        """A fresh in-memory store (nothing written to disk); for tests and scratch work."""
        return cls(ox.Store())

    def close(self) -> None:
        """Flush and release the store (and its lock)."""
        if self.inner is not None:
            if self.path is not None and not self.read_only:
                self.inner.flush()
            self.inner = None  # type: ignore[assignment]  # RocksDB closes when dropped

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        """The number of distinct triples (the size of the union graph)."""
        return sum(1 for _ in self.inner.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    # -- writing -------------------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, nquads: bytes | str | Iterable[ox.Quad]) -> int:
        """Drop the named graph `graph_iri`, load `nquads` into it and return its triple count.

        `nquads` is N-Quads text (or an iterable of pyoxigraph Quads); triples in the default
        graph are put into `graph_iri`; a quad naming another graph is a ValueError. Loading
        the same content again gives the same store (idempotent). The default graph is kept
        equal to the union (a set) of the named graphs.
        """
        graph = ox.NamedNode(graph_iri)
        if isinstance(nquads, (bytes, str)):
            try:
                quads: Iterable[ox.Quad] = list(ox.parse(nquads, ox.RdfFormat.N_QUADS))
            except SyntaxError as err:
                raise ValueError(f"invalid N-Quads for {graph_iri}: {err}") from err
        else:
            quads = nquads
        new: set[ox.Triple] = set()
        for q in quads:
            if not isinstance(q.graph_name, (ox.DefaultGraph, ox.NamedNode)) or (
                    isinstance(q.graph_name, ox.NamedNode) and q.graph_name != graph):
                raise ValueError(f"quad in graph {q.graph_name} given to replace graph {graph_iri}")
            new.add(q.triple)
        self._drop_graph(graph, keep=new)
        self.inner.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in new]
                          + [ox.Quad(t.subject, t.predicate, t.object) for t in new])
        return len(new)

    def _drop_graph(self, graph: ox.NamedNode, keep: set[ox.Triple] = frozenset()) -> None:
        """Remove a named graph and, from the union default graph, each of its triples that no
        other named graph holds (nor `keep`)."""
        for q in list(self.inner.quads_for_pattern(None, None, None, graph)):
            t = q.triple
            if t in keep:
                continue
            elsewhere = any(isinstance(o.graph_name, ox.NamedNode) and o.graph_name != graph
                            for o in self.inner.quads_for_pattern(t.subject, t.predicate,
                                                                  t.object, None))
            if not elsewhere:
                self.inner.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
        self.inner.remove_graph(graph)

    def rebuild_union(self) -> None:
        """Recompute the default graph as the union of the named graphs (after direct edits of
        `.inner`)."""
        self.inner.clear_graph(ox.DefaultGraph())
        self.inner.extend({ox.Quad(q.subject, q.predicate, q.object)
                           for q in self.inner if isinstance(q.graph_name, ox.NamedNode)})

    def _article_graphs(self, article_id: str) -> set[ox.NamedNode]:
        graphs: set[ox.NamedNode] = set()
        for q in self.inner.quads_for_pattern(None, _ARTICLE_ID, ox.Literal(article_id), None):
            if isinstance(q.graph_name, ox.NamedNode):
                graphs.add(q.graph_name)
            for g in self.inner.quads_for_pattern(q.subject, _NAMED_GRAPH, None, None):
                if isinstance(g.object, ox.NamedNode):
                    graphs.add(g.object)
        return graphs

    def remove_articles(self, ids: Iterable[str]) -> list[str]:
        """Drop the named graph of each article (found by its `kgo:articleId`); return the ids
        that are not in the store."""
        missing: list[str] = []
        for article_id in ids:
            graphs = self._article_graphs(article_id)
            if not graphs:
                missing.append(article_id)
            for g in graphs:
                self._drop_graph(g)
        return missing

    # -- reading -------------------------------------------------------------------------------
    def article_ids(self) -> list[str]:
        """The input ids of the articles in the store, sorted."""
        ids = {q.object.value
               for q in self.inner.quads_for_pattern(None, _ARTICLE_ID, None, ox.DefaultGraph())
               if isinstance(q.object, ox.Literal)}
        return sorted(ids)

    def graphs(self) -> list[str]:
        """The named graph IRIs, sorted."""
        return sorted(g.value for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        """Run a SPARQL query; its default graph is the union (a set) of the named graphs.

        `bindings` maps variable names to values bound as RDF terms (see `to_term`; None leaves
        the variable unbound). A bound variable must be in the query's SELECT clause (oxigraph
        substitutes projected variables). The `kgo:`, `kgid:`, ... prefixes are predeclared.
        """
        subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items() if v is not None}
        try:
            return self.inner.query(sparql, prefixes=dict(PREFIXES), substitutions=subs or None)
        except SyntaxError as err:
            raise QueryError(_syntax_message(err)) from err
        except RuntimeError as err:
            msg = str(err)
            if "projection" in msg:
                raise QueryError(
                    f"{msg}: a parameter must be a variable of the query's SELECT clause") from err
            raise QueryError(f"the query failed: {msg}") from err

    def select(self, sparql: str, bindings: Mapping[str, object] | None = None
               ) -> list[dict[str, Any]]:
        """Run a SELECT query; each row a dict variable -> python value (None if unbound)."""
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in result]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the union default graph left out)."""
        return (q for q in self.inner if isinstance(q.graph_name, ox.NamedNode))

    def stats(self) -> dict[str, Any]:
        """Counts: articles, graphs, quads, distinct triples, events by class and by CAMEO root,
        actors by type."""
        events_by_class = {r["cls"].rsplit("#", 1)[-1]: r["n"]
                           for r in self.select(_EVENTS_BY_CLASS)}
        by_root = {(r["root"] or "uncoded"): r["n"] for r in self.select(_EVENTS_BY_ROOT)}
        actors = {r["cls"].rsplit("#", 1)[-1]: r["n"] for r in self.select(_ACTORS_BY_CLASS)}
        triples = sum(1 for _ in self.inner.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return {
            "articles": len(self.article_ids()),
            "graphs": len(self.graphs()),
            "quads": len(self.inner) - triples,
            "triples": triples,
            "events": sum(r["n"] for r in self.select(_EVENT_COUNT)),
            "events_by_class": events_by_class,
            "events_by_cameo_root": by_root,
            "actors": sum(actors.values()),
            "actors_by_type": actors,
        }

    # -- export --------------------------------------------------------------------------------
    def export(self, out: IO[bytes] | str | Path, fmt: str, *,
               context: Mapping[str, Any] | None = None) -> None:
        """Write the store as `fmt` (ttl, nt, nq, trig, jsonld, rdfxml) to a binary stream or path.

        Triple formats (ttl, nt, rdfxml) hold the union of the graphs;
        nq, trig and jsonld keep the named graphs. JSON-LD is written by rdflib, compacted with
        `context` (default: our prefixes).
        """
        if fmt not in RDF_FORMATS:
            raise StoreError(f"unknown RDF format {fmt!r}; valid: {', '.join(RDF_FORMATS)}")
        if isinstance(out, Path):
            out = str(out)
        if fmt == "jsonld":
            self._export_jsonld(out, context)
            return
        if fmt in _QUAD_FORMATS:
            quads = self._named_quads()
            ox.serialize(quads, out, RDF_FORMATS[fmt],
                         prefixes=plain_prefixes(quads) if fmt == "trig" else None)
            return
        triples = sorted((q.triple for q in
                          self.inner.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                         key=lambda t: (str(t.subject), t.predicate.value, str(t.object)))
        prefixes = {"nt": None, "ttl": plain_prefixes(triples)}.get(fmt, dict(PREFIXES))
        ox.serialize(triples, out, RDF_FORMATS[fmt], prefixes=prefixes)

    def _named_quads(self) -> list[ox.Quad]:
        """The quads of the named graphs (not the union default graph), sorted by graph."""
        return sorted((q for q in self.inner if isinstance(q.graph_name, ox.NamedNode)),
                      key=lambda q: (q.graph_name.value, str(q.subject), q.predicate.value,
                                     str(q.object)))

    def _export_jsonld(self, out: IO[bytes] | str, context: Mapping[str, Any] | None) -> None:
        import rdflib  # only needed here

        ds = rdflib.Dataset()
        nquads = ox.serialize(self._named_quads(), format=ox.RdfFormat.N_QUADS)
        ds.parse(data=nquads.decode("utf-8"), format="nquads")
        ctx = dict(context) if context is not None else dict(PREFIXES)
        data = ds.serialize(format="json-ld", context=ctx, indent=2, auto_compact=True)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if isinstance(out, str):
            Path(out).write_bytes(payload)
        else:
            out.write(payload)


#: a prefixed name's local part that every Turtle parser reads alike: no escapes, no dots
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: resource folders under `kgid:` that get their own prefix in Turtle/TriG (`kgid:event/` -> kgevent:)
_ID_FOLDERS = ("actor", "article", "event", "graph", "mention", "post", "publisher", "quote",
               "stance", "state", "term")


def _iris(statements: Iterable[ox.Quad | ox.Triple]) -> set[str]:
    out: set[str] = set()
    for st in statements:
        terms = [st.subject, st.predicate, st.object]
        if isinstance(st, ox.Quad):
            terms.append(st.graph_name)
        while terms:
            term = terms.pop()
            if isinstance(term, ox.NamedNode):
                out.add(term.value)
            elif isinstance(term, ox.Triple):  # RDF-star quoted triple
                terms += [term.subject, term.predicate, term.object]
    return out


def plain_prefixes(statements: Iterable[ox.Quad | ox.Triple]) -> dict[str, str]:
    """The prefixes to write `statements` as Turtle/TriG with no escaped prefixed names.

    pyoxigraph abbreviates an IRI with its longest matching prefix and backslash-escapes what a
    local name cannot hold (`kgid:event\\/9c1e`); some stores (Virtuoso 7) keep the backslash.
    So `kgid:` is split into one prefix per resource folder (`kgevent:` for `kgid:event/`, ...),
    and a prefix is left out when any IRI it would abbreviate has a local part that is not a
    plain name (`[A-Za-z0-9_][A-Za-z0-9_-]*`): such IRIs are written in full, `<...>`.

    >>> iri = ox.NamedNode(ID + "mention/a/1-2")
    >>> sorted(plain_prefixes([ox.Triple(iri, iri, ox.NamedNode(ID + "event/9c"))]))
    ['kgevent']
    """
    candidates = {p: ns for p, ns in PREFIXES.items() if p != "kgid"}
    candidates.update({f"kg{folder}": f"{ID}{folder}/" for folder in _ID_FOLDERS})
    iris = _iris(statements)
    while True:
        used: set[str] = set()
        bad: set[str] = set()
        for value in iris:
            best = max((p for p, ns in candidates.items() if value.startswith(ns)),
                       key=lambda p: len(candidates[p]), default=None)
            if best is None:
                continue
            if _PLAIN_LOCAL.fullmatch(value[len(candidates[best]):]):
                used.add(best)
            else:
                bad.add(best)
        if not bad:
            return {p: ns for p, ns in candidates.items() if p in used}
        for p in bad:
            del candidates[p]


def _syntax_message(err: SyntaxError) -> str:
    msg = str(err)
    m = _SYNTAX_POS.search(msg)
    where = f" at line {m.group(1)}, column {m.group(2)}" if m else ""
    return f"SPARQL syntax error{where}: {msg}; fix the query text"


_EVENT_COUNT = """
SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kgo:modality ?m }
"""
_EVENTS_BY_CLASS = """
SELECT ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e kgo:modality ?m ; a ?cls .
  FILTER(STRSTARTS(STR(?cls), STR(kgo:)))
} GROUP BY ?cls ORDER BY DESC(?n) ?cls
"""
_EVENTS_BY_ROOT = """
SELECT ?root (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e kgo:modality ?m .
  OPTIONAL { ?e kgo:cameoCode ?c }
  BIND(SUBSTR(STRAFTER(STR(?c), STR(cameo:)), 1, 2) AS ?root)
} GROUP BY ?root ORDER BY ?root
"""
_ACTORS_BY_CLASS = """
SELECT ?cls (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?a kgo:mentionedIn ?art ; a ?cls .
  FILTER(STRSTARTS(STR(?cls), STR(kgo:)) && ?cls != kgo:Actor)
} GROUP BY ?cls ORDER BY DESC(?n) ?cls
"""
