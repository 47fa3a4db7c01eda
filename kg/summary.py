"""The event summary: per-event columns precomputed from all the graphs of the store.

An event reported by several articles is one node with one `kgo:evidence` mention per report,
in several article graphs; a listing of every event (the event table, `events.rq`) would have
to group all of their mentions, actors and classes at query time (60 s on 7.8 M triples). This
pass computes, for every event (a node with a `kgo:modality`), what those queries grouped for:

- `kgo:firstMention`: its first mention, by article id, then start and end offset, then IRI
  (the mention whose article, sentence and offsets the event table shows), and what the table
  shows of it: `kgo:firstArticleId`, `kgo:firstStart`, `kgo:firstEnd` (its article's id and
  its offsets) and `kgo:firstSentenceText` (its sentence's text; absent when it has none);
- `kgo:reportCount`: how many evidence mentions it has; `kgo:articleCount`: from how many
  distinct articles (GDELT's NumMentions and NumSources);
- `kgo:sourceList` / `kgo:targetList`: its source / target actor IRIs, sorted in code point
  order and joined by one space (absent when it has none);
- `kgo:typeName`: the local name of its least kgo class other than kgo:Event in code point
  order (its most specific class), "Event" when it has no other;
- `kgo:leastBegin` / `kgo:leastEnd`: its least `sem:hasBeginTimeStamp` / `sem:hasEndTimeStamp`
  day (an `xsd:date`; absent when it has none), and `kgo:leastDateBasis`: the least of its
  `kgo:dateBasis` strings in code point order (what `event_details.rq` grouped for: a report
  of several articles may carry several).

and, for every actor (a subject of `kgo:mentionCount` in an article graph, one named by a
`kgo:namedGraph` triple), what the actor tables (`actors.rq`, `actors_by_country_and_sector.rq`)
summed over all the article graphs (0.3 s of a 10 M-triple store's 0.8 s):

- `kgo:mentionTotal`: the sum of its `kgo:mentionCount` values over the article graphs;
- `kgo:mentionArticleCount`: how many article graphs hold one.

The summary triples live in named graphs of their own, `kgid:graph/summary/NN` (`BUCKETS`
of them; an event's or actor's bucket is a hash of its IRI), so they are in the union default
graph, in exports and in published copies like any graph, and are written through
`Store.replace_graphs` (journaled; only the triples that change are written). They are a
function of the other graphs only: `write_summary` recomputes the events and actors the writes
since the last refresh touched (or all of them, one graph at a time by lookups: memory does not
grow with the store; the actors' totals by one aggregate query, two lines per actor), and writes
each bucket's sorted N-Triples, so an incremental build, a removal and a fresh build of the
same articles give the same summary, byte for byte; a graph whose content digest is the one
last written (`kg-summary-VERSION.json`) is not written at all. `kg.store.Store` marks the
summary stale (a file `kg-summary.stale`) before any other graph changes and refreshes it
before the next read, at `close`, and at the next open after a killed writer.

A build into a new store does not look every event up: its workers compute, from each article
graph alone, the summary lines of the events it states (`article_seeds`), the build keeps them in
a spool per bucket (`SummarySeeds`), and its summary pass takes them as they are for every event
only one graph states and the end-of-build passes did not rewrite; the others (an event several
articles report, one a merge re-keyed) are looked up, and the actors' totals are read by the
aggregate query of a full pass. The bytes are those of the full recompute.

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
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.vocab import ID, KGO, RDF, SEM, XSD

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import Store

__all__ = ["BUCKETS", "SUMMARY_GRAPH", "PROPERTIES", "ACTOR_PROPERTIES", "VERSION",
           "is_summary_graph", "summary_graph", "iter_summary", "summary_nquads",
           "touched_in_graph", "touched_in_text", "write_summary", "article_seeds",
           "SummarySeeds", "touched_in_change", "events_via", "SEED_PREDICATES"]

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
#: the properties of the actor summary (local names in kgo:)
ACTOR_PROPERTIES = ("mentionTotal", "mentionArticleCount")
#: the properties the summary writes (local names in kgo:)
PROPERTIES = ("firstMention", "firstArticleId", "firstStart", "firstEnd", "firstSentenceText",
              "reportCount", "articleCount", "sourceList", "targetList",
              "typeName", "leastBegin", "leastEnd", "leastDateBasis", *ACTOR_PROPERTIES)
#: what the summary holds: a store whose summary another version wrote gets it computed again
#: (`kg.store` names its digests file for it); 2: the actor summary added; 3: the least
#: begin and end days and date basis; 4: the first mention's article id, offsets and sentence
VERSION = 4

_DEFAULT = ox.DefaultGraph()
_P = {name: ox.NamedNode(KGO + name) for name in (
    "modality", "evidence", "inArticle", "articleId", "startOffset", "endOffset", "inSentence",
    "sentenceText", "source", "target", "mentionCount", "namedGraph", "dateBasis", *PROPERTIES)}
_P["type"] = ox.NamedNode(RDF + "type")
_P["begin"] = ox.NamedNode(SEM + "hasBeginTimeStamp")
_P["end"] = ox.NamedNode(SEM + "hasEndTimeStamp")
_EVENT_CLASS = KGO + "Event"
_INTEGER = XSD + "integer"
_DATE = XSD + "date"
#: the days `kgo:leastBegin`/`kgo:leastEnd` take (the mapping's `date.isoformat()`): in this
#: form the least lexical form is the least day, as the engine's MIN compares them
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
        self.store = store
        self.article_ids: dict[ox.NamedNode, str | None] = {}
        self.article_graphs: dict[ox.NamedNode, bool] = {}

    @property
    def inner(self) -> ox.Store:
        """The store's engine (read each time: `Store.release_memory` reopens it)."""
        return self.store.inner

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
            aid, _, ms, me, first = min(keys).split("\x1f")
            out.append(f"{s}<{KGO}firstMention> <{first}>{g}")
            # what the event table shows of it, on the event: four hash-joined columns instead
            # of six lookups per row (VOA's `events` 1.17 -> 0.68 s of engine CPU, measured
            # with stand-ins)
            out.append(f"{s}<{KGO}firstArticleId> {ox.Literal(aid)}{g}")
            out.append(f'{s}<{KGO}firstStart> "{ms}"^^<{XSD}integer>{g}')
            out.append(f'{s}<{KGO}firstEnd> "{me}"^^<{XSD}integer>{g}')
            sentence = self.one(ox.NamedNode(first), "inSentence")
            text = self.one(sentence, "sentenceText") if isinstance(sentence, ox.NamedNode) else None
            if isinstance(text, ox.Literal):
                out.append(f"{s}<{KGO}firstSentenceText> {ox.Literal(text.value)}{g}")
            out.append(f'{s}<{KGO}reportCount> "{len(keys)}"^^<{XSD}integer>{g}')
            out.append(f'{s}<{KGO}articleCount> "{len(articles)}"^^<{XSD}integer>{g}')
        for prop, predicate in (("sourceList", "source"), ("targetList", "target")):
            iris = sorted({a.value for a in self.objects(event, predicate)})
            if iris:
                out.append(f"{s}<{KGO}{prop}> {ox.Literal(' '.join(iris))}{g}")
        names = [c.value[len(KGO):] for c in self.objects(event, "type")
                 if c.value.startswith(KGO) and c.value != _EVENT_CLASS]
        out.append(f"{s}<{KGO}typeName> {ox.Literal(min(names) if names else 'Event')}{g}")
        for prop, predicate in (("leastBegin", "begin"), ("leastEnd", "end")):
            days = [d.value for d in self.objects(event, predicate) if isinstance(d, ox.Literal)
                    and d.datatype.value == _DATE and _DAY.fullmatch(d.value)]
            if days:
                out.append(f'{s}<{KGO}{prop}> "{min(days)}"^^<{_DATE}>{g}')
        bases = [b.value for b in self.objects(event, "dateBasis")
                 if isinstance(b, (ox.Literal, ox.NamedNode))]
        if bases:
            out.append(f"{s}<{KGO}leastDateBasis> {ox.Literal(min(bases))}{g}")
        return out

    def actor_lines(self, actor: ox.NamedNode, graph: str) -> list[str]:
        """An actor's summary lines (none when no article graph holds its mention count), by
        lookups: the same as `_actor_totals` gives."""
        total, graphs = 0, set()
        for q in self.inner.quads_for_pattern(actor, _P["mentionCount"], None, None):
            g, n = q.graph_name, q.object
            if (isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal)
                    and n.datatype.value == _INTEGER and self.is_article_graph(g)):
                total += int(n.value)
                graphs.add(g)
        return _actor_lines(actor.value, total, len(graphs), graph) if graphs else []

    def is_article_graph(self, graph: ox.NamedNode) -> bool:
        if graph not in self.article_graphs:
            self.article_graphs[graph] = any(True for _ in self.inner.quads_for_pattern(
                None, _P["namedGraph"], graph, _DEFAULT))
        return self.article_graphs[graph]


