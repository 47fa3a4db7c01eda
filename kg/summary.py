"""The event summary: per-event columns precomputed from all the graphs of the store.

An event reported by several articles is one node with one `kgo:evidence` mention per report,
in several article graphs; a listing of every event (the event table, `events.rq`) would have
to group all of their mentions, actors and classes at query time (60 s on 7.8 M triples). This
pass computes, for every event (a node with a `kgo:modality`), what those queries grouped for:

- `kgo:firstMention`: its first mention, by article id, then start and end offset, then IRI
  (the mention whose article, sentence and offsets the event table shows);
- `kgo:reportCount`: how many evidence mentions it has; `kgo:articleCount`: from how many
  distinct articles (GDELT's NumMentions and NumSources);
- `kgo:sourceList` / `kgo:targetList`: its source / target actor IRIs, sorted in code point
  order and joined by one space (absent when it has none);
- `kgo:typeName`: the local name of its least kgo class other than kgo:Event in code point
  order (its most specific class), "Event" when it has no other.

The summary triples live in named graphs of their own, `kgid:graph/summary/NN` (`BUCKETS`
of them; an event's bucket is a hash of its IRI), so they are in the union default graph, in
exports and in published copies like any graph, and are written through
`Store.replace_graphs` (journaled; only the triples that change are written). They are a
function of the other graphs only: `write_summary` recomputes the events the writes since the
last refresh touched (or all of them, one graph at a time by lookups: memory does not grow with
the store), and writes each bucket's sorted N-Triples, so an incremental build, a removal and a fresh build of the same
articles give the same summary, byte for byte; a graph whose content digest is the one last
written (`kg-summary.json`) is not written at all. `kg.store.Store` marks the summary stale
(a file `kg-summary.stale`) before any other graph changes and refreshes it before the next
read, at `close`, and at the next open after a killed writer.

>>> from kg.store import Store
>>> store = Store.memory()
>>> e, m = ID + "event/e1", ID + "mention/a/0-5"
>>> a = ID + "article/a"
>>> text = (f'<{e}> <{KGO}modality> <{KGO}actual> .\\n<{e}> <{KGO}evidence> <{m}> .\\n'
...         f'<{m}> <{KGO}inArticle> <{a}> .\\n<{a}> <{KGO}articleId> "a" .\\n'
...         f'<{m}> <{KGO}startOffset> "0"^^<{XSD}integer> .\\n'
...         f'<{m}> <{KGO}endOffset> "5"^^<{XSD}integer> .\\n')
>>> _ = store.replace_graph(ID + "graph/a", text)
>>> [r["n"] for r in store.select("SELECT ?n WHERE { ?e kgo:reportCount ?n }")]
[1]
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.vocab import ID, KGO, RDF, XSD

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import Store

__all__ = ["BUCKETS", "SUMMARY_GRAPH", "PROPERTIES", "is_summary_graph", "summary_graph",
           "iter_summary", "summary_nquads", "touched_in_graph", "touched_in_text",
           "write_summary"]

#: the number of summary graphs: a write rewrites only the graphs whose content changed (and
#: in those only the triples that changed)
BUCKETS = 64
#: the summary graphs written at once (one journaled batch), at most this many or as many as
#: hold `WRITE_BYTES` of text: bounds the text held in memory; a first write of a store's summary
#: (new graphs) is then one or two bulk loads instead of a transaction per graph (VOA: 0.7 s
#: less)
WRITE_BUCKETS = 64
WRITE_BYTES = 8_000_000
#: the summary graphs' IRIs: this prefix and a two-digit bucket number
SUMMARY_GRAPH = ID + "graph/summary/"
#: the properties the summary writes (local names in kgo:)
PROPERTIES = ("firstMention", "reportCount", "articleCount", "sourceList", "targetList",
              "typeName")

_DEFAULT = ox.DefaultGraph()
_P = {name: ox.NamedNode(KGO + name) for name in (
    "modality", "evidence", "inArticle", "articleId", "startOffset", "endOffset", "source",
    "target", *PROPERTIES)}
_P["type"] = ox.NamedNode(RDF + "type")
_EVENT_CLASS = KGO + "Event"


def summary_graph(event: str) -> str:
    """The summary graph holding an event's summary (a stable hash of its IRI).

    >>> summary_graph(ID + "event/0123456789abcdef")[len(SUMMARY_GRAPH):]
    '31'
    """
    return f"{SUMMARY_GRAPH}{_bucket(event):02d}"


def is_summary_graph(graph: str) -> bool:
    """Whether a named graph IRI is one of the summary graphs."""
    return graph.startswith(SUMMARY_GRAPH)


def _bucket(event: str) -> int:
    return int.from_bytes(hashlib.blake2b(event.encode("utf-8"), digest_size=4).digest(),
                          "big") % BUCKETS


def _padded(n: str) -> str:
    """An offset as `events.rq` pads it: the last ten characters of ten zeros and the number."""
    return ("0000000000" + n)[len(n):]


class _Reader:
    """One event's summary lines, read by lookups on the union default graph (a bucket's
    events at a time, so the pass holds one bucket's text, not the store's)."""

    def __init__(self, store: Store) -> None:
        self.inner = store.inner
        self.article_ids: dict[ox.NamedNode, str | None] = {}

    def objects(self, subject: ox.NamedNode, predicate: str) -> list:
        return [q.object for q in self.inner.quads_for_pattern(subject, _P[predicate], None,
                                                                _DEFAULT)]

    def one(self, subject: ox.NamedNode, predicate: str) -> ox.NamedNode | ox.Literal | None:
        for q in self.inner.quads_for_pattern(subject, _P[predicate], None, _DEFAULT):
            return q.object
        return None

    def article_id(self, article: ox.NamedNode) -> str | None:
        if article not in self.article_ids:
            if len(self.article_ids) >= 100_000:
                self.article_ids.clear()
            aid = self.one(article, "articleId")
            self.article_ids[article] = aid.value if aid is not None else None
        return self.article_ids[article]

    def lines(self, event: ox.NamedNode, graph: str) -> list[str]:
        s = f"<{event.value}> "
        g = f" <{graph}> .\n"
        out = []
        keys = []
        articles = set()
        for m in set(self.objects(event, "evidence")):
            if not isinstance(m, ox.NamedNode):
                continue
            art = self.one(m, "inArticle")
            aid = self.article_id(art) if isinstance(art, ox.NamedNode) else None
            start, end = self.one(m, "startOffset"), self.one(m, "endOffset")
            if aid is None or start is None or end is None:
                continue  # not a mention of an article (events.rq skips it alike)
            articles.add(aid)
            ms, me = start.value, end.value
            keys.append(f"{aid}\x1f{_padded(ms)}{_padded(me)}\x1f{ms}\x1f{me}\x1f{m.value}")
        if keys:
            first = min(keys).rsplit("\x1f", 1)[1]
            out.append(f"{s}<{KGO}firstMention> <{first}>{g}")
            out.append(f'{s}<{KGO}reportCount> "{len(keys)}"^^<{XSD}integer>{g}')
            out.append(f'{s}<{KGO}articleCount> "{len(articles)}"^^<{XSD}integer>{g}')
        for prop, predicate in (("sourceList", "source"), ("targetList", "target")):
            iris = sorted({a.value for a in self.objects(event, predicate)})
            if iris:
                out.append(f"{s}<{KGO}{prop}> {ox.Literal(' '.join(iris))}{g}")
        names = [c.value[len(KGO):] for c in self.objects(event, "type")
                 if c.value.startswith(KGO) and c.value != _EVENT_CLASS]
        out.append(f"{s}<{KGO}typeName> {ox.Literal(min(names) if names else 'Event')}{g}")
        return out


def iter_summary(store: Store) -> Iterator[tuple[str, bytes]]:
    """Each summary graph (all `BUCKETS`, in order) and its content as sorted N-Quads lines
    (empty when no event hashes to it), computed from the union graph one graph at a time:
    the pass holds the event IRIs and one graph's text, whatever the store's size."""
    buckets: list[set[ox.NamedNode]] = [set() for _ in range(BUCKETS)]
    for q in store.inner.quads_for_pattern(None, _P["modality"], None, _DEFAULT):
        buckets[_bucket(q.subject.value)].add(q.subject)
    reader = _Reader(store)
    for b, events in enumerate(buckets):
        graph = f"{SUMMARY_GRAPH}{b:02d}"
        lines = [line for event in events for line in reader.lines(event, graph)]
        buckets[b] = set()  # done: its IRIs are not needed again
        yield graph, "".join(sorted(lines)).encode("utf-8")


def summary_nquads(store: Store) -> dict[str, bytes]:
    """Each summary graph's content as sorted N-Quads lines, computed from the union graph
    (every summary graph of `BUCKETS` is in the dict, empty when no event hashes to it)."""
    return dict(iter_summary(store))


#: the predicates whose subjects a write touches: an event's summary changes only through a
#: graph that holds one of these triples of it (the mapping writes them with every report)
TOUCHING = ("modality", "evidence", "source", "target")
_TOUCHING_LINE = re.compile(
    rb"^<([^>]*)> <" + re.escape(KGO.encode()) + rb"(?:" +
    rb"|".join(p.encode() for p in TOUCHING) + rb")> ", re.MULTILINE)
#: past this many touched subjects a refresh recomputes the whole summary (as fast, and it
#: does not hold the set)
MAX_TOUCHED = 50_000


def touched_in_text(ntriples: bytes) -> set[str]:
    """The subjects of a graph's N-Triples (or N-Quads) text whose summary it can change.

    >>> sorted(touched_in_text(f'<{ID}event/e> <{KGO}evidence> <{ID}mention/m> .\\n'.encode()))
    ['https://w3id.org/kg-news/id/event/e']
    """
    return {m.group(1).decode("utf-8") for m in _TOUCHING_LINE.finditer(ntriples)}


def touched_in_graph(store: Store, graph: ox.NamedNode) -> set[str]:
    """The subjects of a stored named graph whose summary it can change."""
    return {q.subject.value for p in TOUCHING
            for q in store.inner.quads_for_pattern(None, _P[p], None, graph)
            if isinstance(q.subject, ox.NamedNode)}


def _update(store: Store, touched: set[str]) -> Iterator[tuple[str, bytes]]:
    """The summary graphs holding a touched subject, each with its new content: its stored
    lines of other subjects and the touched events' lines computed again (the same bytes as a
    full recompute: each event's lines depend on the union graph only)."""
    by_bucket: dict[int, list[str]] = {}
    for subject in touched:
        by_bucket.setdefault(_bucket(subject), []).append(subject)
    reader = _Reader(store)
    for b in sorted(by_bucket):
        graph = f"{SUMMARY_GRAPH}{b:02d}"
        subjects = set(by_bucket[b])
        suffix = f"<{graph}> .\n"
        lines = [line[:-1] + suffix  # N-Triples `... .` as N-Quads `... <graph> .`
                 for line in store.graph_ntriples(graph).decode("utf-8").splitlines()
                 if line and line[1:line.index("> ")] not in subjects]
        for subject in sorted(subjects):
            event = ox.NamedNode(subject)
            if reader.one(event, "modality") is not None:
                lines.extend(reader.lines(event, graph))
        yield graph, "".join(sorted(lines)).encode("utf-8")


