"""`kg events --store DIR`: the event table (JSON lines, CSV or an aligned table)."""
from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from kg.commands._args import add_source_arguments, iso_date, open_source

NAME = "events"
HELP = "list the events of a store (the event table), optionally filtered"

FORMATS = ("jsonl", "csv", "table")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    p.add_argument("--format", choices=FORMATS, default="jsonl",
                   help="jsonl (one JSON object a line, default), csv or table")
    p.add_argument("--actor", metavar="A", help="only events with this actor (IRI or exact "
                   "label/alias) as source or target")
    p.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                   help="only events ending on or after DATE (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                   help="only events beginning on or before DATE (YYYY-MM-DD)")
    p.add_argument("--cameo-root", metavar="NN",
                   help="only events coded under this CAMEO root (01-20)")
    p.add_argument("--modality", metavar="M", help="only events of this modality (actual, "
                   "threatened, directed, requested, planned, ...)")


def write_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str,
               out: Any = None) -> None:
    """Write table rows as jsonl, csv or an aligned table to `out` (default stdout)."""
    out = out or sys.stdout
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
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


def run(args: argparse.Namespace) -> int:
    from kg import tables
    from kg.query import resolve_actor

    with open_source(args) as store:
        actor = resolve_actor(store, args.actor).value if args.actor else None
        rows = tables.event_rows(store, actor=actor, start=args.start, end=args.end,
                                 cameo_root=args.cameo_root, modality=args.modality)
    if args.format == "jsonl":
        write_rows(rows, list(tables.EVENT_COLUMNS), "jsonl")
        return 0
    flat = [tables.flat_event_row(r) for r in rows]
    columns = list(tables.EVENT_COLUMNS)
    if args.format == "csv":
        columns += ["source_iri", "target_iri"]
    else:  # a readable subset
        columns = ["date", "type", "cameo", "modality", "source", "target", "article", "start",
                   "text"]
    write_rows(flat, columns, args.format)
    return 0