def _actor_lines(actor: str, total: int, articles: int, graph: str) -> list[str]:
    s, g = f"<{actor}> ", f" <{graph}> .\n"
    return [f'{s}<{KGO}mentionTotal> "{total}"^^<{_INTEGER}>{g}',
            f'{s}<{KGO}mentionArticleCount> "{articles}"^^<{_INTEGER}>{g}']


#: every actor's totals in one aggregate (the engine sums 260 k mention counts of a 10 M-triple
#: store in a fraction of the lookups' time); the same values as `_Reader.actor_lines`
_ACTOR_TOTALS = f"""
SELECT ?actor (SUM(?n) AS ?total) (COUNT(DISTINCT ?g) AS ?articles) WHERE {{
  {{ SELECT DISTINCT ?g WHERE {{ ?doc <{KGO}namedGraph> ?g FILTER(isIRI(?g)) }} }}
  GRAPH ?g {{ ?actor <{KGO}mentionCount> ?n }}
  FILTER(isIRI(?actor) && DATATYPE(?n) = <{_INTEGER}>)
}} GROUP BY ?actor"""


def _actor_totals(store: Store) -> dict[int, list[str]]:
    """Every actor's summary lines by bucket (a full pass's)."""
    out: dict[int, list[str]] = defaultdict(list)
    for row in store.inner.query(_ACTOR_TOTALS):
        actor = row["actor"].value
        b = _bucket(actor)
        out[b].extend(_actor_lines(actor, int(row["total"].value), int(row["articles"].value),
                                   f"{SUMMARY_GRAPH}{b:02d}"))
    return out


