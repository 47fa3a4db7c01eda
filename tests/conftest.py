"""Shared fixtures: a small hand-made graph in exactly the shape of ontology/MODEL.md.

Two articles from the same desk. `voa-001` reports a U.S. threat of military force against
Mexico (a `kgo:Threat`, CAMEO 138) with the threatened strikes nested inside it (a `kgo:Strike`
without a CAMEO code, parent = the threat) and quotes the speaker. `voa-002` reports the same
threat again (a second mention of the same event IRI), a directive of Mexico's president to the
army (CAMEO 154) and her red line against U.S. action. Use `sample_store` for a loaded in-memory
store, `sample_graph_nquads` for the N-Quads bytes and `SAMPLE` for the IRIs to assert on.

`shared_path(...)` is where the tests find the shared data (corpora, eval sets, reference
tables): `$KG_SHARED` when set, else `../shared` beside the repository. Tests that need it skip,
saying which file is missing, when it is absent.
"""
from __future__ import annotations

import compileall
import os
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kg import iri
from kg.vocab import CAMEO, KGO, ORG, PLOVER, RDF, RDFS, SCHEMA, SEM, SKOS, WD, XSD

ROOT = Path(__file__).resolve().parents[1]


def shared_path(*parts: str) -> Path:
    """A path in the shared data: `$KG_SHARED/<parts>`, default `../shared/<parts>` beside
    the repository (`shared_path("corpora", "voa.jsonl")`)."""
    root = os.environ.get("KG_SHARED") or str(ROOT.parent / "shared")
    return Path(root).expanduser().joinpath(*parts)


def compile_kg() -> None:
    """Compile kg's bytecode, so that each process a benchmark times starts as an installed kg
    does (a machine that sets PYTHONDONTWRITEBYTECODE would otherwise compile kg's sources in
    every process: about 60 ms each); a warning when it cannot be written."""
    package = ROOT / "kg"
    if not compileall.compile_dir(package, quiet=1):
        print(f"warning: kg's bytecode could not be written in {package}: each run compiles it")


def skip_without_shared(path: Path) -> None:
    """Skip the calling test when a shared file is absent, naming it and KG_SHARED."""
    if not path.exists():
        pytest.skip(f"shared data absent: {path} (set KG_SHARED to the shared folder)")


A1, A2 = "voa-001", "voa-002"

SAMPLE = SimpleNamespace(
    a1=A1,
    a2=A2,
    art1=iri.article_iri(A1),
    art2=iri.article_iri(A2),
    g1=iri.graph_iri(A1),
    g2=iri.graph_iri(A2),
    publisher=iri.publisher_iri("VOA News"),
    trump=iri.actor_iri("donald-trump"),
    sheinbaum=iri.actor_iri("claudia-sheinbaum"),
    army=iri.actor_iri("mexican-army"),
    usa=iri.state_iri("USA"),
    mex=iri.state_iri("MEX"),
    post_us=iri.post_iri("President", "USA"),
    post_mx=iri.post_iri("President", "MEX"),
    term_trump=iri.term_iri(iri.actor_iri("donald-trump"), iri.post_iri("President", "USA"),
                            "2025-01-20"),
    term_sheinbaum=iri.term_iri(iri.actor_iri("claudia-sheinbaum"),
                                iri.post_iri("President", "MEX"), "2024-10-01"),
    threat=iri.event_iri("voa-001|threatened|us-strikes-mexico"),
    strike=iri.event_iri("voa-001|strikes|cartels"),
    directive=iri.event_iri("voa-002|ordered|army-deploy"),
    stance=iri.stance_iri(A2, "red-line-1"),
    quote=iri.quote_iri(A1, 228, 252),
    threat_sentence1=('U.S. President Donald Trump on Thursday threatened military strikes '
                      'against drug cartels in Mexico, saying "we will hit them on land".'),
    threat_sentence2='Trump had threatened strikes in Mexico on January 8.',
)


