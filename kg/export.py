"""Export a store: RDF serialisations here; the event table as CSV and the actor network as
GraphML/GEXF in `kg.formats`.

RDF formats keep our prefixes; `nq`, `trig` and `jsonld` keep one named graph per article,
`ttl`, `nt` and `rdfxml` hold their union. JSON-LD is compacted with `ontology/context.jsonld`.

>>> import io
>>> from kg.store import Store
>>> buf = io.BytesIO(); export(Store.memory(), buf, "csv"); buf.getvalue()[:8]
b'"event",'
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.query import resource_dir
from kg.store import RDF_FORMATS, Store
from kg.vocab import KGO

__all__ = ["FORMATS", "export", "ontology_graph_iri", "read_context"]

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
    """The named graphs (streamed as `Store.export` writes them), then the union as the default
    graph: N-Triples lines for nq, top-level Turtle triples for trig."""
    from kg.store import TURTLE_PREFIXES

    if isinstance(out, (str, Path)):
        with open(out, "wb") as f:
            _write_with_union(store, f, fmt)
        return
    store.export(out, fmt)
    if fmt == "nq":
        out.write(store.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                  or b"")
        return
    data = store.inner.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                            prefixes=TURTLE_PREFIXES) or b""
    out.write(b"\n" + b"\n".join(line for line in data.split(b"\n")
                                 if not line.startswith(b"@prefix ")).strip(b"\n") + b"\n")


def export(store: Store, out: IO[bytes] | str | Path, fmt: str, *,
           with_ontology: bool = False, include_uncoded: bool = False,
           with_union: bool = False) -> None:
    """Write `store` as `fmt` (see `FORMATS`) to a binary stream, a path, or "-" (stdout).

    `with_ontology` adds ontology/kg.ttl and the CAMEO/PLOVER schemes as the graph
    `ontology_graph_iri` (RDF formats only); `include_uncoded` adds the events without a
    CAMEO code to the actor network (GraphML/GEXF; see `kg.formats`). `with_union` (nq, trig)
    adds the union of the graphs as the default graph, so the file loads as is into a store
    that answers the saved queries on its default graph. `void` is the dataset's VoID/DCAT
    description (Turtle, `kg.dataset`).
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
    from kg import formats  # the event table and the actor network: kg/formats.py

    formats.write_export(store, out, fmt, include_uncoded=include_uncoded)
