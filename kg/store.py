"""The on-disk store: a pyoxigraph (RocksDB) dataset with one named graph per article.

A kg store is a directory holding `kg-store.json` (a marker with the layout version) and the
pyoxigraph data under `oxigraph/`.

The store keeps its default graph equal to the union of the named graphs, as a set: oxigraph's
own union mode (`use_default_graph_as_union`) is a bag, so a triple standing in n article graphs
would match n times and every join would multiply. `replace_graph` and `remove_articles`
maintain it; queries run on it. Write through these methods, not through `.inner`
(or call `rebuild_union` after). Each batch of graphs is appended to a journal
(`kg-journal.nq`) before it is written, the journal is cleared once the engine has flushed
(`checkpoint`, `close`), and `Store.open` replays what is left, so a killed writer never leaves
the union different from the union of the graphs. The event summary (`kg.summary`: per-event
columns in the graphs `kgid:graph/summary/NN`, named graphs like the articles') is a function of
the other graphs: a write marks it stale (the file `kg-summary.stale`, before the write), and
`refresh_summary` computes it again before the next read (`query`, `stats`, `export`, ...), at
`close`, or at the next `open` after a killed writer. Parameters are bound as RDF terms in a
`VALUES` block (`with_values`); `timeout` bounds a query's wait.

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
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Union

import pyoxigraph as ox

from kg import ordering
from kg.errors import QueryError, QueryTimeout, StoreError
from kg.results import RESULTS_DIR, ResultCache
from kg.summary import SEEDS_PREFIX, SUMMARY_GRAPH, SummarySeeds
from kg.summary import VERSION as SUMMARY_VERSION
from kg.vocab import ID, KGO, PREFIXES, XSD

__all__ = ["Store", "to_term", "to_python", "plain_prefixes", "with_values", "RDF_FORMATS",
           "STORE_VERSION", "DEFAULT_TIMEOUT"]

STORE_VERSION = 1
MARKER = "kg-store.json"
DATA_DIR = "oxigraph"
#: the batch being written (see `Store.replace_graphs`); replayed by `Store.open`
JOURNAL = "kg-journal.nq"
#: the spool of the graphs' N-Triples during a build (`Store.keep_texts`); removed at open
TEXTS = "kg-texts.spool"
#: the cached `Store.stats()`, removed before every write
STATS_CACHE = "kg-stats.json"
#: the name index (`kg.names`), removed before every write, written after a writer's last one
NAMES_FILE = "kg-names.json"
#: present while the event summary (`kg.summary`) may not match the other graphs: written
#: before any of them changes, removed once the summary is written again
SUMMARY_STALE = "kg-summary.stale"
#: the digest of each summary graph as last written in full (absent while one is written),
#: named for what the summary holds (`kg.summary.VERSION`): a store whose summary an older kg
#: wrote has none, so its next open computes the summary again
SUMMARY_DIGESTS = f"kg-summary-{SUMMARY_VERSION}.json"
#: batches of at least this many bytes of N-Quads are bulk-loaded (below: one transaction)
BULK_BYTES = 4_000_000
#: the journal is cleared by a checkpoint (the engine flushed) when it grows past this size
JOURNAL_BYTES = 64_000_000
#: `Store.release_memory` reopens the engine only past this size of its files (VOA's
#: 250 articles: 158 MB compacted; 2,500 articles: over 1.5 GB)
RELEASE_BYTES = 1_000_000_000
_BATCH_END = b"#kg-end\n"
#: the end of an N-Quads line in a summary graph (made an N-Triples line for the union)
_SUMMARY_SUFFIX = re.compile(rb" <" + re.escape(SUMMARY_GRAPH.encode()) + rb"[0-9]+> \.\n")
#: seconds a saved query may run by default (`kg query --timeout`, `kg.query.run`)
DEFAULT_TIMEOUT = 60.0
#: set by a process that may end when a query runs out of time (`kg query`): with a time limit a
#: query then runs in the calling thread, and at the limit a timer hands this callback the
#: QueryTimeout, which must end the process (the engine cannot be interrupted). Left None (a
#: library caller, `kg serve`), the query runs in a worker thread and the caller gets the
#: QueryTimeout back; that thread's own memory arena grows page by page as the engine's hash
#: tables do, which cost the event table on VOA 5-10 % more CPU than the calling thread
ON_TIMEOUT: Callable[[QueryTimeout], None] | None = None
#: the largest answer (SPARQL TSV bytes) ordered outside the engine (`Store._ordered_tsv`)
ORDER_MAX_BYTES = 1024 * 2**20

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

    def __init__(self, inner: ox.Store, path: Path | None = None, read_only: bool = False,
                 results: ResultCache | None = None):
        self.inner = inner
        self.path = path
        self.read_only = read_only
        self._journal_bytes = 0
        #: graphs read by `graph_ntriples` and not written since: their text, which the
        #: difference of their next replacement starts from (instead of a second dump)
        self._read: dict[ox.NamedNode, bytes] = {}
        #: the event summary (`kg.summary`) may not match the other graphs (on disk: the
        #: `SUMMARY_STALE` file); `refresh_summary` recomputes it
        self._summary_stale = False
        #: the digest of each summary graph as last written (memory stores; on disk: a file)
        self._summary_digests: dict[str, str] = {}
        #: the subjects whose summary the writes since the last refresh can have changed
        #: (`kg.summary.touched_in_text`); None: unknown (a killed writer's), recompute it all
        self._touched: set[str] | None = set()
        #: the result cache of a store on disk (`kg.results`); every write invalidates it
        self._results = results or (ResultCache(path / RESULTS_DIR) if path is not None else None)
        #: whether `query` and `select_csv` read and fill the result cache
        self.use_result_cache = self._results is not None and self._results.enabled
        #: order SELECT answers outside the engine where that is exact (`kg.ordering`)
        self.order_outside_engine = True
        self._wrote = False
        #: the name index (`kg.names`) was written since the last write
        self.names_saved = False
        #: article graphs (not the summary's) that a write found in the store and changed
        self.rewritten = 0
        #: the N-Triples of the graphs written since `keep_texts` (a build's), read back by
        #: `graph_ntriples` instead of the engine's dump
        self._texts: _TextSpool | None = None

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
        # no summary digests in an existing store: made before the event summary existed (or
        # its digests lost), so its summary graphs are missing or unknown: computed here
        unsummarised = (root / DATA_DIR).is_dir() and not (root / SUMMARY_DIGESTS).is_file()
        if (root / JOURNAL).is_file() or (root / SUMMARY_STALE).is_file() or unsummarised:
            cls._repair(root, read_only)
        results = ResultCache(root / RESULTS_DIR)  # its generation read before the data
        store = cls(cls._open_inner(root, read_only), root, read_only, results)
        if not read_only:
            (root / TEXTS).unlink(missing_ok=True)  # a killed build's spool (the lock is ours)
            for left in root.glob(SEEDS_PREFIX + "*"):  # and its summary seeds
                shutil.rmtree(left, ignore_errors=True)
        store._summary_stale = (root / SUMMARY_STALE).is_file()
        if store._summary_stale or not (root / SUMMARY_DIGESTS).is_file():
            # stale, or no summary yet (a new store): the next refresh computes all of it, so
            # the writes need not note what they touch
            store._touched = None
        return store

    @staticmethod
    def _open_inner(root: Path, read_only: bool) -> ox.Store:
        data = root / DATA_DIR
        try:
            return ox.Store.read_only(str(data)) if read_only else ox.Store(str(data))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(
                    f"{root}: the store is open in another process (it holds the lock); wait for "
                    "that process (e.g. a running `kg build`) to finish, then try again") from err
            raise StoreError(f"{root}: cannot open the store: {err}") from err

    @classmethod
    def _repair(cls, root: Path, read_only: bool) -> None:
        """A journal is left, or the summary is marked stale or was never written (a store
        made before it existed): a writer died mid-batch (or is writing now). Replay the
        journal and recompute the summary, unless another process holds the store (then it
        is that writer's work)."""
        try:
            inner = ox.Store(str(root / DATA_DIR))
        except OSError as err:
            if "lock" in str(err).lower() and read_only:
                return  # a live writer: it finishes its batch itself
            if "lock" in str(err).lower():
                raise StoreError(f"{root}: the store is open in another process (it holds the "
                                 "lock); wait for it to finish, then try again") from err
            raise StoreError(f"{root}: cannot open the store to replay its journal: {err}") from err
        store = cls(inner, root)
        if (root / JOURNAL).is_file():
            store._replay_journal()
        store._summary_stale = ((root / SUMMARY_STALE).is_file()
                                or not (root / SUMMARY_DIGESTS).is_file())
        store._touched = None  # what the dead writer changed is not known: all of it
        store.close()  # refreshes a stale summary

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
            if self._summary_stale and not self.read_only:
                self.refresh_summary()
            if self.path is not None and not self.read_only:
                self.checkpoint()
                self.inner.flush()
            if self._wrote and self._results is not None:
                # results a reader cached while this process was writing saw part of it
                self._results.invalidate()
            if (self._wrote and self.path is not None and not self.read_only
                    and not self.names_saved):
                from kg import names  # the name index, of the store as this writer leaves it
                names.save(self)
            self.keep_texts(False)
            self.inner = None  # type: ignore[assignment]  # RocksDB closes when dropped

    def release_memory(self) -> None:
        """Between store-wide passes (a build's end): flush, close and reopen the engine, and
        hand the memory it freed back to the system. The engine's block caches fill with what
        a pass reads, up to their own capacity (about 160 MB, not settable from here), so
        each pass would start with the caches of the passes before it: on a store of 2,500
        articles the build's main process grew with the store. A no-op for a store in memory
        or read-only, and for one whose engine files are under `RELEASE_BYTES` (its caches
        hold little more than a small store: reopening would only cost, 0.05-0.1 s each)."""
        if self.path is None or self.read_only or self.inner is None:
            return
        if _files_size(self.path / DATA_DIR) < RELEASE_BYTES:
            return
        self.checkpoint()
        self.inner.flush()
        # reopened only when this is the engine's last reference (RocksDB closes when it is
        # dropped; another holder would keep its lock): else only the freed memory goes back
        if type(self.inner) is ox.Store and sys.getrefcount(self.inner) <= 2:
            self.inner = None  # type: ignore[assignment]
            release_freed_memory()
            self.inner = self._open_inner(self.path, False)
        else:
            release_freed_memory()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        """The number of distinct triples (the size of the union graph)."""
        self._fresh()
        return _count(self.inner, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    # -- writing -------------------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, nquads: bytes | str | Iterable[ox.Quad]) -> int:
        """Make the named graph `graph_iri` hold exactly `nquads`; return its triple count.

        `nquads` is N-Quads text (or an iterable of pyoxigraph Quads); triples in the default
        graph are put into `graph_iri`; a quad naming another graph is a ValueError. Loading
        the same content again gives the same store (idempotent). The default graph is kept
        equal to the union (a set) of the named graphs. Crash-safe: see `replace_graphs`.
        """
        return self.replace_graphs([(graph_iri, nquads)], validate=True)[0]

    def replace_graphs(self, items: Iterable[tuple[str, bytes | str | Iterable[ox.Quad]]], *,
                       validate: bool = True, summary: bytes = b"") -> list[int]:
        """`replace_graph` for a batch of graphs at once (the build's write path); returns the
        triple count of each (a graph given twice gets its last content).

        The batch is appended to the journal (`kg-journal.nq`, fsynced) before the store is
        touched. Graphs new to the store are loaded by the engine's bulk loader (with the union
        default graph); a graph already there is changed by difference: only its triples that
        come or go are written, and a triple that goes leaves the union when no other graph
        holds it (decided before any triple is taken out, so a replay decides alike). A process
        killed at any moment leaves the journal behind and the next `Store.open` replays it
        (every batch in it, in order: each replay ends in the batch's content), so the union
        always ends up equal to the union of the article graphs. The journal is cleared by a
        checkpoint (`checkpoint`: the engine flushed to disk) when it grows past
        `JOURNAL_BYTES`, and by `close`.
        `validate=False` skips the up-front syntax check of N-Quads text (for content the
        mapping wrote); a syntax error then leaves the batch unwritten and raises ValueError.
        `summary` (a new store's build: N-Quads lines in the summary graphs, the workers'
        `kg.summary.SummarySeeds` lines of the batch's events) is added to the summary graphs
        and the union with the batch, in its load and its journal entry, while the summary
        stays marked stale: the build's summary pass then writes only what differs from them
        (a replay after a kill replaces each summary graph by the batch's lines, and the next
        opening recomputes the whole summary).
        """
        items = list(items)
        last: dict[str, int] = {}
        for i, (graph_iri, _) in enumerate(items):
            last[graph_iri] = i
        counts: dict[str, int] = {}
        batch: list[_Content] = []
        for i, (graph_iri, content) in enumerate(items):
            if last[graph_iri] != i:
                continue
            item = _graph_texts(ox.NamedNode(graph_iri), content, validate)
            batch.append(item)
            counts[graph_iri] = item.n
        if not batch:
            return []
        self._invalidate_caches()
        if any(not b.graph.value.startswith(SUMMARY_GRAPH) for b in batch):
            self._mark_summary_stale()  # the subjects it touches are noted by `_apply`
        if summary and not summary.endswith(b"\n"):
            summary += b"\n"
        self._journal_append(batch, summary)
        try:
            self._apply(batch, summary=summary)
        except ValueError:
            self.checkpoint()  # the batch was not written: its journal entry must not be replayed
            raise
        finally:
            for b in batch:
                self._read.pop(b.graph, None)
                if self._texts is not None:
                    self._texts.drop(b.graph)
        if self._texts is not None:
            for b in batch:
                if b.n and not b.graph.value.startswith(SUMMARY_GRAPH):
                    self._texts.put(b.graph, b.nt)
        if self._journal_bytes >= JOURNAL_BYTES:
            self.checkpoint()
        return [counts[g] for g, _ in items]

    def _apply(self, batch: list[_Content], *, replay: bool = False, summary: bytes = b"") -> None:
        """Write a batch: new graphs bulk-loaded, existing graphs changed by difference.

        Order (each step idempotent, so a replay of a half-done batch finishes it): (1) each
        existing graph's difference is computed (N-Triples lines of the engine's dump against
        the new content's; a syntax error raises before any write); (2) new graphs are
        loaded, with their union triples; (3) a triple leaving an existing graph leaves the
        union when no named graph other than those it leaves holds it; (4) it leaves its
        graphs; (5) the existing graphs get the triples they gain, and the union gets them
        (on replay: all of the batch's triples); (6) a graph left empty is removed.
        Triples leave before others come, so a triple the engine stores in canonical form
        ("-7.0" as "-7"), both "removed" and "added", ends up stored."""
        inner = self.inner
        union = ox.DefaultGraph()
        fresh = [b for b in batch if not inner.contains_named_graph(b.graph)]
        known = [b for b in batch if inner.contains_named_graph(b.graph)]
        self.rewritten += sum(not b.graph.value.startswith(SUMMARY_GRAPH) for b in known)
        changes = [self._difference(b) for b in known]
        via = self._note_touched(fresh, known, changes) if not replay else set()
        if fresh or summary:
            # one load of the graphs' quads followed by their union triples (N-Quads lines
            # without a graph are default-graph triples); lenient: every line was parsed and
            # written by pyoxigraph or by the mapping (IRIs from `kg.iri`), so the engine's
            # IRI validation, a sixth of the load's CPU, is skipped (VOA: same N-Quads)
            data = b"".join([b.nq for b in fresh] + [summary] + [b.nt for b in fresh]
                            + [_SUMMARY_SUFFIX.sub(b" .\n", summary)])
            bulk = self.path is not None and len(data) >= BULK_BYTES
            load = inner.bulk_load if bulk else inner.load
            try:
                load(data, ox.RdfFormat.N_QUADS, lenient=True)
            except SyntaxError as err:
                for b in fresh:
                    inner.remove_graph(b.graph)
                if bulk:  # a bulk load is not atomic: union triples it wrote that no graph holds
                    inner.update("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o "
                                 "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
                names = ", ".join(b.graph.value for b in fresh[:3]) + (
                    " ..." if len(fresh) > 3 else "")
                raise ValueError(f"invalid N-Quads for {names}: {err}") from err
        leaving: dict[ox.Triple, set[ox.NamedNode]] = {}
        for graph, _, removed in changes:
            for t in removed:
                leaving.setdefault(t, set()).add(graph)
        for t, graphs in leaving.items():
            if all(q.graph_name in graphs or q.graph_name == union
                   for q in inner.quads_for_pattern(t.subject, t.predicate, t.object, None)):
                inner.remove(ox.Quad(t.subject, t.predicate, t.object, union))
        for graph, _, removed in changes:
            for t in removed:
                inner.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        # what the graphs gain, and the union with them: one load (one transaction, not two
        # per graph: the build's summary pass changes 64 graphs at once)
        # (blank nodes: a load each, as their labels are read per load)
        if any(b"_:" in added for _, added, _ in changes):
            for graph, added, _ in changes:
                if added:
                    inner.load(added, ox.RdfFormat.N_TRIPLES, to_graph=graph)
                    if not replay:
                        inner.load(added, ox.RdfFormat.N_TRIPLES)
        elif gained := [_in_graph(added, graph) for graph, added, _ in changes if added]:
            if not replay:
                gained += [added for _, added, _ in changes if added]
            inner.load(b"".join(gained), ox.RdfFormat.N_QUADS)
        if replay:
            for b in known:
                inner.load(b.nt, ox.RdfFormat.N_TRIPLES)
        for b in known:
            if b.n == 0:
                inner.remove_graph(b.graph)
        if via and self._touched is not None:
            from kg.summary import events_via

            self._touched |= events_via(self, via)  # read in the union as now written

    def graph_ntriples(self, graph: str | ox.NamedNode) -> bytes:
        """The triples of one named graph as N-Triples, as the engine writes them, or during a
        build as they were written (`keep_texts`) (for a store-wide pass that rewrites graphs:
        parsing this text is cheaper than reading the graph's quads as terms, and its
        replacement is compared against this text without reading the graph again). Writing
        through `.inner` afterwards: see `rebuild_union`."""
        g = graph if isinstance(graph, ox.NamedNode) else ox.NamedNode(graph)
        text = self._texts.get(g) if self._texts is not None else None
        if text is None:
            text = self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""
        if len(self._read) >= 256:
            self._read.clear()
        self._read[g] = text
        return text

    def known_ntriples(self, graph: str, text: bytes) -> None:
        """Note that the named graph `graph` holds exactly the N-Triples lines `text` (written
        as the engine's dump writes them): its next replacement is compared with them instead
        of a dump (the build's summary graphs, which it wrote from its seeds)."""
        if len(self._read) >= 256:
            self._read.clear()
        self._read[ox.NamedNode(graph)] = text

    def keep_texts(self, keep: bool = True) -> None:
        """While kept (a build, until its end passes are done), the N-Triples of each article
        graph written are kept in a spool file (beside the store, or in the temporary
        directory), and `graph_ntriples` reads a graph from there: the text written, the same
        triples as the engine's dump (its literals not in canonical form: "1.0" for "1"),
        without the engine's reads (11 ms a VOA graph, and its read cache growing with the
        store). `keep_texts(False)` deletes the spool."""
        if self._texts is not None:
            self._texts.close()
            self._texts = None
        if keep:
            self._texts = _TextSpool(self.path / TEXTS if self.path is not None and
                                     not self.read_only else None)

    def _difference(self, item: _Content) -> tuple[ox.NamedNode, bytes, list[ox.Triple]]:
        """(graph, the N-Triples it gains, the triples it loses) for an existing graph."""
        old_text = self._read.pop(item.graph, None)
        if old_text is None:
            old_text = self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=item.graph) or b""
        if b"_:" in old_text or b"_:" in item.nt:  # blank nodes: compare terms, not text
            new = item.triple_set()
            old = {q.triple for q in
                   self.inner.quads_for_pattern(None, None, None, item.graph)}
            added = ox.serialize(list(new - old), format=ox.RdfFormat.N_TRIPLES) or b""
            return item.graph, added, list(old - new)
        old_lines = set(old_text.splitlines())
        new_lines = set(item.nt.splitlines())
        added_lines = [line for line in item.nt.splitlines() if line not in old_lines]
        removed_lines = [line for line in old_text.splitlines() if line not in new_lines]
        added = b"\n".join(added_lines) + b"\n" if added_lines else b""
        try:  # the new text parses: checked before any write
            if added:
                for _ in ox.parse(added, ox.RdfFormat.N_TRIPLES):
                    pass
        except SyntaxError as err:
            raise ValueError(f"invalid N-Quads for {item.graph.value}: {err}") from err
        removed = [q.triple for q in ox.parse(b"\n".join(removed_lines) + b"\n",
                                              ox.RdfFormat.N_TRIPLES)] if removed_lines else []
        return item.graph, added, removed

    def _drop_graphs(self, graphs: list[ox.NamedNode]) -> None:
        """Remove named graphs and, from the union default graph, each of their triples that
        no other named graph holds: one transaction."""
        if not graphs:
            return
        self._read.clear()
        if self._texts is not None:
            for g in graphs:
                self._texts.drop(g)
        listed = " ".join(str(g) for g in graphs)
        drops = " ; ".join(f"DROP SILENT GRAPH {g}" for g in graphs)
        self.inner.update(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h NOT IN ({', '.join(str(g) for g in graphs)})) }} }} ; "
            f"{drops}")

    # the journal: every batch written since the last checkpoint, replayed by `open`
    def _journal_path(self) -> Path | None:
        return self.path / JOURNAL if self.path is not None else None

    def _journal_append(self, batch: list[_Content], summary: bytes = b"") -> None:
        """Append one batch (`#kg-batch`, its graph lines, its N-Quads, `#kg-end`) and fsync:
        a batch without its end line was never applied, and replay skips it."""
        path = self._journal_path()
        if path is None:
            return
        created = not path.exists()
        with open(path, "ab") as f:
            f.write(b"#kg-batch\n")
            for b in batch:
                f.write(b"#graph " + b.graph.value.encode("utf-8") + b"\n")
            for b in batch:
                f.write(b.nq)
            f.write(summary)
            f.write(_BATCH_END)
            f.flush()
            os.fsync(f.fileno())
            self._journal_bytes = f.tell()
        if created:
            _fsync_dir(path.parent)

    def checkpoint(self) -> None:
        """Flush the engine to disk and clear the journal (nothing left to replay)."""
        path = self._journal_path()
        if path is None or self.read_only or self.inner is None:
            return
        self._journal_bytes = 0
        if path.exists():
            self.inner.flush()
            path.unlink()
            _fsync_dir(path.parent)

    def _replay_journal(self) -> None:
        """Redo every complete batch of the journal in order (idempotent), then clear it."""
        path = self._journal_path()
        assert path is not None
        data = path.read_bytes()
        for segment in data.split(_BATCH_END)[:-1]:  # the last piece: a torn batch, or empty
            graphs = [ox.NamedNode(line[7:].decode("utf-8")) for line in segment.splitlines()
                      if line.startswith(b"#graph ")]
            by_graph: dict[ox.NamedNode, list[ox.Quad]] = {g: [] for g in graphs}
            try:
                for q in ox.parse(segment, ox.RdfFormat.N_QUADS):
                    by_graph.setdefault(q.graph_name, []).append(q)
            except SyntaxError:
                self._drop_graphs(graphs)  # unreadable: drop them (a rebuild restores them)
                continue
            batch = [_graph_texts(g, qs, False) for g, qs in by_graph.items()]
            try:
                self._apply(batch, replay=True)
            except ValueError:
                self._drop_graphs(graphs)
        self._invalidate_caches()
        self.checkpoint()

    # the event summary (`kg.summary`): a function of the other graphs, kept in step by a mark
    def _mark_summary_stale(self) -> None:
        """Mark the summary stale before a graph other than the summary's changes (on disk:
        the `SUMMARY_STALE` file, fsynced, so a writer killed afterwards leaves it behind)."""
        if self._summary_stale:
            return
        self._summary_stale = True
        if self.path is not None and not self.read_only:
            path = self.path / SUMMARY_STALE
            with open(path, "wb") as f:
                os.fsync(f.fileno())
            _fsync_dir(self.path)

    def _note_touched(self, fresh: list[_Content], known: list[_Content],
                      changes: list[tuple[ox.NamedNode, bytes, list[ox.Triple]]]) -> set[str]:
        """Note the subjects whose summary a batch can change (unless the next refresh
        computes all of it): in a new graph those of its `TOUCHING` triples, in a changed
        graph those of the summary triples it gains or loses (`kg.summary.touched_in_change`).
        Returns the mentions and articles changed, whose events are found after the write."""
        from kg.summary import MAX_TOUCHED, touched_in_change, touched_in_text

        via: set[str] = set()
        if self._touched is None:
            return via
        for b in fresh:
            if not b.graph.value.startswith(SUMMARY_GRAPH):
                self._touched |= touched_in_text(b.nt)
        for b, (_, added, removed) in zip(known, changes):
            if not b.graph.value.startswith(SUMMARY_GRAPH):
                own, more = touched_in_change(added, removed)
                self._touched |= own
                via |= more
        if len(self._touched) + len(via) > MAX_TOUCHED:
            self._touched = None  # a full recompute is as fast
        return via

    def _touch(self, graph: ox.NamedNode, new: bytes | None = None) -> None:
        """Note the subjects whose summary a graph's replacement by `new` (None: its removal)
        can change: those of its stored content and of the new."""
        from kg.summary import MAX_TOUCHED, touched_in_graph, touched_in_text

        if self._touched is None:
            return
        self._touched |= touched_in_graph(self, graph)
        if new:
            self._touched |= touched_in_text(new)
        if len(self._touched) > MAX_TOUCHED:
            self._touched = None  # a full recompute is as fast

    def track_touched(self) -> None:
        """From now on note the subjects whose summary each write can change, even in a store
        whose next refresh was to compute the whole summary (a new store's build, before its
        end-of-build passes: `refresh_summary(seeds=...)` then looks up only those)."""
        self._touched = set()

    def refresh_summary(self, seeds: SummarySeeds | None = None) -> None:
        """Recompute the event summary (`kg.summary.write_summary`) and clear the stale mark.
        Called by the build at its end (with the seeds its workers computed, when every graph
        of the store was written once by that build: `kg.summary.SummarySeeds`); reads
        (`query`, `stats`, `export`, `quads`, ...) and `close` call it when the summary
        is stale (after a write through `replace_graphs` or `remove_articles`)."""
        from kg.summary import write_summary

        self._summary_stale = True  # written again even if a replay wrote a summary
        on_disk = self.path is not None and not self.read_only
        known = self._summary_digests
        if on_disk:
            assert self.path is not None
            digests = self.path / SUMMARY_DIGESTS
            try:
                known = json.loads(digests.read_text(encoding="utf-8")) if digests.is_file() \
                    else {}
            except ValueError:
                known = {}
            # the digests say what the store holds only while no summary graph is being written
            digests.unlink(missing_ok=True)
            _fsync_dir(self.path)
        self._summary_digests = write_summary(self, known, self._touched, seeds)
        self._summary_stale = False
        self._touched = set()
        if on_disk:
            assert self.path is not None
            self.checkpoint()  # the summary is on disk before its mark goes
            tmp = self.path / (SUMMARY_DIGESTS + ".tmp")
            tmp.write_text(json.dumps(self._summary_digests, indent=0, sort_keys=True) + "\n",
                           encoding="utf-8")
            os.replace(tmp, self.path / SUMMARY_DIGESTS)
            (self.path / SUMMARY_STALE).unlink(missing_ok=True)
            _fsync_dir(self.path)

    def _fresh(self) -> None:
        """Before a read: refresh the summary if a write made it stale (a writable store)."""
        if self._summary_stale and not self.read_only and self.inner is not None:
            self.refresh_summary()

    def rebuild_union(self) -> None:
        """Recompute the default graph as the union of the named graphs (after direct edits of
        `.inner`)."""
        self._invalidate_caches()
        self._read.clear()
        self.checkpoint()  # a journal replayed after this write would undo it
        self.inner.update("DROP SILENT DEFAULT ; "
                          "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

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
        that are not in the store. Each article goes in one transaction."""
        missing: list[str] = []
        self.checkpoint()  # a journal replayed after these drops would bring the graphs back
        for article_id in ids:
            graphs = self._article_graphs(article_id)
            if not graphs:
                missing.append(article_id)
                continue
            self._invalidate_caches()
            self._mark_summary_stale()
            for g in graphs:
                self._touch(g)
            self._drop_graphs(sorted(graphs, key=lambda g: g.value))
        return missing

    def optimize(self) -> None:
        """Compact the engine's files after a big write (the end of a build)."""
        if self.path is not None and not self.read_only:
            self.inner.optimize()
            self.checkpoint()

    # -- reading -------------------------------------------------------------------------------
    def article_ids(self) -> list[str]:
        """The input ids of the articles in the store, sorted."""
        ids = {q.object.value
               for q in self.inner.quads_for_pattern(None, _ARTICLE_ID, None, ox.DefaultGraph())
               if isinstance(q.object, ox.Literal)}
        return sorted(ids)

    def graphs(self) -> list[str]:
        """The named graph IRIs, sorted."""
        self._fresh()
        return sorted(g.value for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, sparql: str, bindings: Mapping[str, Binding] | None = None, *,
              timeout: float | None = None) -> QueryResult | Materialised:
        """Run a SPARQL query; its default graph is the union (a set) of the named graphs.

        `bindings` maps variable names to values bound as RDF terms (see `to_term`), or to a
        list of them (any one matches; an empty list matches nothing); None leaves the variable
        unbound. They are joined as a `VALUES` block at the head of the query's WHERE group, so
        the planner starts from them (see `with_values`). The `kgo:`, `kgid:`, ... prefixes are
        predeclared. With `timeout` (seconds) the result is computed in full (a `Materialised`)
        and QueryTimeout is raised if that takes longer; the engine cannot be interrupted, so
        the abandoned evaluation runs on in a background thread until it ends. On a store on
        disk, the solutions of a slow SELECT are kept in the result cache (`kg.results`) and a
        rerun of the same text and bindings reads them from there (`use_result_cache`).
        """
        text = with_values(sparql, bindings or {})
        self._fresh()
        cache = self._results if self.use_result_cache else None
        if cache is not None and (hit := cache.get(text, "tsv")) is not None:
            return ox.parse_query_results(hit, format=ox.QueryResultsFormat.TSV)

        def evaluate() -> QueryResult:
            started = time.monotonic()
            ordered = self._ordered_tsv(text)
            if ordered is not None:  # already the TSV the cache keeps
                if cache is not None:
                    cache.put(text, "tsv", ordered, time.monotonic() - started)
                return ox.parse_query_results(ordered, format=ox.QueryResultsFormat.TSV)
            result = self._engine(text)
            if cache is None or not isinstance(result, ox.QuerySolutions):
                return result
            sink = _Capped(cache.max_entry_bytes)
            try:
                result.serialize(sink, ox.QueryResultsFormat.TSV)
            except _Capped.Full:
                # too big to keep: the engine's lazy answer again, so that memory stays flat
                return self._engine(text)
            except (RuntimeError, OSError) as err:
                raise QueryError(f"the query failed: {err}") from err
            data = b"".join(sink.parts)
            cache.put(text, "tsv", data, time.monotonic() - started)
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)

        if timeout is None:
            return evaluate()
        return _with_timeout(lambda: _materialise(evaluate()), timeout)

    def _evaluate(self, text: str) -> QueryResult:
        """The answer to query `text`: ordered here (`_ordered_tsv`) where that applies, else
        the engine's (lazy for SELECT); QueryError if it fails."""
        ordered = self._ordered_tsv(text)
        if ordered is not None:
            return ox.parse_query_results(ordered, format=ox.QueryResultsFormat.TSV)
        return self._engine(text)

    def _ordered_tsv(self, text: str) -> bytes | None:
        """The SPARQL TSV answer of a SELECT whose outermost ORDER BY orders by variables,
        answered unordered by the engine and ordered here (`kg.ordering`: the engine reads
        every IRI and long string back from its string table at each comparison); None when
        that does not apply or the answer is over `ORDER_MAX_BYTES` of TSV (left to the
        engine's ORDER BY, so that memory stays bounded)."""
        plan = ordering.split_order(text) if self.order_outside_engine else None
        if plan is None:
            return None
        try:
            unordered = self.inner.query(plan.text, prefixes=dict(PREFIXES))
            if not isinstance(unordered, ox.QuerySolutions):
                return None
            sink = _Capped(ORDER_MAX_BYTES)
            unordered.serialize(sink, ox.QueryResultsFormat.TSV)
        except _Capped.Full:
            return None
        except SyntaxError:
            return None  # the engine reports the error on the query as written
        except (RuntimeError, OSError) as err:
            raise QueryError(f"the query failed: {err}") from err
        return ordering.order_tsv(b"".join(sink.parts), plan)

    def _engine(self, text: str) -> QueryResult:
        """The engine's answer to query `text` (lazy for SELECT); QueryError if it fails."""
        try:
            return self.inner.query(text, prefixes=dict(PREFIXES))
        except SyntaxError as err:
            raise QueryError(_syntax_message(err)) from err
        except (RuntimeError, OSError) as err:
            raise QueryError(f"the query failed: {err}") from err

    def select_csv(self, sparql: str, bindings: Mapping[str, Binding] | None = None, *,
                   timeout: float | None = None) -> bytes:
        """Run a SELECT query and let the engine write its solutions as CSV (SPARQL 1.1 query
        results CSV: a header of variable names, IRIs in full, literals as their lexical form,
        an unbound value empty, CRLF after each row), without a Python object per value.
        Bindings, prefixes, `timeout` and the result cache as in `query`; QueryError if it is
        not a SELECT."""
        text = with_values(sparql, bindings or {})
        self._fresh()
        cache = self._results if self.use_result_cache else None
        if cache is not None and (hit := cache.get(text, "csv")) is not None:
            return hit

        def evaluate() -> bytes:
            started = time.monotonic()
            result = self._evaluate(text)  # lazy: the engine evaluates while writing
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError("expected a SELECT query")
            data = _serialize(result, ox.QueryResultsFormat.CSV)
            if cache is not None:
                cache.put(text, "csv", data, time.monotonic() - started)
            return data

        return evaluate() if timeout is None else _with_timeout(evaluate, timeout)

    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None, *,
               timeout: float | None = None) -> list[dict[str, Any]]:
        """Run a SELECT query; each row a dict variable -> python value (None if unbound)."""
        result = self.query(sparql, bindings, timeout=timeout)
        is_select = (result.kind == "select" if isinstance(result, Materialised)
                     else isinstance(result, ox.QuerySolutions))
        if not is_select:
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in result]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the union default graph left out), graph by graph."""
        self._fresh()
        for g in self.inner.named_graphs():
            yield from self.inner.quads_for_pattern(None, None, None, g)

    def stats(self) -> dict[str, Any]:
        """Counts: articles, graphs, quads, distinct triples, events by class and by CAMEO root,
        actors by type. Computed by aggregate queries once after each write and cached in the
        store directory (`kg-stats.json`; every write removes it first)."""
        self._fresh()
        cache = self.path / STATS_CACHE if self.path is not None else None
        if cache is not None and cache.is_file():
            try:
                return json.loads(cache.read_text(encoding="utf-8"))
            except ValueError:
                pass  # a torn cache: compute again
        stats = self._compute_stats()
        if cache is not None:
            try:
                tmp = cache.with_suffix(".tmp")
                tmp.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
                os.replace(tmp, cache)
            except OSError:
                pass  # a read-only directory: no cache, same answer
        return stats

    def _compute_stats(self) -> dict[str, Any]:
        events_by_class = {r["cls"].rsplit("#", 1)[-1]: r["n"]
                           for r in self.select(_EVENTS_BY_CLASS)}
        by_root = {(r["root"] or "uncoded"): r["n"] for r in self.select(_EVENTS_BY_ROOT)}
        actors = {r["cls"].rsplit("#", 1)[-1]: r["n"] for r in self.select(_ACTORS_BY_CLASS)}
        triples = len(self)
        return {
            "articles": len(self.article_ids()),
            "graphs": sum(1 for _ in self.inner.named_graphs()),
            # the named graphs' quads: every quad but the default graph's (the union's triples),
            # counted by the engine's key scan (a third of a COUNT query's time)
            "quads": len(self.inner) - triples,
            "triples": triples,
            "events": sum(r["n"] for r in self.select(_EVENT_COUNT)),
            "events_by_class": events_by_class,
            "events_by_cameo_root": by_root,
            "actors": sum(actors.values()),
            "actors_by_type": actors,
        }

    def _invalidate_caches(self) -> None:
        """Before a write: the cached counts and query results no longer hold."""
        if self.path is not None:
            (self.path / STATS_CACHE).unlink(missing_ok=True)
            (self.path / NAMES_FILE).unlink(missing_ok=True)
            self.names_saved = False
        if self._results is not None:
            self._results.invalidate()
            self._wrote = True

    # -- export --------------------------------------------------------------------------------
    def export(self, out: IO[bytes] | str | Path, fmt: str, *,
               context: Mapping[str, Any] | None = None) -> None:
        """Write the store as `fmt` (ttl, nt, nq, trig, jsonld, rdfxml) to a binary stream or path,
        streamed from the engine (memory bounded by the largest article graph).

        Triple formats (ttl, nt, rdfxml) hold the union of the graphs;
        nq, trig and jsonld keep the named graphs. JSON-LD is compacted with `context`
        (default: our prefixes): `kg.jsonld`.
        """
        self._fresh()
        if fmt not in RDF_FORMATS:
            raise StoreError(f"unknown RDF format {fmt!r}; valid: {', '.join(RDF_FORMATS)}")
        if isinstance(out, (str, Path)):
            with open(out, "wb") as f:
                self.export(f, fmt, context=context)
            return
        if fmt in ("ttl", "nt", "rdfxml"):
            prefixes = {"nt": None, "ttl": TURTLE_PREFIXES}.get(fmt, dict(PREFIXES))
            self.inner.dump(out, RDF_FORMATS[fmt], from_graph=ox.DefaultGraph(),
                            prefixes=prefixes)
            return
        if fmt == "jsonld":
            from kg.jsonld import write_jsonld

            write_jsonld(self._graph_dumps(ox.RdfFormat.JSON_LD), out,
                         dict(context) if context is not None else dict(PREFIXES))
            return
        if fmt == "nq":
            for graph, data in self._graph_dumps(ox.RdfFormat.N_TRIPLES):
                out.write(data.replace(b" .\n", b" " + str(graph).encode("utf-8") + b" .\n"))
            return
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in TURTLE_PREFIXES.items())
                  .encode("utf-8"))
        for graph, data in self._graph_dumps(ox.RdfFormat.TURTLE, TURTLE_PREFIXES):
            body = b"\n".join(line for line in data.split(b"\n")
                              if not line.startswith(b"@prefix "))
            out.write(b"\n" + str(graph).encode("utf-8") + b" {\n" + body.strip(b"\n")
                      + b"\n}\n")

    def _graph_dumps(self, fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
                     ) -> Iterator[tuple[ox.NamedNode, bytes]]:
        """Each named graph serialised by the engine, one at a time, sorted by IRI."""
        graphs = sorted((g for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode)),
                        key=lambda g: g.value)
        for g in graphs:
            yield g, self.inner.dump(format=fmt, from_graph=g, prefixes=prefixes) or b""


Binding = Union[object, Sequence[object]]


class Materialised:
    """A query result computed in full: `kind` select/ask/construct, `variables` (select),
    `rows` (QuerySolution, or Triple for construct), `value` (ask)."""

    def __init__(self, kind: str, variables: list[ox.Variable], rows: list[Any],
                 value: bool = False) -> None:
        self.kind, self.variables, self.rows, self.value = kind, variables, rows, value

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __bool__(self) -> bool:
        return self.value if self.kind == "ask" else bool(self.rows)


def _materialise(result: QueryResult) -> Materialised:
    if isinstance(result, ox.QuerySolutions):
        return Materialised("select", list(result.variables), list(result))
    if isinstance(result, ox.QueryBoolean):
        return Materialised("ask", [], [], bool(result))
    return Materialised("construct", [], list(result))


class _Capped:
    """A binary sink that holds what is written to it up to `limit` bytes, then raises Full."""

    class Full(Exception):
        pass

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size, self.limit = 0, limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise self.Full
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _serialize(result: ox.QuerySolutions, fmt: ox.QueryResultsFormat) -> bytes:
    """The solutions written by the engine (evaluated meanwhile); QueryError if that fails."""
    try:
        return result.serialize(format=fmt) or b""
    except (RuntimeError, OSError) as err:
        raise QueryError(f"the query failed: {err}") from err


def _with_timeout(fn: Callable[[], Any], timeout: float) -> Any:
    """fn() in a worker thread (the engine releases the GIL); QueryTimeout after `timeout` s.
    With `ON_TIMEOUT` set: fn() in this thread, and `ON_TIMEOUT` called at the limit."""
    started = time.monotonic()
    if ON_TIMEOUT is not None:
        on_timeout = ON_TIMEOUT
        timer = threading.Timer(timeout, lambda: on_timeout(QueryTimeout(
            _timeout_message(timeout, time.monotonic() - started))))
        timer.daemon = True
        timer.start()
        try:
            return fn()
        finally:
            timer.cancel()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # handed to the caller below
            box["error"] = err

    worker = threading.Thread(target=target, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(_timeout_message(timeout, time.monotonic() - started))
    if "error" in box:
        raise box["error"]
    return box["value"]


def _timeout_message(timeout: float, elapsed: float) -> str:
    return (f"the query did not finish in {timeout:g} s (after {elapsed:.1f} s it was "
            "abandoned); give it more time with --timeout SECONDS (0 = no limit), or narrow it "
            "with parameters")


def _count(inner: ox.Store, sparql: str) -> int:
    for row in inner.query(sparql):
        return int(row[0].value)
    return 0


def _files_size(directory: Path) -> int:
    """The bytes of the files in `directory`; a file the engine removes meanwhile (a
    compaction deletes its old tables) counts nothing."""
    total = 0
    for f in directory.iterdir():
        try:
            total += f.stat().st_size if f.is_file() else 0
        except FileNotFoundError:
            pass
    return total


def release_freed_memory() -> None:
    """Hand the memory the process freed back to the system (glibc's `malloc_trim`: freed
    blocks otherwise stay in the allocator's arenas, counted in the process's RSS); a no-op
    where there is no glibc."""
    global _TRIM
    if _TRIM is None:
        try:
            import ctypes

            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _TextSpool:
    """Graph texts appended to one file, the last of each graph found by its offset."""

    def __init__(self, path: Path | None) -> None:
        if path is None:
            fd, name = tempfile.mkstemp(prefix="kg-texts-", suffix=".spool")
            os.close(fd)
            path = Path(name)
        self.path = path
        self._file = open(path, "w+b")
        self._where: dict[ox.NamedNode, tuple[int, int]] = {}
        self._end = 0

    def put(self, graph: ox.NamedNode, text: bytes) -> None:
        self._file.seek(self._end)
        self._file.write(text)
        self._where[graph] = (self._end, len(text))
        self._end += len(text)

    def drop(self, graph: ox.NamedNode) -> None:
        self._where.pop(graph, None)

    def get(self, graph: ox.NamedNode) -> bytes | None:
        where = self._where.get(graph)
        if where is None:
            return None
        self._file.seek(where[0])
        return self._file.read(where[1])

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


@dataclass(slots=True)
class _Content:
    """One graph's new content: N-Quads in the graph, N-Triples for the union, triple count,
    and the triples themselves once a difference needed them as terms (parsed from `nt`)."""

    graph: ox.NamedNode
    nq: bytes
    nt: bytes
    n: int
    triples: set[ox.Triple] | None = None

    def triple_set(self) -> set[ox.Triple]:
        if self.triples is None:
            try:
                self.triples = {q.triple for q in ox.parse(self.nt, ox.RdfFormat.N_TRIPLES)}
            except SyntaxError as err:
                raise ValueError(f"invalid N-Quads for {self.graph.value}: {err}") from err
        return self.triples


def _in_graph(ntriples: bytes, graph: ox.NamedNode) -> bytes:
    """N-Triples lines (each ending ` .`) as N-Quads lines in `graph`."""
    return ntriples.replace(b" .\n", b" " + str(graph).encode("utf-8") + b" .\n")


def _graph_texts(graph: ox.NamedNode, content: bytes | str | Iterable[ox.Quad], validate: bool
                 ) -> _Content:
    """A graph's content as N-Quads in `graph`, N-Triples for the union and triple count.

    N-Quads text written by the mapping (every line `... <graph> .`) is converted as text;
    anything else is parsed, checked (a quad naming another graph is a ValueError) and
    re-serialised."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if isinstance(content, bytes):
        if content and not content.endswith(b"\n"):
            content += b"\n"
        suffix = b" " + str(graph).encode("utf-8") + b" .\n"
        lines = content.count(b"\n")
        if not validate and content.count(suffix) == lines:
            return _Content(graph, content, content.replace(suffix, b" .\n"), lines)
        try:
            quads: Iterable[ox.Quad] = list(ox.parse(content, ox.RdfFormat.N_QUADS))
        except SyntaxError as err:
            raise ValueError(f"invalid N-Quads for {graph.value}: {err}") from err
    else:
        quads = content
    triples: dict[ox.Triple, None] = {}
    for q in quads:
        if not isinstance(q.graph_name, (ox.DefaultGraph, ox.NamedNode)) or (
                isinstance(q.graph_name, ox.NamedNode) and q.graph_name != graph):
            raise ValueError(f"quad in graph {q.graph_name} given to replace graph {graph.value}")
        triples[q.triple] = None
    nt = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    suffix = b" " + str(graph).encode("utf-8") + b" .\n"
    # the triples are not kept: a batch holds bytes only (parsed again if a diff needs terms)
    return _Content(graph, nt.replace(b" .\n", suffix), nt, len(triples))


