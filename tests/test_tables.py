"""Tests of kg.tables: the event table and the actor table over the sample graph."""
from __future__ import annotations

import datetime as dt

import pytest

from kg import tables
from kg.errors import KGError


@pytest.fixture
def events(sample_store):
    return {r["event"]: r for r in tables.event_rows(sample_store)}


def test_event_columns(events):
    for row in events.values():
        assert tuple(row) == tables.EVENT_COLUMNS


def test_threat_row(events, sample_iris):
    threat = events[sample_iris.threat]
    assert (threat["type"], threat["cameo"], threat["plover"]) == ("Threat", "138", "THREATEN")
    assert threat["goldstein"] == -7.0 and threat["quad_class"] == 3
    assert threat["modality"] == "actual" and threat["date"] == "2026-01-08"
    assert [a["label"] for a in threat["source"]] == ["Donald Trump"]
    assert threat["target"][0] == {
        "iri": sample_iris.mex, "label": "Mexico", "type": "State", "country": "MEX",
        "sector": None, "code": "MEX", "wikidata": "Q96"}


def test_event_reported_twice_takes_the_first_mention(events, sample_iris):
    threat = events[sample_iris.threat]
    assert (threat["mentions"], threat["sources"]) == (2, 2)
    assert threat["article"] == sample_iris.a1  # voa-001 sorts before voa-002
    assert threat["text"] == sample_iris.threat_sentence1
    assert threat["text"][threat["start"] - 120:threat["end"] - 120] == "threatened"


def test_nested_strike_is_uncoded_with_the_threat_as_parent(events, sample_iris):
    strike = events[sample_iris.strike]
    assert strike["cameo"] is None and strike["plover"] is None
    assert strike["parent"] == sample_iris.threat
    assert strike["modality"] == "threatened" and strike["location"] == "Mexico"
    assert strike["date"] is None


def test_rows_are_in_reading_order(sample_store, sample_iris):
    rows = tables.event_rows(sample_store)
    assert [r["event"] for r in rows] == [sample_iris.threat, sample_iris.strike,
                                         sample_iris.directive]


@pytest.mark.parametrize("filters, expected", [
    ({"actor": "trump"}, ["threat"]),
    ({"actor": "mex"}, ["threat", "strike"]),
    ({"start": dt.date(2026, 1, 9)}, ["directive"]),
    ({"end": "2026-01-08"}, ["threat"]),
    ({"start": "2026-01-01", "end": "2026-01-31"}, ["threat", "directive"]),
    ({"cameo_root": 13}, ["threat"]),
    ({"cameo_root": "15"}, ["directive"]),
    ({"modality": "threatened"}, ["strike"]),
    ({"modality": "directed", "actor": "sheinbaum"}, ["directive"]),
    ({"modality": "negated"}, []),
])
def test_filters(sample_store, sample_iris, filters, expected):
    if "actor" in filters:
        filters = filters | {"actor": getattr(sample_iris, filters["actor"])}
    rows = tables.event_rows(sample_store, **filters)
    assert [r["event"] for r in rows] == [getattr(sample_iris, e) for e in expected]


@pytest.mark.parametrize("filters, message", [
    ({"cameo_root": "21"}, "CAMEO root"),
    ({"modality": "perhaps"}, "valid: actual"),
    ({"start": "yesterday"}, "YYYY-MM-DD"),
])
def test_bad_filters(sample_store, filters, message):
    with pytest.raises(KGError, match=message):
        tables.event_rows(sample_store, **filters)


def test_actor_table(sample_store, sample_iris):
    actors = {a["iri"]: a for a in tables.actor_rows(sample_store)}
    assert set(actors) == {sample_iris.trump, sample_iris.sheinbaum, sample_iris.army,
                           sample_iris.usa, sample_iris.mex}
    trump = actors[sample_iris.trump]
    assert tuple(trump) == tables.ACTOR_COLUMNS
    assert trump["type"] == "Person" and trump["code"] == "USAGOV"
    assert sorted(trump["aliases"]) == ["Trump", "U.S. President Donald Trump"]
    assert trump["roles"] == [{"post": "President", "of": "USA", "start": "2025-01-20",
                               "end": None}]
    assert trump["mentions"] == 2 + 1  # summed over the two article graphs
    assert actors[sample_iris.mex]["mentions"] == 2 + 3
    assert actors[sample_iris.army]["aliases"] == [] and actors[sample_iris.army]["roles"] == []
    ranked = [a["mentions"] for a in tables.actor_rows(sample_store)]
    assert ranked == sorted(ranked, reverse=True)


def test_flat_rows_for_csv(events, sample_iris):
    flat = tables.flat_event_row(events[sample_iris.threat])
    assert flat["source"] == "Donald Trump" and flat["source_iri"] == sample_iris.trump


def test_cli_events_and_actors(sample_store_dir, sample_iris, capsys):
    import json

    from kg.cli import main

    store = str(sample_store_dir)
    assert main(["events", "--store", store, "--cameo-root", "13"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["event"] for x in lines] == [sample_iris.threat]
    assert main(["events", "--store", store, "--actor", "Sheinbaum", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("event,article,text") and len(out) == 2
    assert main(["events", "--store", store, "--format", "table", "--from", "2026-01-09"]) == 0
    assert "Directive" in capsys.readouterr().out
    assert main(["actors", "--store", store]) == 0
    actors = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {a["iri"] for a in actors} >= {sample_iris.trump, sample_iris.army}
    assert main(["actors", "--store", store, "--format", "table"]) == 0
    assert "President of USA" in capsys.readouterr().out
