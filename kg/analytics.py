"""Analytics over the event table: dyad time series, actor rankings, communities, escalations.

Functions take the event table (DataFrame or list of rows, see `kg.tables`) or a graph from
`kg.networks`. Only coded events (with a CAMEO code) are counted unless `include_uncoded=True`.
An actor is named by its IRI, label, actor code or country code: `"MEX"` matches Mexico and
every Mexican actor, `"Claudia Sheinbaum"` matches her only (case is ignored).

>>> events = [
...     {"event": "e1", "cameo": "036", "quad_class": 1, "goldstein": 4.0, "date": "2026-01-05",
...      "source": [{"iri": "a:mex", "code": "MEX"}], "target": [{"iri": "a:usa", "code": "USA"}]},
...     {"event": "e2", "cameo": "138", "quad_class": 4, "goldstein": -7.0, "date": "2026-01-13",
...      "source": [{"iri": "a:usa", "code": "USA"}], "target": [{"iri": "a:mex", "code": "MEX"}]}]
>>> dyad_series(events, "USA", "MEX", freq="W")[["events", "goldstein_sum", "q4"]]
...     # doctest: +NORMALIZE_WHITESPACE
            events  goldstein_sum  q4
period
2026-01-12       1           -7.0   1
>>> [sorted(c) for c in communities(events)]
[['a:mex', 'a:usa']]
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import networkx as nx
import pandas as pd

from kg.errors import InputError
from kg.networks import Table, _actors_of, _pairs, dyad_graph, is_coded, table_rows

__all__ = [
    "FREQS",
    "actor_matches",
    "event_day",
    "dyad_series",
    "rank_actors",
    "communities",
    "signed_graph",
    "ego_network",
    "timeline",
    "escalations",
]

#: Period names accepted by `freq` arguments -> pandas period codes.
FREQS = {"D": "D", "W": "W", "M": "M"}


def _period(freq: str) -> str:
    try:
        return FREQS[freq.upper()]
    except KeyError:
        raise InputError(f"unknown period {freq!r}: use one of {', '.join(FREQS)}") from None


def actor_matches(actor: Mapping[str, Any], name: str) -> bool:
    """True if `name` equals the actor's IRI, label, code or country (ignoring case)."""
    wanted = name.strip().casefold()
    country = actor.get("country")
    keys = [actor.get("iri"), actor.get("label"), actor.get("code"), country]
    if isinstance(country, str) and "/" in country:  # a state IRI: compare its ISO3 code too
        keys.append(country.rsplit("/", 1)[-1])
    return any(isinstance(k, str) and k.casefold() == wanted for k in keys)


_DATE_TEXT = re.compile(r"\d{4}(-\d{2}){0,2}")


def event_day(row: Mapping[str, Any]) -> pd.Timestamp | None:
    """The first day of an event row's `date` ("2026-01-08", "2024-10", a range
    "2026-01-03/2026-01-04" or a `datetime.date`), or None when undated.

    >>> event_day({"date": "2026-01-03/2026-01-04"})
    Timestamp('2026-01-03 00:00:00')
    """
    value = row.get("date")
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, str):
        text = value.split("/", 1)[0].strip()
        if _DATE_TEXT.fullmatch(text):
            try:
                return pd.Timestamp(text).normalize()
            except ValueError:
                return None
    return None


def _rows(events: Table, include_uncoded: bool) -> list[dict[str, Any]]:
    return [r for r in table_rows(events) if include_uncoded or is_coded(r)]


def _involves(row: Mapping[str, Any], role: str, name: str) -> bool:
    return any(actor_matches(a, name) for a in _actors_of(row.get(role)))


def _period_start(day: pd.Timestamp, period: str) -> pd.Timestamp:
    return day.to_period(period).start_time


def _full_range(days: list[pd.Timestamp], period: str) -> pd.DatetimeIndex:
    if not days:
        return pd.DatetimeIndex([], name="period")
    index = pd.period_range(min(days).to_period(period), max(days).to_period(period),
                            freq=period)
    return pd.DatetimeIndex(index.start_time, name="period")


_SERIES_COLUMNS = ["events", "goldstein_sum", "goldstein_mean", "q1", "q2", "q3", "q4"]


