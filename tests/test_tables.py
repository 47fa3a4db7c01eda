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
    assert threat["text"][threat["char_start"] - 120:threat["char_end"] - 120] == "threatened"


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
    assert flat["source"] == sample_iris.trump and flat["source_label"] == "Donald Trump"
    assert flat["date_start"] == "2026-01-08" and flat["is_root"] == "true"


# -- the analysis columns (issue 12) -------------------------------------------------------------
def test_every_column_is_documented_once():
    names = [c.name for c in tables.EVENT_SCHEMA]
    assert len(names) == len(set(names)) and tuple(names) == tables.EVENT_COLUMNS
    assert all(c.description and c.gdelt and c.polecat for c in tables.EVENT_SCHEMA)
    assert {"char_start", "char_end"} <= set(names) and not {"start", "end"} & set(names)


def test_typed_dates_codes_article_and_flat_actors(events, sample_iris):
    threat = events[sample_iris.threat]
    assert (threat["date_start"], threat["date_end"]) == (dt.date(2026, 1, 8),) * 2
    assert threat["published"] == dt.date(2026, 1, 9)  # voa-001, the first report
    assert threat["url"] == "https://www.example.org/news/voa-001"
    assert (threat["event_code"], threat["base_code"], threat["root_code"]) == ("138", "138", "13")
    assert (threat["source_label"], threat["source_country"], threat["source_sector"],
            threat["source_type"], threat["source_code"]) == (
        "Donald Trump", "USA", "GOV", "Person", "USAGOV")
    assert (threat["target_label"], threat["target_type"]) == ("Mexico", "State")
    assert threat["date_basis"] is None  # not in the sample graph
    # voa-002 reports the threat in its first sentence (offset 0); the directive comes later
    assert threat["is_root"] is True and events[sample_iris.directive]["is_root"] is False
    strike = events[sample_iris.strike]  # undated and uncoded
    assert strike["date_start"] is None and strike["event_code"] is None
    assert strike["root_code"] is None and strike["location"] == "Mexico"


@pytest.fixture
def geo_store(sample_store, sample_iris):
    """The sample graph plus what the place gazetteer and the date rules write: coordinates and a
    GeoNames id on Mexico, a date basis on the threat."""
    import pyoxigraph as ox

    from kg.vocab import KGO, XSD

    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    g = ox.NamedNode(sample_iris.g1)
    mex = ox.NamedNode(sample_iris.mex)
    dec = ox.NamedNode(XSD + "decimal")
    added = [
        ox.Quad(mex, ox.NamedNode(geo + "lat"), ox.Literal("23.0", datatype=dec), g),
        ox.Quad(mex, ox.NamedNode(geo + "long"), ox.Literal("-102.0", datatype=dec), g),
        ox.Quad(mex, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                ox.NamedNode("https://sws.geonames.org/3996063/"), g),
        ox.Quad(ox.NamedNode(sample_iris.threat), ox.NamedNode(KGO + "dateBasis"),
                ox.Literal("stated"), g),
    ]
    # through the store, so that the event summary (the date basis event_details reads) follows
    quads = list(sample_store.inner.quads_for_pattern(None, None, None, g))
    sample_store.replace_graph(g.value, quads + added)
    sample_store.refresh_summary()
    return sample_store


def test_a_gazetteer_place_gives_the_location_and_its_geonames_id(sample_store, sample_iris):
    """The place gazetteer names a place by its GeoNames IRI, with coordinates, and links the
    event to it with schema:location."""
    import pyoxigraph as ox

    from kg.vocab import RDF, RDFS, SCHEMA, XSD

    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    g, dec = ox.NamedNode(sample_iris.g2), ox.NamedNode(XSD + "decimal")
    place = ox.NamedNode("https://sws.geonames.org/3530597/")
    for q in [ox.Quad(ox.NamedNode(sample_iris.directive), ox.NamedNode(SCHEMA + "location"),
                      place, g),
              ox.Quad(place, ox.NamedNode(RDFS + "label"), ox.Literal("Mexico City"), g),
              ox.Quad(place, ox.NamedNode(RDF + "type"), ox.NamedNode(SCHEMA + "Place"), g),
              ox.Quad(place, ox.NamedNode(geo + "lat"), ox.Literal("19.428", datatype=dec), g),
              ox.Quad(place, ox.NamedNode(geo + "long"), ox.Literal("-99.128", datatype=dec), g)]:
        sample_store.inner.add(q)
    sample_store.rebuild_union()
    directive = next(r for r in tables.event_rows(sample_store)
                     if r["event"] == sample_iris.directive)
    assert (directive["location"], directive["location_lat"], directive["location_lon"],
            directive["location_geonames"]) == ("Mexico City", 19.428, -99.128, "3530597")


def test_locations_and_date_basis_from_the_graph(geo_store, sample_iris):
    events = {r["event"]: r for r in tables.event_rows(geo_store)}
    strike, threat = events[sample_iris.strike], events[sample_iris.threat]
    assert (strike["location_lat"], strike["location_lon"], strike["location_geonames"]) == (
        23.0, -102.0, "3996063")
    assert (threat["target_lat"], threat["target_geonames"]) == (23.0, "3996063")
    assert threat["source_lat"] is None  # the United States has no coordinates here
    assert threat["date_basis"] == "stated"


def test_cli_events_and_actors(sample_store_dir, sample_iris, capsys):
    import json

    from kg.cli import main

    store = str(sample_store_dir)
    assert main(["events", "--store", store, "--cameo-root", "13"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["event"] for x in lines] == [sample_iris.threat]
    assert main(["events", "--store", store, "--actor", "Sheinbaum", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith('"event","article","published"') and len(out) == 2
    assert main(["events", "--store", store, "--format", "table", "--from", "2026-01-09"]) == 0
    assert "Directive" in capsys.readouterr().out
    assert main(["actors", "--store", store]) == 0
    actors = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {a["iri"] for a in actors} >= {sample_iris.trump, sample_iris.army}
    assert main(["actors", "--store", store, "--format", "table"]) == 0
    assert "President of USA" in capsys.readouterr().out


def test_cli_actor_not_found_is_no_rows_with_a_note(sample_store_dir, capsys):
    """`kg events --actor Nobody` answers as `kg query ... -p actor=Nobody`: no rows, exit 0;
    it also says why on stderr, with close names."""
    import json

    from kg.cli import main

    store = str(sample_store_dir)
    assert main(["events", "--store", store, "--actor", "Donald Trum"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no actor is named 'Donald Trum'" in captured.err
    assert "Donald Trump" in captured.err
    assert main(["events", "--store", store, "--format", "json", "--actor", "donald trump"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["source_label"] for r in rows} == {"Donald Trump"}
    assert all("date_basis" in r and r["date_basis"] is None for r in rows)  # null, not left out
