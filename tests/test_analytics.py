"""kg.analytics on the hand-made event table of test_networks (see its docstring for the rows).

Every expected value below is worked out by hand from that table.
"""
from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from kg import analytics, networks
from kg.errors import InputError
from test_networks import make_actors, make_events  # the hand-made table (tests/ is on sys.path)


@pytest.fixture(params=["rows", "frame"])
def events(request):
    rows = make_events()
    return rows if request.param == "rows" else pd.DataFrame(rows)


@pytest.mark.parametrize("name, matches", [
    ("ex:C", True), ("actor c", True), ("AAAGOV", True), ("aaa", True), ("BBB", False),
    ("Actor", False),
])
def test_actor_matches_iri_label_code_or_country(name: str, matches: bool) -> None:
    assert analytics.actor_matches(make_actors()[2], name) is matches


def test_actor_matches_the_iso3_code_of_a_country_iri() -> None:
    assert analytics.actor_matches({"iri": "x", "country": "https://w3id.org/kg-news/id/state/MEX"},
                                   "MEX")


def test_dyad_series_by_country_per_week(events) -> None:
    # AAA = {A, C}, BBB = {B, D}; coded dated events from AAA to BBB: e1 (week of 01-05, +4,
    # q1), e2 (week of 01-12, -7, q3), e4 (week of 01-12, -10, q4); e12 is undated.
    s = analytics.dyad_series(events, "AAA", "BBB", freq="W")
    assert list(s.index) == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-12")]
    assert s["events"].tolist() == [1, 2]
    assert s["goldstein_sum"].tolist() == [4.0, -17.0]
    assert s["goldstein_mean"].tolist() == [4.0, -8.5]
    assert s[["q1", "q2", "q3", "q4"]].values.tolist() == [[1, 0, 0, 0], [0, 0, 1, 1]]


def test_dyad_series_per_day_fills_the_gaps(events) -> None:
    s = analytics.dyad_series(events, "Actor A", "ex:B", freq="D")  # e1 (01-05), e2 (01-13)
    assert len(s) == 9 and s.index[0] == pd.Timestamp("2026-01-05")
    assert s.loc["2026-01-13", "goldstein_sum"] == -7.0
    assert s.loc["2026-01-06", "events"] == 0 and math.isnan(s.loc["2026-01-06", "goldstein_mean"])
    assert s["events"].sum() == 2


def test_dyad_series_monthly_with_uncoded(events) -> None:
    s = analytics.dyad_series(events, "A", "B", freq="M", include_uncoded=True)
    assert s.empty  # "A" is neither a label, code nor country of anybody
    s = analytics.dyad_series(events, "AAA", "Actor B", freq="M", include_uncoded=True)
    # e1 +4, e2 -7, e4 -10, e11 -10 in January 2026
    assert s.index.tolist() == [pd.Timestamp("2026-01-01")]
    assert s.loc["2026-01-01", "events"] == 4 and s.loc["2026-01-01", "goldstein_sum"] == -23.0


def test_unknown_period_is_a_user_error(events) -> None:
    with pytest.raises(InputError, match="use one of D, W, M"):
        analytics.dyad_series(events, "AAA", "BBB", freq="Y")


def test_rank_actors(events) -> None:
    ranked = analytics.rank_actors(networks.actor_graph(events, make_actors()))
    a = ranked.loc["ex:A"]
    # A as source: e1 +4, e2 -7, e6 +1, e12 -2; as target: e3 +1.9, e5 +6.4, e7 +3.5
    assert (a["events_as_source"], a["events_as_target"]) == (4, 3)
    assert a["goldstein_out"] == pytest.approx(-4.0)
    assert a["goldstein_in"] == pytest.approx(11.8)
    # shortest paths through B: A->D, C->D, D->A, D->C; through A: B->C, D->C (E is isolated)
    assert ranked.loc["ex:B", "betweenness"] > ranked.loc["ex:A", "betweenness"] > 0
    assert ranked.loc["ex:C", "betweenness"] == 0 and ranked.loc["ex:D", "betweenness"] == 0
    assert ranked.index[0] == "ex:B"  # six events point at B
    assert ranked["pagerank"].sum() == pytest.approx(1.0)
    assert ranked.loc["ex:E", "events_as_source"] == 0


