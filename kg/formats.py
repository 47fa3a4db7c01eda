"""Writers of the non-RDF exports: the event table as CSV (with CSVW metadata) and the actor
network as GraphML or GEXF.

The CSV has the columns of `kg.tables.EVENT_COLUMNS` (documented, with their GDELT/POLECAT
counterparts, in kg/data/event_columns.csv and docs/event-table.md). Every text cell is
quoted and numbers are not, so CAMEO codes keep their leading zero ("010") in tools that honour
quotes; pandas does not, hence `read_event_csv`, which reads the file with the schema's types
(codes as strings, dates as datetimes). `csvw_metadata` is the W3C CSV on the Web description of
the same columns; `write_export` writes it beside a CSV file as `<file>-metadata.json`, where
CSVW processors look for it.

The network is `kg.networks.actor_graph`, the same graph as `KnowledgeGraph.to_networkx("actors")`:
actors as nodes (the actor table's actors, with or without events), one edge per coded event and
(source, target) pair, keyed by the event IRI; `include_uncoded=True` (`kg export
--all-events`) adds the events without a CAMEO code. GraphML and GEXF have no null and reserve
some names, so: empty values are left out of a node or edge, lists become `; `-joined text, and
the event class (`type` in networkx) is written as `event_type` and as the edge `label` (GEXF's
edge `type` may only be directed, undirected or mutual).

>>> import io
>>> from kg.store import Store
>>> buf = io.BytesIO(); _ = write_export(Store.memory(), buf, "csv"); buf.getvalue()[:8]
b'"event",'
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import networkx as nx

from kg import networks, tables
from kg.errors import KGError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from kg.store import Store

__all__ = ["FORMATS", "write_export", "event_csv", "csvw_metadata", "read_event_csv",
           "pandas_dtypes", "export_network", "columns_markdown"]

FORMATS: tuple[str, ...] = ("csv", "graphml", "gexf")

#: CSVW datatype -> pandas dtype (dates are parsed separately)
_PANDAS = {"string": "string", "integer": "Int64", "decimal": "float64", "double": "float64",
           "boolean": "boolean"}


# -- the event table ----------------------------------------------------------------------------
def event_csv(rows: list[dict[str, Any]]) -> str:
    """Event rows (from `kg.tables.event_rows`) as CSV text: a header of `EVENT_COLUMNS`, every
    text cell quoted, numbers bare, empty cells `""`.

    >>> event_csv([]).startswith('"event","article","published","url","char_start"')
    True
    """
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow(tables.EVENT_COLUMNS)
    for row in rows:
        flat = tables.flat_event_row(row)
        writer.writerow([flat.get(c) for c in tables.EVENT_COLUMNS])
    return buf.getvalue()


def csvw_metadata(csv_name: str) -> dict[str, Any]:
    """The CSVW (W3C CSV on the Web) metadata of an event CSV named `csv_name`: each column's
    name, datatype and description; empty cells are null.

    >>> meta = csvw_metadata("events.csv")
    >>> meta["url"], meta["tableSchema"]["columns"][0]["name"]
    ('events.csv', 'event')
    """
    columns = []
    for c in tables.EVENT_SCHEMA:
        counterpart = "; ".join(f"{k}: {v}" for k, v in (("GDELT", c.gdelt),
                                                          ("POLECAT", c.polecat)) if v != "-")
        columns.append({
            "name": c.name, "titles": c.name, "datatype": c.datatype,
            "dc:description": c.description + (f" ({counterpart})" if counterpart else ""),
            "null": "",
        })
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_name,
        "dc:title": "kg event table",
        "dialect": {"header": True, "doubleQuote": True},
        "tableSchema": {"columns": columns, "primaryKey": "event"},
    }


def pandas_dtypes() -> tuple[dict[str, str], list[str]]:
    """(`dtype` mapping, date columns) for `pandas.read_csv` of an event CSV."""
    dtypes = {c.name: _PANDAS[c.datatype] for c in tables.EVENT_SCHEMA if c.datatype != "date"}
    dates = [c.name for c in tables.EVENT_SCHEMA if c.datatype == "date"]
    return dtypes, dates


def read_event_csv(path: str | Path | IO[str]) -> pd.DataFrame:
    """An event CSV as a DataFrame typed by its schema: codes and ids as strings, `date_start`,
    `date_end`, `published` as datetimes, counts as nullable integers, `is_root` boolean.
    (Plain `pandas.read_csv` ignores quotes when guessing types and would read "010" as 10.)
    """
    import pandas as pd

    dtypes, dates = pandas_dtypes()
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for name in (d for d in dates if d in frame):
        frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame


def columns_markdown() -> str:
    """The column table of docs/event-table.md (made from kg/data/event_columns.csv)."""
    lines = ["| column | type | what it holds | GDELT | POLECAT |", "|---|---|---|---|---|"]
    for c in tables.EVENT_SCHEMA:
        lines.append(f"| `{c.name}` | {c.datatype} | {c.description} | {c.gdelt} | {c.polecat} |")
    return "\n".join(lines) + "\n"


# -- the actor network --------------------------------------------------------------------------
def _attrs(data: dict[str, Any]) -> dict[str, Any]:
    """Attributes GraphML/GEXF can hold: None dropped, lists joined, dates as ISO text."""
    out = {}
    for k, v in data.items():
        if v is None or v == [] or v == "":
            continue
        if isinstance(v, (list, tuple)):
            v = "; ".join(map(str, v))
        elif isinstance(v, (dt.date, dt.datetime)):
            v = v.isoformat()
        out[k] = v
    return out


def export_network(store: Store, *, include_uncoded: bool = False) -> nx.MultiDiGraph:
    """The actor network as written to GraphML/GEXF: `KnowledgeGraph.to_networkx("actors")`
    with empty values dropped and the edge attribute `type` renamed `event_type` (also the
    edge `label`)."""
    graph = networks.actor_graph(tables.event_rows(store), tables.actor_rows(store),
                                 include_uncoded=include_uncoded)
    out = nx.MultiDiGraph(name="kg actor network")
    for node, data in graph.nodes(data=True):
        out.add_node(node, **_attrs(data))
    for s, t, key, data in graph.edges(keys=True, data=True):
        attrs = _attrs(data)
        if "type" in attrs:
            attrs["event_type"] = attrs.pop("type")
            attrs["label"] = attrs["event_type"]
        out.add_edge(s, t, key=key, **attrs)
    return out


def _network_bytes(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buf)
    else:
        nx.write_gexf(graph, buf)
    return buf.getvalue()


def write_export(store: Store, out: IO[bytes] | str | Path, fmt: str, *,
                 include_uncoded: bool = False) -> list[Path]:
    """Write the event table (`csv`) or the actor network (`graphml`, `gexf`) of `store` to a
    binary stream or a path; returns the files written (a CSV path gets its CSVW metadata
    beside it, `<file>-metadata.json`)."""
    if fmt not in FORMATS:
        raise KGError(f"unknown table/network format {fmt!r}; valid: {', '.join(FORMATS)}")
    if fmt == "csv":
        payload = event_csv(tables.event_rows(store)).encode("utf-8")
    else:
        payload = _network_bytes(export_network(store, include_uncoded=include_uncoded), fmt)
    if not isinstance(out, (str, Path)):
        out.write(payload)
        return []
    path = Path(out)
    path.write_bytes(payload)
    written = [path]
    if fmt == "csv":
        meta = path.with_name(path.name + "-metadata.json")
        meta.write_text(json.dumps(csvw_metadata(path.name), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(meta)
    return written