#: the predicates an event's summary lines read (`_Reader.lines`)
_READ = ("modality", "evidence", "inArticle", "articleId", "startOffset", "endOffset",
         "inSentence", "sentenceText", "source", "target", "type", "begin", "end", "dateBasis")
_READ_TOKENS = frozenset(b"<" + _P[p].value.encode() + b">" for p in _READ)
_TYPE_TOKEN = b"<" + _P["type"].value.encode() + b">"
_EVENT_IRI = ID + "event/"
_EVENT_TOKEN = b"<" + _EVENT_IRI.encode()


def _read_lines(nquads: bytes) -> bytes:
    """The lines of N-Quads text that an event's summary can read (the types of events only)."""
    out = []
    for line in nquads.split(b"\n"):
        parts = line.split(b" ", 2)
        if len(parts) == 3 and parts[1] in _READ_TOKENS and (
                parts[1] != _TYPE_TOKEN or parts[0].startswith(_EVENT_TOKEN)):
            out.append(line)
    return b"\n".join(out)


class _GraphReader(_Reader):
    """`_Reader` over one article graph's N-Quads text instead of the store's union: the
    summary lines an event would have if that graph were the only one (`article_seeds`).
    `unsure` is set when a lookup the union answers with one value finds several here."""

    def __init__(self, nquads: bytes, triples: Iterable[tuple] | None = None) -> None:
        self.article_ids = {}
        self.unsure = False
        self.values: dict[tuple[ox.NamedNode, str], list] = defaultdict(list)
        names = {_P[p]: p for p in _READ}
        if triples is None:
            text = _read_lines(nquads)
            triples = ((q.subject, q.predicate, q.object)
                       for q in (ox.parse(text, ox.RdfFormat.N_QUADS) if text else ()))
        else:  # the lines `_read_lines` keeps: a type only of an event
            triples = (t for t in triples if t[1] != _P["type"] or (
                isinstance(t[0], ox.NamedNode) and t[0].value.startswith(_EVENT_IRI)))
        for s, p, o in triples:
            values = self.values[(s, names[p])]
            if o not in values:
                values.append(o)

    def objects(self, subject: ox.NamedNode, predicate: str) -> list:
        return self.values.get((subject, predicate), [])

    def one(self, subject: ox.NamedNode, predicate: str) -> ox.NamedNode | ox.Literal | None:
        values = self.values.get((subject, predicate))
        if not values:
            return None
        if len(values) > 1 or (isinstance(values[0], ox.Literal)
                               and values[0].datatype.value == XSD + "integer"
                               and values[0].value != str(int(values[0].value))):
            self.unsure = True  # the engine's first value, or its canonical form: not known here
        return values[0]


