"""The event table and the actor table, computed by the saved queries over a store.

`queries/events.rq`, `queries/actors.rq` and `queries/actor_roles.rq` are the truth; this module
runs them and turns the rows into python dicts: source/target IRIs become actor dicts (joined
with the actor table), IRIs of modalities become local names, roles become lists.

>>> from kg.store import Store
>>> event_rows(Store.memory())
[]
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyoxigraph as ox

from kg import query as kq
from kg.errors import KGError
from kg.store import Store
from kg.types import MODALITIES
from kg.vocab import KGO

__all__ = [
    "EVENT_COLUMNS",
    "ACTOR_COLUMNS",
    "ACTOR_FIELDS",
    "event_rows",
    "actor_rows",
    "flat_event_row",
    "flat_actor_row",
]

EVENT_COLUMNS = ("event", "article", "text", "start", "end", "date", "date_basis", "type", "cameo",
                 "plover", "quad_class", "goldstein", "modality", "source", "target", "location", "parent",
                 "confidence", "mentions", "sources")
ACTOR_COLUMNS = ("iri", "label", "aliases", "type", "country", "sector", "code", "wikidata",
                 "roles", "mentions")
#: the actor fields copied into an event's source/target lists
ACTOR_FIELDS = ("iri", "label", "type", "country", "sector", "code", "wikidata")
_ALIAS_SEPARATOR = " | "


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


def event_rows(store: Store, *, actor: str | None = None, start: dt.date | str | None = None,
               end: dt.date | str | None = None, cameo_root: str | int | None = None,
               modality: str | None = None) -> list[dict[str, Any]]:
    """The event table (columns `EVENT_COLUMNS`), one dict per event, in reading order.

    Filters: `actor` (an IRI: the event's source or target), `start`/`end` (a date window on
    the event's begin/end time stamps; undated events drop out), `cameo_root` ("13" or 13),
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
    saved = kq.load_saved("events")
    rows = store.select(saved.text, bindings)
    actors = {a["iri"]: a for a in actor_rows(store)}
    out = []
    for r in rows:
        row = {c: r.get(c) for c in EVENT_COLUMNS}
        row["modality"] = _local(row["modality"])
        row["source"] = _actor_list(row["source"], actors)
        row["target"] = _actor_list(row["target"], actors)
        out.append(row)
    return out


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


def actor_rows(store: Store) -> list[dict[str, Any]]:
    """The actor table (columns `ACTOR_COLUMNS`), most mentioned first.

    `aliases` is a list, `roles` a list of {post, of, start, end} (ISO dates or None),
    `mentions` the sum of the per-article mention counts.
    """
    roles: dict[str, list[dict[str, Any]]] = {}
    for r in store.select(kq.load_saved("actor_roles").text):
        roles.setdefault(r["iri"], []).append({
            "post": r["post"], "of": r["of"],
            "start": r["start"].isoformat() if isinstance(r["start"], dt.date) else r["start"],
            "end": r["end"].isoformat() if isinstance(r["end"], dt.date) else r["end"],
        })
    out = []
    for r in store.select(kq.load_saved("actors").text):
        row = {c: r.get(c) for c in ACTOR_COLUMNS}
        row["aliases"] = [a for a in (r["aliases"] or "").split(_ALIAS_SEPARATOR) if a]
        row["roles"] = roles.get(r["iri"], [])
        out.append(row)
    return out


def _actor_cell(actors: list[dict[str, Any]]) -> str:
    return "; ".join(a.get("label") or a["iri"] for a in actors)


def flat_event_row(row: dict[str, Any]) -> dict[str, Any]:
    """An event row for CSV: source/target as `; `-joined labels, plus `source_iri` and
    `target_iri` columns with the `; `-joined IRIs."""
    flat = dict(row)
    for key in ("source", "target"):
        flat[key] = _actor_cell(row[key])
        flat[f"{key}_iri"] = "; ".join(a["iri"] for a in row[key])
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