def with_values(sparql: str, bindings: Mapping[str, Binding]) -> str:
    """`sparql` with one `VALUES ?name { term ... }` block per binding as the first elements of
    its outermost WHERE group: bound as RDF terms (serialised by pyoxigraph, never pasted
    text), and seen by the planner before anything else. None values are left out (unbound).

    A query whose parameters are used inside a sub-select (which does not see the outer
    group's VALUES) names the place instead: the blocks go right after each comment line
    `# @parameters` (a comment: the query stays valid SPARQL without parameters).

    A comment line `# @if NAME: PATTERN` becomes `PATTERN` when NAME is bound: a pattern that
    lets a bound parameter drive the join (`?event kgo:source|kgo:target ?actor .`), which
    without the parameter would only multiply the rows. The pattern is the query's own text;
    the value is still bound by the VALUES block. A line that ends in the comment
    `# @unless NAME` is left out when NAME is bound: a plan for the query without the
    parameter (a whole predicate read once and hash-joined) that a bound parameter, which
    needs only a few rows, replaces by its `# @if` line (looked up row by row).

    >>> with_values("SELECT ?x WHERE { ?x ?p ?a }", {"a": "1", "b": None})
    'SELECT ?x WHERE { VALUES ?a { "1" } ?x ?p ?a }'
    >>> with_values("SELECT * { { SELECT ?x { # @parameters\\n ?x ?p ?a } } }", {"a": "2"})
    'SELECT * { { SELECT ?x { # @parameters\\n VALUES ?a { "2" } ?x ?p ?a } } }'
    >>> with_values("SELECT ?x {\\n  # @if a: ?x ?q ?a .\\n  ?x ?p ?y }", {"a": "3"})
    'SELECT ?x { VALUES ?a { "3" }\\n  ?x ?q ?a .\\n  ?x ?p ?y }'
    >>> with_values("SELECT ?x {\\n  { SELECT ?x { ?x ?p ?y } }  # @unless a\\n}", {"a": "4"})
    'SELECT ?x { VALUES ?a { "4" }\\n\\n}'
    >>> with_values("SELECT ?x { ?x ?p ?y\\n  FILTER(?y = ?a)  # @when a\\n}", {})
    'SELECT ?x { ?x ?p ?y\\n\\n}'
    """
    blocks = []
    for name, value in bindings.items():
        if value is None:
            continue
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}: use letters, digits and _")
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        terms = []
        for v in values:
            term = to_term(v)
            if isinstance(term, ox.BlankNode):
                raise QueryError(f"parameter {name}: a blank node cannot be bound")
            terms.append(str(term))
        blocks.append(f"VALUES ?{name} {{ {' '.join(terms)} }}")
    bound = {name for name, value in bindings.items() if value is not None}
    if "@when" in sparql:
        sparql = _WHEN_BOUND.sub(lambda m: m.group(0) if m.group(1) in bound or re.search(
            rf"\bVALUES\b[^{{]*[?$]{m.group(1)}\b", sparql, re.IGNORECASE) else "", sparql)
    if not blocks:
        return sparql
    sparql = _IF_BOUND.sub(lambda m: m.group(1) + m.group(3) if m.group(2) in bound
                           else m.group(0), sparql)
    sparql = _UNLESS_BOUND.sub(lambda m: "" if m.group(1) in bound else m.group(0), sparql)
    places = _values_places(sparql)
    if not places:
        raise QueryError("the query has no WHERE group to bind its parameters in")
    for index in reversed(places):
        sparql = f"{sparql[:index]} {' '.join(blocks)}{sparql[index:]}"
    return sparql


