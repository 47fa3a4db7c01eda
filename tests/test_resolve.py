"""Store-level actor resolution (kg.resolve): "Clinton" in one article and "Hillary Clinton" in
another are one node after `merge_actors`, in every graph, and a second pass changes nothing."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from kg import iri
from kg.cli import main
from kg.mapping import to_nquads, to_quads
from kg.resolve import is_shorter_form, merge_actors, name_tokens, settle_countries
from kg.store import Store
from kg.tables import actor_rows, event_rows
from kg.types import Actor, Article, DateValue, Event, Evidence, Extraction, Role
from kg.vocab import KGO, RDF, RDFS, SKOS, XSD

DAY = DateValue(dt.date(2016, 3, 1), dt.date(2016, 3, 1), "2016-03-01")
EGY = Actor(key="EGY", label="Egypt", kind="state", country="EGY", code="EGY")
CLINTON = iri.actor_iri("person-clinton")
HILLARY = iri.actor_iri("hillary-clinton")


def _person(key: str, label: str, *, country: str | None = "USA", wikidata: str | None = None,
            aliases: tuple[str, ...] = (), mentions: int = 1, roles: tuple[Role, ...] = ()
            ) -> Actor:
    return Actor(key=key, label=label, kind="person", country=country, wikidata=wikidata,
                 aliases=aliases, mentions=mentions, roles=roles)


def _article(article_id: str, *actors: Actor, visitor: str | None = None) -> Extraction:
    """An article mentioning `actors`; `visitor` (a key) visited Egypt on DAY."""
    sentence = "Clinton visited Cairo on Tuesday."
    events = ()
    if visitor:
        events = (Event(id="v1", event_class="Visit", trigger="visited", cameo="042",
                        plover="CONSULT", base_code="042", source=(visitor,), target=("EGY",),
                        date=DAY, evidence=Evidence(sentence, 0, len(sentence), 8, 15)),)
    return Extraction(article=Article(id=article_id, text=sentence, date=dt.date(2016, 3, 2)),
                      actors=(*actors, EGY), events=events)


def _store(*extractions: Extraction, keep_texts: bool = False) -> Store:
    store = Store.memory()
    store.keep_texts(keep_texts)
    for x in extractions:
        store.replace_graph(iri.graph_iri(x.article.id), to_nquads(to_quads(x)))
    return store


def _union_is_right(store: Store) -> bool:
    named = {q.triple for q in store.quads()}
    union = {q.triple for q in store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    return named == union


def _values(store: Store, subject: str, prop: str, graph: str | None = None) -> set[str]:
    g = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return {q.object.value for q in store.inner.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(prop), None, g)}


def _two_articles() -> Store:
    return _store(
        _article("a1", _person("person-clinton", "Clinton", mentions=3),
                 visitor="person-clinton"),
        _article("a2", _person("hillary-clinton", "Hillary Clinton", wikidata="Q6294",
                               mentions=2), visitor="hillary-clinton"))


@pytest.mark.parametrize(("label", "tokens"), [
    ("Hillary Clinton", ("hillary", "clinton")),
    ("Mr. Recep Tayyip Erdoğan", ("recep", "tayyip", "erdogan")),
    ("Bashar al-Assad", ("bashar", "al", "assad")),
    ("Martin Luther King Jr.", ("martin", "luther", "king")),
])
def test_name_tokens(label, tokens):
    assert name_tokens(label) == tokens


@pytest.mark.parametrize(("short", "full", "expected"), [
    ("Clinton", "Hillary Clinton", True),
    ("Hillary Clinton", "Hillary Rodham Clinton", True),
    ("Assad", "Bashar al-Assad", True),
    ("Trump", "Donald J. Trump", True),
    ("Hillary", "Hillary Clinton", False),       # a first name alone
    ("Xi", "Xi Jinping", False),                 # family name first: left alone
    ("Hillary Clinton", "Hillary Clinton", False),
    ("Bill Clinton", "Hillary Clinton", False),
])
def test_is_shorter_form(short, full, expected):
    assert is_shorter_form(name_tokens(short), name_tokens(full)) is expected


def test_a_bare_surname_merges_into_the_one_fuller_node_in_every_graph():
    store = _two_articles()
    assert len({r["event"] for r in event_rows(store)}) == 2     # two actors, two events
    report = merge_actors(store)
    assert report.merged == ((CLINTON, HILLARY),)
    assert report.graphs == 1 and report.events == 1
    store.refresh_summary()  # as the next read does: the actors' totals follow the merge
    node = ox.NamedNode(CLINTON)
    assert not list(store.inner.quads_for_pattern(node, None, None, None))
    assert not list(store.inner.quads_for_pattern(None, None, node, None))
    assert _union_is_right(store)
    # the kept node keeps its label; the short one becomes an alias; a1 still describes it
    assert _values(store, HILLARY, RDFS + "label") == {"Hillary Clinton"}
    assert "Clinton" in _values(store, HILLARY, SKOS + "altLabel")
    assert _values(store, HILLARY, RDFS + "label", iri.graph_iri("a1")) == {"Hillary Clinton"}
    [row] = [r for r in actor_rows(store) if r["iri"] == HILLARY]
    assert row["mentions"] == 5 and row["wikidata"] == "Q6294"
    # the two visits were one event all along: now one node with a mention per article
    [visit] = event_rows(store)
    assert (visit["mentions"], visit["sources"]) == (2, 2)
    assert [a["iri"] for a in visit["source"]] == [HILLARY]


def test_the_text_rewrite_gives_the_triples_of_the_term_rewrite():
    from kg.resolve import _rewrite, _rewrite_text

    store = _store(_article("a1", _person("person-clinton", "Clinton", mentions=3),
                            _person("hillary-clinton", "Hillary Clinton", mentions=2,
                                    aliases=("Hillary Clinton", "Mrs Clinton")),
                            visitor="person-clinton"))
    nt = store.graph_ntriples(iri.graph_iri("a1"))
    rename = {ox.NamedNode(CLINTON): ox.NamedNode(HILLARY)}
    labels = {HILLARY: "Hillary Clinton"}
    text, events = _rewrite_text(nt, rename, labels)
    triples, rekeyed = _rewrite(ox.parse(nt, ox.RdfFormat.N_TRIPLES), rename, labels)
    assert {q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)} == triples
    assert events == rekeyed == 1 and len(text.splitlines()) == len(triples)
    assert CLINTON.encode() not in text


def test_a_merge_leaves_one_office_term_per_holder_post_and_start():
    """Two articles state one office of one person under two names: after the merge the union
    holds one term of it (two undated terms of one post had given `actor_roles` two rows that
    only DISTINCT told apart, which Virtuoso 7.2 at times did not)."""
    secretary = (Role("Secretary of State", "USA"),)
    dated = (Role("Senator", "USA", dt.date(2001, 1, 3)),)
    store = _store(_article("a1", _person("person-clinton", "Clinton", roles=secretary + dated),
                            visitor="person-clinton"),
                   _article("a2", _person("hillary-clinton", "Hillary Clinton", wikidata="Q6294",
                                          roles=secretary + dated), visitor="hillary-clinton"))

    def terms() -> set[tuple[str, str]]:
        return {(q.subject.value, q.object.value) for q in store.inner.quads_for_pattern(
            None, ox.NamedNode(KGO + "holder"), None, ox.DefaultGraph())}

    assert len(terms()) == 4  # each name holds its own two terms
    merge_actors(store)
    assert {holder for _, holder in terms()} == {HILLARY} and len(terms()) == 2
    assert {t for t, _ in terms()} == {
        iri.term_iri(HILLARY, iri.post_iri("Secretary of State", "USA"), None),
        iri.term_iri(HILLARY, iri.post_iri("Senator", "USA"), "2001-01-03")}
    assert _values(store, HILLARY, KGO + "term") == {t for t, _ in terms()}
    assert _union_is_right(store)


def test_a_merge_reading_the_texts_written_changes_the_store_as_one_reading_the_engine():
    office = (Role("Secretary of State", "USA", dt.date(2009, 1, 21)),)
    articles = (_article("a1", _person("person-clinton", "Clinton", mentions=3, roles=office),
                         visitor="person-clinton"),
                _article("a2", _person("hillary-clinton", "Hillary Clinton", wikidata="Q6294",
                                       mentions=2, roles=office), visitor="hillary-clinton"))
    engine, texts = _store(*articles), _store(*articles, keep_texts=True)
    assert merge_actors(engine).merged == merge_actors(texts).merged == ((CLINTON, HILLARY),)
    settle_countries(engine)
    settle_countries(texts)
    assert set(engine.quads()) == set(texts.quads()) and _union_is_right(texts)
    spool = texts._texts.path
    texts.close()
    assert not spool.exists()


def test_the_person_table_of_the_graphs_written_is_what_the_store_scan_reads():
    from kg.resolve import PersonTable, person_nodes, person_rows

    articles = (_article("a1", _person("person-clinton", "Clinton", mentions=3, country=None),
                         visitor="person-clinton"),
                _article("a2", _person("hillary-clinton", "Hillary Clinton", wikidata="Q6294",
                                       aliases=("Mrs Clinton",)), visitor="hillary-clinton"),
                _article("a3", _person("bill-clinton", "Bill Clinton", country="USA")))
    texts = [to_nquads(to_quads(x)) for x in articles]
    # a graph that labels a node another graph types as a person, and one typing it alone
    g4, g5 = iri.graph_iri("a4"), iri.graph_iri("a5")
    extra = (f'<{HILLARY}> <{RDFS}label> "Hillary R. Clinton"@en <{g4}> .\n'
             f'<{HILLARY}> <{SKOS}altLabel> "H. Clinton" <{g4}> .\n').encode()
    alone = f'<{iri.actor_iri("x")}> <{RDF}type> <{KGO}Person> <{g5}> .\n'.encode()
    store = Store.memory()
    table = PersonTable()
    for graph, text in [*((iri.graph_iri(x.article.id), t) for x, t in zip(articles, texts)),
                        (g4, extra), (g5, alone)]:
        store.replace_graph(graph, text)
        table.add(person_rows(text))
    assert table.complete and table.untyped >= {HILLARY}
    assert table.nodes(store) == person_nodes(store)
    assert {n.iri for n in table.nodes(store)} >= {CLINTON, HILLARY, iri.actor_iri("x")}
    report = merge_actors(store, table.nodes(store))
    assert report.merged == ((CLINTON, HILLARY),)
    # a value the engine may store in another form: only the store can say
    typed = f'<{HILLARY}> <{KGO}countryCode> "1"^^<{XSD}integer> <{g4}> .\n'.encode()
    assert person_rows(typed) is None
    table.add(None)
    assert not table.complete


def test_merging_is_idempotent_and_survives_removing_the_fuller_article():
    store = _two_articles()
    merge_actors(store)
    quads = set(store.quads())
    again = merge_actors(store)
    assert len(again) == 0 and again.graphs == 0
    assert set(store.quads()) == quads
    store.remove_articles(["a2"])
    assert _values(store, HILLARY, RDFS + "label") == {"Hillary Clinton"}
    [visit] = event_rows(store)
    assert (visit["article"], visit["mentions"]) == ("a1", 1)
    assert _union_is_right(store)


def test_an_article_naming_both_forms_sums_the_mention_counts():
    store = _store(
        _article("a1", _person("person-clinton", "Clinton", mentions=2),
                 _person("person-hillary-clinton", "Hillary Clinton", mentions=2)))
    merge_actors(store)
    [row] = [r for r in actor_rows(store) if r["iri"].endswith("/person-hillary-clinton")]
    assert row["mentions"] == 4


def test_two_fuller_candidates_are_ambiguous_unless_one_lists_the_short_name():
    bill = _person("person-bill-clinton", "Bill Clinton")
    short = _person("person-clinton", "Clinton")
    store = _store(_article("a1", short), _article("a2", bill),
                   _article("a3", _person("hillary-clinton", "Hillary Clinton")))
    report = merge_actors(store)
    assert report.merged == ()
    assert [old for old, _ in report.ambiguous] == [CLINTON]
    store = _store(_article("a1", short), _article("a2", bill),
                   _article("a3", _person("hillary-clinton", "Hillary Clinton",
                                          aliases=("Clinton",))))
    assert merge_actors(store).merged == ((CLINTON, HILLARY),)


@pytest.mark.parametrize("other", [
    _person("person-clinton", "Clinton", country="GBR"),               # another country
    _person("person-clinton", "Clinton", wikidata="Q1124"),            # another Wikidata id
    _person("person-hillary", "Hillary"),                              # a first name
])
def test_no_merge_across_countries_wikidata_ids_or_first_names(other):
    store = _store(_article("a1", other),
                   _article("a2", _person("hillary-clinton", "Hillary Clinton",
                                          wikidata="Q6294")))
    assert merge_actors(store).merged == ()


def test_unknown_country_merges_and_chains_end_at_the_fullest_name():
    store = _store(
        _article("a1", _person("person-clinton", "Clinton", country=None)),
        _article("a2", _person("person-hillary-clinton", "Hillary Clinton")),
        _article("a3", _person("person-hillary-rodham-clinton", "Hillary Rodham Clinton")))
    full = iri.actor_iri("person-hillary-rodham-clinton")
    assert dict(merge_actors(store).merged) == {
        CLINTON: full, iri.actor_iri("person-hillary-clinton"): full}


def test_a_curated_node_is_never_merged_away():
    trump = _person("donald-trump", "Donald Trump", wikidata="Q22686")
    slip = _person("person-nominating-donald-trump", "Nominating Donald Trump")
    store = _store(_article("a1", trump), _article("a2", slip))
    assert merge_actors(store).merged == (
        (iri.actor_iri("person-nominating-donald-trump"), iri.actor_iri("donald-trump")),)


def test_kg_resolve_command(tmp_path, capsys):
    path = tmp_path / "store.kg"
    with Store.open(path, create=True) as store:
        for x in (_article("a1", _person("person-clinton", "Clinton")),
                  _article("a2", _person("hillary-clinton", "Hillary Clinton"))):
            store.replace_graph(iri.graph_iri(x.article.id), to_nquads(to_quads(x)))
    assert main(["resolve", "--store", str(path), "-v"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 actors merged") and f"merged {CLINTON} -> {HILLARY}" in out
    assert main(["resolve", "--store", str(path)]) == 0
    assert capsys.readouterr().out.startswith("0 actors merged")


# --- one country per actor ------------------------------------------------------------------

_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _add_actor(store: Store, article: str, key: str, label: str, country: str,
               mentions: int = 1) -> None:
    """Add to an article's graph an actor as the mapping writes it, with one country."""
    from kg.vocab import KGO, RDFS

    g = ox.NamedNode(iri.graph_iri(article))
    node = ox.NamedNode(iri.actor_iri(key))
    old = list(store.inner.quads_for_pattern(None, None, None, g))
    store.replace_graph(g.value, old + [
        ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(label), g),
        ox.Quad(node, ox.NamedNode(KGO + "countryCode"), ox.Literal(country), g),
        ox.Quad(node, ox.NamedNode(KGO + "country"), ox.NamedNode(iri.state_iri(country)), g),
        ox.Quad(node, ox.NamedNode(KGO + "actorCode"), ox.Literal(country + "GOV"), g),
        ox.Quad(node, ox.NamedNode(KGO + "mentionCount"), ox.Literal(str(mentions), datatype=_INT), g),
    ])