def dyad_series(
    events: Table, source: str, target: str, freq: str = "D", *, include_uncoded: bool = False
) -> pd.DataFrame:
    """Events from `source` to `target` per period (D, W or M), gaps filled with zeros.

    Indexed by the period's first day; columns `events, goldstein_sum, goldstein_mean`
    (NaN in periods without events), `q1`..`q4` (events per QuadClass). Undated events are
    left out.
    """
    period = _period(freq)
    hits = []
    for row in _rows(events, include_uncoded):
        day = event_day(row)
        if day is not None and _involves(row, "source", source) and _involves(row, "target",
                                                                              target):
            hits.append((_period_start(day, period), row))
    index = _full_range([p for p, _ in hits], period)
    frame = pd.DataFrame(0, index=index, columns=_SERIES_COLUMNS, dtype=int)
    frame["goldstein_sum"] = 0.0
    scored = pd.Series(0, index=index, dtype=int)
    for p, row in hits:
        frame.loc[p, "events"] += 1
        if row.get("goldstein") is not None:
            frame.loc[p, "goldstein_sum"] += float(row["goldstein"])
            scored[p] += 1
        q = row.get("quad_class")
        if q is not None and int(q) in (1, 2, 3, 4):
            frame.loc[p, f"q{int(q)}"] += 1
    frame["goldstein_mean"] = (frame["goldstein_sum"] / scored.where(scored > 0)).round(6)
    frame["goldstein_sum"] = frame["goldstein_sum"].round(6)
    return frame


def rank_actors(graph: nx.DiGraph | nx.MultiDiGraph) -> pd.DataFrame:
    """Actors of an actor or dyad graph ranked by PageRank.

    Columns: `label, pagerank, betweenness, goldstein_out, goldstein_in` (Goldstein sums of
    the events the actor is source / target of), `events_as_source, events_as_target`;
    indexed by actor IRI, highest PageRank first. PageRank weighs each dyad by its number of
    events; betweenness is computed on the simple directed graph of dyads.
    """
    weights: dict[tuple[str, str], list[float]] = {}  # (s, t) -> [count, goldstein sum]
    for s, t, data in graph.edges(data=True):
        count = data.get("count", 1)
        gsum = data.get("goldstein_sum", data.get("goldstein")) or 0.0
        acc = weights.setdefault((s, t), [0, 0.0])
        acc[0] += count
        acc[1] += gsum
    simple = nx.DiGraph()
    simple.add_nodes_from(graph.nodes)
    for (s, t), (count, _) in weights.items():
        simple.add_edge(s, t, weight=count)
    pagerank = nx.pagerank(simple, weight="weight") if len(simple) else {}
    between = nx.betweenness_centrality(simple) if len(simple) else {}
    rows = []
    for node in graph.nodes:
        out_edges = [(c, g) for (s, _), (c, g) in weights.items() if s == node]
        in_edges = [(c, g) for (_, t), (c, g) in weights.items() if t == node]
        rows.append({
            "actor": node,
            "label": graph.nodes[node].get("label"),
            "pagerank": pagerank.get(node, 0.0),
            "betweenness": between.get(node, 0.0),
            "goldstein_out": round(sum(g for _, g in out_edges), 6),
            "goldstein_in": round(sum(g for _, g in in_edges), 6),
            "events_as_source": sum(c for c, _ in out_edges),
            "events_as_target": sum(c for c, _ in in_edges),
        })
    frame = pd.DataFrame(rows, columns=["actor", "label", "pagerank", "betweenness",
                                        "goldstein_out", "goldstein_in", "events_as_source",
                                        "events_as_target"])
    frame = frame.sort_values(["pagerank", "actor"], ascending=[False, True], kind="stable")
    return frame.set_index("actor")


def communities(events: Table, seed: int = 0, *, include_uncoded: bool = False) -> list[set[str]]:
    """Louvain communities of the cooperation network, largest first.

    The network is undirected: every actor of a coded event with a source and a target is a
    node; each pair gets an edge weighted by its number of cooperative events (QuadClass 1 or
    2). Actors with no cooperation form communities of one.
    """
    graph = nx.Graph()
    for row in _rows(events, include_uncoded):
        for source, target in _pairs(row):
            s, t = source["iri"], target["iri"]
            graph.add_nodes_from((s, t))
            if row.get("quad_class") is not None and int(row["quad_class"]) in (1, 2):
                w = graph.get_edge_data(s, t, {}).get("weight", 0)
                graph.add_edge(s, t, weight=w + 1)
    if not len(graph):
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


def signed_graph(events: Table, *, include_uncoded: bool = False) -> nx.Graph:
    """Undirected actor graph; each pair's `sign` is the sign (+1, -1, 0) of its Goldstein sum.

    Edge attributes: `goldstein_sum` (both directions), `count`, `sign`.
    """
    dyads = dyad_graph(events, include_uncoded=include_uncoded)
    graph = nx.Graph()
    graph.add_nodes_from(dyads.nodes(data=True))
    for s, t, data in dyads.edges(data=True):
        if graph.has_edge(s, t):
            graph[s][t]["goldstein_sum"] += data["goldstein_sum"]
            graph[s][t]["count"] += data["count"]
        else:
            graph.add_edge(s, t, goldstein_sum=data["goldstein_sum"], count=data["count"])
    for _, _, data in graph.edges(data=True):
        total = round(data["goldstein_sum"], 6)
        data["goldstein_sum"] = total
        data["sign"] = (total > 0) - (total < 0)
    return graph