#: `# @if NAME: PATTERN`, a comment line that `with_values` turns into PATTERN when NAME is bound
_IF_BOUND = re.compile(r"^([ \t]*)#[ \t]*@if[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]*(.*)$",
                       re.MULTILINE)
#: a line ending in `# @unless NAME`, which `with_values` leaves out when NAME is bound
_UNLESS_BOUND = re.compile(r"^.*[ \t]#[ \t]*@unless[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$",
                           re.MULTILINE)
#: a line ending in `# @when NAME`, which `with_values` leaves out when NAME is not bound
_WHEN_BOUND = re.compile(r"^.*[ \t]#[ \t]*@when[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$",
                         re.MULTILINE)
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


#: the comment line that names where `with_values` binds the parameters
_PARAMETERS_MARK = re.compile(r"#\s*@parameters[ \t]*(?:\r?\n|$)")


def _values_places(text: str) -> list[int]:
    """Where `with_values` puts the VALUES blocks: after each `# @parameters` comment line when
    the query has some (two sub-selects may each need the parameters), else just inside the
    first `{` that is SPARQL syntax (not in a comment, string or IRI); empty when neither."""
    i, n = 0, len(text)
    first_brace = None
    marks: list[int] = []
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            end = n if j < 0 else j + 1
            if _PARAMETERS_MARK.match(text, i):
                marks.append(end)
            i = end
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "{" and first_brace is None:
            first_brace = i + 1
        i += 1
    return marks or ([first_brace] if first_brace is not None else [])


#: a prefixed name's local part that every Turtle parser reads alike: no escapes, no dots
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
#: resource folders under `kgid:` that get their own prefix in Turtle/TriG (`kgid:event/` -> kgevent:)
_ID_FOLDERS = ("actor", "article", "event", "graph", "mention", "post", "publisher", "quote",
               "stance", "state", "term")
#: the folders whose local parts are plain names by construction (`kg.iri`: slugs, digests,
#: ISO codes); the others (mention, post, quote, stance) hold a "/" and are written in full
_PLAIN_FOLDERS = ("actor", "article", "event", "graph", "publisher", "state", "term")
#: the prefixes of Turtle and TriG exports (no scan of the graph needed: see `plain_prefixes`)
TURTLE_PREFIXES: dict[str, str] = {
    **{p: ns for p, ns in PREFIXES.items() if p != "kgid"},
    **{f"kg{folder}": f"{ID}{folder}/" for folder in _PLAIN_FOLDERS},
}


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