def _prop_values(store: Store, key: str, prop: str) -> set[str]:
    from kg.vocab import KGO

    return {q.object.value for q in store.inner.quads_for_pattern(
        ox.NamedNode(iri.actor_iri(key)), ox.NamedNode(KGO + prop), None, None)}


def test_curated_knowledge_decides_an_actors_country() -> None:
    store = Store.memory()
    # one article gave Hillary Clinton Syria's code, another the United States'
    _add_actor(store, "a1", "hillary-clinton", "Hillary Clinton", "SYR", mentions=5)
    _add_actor(store, "a2", "hillary-clinton", "Hillary Clinton", "USA")
    report = settle_countries(store)
    assert _prop_values(store, "hillary-clinton", "countryCode") == {"USA"}
    assert _prop_values(store, "hillary-clinton", "actorCode") == {"USAGOV"}
    assert len(report) == 1 and report.graphs == 1
    assert len(settle_countries(store)) == 0  # idempotent


def test_the_majority_of_mentions_decides_and_a_tie_is_left_alone() -> None:
    store = Store.memory()
    _add_actor(store, "a1", "person-x-y", "X Y", "IRN", mentions=1)
    _add_actor(store, "a2", "person-x-y", "X Y", "PRK", mentions=3)
    _add_actor(store, "a1", "person-p-q", "P Q", "EGY", mentions=2)
    _add_actor(store, "a2", "person-p-q", "P Q", "TUR", mentions=2)
    report = settle_countries(store)
    assert _prop_values(store, "person-x-y", "countryCode") == {"PRK"}
    assert _prop_values(store, "person-p-q", "countryCode") == {"EGY", "TUR"}
    assert [node for node, _ in report.ties] == [iri.actor_iri("person-p-q")]