#: the predicates of the triples `article_seeds` reads
SEED_PREDICATES = frozenset(_P[p] for p in _READ)


def article_seeds(nquads: bytes, triples: Iterable[tuple] | None = None) -> bytes:
    """The summary seeds of one article graph (N-Quads text): one line per subject whose
    summary the graph can change (a subject of `TOUCHING` triples, or an event IRI), `BB`
    its bucket, then tab-separated: the subject IRI, a flag and, with flag `=`, its summary
    lines as if the store held only this graph (`-`: no summary from this graph alone; `?`:
    not decidable from it, computed from the store). Run by the build's workers: a subject
    that only this graph states gets these lines as they are (`SummarySeeds`). `triples`,
    when given, are the text's triples whose predicate is one of `SEED_PREDICATES`, in text
    order, as terms (`kg.mapping.article_graph`): read instead of parsing the text again (the
    text's parse was about half of the seeds' time).

    >>> e, m, a = ID + "event/e1", ID + "mention/a/0-5", ID + "article/a"
    >>> g = f" <{ID}graph/a> .\\n"
    >>> text = (f'<{e}> <{KGO}modality> <{KGO}actual>{g}<{e}> <{KGO}evidence> <{m}>{g}'
    ...         f'<{m}> <{KGO}inArticle> <{a}>{g}<{a}> <{KGO}articleId> "a"{g}'
    ...         f'<{m}> <{KGO}startOffset> "0"^^<{XSD}integer>{g}'
    ...         f'<{m}> <{KGO}endOffset> "5"^^<{XSD}integer>{g}')
    >>> seed = article_seeds(text.encode()).decode()
    >>> seed.split("\\t")[:2], seed.count(f"<{KGO}reportCount>")
    (['44 https://w3id.org/kg-news/id/event/e1', '='], 1)
    """
    reader = _GraphReader(nquads, triples)
    subjects = {s for (s, p) in reader.values
                if isinstance(s, ox.NamedNode) and (p in TOUCHING or s.value.startswith(_EVENT_IRI))}
    out = [f"{_bucket(actor):02d} {actor}\t{flag}\n"
           for actor, flag in _actor_seeds(nquads).items()]
    for event in subjects:
        b = _bucket(event.value)
        head = f"{b:02d} {event.value}\t"
        if not reader.objects(event, "modality"):
            out.append(head + "-\n")
            continue
        reader.unsure = False
        lines = reader.lines(event, f"{SUMMARY_GRAPH}{b:02d}")
        if reader.unsure:
            out.append(head + "?\n")
        else:
            out.append(head + "=\t" + "\t".join(line[:-1] for line in lines) + "\n")
    return "".join(out).encode("utf-8")