def _nodes_named(graph: nx.Graph, actor: str) -> list[str]:
    if actor in graph:
        return [actor]
    found = [n for n, d in graph.nodes(data=True) if actor_matches({"iri": n, **d}, actor)]
    if not found:
        raise InputError(f"no actor {actor!r} in the graph: give an actor IRI, label, "
                         "actor code or country code (see `kg query actors`)")
    return found


def ego_network(graph: nx.Graph, actor: str, radius: int = 1) -> nx.Graph:
    """The sub-graph within `radius` steps of the actor(s) named `actor`, either direction."""
    egos = [nx.ego_graph(graph, n, radius=radius, undirected=True)
            for n in _nodes_named(graph, actor)]
    return nx.compose_all(egos)


_TIMELINE_COLUMNS = ["date", "event", "role", "other", "type", "cameo", "plover", "quad_class",
                     "goldstein", "modality", "text", "article"]


def timeline(events: Table, actor: str, *, include_uncoded: bool = False) -> pd.DataFrame:
    """The events `actor` is source or target of, by date (undated events last).

    Columns: `date` (Timestamp), `event`, `role` ("source", "target" or "source,target"),
    `other` (labels of the actors on the other side), `type, cameo, plover, quad_class,
    goldstein, modality, text, article`.
    """
    rows = []
    for row in _rows(events, include_uncoded):
        roles = [r for r in ("source", "target") if _involves(row, r, actor)]
        if not roles:
            continue
        other_role = "target" if roles == ["source"] else "source"
        others = [a.get("label") or a["iri"] for a in _actors_of(row.get(other_role))
                  if not actor_matches(a, actor)]
        rows.append({
            "date": event_day(row), "event": row.get("event"), "role": ",".join(roles),
            "other": ", ".join(others), **{c: row.get(c) for c in _TIMELINE_COLUMNS[4:]},
        })
    frame = pd.DataFrame(rows, columns=_TIMELINE_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["date", "event"], na_position="last", kind="stable").reset_index(
        drop=True)


_ESCALATION_COLUMNS = ["source", "target", "source_label", "target_label", "period_from",
                       "period_to", "goldstein_from", "goldstein_to", "change"]


def escalations(
    events: Table, threshold: float = -5.0, freq: str = "W", *, include_uncoded: bool = False
) -> pd.DataFrame:
    """Directed dyads whose Goldstein sum drops by more than |threshold| between two periods.

    Periods run over the whole table's date range and a dyad's sum is 0 in a period without
    events, so a dyad that appears with hostile events escalates from 0; the later period must
    have events (a dyad falling silent does not escalate). One row per drop: `source, target`
    (IRIs), their labels, `period_from, period_to` (first days), `goldstein_from,
    goldstein_to, change`; largest drop first.
    """
    period = _period(freq)
    limit = abs(threshold)
    sums: dict[tuple[str, str], dict[pd.Timestamp, float]] = {}
    labels: dict[str, str] = {}
    days = []
    for row in _rows(events, include_uncoded):
        day = event_day(row)
        if day is None:
            continue
        days.append(day)
        p = _period_start(day, period)
        g = float(row["goldstein"]) if row.get("goldstein") is not None else 0.0
        for source, target in _pairs(row):
            labels.setdefault(source["iri"], source.get("label") or source["iri"])
            labels.setdefault(target["iri"], target.get("label") or target["iri"])
            series = sums.setdefault((source["iri"], target["iri"]), {})
            series[p] = series.get(p, 0.0) + g
    periods = list(_full_range(days, period))
    found = []
    for (s, t), series in sums.items():
        values = [round(series.get(p, 0.0), 6) for p in periods]
        for i in range(1, len(periods)):
            change = round(values[i] - values[i - 1], 6)
            if change < -limit and periods[i] in series:
                found.append({"source": s, "target": t, "source_label": labels[s],
                              "target_label": labels[t], "period_from": periods[i - 1],
                              "period_to": periods[i], "goldstein_from": values[i - 1],
                              "goldstein_to": values[i], "change": change})
    frame = pd.DataFrame(found, columns=_ESCALATION_COLUMNS)
    return frame.sort_values(["change", "period_to", "source", "target"],
                             kind="stable").reset_index(drop=True)
