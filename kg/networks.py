"""Networks: the event, actor and stance tables as networkx graphs.

Every function takes tables (a pandas DataFrame or a list of row dicts, as returned by
`kg.tables` or `KnowledgeGraph.events()`) and returns a networkx graph whose nodes are actor
IRIs. Actor nodes carry `label`, `type`, `country`, `sector`, `code`.

By default only *coded* events (those with a CAMEO code) make edges between actors, as an
event coder would count them; pass `include_uncoded=True` to add the rest.

>>> events = [{"event": "e1", "cameo": "138", "quad_class": 4, "goldstein": -7.0,
...            "date": "2026-01-08", "source": [{"iri": "a:usa", "label": "United States"}],
...            "target": [{"iri": "a:mex", "label": "Mexico"}]}]
>>> g = dyad_graph(events)
>>> g["a:usa"]["a:mex"]["conflict"], g.nodes["a:mex"]["label"]
(1, 'Mexico')
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

import networkx as nx

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ACTOR_ATTRS",
    "actor_graph",
    "dyad_graph",
    "event_graph",
    "stance_graph",
    "triple_graph",
    "table_rows",
    "is_coded",
]

#: Node attributes copied from actor records onto actor nodes.
ACTOR_ATTRS = ("label", "type", "country", "sector", "code")

Table = Union["pd.DataFrame", Sequence[Mapping[str, Any]], None]


def _clean(value: Any) -> Any:
    """NaN/NaT (what pandas puts in empty cells) -> None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def table_rows(table: Table) -> list[dict[str, Any]]:
    """A DataFrame or a list of mappings -> a list of plain dicts with None for empty cells."""
    if table is None:
        return []
    if hasattr(table, "to_dict"):
        records = table.to_dict("records")  # type: ignore[union-attr]
    else:
        records = list(table)
    return [{k: _clean(v) for k, v in dict(r).items()} for r in records]


def _actors_of(value: Any) -> list[dict[str, Any]]:
    """The source/target cell of an event row -> a list of actor dicts (IRI strings accepted)."""
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        value = [value]
    out = []
    for item in value:
        if isinstance(item, str):
            out.append({"iri": item})
        elif item is not None and item.get("iri"):
            out.append(dict(item))
    return out


def is_coded(row: Mapping[str, Any]) -> bool:
    """True if the event has a CAMEO code (what an event coder would count)."""
    return row.get("cameo") not in (None, "")


def _add_actor(graph: nx.Graph, actor: Mapping[str, Any]) -> str:
    node = actor["iri"]
    if node not in graph:
        graph.add_node(node, **{a: None for a in ACTOR_ATTRS})
    data = graph.nodes[node]
    for a in ACTOR_ATTRS:
        if data.get(a) is None and actor.get(a) is not None:
            data[a] = actor[a]
    return node


def _fill_labels(graph: nx.Graph) -> None:
    """Actors nobody labelled get the last segment of their IRI as label."""
    for node, data in graph.nodes(data=True):
        if "label" in data and data["label"] is None:
            data["label"] = str(node).rsplit("/", 1)[-1]


def _add_actor_table(graph: nx.Graph, actors: Table) -> None:
    for actor in table_rows(actors):
        if actor.get("iri"):
            _add_actor(graph, actor)