_MENTION_COUNT = re.compile(
    rb'^<([^>]*)> <' + re.escape(f"{KGO}mentionCount".encode()) + rb'> (.*) (<[^>]*>) \.$',
    re.MULTILINE)
_NAMED_GRAPH = re.compile(
    rb'^<[^>]*> <' + re.escape(f"{KGO}namedGraph".encode()) + rb'> (<[^>]*>) (<[^>]*>) \.$',
    re.MULTILINE)
_INTEGER_SUFFIX = b'"^^<' + _INTEGER.encode() + b'>'
_INTEGER_VALUE = re.compile(rb'"([-+]?[0-9]+)"')


#: the text every line `_MENTION_COUNT` / `_NAMED_GRAPH` matches holds (its predicate between
#: the subject's closing bracket and the next term)
_MENTION_COUNT_TOKEN = b"> <" + f"{KGO}mentionCount".encode() + b"> "
_NAMED_GRAPH_TOKEN = b"> <" + f"{KGO}namedGraph".encode() + b"> "


def lines_with(text: bytes, tokens: Iterable[bytes]) -> list[bytes]:
    """The lines of `text` that hold any of `tokens`, each once and in text order, found by
    the bytes' own search (an article graph's text is about 275 kB; a few of its lines hold
    them): a filter to run before a line-by-line pattern, which would otherwise try every
    position of the text."""
    found: dict[int, bytes] = {}
    for token in tokens:
        at = text.find(token)
        while at >= 0:
            start = text.rfind(b"\n", 0, at) + 1
            end = text.find(b"\n", at)
            end = len(text) if end < 0 else end
            found[start] = text[start:end]
            at = text.find(token, end)
    return [found[k] for k in sorted(found)]


def _actor_seeds(nquads: bytes) -> dict[str, str]:
    """Each actor's seed of one article graph (N-Quads text): `#N`, the sum of its
    `xsd:integer` `kgo:mentionCount`s in the graph, when the graph names itself
    (`kgo:namedGraph`), so that the summary's aggregate (`_ACTOR_TOTALS`) counts it as an
    article graph; `#?` when that is not decidable from this graph alone (the summary pass
    then looks the actor up in the store)."""
    # the patterns run on the few lines that can match (an N-Quads statement is one line),
    # not on the whole text: 0.83 -> 0.03 CPU s over VOA's 250 graphs
    counts = _MENTION_COUNT.findall(b"\n".join(lines_with(nquads, (_MENTION_COUNT_TOKEN,))))
    if not counts:
        return {}
    named = {g for g, own in _NAMED_GRAPH.findall(b"\n".join(lines_with(nquads, (_NAMED_GRAPH_TOKEN,))))
             if g == own}
    totals: dict[str, int | None] = {}
    for actor, value, graph in counts:
        if not value.endswith(_INTEGER_SUFFIX):
            continue  # another datatype: not counted
        key = actor.decode("utf-8")
        n = _INTEGER_VALUE.fullmatch(value[:-len(_INTEGER_SUFFIX) + 1])
        if n is None or graph not in named or "\\" in key or totals.get(key, 0) is None:
            totals[key] = None
        else:
            totals[key] = totals.get(key, 0) + int(n.group(1))
    return {k: ("#?" if v is None else f"#{v}") for k, v in totals.items()}


#: the name of a `SummarySeeds` directory begins so
SEEDS_PREFIX = "kg-summary-seeds-"


