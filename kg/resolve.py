"""Store-level actor resolution: one node per real person across the whole store.

Extraction resolves names inside one article; across articles, an article that only ever says
"Clinton" mints `actor/person-clinton` while another mints `actor/hillary-clinton`. `merge_actors`
is the pass over the whole store that joins them: a person node whose name is a shorter form of
the name of exactly one fuller person node ("Clinton" of "Hillary Clinton", "Hillary Clinton" of
"Hillary Rodham Clinton"; also the same name on a node without a Wikidata id) is merged into it,
when their countries agree (or one is unknown) and their Wikidata ids do not differ.

Rules, all deterministic:
- a shorter form keeps the fuller name's last token and is a subsequence of its tokens (after
  folding case and accents and dropping honorifics such as "Mr"); first names alone and
  family-name-first names ("Xi" of "Xi Jinping") are not merged;
- a node with a Wikidata id (a curated actor) is never merged away; a node without one whose
  name is a longer form of its full name ("Nominating Donald Trump", an extraction slip) is
  merged into it;
- chains are followed to their end ("Clinton" -> "Hillary Clinton" -> "Hillary Rodham Clinton");
- when several fuller nodes fit ("Clinton": Hillary and Bill), the one that already lists the
  short name among its `skos:altLabel`s wins; if none or several do, nothing is merged and the
  node is reported as ambiguous.

The rewrite goes through `Store.replace_graphs` (batches of article graphs), so the union default
graph stays right: in each graph the merged IRI is replaced in subject and object positions, its
`rdfs:label` becomes a `skos:altLabel` of the kept node (which gets its own label there, so each
graph still describes the actor), and the per-article `kgo:mentionCount`s are summed. Events whose
actors changed get the IRI `kg.mapping.shared_event_node` gives for their new actors, so that an
event reported as "Clinton visited Cairo" and as "Hillary Clinton visited Cairo" is one node;
office terms whose holder changed likewise get the IRI of their new holder, post and start.
Running the pass again changes nothing (the merged IRIs are gone).

Decision: no pass links events whose dates differ by one day. Each article resolves relative
dates ("on Monday", "yesterday") against its own publication date, so two reports of one event
mostly agree on the day, and `kg.mapping` already keys an event by its first day (a range
starting that day is the same event). On the VOA corpus (250 articles) the three pairs of coded
events with the same code, modality and actors one day apart were all different events (two
officials each speaking on two days; two governments' reactions to one proposal): linking them
would merge more wrongly than rightly, and would move event IRIs that quotes and stances point
at.

One country per actor. Each article graph states the country it read for an actor, and two
articles may disagree (an article about Syria gave "Clinton" Syria's code; a merge then carries it
to Hillary Clinton). `settle_countries` decides each actor's country from all its evidence:
the curated knowledge first (`kg/data/actors.jsonl`: the actor of that key and label), else the
country stated with the most mentions over the store (then the most articles); a tie between
countries is left alone and reported. Graphs that said otherwise are rewritten to agree
(`kgo:countryCode`, `kgo:country` and the country part of `kgo:actorCode`), so the actor table
and every query see one country. States are never touched.

>>> from kg.store import Store
>>> str(merge_actors(Store.memory()))
'0 actors merged, 0 ambiguous, 0 graphs rewritten, 0 events re-keyed'
>>> str(settle_countries(Store.memory()))
'0 actors given one country, 0 ties, 0 graphs rewritten'
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg import iri
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.mapping import shared_event_node
from kg.store import Store
from kg.summary import is_summary_graph, lines_with
from kg.vocab import CAMEO, KGO, RDF, RDFS, SEM, SKOS, XSD

__all__ = ["MergeReport", "PersonNode", "PersonTable", "merge_actors", "name_tokens",
           "is_shorter_form", "person_nodes", "person_rows", "plan_merges", "CountryReport",
           "settle_countries", "decide_country"]

#: article graphs rewritten per journaled write (`Store.replace_graphs`)
REWRITE_BATCH = 16
#: Tokens dropped before names are compared (honorifics and generational suffixes).
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "jr", "sr", "ii", "iii"})

_TYPE = ox.NamedNode(RDF + "type")
_PERSON = ox.NamedNode(KGO + "Person")
_LABEL = ox.NamedNode(RDFS + "label")
_ALT = ox.NamedNode(SKOS + "altLabel")
_COUNTRY = ox.NamedNode(KGO + "countryCode")
_WIKIDATA = ox.NamedNode(KGO + "wikidata")
_COUNTRY_NODE = ox.NamedNode(KGO + "country")
_ACTOR_CODE = ox.NamedNode(KGO + "actorCode")
_MENTIONS = ox.NamedNode(KGO + "mentionCount")
_CAMEO_CODE = ox.NamedNode(KGO + "cameoCode")
_MODALITY = ox.NamedNode(KGO + "modality")
_SOURCE = ox.NamedNode(KGO + "source")
_TARGET = ox.NamedNode(KGO + "target")
_BEGIN = ox.NamedNode(SEM + "hasBeginTimeStamp")
_HOLDER = ox.NamedNode(KGO + "holder")
_POST = ox.NamedNode(KGO + "post")
_TERM_START = ox.NamedNode(KGO + "startDate")
_INTEGER = ox.NamedNode(XSD + "integer")
_STRING_TYPES = frozenset({ox.NamedNode(XSD + "string"), ox.NamedNode(RDF + "langString")})
_UNION = ox.DefaultGraph()


def _token(node: ox.NamedNode) -> bytes:
    return f"<{node.value}>".encode("utf-8")


def name_tokens(label: str) -> tuple[str, ...]:
    """The comparable tokens of a name: accents and case folded, honorifics dropped.

    >>> name_tokens("Mr. Recep Tayyip Erdoğan")
    ('recep', 'tayyip', 'erdogan')
    """
    folded = unicodedata.normalize("NFKD", label)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return tuple(t for t in re.findall(r"[a-z0-9]+", folded) if t not in HONORIFICS)


def is_shorter_form(short: Sequence[str], full: Sequence[str]) -> bool:
    """True if the name `short` (tokens) is a shorter form of `full`: fewer tokens, the same
    last token (the surname) and a subsequence of `full`.

    >>> is_shorter_form(("clinton",), ("hillary", "clinton"))
    True
    >>> is_shorter_form(("hillary",), ("hillary", "clinton"))
    False
    """
    if not short or len(short) >= len(full) or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(token in rest for token in short)


@dataclass(frozen=True, slots=True)
class PersonNode:
    """A person node of the store as the resolver sees it (values over all graphs)."""

    iri: str
    labels: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    wikidata: frozenset[str] = frozenset()

    def names(self) -> set[tuple[str, ...]]:
        return {t for t in map(name_tokens, self.labels) if t}

    def all_names(self) -> set[tuple[str, ...]]:
        return self.names() | {t for t in map(name_tokens, self.aliases) if t}


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What `merge_actors` did: `merged` pairs (merged IRI, kept IRI), `ambiguous` short nodes
    left alone with their candidate fuller nodes, graphs rewritten, event nodes re-keyed."""

    merged: tuple[tuple[str, str], ...] = ()
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
    graphs: int = 0
    events: int = 0

    def __len__(self) -> int:
        return len(self.merged)

    def __str__(self) -> str:
        return (f"{len(self.merged)} actors merged, {len(self.ambiguous)} ambiguous, "
                f"{self.graphs} graphs rewritten, {self.events} events re-keyed")


