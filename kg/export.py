"""Export a store: RDF serialisations, the event table as CSV, the actor network as GraphML/GEXF.

RDF formats keep our prefixes; `nq`, `trig` and `jsonld` keep one named graph per article,
`ttl`, `nt` and `rdfxml` hold their union. JSON-LD is compacted with `ontology/context.jsonld`.
The actor network is a networkx MultiDiGraph: one node per actor (label, type, country, sector,
code, wikidata, mentions), one edge per event and (source, target) pair, keyed by the event IRI
(type, cameo, plover, goldstein, quad_class, date, modality, article). Unknown values are left
out of a node or edge (GraphML and GEXF have no null); lists become `; `-joined text.

>>> import io
>>> from kg.store import Store
>>> buf = io.BytesIO(); export(Store.memory(), buf, "csv"); buf.getvalue()[:6]
b'event,'
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Any

import networkx as nx
import pyoxigraph as ox

from kg import tables
from kg.errors import KGError
from kg.query import resource_dir
from kg.store import RDF_FORMATS, Store
from kg.vocab import KGO

__all__ = ["FORMATS", "export", "actor_network", "ontology_graph_iri", "read_context"]

FORMATS: tuple[str, ...] = (*RDF_FORMATS, "csv", "graphml", "gexf", "void")
#: the named graph that `with_ontology` adds (the ontology's own IRI)
ontology_graph_iri = KGO.rstrip("#")
_ONTOLOGY_FILES = ("kg.ttl", "cameo.ttl", "plover.ttl")


def read_context() -> dict[str, Any]:
    """Our JSON-LD context (`ontology/context.jsonld`), the inner `@context` object."""
    path = resource_dir("ontology") / "context.jsonld"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as err:
        raise KGError(f"{path}: cannot read the JSON-LD context ({err}); restore the file "
                      "from the repository") from err


def _with_ontology(store: Store) -> Store:
    """A copy of `store` in memory plus the ontology and code schemes in their own graph."""
    copy = Store.memory()
    copy.inner.extend(store.inner)
    graph = ox.NamedNode(ontology_graph_iri)
    found = False
    for name in _ONTOLOGY_FILES:
        path = resource_dir("ontology") / name
        if not path.is_file():
            continue
        found = True
        try:
            copy.inner.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
            copy.inner.load(path=str(path), format=ox.RdfFormat.TURTLE)  # the union graph
        except SyntaxError as err:
            raise KGError(f"{path}: invalid Turtle: {err}") from err
    if not found:
        raise KGError(f"{resource_dir('ontology')}: no ontology files "
                      f"({', '.join(_ONTOLOGY_FILES)}); export without --with-ontology")
    return copy


def _write_with_union(store: Store, out: IO[bytes] | str | Path, fmt: str) -> None:
    """The named graphs, then the union as the default graph, sorted, as N-Quads or TriG."""
    from kg.store import plain_prefixes

    union = sorted((q for q in store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                   key=lambda q: (str(q.subject), q.predicate.value, str(q.object)))
    quads = store._named_quads() + union
    ox.serialize(quads, str(out) if isinstance(out, Path) else out, RDF_FORMATS[fmt],
                 prefixes=plain_prefixes(quads) if fmt == "trig" else None)


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes GraphML/GEXF can hold: None dropped, lists joined."""
    out = {}
    for k, v in attrs.items():
        if v is None or v == []:
            continue
        out[k] = "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
    return out


def actor_network(store: Store) -> nx.MultiDiGraph:
    """The actor network: actors as nodes, events as source -> target edges."""
    g = nx.MultiDiGraph(name="kg actor network")
    for a in tables.actor_rows(store):
        g.add_node(a["iri"], **_clean({k: a[k] for k in ("label", "type", "country", "sector",
                                                         "code", "wikidata", "mentions")}))
    for e in tables.event_rows(store):
        attrs = _clean({k: e[k] for k in ("type", "cameo", "plover", "goldstein", "quad_class",
                                          "date", "modality", "article", "confidence")})
        for s in e["source"]:
            for t in e["target"]:
                for node in (s, t):
                    if node["iri"] not in g:
                        g.add_node(node["iri"], **_clean({"label": node.get("label")}))
                g.add_edge(s["iri"], t["iri"], key=e["event"], event=e["event"], **attrs)
    return g


def _event_csv(store: Store) -> bytes:
    rows = [tables.flat_event_row(r) for r in tables.event_rows(store)]
    columns = [*tables.EVENT_COLUMNS, "source_iri", "target_iri"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: "" if r.get(c) is None else r[c] for c in columns})
    return buf.getvalue().encode("utf-8")


def _network_bytes(store: Store, fmt: str) -> bytes:
    g = actor_network(store)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, buf)
    else:
        nx.write_gexf(g, buf)
    return buf.getvalue()


def export(store: Store, out: IO[bytes] | str | Path, fmt: str, *,
           with_ontology: bool = False, with_union: bool = False) -> None:
    """Write `store` as `fmt` (see `FORMATS`) to a binary stream, a path, or "-" (stdout).

    `with_ontology` adds ontology/kg.ttl and the CAMEO/PLOVER schemes as the graph
    `ontology_graph_iri` (RDF formats only). `with_union` (nq, trig) adds the union of the
    graphs as the default graph, so the file loads as is into a store that answers the saved
    queries on its default graph. `void` is the dataset's VoID/DCAT description (Turtle,
    `kg.dataset`).
    """
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r}; valid: {', '.join(FORMATS)}")
    if out == "-":
        out = sys.stdout.buffer
    if with_union and fmt not in ("nq", "trig"):
        raise KGError(f"--with-union is for the quad formats nq and trig, not {fmt}")
    if fmt == "void":
        from kg.dataset import write_description

        write_description(store, str(out) if isinstance(out, Path) else out)
        return
    if fmt in RDF_FORMATS:
        source = _with_ontology(store) if with_ontology else store
        if with_union:
            _write_with_union(source, out, fmt)
            return
        context = read_context() if fmt == "jsonld" else None
        source.export(out, fmt, context=context)
        return
    if fmt == "csv":
        payload = _event_csv(store)
    else:
        payload = _network_bytes(store, fmt)
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(payload)
    else:
        out.write(payload)