class SummarySeeds:
    """The summary seeds (`article_seeds`) of the graphs a build writes into a new store, kept
    in one file per bucket in a temporary directory until the build's summary pass reads them
    (`write_summary`): the pass then looks up in the store only the events that several
    graphs state, that the end-of-build passes rewrote, or that a seed could not decide.
    Use only when every graph of the store was written once, through `add`, since the store
    was empty, and the subjects the later writes touched are known (`Store.refresh_summary`)."""

    def __init__(self, parent: str | os.PathLike[str] | None = None) -> None:
        #: in `parent` (a build's store directory, whose next writable open removes what a
        #: killed build left there: `SEEDS_PREFIX`), else in the system's temporary directory
        self.dir = tempfile.mkdtemp(prefix=SEEDS_PREFIX, dir=parent)
        self._files: dict[bytes, object] = {}
        #: whether the build wrote each graph's seed lines (`add`'s return) into the summary
        #: graphs as it wrote the graph (`Store.replace_graphs(summary=...)`): the summary
        #: pass then changes the summary graphs from those lines by difference
        self.written = False

    def add(self, seeds: bytes) -> bytes:
        """Keep one graph's seeds (`article_seeds`); return their summary lines (N-Quads in
        the summary graphs: those of the events the graph decides alone), which a build may
        write into the summary graphs with the graph (`written`)."""
        files = self._files
        out = []
        for line in seeds.splitlines(keepends=True):
            key = line[:2]
            f = files.get(key)
            if f is None:
                f = files[key] = open(os.path.join(self.dir, key.decode()), "ab")
            f.write(line[3:])
            _, flag, rest = line.split(b"\t", 2) if line.count(b"\t") >= 2 else (b"", b"", b"")
            if flag == b"=":
                out.append(rest.replace(b"\t", b"\n"))
        return b"".join(out)

    def entries(self, bucket: int, written: set[str] | None = None,
                actors: dict[str, list[int] | None] | None = None
                ) -> dict[str, list[str] | None]:
        """A bucket's subjects: their summary lines from their one graph, or None when they
        must be computed from the store (seen in several graphs, or undecided). `written`
        gets every seed line of the bucket (what `add` returned of it, once each); `actors`
        each actor's mention total and article graph count over the graphs (None: look it
        up in the store)."""
        key = f"{bucket:02d}".encode()
        f = self._files.pop(key, None)
        if f is None:
            return {}
        f.close()
        out: dict[str, list[str] | None] = {}
        with open(os.path.join(self.dir, key.decode()), "rb") as data:
            for line in data.read().decode("utf-8").splitlines():
                subject, flag, *lines = line.split("\t")
                if flag[:1] == "#":
                    if actors is not None:
                        if flag == "#?" or actors.get(subject, [0, 0]) is None:
                            actors[subject] = None
                        else:
                            known = actors.setdefault(subject, [0, 0])
                            known[0] += int(flag[1:])
                            known[1] += 1
                    continue
                if flag == "=" and written is not None:
                    written.update(x + "\n" for x in lines)
                if subject in out or flag == "?":
                    out[subject] = None
                else:
                    out[subject] = [x + "\n" for x in lines] if flag == "=" else []
        return out

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files = {}
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> SummarySeeds:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _seeded(store: Store, seeds: SummarySeeds, touched: set[str]
            ) -> Iterator[tuple[str, bytes]]:
    """Each summary graph from the seeds, the events they leave undecided and the `touched`
    subjects computed from the store (the same bytes as `iter_summary`)."""
    by_bucket: dict[int, list[str]] = defaultdict(list)
    for subject in touched:
        by_bucket[_bucket(subject)].append(subject)
    reader = _Reader(store)
    for b in range(BUCKETS):
        graph = f"{SUMMARY_GRAPH}{b:02d}"
        written: set[str] | None = set() if seeds.written else None
        actors: dict[str, list[int] | None] = {}
        entries = seeds.entries(b, written, actors)
        if written:  # the graph holds these lines: its new content is compared with them
            suffix = f" <{graph}> .\n"
            store.known_ntriples(graph, "".join(
                line[:-len(suffix)] + " .\n" for line in written).encode("utf-8"))
        for subject in by_bucket.pop(b, ()):
            entries[subject] = None
            actors[subject] = None
        # the actors' totals: summed from the seeds, looked up where a seed could not say
        # or a pass after the parse rewrote a graph that counts the actor (as `_actor_totals`)
        lines: list[str] = []
        for actor, total in actors.items():
            if total is None:
                lines.extend(reader.actor_lines(ox.NamedNode(actor), graph))
            else:
                lines.extend(_actor_lines(actor, total[0], total[1], graph))
        for subject, known in entries.items():
            if known is not None:
                lines.extend(known)
                continue
            event = ox.NamedNode(subject)
            if reader.one(event, "modality") is not None:
                lines.extend(reader.lines(event, graph))
        yield graph, "".join(sorted(lines)).encode("utf-8")


