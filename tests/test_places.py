"""Place names -> GeoNames places (`kg.places`), on the packaged GeoNames tables."""
from __future__ import annotations

import pytest

from kg.iri import place_iri
from kg.places import find_place


@pytest.mark.parametrize(("name", "country", "kind"), [
    ("Karachi", "PAK", "city"),
    ("Aleppo", "SYR", "city"),
    ("Mexico City", "MEX", "city"),
    ("Culiacan", "MEX", "city"),          # accents folded
    ("Kiev", "UKR", "city"),              # an alternate spelling of Kyiv
    ("Odessa", "UKR", "city"),            # the big city of the name, not Odessa, Texas
    ("Tripoli", "LBY", "city"),           # the most populous by far of two
    ("Georgia", "GEO", "country"),        # the country before the US state
    ("Ohio", "USA", "region"),
])
def test_places_and_their_countries(name, country, kind) -> None:
    place = find_place(name)
    assert place is not None and (place.country, place.kind) == (country, kind)


def test_a_city_carries_coordinates_and_its_geonames_id() -> None:
    karachi = find_place("Karachi")
    assert karachi.latitude == pytest.approx(24.86, abs=0.1)
    assert karachi.longitude == pytest.approx(67.01, abs=0.1)
    assert place_iri(karachi.geonames_id) == "https://sws.geonames.org/1174872/"


@pytest.mark.parametrize("name", [
    "police", "nice", "split",           # words, not proper nouns
    "RED LINE",                          # capitals: shouting, not a name
    "Hamilton",                          # several big cities of the name, no context
    "Khan",                              # not a spelling of any town's own name
])
def test_words_and_ambiguous_names_are_no_place(name) -> None:
    assert find_place(name) is None


def test_the_articles_country_decides_an_ambiguous_name() -> None:
    assert find_place("Tripoli", prefer="LBN").country == "LBN"
    assert find_place("Hamilton", prefer="NZL").country == "NZL"


def test_min_population_keeps_small_towns_out() -> None:
    assert find_place("Kyzyl").country == "RUS"
    assert find_place("Kyzyl", min_population=1_000_000) is None


def test_the_index_in_rows_gives_back_the_places_it_was_made_of() -> None:
    import pickle

    from kg.places import _Index
    from kg.types import Place

    kyiv = Place(703448, "Kyiv", "UKR", "city", 50.45, 30.52, 2797553)
    odessa_ua = Place(698740, "Odesa", "UKR", "city", 46.48, 30.73, 1015826)
    odessa_us = Place(5527554, "Odessa", "USA", "city", 31.85, -102.37, 118918)
    primary = {"kyiv": [kyiv], "odessa": [odessa_us], "odesa": [odessa_ua]}
    alternate = {"kiev": [kyiv], "odessa": [odessa_ua, odessa_us]}
    index = _Index.of(primary, alternate)
    assert len(index.rows) == 3  # each place once, however many names it has
    rows, p, a = pickle.loads(pickle.dumps((index.rows, index.primary, index.alternate)))
    again = _Index(rows, p, a)
    for table, built in ((again.primary, primary), (again.alternate, alternate)):
        assert {k: again.places(table, k) for k in table} == built
    assert again.places(again.alternate, "kiev")[0] is again.places(again.primary, "kyiv")[0]
    assert again.places(again.primary, "nowhere") == []