def test_rank_actors_betweenness_values_by_hand() -> None:
    ranked = analytics.rank_actors(networks.dyad_graph(make_events()))
    # 4 nodes: normalisation 1 / ((n-1)(n-2)) = 1/6; B lies on 4 shortest paths, A on 2
    assert ranked.loc["ex:B", "betweenness"] == pytest.approx(4 / 6)
    assert ranked.loc["ex:A", "betweenness"] == pytest.approx(2 / 6)
    assert ranked.loc["ex:D", "goldstein_out"] == pytest.approx(15.4)


def test_communities_split_the_two_cooperating_pairs(events) -> None:
    # cooperation weights: A-C 3, B-D 3, A-B 2 (e1, e3); C->B is conflict only.
    # {A,C},{B,D}: modularity 0.25 > 0 for one community.
    assert analytics.communities(events, seed=0) == [{"ex:A", "ex:C"}, {"ex:B", "ex:D"}]


def test_communities_of_an_empty_table() -> None:
    assert analytics.communities([]) == []


def test_signed_graph(events) -> None:
    g = analytics.signed_graph(events)
    assert isinstance(g, nx.Graph) and not g.is_directed()
    assert g["ex:A"]["ex:B"]["goldstein_sum"] == pytest.approx(-3.1)  # -5.0 + 1.9
    assert g["ex:A"]["ex:B"]["sign"] == -1 and g["ex:A"]["ex:B"]["count"] == 4
    assert g["ex:A"]["ex:C"]["sign"] == 1  # 6.4 + 1.0 + 3.5
    assert g["ex:C"]["ex:B"]["sign"] == -1
    assert g["ex:B"]["ex:D"]["goldstein_sum"] == pytest.approx(21.8)


def test_ego_network(events) -> None:
    graph = networks.actor_graph(events, make_actors())
    assert set(analytics.ego_network(graph, "Actor D")) == {"ex:D", "ex:B"}
    assert set(analytics.ego_network(graph, "ex:D", radius=2)) == {"ex:A", "ex:B", "ex:C", "ex:D"}
    assert set(analytics.ego_network(graph, "EEE")) == {"ex:E"}
    with pytest.raises(InputError, match="no actor 'Nobody'"):
        analytics.ego_network(graph, "Nobody")


def test_timeline(events) -> None:
    t = analytics.timeline(events, "Actor C")
    assert t["event"].tolist() == ["ex:e5", "ex:e6", "ex:e7", "ex:e4"]
    assert t["role"].tolist() == ["source", "target", "source", "source"]
    assert t.loc[1, "other"] == "Actor A" and t.loc[3, "other"] == "Actor B"
    assert t.loc[3, "cameo"] == "190" and t.loc[3, "date"] == pd.Timestamp("2026-01-14")


def test_timeline_puts_undated_events_last(events) -> None:
    t = analytics.timeline(events, "ex:A")
    assert t["event"].iloc[-1] == "ex:e12" and pd.isna(t["date"].iloc[-1])
    assert len(t) == 7  # e1 e2 e3 e5 e6 e7 e12


def test_escalations(events) -> None:
    # weeks of 01-05 and 01-12. A->B: +4 -> -7 (change -11); C->B: 0 -> -10 (-10);
    # C->A: 9.9 -> nothing and D->B: 15.4 -> nothing fall silent, which is not escalation.
    e = analytics.escalations(events, threshold=-5.0, freq="W")
    assert list(zip(e["source"], e["target"])) == [("ex:A", "ex:B"), ("ex:C", "ex:B")]
    first = e.iloc[0]
    assert (first["goldstein_from"], first["goldstein_to"], first["change"]) == (4.0, -7.0, -11.0)
    assert first["period_from"] == pd.Timestamp("2026-01-05")
    assert first["period_to"] == pd.Timestamp("2026-01-12")
    assert first["source_label"] == "Actor A"
    assert list(analytics.escalations(events, threshold=-10.5)["source"]) == ["ex:A"]


def test_escalations_of_one_period_is_empty() -> None:
    rows = [r for r in make_events() if r["date"] in ("2026-01-05", "2026-01-06")]
    e = analytics.escalations(rows)
    assert e.empty and "change" in e.columns


def test_module_doctests() -> None:
    import doctest

    from kg import analytics as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