def iter_summary(store: Store) -> Iterator[tuple[str, bytes]]:
    """Each summary graph (all `BUCKETS`, in order) and its content as sorted N-Quads lines
    (empty when no event hashes to it), computed from the union graph one graph at a time:
    the pass holds the event IRIs and one graph's text, whatever the store's size."""
    buckets: list[set[ox.NamedNode]] = [set() for _ in range(BUCKETS)]
    for q in store.inner.quads_for_pattern(None, _P["modality"], None, _DEFAULT):
        buckets[_bucket(q.subject.value)].add(q.subject)
    reader = _Reader(store)
    actors = _actor_totals(store)
    for b, events in enumerate(buckets):
        graph = f"{SUMMARY_GRAPH}{b:02d}"
        lines = [line for event in events for line in reader.lines(event, graph)]
        lines.extend(actors.pop(b, []))
        buckets[b] = set()  # done: its IRIs are not needed again
        yield graph, "".join(sorted(lines)).encode("utf-8")


def summary_nquads(store: Store) -> dict[str, bytes]:
    """Each summary graph's content as sorted N-Quads lines, computed from the union graph
    (every summary graph of `BUCKETS` is in the dict, empty when no event hashes to it)."""
    return dict(iter_summary(store))


#: the predicates whose subjects a write touches: an event's summary changes only through a
#: graph that holds one of these triples of it (the mapping writes them with every report)
TOUCHING = ("modality", "evidence", "source", "target")
#: and an actor's only through a graph that holds its mention count (the mapping writes one
#: with the graph's `kgo:namedGraph` triple, which makes it an article graph)
ACTOR_TOUCHING = ("mentionCount",)
_TOUCHING_LINE = re.compile(
    rb"^<([^>]*)> <" + re.escape(KGO.encode()) + rb"(?:" +
    rb"|".join(p.encode() for p in TOUCHING + ACTOR_TOUCHING) + rb")> ", re.MULTILINE)
#: past this many touched subjects a refresh recomputes the whole summary (as fast, and it
#: does not hold the set)
MAX_TOUCHED = 50_000


def touched_in_text(ntriples: bytes) -> set[str]:
    """The subjects of a graph's N-Triples (or N-Quads) text whose summary it can change.

    >>> sorted(touched_in_text(f'<{ID}event/e> <{KGO}evidence> <{ID}mention/m> .\\n'.encode()))
    ['https://w3id.org/kg-news/id/event/e']
    """
    return {m.group(1).decode("utf-8") for m in _TOUCHING_LINE.finditer(ntriples)}


#: the predicates of an event's own lines that its summary reads, and those of its mentions
#: and their articles (`_Reader.lines`)
_OWN = (*TOUCHING, "type", "begin", "end", "dateBasis", *ACTOR_TOUCHING)
_VIA = ("inArticle", "articleId", "startOffset", "endOffset", "inSentence", "sentenceText")
_CHANGED_LINE = re.compile(
    rb"^<([^>]*)> <(" + rb"|".join(re.escape(_P[p].value.encode()) for p in _OWN + _VIA)
    + rb")> ", re.MULTILINE)
