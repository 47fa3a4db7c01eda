"""An interactive picture of the actor network as one self-contained HTML file.

The page works offline: the data (actors, dyad edges, their events with evidence sentences and
articles) is embedded as JSON in a `<script type="application/json">` tag, and the script and
style sheet (`kg/data/viz/viz.js`, `viz.css`) are inlined into `kg/data/viz_template.html`.
Node positions are computed here (networkx spring layout, seed 0), so the same graph always
gives the same picture; the page adds pan and zoom, filters by date range and CAMEO root, a
search box that finds an actor by name, and a side panel listing the events of a clicked edge or
actor. `kg viz` draws the `DEFAULT_TOP` most active actors by default (a whole store is a
hairball); `--top 0` draws everyone.

>>> data = viz_data([{"event": "e1", "cameo": "138", "quad_class": 4, "goldstein": -7.0,
...     "date": "2026-01-08", "text": "A threatened B.", "article": "a1",
...     "source": [{"iri": "x:a", "label": "A"}], "target": [{"iri": "x:b", "label": "B"}]}])
>>> [n["label"] for n in data["nodes"]], data["edges"][0]["quad"], data["events"][0]["name"]
(['A', 'B'], 4, 'Threaten with military force')
"""
from __future__ import annotations

import datetime as dt
import html
import importlib.resources
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analytics import event_day
from kg.errors import InputError
from kg.networks import Table, _pairs, is_coded, table_rows

__all__ = ["DEFAULT_TOP", "TYPE_COLOURS", "QUAD_COLOURS", "viz_data", "render_html", "write_html", "store_viz"]

#: How many actors `kg viz` draws unless told otherwise: the most active ones.
DEFAULT_TOP = 40

#: Node colour per actor class (local names of the kgo actor classes).
TYPE_COLOURS = {
    "State": "#1f77b4",
    "Person": "#9467bd",
    "GovernmentBody": "#17becf",
    "MilitaryForce": "#556b2f",
    "PoliceForce": "#2c5f8a",
    "Judiciary": "#8c564b",
    "Legislature": "#bcbd22",
    "PoliticalParty": "#e377c2",
    "CriminalOrganisation": "#7f1d1d",
    "ArmedGroup": "#a0522d",
    "MediaOrganisation": "#ff9896",
    "IntergovernmentalOrganisation": "#2ca02c",
    "NonGovernmentalOrganisation": "#98df8a",
    "Company": "#c49c94",
    "Organisation": "#7f7f7f",
    "GenericGroup": "#c7a500",
}
#: Edge colour per QuadClass (0: no quad class).
QUAD_COLOURS = {1: "#2e9d44", 2: "#2f6fd6", 3: "#f08c00", 4: "#d62f2f", 0: "#9a9a9a"}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict", 0: "no quad class"}

_ARTICLES_QUERY = """
SELECT ?article ?id ?url ?title WHERE {
  ?article a kgo:Article ; kgo:articleId ?id .
  OPTIONAL { ?article schema:url ?url }
  OPTIONAL { ?article schema:headline ?title }
}"""

_EDGE = 140.0  # typical edge length, in page units
_GAP_X = 180.0  # space between packed components (room for labels)
_GAP_Y = 80.0


def _cameo_names() -> dict[str, str]:
    from kg.codes import load_cameo

    return {code: c.name for code, c in load_cameo().items()}