def _pairs(row: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The (source, target) actor pairs of one event, without self-pairs."""
    for source in _actors_of(row.get("source")):
        for target in _actors_of(row.get("target")):
            if source["iri"] != target["iri"]:
                yield source, target


def _quad(row: Mapping[str, Any]) -> int | None:
    q = row.get("quad_class")
    return int(q) if q is not None else None


def _goldstein(row: Mapping[str, Any]) -> float | None:
    g = row.get("goldstein")
    return float(g) if g is not None else None


def actor_graph(
    events: Table, actors: Table = None, *, include_uncoded: bool = False
) -> nx.MultiDiGraph:
    """Actor -> actor multigraph: one edge per event per source x target pair.

    Edge keys are event IRIs; edge attributes: `event, type, cameo, plover, goldstein,
    quad_class, date, modality, evidence` (the sentence), `article`. Actors from `actors`
    that take part in no event are kept as isolated nodes.
    """
    graph = nx.MultiDiGraph(view="actors")
    _add_actor_table(graph, actors)
    for row in table_rows(events):
        if not include_uncoded and not is_coded(row):
            continue
        for source, target in _pairs(row):
            s, t = _add_actor(graph, source), _add_actor(graph, target)
            graph.add_edge(
                s, t, key=row.get("event"),
                event=row.get("event"), type=row.get("type"), cameo=row.get("cameo"),
                plover=row.get("plover"), goldstein=_goldstein(row), quad_class=_quad(row),
                date=row.get("date"), modality=row.get("modality"),
                evidence=row.get("text"), article=row.get("article"),
            )
    _fill_labels(graph)
    return graph


def dyad_graph(
    events: Table, actors: Table = None, *, include_uncoded: bool = False
) -> nx.DiGraph:
    """Actor -> actor graph with one edge per directed dyad, aggregating its events.

    Edge attributes: `count`, `goldstein_sum`, `goldstein_mean` (over events with a score,
    None if none has one), `q1`..`q4` (events per QuadClass), `coop` (q1 + q2), `conflict`
    (q3 + q4), `balance` = (coop - conflict) / count, and `events` (the event IRIs).
    """
    graph = nx.DiGraph(view="dyads")
    _add_actor_table(graph, actors)
    scored: dict[tuple[str, str], int] = {}
    for row in table_rows(events):
        if not include_uncoded and not is_coded(row):
            continue
        for source, target in _pairs(row):
            s, t = _add_actor(graph, source), _add_actor(graph, target)
            if not graph.has_edge(s, t):
                graph.add_edge(s, t, count=0, goldstein_sum=0.0, q1=0, q2=0, q3=0, q4=0,
                               events=[])
            edge = graph[s][t]
            edge["count"] += 1
            edge["events"].append(row.get("event"))
            g = _goldstein(row)
            if g is not None:
                edge["goldstein_sum"] += g
                scored[s, t] = scored.get((s, t), 0) + 1
            q = _quad(row)
            if q in (1, 2, 3, 4):
                edge[f"q{q}"] += 1
    for s, t, edge in graph.edges(data=True):
        n = scored.get((s, t), 0)
        edge["goldstein_sum"] = round(edge["goldstein_sum"], 6)
        edge["goldstein_mean"] = round(edge["goldstein_sum"] / n, 6) if n else None
        edge["coop"] = edge["q1"] + edge["q2"]
        edge["conflict"] = edge["q3"] + edge["q4"]
        edge["balance"] = (edge["coop"] - edge["conflict"]) / edge["count"]
    _fill_labels(graph)
    return graph


def event_graph(events: Table, actors: Table = None) -> nx.DiGraph:
    """Events and actors as nodes: source -> event ("source"), event -> target ("target"),
    parent event -> nested event ("content").

    Nodes have `kind` "event" or "actor"; event nodes carry the event row's scalar columns;
    edges carry `role`. All events are included, coded or not.
    """
    graph = nx.DiGraph(view="events")
    _add_actor_table(graph, actors)
    for node in graph:
        graph.nodes[node]["kind"] = "actor"
    rows = table_rows(events)
    for row in rows:
        attrs = {k: v for k, v in row.items() if k not in ("source", "target", "event")}
        attrs["kind"] = "event"
        graph.add_node(row["event"], **attrs)
    for row in rows:
        e = row["event"]
        for actor in _actors_of(row.get("source")):
            graph.nodes[_add_actor(graph, actor)].setdefault("kind", "actor")
            graph.add_edge(actor["iri"], e, role="source")
        for actor in _actors_of(row.get("target")):
            graph.nodes[_add_actor(graph, actor)].setdefault("kind", "actor")
            graph.add_edge(e, actor["iri"], role="target")
        parent = row.get("parent")
        if parent:
            if parent not in graph:
                graph.add_node(parent, kind="event")
            graph.add_edge(parent, e, role="content")
    _fill_labels(graph)
    return graph


def stance_graph(stances: Table, actors: Table = None) -> nx.MultiDiGraph:
    """Holder -> target multigraph of stances (rows of `queries/stances.rq`).

    Edge keys are stance IRIs; attributes `kind`, `polarity`, `target_action`, `text`,
    `article`. A stance toward a kind of action only (no target actor) points to a node
    `action:<text>` of kind "action".
    """
    graph = nx.MultiDiGraph(view="stances")
    _add_actor_table(graph, actors)
    for row in table_rows(stances):
        holder = row.get("holder")
        if not holder:
            continue
        h = _add_actor(graph, {"iri": holder, "label": row.get("holder_label")})
        target = row.get("target")
        action = row.get("target_action")
        if target:
            t = _add_actor(graph, {"iri": target, "label": row.get("target_label")})
        elif action:
            t = f"action:{action}"
            graph.add_node(t, kind="action", label=action)
        else:
            continue
        polarity = row.get("polarity")
        graph.add_edge(
            h, t, key=row.get("stance"), stance=row.get("stance"), kind=row.get("kind"),
            polarity=int(polarity) if polarity is not None else None, target_action=action,
            text=row.get("text"), article=row.get("article"),
        )
    _fill_labels(graph)
    return graph


def triple_graph(store: Any) -> nx.MultiDiGraph:
    """Every IRI-valued triple of a store as an edge subject -> object keyed by predicate.

    `store` is a `kg.store.Store` or a `pyoxigraph.Store`; triples repeated in several named
    graphs give one edge. Nodes with an `rdfs:label` carry it as `label`.
    """
    from pyoxigraph import Literal, NamedNode

    from kg.vocab import RDFS

    inner = getattr(store, "inner", store)
    label = RDFS + "label"
    graph = nx.MultiDiGraph(view="triples")
    labels: dict[str, str] = {}
    for quad in inner.quads_for_pattern(None, None, None, None):
        s, p, o = quad.subject, quad.predicate, quad.object
        if not isinstance(s, NamedNode):
            continue
        if isinstance(o, NamedNode):
            graph.add_edge(s.value, o.value, key=p.value, predicate=p.value)
        elif isinstance(o, Literal) and p.value == label:
            labels.setdefault(s.value, o.value)
    for node, text in labels.items():
        if node in graph:
            graph.nodes[node]["label"] = text
    return graph
