"""The event table and the actor table, computed by the saved queries over a store.

`queries/events.rq`, `queries/event_details.rq`, `queries/articles.rq`, `queries/places.rq`,
`queries/actors.rq` and `queries/actor_roles.rq` are the truth; this module runs them and
joins the rows into python dicts: source/target IRIs become actor dicts (joined with the actor
table) plus flat `source_*`/`target_*` columns, dates become `datetime.date`, CAMEO codes stay
strings, IRIs of modalities become local names, roles become lists. Every event column is
described, with its GDELT/POLECAT counterpart, in `kg/data/event_columns.csv`
(`EVENT_SCHEMA`; rendered in docs/event-table.md).

>>> from kg.store import Store
>>> event_rows(Store.memory())
[]
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg import query as kq
from kg.datafiles import csv_rows, read_data
from kg.errors import DataFileError, KGError
from kg.iri import state_iri
from kg.store import Store
from kg.types import MODALITIES
from kg.vocab import KGO

__all__ = [
    "Column",
    "EVENT_SCHEMA",
    "EVENT_COLUMNS",
    "ACTOR_COLUMNS",
    "ACTOR_FIELDS",
    "FLAT_ACTOR_FIELDS",
    "event_rows",
    "actor_rows",
    "article_rows",
    "flat_event_row",
    "flat_actor_row",
    "match_actors",
    "close_actor_names",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One documented column of the event table (a row of `kg/data/event_columns.csv`)."""

    name: str
    datatype: str  # a CSVW/XSD datatype name: string, date, integer, decimal, double, boolean
    description: str
    gdelt: str
    polecat: str


_DATATYPES = ("string", "date", "integer", "decimal", "double", "boolean")


def _read_schema() -> tuple[Column, ...]:
    name = "event_columns.csv"
    columns = []
    for where, row in csv_rows(read_data(name), f"kg/data/{name}",
                               ("column", "datatype", "description", "gdelt", "polecat")):
        if row["datatype"] not in _DATATYPES:
            raise DataFileError(f"{where}: datatype {row['datatype']!r}; use one of "
                                f"{', '.join(_DATATYPES)}")
        columns.append(Column(row["column"], row["datatype"], row["description"],
                              row["gdelt"], row["polecat"]))
    return tuple(columns)


#: The event table's columns, documented (from kg/data/event_columns.csv).
EVENT_SCHEMA: tuple[Column, ...] = _read_schema()
EVENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENT_SCHEMA)
ACTOR_COLUMNS = ("iri", "label", "aliases", "type", "country", "sector", "code", "wikidata",
                 "roles", "mentions", "lat", "lon", "geonames")
#: the actor fields copied into an event's source/target lists
ACTOR_FIELDS = ("iri", "label", "type", "country", "sector", "code", "wikidata")
#: the actor fields spread into flat `source_<field>`/`target_<field>` columns
FLAT_ACTOR_FIELDS = ("label", "code", "country", "sector", "type")
_GEO_FIELDS = ("lat", "lon", "geonames")
_ALIAS_SEPARATOR = " | "
_JOIN = "; "


