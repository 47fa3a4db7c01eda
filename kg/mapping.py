"""Mapping: one article's `Extraction` -> RDF quads in the article's named graph.

Pure: the same extraction always gives the same quads (deterministic IRIs from `kg.iri`,
no blank nodes). The graph model is documented in `ontology/MODEL.md`.

Event identity. A coded event (a CAMEO code) with a date and at least one actor is a
real-world event that other articles may report: its IRI comes from what it is, not from where
it was read — CAMEO code, modality, the sorted source and target actor IRIs and the first day
of its date (`shared_event_node`). Two articles reporting it write the same node, each with its
own `kgo:evidence` mention in its own graph, so the event table counts `mentions` and
`sources` (GDELT's NumMentions/NumSources); removing one article leaves the other's mention.
Per-report properties (trigger, confidence, parent, date text, event class among those of the
code) may then hold one value per report; `kg.tables` picks one deterministically. Every other
event (uncoded, undated or without actors) keeps an article-local IRI (`event_node`).
Events whose dates differ by one day are not merged (see `kg.resolve`).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Collection, Iterable

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from kg import iri
from kg.codes import lookup
from kg.types import Actor, Event, Evidence, Extraction, Place, Quote, Stance
from kg.vocab import ACTOR_CLASS, CAMEO, KGO, PLOVER, STANCE_CLASS, WD, expand

__all__ = ["to_quads", "to_nquads", "article_nquads", "article_graph", "actor_node", "event_node",
           "shared_event_node"]

_T = {name: NamedNode(expand(name)) for name in (
    "rdf:type", "rdfs:label", "skos:altLabel", "org:holds", "org:postIn", "sem:hasActor",
    "sem:hasPlace", "sem:hasTimeStamp", "sem:hasBeginTimeStamp", "sem:hasEndTimeStamp",
    "schema:headline", "schema:url", "schema:datePublished", "schema:publisher", "schema:name",
    "schema:NewsArticle", "schema:Organization", "org:Post", "schema:Place", "schema:location",
    "schema:containedInPlace", "geo:lat", "geo:long",
)}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATE = NamedNode(_XSD + "date")
_INT = NamedNode(_XSD + "integer")
_DEC = NamedNode(_XSD + "decimal")
_BOOL = NamedNode(_XSD + "boolean")


@functools.cache
def _k(local: str) -> NamedNode:  # one node per property (terms are immutable)
    return NamedNode(KGO + local)


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=_DATE)


def _dec(value: float) -> Literal:
    return Literal(str(round(float(value), 3)), datatype=_DEC)


def _int(value: int) -> Literal:
    return Literal(str(int(value)), datatype=_INT)


def actor_node(key: str, kind: str) -> NamedNode:
    """The IRI of an actor (states by ISO3 code, everything else by key)."""
    return NamedNode(iri.state_iri(key) if kind == "state" else iri.actor_iri(key))


def event_node(article_id: str, event_id: str) -> NamedNode:
    """The article-local IRI of an event that is not shared across articles."""
    return NamedNode(iri.event_iri(f"{article_id}|{event_id}"))


def shared_event_node(cameo: str, modality: str, sources: Iterable[str],
                      targets: Iterable[str], begin: dt.date) -> NamedNode:
    """The article-independent IRI of a coded, dated event with actors (IRIs as strings).

    >>> a = shared_event_node("195", "actual", ["s2", "s1"], ["t"], dt.date(2026, 1, 5))
    >>> a == shared_event_node("195", "actual", ["s1", "s2", "s1"], ["t"], dt.date(2026, 1, 5))
    True
    """
    key = json.dumps(["shared-event", cameo, modality, sorted(set(sources)),
                      sorted(set(targets)), begin.isoformat()])
    return NamedNode(iri.event_iri(key))


def _event_nodes(extraction: Extraction, actors: dict[str, NamedNode]) -> dict[str, NamedNode]:
    """Event id -> its IRI: shared when coded, dated and with an actor, else article-local."""
    out: dict[str, NamedNode] = {}
    for e in extraction.events:
        sources = [actors[k].value for k in e.source if k in actors]
        targets = [actors[k].value for k in e.target if k in actors]
        if e.cameo and e.date and (sources or targets):
            out[e.id] = shared_event_node(e.cameo, e.modality, sources, targets, e.date.begin)
        else:
            out[e.id] = event_node(extraction.article.id, e.id)
    return out


class _Writer:
    """Collects the triples of one graph (as term tuples: a pyoxigraph Quad costs a copy of
    each term, a fifth of the mapping's time, and the build needs only their text)."""

    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
        self.triples: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = []

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.triples.append((s, p, o))

    def quads(self) -> list[Quad]:
        g = self.graph
        return [Quad(s, p, o, g) for s, p, o in self.triples]

    def nquads(self) -> bytes:
        """The triples as N-Quads lines in the graph, byte for byte what `to_nquads` writes
        of `quads()` (a pyoxigraph term's `str` is its N-Triples form), in the same order."""
        g = f" {self.graph} .\n"
        return "".join([f"{s} {p} {o}{g}" for s, p, o in self.triples]).encode("utf-8")


def to_quads(extraction: Extraction) -> list[Quad]:
    """All quads of one article, in its named graph `kgid:graph/<article>`."""
    return _write(extraction).quads()


def article_nquads(extraction: Extraction) -> bytes:
    """`to_nquads(to_quads(extraction))`, written without making the quads (the build's path)."""
    return _write(extraction).nquads()


def article_graph(extraction: Extraction, predicates: Collection[NamedNode]
                  ) -> tuple[bytes, list[tuple[NamedNode, NamedNode, NamedNode | Literal]]]:
    """`article_nquads(extraction)` and its triples whose predicate is one of `predicates`,
    in the text's order, as terms (what a reader of those predicates would parse back from
    the text, without parsing it: `kg.summary.article_seeds`)."""
    w = _write(extraction)
    wanted = frozenset(predicates)
    return w.nquads(), [t for t in w.triples if t[1] in wanted]


def _write(extraction: Extraction) -> _Writer:
    article = extraction.article
    w = _Writer(NamedNode(iri.graph_iri(article.id)))
    art = NamedNode(iri.article_iri(article.id))
    _article(w, art, extraction)
    bodies = {a.key: a for a in extraction.actors}
    nodes: dict[str, NamedNode] = {}
    for actor in extraction.actors:
        nodes[actor.key] = _actor(w, actor, art, bodies)
    mentions: dict[tuple[int, int], NamedNode] = {}
    sentences: set[tuple[int, int]] = set()

    def evidence(ev: Evidence) -> NamedNode:
        key = (ev.start, ev.end)
        if key not in mentions:
            mentions[key] = _mention(w, article.id, art, ev, sentences)
        return mentions[key]

    event_nodes = _event_nodes(extraction, nodes)
    for event in extraction.events:
        _event(w, event, event_nodes, nodes, evidence(event.evidence), article.date)
    for stance in extraction.stances:
        _stance(w, article.id, stance, nodes, event_nodes, evidence(stance.evidence))
    for quote in extraction.quotes:
        _quote(w, article.id, quote, nodes, event_nodes, evidence(quote.evidence))
    return w


def to_nquads(quads: Iterable[Quad]) -> bytes:
    """Serialise quads as N-Quads bytes (the form sent between processes and to the store)."""
    return serialize(quads, format=RdfFormat.N_QUADS) or b""


def _article(w: _Writer, art: NamedNode, extraction: Extraction) -> None:
    article = extraction.article
    w.add(art, _T["rdf:type"], _T["schema:NewsArticle"])
    w.add(art, _T["rdf:type"], _k("Article"))
    w.add(art, _k("articleId"), Literal(article.id))
    w.add(art, _k("namedGraph"), w.graph)
    if article.title:
        w.add(art, _T["schema:headline"], Literal(article.title))
    if article.url:
        try:
            w.add(art, _T["schema:url"], NamedNode(article.url))
        except ValueError:
            w.add(art, _T["schema:url"], Literal(article.url))
    if article.date:
        w.add(art, _T["schema:datePublished"], _date(article.date))
    if article.source:
        pub = NamedNode(iri.publisher_iri(article.source))
        w.add(art, _T["schema:publisher"], pub)
        w.add(pub, _T["rdf:type"], _T["schema:Organization"])
        w.add(pub, _T["schema:name"], Literal(article.source))


def _actor(w: _Writer, actor: Actor, art: NamedNode, bodies: dict[str, Actor]) -> NamedNode:
    """The actor's triples; `bodies` (the article's actors by key) resolve a post held in an
    organisation ("Fox News host", "U.N. Secretary-General") to that organisation's node."""
    node = actor_node(actor.key, actor.kind)
    w.add(node, _T["rdf:type"], _k(ACTOR_CLASS[actor.kind]))
    w.add(node, _T["rdfs:label"], Literal(actor.label))
    for alias in actor.aliases:
        if alias != actor.label:
            w.add(node, _T["skos:altLabel"], Literal(alias))
    if actor.country:
        if actor.kind != "state":
            w.add(node, _k("country"), NamedNode(iri.state_iri(actor.country)))
        w.add(node, _k("countryCode"), Literal(actor.country))
    if actor.sector:
        w.add(node, _k("sector"), Literal(actor.sector))
    if actor.code:
        w.add(node, _k("actorCode"), Literal(actor.code))
    if actor.wikidata:
        w.add(node, _k("wikidata"), NamedNode(WD + actor.wikidata))
    w.add(node, _k("mentionedIn"), art)
    w.add(node, _k("mentionCount"), _int(actor.mentions))
    for role in actor.roles:
        post = NamedNode(iri.post_iri(role.post, role.of))
        w.add(node, _T["org:holds"], post)
        w.add(post, _T["rdf:type"], _T["org:Post"])
        w.add(post, _k("postTitle"), Literal(role.post))
        body = bodies.get(role.of or "")
        if body is not None and body.kind != "state":
            w.add(post, _T["rdfs:label"], Literal(f"{role.post} of {body.label}"))
            w.add(post, _T["org:postIn"], actor_node(body.key, body.kind))
        elif role.of:
            w.add(post, _T["rdfs:label"], Literal(f"{role.post} of {role.of}"))
            if len(role.of) == 3 and role.of.isupper():
                w.add(post, _T["org:postIn"], NamedNode(iri.state_iri(role.of)))
        else:
            w.add(post, _T["rdfs:label"], Literal(role.post))
        term = NamedNode(iri.term_iri(node.value, post.value,
                                      role.start.isoformat() if role.start else None))
        w.add(node, _k("term"), term)
        w.add(term, _T["rdf:type"], _k("OfficeTerm"))
        w.add(term, _k("holder"), node)
        w.add(term, _k("post"), post)
        if role.start:
            w.add(term, _k("startDate"), _date(role.start))
        if role.end:
            w.add(term, _k("endDate"), _date(role.end))
    return node


def _mention(w: _Writer, article_id: str, art: NamedNode, ev: Evidence,
             sentences: set[tuple[int, int]]) -> NamedNode:
    """A mention: the offsets of its words, and its sentence, whose text is stored once per
    sentence (`kgo:Sentence`) however many facts are read from it."""
    node = NamedNode(iri.mention_iri(article_id, ev.start, ev.end))
    sentence = NamedNode(iri.sentence_iri(article_id, ev.sent_start, ev.sent_end))
    if (ev.sent_start, ev.sent_end) not in sentences:
        sentences.add((ev.sent_start, ev.sent_end))
        w.add(sentence, _T["rdf:type"], _k("Sentence"))
        w.add(sentence, _k("sentenceText"), Literal(ev.sentence))
        w.add(sentence, _k("sentenceStart"), _int(ev.sent_start))
        w.add(sentence, _k("sentenceEnd"), _int(ev.sent_end))
    w.add(node, _T["rdf:type"], _k("Mention"))
    w.add(node, _k("inArticle"), art)
    w.add(node, _k("inSentence"), sentence)
    w.add(node, _k("startOffset"), _int(ev.start))
    w.add(node, _k("endOffset"), _int(ev.end))
    return node


def _event(w: _Writer, event: Event, event_nodes: dict[str, NamedNode],
           actors: dict[str, NamedNode], mention: NamedNode, published: dt.date | None) -> None:
    """An event's triples. `kgo:day` is precomputed for queries that group or filter by day:
    the event's first day, else the publication date of the article it was read in (an undated
    event has an article-local IRI, so that day is one value)."""
    node = event_nodes[event.id]
    w.add(node, _T["rdf:type"], _k(event.event_class))
    code = event.cameo or event.base_code
    if event.cameo:
        w.add(node, _k("cameoCode"), NamedNode(CAMEO + event.cameo))
        if event.plover:
            w.add(node, _k("ploverType"), NamedNode(PLOVER + event.plover))
    if event.base_code:
        w.add(node, _k("baseCode"), NamedNode(CAMEO + event.base_code))
    if code:
        info = lookup(code)
        w.add(node, _k("goldstein"), _dec(info.goldstein))
        w.add(node, _k("quadClass"), _int(info.quad_class))
    w.add(node, _k("modality"), _k(event.modality))
    for prop, keys in (("source", event.source), ("target", event.target)):
        for key in keys:
            if key in actors:
                w.add(node, _k(prop), actors[key])
                w.add(node, _T["sem:hasActor"], actors[key])
    if event.location and event.location in actors:
        w.add(node, _T["sem:hasPlace"], actors[event.location])
    if event.place is not None:
        _place(w, node, event.place)
    if event.date:
        d = event.date
        w.add(node, _T["sem:hasBeginTimeStamp"], _date(d.begin))
        w.add(node, _T["sem:hasEndTimeStamp"], _date(d.end))
        if d.begin == d.end:
            w.add(node, _T["sem:hasTimeStamp"], _date(d.begin))
        w.add(node, _k("dateText"), Literal(d.text))
        w.add(node, _k("dateBasis"), Literal(d.basis))
        if d.is_start:
            w.add(node, _k("isStartDate"), Literal("true", datatype=_BOOL))
    day = event.date.begin if event.date else published
    if day is not None:
        w.add(node, _k("day"), _date(day))
    if event.parent and event.parent in event_nodes:
        w.add(node, _k("parentEvent"), event_nodes[event.parent])
    w.add(node, _k("confidence"), _dec(event.confidence))
    w.add(node, _k("trigger"), Literal(event.trigger))
    w.add(node, _k("evidence"), mention)


def _place(w: _Writer, event: NamedNode, place: Place) -> None:
    """The GeoNames place an event happens in: its name, coordinates and state."""
    node = NamedNode(iri.place_iri(place.geonames_id))
    w.add(event, _T["schema:location"], node)
    w.add(node, _T["rdf:type"], _T["schema:Place"])
    w.add(node, _T["rdfs:label"], Literal(place.name))
    if place.latitude is not None and place.longitude is not None:
        w.add(node, _T["geo:lat"], _dec(place.latitude))
        w.add(node, _T["geo:long"], _dec(place.longitude))
    if place.kind != "country":
        w.add(node, _T["schema:containedInPlace"], NamedNode(iri.state_iri(place.country)))


def _stance(w: _Writer, article_id: str, stance: Stance, actors: dict[str, NamedNode],
            events: dict[str, NamedNode], mention: NamedNode) -> None:
    node = NamedNode(iri.stance_iri(article_id, stance.id))
    w.add(node, _T["rdf:type"], _k(STANCE_CLASS[stance.kind]))
    if stance.holder in actors:
        w.add(node, _k("stanceHolder"), actors[stance.holder])
    if stance.target and stance.target in actors:
        w.add(node, _k("stanceTarget"), actors[stance.target])
    if stance.target_action:
        w.add(node, _k("targetAction"), Literal(stance.target_action))
    if stance.target_event and stance.target_event in events:
        w.add(node, _k("targetEvent"), events[stance.target_event])
    w.add(node, _k("polarity"), _int(stance.polarity))
    w.add(node, _k("evidence"), mention)


def _quote(w: _Writer, article_id: str, quote: Quote, actors: dict[str, NamedNode],
           events: dict[str, NamedNode], mention: NamedNode) -> None:
    node = NamedNode(iri.quote_iri(article_id, quote.evidence.start, quote.evidence.end))
    w.add(node, _T["rdf:type"], _k("Quotation"))
    if quote.speaker and quote.speaker in actors:
        w.add(node, _k("speaker"), actors[quote.speaker])
    w.add(node, _k("quotedText"), Literal(quote.text))
    for eid in quote.events:
        if eid in events:
            w.add(node, _k("asserts"), events[eid])
    w.add(node, _k("evidence"), mention)