def _values_by_subject(inner: ox.Store, predicate: ox.NamedNode,
                       subjects: Collection[ox.NamedNode]) -> dict[ox.NamedNode, set[str]]:
    """The values of `predicate` in the union for each of `subjects` that has any: one scan of
    the predicate, not one lookup per subject."""
    found: dict[ox.NamedNode, set[str]] = defaultdict(set)
    for q in inner.quads_for_pattern(None, predicate, None, _UNION):
        if q.subject in subjects:
            found[q.subject].add(q.object.value)
    return found


def person_nodes(store: Store) -> list[PersonNode]:
    """Every node typed kgo:Person in the store, with its labels, aliases, countries and
    Wikidata ids, sorted by IRI."""
    inner = store.inner
    subjects = {q.subject for q in inner.quads_for_pattern(None, _TYPE, _PERSON, _UNION)
                if isinstance(q.subject, ox.NamedNode)}
    found = {p: _values_by_subject(inner, p, subjects)
             for p in (_LABEL, _ALT, _COUNTRY, _WIKIDATA)}
    return [PersonNode(iri=s.value, labels=tuple(sorted(found[_LABEL].get(s, ()))),
                       aliases=tuple(sorted(found[_ALT].get(s, ()))),
                       countries=frozenset(found[_COUNTRY].get(s, ())),
                       wikidata=frozenset(found[_WIKIDATA].get(s, ())))
            for s in sorted(subjects, key=lambda n: n.value)]