def digest(content: bytes) -> str:
    """The digest of a summary graph's content (to skip rewriting an unchanged graph)."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def write_summary(store: Store, known: dict[str, str] | None = None,
                  touched: set[str] | None = None) -> dict[str, str]:
    """Write the summary (journaled batches of graphs, `WRITE_BUCKETS`/`WRITE_BYTES`, each changed by
    difference) and return each graph's digest. With `touched` (the subjects whose graphs
    changed since the summary was last right, `touched_in_text` / `touched_in_graph`), only
    their events are computed again and only their summary graphs read and written; without
    it (or past `MAX_TOUCHED`) the whole summary is. A graph whose digest in `known` (what the
    store is known to hold) equals its new content's is not written. Prefer
    `Store.refresh_summary`, which keeps the digests, the touched subjects and the stale mark."""
    digests = dict(known or {})
    full = touched is None or len(touched) > MAX_TOUCHED or len(digests) < BUCKETS
    contents = iter_summary(store) if full else _update(store, touched or set())
    changed: list[tuple[str, bytes]] = []
    held = 0
    for graph, text in contents:
        new = digest(text)
        if digests.get(graph) != new:
            changed.append((graph, text))
            held += len(text)
        digests[graph] = new
        if len(changed) >= WRITE_BUCKETS or held >= WRITE_BYTES:
            store.replace_graphs(changed, validate=False)
            changed, held = [], 0
    store.replace_graphs(changed, validate=False)
    return digests
