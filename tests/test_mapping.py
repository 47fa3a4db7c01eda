"""Event identity across articles (kg.mapping): one node per real-world event, one mention per
report, counted by the event table as `mentions` and `sources`."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg import iri
from kg.mapping import event_node, shared_event_node, to_nquads, to_quads
from kg.store import Store
from kg.tables import event_rows
from kg.types import Actor, Article, DateValue, Event, Evidence, Extraction

MONDAY = DateValue(dt.date(2026, 1, 5), dt.date(2026, 1, 5), "2026-01-05")
ISR_MIL = Actor(key="military-isr", label="Israeli military", kind="military", country="ISR",
                sector="MIL", code="ISRMIL")
PSE = Actor(key="PSE", label="Palestine", kind="state", country="PSE", code="PSE")
IRN = Actor(key="IRN", label="Iran", kind="state", country="IRN", code="IRN")


def _evidence(sentence: str, start: int, end: int) -> Evidence:
    return Evidence(sentence=sentence, sent_start=0, sent_end=len(sentence), start=start, end=end)


def _strike(event_id: str, *, trigger: str = "struck", confidence: float = 0.8,
            parent: str | None = None, modality: str = "actual",
            date: DateValue | None = MONDAY, cameo: str | None = "195",
            target: tuple[str, ...] = ("PSE",)) -> Event:
    return Event(id=event_id, event_class="Strike", trigger=trigger, cameo=cameo,
                 plover="ASSAULT" if cameo else None, base_code="195", modality=modality,
                 source=("military-isr",), target=target, date=date, parent=parent,
                 confidence=confidence,
                 evidence=_evidence("Israeli aircraft struck Gaza on Monday.", 17, 23))


def _statement(event_id: str) -> Event:
    return Event(id=event_id, event_class="Statement", trigger="said", cameo=None,
                 source=("military-isr",), date=MONDAY, confidence=0.5,
                 evidence=_evidence("The military said so.", 13, 17))


def _extraction(article_id: str, *events: Event) -> Extraction:
    article = Article(id=article_id, text="(text)", date=dt.date(2026, 1, 7))
    return Extraction(article=article, actors=(ISR_MIL, PSE, IRN), events=events)


def _load(store: Store, extraction: Extraction) -> None:
    store.replace_graph(iri.graph_iri(extraction.article.id), to_nquads(to_quads(extraction)))


def _events(quads) -> set[str]:
    return {q.subject.value for q in quads if q.predicate.value.endswith("#modality")}


def test_a_coded_dated_event_with_actors_has_an_article_independent_iri():
    one = _events(to_quads(_extraction("a1", _strike("e1"))))
    two = _events(to_quads(_extraction("a2", _strike("e9", trigger="bombed"))))
    assert one == two
    assert one == {shared_event_node("195", "actual", [iri.actor_iri("military-isr")],
                                     [iri.state_iri("PSE")], MONDAY.begin).value}


@pytest.mark.parametrize("event", [
    _strike("e1", cameo=None),             # not coded
    _strike("e1", date=None),              # no date
    _statement("e1"),                      # a verb of saying, uncoded
])
def test_other_events_keep_article_local_iris(event):
    one = _events(to_quads(_extraction("a1", event)))
    two = _events(to_quads(_extraction("a2", event)))
    assert one == {event_node("a1", "e1").value}
    assert one != two


@pytest.mark.parametrize("other", [
    _strike("e2", modality="threatened"),                                      # modality
    _strike("e2", target=("IRN",)),                                           # actors
    _strike("e2", date=DateValue(dt.date(2026, 1, 6), dt.date(2026, 1, 6), "2026-01-06")),
])
def test_a_different_event_gets_a_different_node(other):
    assert _events(to_quads(_extraction("a1", _strike("e1")))) != _events(
        to_quads(_extraction("a2", other)))


def test_a_range_starting_the_same_day_is_the_same_event():
    week = DateValue(dt.date(2026, 1, 5), dt.date(2026, 1, 9), "2026-01-05/2026-01-09")
    assert _events(to_quads(_extraction("a1", _strike("e1")))) == _events(
        to_quads(_extraction("a2", _strike("e1", date=week))))


def test_two_reports_are_one_row_with_two_mentions_and_two_sources():
    store = Store.memory()
    # the reports differ in trigger, confidence and parent (a per-article statement)
    _load(store, _extraction("a1", _strike("e1"), _statement("s1")))
    _load(store, _extraction("a2", _statement("s2"),
                             _strike("e2", trigger="bombed", confidence=0.6, parent="s2")))
    rows = event_rows(store)
    strikes = [r for r in rows if r["cameo"] == "195"]
    assert len(strikes) == 1
    strike = strikes[0]
    assert (strike["mentions"], strike["sources"]) == (2, 2)
    assert strike["article"] == "a1"            # the first mention, by article id
    assert strike["confidence"] == 0.8          # the highest
    statements = [r for r in rows if r["type"] == "Statement"]
    assert sorted(r["article"] for r in statements) == ["a1", "a2"]
    assert all((r["mentions"], r["sources"]) == (1, 1) for r in statements)


def test_removing_one_report_leaves_the_other_and_reingesting_changes_nothing():
    store = Store.memory()
    first, second = _extraction("a1", _strike("e1")), _extraction("a2", _strike("e2"))
    _load(store, first)
    _load(store, second)
    size = len(store)
    _load(store, second)
    _load(store, first)
    assert len(store) == size
    assert store.remove_articles(["a1"]) == []
    [row] = event_rows(store)
    assert (row["article"], row["mentions"], row["sources"]) == ("a2", 1, 1)


def test_one_article_reporting_an_event_twice_gives_two_mentions_one_source():
    store = Store.memory()
    again = Event(**{**{f: getattr(_strike("e2"), f) for f in Event.__slots__},
                     "evidence": _evidence("The strike on Gaza on Monday killed two.", 4, 10)})
    _load(store, _extraction("a1", _strike("e1"), again))
    [row] = event_rows(store)
    assert (row["mentions"], row["sources"]) == (2, 1)


@pytest.mark.slow
def test_the_pipeline_merges_reports_of_the_same_event(tmp_path: Path):
    from kg.pipeline import build

    records = [
        {"id": "wire-1", "date": "2026-01-07",
         "text": "Israeli aircraft struck Gaza on Monday, the military said.\n"
                 "Iran's foreign minister met Russian President Vladimir Putin in Moscow "
                 "on Tuesday."},
        {"id": "wire-2", "date": "2026-01-07",
         "text": "Israeli aircraft struck Gaza on Monday.\nResidents said they heard blasts."},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    store = Store.memory()
    build([path], store)
    rows = event_rows(store)
    strikes = [r for r in rows if r["cameo"] and r["cameo"].startswith("19")]
    assert len(strikes) == 1, strikes
    assert (strikes[0]["mentions"], strikes[0]["sources"]) == (2, 2)
    assert strikes[0]["date"] == "2026-01-05"
    meetings = [r for r in rows if r["cameo"] and r["cameo"].startswith("04")]
    assert len(meetings) == 1
    assert (meetings[0]["mentions"], meetings[0]["sources"]) == (1, 1)
    assert meetings[0]["event"] != strikes[0]["event"]
    size = len(store)
    build([path], store)                         # re-ingesting never duplicates
    assert len(store) == size
    assert len(event_rows(store)) == len(rows)
    store.remove_articles(["wire-1"])
    [strike] = [r for r in event_rows(store) if r["cameo"] and r["cameo"].startswith("19")]
    assert (strike["article"], strike["mentions"], strike["sources"]) == ("wire-2", 1, 1)


def test_a_sentence_is_stored_once_however_many_facts_are_read_from_it():
    """Two events read in one sentence: two mentions with their own offsets, one `kgo:Sentence`
    holding the text; the event table and the sentence query still give each fact its text."""
    sentence = "Israeli aircraft struck Gaza on Monday as the military said so."
    struck = Event(**{**{f: getattr(_strike("e1"), f) for f in Event.__slots__},
                      "evidence": _evidence(sentence, 17, 23)})
    said = Event(**{**{f: getattr(_statement("s1"), f) for f in Event.__slots__},
                    "evidence": _evidence(sentence, 55, 59)})
    quads = to_quads(_extraction("a1", struck, said))
    texts = [q for q in quads if q.predicate.value.endswith("#sentenceText")]
    assert [q.object.value for q in texts] == [sentence]
    in_sentence = {q.subject.value: q.object.value for q in quads
                   if q.predicate.value.endswith("#inSentence")}
    assert set(in_sentence) == {iri.mention_iri("a1", 17, 23), iri.mention_iri("a1", 55, 59)}
    assert set(in_sentence.values()) == {iri.sentence_iri("a1", 0, len(sentence))}
    store = Store.memory()
    _load(store, _extraction("a1", struck, said))
    rows = event_rows(store)
    assert sorted((r["char_start"], r["text"]) for r in rows) == [(17, sentence), (55, sentence)]
    words = {row["words"] for row in store.select(
        (Path(__file__).parents[1] / "queries" / "sentence_behind_fact.rq").read_text())}
    assert words == {"struck", "said"}


@pytest.mark.parametrize("date, published, day", [
    (MONDAY, dt.date(2026, 1, 7), "2026-01-05"),   # dated: its first day, not the article's
    (None, dt.date(2026, 1, 7), "2026-01-07"),     # undated: the article's publication date
    (None, None, None),                            # neither: no day
])
def test_every_event_gets_one_precomputed_day(date, published, day):
    article = Article(id="a1", text="(text)", date=published)
    event = _strike("e1", date=date, modality="threatened")
    quads = to_quads(Extraction(article=article, actors=(ISR_MIL, PSE, IRN), events=(event,)))
    days = [q.object.value for q in quads if q.predicate.value.endswith("#day")]
    assert days == ([day] if day else [])


def test_article_nquads_is_the_serialised_quads_byte_for_byte() -> None:
    """The build writes an article's N-Quads without making its quads: the same bytes, in the
    same order, as serialising `to_quads` (literals with quotes, newlines, tabs, non-ASCII
    text, numbers and dates included)."""
    from kg.mapping import article_nquads

    text = 'He said "no"\n to\tIsraël’s plan \\ today.'
    strike = _strike("e1")
    strike = Event(**{**{f: getattr(strike, f) for f in strike.__dataclass_fields__},
                      "evidence": _evidence(text, 3, 7), "trigger": 'said "no"'})
    extraction = _extraction("a1", strike, _strike("e2", trigger="bombed", confidence=0.333))
    assert article_nquads(extraction) == to_nquads(to_quads(extraction))
    assert b'\\"no\\"' in article_nquads(extraction) and b"\\n" in article_nquads(extraction)


def test_article_graph_gives_the_seeds_their_triples_unparsed() -> None:
    """`article_graph` writes `article_nquads`'s bytes and the triples of the predicates asked
    for; the summary seeds read from them are those read by parsing the text (an event
    three reports share and a quoted sentence included)."""
    from kg.mapping import article_graph, article_nquads
    from kg.summary import SEED_PREDICATES, article_seeds

    text = 'He said "no"\n to\tIsraël’s plan \\ today.'
    strike = _strike("e1")
    strike = Event(**{**{f: getattr(strike, f) for f in strike.__dataclass_fields__},
                      "evidence": _evidence(text, 3, 7), "trigger": 'said "no"'})
    extraction = _extraction("a1", strike, _strike("e1b"), _strike("e2", trigger="bombed"))
    nquads, triples = article_graph(extraction, SEED_PREDICATES)
    assert nquads == article_nquads(extraction)
    assert triples and {t[1] for t in triples} <= SEED_PREDICATES
    assert article_seeds(nquads, triples) == article_seeds(nquads)
    assert b"=\t" in article_seeds(nquads, triples)