#: the values `person_nodes` reads, in the order of `PersonTable`'s columns; a row of
#: `person_rows` says "typed kgo:Person" with the column -1
_DESCRIBING = {_LABEL: 0, _ALT: 1, _COUNTRY: 2, _WIKIDATA: 3}
_DESCRIBING_TOKENS = (_token(_TYPE) + b" " + _token(_PERSON), *map(_token, _DESCRIBING))


def person_rows(nquads: bytes) -> tuple[tuple[str, int, str], ...] | None:
    """What a graph's N-Quads text says that `person_nodes` reads: (subject IRI, column,
    value) rows, column -1 for "typed kgo:Person" (value "") and 0-3 for a label, an alias, a
    country code, a Wikidata id of a node the text types kgo:Person (as `PersonTable` keeps
    them); a node with such values that the text does not type kgo:Person gets one row with
    column -2 (its values are read from the store if another graph types it); None when a
    value is a literal the engine may store in another form than its text (a datatype other
    than a string), so that only the store can say. Run by the build's workers on each
    article graph: the build then reads no person from the store (`PersonTable`).

    >>> from kg.vocab import ID
    >>> text = (f'<{ID}actor/x> <{RDF}type> <{KGO}Person> <{ID}graph/a> .\\n'
    ...         f'<{ID}actor/x> <{RDFS}label> "X"@en <{ID}graph/a> .\\n'
    ...         f'<{ID}actor/y> <{RDFS}label> "Y" <{ID}graph/a> .\\n').encode()
    >>> [(s.rsplit("/", 1)[1], c, v) for s, c, v in person_rows(text)]
    [('x', -1, ''), ('x', 0, 'X'), ('y', -2, '')]
    """
    lines = lines_with(nquads, _DESCRIBING_TOKENS)
    if not lines:
        return ()
    typed: list[str] = []
    values: list[tuple[str, int, str]] = []
    for q in ox.parse(b"\n".join(lines) + b"\n", ox.RdfFormat.N_QUADS):
        s, p, o = q.subject, q.predicate, q.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == _TYPE:
            if o == _PERSON:
                typed.append(s.value)
            continue
        column = _DESCRIBING.get(p)
        if column is None:
            continue
        if isinstance(o, ox.Literal) and o.datatype not in _STRING_TYPES:
            return None
        values.append((s.value, column, o.value))
    persons = set(typed)
    rows = [(s, -1, "") for s in dict.fromkeys(typed)]
    rows += [row for row in values if row[0] in persons]
    rows += [(s, -2, "") for s in dict.fromkeys(r[0] for r in values if r[0] not in persons)]
    return tuple(rows)