def _n(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _lit(value: object, dtype: str | None = None) -> ox.Literal:
    if dtype is None:
        return ox.Literal(str(value))
    return ox.Literal(str(value), datatype=_n(XSD + dtype))


class _Graph:
    """Collects the quads of one article graph."""

    def __init__(self, graph: str) -> None:
        self.graph = _n(graph)
        self.quads: list[ox.Quad] = []

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        obj = _n(o) if isinstance(o, str) else o
        self.quads.append(ox.Quad(_n(s), _n(p), obj, self.graph))


def _article(g: _Graph, aid: str, art: str, graph: str, title: str, published: str) -> None:
    g.add(art, RDF + "type", SCHEMA + "NewsArticle")
    g.add(art, RDF + "type", KGO + "Article")
    g.add(art, KGO + "articleId", _lit(aid))
    g.add(art, SCHEMA + "headline", _lit(title))
    g.add(art, SCHEMA + "url", f"https://www.example.org/news/{aid}")
    g.add(art, SCHEMA + "datePublished", _lit(published, "date"))
    g.add(art, SCHEMA + "publisher", SAMPLE.publisher)
    g.add(art, KGO + "namedGraph", graph)
    g.add(SAMPLE.publisher, RDF + "type", SCHEMA + "Organization")
    g.add(SAMPLE.publisher, SCHEMA + "name", _lit("VOA News"))


def _state(g: _Graph, state: str, label: str, alt: str, iso3: str, qid: str, art: str,
           mentions: int) -> None:
    g.add(state, RDF + "type", KGO + "State")
    g.add(state, RDFS + "label", _lit(label))
    g.add(state, SKOS + "altLabel", _lit(alt))
    g.add(state, KGO + "countryCode", _lit(iso3))
    g.add(state, KGO + "actorCode", _lit(iso3))
    g.add(state, KGO + "wikidata", WD + qid)
    g.add(state, KGO + "mentionedIn", art)
    g.add(state, KGO + "mentionCount", _lit(mentions, "integer"))


def _person(g: _Graph, actor: str, label: str, alts: tuple[str, ...], state: str, iso3: str,
            qid: str, art: str, mentions: int, post: str, post_label: str, term: str,
            start: str) -> None:
    g.add(actor, RDF + "type", KGO + "Person")
    g.add(actor, RDFS + "label", _lit(label))
    for alt in alts:
        g.add(actor, SKOS + "altLabel", _lit(alt))
    g.add(actor, KGO + "country", state)
    g.add(actor, KGO + "countryCode", _lit(iso3))
    g.add(actor, KGO + "sector", _lit("GOV"))
    g.add(actor, KGO + "actorCode", _lit(iso3 + "GOV"))
    g.add(actor, KGO + "wikidata", WD + qid)
    g.add(actor, KGO + "mentionedIn", art)
    g.add(actor, KGO + "mentionCount", _lit(mentions, "integer"))
    g.add(actor, ORG + "holds", post)
    g.add(actor, KGO + "term", term)
    g.add(post, RDF + "type", ORG + "Post")
    g.add(post, RDFS + "label", _lit(post_label))
    g.add(post, KGO + "postTitle", _lit("President"))
    g.add(post, ORG + "postIn", state)
    g.add(term, RDF + "type", KGO + "OfficeTerm")
    g.add(term, KGO + "holder", actor)
    g.add(term, KGO + "post", post)
    g.add(term, KGO + "startDate", _lit(start, "date"))


def _mention(g: _Graph, aid: str, art: str, sentence: str, sent_start: int, start: int,
             end: int) -> str:
    m = iri.mention_iri(aid, start, end)
    g.add(m, RDF + "type", KGO + "Mention")
    sent = iri.sentence_iri(aid, sent_start, sent_start + len(sentence))
    g.add(m, KGO + "inArticle", art)
    g.add(m, KGO + "inSentence", sent)
    g.add(sent, RDF + "type", KGO + "Sentence")
    g.add(sent, KGO + "sentenceText", _lit(sentence))
    g.add(sent, KGO + "sentenceStart", _lit(sent_start, "integer"))
    g.add(sent, KGO + "sentenceEnd", _lit(sent_start + len(sentence), "integer"))
    g.add(m, KGO + "startOffset", _lit(start, "integer"))
    g.add(m, KGO + "endOffset", _lit(end, "integer"))
    return m


def _day(g: _Graph, event: str, day: str) -> None:
    g.add(event, SEM + "hasTimeStamp", _lit(day, "date"))
    g.add(event, SEM + "hasBeginTimeStamp", _lit(day, "date"))
    g.add(event, SEM + "hasEndTimeStamp", _lit(day, "date"))
    g.add(event, KGO + "dateText", _lit(day))
    g.add(event, KGO + "day", _lit(day, "date"))


def _threat(g: _Graph, evidence: str) -> None:
    e = SAMPLE.threat
    g.add(e, RDF + "type", KGO + "Threat")
    g.add(e, KGO + "cameoCode", CAMEO + "138")
    g.add(e, KGO + "ploverType", PLOVER + "THREATEN")
    g.add(e, KGO + "baseCode", CAMEO + "138")
    g.add(e, KGO + "goldstein", _lit("-7.0", "decimal"))
    g.add(e, KGO + "quadClass", _lit(3, "integer"))
    g.add(e, KGO + "modality", KGO + "actual")
    g.add(e, KGO + "source", SAMPLE.trump)
    g.add(e, KGO + "target", SAMPLE.mex)
    g.add(e, SEM + "hasActor", SAMPLE.trump)
    g.add(e, SEM + "hasActor", SAMPLE.mex)
    _day(g, e, "2026-01-08")
    g.add(e, KGO + "confidence", _lit("0.8", "decimal"))
    g.add(e, KGO + "trigger", _lit("threatened"))
    g.add(e, KGO + "evidence", evidence)


def _graph1() -> list[ox.Quad]:
    g = _Graph(SAMPLE.g1)
    art = SAMPLE.art1
    _article(g, A1, art, SAMPLE.g1, "Trump threatens strikes on cartels in Mexico", "2026-01-09")
    _state(g, SAMPLE.usa, "United States", "U.S.", "USA", "Q30", art, 2)
    _state(g, SAMPLE.mex, "Mexico", "Mexican", "MEX", "Q96", art, 2)
    _person(g, SAMPLE.trump, "Donald Trump", ("Trump", "U.S. President Donald Trump"), SAMPLE.usa,
            "USA", "Q22686", art, 2, SAMPLE.post_us, "President of the United States",
            SAMPLE.term_trump, "2025-01-20")
    s1 = SAMPLE.threat_sentence1
    m_threat = _mention(g, A1, art, s1, 120, 160, 170)
    _threat(g, m_threat)
    strike = SAMPLE.strike
    g.add(strike, RDF + "type", KGO + "Strike")
    g.add(strike, KGO + "baseCode", CAMEO + "195")
    g.add(strike, KGO + "goldstein", _lit("-10.0", "decimal"))
    g.add(strike, KGO + "quadClass", _lit(4, "integer"))
    g.add(strike, KGO + "modality", KGO + "threatened")
    g.add(strike, KGO + "source", SAMPLE.usa)
    g.add(strike, KGO + "target", SAMPLE.mex)
    g.add(strike, SEM + "hasActor", SAMPLE.usa)
    g.add(strike, SEM + "hasActor", SAMPLE.mex)
    g.add(strike, SEM + "hasPlace", SAMPLE.mex)
    g.add(strike, KGO + "parentEvent", SAMPLE.threat)
    g.add(strike, KGO + "day", _lit("2026-01-09", "date"))  # undated: the article's date
    g.add(strike, KGO + "confidence", _lit("0.6", "decimal"))
    g.add(strike, KGO + "trigger", _lit("strikes"))
    g.add(strike, KGO + "evidence", _mention(g, A1, art, s1, 120, 180, 187))
    q = SAMPLE.quote
    g.add(q, RDF + "type", KGO + "Quotation")
    g.add(q, KGO + "speaker", SAMPLE.trump)
    g.add(q, KGO + "quotedText", _lit("we will hit them on land"))
    g.add(q, KGO + "asserts", SAMPLE.threat)
    g.add(q, KGO + "evidence", _mention(g, A1, art, s1, 120, 228, 252))
    return g.quads


def _graph2() -> list[ox.Quad]:
    g = _Graph(SAMPLE.g2)
    art = SAMPLE.art2
    _article(g, A2, art, SAMPLE.g2, "Sheinbaum rejects U.S. military action", "2026-01-10")
    _state(g, SAMPLE.usa, "United States", "U.S.", "USA", "Q30", art, 1)
    _state(g, SAMPLE.mex, "Mexico", "Mexican", "MEX", "Q96", art, 3)
    _person(g, SAMPLE.sheinbaum, "Claudia Sheinbaum", ("Sheinbaum",), SAMPLE.mex, "MEX",
            "Q2578727", art, 2, SAMPLE.post_mx, "President of Mexico", SAMPLE.term_sheinbaum,
            "2024-10-01")
    g.add(SAMPLE.trump, RDF + "type", KGO + "Person")
    g.add(SAMPLE.trump, RDFS + "label", _lit("Donald Trump"))
    g.add(SAMPLE.trump, SKOS + "altLabel", _lit("Trump"))
    g.add(SAMPLE.trump, KGO + "mentionedIn", art)
    g.add(SAMPLE.trump, KGO + "mentionCount", _lit(1, "integer"))
    army = SAMPLE.army
    g.add(army, RDF + "type", KGO + "MilitaryForce")
    g.add(army, RDFS + "label", _lit("Mexican Army"))
    g.add(army, KGO + "country", SAMPLE.mex)
    g.add(army, KGO + "countryCode", _lit("MEX"))
    g.add(army, KGO + "sector", _lit("MIL"))
    g.add(army, KGO + "actorCode", _lit("MEXMIL"))
    g.add(army, KGO + "mentionedIn", art)
    g.add(army, KGO + "mentionCount", _lit(1, "integer"))
    s2 = SAMPLE.threat_sentence2
    _threat(g, _mention(g, A2, art, s2, 0, 10, 20))
    sentence = "Sheinbaum ordered the army to deploy 10,000 troops to the border on Friday."
    d = SAMPLE.directive
    g.add(d, RDF + "type", KGO + "Directive")
    g.add(d, KGO + "cameoCode", CAMEO + "154")
    g.add(d, KGO + "ploverType", PLOVER + "MOBILIZE")
    g.add(d, KGO + "baseCode", CAMEO + "154")
    g.add(d, KGO + "goldstein", _lit("-7.2", "decimal"))
    g.add(d, KGO + "quadClass", _lit(4, "integer"))
    g.add(d, KGO + "modality", KGO + "directed")
    g.add(d, KGO + "source", SAMPLE.sheinbaum)
    g.add(d, KGO + "target", army)
    g.add(d, SEM + "hasActor", SAMPLE.sheinbaum)
    g.add(d, SEM + "hasActor", army)
    g.add(d, SEM + "hasPlace", SAMPLE.mex)
    _day(g, d, "2026-01-09")
    g.add(d, KGO + "confidence", _lit("0.7", "decimal"))
    g.add(d, KGO + "trigger", _lit("ordered"))
    g.add(d, KGO + "evidence", _mention(g, A2, art, sentence, 60, 70, 77))
    st = SAMPLE.stance
    red_line = ("Sheinbaum said unilateral U.S. military action on Mexican soil "
                "is a line that cannot be crossed.")
    g.add(st, RDF + "type", KGO + "RedLine")
    g.add(st, KGO + "stanceHolder", SAMPLE.sheinbaum)
    g.add(st, KGO + "stanceTarget", SAMPLE.usa)
    g.add(st, KGO + "targetAction", _lit("unilateral U.S. military action"))
    g.add(st, KGO + "targetEvent", SAMPLE.strike)
    g.add(st, KGO + "polarity", _lit(-1, "integer"))
    g.add(st, KGO + "evidence", _mention(g, A2, art, red_line, 140, 208, 212))
    return g.quads


def build_sample_quads() -> list[ox.Quad]:
    """All quads of the sample graph (both article graphs)."""
    return _graph1() + _graph2()


@pytest.fixture
def sample_quads() -> list[ox.Quad]:
    return build_sample_quads()


@pytest.fixture
def sample_graph_nquads() -> bytes:
    """The sample graph as N-Quads (two named graphs)."""
    return ox.serialize(build_sample_quads(), format=ox.RdfFormat.N_QUADS)


@pytest.fixture
def sample_iris() -> SimpleNamespace:
    """The IRIs and ids of the sample graph."""
    return SAMPLE


@pytest.fixture
def sample_store():
    """An in-memory `kg.store.Store` holding the sample graph, one graph per article."""
    from kg.store import Store

    store = Store.memory()
    store.replace_graph(SAMPLE.g1, ox.serialize(_graph1(), format=ox.RdfFormat.N_QUADS))
    store.replace_graph(SAMPLE.g2, ox.serialize(_graph2(), format=ox.RdfFormat.N_QUADS))
    store.refresh_summary()  # as a build ends (kg.summary)
    yield store
    store.close()


@pytest.fixture
def sample_store_dir(tmp_path):
    """A kg store directory on disk holding the sample graph (closed, ready to open)."""
    return write_sample_store(tmp_path / "sample-store")


def write_sample_store(path):
    """Create a kg store at `path` holding the sample graph, closed; returns `path`."""
    from kg.store import Store

    with Store.open(path, create=True) as store:
        store.replace_graph(SAMPLE.g1, _graph1())
        store.replace_graph(SAMPLE.g2, _graph2())
    return path
