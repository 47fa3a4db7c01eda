"""The saved research queries (queries/*.rq): headers, parsing, and answers on the sample graph.

The sample graph (tests/conftest.py): Trump threatens Mexico (CAMEO 138, 2026-01-08, reported by
voa-001 and voa-002) with threatened strikes nested inside; Sheinbaum orders the Mexican Army to
deploy (a Directive, CAMEO 154, 2026-01-09); her red line against U.S. military action; a
quotation of Trump.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import iri, query
from kg.vocab import CAMEO, KGO, SEM
from conftest import SAMPLE  # tests/ is on sys.path (rootdir conftest)

QUERIES = Path(__file__).resolve().parent.parent / "queries"
ALL_QUERIES = sorted(QUERIES.glob("*.rq"))
#: the tables owned by kg.tables (tested there); the rest are research queries
TABLE_QUERIES = {"events", "actors", "stances", "actor_roles", "event_details", "places", "articles"}

D8, D9 = dt.date(2026, 1, 8), dt.date(2026, 1, 9)


def _run(store, name: str, params: dict[str, str] | None = None) -> list[dict]:
    return query.run(store, name, params or {}).values()


def _project(rows: list[dict], columns: tuple[str, ...]) -> set[tuple]:
    return {tuple(r[c] for c in columns) for r in rows}


# -- every file ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.stem)
def test_query_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ox.Store().query(text)  # raises SyntaxError on a malformed query; empty store: no rows


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.stem)
def test_query_has_header(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = []
    for line in lines:
        if not line.startswith("#"):
            break
        head.append(line)
    keys = [line.split(":", 1)[0].lstrip("# ").strip() for line in head]
    for key in ("Question", "Columns", "Parameters"):
        assert key in keys, f"{path.name}: the opening comment block lacks `# {key}:`"
    saved = query.read_saved(path)
    assert saved.question.endswith("?"), f"{path.name}: the Question should be a question"
    assert saved.columns, f"{path.name}: no columns declared"


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.stem)
def test_columns_and_parameters_match_the_query(path: Path, sample_store) -> None:
    """Declared columns are the result columns; parameters are projected (oxigraph substitutes
    only projected variables) and the query runs with every optional parameter unbound."""
    saved = query.read_saved(path)
    result = sample_store.query(saved.text)
    names = [v.value for v in result.variables]
    params = [p.name for p in saved.params]
    # a filter parameter may share its name with a column (the event table's `modality`)
    assert [n for n in names if n not in params or n in saved.columns] == list(saved.columns)
    assert set(params) <= set(names), f"{path.name}: parameters must be SELECT variables"


def test_there_are_enough_research_queries() -> None:
    research = [p.stem for p in ALL_QUERIES if p.stem not in TABLE_QUERIES]
    assert len(research) >= 15, research


# -- answers on the sample graph ----------------------------------------------------------------
T, S = SAMPLE.threat, SAMPLE.strike
CASES = [
    # (query, params, columns projected, expected set of projected rows)
    ("threats_by_actor", {}, ("event", "source", "target", "code", "threatened", "date"),
     {(T, SAMPLE.trump, SAMPLE.mex, "138", "strikes", D8)}),
    ("threats_by_actor", {"actor": "trump"}, ("article",), {(SAMPLE.art1,), (SAMPLE.art2,)}),
    ("threats_by_actor", {"actor": SAMPLE.trump, "against": "Mexican", "from": "2026-01-08",
                          "to": "2026-01-08"}, ("event",), {(T,)}),
    ("threats_by_actor", {"actor": "Claudia Sheinbaum"}, ("event",), set()),
    ("threats_by_actor", {"against": "United States"}, ("event",), set()),
    ("threats_by_actor", {"from": "2026-01-09"}, ("event",), set()),
    ("events_involving_actor", {"actor": "Mexican Army"}, ("event", "role", "other"),
     {(SAMPLE.directive, "target", SAMPLE.sheinbaum)}),
    ("events_involving_actor", {"actor": "MEX"}, ("event", "role"),
     {(T, "target"), (S, "target")}),
    # undated events drop out once a window is given
    ("events_involving_actor", {"actor": "Mexico", "from": "2026-01-01", "to": "2026-01-31"},
     ("event",), {(T,)}),
    ("events_involving_actor", {"from": "2026-01-09"}, ("event",), {(SAMPLE.directive,)}),
    ("directive_chains", {}, ("director", "directed", "action", "action_code", "depth"),
     {(SAMPLE.sheinbaum, SAMPLE.army, SAMPLE.directive, "154", 0)}),
    ("directive_chains", {"actor": "Trump"}, ("directive",), set()),
    ("stances_toward_actor_or_action", {"about": "United States"},
     ("stance", "kind", "holder", "polarity", "target_event"),
     {(SAMPLE.stance, "RedLine", SAMPLE.sheinbaum, -1, S)}),
    ("stances_toward_actor_or_action", {"action": "Military Action", "by": "Sheinbaum"},
     ("stance",), {(SAMPLE.stance,)}),
    ("stances_toward_actor_or_action", {"about": "Mexico"}, ("stance",), set()),
    ("office_holders_by_state", {}, ("state", "holder", "start"),
     {(SAMPLE.mex, SAMPLE.sheinbaum, dt.date(2024, 10, 1)),
      (SAMPLE.usa, SAMPLE.trump, dt.date(2025, 1, 20))}),
    ("office_holders_by_state", {"date": "2024-12-01"}, ("holder",), {(SAMPLE.sheinbaum,)}),
    ("office_holders_by_state", {"country": "United States", "date": "2026-01-08"},
     ("post_label", "holder"), {("President of the United States", SAMPLE.trump)}),
    ("events_not_happened_by_modality", {}, ("event", "event_modality"),
     {(S, "threatened"), (SAMPLE.directive, "directed")}),
    ("events_not_happened_by_modality", {"modality": "threatened"}, ("event", "parent", "code"),
     {(S, T, "195")}),
    ("events_not_happened_by_modality", {"modality": "planned"}, ("event",), set()),
    # an actor filters (its VALUES block in the outer group too, beside the sub-selects')
    ("events_not_happened_by_modality", {"actor": "Sheinbaum"}, ("event",),
     {(SAMPLE.directive,)}),
    ("events_not_happened_by_modality", {"actor": "Mexico", "modality": "directed"},
     ("event",), set()),
    ("sentence_behind_fact", {"iri": SAMPLE.stance},
     ("article", "sentence_start", "start", "end", "words"),
     {(SAMPLE.art2, 140, 208, 212, "line")}),
    ("sentence_behind_fact", {"iri": T}, ("article_id", "sentence", "words"),
     {("voa-001", SAMPLE.threat_sentence1, "threatened"),
      ("voa-002", SAMPLE.threat_sentence2, "threatened")}),
    ("sentence_behind_fact", {"iri": SAMPLE.quote}, ("fact_type", "words"),
     {("Quotation", "we will hit them on land")}),
    # the threat stands in two article graphs and is counted once; the strike has no CAMEO code
    ("goldstein_by_dyad_day", {},
     ("day", "source", "target", "events", "goldstein_sum", "verbal_conflict", "material_conflict"),
     {(D8, SAMPLE.trump, SAMPLE.mex, 1, -7.0, 1, 0),
      (D9, SAMPLE.sheinbaum, SAMPLE.army, 1, -7.2, 0, 1)}),
    ("goldstein_by_dyad_day", {"actor": "Mexico"}, ("source",), {(SAMPLE.trump,)}),
    ("goldstein_by_dyad_day", {"from": "2026-01-09"}, ("source",), {(SAMPLE.sheinbaum,)}),
    ("cameo_roots_by_month", {}, ("month", "root", "events"),
     {("2026-01", "13", 1), ("2026-01", "15", 1)}),
    ("cameo_roots_by_month", {"to": "2026-01-08"}, ("root",), {("13",)}),
    ("actors_ranked_by_events", {}, ("actor", "as_source", "as_target", "events"),
     {(SAMPLE.mex, 0, 2, 2), (SAMPLE.trump, 1, 0, 1), (SAMPLE.usa, 1, 0, 1),
      (SAMPLE.sheinbaum, 1, 0, 1), (SAMPLE.army, 0, 1, 1)}),
    ("events_reported_by_several_articles", {}, ("code", "source", "target", "day", "articles"),
     {("138", SAMPLE.trump, SAMPLE.mex, D8, 2)}),
    ("events_reported_by_several_articles", {"from": "2026-01-09"}, ("code",), set()),
    ("quotations_by_speaker", {"by": "Donald Trump"}, ("quote", "text", "asserted", "article"),
     {(SAMPLE.quote, "we will hit them on land", "threatened", SAMPLE.art1)}),
    ("quotations_by_speaker", {"by": "Sheinbaum"}, ("quote",), set()),
    # mentionCount is per article graph: Mexico 2 + 3, Trump 2 + 1
    ("actors_by_country_and_sector", {"country": "MEX"}, ("actor", "articles", "mentions"),
     {(SAMPLE.mex, 2, 5), (SAMPLE.sheinbaum, 1, 2), (SAMPLE.army, 1, 1)}),
    ("actors_by_country_and_sector", {"sector": "mil"}, ("actor", "state", "code"),
     {(SAMPLE.army, SAMPLE.mex, "MEXMIL")}),
    ("actors_by_country_and_sector", {"country": "United States", "sector": "GOV"},
     ("actor", "mentions"), {(SAMPLE.trump, 3)}),
    ("nested_events", {}, ("root", "event", "depth", "modality"), {(T, S, 1, "threatened")}),
    ("nested_events", {"outer": SAMPLE.directive}, ("event",), set()),
    ("events_at_location", {"place": "Mexico"}, ("event", "type"),
     {(S, "Strike"), (SAMPLE.directive, "Directive")}),
    ("events_at_location", {"place": "Mexico", "from": "2026-01-09"}, ("event",),
     {(SAMPLE.directive,)}),
    ("events_at_location", {"place": "United States"}, ("event",), set()),
    # the directive is MEX -> MEX: not interstate
    ("interstate_conflict_events", {}, ("event", "source_country", "target_country", "quad_class"),
     {(T, "USA", "MEX", 3), (S, "USA", "MEX", 4)}),
    ("interstate_conflict_events", {"country": "Mexico", "from": "2026-01-01"}, ("event",), {(T,)}),
    ("interstate_conflict_events", {"country": "CHN"}, ("event",), set()),
    ("actors_matching_name", {"name": "mex"}, ("actor", "label"),
     {(SAMPLE.mex, "Mexico"), (SAMPLE.army, "Mexican Army")}),
    ("actors_matching_name", {"name": "U.S. President"}, ("actor", "code"),
     {(SAMPLE.trump, "USAGOV")}),
]


@pytest.mark.parametrize(("name", "params", "columns", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_research_query_answers(sample_store, name, params, columns, expected) -> None:
    rows = _run(sample_store, name, params)
    assert _project(rows, columns) == expected


def test_every_research_query_is_exercised() -> None:
    research = {p.stem for p in ALL_QUERIES} - TABLE_QUERIES
    assert research <= {c[0] for c in CASES}, research - {c[0] for c in CASES}


def test_threat_rows_carry_their_evidence_sentences(sample_store) -> None:
    rows = _run(sample_store, "threats_by_actor", {"actor": "Trump"})
    assert {r["sentence"] for r in rows} == {SAMPLE.threat_sentence1, SAMPLE.threat_sentence2}
    assert {r["source_label"] for r in rows} == {"Donald Trump"}


def test_actors_ranked_most_active_first(sample_store) -> None:
    rows = _run(sample_store, "actors_ranked_by_events")
    assert rows[0]["actor"] == SAMPLE.mex
    assert [r["events"] for r in rows] == sorted((r["events"] for r in rows), reverse=True)


def _add_chain(store) -> tuple[str, str, str]:
    """A third article: Trump directs the Pentagon to order the army to strike (two levels)."""
    aid = "voa-003"
    g, art = iri.graph_iri(aid), iri.article_iri(aid)
    pentagon = iri.actor_iri("pentagon")
    d1, d2 = iri.event_iri("voa-003|d1"), iri.event_iri("voa-003|d2")
    strike = iri.event_iri("voa-003|strike")
    mention = iri.mention_iri(aid, 0, 8)
    n = ox.NamedNode

    def lit(v: str) -> ox.Literal:
        return ox.Literal(v)

    rdf_type = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        (n(art), n(KGO + "articleId"), lit(aid)),
        (n(mention), n(KGO + "inArticle"), n(art)),
        (n(mention), n(KGO + "inSentence"), n(iri.sentence_iri(aid, 0, 62))),
        (n(iri.sentence_iri(aid, 0, 62)), n(KGO + "sentenceText"),
         lit("Trump directed the Pentagon to have the army strike the camps.")),
        (n(pentagon), n("http://www.w3.org/2000/01/rdf-schema#label"), lit("Pentagon")),
        (n(d1), rdf_type, n(KGO + "Directive")),
        (n(d1), n(KGO + "source"), n(SAMPLE.trump)),
        (n(d1), n(KGO + "target"), n(pentagon)),
        (n(d2), rdf_type, n(KGO + "Directive")),
        (n(d2), n(KGO + "parentEvent"), n(d1)),
        (n(d2), n(KGO + "modality"), n(KGO + "directed")),
        (n(strike), rdf_type, n(KGO + "Strike")),
        (n(strike), n(KGO + "parentEvent"), n(d2)),
        (n(strike), n(KGO + "modality"), n(KGO + "directed")),
        (n(strike), n(KGO + "baseCode"), n(CAMEO + "195")),
        (n(strike), n(SEM + "hasPlace"), n(SAMPLE.mex)),
    ]
    for event, trigger in ((d1, "directed"), (d2, "have"), (strike, "strike")):
        triples += [(n(event), n(KGO + "trigger"), lit(trigger)),
                    (n(event), n(KGO + "evidence"), n(mention))]
    store.replace_graph(g, [ox.Quad(s, p, o, n(g)) for s, p, o in triples])
    return d1, d2, strike


def test_directive_chains_follow_any_depth(sample_store) -> None:
    d1, d2, strike = _add_chain(sample_store)
    rows = _run(sample_store, "directive_chains", {"actor": "Donald Trump"})
    assert _project(rows, ("directive", "action", "action_type", "depth")) == {
        (d1, d1, "Directive", 0), (d1, d2, "Directive", 1), (d1, strike, "Strike", 2)}
    # the inner directive is a chain of its own, one level shorter
    inner = [r for r in _run(sample_store, "directive_chains") if r["directive"] == d2]
    assert _project(inner, ("action", "depth")) == {(d2, 0), (strike, 1)}
    nested = _run(sample_store, "nested_events", {"outer": d1})
    assert _project(nested, ("event", "parent", "depth")) == {(d2, d1, 1), (strike, d2, 2)}


def test_iri_and_label_parameters_agree(sample_store) -> None:
    by_label = _run(sample_store, "events_involving_actor", {"actor": "Claudia Sheinbaum"})
    by_iri = _run(sample_store, "events_involving_actor", {"actor": SAMPLE.sheinbaum})
    assert by_label == by_iri and by_label


def test_threats_by_actor_lists_every_cameo_code_under_root_13():
    """threats_by_actor.rq names the codes under CAMEO root 13 as IRIs (looked up, not matched
    by prefix): the list must be exactly the codes kg/data/cameo.csv has under that root."""
    import csv
    import re
    from kg.query import load_saved

    text = load_saved("threats_by_actor").text
    with (Path(__file__).resolve().parents[1] / "kg" / "data" / "cameo.csv").open() as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        root13 = {r["code"] for r in rows if r["root"] == "13"}
    for block in re.findall(r"VALUES \?\w+ \{([^}]*)\}", text):
        assert set(re.findall(r"cameo:(\d+)", block)) == root13
    assert len(re.findall(r"VALUES \?\w+ \{", text)) == 2