class PersonTable:
    """The person nodes of a store as `person_nodes` reads them, gathered from the
    `person_rows` of every graph written into it instead of scanning the store (which grows
    with it: 12-13 CPU s at 2,500 articles). It keeps the values of the nodes typed
    kgo:Person, and the IRIs of the other nodes with values (read from the store at the end
    if a graph types them kgo:Person: none on VOA). Valid only for graphs written once each
    into a store that was empty (a new store's build: `kg.pipeline.build`); `complete` is
    False once a graph's rows could not be read from its text."""

    def __init__(self) -> None:
        self.persons: set[str] = set()
        #: person IRI -> its labels, aliases, country codes, Wikidata ids
        self.values: dict[str, tuple[set[str], set[str], set[str], set[str]]] = {}
        #: nodes with values in a graph that does not type them kgo:Person
        self.untyped: set[str] = set()
        self.complete = True

    def add(self, rows: Iterable[tuple[str, int, str]] | None) -> None:
        """Add one graph's `person_rows` (None: not known from its text)."""
        if rows is None:
            self.complete = False
            return
        values = self.values
        for subject, column, value in rows:
            if column == -1:
                self.persons.add(subject)
            elif column == -2:
                self.untyped.add(subject)
            else:
                entry = values.get(subject)
                if entry is None:
                    entry = values[subject] = (set(), set(), set(), set())
                entry[column].add(value)

    def nodes(self, store: Store) -> list[PersonNode]:
        """The person nodes, as `person_nodes(store)` gives them (`store`: where the values of
        persons some graph stated without typing them are read)."""
        none: tuple[set[str], ...] = (set(), set(), set(), set())
        inner = store.inner
        out = []
        for s in sorted(self.persons):
            if s in self.untyped:
                node = ox.NamedNode(s)
                labels, aliases, countries, wikidata = (
                    {q.object.value for q in inner.quads_for_pattern(node, p, None, _UNION)}
                    for p in _DESCRIBING)
            else:
                labels, aliases, countries, wikidata = self.values.get(s, none)
            out.append(PersonNode(iri=s, labels=tuple(sorted(labels)),
                                  aliases=tuple(sorted(aliases)), countries=frozenset(countries),
                                  wikidata=frozenset(wikidata)))
        return out


def _compatible(a: PersonNode, b: PersonNode) -> bool:
    if a.countries and b.countries and not a.countries & b.countries:
        return False
    return not (a.wikidata and b.wikidata and a.wikidata != b.wikidata)


def _rank(node: PersonNode) -> tuple[bool, str]:
    """Among nodes of the same name, the one kept: with a Wikidata id first, then by IRI."""
    return (not node.wikidata, node.iri)


def _merges_into(a: PersonNode, b: PersonNode) -> bool:
    """Should node `a` be merged into node `b`? A node with a Wikidata id is never merged into
    one without; a longer form of its full name ("Nominating Donald Trump") merges into it."""
    if a.iri == b.iri or (a.wikidata and not b.wikidata):
        return False
    curated = bool(b.wikidata) and not a.wikidata
    for x in a.names():
        for y in b.names():
            if is_shorter_form(x, y) or (x == y and _rank(b) < _rank(a)):
                return True
            if curated and len(y) >= 2 and is_shorter_form(y, x):
                return True
    return False


