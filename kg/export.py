"""Export a store: RDF serialisations here; the event table as CSV and the actor network as
GraphML/GEXF in `kg.formats`.

RDF formats keep our prefixes; `nq`, `trig` and `jsonld` keep one named graph per article,
`ttl`, `nt` and `rdfxml` hold their union. JSON-LD is compacted with `ontology/context.jsonld`.

`ttl` is written by `write_lines`: our `@prefix` lines, then one triple a line, the union split
by predicate between two threads that each have the engine write its share (it releases the
GIL), so two cores read the store at once. Reading and decoding the store's terms, not the
writer, is what costs: the engine's compact Turtle (`compact=True`: subjects grouped, prefixed
names; 3.2 times smaller) takes the same CPU as its N-Triples, on one core.

>>> import io
>>> from kg.store import Store
>>> buf = io.BytesIO(); export(Store.memory(), buf, "csv"); buf.getvalue()[:8]
b'"event",'
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.query import resource_dir
from kg.store import RDF_FORMATS, TURTLE_PREFIXES, Store
from kg.vocab import KGO, XSD

__all__ = ["FORMATS", "export", "write_lines", "ontology_graph_iri", "read_context"]

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


def _predicate_shares(store: Store, parts: int) -> list[list[ox.NamedNode]]:
    """The union's predicates in `parts` shares of about equal triple counts (largest first,
    each to the lightest share; deterministic: ties broken by IRI)."""
    counts = sorted(((int(row["n"].value), row["p"].value) for row in store.inner.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
        if isinstance(row["p"], ox.NamedNode)), key=lambda c: (-c[0], c[1]))
    shares: list[list[ox.NamedNode]] = [[] for _ in range(parts)]
    sizes = [0] * parts
    for n, iri in counts:
        i = sizes.index(min(sizes))
        shares[i].append(ox.NamedNode(iri))
        sizes[i] += n
    return [sorted(share, key=lambda p: p.value) for share in shares if share]


class _TurtleLines:
    """A binary sink that turns the engine's SPARQL TSV results of `SELECT ?s ?o` (terms in
    Turtle syntax, one solution a line, tab-separated, after a header line) into Turtle
    triples `s <p> o .` on `out`. The engine writes through it in chunks; a tab or a line
    break inside a term is always escaped, so each is replaced where it falls."""

    def __init__(self, out: IO[bytes], predicate: ox.NamedNode) -> None:
        self.out = out
        self.middle = b" " + str(predicate).encode("utf-8") + b" "
        self.in_header = True

    def write(self, data: bytes) -> int:
        size = len(data)
        chunk = bytes(data)
        if self.in_header:
            end = chunk.find(b"\n")
            if end < 0:
                return size
            chunk, self.in_header = chunk[end + 1:], False
        self.out.write(chunk.replace(b"\t", self.middle).replace(b"\n", b" .\n"))
        return size

    def flush(self) -> None:
        """Nothing buffered here."""


def _write_share(store: Store, predicates: list[ox.NamedNode], out: IO[bytes]) -> None:
    """The union's triples with these predicates as Turtle lines, predicate by predicate: a
    SELECT of subject and object written by the engine as TSV (flat memory, where a CONSTRUCT
    keeps every triple it made: +100 MB for 180 k rdf:type triples) and turned into triples."""
    for p in predicates:
        store.inner.query(f"SELECT ?s ?o WHERE {{ ?s {p} ?o }}").serialize(
            _TurtleLines(out, p), ox.QueryResultsFormat.TSV)


def write_lines(store: Store, out: IO[bytes], *, prefixes: dict[str, str] | None = None,
                threads: int = 2) -> None:
    """The union of `store` as Turtle, one triple a line (`@prefix` lines for `prefixes` first;
    IRIs written in full, numbers and booleans bare, as the engine writes SPARQL TSV), read by
    `threads` threads at once, each writing the triples of its share of the predicates (the
    first straight to `out`, the others to temporary files appended after it). Every triple
    once, in the same order each time; memory stays flat.

    >>> import io
    >>> store = Store.memory()
    >>> store.inner.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
    ...                         ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))))
    >>> buf = io.BytesIO(); write_lines(store, buf, prefixes={"ex": "http://e/"})
    >>> print(buf.getvalue().decode(), end="")
    @prefix ex: <http://e/> .
    <http://e/s> <http://e/p> 7 .
    """
    if prefixes:
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
                  .encode("utf-8"))
    shares = _predicate_shares(store, max(1, threads))
    if not shares:
        return
    spills = [tempfile.TemporaryFile(prefix="kg-export-") for _ in shares[1:]]
    errors: list[BaseException] = []

    def run(share: list[ox.NamedNode], sink: IO[bytes]) -> None:
        try:
            _write_share(store, share, sink)
        except BaseException as err:  # raised in the calling thread below
            errors.append(err)

    try:
        workers = [threading.Thread(target=run, args=(share, spill), name="kg-export")
                   for share, spill in zip(shares[1:], spills)]
        for w in workers:
            w.start()
        run(shares[0], out)
        for w in workers:
            w.join()
        if errors:
            raise errors[0]
        for spill in spills:
            spill.seek(0)
            shutil.copyfileobj(spill, out, 1 << 20)
    finally:
        for spill in spills:
            spill.close()


def export(store: Store, out: IO[bytes] | str | Path, fmt: str, *,
           with_ontology: bool = False, include_uncoded: bool = False,
           with_union: bool = False, compact: bool = False) -> None:
    """Write `store` as `fmt` (see `FORMATS`) to a binary stream, a path, or "-" (stdout).

    `with_ontology` adds ontology/kg.ttl and the CAMEO/PLOVER schemes as the graph
    `ontology_graph_iri` (RDF formats only); `include_uncoded` adds the events without a
    CAMEO code to the actor network (GraphML/GEXF; see `kg.formats`). `with_union` (nq, trig)
    adds the union of the graphs as the default graph, so the file loads as is into a store
    that answers the saved queries on its default graph. `void` is the dataset's VoID/DCAT
    description (Turtle, `kg.dataset`). `ttl` is one triple a line, written by two threads
    (`write_lines`); `compact` writes it with the engine's grouped Turtle instead (3.2 times
    smaller, about half as fast on two free cores).
    """
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r}; valid: {', '.join(FORMATS)}")
    if out == "-":
        out = sys.stdout.buffer
    if compact and fmt != "ttl":
        raise KGError(f"--compact is for Turtle (ttl), not {fmt}")
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
        if fmt == "ttl" and not compact:
            if isinstance(out, (str, Path)):
                with open(out, "wb") as f:
                    write_lines(source, f, prefixes=TURTLE_PREFIXES)
            else:
                write_lines(source, out, prefixes=TURTLE_PREFIXES)
            return
        context = read_context() if fmt == "jsonld" else None
        source.export(out, fmt, context=context)
        return
    from kg import formats  # the event table and the actor network: kg/formats.py

    formats.write_export(store, out, fmt, include_uncoded=include_uncoded)
