"""`kg events --store DIR`: the event table (JSON lines, JSON, CSV or an aligned table)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kg.commands._args import add_actor, add_format, add_progress, add_source_arguments, \
    add_window, open_source, show_progress
from kg.errors import InputError

NAME = "events"
HELP = "list the events of a store (the event table, see docs/event-table.md), optionally filtered"

FORMATS = ("jsonl", "json", "csv", "table")
#: the columns of `--format table` (a readable subset)
TABLE_COLUMNS = ["date", "type", "event_code", "modality", "source_label", "target_label",
                 "article", "char_start", "text"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    add_format(p, FORMATS, "jsonl")
    add_actor(p)
    add_window(p)
    p.add_argument("--cameo-root", metavar="NN",
                   help="only events coded under this CAMEO root (01-20)")
    p.add_argument("--modality", metavar="M", help="only events of this modality (actual, "
                   "threatened, directed, requested, planned, ...)")
    add_progress(p)


def _json_default(value: Any) -> Any:
    iso = getattr(value, "isoformat", None)
    return iso() if iso else str(value)


def write_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str,
               out: Any = None) -> None:
    """Write table rows as jsonl, json, csv or an aligned table to `out` (default stdout).
    JSON keeps every column (null when empty); dates are ISO text."""
    import csv

    out = out or sys.stdout
    if fmt in ("jsonl", "json"):
        records = [{c: r.get(c) for c in columns} for r in rows]
        if fmt == "json":
            out.write(json.dumps(records, ensure_ascii=False, default=_json_default, indent=1)
                      + "\n")
            return
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False, default=_json_default) + "\n")
        return
    cells = [["" if r.get(c) is None else str(r[c]) for c in columns] for r in rows]
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return
    cut = [[v if len(v) <= 50 else v[:49] + "…" for v in row] for row in cells]
    widths = [max([len(c)] + [len(row[i]) for row in cut]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cut:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")


def find_actor(store: Any, name: str) -> str | None:
    """The IRI `--actor` names; None (with a note on stderr) when no actor has that name, as a
    saved query given `-p actor=NAME` answers no rows; an error when several share it."""
    from kg import tables

    found = tables.match_actors(store, name)
    if len(found) > 1:
        raise InputError(f"--actor {name!r} names several actors: {', '.join(found)}; "
                         "give one IRI")
    if not found:
        close = tables.close_actor_names(store, name)
        hint = f" (close: {', '.join(close)})" if close else ""
        print(f"kg: no actor is named {name!r}{hint}; 0 events. Names are exact labels or "
              "aliases (see `kg actors`) or IRIs", file=sys.stderr)
        return None
    return found[0]


def run(args: argparse.Namespace) -> int:
    from kg import formats, tables
    from kg.progress import Steps

    with open_source(args) as store, \
            Steps("events", total=1, show=show_progress(args)) as steps:
        steps.step("reading the event table")
        rows: list[dict[str, Any]] = []
        actor = find_actor(store, args.actor) if args.actor else None
        if actor is not None or not args.actor:
            rows = tables.event_rows(store, actor=actor, start=args.start, end=args.end,
                                     cameo_root=args.cameo_root, modality=args.modality)
    if args.format in ("jsonl", "json"):
        write_rows(rows, list(tables.EVENT_COLUMNS), args.format)
    elif args.format == "csv":
        sys.stdout.write(formats.event_csv(rows))
    else:
        write_rows([tables.flat_event_row(r) for r in rows], TABLE_COLUMNS, "table")
    return 0
