"""kg.networks on a small hand-made event table (answers worked out by hand below).

The table (also used by test_analytics, test_plot and test_viz): states A (AAA) and B (BBB),
C a person of country AAA, D a group of country BBB, E an actor without events.

    e1  A->B 036 q1 +4.0  2026-01-05 (Mon)     e7  C->A 050 q1 +3.5  2026-01-08
    e2  A->B 138 q3 -7.0  2026-01-13           e8  D->B 057 q1 +8.0  2026-01-06
    e3  B->A 042 q1 +1.9  2026-01-06           e9  B->D 061 q2 +6.4  2026-01-08
    e4  C->B 190 q4 -10.0 2026-01-14           e10 D->B 071 q2 +7.4  2026-01-09
    e5  C->A 061 q2 +6.4  2026-01-07           e11 A->B uncoded (195, q4, -10.0), parent e2
    e6  A->C 040 q1 +1.0  2026-01-07           e12 A->B 112 q3 -2.0  undated
"""
from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd
import pytest

from kg import networks

ACTOR = {
    "A": {"iri": "ex:A", "label": "Actor A", "type": "State", "country": "AAA", "sector": None,
          "code": "AAA"},
    "B": {"iri": "ex:B", "label": "Actor B", "type": "State", "country": "BBB", "sector": None,
          "code": "BBB"},
    "C": {"iri": "ex:C", "label": "Actor C", "type": "Person", "country": "AAA", "sector": "GOV",
          "code": "AAAGOV"},
    "D": {"iri": "ex:D", "label": "Actor D", "type": "GenericGroup", "country": "BBB",
          "sector": "OPP", "code": "BBBOPP"},
    "E": {"iri": "ex:E", "label": "Actor E", "type": "Person", "country": "EEE", "sector": None,
          "code": "EEE"},
}

_TABLE = [
    # id, source, target, cameo, quad, goldstein, date
    ("e1", "A", "B", "036", 1, 4.0, "2026-01-05"),
    ("e2", "A", "B", "138", 3, -7.0, "2026-01-13"),
    ("e3", "B", "A", "042", 1, 1.9, "2026-01-06"),
    ("e4", "C", "B", "190", 4, -10.0, "2026-01-14"),
    ("e5", "C", "A", "061", 2, 6.4, "2026-01-07"),
    ("e6", "A", "C", "040", 1, 1.0, "2026-01-07"),
    ("e7", "C", "A", "050", 1, 3.5, "2026-01-08"),
    ("e8", "D", "B", "057", 1, 8.0, "2026-01-06"),
    ("e9", "B", "D", "061", 2, 6.4, "2026-01-08"),
    ("e10", "D", "B", "071", 2, 7.4, "2026-01-09"),
    ("e11", "A", "B", None, 4, -10.0, "2026-01-13"),
    ("e12", "A", "B", "112", 3, -2.0, None),
]


def make_events() -> list[dict[str, Any]]:
    """The event table above, in the shape of `kg.tables.event_rows`."""
    rows = []
    for eid, s, t, cameo, quad, gold, date in _TABLE:
        rows.append({
            "event": f"ex:{eid}", "article": f"art-{eid}", "text": f"Sentence of {eid}.",
            "start": 100, "end": 110, "date": date, "type": "Event", "cameo": cameo,
            "plover": None, "quad_class": quad, "goldstein": gold,
            "modality": "threatened" if eid == "e11" else "actual",
            "source": [dict(ACTOR[s])], "target": [dict(ACTOR[t])], "location": None,
            "parent": "ex:e2" if eid == "e11" else None, "confidence": 0.8,
        })
    return rows


def make_actors() -> list[dict[str, Any]]:
    return [dict(a, aliases=[], wikidata=None, roles=[], mentions=1) for a in ACTOR.values()]


@pytest.fixture(params=["rows", "frame"])
def events(request) -> Any:
    """The table as row dicts and as a DataFrame (NaN in empty cells): both must work."""
    rows = make_events()
    return rows if request.param == "rows" else pd.DataFrame(rows)


def test_actor_graph_has_one_edge_per_coded_event_with_its_attributes(events) -> None:
    g = networks.actor_graph(events, make_actors())
    assert isinstance(g, nx.MultiDiGraph)
    coded = {f"ex:{row[0]}" for row in _TABLE if row[3] is not None}
    assert {k for _, _, k in g.edges(keys=True)} == coded
    edge = g.get_edge_data("ex:A", "ex:B", key="ex:e2")
    assert edge["cameo"] == "138" and edge["quad_class"] == 3 and edge["goldstein"] == -7.0
    assert edge["evidence"] == "Sentence of e2." and edge["article"] == "art-e2"
    assert edge["date"] == "2026-01-13" and edge["modality"] == "actual"
    assert g.number_of_edges("ex:A", "ex:B") == 3  # e1, e2, e12
    assert g.nodes["ex:C"] == {"label": "Actor C", "type": "Person", "country": "AAA",
                               "sector": "GOV", "code": "AAAGOV"}
    assert "ex:E" in g and g.degree("ex:E") == 0  # from the actor table, no events


def test_actor_graph_include_uncoded_adds_the_nested_strike(events) -> None:
    g = networks.actor_graph(events, include_uncoded=True)
    assert g.has_edge("ex:A", "ex:B", key="ex:e11")
    assert g.edges["ex:A", "ex:B", "ex:e11"]["modality"] == "threatened"
    assert "ex:E" not in g  # no actor table given