def _json_safe(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


#: Components up to this size get the Kamada-Kawai layout (cubic in n), larger ones a spring one.
_KAMADA_KAWAI_MAX = 150


def _component_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Layout of one connected component, in a square of side ~ _EDGE * sqrt(n)."""
    n = len(graph)
    if n == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    if n <= _KAMADA_KAWAI_MAX:
        # graph distances kept as drawn distances: evenly spaced, no node on another's label
        pos = nx.kamada_kawai_layout(graph, weight=None)
    else:
        pos = nx.spring_layout(graph, k=2.0 / math.sqrt(n), iterations=200, seed=0, weight=None)
    half = _EDGE * math.sqrt(n) / 2
    return {node: (float(p[0]) * half, float(p[1]) * half) for node, p in pos.items()}


def _layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Deterministic positions: each connected component laid out on its own, the components
    packed in rows (largest first) so that none is stretched or flung to a corner."""
    components = sorted((sorted(c) for c in nx.connected_components(graph)),
                        key=lambda c: (-len(c), c[0]))
    boxes = []
    for nodes in components:
        pos = _component_layout(graph.subgraph(nodes))
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append((pos, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    if not boxes:
        return {}
    area = sum((w + _GAP_X) * (h + _GAP_Y) for _, _, _, w, h in boxes)
    row_width = max(max(w for _, _, _, w, _ in boxes), math.sqrt(area) * 1.4)
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for pos, x0, y0, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + _GAP_Y, 0.0
        for node, (px, py) in pos.items():
            placed[node] = (round(px - x0 + x, 1), round(py - y0 + y, 1))
        x += w + _GAP_X
        row_height = max(row_height, h)
    return placed


def viz_data(
    events: Table,
    actors: Table = None,
    articles: Table = None,
    *,
    include_uncoded: bool = False,
    include_isolated: bool = False,
    title: str = "Actor network",
    top: int | None = None,
) -> dict[str, Any]:
    """The data the page shows: nodes with positions, dyad edges per QuadClass, events.

    `articles` rows have `article` (IRI), `id`, `url`, `title`; the event rows' `article`
    may be an article IRI or id. Actors without a shown event are left out unless
    `include_isolated`. With `top`, only the `top` actors in the most events are drawn, with
    the events among them (a readable picture of a large store); None or 0 draws all.
    `total_actors` says how many actors the events had before that cut.
    """
    names = _cameo_names()
    rows = [r for r in table_rows(events) if include_uncoded or is_coded(r)]
    keep = _busiest_actors(rows, top) if top else None
    actor_info: dict[str, dict[str, Any]] = {}
    for actor in table_rows(actors):
        if actor.get("iri"):
            actor_info[actor["iri"]] = actor
    art: dict[str, dict[str, Any]] = {}
    for a in table_rows(articles):
        entry = {"id": a.get("id") or a.get("article"), "url": a.get("url"),
                 "title": a.get("title")}
        for key in (a.get("article"), a.get("id")):
            if key:
                art[str(key)] = entry

    event_list: list[dict[str, Any]] = []
    groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for row in rows:
        pairs = [(a, b) for a, b in _pairs(row)
                 if keep is None or (a["iri"] in keep and b["iri"] in keep)]
        if not pairs:
            continue
        cameo = row.get("cameo") or row.get("base_code")
        quad = int(row["quad_class"]) if row.get("quad_class") is not None else 0
        day = event_day(row)
        article = row.get("article")
        meta = art.get(str(article), {}) if article is not None else {}
        event_list.append({
            "iri": row.get("event"),
            "date": _json_safe(row.get("date")),
            "day": day.date().isoformat() if day is not None else None,
            "cameo": cameo,
            "name": names.get(cameo or "", row.get("type") or ""),
            "root": cameo[:2] if cameo else None,
            "plover": row.get("plover"),
            "type": row.get("type"),
            "modality": row.get("modality"),
            "goldstein": _json_safe(row.get("goldstein")),
            "quad": quad,
            "text": row.get("text"),
            "sources": sorted({s.get("label") or s["iri"] for s, _ in pairs}),
            "targets": sorted({t.get("label") or t["iri"] for _, t in pairs}),
            "article": meta.get("id") or (str(article) if article is not None else None),
            "url": meta.get("url"),
            "title": meta.get("title"),
            "reports": int(row["sources"]) if row.get("sources") else 1,
        })
        index = len(event_list) - 1
        for source, target in pairs:
            for a in (source, target):
                known = actor_info.setdefault(a["iri"], dict(a))
                for key, value in a.items():
                    if known.get(key) is None and value is not None:
                        known[key] = value
            groups[source["iri"], target["iri"], quad].append(index)

    shown = {s for s, _, _ in groups} | {t for _, t, _ in groups}
    if include_isolated:
        shown |= set(actor_info)
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(sorted(shown))
    for (s, t, _), idx in sorted(groups.items()):
        w = layout_graph.get_edge_data(s, t, {}).get("weight", 0)
        layout_graph.add_edge(s, t, weight=w + len(idx))
    pos = _layout(layout_graph)
    order = sorted(shown, key=lambda i: (str(actor_info.get(i, {}).get("label") or i), i))
    node_index = {iri: n for n, iri in enumerate(order)}
    nodes = []
    for iri in order:
        info = actor_info.get(iri, {})
        x, y = pos[iri]
        nodes.append({
            "iri": iri,
            "label": info.get("label") or iri.rsplit("/", 1)[-1],
            "type": info.get("type"),
            "country": info.get("country"),
            "sector": info.get("sector"),
            "code": info.get("code"),
            "x": x, "y": y,
            "degree": layout_graph.degree(iri),
        })

    by_pair: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for s, t, q in sorted(groups, key=lambda k: (node_index[k[0]], node_index[k[1]], k[2])):
        a, b = node_index[s], node_index[t]
        by_pair[min(a, b), max(a, b)].append((a, b, q))
    edges = []
    for members in by_pair.values():
        k = len(members)
        for i, (a, b, q) in enumerate(members):
            edges.append({"s": a, "t": b, "quad": q,
                          "bend": round((i - (k - 1) / 2) * 28.0, 1),
                          "events": groups[order[a], order[b], q]})
    roots = sorted({e["root"] for e in event_list if e["root"]})
    everyone = {x["iri"] for row in rows for pair in _pairs(row) for x in pair}
    return {
        "title": title,
        "total_actors": len(everyone | (set(actor_info) if include_isolated else set())),
        "nodes": nodes,
        "edges": edges,
        "events": event_list,
        "roots": [{"code": r, "name": names.get(r, "")} for r in roots],
        "type_colours": TYPE_COLOURS,
        "quad_colours": {str(k): v for k, v in QUAD_COLOURS.items()},
        "quad_names": {str(k): v for k, v in QUAD_NAMES.items()},
    }


def _busiest_actors(rows: list[dict[str, Any]], top: int) -> set[str]:
    """The IRIs of the `top` actors taking part in the most events (ties by IRI).

    >>> rows = [{"source": [{"iri": "a"}], "target": [{"iri": "b"}]},
    ...         {"source": [{"iri": "a"}], "target": [{"iri": "c"}]}]
    >>> sorted(_busiest_actors(rows, 2))
    ['a', 'b']
    """
    if top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for iri in {x["iri"] for pair in _pairs(row) for x in pair}:
            counts[iri] += 1
    return set(sorted(counts, key=lambda i: (-counts[i], i))[:top])


def _resource(*parts: str) -> str:
    return importlib.resources.files("kg").joinpath("data", *parts).read_text(encoding="utf-8")


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` appear literally.

    >>> print(_script_json({"text": "</script>"}))
    {"text":"\\u003c/script\\u003e"}
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_safe)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(data: dict[str, Any]) -> str:
    """The complete page for `data` (from `viz_data`), as a string."""
    page = _resource("viz_template.html")
    parts = {
        "{{TITLE}}": html.escape(str(data.get("title", "Actor network"))),
        "{{CSS}}": _resource("viz", "viz.css"),
        "{{JS}}": _resource("viz", "viz.js").replace("</", "<\\/"),
        "{{DATA}}": _script_json(data),
    }
    return re.sub(r"\{\{[A-Z]+\}\}", lambda m: parts.get(m.group(0), m.group(0)), page)


def write_html(data: dict[str, Any], out: str | Path) -> Path:
    """Write the page for `data` to `out`; returns the path."""
    path = Path(out)
    path.write_text(render_html(data), encoding="utf-8")
    return path


def store_viz(
    store: Any,
    out: str | Path,
    *,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    cameo_root: str | None = None,
    include_uncoded: bool = False,
    include_isolated: bool = False,
    title: str | None = None,
    top: int | None = None,
    step: Callable[..., None] | None = None,
) -> Path:
    """Read the event, actor and article tables of a `kg.store.Store` and write the page.
    `step(name, total=4)` is called as each of the four stages starts (for a progress bar)."""
    from kg import tables

    say = step or (lambda name, total=None: None)
    say("reading the event table", total=4)
    events = tables.event_rows(store, start=start, end=end, cameo_root=cameo_root)
    say("reading the actors and articles")
    actors = tables.actor_rows(store)
    articles = store.select(_ARTICLES_QUERY)
    say(f"laying out {'the top ' + str(top) if top else 'all'} actors")
    data = viz_data(events, actors, articles, include_uncoded=include_uncoded,
                    include_isolated=include_isolated, title=title or "Actor network", top=top)
    say("writing the page")
    return write_html(data, out)