def _cameo_root(value: str | int | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 20:
        raise KGError(f"bad CAMEO root {value!r}: give a number from 01 to 20 (e.g. 13 = threaten)")
    return f"{int(text):02d}"


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise KGError(f"bad {name} date {value!r}: write it as YYYY-MM-DD") from err


def _day(value: Any) -> dt.date | None:
    """A query value that should be a day (an ill-typed literal comes back as text)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def event_rows(store: Store, *, actor: str | None = None, start: dt.date | str | None = None,
               end: dt.date | str | None = None, cameo_root: str | int | None = None,
               modality: str | None = None) -> list[dict[str, Any]]:
    """The event table (columns `EVENT_COLUMNS`), one dict per event, in reading order.

    Filters: `actor` (an IRI: the event's source or target), `start`/`end` (a date window on
    the event's begin/end days; undated events drop out), `cameo_root` ("13" or 13),
    `modality` (a `kg.types.MODALITIES` name).
    """
    if modality is not None and modality not in MODALITIES:
        raise KGError(f"unknown modality {modality!r}; valid: {', '.join(MODALITIES)}")
    bindings = {
        "actor": ox.NamedNode(actor) if actor else None,
        "from": _date(start, "start"),
        "to": _date(end, "end"),
        "cameo_root": _cameo_root(cameo_root),
        "modality": ox.NamedNode(KGO + modality) if modality else None,
    }
    rows = store.select(kq.load_saved("events").text, bindings)
    if not rows:
        return []
    actors = {a["iri"]: a for a in actor_rows(store)}
    details = {r["event"]: r for r in store.select(kq.load_saved("event_details").text)}
    articles = {r["article"]: r for r in article_rows(store)}
    places = _places(store)
    return [_event_row(r, details.get(r["event"], {}), articles, actors, places) for r in rows]


def _event_row(r: dict[str, Any], detail: dict[str, Any], articles: dict[str, dict[str, Any]],
               actors: dict[str, dict[str, Any]], places: dict[str, dict[str, Any]]
               ) -> dict[str, Any]:
    article = articles.get(r.get("article") or "", {})
    code = r.get("cameo")
    code = str(code) if code not in (None, "") else None
    place = places.get(detail.get("place") or "", {})
    values: dict[str, Any] = {
        **r,
        "location": detail.get("place_label") or r.get("location"),
        "published": _day(article.get("published")),
        "url": article.get("url"),
        "char_start": r.get("start"),
        "char_end": r.get("end"),
        "is_root": bool(detail.get("is_root")),
        "date_start": _day(detail.get("date_start")),
        "date_end": _day(detail.get("date_end")),
        "date_basis": _local(detail.get("date_basis")),
        "event_code": code,
        "base_code": code[:3] if code else None,
        "root_code": code[:2] if code else None,
        "cameo": code,
        "modality": _local(r.get("modality")),
        "location_lat": place.get("lat"),
        "location_lon": place.get("lon"),
        "location_geonames": place.get("geonames"),
    }
    for side in ("source", "target"):
        members = _actor_list(r.get(side), actors)
        values[side] = members
        for field in FLAT_ACTOR_FIELDS:
            values[f"{side}_{field}"] = _joined(a.get(field) for a in members)
        geo = next((g for g in (_actor_geo(a["iri"], actors, places) for a in members) if g),
                   {})
        for field in _GEO_FIELDS:
            values[f"{side}_{field}"] = geo.get(field)
    return {c: values.get(c) for c in EVENT_COLUMNS}


def _joined(values: Any) -> str | None:
    """Values joined by "; " (None when there are none)."""
    kept = [str(v) for v in values if v not in (None, "")]
    return _JOIN.join(kept) if kept else None


def _local(iri: str | None) -> str | None:
    if iri is None:
        return None
    return re.split(r"[#/]", iri)[-1]


def _actor_list(iris: str | None, actors: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for iri in sorted((iris or "").split()):
        known = actors.get(iri)
        result.append({f: (known or {}).get(f) for f in ACTOR_FIELDS} | {"iri": iri})
    return result


def _places(store: Store) -> dict[str, dict[str, Any]]:
    """Node IRI -> {lat, lon, geonames} for the nodes that have coordinates or a GeoNames id."""
    out = {}
    for r in store.select(kq.load_saved("places").text):
        out[r["iri"]] = {"lat": _number(r.get("lat")), "lon": _number(r.get("lon")),
                         "geonames": str(r["geonames"]) if r.get("geonames") else None}
    return out


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _actor_geo(iri: str, actors: dict[str, dict[str, Any]],
               places: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """An actor's own place, else its country's (None when neither has one)."""
    own = places.get(iri)
    if own and own.get("lat") is not None:
        return own
    country = (actors.get(iri) or {}).get("country")
    if country:
        state = places.get(state_iri(country))
        if state and state.get("lat") is not None:
            return state
    return own


def article_rows(store: Store) -> list[dict[str, Any]]:
    """The article table (`queries/articles.rq`): article id, IRI, published, url, title,
    publisher; sorted by id."""
    return store.select(kq.load_saved("articles").text)


def actor_rows(store: Store) -> list[dict[str, Any]]:
    """The actor table (columns `ACTOR_COLUMNS`), most mentioned first.

    `aliases` is a list, `roles` a list of {post, of, start, end} (ISO dates or None),
    `mentions` the sum of the per-article mention counts, `lat`/`lon`/`geonames` the actor's
    own coordinates and GeoNames id when the graph has them.
    """
    roles: dict[str, list[dict[str, Any]]] = {}
    for r in store.select(kq.load_saved("actor_roles").text):
        roles.setdefault(r["iri"], []).append({
            "post": r["post"], "of": r["of"],
            "start": r["start"].isoformat() if isinstance(r["start"], dt.date) else r["start"],
            "end": r["end"].isoformat() if isinstance(r["end"], dt.date) else r["end"],
        })
    places = _places(store)
    out = []
    for r in store.select(kq.load_saved("actors").text):
        row = {c: r.get(c) for c in ACTOR_COLUMNS}
        row["aliases"] = [a for a in (r["aliases"] or "").split(_ALIAS_SEPARATOR) if a]
        row["roles"] = roles.get(r["iri"], [])
        row.update(places.get(r["iri"], {}))
        out.append(row)
    return out


def _cell(value: Any) -> Any:
    """A value as a CSV cell: dates ISO, booleans true/false, None stays None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def flat_event_row(row: dict[str, Any]) -> dict[str, Any]:
    """An event row for CSV: `source`/`target` as `; `-joined IRIs (their labels, codes, ...
    are in the flat `source_*`/`target_*` columns), dates ISO, booleans true/false."""
    flat = {k: _cell(v) for k, v in row.items()}
    for key in ("source", "target"):
        flat[key] = _joined(a["iri"] for a in row[key] or [])
    return flat


def flat_actor_row(row: dict[str, Any]) -> dict[str, Any]:
    """An actor row for CSV: aliases `; `-joined, roles as `post of (start/end)` `; `-joined."""
    flat = dict(row)
    flat["aliases"] = "; ".join(row["aliases"])
    flat["roles"] = "; ".join(
        f"{r['post']}" + (f" of {r['of']}" if r["of"] else "")
        + (f" ({r['start'] or ''}/{r['end'] or ''})" if r["start"] or r["end"] else "")
        for r in row["roles"])
    return flat


def match_actors(store: Store, name: str) -> list[str]:
    """The IRIs of the actors `name` names: an IRI (or `kgid:`-prefixed name) as given, else
    the actors whose label or an alias is `name` (exactly, else ignoring case). Empty when none.

    >>> match_actors(Store.memory(), "Nobody")
    []
    """
    from kg.vocab import PREFIXES

    value = name.strip()
    if re.match(r"^(https?|urn|file):", value, re.IGNORECASE):
        return [value]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and " " not in value:
        return [PREFIXES[prefix] + local]
    rows = actor_rows(store)
    for same in (str.__eq__, lambda a, b: a.casefold() == b.casefold()):
        found = sorted({r["iri"] for r in rows
                        if any(same(n, value) for n in [r["label"] or "", *r["aliases"]])})
        if found:
            return found
    return []


def close_actor_names(store: Store, name: str, n: int = 5) -> list[str]:
    """Actor labels and aliases close to `name` (for "did you mean" hints)."""
    import difflib

    names = sorted({x for r in actor_rows(store) for x in [r["label"] or "", *r["aliases"]] if x})
    close = difflib.get_close_matches(name, names, n=n, cutoff=0.6)
    close += [x for x in names if name.casefold() in x.casefold() and x not in close]
    return close[:n]