def plan_merges(nodes: Iterable[PersonNode]
                ) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Decide the merges: (merged IRI -> kept IRI, ambiguous IRI -> its candidate IRIs)."""
    by_iri = {n.iri: n for n in nodes}
    by_last: dict[str, list[PersonNode]] = defaultdict(list)
    for n in by_iri.values():
        for last in {t[-1] for t in n.names()}:
            by_last[last].append(n)
    fuller: dict[str, list[str]] = {}
    for n in by_iri.values():
        lasts = {t[-1] for t in n.names()}
        cands = sorted({f.iri for last in lasts for f in by_last[last]
                        if _merges_into(n, f) and _compatible(n, f)})
        if cands:
            fuller[n.iri] = cands

    def ends(start: str) -> set[str]:
        seen, todo, out = {start}, [start], set()
        while todo:
            cur = todo.pop()
            nxt = fuller.get(cur, [])
            if not nxt and cur != start:
                out.add(cur)
            for f in nxt:
                if f not in seen:
                    seen.add(f)
                    todo.append(f)
        return out

    merges: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for iri_ in sorted(fuller):
        node = by_iri[iri_]
        targets = sorted(t for t in ends(iri_) if _compatible(node, by_iri[t]))
        if len(targets) > 1:
            short = node.names()
            named = [t for t in targets if short & by_iri[t].all_names()]
            targets = named if len(named) == 1 else targets
        if len(targets) == 1:
            merges[iri_] = targets[0]
        elif targets:
            ambiguous[iri_] = tuple(targets)
    return merges, ambiguous


def merge_actors(store: Store, nodes: Iterable[PersonNode] | None = None) -> MergeReport:
    """Merge person nodes that are shorter forms of one fuller person node (see the module
    docstring); rewrites the affected article graphs in `store`. Idempotent. `nodes`: the
    store's person nodes when the caller knows them (`PersonTable.nodes`: a build), else they
    are read from the store (`person_nodes`).

    >>> report = merge_actors(store)                     # doctest: +SKIP
    >>> report.merged                                    # doctest: +SKIP
    (('https://w3id.org/kg-news/id/actor/person-clinton', '.../actor/hillary-clinton'),)
    """
    nodes = person_nodes(store) if nodes is None else list(nodes)
    merges, ambiguous = plan_merges(nodes)
    if not merges:
        return MergeReport(ambiguous=tuple(sorted(ambiguous.items())))
    labels = {n.iri: n.labels[0] for n in nodes if n.labels}
    rename = {ox.NamedNode(a): ox.NamedNode(b) for a, b in merges.items()}
    graphs: set[ox.NamedNode] = set()
    for old in rename:
        # the article graphs (the summary's, which hold the node's totals, follow them)
        for q in store.inner.quads_for_pattern(old, None, None, None):
            if isinstance(q.graph_name, ox.NamedNode) and not is_summary_graph(q.graph_name.value):
                graphs.add(q.graph_name)
        for q in store.inner.quads_for_pattern(None, None, old, None):
            if isinstance(q.graph_name, ox.NamedNode) and not is_summary_graph(q.graph_name.value):
                graphs.add(q.graph_name)
    events = 0
    batch: list[tuple[str, bytes]] = []
    for g in sorted(graphs, key=lambda n: n.value):
        new, rekeyed = _rewrite_text(store.graph_ntriples(g), rename, labels)
        events += rekeyed
        batch.append((g.value, new.replace(b" .\n", b" " + str(g).encode("utf-8") + b" .\n")))
        if len(batch) >= REWRITE_BATCH:
            store.replace_graphs(batch, validate=False)
            batch = []
    store.replace_graphs(batch, validate=False)
    return MergeReport(merged=tuple(sorted(merges.items())),
                       ambiguous=tuple(sorted(ambiguous.items())),
                       graphs=len(graphs), events=events)


def _in_graph(triples: Iterable[ox.Triple], graph: ox.NamedNode) -> bytes:
    """Triples as N-Quads lines in `graph`, serialised by the engine (N-Triples escapes line
    breaks, so every line ends in " .\\n"): text `Store.replace_graphs` takes as it is."""
    nt = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return nt.replace(b" .\n", b" " + str(graph).encode("utf-8") + b" .\n")


#: the predicates of the lines `_rewrite_text` parses whatever their subject: those `_rewrite`
#: reads across triples (labels, aliases, mention counts, and what re-keys an event or a term)
_READ_BY_REWRITE = frozenset(_token(p) for p in (
    _LABEL, _ALT, _MENTIONS, _CAMEO_CODE, _MODALITY, _SOURCE, _TARGET, _BEGIN, _HOLDER, _POST,
    _TERM_START))


def _split_nt(nt: bytes) -> Iterable[tuple[bytes, bytes, bytes, bytes]]:
    """(line, subject, predicate, object) of each line of N-Triples text as the engine writes
    it (`<s> <p> o .`: IRIs hold no space)."""
    for line in nt.split(b"\n"):
        if line:
            s, p, rest = line.split(b" ", 2)
            yield line, s, p, rest[:-2]


def _joined(triples: Iterable[ox.Triple], lines: Iterable[bytes]) -> bytes:
    """Triples (serialised by the engine) and N-Triples lines as one text, each line once."""
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    out = dict.fromkeys(text.splitlines())
    out.update(dict.fromkeys(lines))
    return b"".join(line + b"\n" for line in out)


def _rewrite_text(nt: bytes, rename: dict[ox.NamedNode, ox.NamedNode], labels: dict[str, str]
                  ) -> tuple[bytes, int]:
    """`_rewrite` of a graph's N-Triples text as the engine writes it, into N-Triples text (the
    same triples): only the lines it can change are parsed (those naming a merged node, and
    those of `_READ_BY_REWRITE`); the others are kept as text, their re-keyed events renamed."""
    if b"_:" in nt:  # blank nodes: as terms
        new, events = _rewrite(ox.parse(nt, ox.RdfFormat.N_TRIPLES), rename, labels)
        return _joined(new, ()), events
    old = {_token(n) for n in rename}
    kept: list[tuple[bytes, bytes, bytes, bytes]] = []
    picked: list[bytes] = []
    for parts in _split_nt(nt):
        line, s, p, o = parts
        if p in _READ_BY_REWRITE or s in old or o in old:
            picked.append(line)
        else:
            kept.append(parts)
    out = _renamed(ox.parse(b"\n".join(picked) + b"\n", ox.RdfFormat.N_TRIPLES) if picked
                   else (), rename, labels)
    rekeyed, events = _rekeyed(out, set(rename.values()))
    if not rekeyed:
        return _joined(out, (line for line, _, _, _ in kept)), 0
    out = _rekey(out, rekeyed)
    tokens = {_token(a): _token(b) for a, b in rekeyed.items()}
    lines = [line if s not in tokens and o not in tokens
             else b"%s %s %s ." % (tokens.get(s, s), p, tokens.get(o, o))
             for line, s, p, o in kept]
    return _joined(out, lines), events


def _rewrite(triples: Iterable[ox.Triple | ox.Quad], rename: dict[ox.NamedNode, ox.NamedNode],
             labels: dict[str, str]) -> tuple[set[ox.Triple], int]:
    """One graph's triples with the actors renamed, then its events and office terms
    re-keyed."""
    out = _renamed(triples, rename, labels)
    rekeyed, events = _rekeyed(out, set(rename.values()))
    return (_rekey(out, rekeyed) if rekeyed else out), events


def _rekeyed(triples: set[ox.Triple], changed: set[ox.NamedNode]
             ) -> tuple[dict[ox.NamedNode, ox.NamedNode], int]:
    """The new IRIs of the shared events and office terms whose actors are in `changed`, and
    how many of them are events."""
    events = _event_renames(triples, changed)
    return events | _term_renames(triples, changed), len(events)


def _term_renames(triples: set[ox.Triple], changed: set[ox.NamedNode]
                  ) -> dict[ox.NamedNode, ox.NamedNode]:
    """The new IRI of each office term whose holder is in `changed`: the IRI
    `kg.iri.term_iri` gives its holder, post and start, when it differs (two names of one
    person merged into one node hold one term of each office, not one per name)."""
    props = _objects_by_subject(triples, (_HOLDER, _POST, _TERM_START))
    rename: dict[ox.NamedNode, ox.NamedNode] = {}
    for term, p in props.items():
        if len(p[_HOLDER]) != 1 or p[_HOLDER][0] not in changed or len(p[_POST]) != 1 or len(
                p[_TERM_START]) > 1:
            continue
        start = p[_TERM_START][0].value if p[_TERM_START] else None
        node = ox.NamedNode(iri.term_iri(p[_HOLDER][0].value, p[_POST][0].value, start))
        if node != term:
            rename[term] = node
    return rename


def _renamed(triples: Iterable[ox.Triple | ox.Quad], rename: dict[ox.NamedNode, ox.NamedNode],
             labels: dict[str, str]) -> set[ox.Triple]:
    """Triples with the actors renamed: labels of merged nodes become aliases of the kept node
    (which gets its own label), mention counts of a kept node summed, aliases equal to their
    node's label dropped."""
    def m(term: ox.NamedNode | ox.Literal) -> ox.NamedNode | ox.Literal:
        return rename.get(term, term) if isinstance(term, ox.NamedNode) else term

    kept = set(rename.values())
    counts: dict[ox.NamedNode, int] = defaultdict(int)
    out: set[ox.Triple] = set()
    for t in triples:
        s, p, o = m(t.subject), t.predicate, m(t.object)
        if p == _MENTIONS and s in kept and isinstance(o, ox.Literal):
            counts[s] += int(o.value)
            continue
        if p == _LABEL and t.subject in rename:
            out.add(ox.Triple(s, _ALT, o))
            if s.value in labels:
                out.add(ox.Triple(s, _LABEL, ox.Literal(labels[s.value])))
            continue
        out.add(ox.Triple(s, p, o))
    for s, n in counts.items():
        out.add(ox.Triple(s, _MENTIONS, ox.Literal(str(n), datatype=_INTEGER)))
    # an alias equal to the node's label in this graph says nothing
    graph_labels = {(t.subject, t.object) for t in out if t.predicate == _LABEL}
    return {t for t in out if not (t.predicate == _ALT and (t.subject, t.object) in graph_labels)}


