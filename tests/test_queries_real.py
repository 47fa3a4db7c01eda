"""Every saved query (queries/*.rq) on graphs built from real text, with answers that are facts
of the articles (slow: the real spaCy model).

Two stores, built once per module with `kg.pipeline.build`:
- the seed article (../shared/corpora/seed.jsonl; skipped when absent): Sheinbaum directs her
  foreign minister to reach out to Rubio (and, if needed, Trump) after Trump threatened ground
  strikes against drug cartels on Thursday 2026-01-08; the U.S. operation in Venezuela and the
  capture of Maduro the weekend before; Sheinbaum's warning, the red line, two Trump quotes.
- examples/news/ (written for the project, distinct articles): the Kyrgyz-Tajik border article,
  the Thai-Cambodian ceasefire, the Tbilisi protest arrests, the Chile-Peru harbour dispute; plus,
  made here at test time, the border article again as a dated .txt (`border-talks-dateline`) so
  that events are reported by two articles.

The assertions name what the article says, not how many rows the extractor happens to give, so
that extraction improvements do not break them; the two graphs must also pass SHACL validation.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import query
from kg.ingest import read_articles
from kg.iri import actor_iri, article_iri, state_iri
from kg.pipeline import build
from kg.store import Store
from kg.types import Article
from kg.validate import format_report, validate_store
from conftest import shared_path  # $KG_SHARED or ../shared (tests/ is on sys.path)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED = shared_path("corpora", "seed.jsonl")
EXAMPLES = ROOT / "examples" / "news"
SEED_ID = "seed-sheinbaum-2026-01-09"
THU, FRI = dt.date(2026, 1, 8), dt.date(2026, 1, 9)
BORDER = ("border-talks", "border-talks-dateline")


def _build(paths: list[Path], tmp_path_factory, name: str):
    store = Store.open(tmp_path_factory.mktemp(name) / "kg", create=True)
    summary = build(paths, store, on_bad=lambda bad: pytest.fail(f"bad record: {bad}"))
    assert summary.skipped == 0
    texts = {a.id: a.text for a in read_articles(paths) if isinstance(a, Article)}
    return store, texts


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    if not SEED.exists():
        pytest.skip(f"shared corpora absent ({SEED}; set KG_SHARED)")
    store, texts = _build([SEED], tmp_path_factory, "seed")
    yield store, texts
    store.close()


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    import json

    border = next(json.loads(line) for line in (EXAMPLES / "articles.jsonl").open(encoding="utf-8")
                  if json.loads(line)["id"] == "border-talks")
    again = tmp_path_factory.mktemp("again") / "border-talks-dateline.txt"
    again.write_text("March 3, 2026\n" + border["text"] + "\n", encoding="utf-8")
    store, texts = _build([EXAMPLES, again], tmp_path_factory, "news")
    yield store, texts
    store.close()


def _run(store: Store, saved: str, /, **params: str) -> list[dict]:
    return query.run(store, saved, params).values()


def _one(rows: list[dict], what: str, **match: object) -> dict:
    """The single row whose columns equal `match` (callables are predicates)."""
    def ok(row: dict) -> bool:
        return all(v(row.get(k)) if callable(v) else row.get(k) == v for k, v in match.items())
    hits = [r for r in rows if ok(r)]
    assert len(hits) == 1, f"{what}: {len(hits)} rows match {match} among {rows}"
    return hits[0]


def _has(text: str):
    return lambda value: isinstance(value, str) and text in value


def _actor_iri(store: Store, label: str) -> str:
    return query.resolve_actor(store, label).value


# -- the seed article ---------------------------------------------------------------------------
def _trump_threat(store: Store) -> dict:
    rows = _run(store, "threats_by_actor", actor="Donald Trump")
    return _one(rows, "Trump's threat", trigger="threatened", date=THU)


def test_seed_threats_by_actor(seed) -> None:
    store, _ = seed
    threat = _trump_threat(store)
    assert threat["code"].startswith("13")  # CAMEO 13: threaten
    assert threat["threatened"] == "strikes"
    # the drug cartels the sentence says control Mexico: Mexico's criminal groups (MEXCRM)
    assert threat["target"] == actor_iri("group-crm-mex")
    # named by its state and sector (kg/data/sectors.csv); the article's phrase is an alias
    assert threat["target_label"] == "Mexican criminals"
    names = store.select(f"SELECT ?n WHERE {{ <{actor_iri('group-crm-mex')}> skos:altLabel ?n }}")
    assert "drug cartels" in {r["n"] for r in names}
    assert "threatened ground strikes against drug cartels" in threat["sentence"]
    assert threat["article"] == article_iri(SEED_ID)
    # the threat was on Thursday: a window starting Friday leaves it out
    assert not [r for r in _run(store, "threats_by_actor", actor="Donald Trump", **{"from": "2026-01-09"})
                if r["trigger"] == "threatened"]
    assert not _run(store, "threats_by_actor", actor="Marco Rubio")


def test_seed_directive_chain_reaches_rubio(seed) -> None:
    store, _ = seed
    rows = _run(store, "directive_chains", actor="Claudia Sheinbaum")
    assert {r["director_label"] for r in rows} == {"Claudia Sheinbaum"}
    assert {r["directed_label"] for r in rows} == {"Juan Ramón de la Fuente"}
    contact = _one(rows, "the directed contact", action_type="Contact", depth=1,
                   action_modality="directed")
    assert contact["action_code"].startswith("04")  # CAMEO 04: consult
    assert "reach out directly to U.S. Secretary of State Marco Rubio" in contact["sentence"]
    involving = _run(store, "events_involving_actor", actor="Marco Rubio")
    assert _one(involving, "Rubio in the contact", event=contact["action"])["role"] == "target"
    # the directives themselves are depth 0, in the two sentences that report them
    assert {r["action_trigger"] for r in rows if r["depth"] == 0} == {"directed", "asked"}
    assert not _run(store, "directive_chains", actor="Donald Trump")


def test_seed_office_holders_by_state(seed) -> None:
    store, _ = seed
    mex = _run(store, "office_holders_by_state", country="MEX")
    president = _one(mex, "Mexico's president", holder_label="Claudia Sheinbaum",
                     post_label=_has("President"))
    assert president["start"] == dt.date(2024, 10, 1)
    assert {r["state_label"] for r in mex} == {"Mexico"}
    assert "Donald Trump" not in {r["holder_label"] for r in mex}
    usa = _run(store, "office_holders_by_state", country="United States", date="2026-01-09")
    _one(usa, "the U.S. president", holder_label="Donald Trump", post_label=_has("President"))
    _one(usa, "the Secretary of State", holder_label="Marco Rubio",
         post_label=_has("Secretary of State"))
    # Sheinbaum took office on 2024-10-01
    before = _run(store, "office_holders_by_state", country="MEX", date="2024-09-30")
    assert "Claudia Sheinbaum" not in {r["holder_label"] for r in before}


def test_seed_events_not_happened(seed) -> None:
    store, _ = seed
    threat = _trump_threat(store)
    rows = _run(store, "events_not_happened_by_modality")
    strike = _one(rows, "the threatened strikes", event_modality="threatened", trigger="strikes")
    assert strike["parent"] == threat["event"] and strike["source_label"] == "Donald Trump"
    assert strike["code"].startswith("19")  # CAMEO 19: fight
    conditional = _one(rows, "the contact with Trump if needed", event_modality="conditional")
    assert conditional["type"] == "Contact" and conditional["target_label"] == "Donald Trump"
    assert conditional["source_label"] == "Juan Ramón de la Fuente"
    _one(rows, "the contact with Rubio", event_modality="directed", type="Contact",
         target_label="Marco Rubio")
    # nothing that happened is listed: the capture of Maduro is actual
    assert "capture" not in {r["trigger"] for r in rows}
    only = _run(store, "events_not_happened_by_modality", modality="threatened")
    assert strike["event"] in {r["event"] for r in only}
    assert {r["event_modality"] for r in only} == {"threatened"}


def test_seed_sentence_behind_fact(seed) -> None:
    store, texts = seed
    threat = _trump_threat(store)
    rows = _run(store, "sentence_behind_fact", iri=threat["event"])
    row = _one(rows, "the threat's sentence", article_id=SEED_ID)
    text = texts[SEED_ID]
    assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"]
    assert text[row["start"]:row["end"]] == row["words"] == "threatened"
    assert row["fact_type"] == "Threat" and row["published"] == FRI


def test_seed_nested_events(seed) -> None:
    store, _ = seed
    threat = _trump_threat(store)
    rows = _run(store, "nested_events", outer=threat["event"])
    inner = _one(rows, "the strikes inside the threat", trigger="strikes")
    assert inner["depth"] == 1 and inner["modality"] == "threatened"
    assert inner["parent"] == threat["event"]


def test_seed_stances(seed) -> None:
    store, _ = seed
    toward_us = _run(store, "stances_toward_actor_or_action", about="United States")
    red_line = _one(toward_us, "the red line", kind="RedLine")
    assert red_line["holder_label"] == "Mexican government" and red_line["polarity"] == -1
    assert "U.S. military force" in red_line["target_action"]
    by_her = _run(store, "stances_toward_actor_or_action", by="Claudia Sheinbaum")
    warning = _one(by_her, "Sheinbaum's warning", kind="Warning")
    assert warning["polarity"] == -1
    assert "unilateral U.S. military action" in warning["target_action"]
    table = _run(store, "stances")
    assert {r["stance"] for r in table} >= {red_line["stance"], warning["stance"]}
    _one(table, "the red line in the table", stance=red_line["stance"], kind="RedLine")


def test_seed_quotations_by_speaker(seed) -> None:
    store, _ = seed
    rows = _run(store, "quotations_by_speaker", by="Donald Trump")
    _one(rows, "the quote to Hannity", text=_has("start hitting land"))
    _one(rows, "the second quote", text=_has("The cartels are running Mexico"))
    assert not _run(store, "quotations_by_speaker", by="Claudia Sheinbaum")  # never quoted


def test_seed_dyads_and_months(seed) -> None:
    store, _ = seed
    trump = _actor_iri(store, "Donald Trump")
    rows = _run(store, "goldstein_by_dyad_day", actor="Donald Trump")
    threat_day = _one(rows, "Trump's threat day", day=THU, source=trump,
                      target=actor_iri("group-crm-mex"))
    assert threat_day["verbal_conflict"] >= 1 and threat_day["goldstein_sum"] < 0
    months = _run(store, "cameo_roots_by_month")
    assert _one(months, "threats in January", month="2026-01", root="13")["events"] >= 1
    assert not _run(store, "cameo_roots_by_month", to="2025-12-31")


def test_seed_actors(seed) -> None:
    store, _ = seed
    ranked = _run(store, "actors_ranked_by_events")
    assert [r["events"] for r in ranked] == sorted((r["events"] for r in ranked), reverse=True)
    sheinbaum = _one(ranked, "Sheinbaum", label="Claudia Sheinbaum")
    assert sheinbaum["as_source"] >= 3  # directed, asked, warned
    assert _one(ranked, "Maduro", label="Nicolás Maduro")["as_target"] >= 1  # captured
    mex_gov = _run(store, "actors_by_country_and_sector", country="MEX", sector="GOV")
    assert {"Claudia Sheinbaum", "Juan Ramón de la Fuente"} <= {r["label"] for r in mex_gov}
    assert not {"Donald Trump", "Marco Rubio"} & {r["label"] for r in mex_gov}
    rubio = _one(_run(store, "actors_matching_name", name="Rubio"), "Rubio", label="Marco Rubio")
    assert rubio["code"] == "USAGOV" and rubio["country"] == "USA"
    table = _one(_run(store, "actors"), "Sheinbaum in the actor table", label="Claudia Sheinbaum")
    assert (table["type"], table["country"], table["code"]) == ("Person", "MEX", "MEXGOV")
    roles = _run(store, "actor_roles", actor="Marco Rubio")
    _one(roles, "Rubio's office", post=_has("Secretary of State"))


def test_seed_events_involving_and_places(seed) -> None:
    store, _ = seed
    usa = _actor_iri(store, "United States")
    capture = _one(_run(store, "events_involving_actor", actor="Nicolás Maduro",
                        **{"from": "2026-01-01", "to": "2026-01-05"}),
                   "the capture", trigger="capture")
    assert capture["role"] == "target" and capture["other"] == usa
    assert capture["start"] == dt.date(2026, 1, 3)  # "last weekend" before Friday 9 January
    assert not _run(store, "events_involving_actor", actor="Nicolás Maduro",
                    **{"from": "2026-01-05"})
    venezuela = _run(store, "events_at_location", place="Venezuela")
    operation = _one(venezuela, "the operation in Venezuela", trigger="operation")
    assert operation["source_label"] == "United States" and operation["code"].startswith("19")
    conflict = _run(store, "interstate_conflict_events", country="VEN")
    assert {(r["source_country"], r["target_country"]) for r in conflict} == {("USA", "VEN")}
    # a country code names the state, not every actor carrying the code (each such actor
    # made another copy of every row)
    assert query.resolve_names(store, "usa", "place") == [ox.NamedNode(state_iri("USA"))]
    from_usa = _run(store, "interstate_conflict_events", country="USA")
    assert len(from_usa) == len({tuple(r.values()) for r in from_usa}) > 0
    assert operation["event"] in {r["event"] for r in conflict}
    # one article: nothing is reported twice
    assert not _run(store, "events_reported_by_several_articles")
    events = _run(store, "events", actor="Donald Trump", cameo_root="13")
    assert _one(events, "the threat in the event table", cameo="138",
                text=_has("threatened ground strikes"))["date"] == THU.isoformat()


def test_seed_graph_conforms(seed) -> None:
    store, _ = seed
    report = validate_store(store)
    assert report.conforms, format_report(report, limit=10)


# -- the example articles -----------------------------------------------------------------------
def test_news_threat_reported_by_both_copies(news) -> None:
    store, texts = news
    rows = _run(store, "threats_by_actor", actor="Davron Nazarov")
    threats = [r for r in rows if r["trigger"] == "threatened"]
    assert {r["article"] for r in threats} == {article_iri(a) for a in BORDER}
    assert {r["date"] for r in threats} == {dt.date(2026, 3, 2)}  # "on Monday", article Tuesday
    for row in threats:
        facts = _run(store, "sentence_behind_fact", iri=row["event"])
        for fact in facts:
            text = texts[fact["article_id"]]
            assert text[fact["sentence_start"]:fact["sentence_end"]] == fact["sentence"]
            assert text[fact["start"]:fact["end"]] == fact["words"] == "threatened"


def test_news_reported_by_several_articles(news) -> None:
    store, texts = news
    rows = _run(store, "events_reported_by_several_articles")
    warning = _one(rows, "Sultanov's warning", source_label="Aibek Sultanov",
                   code=lambda c: c.startswith("13"))
    assert warning["articles"] == 2
    # only the border article is given twice: every such event is read in both copies
    assert rows and {r["articles"] for r in rows} == {2}
    for row in rows:
        assert all(sentence in texts["border-talks"] and sentence in texts["border-talks-dateline"]
                   for sentence in row["sentences"].split(" | ")), row["sentences"]


def test_news_office_holders(news) -> None:
    store, _ = news
    for country, holder, post in (("KGZ", "Sadyr Japarov", "President"),
                                  ("KHM", "Hun Manet", "Prime Minister"),
                                  ("Tajikistan", "Davron Nazarov", "Foreign Minister"),
                                  ("THA", "Somchai Rattanakul", "Defence Minister")):
        rows = _run(store, "office_holders_by_state", country=country)
        _one(rows, f"{holder}'s office", holder_label=holder, post_label=_has(post))


def test_news_directive_chain(news) -> None:
    store, _ = news
    rows = _run(store, "directive_chains", actor="Hun Manet")
    # one row per label of the directed group ("his delegation"): one action, one directive
    found = [r for r in rows if r["depth"] == 1 and r["action_trigger"] == "talking"]
    assert len({(r["directive"], r["action"]) for r in found}) == 1, rows
    talking = found[0]
    assert talking["action_modality"] == "directed"
    nested = _run(store, "nested_events", outer=talking["directive"])
    assert talking["action"] in {r["event"] for r in nested}


def test_news_events_not_happened(news) -> None:
    store, _ = news
    hypothetical = _run(store, "events_not_happened_by_modality", modality="hypothetical")
    _one(hypothetical, "Anwar's visit next week", trigger="visit", source_label="Anwar")
    negated = _run(store, "events_not_happened_by_modality", modality="negated")
    _one(negated, "Thailand will not negotiate", trigger="negotiate", source_label="Thailand")
    assert {r["event_modality"] for r in negated} == {"negated"}


def test_news_stances_and_quotations(news) -> None:
    store, _ = news
    un = _one(_run(store, "stances_toward_actor_or_action", by="United Nations"),
              "the UN welcomes the extension", kind="SupportStance")
    assert un["polarity"] == 1
    thai = _one(_run(store, "stances_toward_actor_or_action", action="demand"),
                "Thai officials reject the demand", holder_label="Thai government")
    assert thai["kind"] == "OppositionStance" and thai["polarity"] == -1
    quotes = _run(store, "quotations_by_speaker", by="Giorgi Beridze")
    _one(quotes, "the student organiser", text=_has("we will fill every square"),
         article=article_iri("tbilisi-protest-arrests"))


def test_news_places_conflict_and_months(news) -> None:
    store, _ = news
    dushanbe = _run(store, "events_at_location", place="Tajikistan")
    assert {r["trigger"] for r in dushanbe} >= {"told"}  # "told reporters in Dushanbe"
    conflict = _run(store, "interstate_conflict_events", country="Thailand")
    demand = _one(conflict, "Hun Manet's demand", source_label="Hun Manet", trigger="demanded")
    assert (demand["source_country"], demand["target_country"]) == ("KHM", "THA")
    assert demand["code"].startswith("10") and demand["quad_class"] == 3
    months = _run(store, "cameo_roots_by_month", **{"from": "2026-03-01"})
    _one(months, "Nazarov's threat in March", month="2026-03", root="13")
    assert {r["month"] for r in months} == {"2026-03"}
    dyads = _run(store, "goldstein_by_dyad_day", **{"from": "2026-03-01"})
    assert dyads and min(r["day"] for r in dyads) >= dt.date(2026, 3, 1)


def test_news_actors(news) -> None:
    store, _ = news
    japarov = _one(_run(store, "actors_matching_name", name="Japarov"), "Japarov",
                   label="Sadyr Japarov")
    assert japarov["country"] == "KGZ" and japarov["type"] == "Person"
    tha = _run(store, "actors_by_country_and_sector", country="Thailand")
    assert {"Thailand", "Somchai Rattanakul"} <= {r["label"] for r in tha}
    assert not {"Hun Manet", "Cambodia"} & {r["label"] for r in tha}
    ranked = _run(store, "actors_ranked_by_events", **{"from": "2026-02-01", "to": "2026-02-28"})
    assert "Davron Nazarov" not in {r["label"] for r in ranked}  # his threat is in March
    assert [r["events"] for r in ranked] == sorted((r["events"] for r in ranked), reverse=True)
    involving = _run(store, "events_involving_actor", actor="Hun Manet")
    assert "demanded" in {r["trigger"] for r in involving}


def test_news_graph_conforms(news) -> None:
    store, _ = news
    report = validate_store(store)
    assert report.conforms, format_report(report, limit=10)


def test_seed_event_details_and_places(seed) -> None:
    """The table helpers' queries: every event has its row; places carry coordinates."""
    store, _ = seed
    details = _run(store, "event_details")
    threat = _trump_threat(store)
    row = _one(details, "the threat's details", event=threat["event"])
    assert row["date_start"] == THU and row["date_basis"] == "stated"
    places = {p["iri"]: p for p in _run(store, "places")}
    located = {r["place"] for r in details if r["place"]}
    assert located and located <= set(places)  # every event place is a known GeoNames place
    assert all(p["geonames"] and p["iri"].endswith(f"/{p['geonames']}/") for p in places.values())


def test_every_saved_query_is_exercised() -> None:
    """Each saved query is named in a test of this module."""
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [q.name for q in query.list_saved() if f'"{q.name}"' not in source]
    assert not missing, missing
