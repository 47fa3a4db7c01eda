"""Publishing a store to a SPARQL 1.1 graph store, incrementally.

`publish(store, target)` makes the remote store hold what the embedded one holds: one named graph
per article (the same IRIs), and the union of the article graphs, as a set, in the remote
default graph (or in `union_graph` for stores whose default graph is not a graph of its own,
such as Virtuoso). Only what changed since the last publish to the same target is sent: the
state (a digest per article graph) is kept in the store folder, `publish/state-*.json`, and each
publish appends a line to `publish/log.jsonl`.

The union is kept by difference: the old content of every changed or removed article graph is
read back from the remote store; its triples that no local graph holds any more are deleted
from the remote union, and the triples of the changed graphs are inserted. The union is changed
before the article graphs are replaced, so a publish cut short leaves a state that the next one
(which reads the same old graphs again) completes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.remote import Endpoint, GraphStore
from kg.store import Store
from kg.vocab import ID

__all__ = ["PublishSummary", "publish", "graph_digests", "state_path"]

STATE_DIR = "publish"
_GRAPHS = ID + "graph/"


@dataclass(slots=True)
class PublishSummary:
    """What one publish sent."""

    target: str
    full: bool = False
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    union_deleted: int = 0
    union_inserted: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        kind = "full" if self.full else "incremental"
        return (f"{kind} publish to {self.target}: {len(self.added)} graphs added, "
                f"{len(self.replaced)} replaced, {len(self.removed)} removed, {self.unchanged} "
                f"unchanged; union -{self.union_deleted} +{self.union_inserted} triples; "
                f"{self.seconds:.1f} s")


def _graph_triples(store: Store, graph: str) -> list[ox.Triple]:
    return [q.triple for q in
            store.inner.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def _digest(triples: list[ox.Triple]) -> str:
    lines = sorted(str(t) for t in triples)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def graph_digests(store: Store) -> dict[str, str]:
    """A digest of each named graph's content (sha256 of its sorted N-Triples lines)."""
    return {g: _digest(_graph_triples(store, g)) for g in store.graphs()}


def state_path(store: Store, target: GraphStore, union_graph: str | None) -> Path:
    """Where the publish state of `store` for this target lives."""
    if store.path is None:
        raise KGError("publishing keeps its state in the store folder; open a store on disk")
    key = hashlib.sha256(f"{target.gsp_url}\n{union_graph or ''}".encode()).hexdigest()[:16]
    return store.path / STATE_DIR / f"state-{key}.json"


def _read_state(path: Path) -> dict[str, str] | None:
    if not path.is_file():
        return None
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["graphs"])
    except (ValueError, KeyError, TypeError) as err:
        raise KGError(f"{path}: unreadable publish state ({err}); delete it and publish with "
                      "--full") from err


def _write_state(path: Path, target: GraphStore, union_graph: str | None,
                 digests: dict[str, str], summary: PublishSummary) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"target": target.gsp_url, "update": target.update_url,
                               "union_graph": union_graph, "published": now,
                               "graphs": digests}, indent=1, sort_keys=True) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
    with (path.parent / "log.jsonl").open("a", encoding="utf-8") as log:
        entry = asdict(summary) | {"time": now, "union_graph": union_graph}
        for key in ("added", "replaced", "removed"):
            entry[key] = len(entry[key])
        log.write(json.dumps(entry) + "\n")


def _remote_graphs(endpoint: Endpoint) -> set[str]:
    rows = endpoint.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"FILTER(STRSTARTS(STR(?g), \"{_GRAPHS}\")) }}")
    return {r["g"] for r in rows}


def publish(store: Store, target: GraphStore, *, union_graph: str | None = None,
            endpoint: Endpoint | None = None, full: bool = False) -> PublishSummary:
    """Send what changed in `store` since the last publish to `target` (all of it when `full`
    or the first time); returns what was sent.

    `union_graph` names the remote graph that holds the union (None: the default graph).
    On a full publish, `endpoint` (the target's query service), when given, is asked for the
    article graphs the remote store holds beyond the local ones, and those are removed.
    """
    started = time.perf_counter()
    summary = PublishSummary(target.gsp_url)
    path = state_path(store, target, union_graph)
    before = None if full else _read_state(path)
    digests = graph_digests(store)
    if before is None:
        summary.full = True
        stale = sorted(_remote_graphs(endpoint) - set(digests)) if endpoint else []
        union = [q.triple for q in
                 store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph())]
        target.put(union_graph, union)
        summary.union_inserted = len(union)
        for g in digests:
            target.put(g, _graph_triples(store, g))
            summary.added.append(g)
        for g in stale:
            target.delete(g)
            summary.removed.append(g)
    else:
        changed = [g for g in digests if before.get(g) != digests[g]]
        removed = sorted(set(before) - set(digests))
        summary.unchanged = len(digests) - len(changed)
        old: set[ox.Triple] = set()
        for g in changed + removed:
            if g in before:
                old.update(target.get(g))
        new: set[ox.Triple] = set()
        for g in changed:
            new.update(_graph_triples(store, g))
        gone = [t for t in old
                if ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) not in store.inner]
        fresh = [t for t in new if t not in old]
        target.change(union_graph, delete=gone, insert=fresh)
        summary.union_deleted, summary.union_inserted = len(gone), len(fresh)
        for g in changed:
            target.put(g, _graph_triples(store, g))
            (summary.replaced if g in before else summary.added).append(g)
        for g in removed:
            target.delete(g)
            summary.removed.append(g)
    summary.seconds = time.perf_counter() - started
    _write_state(path, target, union_graph, digests, summary)
    return summary