def _event_renames(triples: set[ox.Triple], changed: set[ox.NamedNode]
                   ) -> dict[ox.NamedNode, ox.NamedNode]:
    """The new IRI of each shared event whose source/target is in `changed`: the IRI of its
    new actors (`kg.mapping.shared_event_node`), when it differs."""
    props = _objects_by_subject(triples, (_CAMEO_CODE, _MODALITY, _SOURCE, _TARGET, _BEGIN))
    rename: dict[ox.NamedNode, ox.NamedNode] = {}
    for event, p in props.items():
        actors = set(p[_SOURCE]) | set(p[_TARGET])
        if not (p[_CAMEO_CODE] and p[_MODALITY] and p[_BEGIN] and actors & changed):
            continue
        if len(p[_CAMEO_CODE]) != 1 or len(p[_MODALITY]) != 1 or len(set(p[_BEGIN])) != 1:
            continue  # not a node the mapping shares: leave it
        try:
            begin = dt.date.fromisoformat(p[_BEGIN][0].value)
        except ValueError:
            continue
        node = shared_event_node(p[_CAMEO_CODE][0].value.removeprefix(CAMEO),
                                 p[_MODALITY][0].value.removeprefix(KGO),
                                 [a.value for a in p[_SOURCE]], [a.value for a in p[_TARGET]],
                                 begin)
        if node != event:
            rename[event] = node
    return rename