def test_actor_graph_pairs_every_source_with_every_target_but_not_itself() -> None:
    row = {"event": "x", "cameo": "043", "quad_class": 1, "goldstein": 2.8,
           "source": [ACTOR["A"], ACTOR["C"]], "target": [ACTOR["A"], ACTOR["B"]]}
    g = networks.actor_graph([row])
    assert sorted((s, t) for s, t, _ in g.edges(keys=True)) == [
        ("ex:A", "ex:B"), ("ex:C", "ex:A"), ("ex:C", "ex:B")]


def test_dyad_graph_aggregates_counts_goldstein_and_quad_classes(events) -> None:
    g = networks.dyad_graph(events)
    ab = g["ex:A"]["ex:B"]  # e1 (+4, q1), e2 (-7, q3), e12 (-2, q3)
    assert ab["count"] == 3
    assert ab["goldstein_sum"] == pytest.approx(-5.0)
    assert ab["goldstein_mean"] == pytest.approx(-5.0 / 3)
    assert (ab["q1"], ab["q2"], ab["q3"], ab["q4"]) == (1, 0, 2, 0)
    assert (ab["coop"], ab["conflict"]) == (1, 2)
    assert ab["balance"] == pytest.approx(-1 / 3)
    db = g["ex:D"]["ex:B"]  # e8 (+8, q1), e10 (+7.4, q2)
    assert (db["count"], db["coop"], db["conflict"], db["balance"]) == (2, 2, 0, 1.0)
    assert db["goldstein_sum"] == pytest.approx(15.4)
    assert not g.has_edge("ex:B", "ex:C")


def test_dyad_graph_with_uncoded_counts_the_strike() -> None:
    ab = networks.dyad_graph(make_events(), include_uncoded=True)["ex:A"]["ex:B"]
    assert (ab["count"], ab["q4"]) == (4, 1)
    assert ab["goldstein_sum"] == pytest.approx(-15.0)


def test_dyad_mean_is_none_when_no_event_has_a_score() -> None:
    row = {"event": "x", "cameo": "010", "quad_class": None, "goldstein": None,
           "source": [ACTOR["A"]], "target": [ACTOR["B"]]}
    ab = networks.dyad_graph([row])["ex:A"]["ex:B"]
    assert ab["goldstein_mean"] is None and ab["goldstein_sum"] == 0.0 and ab["count"] == 1


def test_event_graph_links_actors_events_and_nested_content(events) -> None:
    g = networks.event_graph(events, make_actors())
    assert g.nodes["ex:e1"]["kind"] == "event" and g.nodes["ex:A"]["kind"] == "actor"
    assert g.edges["ex:A", "ex:e1"]["role"] == "source"
    assert g.edges["ex:e1", "ex:B"]["role"] == "target"
    assert g.edges["ex:e2", "ex:e11"]["role"] == "content"  # uncoded events are kept here
    assert g.nodes["ex:e2"]["cameo"] == "138"
    assert set(g.successors("ex:e2")) == {"ex:B", "ex:e11"}


def test_stance_graph_points_holders_at_actors_and_at_kinds_of_action() -> None:
    rows = [
        {"stance": "st1", "kind": "RedLine", "holder": "ex:C", "holder_label": "Actor C",
         "target": "ex:B", "target_label": "Actor B", "target_action": "military action",
         "polarity": -1, "text": "C drew a red line.", "article": "art-1"},
        {"stance": "st2", "kind": "SupportStance", "holder": "ex:D", "holder_label": "Actor D",
         "target": None, "target_label": None, "target_action": "the ceasefire",
         "polarity": 1, "text": "D backed the ceasefire.", "article": "art-2"},
    ]
    g = networks.stance_graph(rows)
    edge = g.edges["ex:C", "ex:B", "st1"]
    assert (edge["kind"], edge["polarity"], edge["target_action"]) == (
        "RedLine", -1, "military action")
    assert g.nodes["ex:B"]["label"] == "Actor B"
    assert g.nodes["action:the ceasefire"]["kind"] == "action"
    assert g.edges["ex:D", "action:the ceasefire", "st2"]["polarity"] == 1


def test_stance_graph_of_the_sample_store(sample_store, sample_iris) -> None:
    from pathlib import Path

    text = (Path(__file__).parent.parent / "queries" / "stances.rq").read_text()
    rows = sample_store.select(text)
    assert len(rows) == 1
    row = rows[0]
    assert row["kind"] == "RedLine" and row["polarity"] == -1
    assert row["holder_label"] == "Claudia Sheinbaum" and row["target"] == sample_iris.usa
    assert row["text"].startswith("Sheinbaum said unilateral")
    g = networks.stance_graph(rows)
    assert g.has_edge(sample_iris.sheinbaum, sample_iris.usa, key=sample_iris.stance)


def test_triple_graph_keeps_iri_triples_once_keyed_by_predicate(sample_store, sample_iris
                                                                ) -> None:
    from kg.vocab import KGO, RDF, SEM

    g = networks.triple_graph(sample_store)
    threat, trump = sample_iris.threat, sample_iris.trump
    # the threat is in both article graphs: each predicate gives one edge
    assert set(g[threat][trump]) == {KGO + "source", SEM + "hasActor"}
    assert g.has_edge(threat, KGO + "Threat", key=RDF + "type")
    assert g.nodes[trump]["label"] == "Donald Trump"
    assert "Donald Trump" not in g and "threatened" not in g  # literals are not nodes


def test_module_doctests() -> None:
    import doctest

    from kg import networks as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