_VIA_IRIS = {_P[p].value for p in _VIA}
_READ_NODES = {_P[p] for p in _OWN + _VIA}


def touched_in_change(added: bytes, removed: Iterable[ox.Triple]) -> tuple[set[str], set[str]]:
    """The subjects whose summary a change of a stored graph (the N-Triples it gains, the
    triples it loses) can change: (those whose own summary triples changed, those whose
    mention or article triples changed: `events_via` finds the events reading them).

    >>> e, m = ID + "event/e", ID + "mention/a/1-2"
    >>> touched_in_change(f'<{m}> <{KGO}startOffset> "1"^^<{XSD}integer> .\\n'.encode(),
    ...                   [ox.Triple(ox.NamedNode(e), _P["type"], _P["modality"])])
    ({'https://w3id.org/kg-news/id/event/e'}, {'https://w3id.org/kg-news/id/mention/a/1-2'})
    """
    own: set[str] = set()
    via: set[str] = set()
    for m in _CHANGED_LINE.finditer(added):
        (via if m.group(2).decode("utf-8") in _VIA_IRIS else own).add(m.group(1).decode("utf-8"))
    for t in removed:
        if t.predicate in _READ_NODES and isinstance(t.subject, ox.NamedNode):
            (via if t.predicate.value in _VIA_IRIS else own).add(t.subject.value)
    return own, via


def events_via(store: Store, subjects: Iterable[str]) -> set[str]:
    """The events whose summary reads a mention, article or sentence among `subjects` (in the
    union): the events with the mention as evidence, or with a mention in the article or
    sentence."""
    inner = store.inner
    out: set[str] = set()
    for subject in subjects:
        node = ox.NamedNode(subject)
        mentions = [node] + [q.subject for p in ("inArticle", "inSentence")
                             for q in inner.quads_for_pattern(None, _P[p], node, _DEFAULT)]
        for m in mentions:
            out.update(q.subject.value for q in inner.quads_for_pattern(
                None, _P["evidence"], m, _DEFAULT) if isinstance(q.subject, ox.NamedNode))
    return out


def touched_in_graph(store: Store, graph: ox.NamedNode) -> set[str]:
    """The subjects of a stored named graph whose summary it can change."""
    return {q.subject.value for p in TOUCHING + ACTOR_TOUCHING
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
            node = ox.NamedNode(subject)
            if reader.one(node, "modality") is not None:
                lines.extend(reader.lines(node, graph))
            lines.extend(reader.actor_lines(node, graph))
        yield graph, "".join(sorted(lines)).encode("utf-8")


def digest(content: bytes) -> str:
    """The digest of a summary graph's content (to skip rewriting an unchanged graph)."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def write_summary(store: Store, known: dict[str, str] | None = None,
                  touched: set[str] | None = None, seeds: SummarySeeds | None = None
                  ) -> dict[str, str]:
    """Write the summary (journaled batches of graphs, `WRITE_BUCKETS`/`WRITE_BYTES`, each changed by
    difference) and return each graph's digest. With `touched` (the subjects whose graphs
    changed since the summary was last right, `touched_in_text` / `touched_in_graph`), only
    their events are computed again and only their summary graphs read and written; without
    it (or past `MAX_TOUCHED`) the whole summary is. A graph whose digest in `known` (what the
    store is known to hold) equals its new content's is not written. Prefer
    `Store.refresh_summary`, which keeps the digests, the touched subjects and the stale mark.
    With `seeds` (a new store's build, see `SummarySeeds`) and `touched` known, the events
    the seeds decide are not looked up."""
    digests = dict(known or {})
    full = touched is None or len(touched) > MAX_TOUCHED or len(digests) < BUCKETS
    if seeds is not None and touched is not None:
        contents = _seeded(store, seeds, touched)
    else:
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
            # the engine's caches and the memory the batch freed: else they grow with the
            # store through the pass (2,500 articles: +130 MB)
            store.release_memory()
    store.replace_graphs(changed, validate=False)
    return digests