def _objects_by_subject(triples: Iterable[ox.Triple], predicates: tuple[ox.NamedNode, ...]
                        ) -> dict[ox.NamedNode, dict[ox.NamedNode, list]]:
    """subject -> predicate -> objects, of the triples of `predicates` with an IRI subject."""
    props: dict[ox.NamedNode, dict[ox.NamedNode, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if t.predicate in predicates and isinstance(t.subject, ox.NamedNode):
            props[t.subject][t.predicate].append(t.object)
    return props


def _rekey(triples: set[ox.Triple], rename: dict[ox.NamedNode, ox.NamedNode]
                    ) -> set[ox.Triple]:
    def m(term: ox.NamedNode | ox.Literal) -> ox.NamedNode | ox.Literal:
        return rename.get(term, term) if isinstance(term, ox.NamedNode) else term

    return {ox.Triple(m(t.subject), t.predicate, m(t.object)) for t in triples}


@dataclass(frozen=True, slots=True)
class CountryReport:
    """What `settle_countries` did: `settled` (actor IRI, old countries, the country kept),
    `ties` (actor IRI, the countries tied), graphs rewritten."""

    settled: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    ties: tuple[tuple[str, tuple[str, ...]], ...] = ()
    graphs: int = 0

    def __len__(self) -> int:
        return len(self.settled)

    def __str__(self) -> str:
        return (f"{len(self.settled)} actors given one country, {len(self.ties)} ties, "
                f"{self.graphs} graphs rewritten")


def decide_country(evidence: dict[str, tuple[int, int]], curated: str | None) -> str | None:
    """The country of an actor from its evidence, country -> (mentions, articles): the curated
    country if any, else the one with most mentions, then most articles; None on a tie.

    >>> decide_country({"SYR": (1, 1), "USA": (40, 20)}, None)
    'USA'
    >>> decide_country({"SYR": (9, 1)}, "USA")
    'USA'
    >>> decide_country({"EGY": (2, 1), "TUR": (2, 1)}, None) is None
    True
    """
    if curated:
        return curated
    ranked = sorted(evidence.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0] if ranked else None


def _curated_country(gaz: Gazetteer, node: str, labels: Iterable[str]) -> str | None:
    """The curated country of the actor node, if a curated actor has its key and a label."""
    for label in labels:
        known = gaz.actor(label)
        if known is not None and iri.actor_iri(known.key) == node:
            return known.country
    return None


def settle_countries(store: Store, gazetteer: Gazetteer | None = None) -> CountryReport:
    """Give every actor one country, decided from all its evidence (see the module
    docstring); rewrites the graphs that disagree. Idempotent."""
    gaz = gazetteer or load_gazetteer()
    inner = store.inner
    # node -> {graph number: country}: a store-wide scan holds one entry per actor and graph,
    # so each graph is a number (`graphs`) and each country one shared string, not a term and
    # a string of their own per entry (2,500 articles: a third of the pass's memory)
    stated: dict[ox.NamedNode, dict[int, str]] = defaultdict(dict)
    graphs: list[ox.NamedNode] = []
    numbers: dict[ox.NamedNode, int] = {}
    names: dict[str, str] = {}
    for q in inner.quads_for_pattern(None, _COUNTRY, None, None):
        g = q.graph_name
        if isinstance(q.subject, ox.NamedNode) and isinstance(g, ox.NamedNode) and (
                "/state/" not in q.subject.value):
            number = numbers.get(g)
            if number is None:
                number = numbers[g] = len(graphs)
                graphs.append(g)
            country = q.object.value
            stated[q.subject][number] = names.setdefault(country, country)
    del numbers, names
    settled, ties = [], []
    rewrite: dict[ox.NamedNode, dict[ox.NamedNode, tuple[str, str]]] = defaultdict(dict)
    labelled = _values_by_subject(inner, _LABEL, stated)
    for node, by_graph in sorted(stated.items(), key=lambda kv: kv[0].value):
        labels = sorted(labelled.get(node, ()))
        curated = _curated_country(gaz, node.value, labels)
        countries = set(by_graph.values())
        if len(countries) < 2 and (curated is None or countries == {curated}):
            continue
        evidence: dict[str, tuple[int, int]] = {}
        for g, country in by_graph.items():
            n = sum(int(q.object.value)
                    for q in inner.quads_for_pattern(node, _MENTIONS, None, graphs[g]))
            m, a = evidence.get(country, (0, 0))
            evidence[country] = (m + max(n, 1), a + 1)
        keep = decide_country(evidence, curated)
        if keep is None:
            ties.append((node.value, tuple(sorted(countries))))
            continue
        settled.append((node.value, tuple(sorted(countries)), keep))
        for g, country in by_graph.items():
            if country != keep:
                rewrite[graphs[g]][node] = (country, keep)
    batch: list[tuple[str, bytes]] = []
    for g, changes in sorted(rewrite.items(), key=lambda kv: kv[0].value):
        triples: dict[ox.Triple | ox.Quad, None] = {}
        for q in ox.parse(store.graph_ntriples(g), ox.RdfFormat.N_TRIPLES):
            change = changes.get(q.subject) if isinstance(q.subject, ox.NamedNode) else None
            if change is not None:
                old, new = change
                if q.predicate == _COUNTRY:
                    q = ox.Triple(q.subject, q.predicate, ox.Literal(new))
                elif q.predicate == _COUNTRY_NODE:
                    q = ox.Triple(q.subject, q.predicate, ox.NamedNode(iri.state_iri(new)))
                elif q.predicate == _ACTOR_CODE and q.object.value.startswith(old):
                    q = ox.Triple(q.subject, q.predicate,
                                  ox.Literal(new + q.object.value[len(old):]))
            triples[q if isinstance(q, ox.Triple) else q.triple] = None
        batch.append((g.value, _in_graph(triples, g)))
        if len(batch) >= REWRITE_BATCH:
            store.replace_graphs(batch, validate=False)
            batch = []
    store.replace_graphs(batch, validate=False)
    return CountryReport(settled=tuple(settled), ties=tuple(ties), graphs=len(rewrite))
