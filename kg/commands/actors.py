"""`kg actors --store DIR`: the actor table (JSON lines, CSV or an aligned table)."""
from __future__ import annotations

import argparse

from kg.commands._args import add_format, add_source_arguments, open_source

NAME = "actors"
HELP = "list the actors of a store (the actor table), most mentioned first"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    add_format(p, ("jsonl", "json", "csv", "table"), "jsonl")


def run(args: argparse.Namespace) -> int:
    from kg import tables
    from kg.commands.events import write_rows

    with open_source(args) as store:
        rows = tables.actor_rows(store)
    columns = list(tables.ACTOR_COLUMNS)
    if args.format in ("jsonl", "json"):
        write_rows(rows, columns, args.format)
    else:
        if args.format == "table":
            columns = ["label", "type", "country", "sector", "code", "mentions", "roles", "iri"]
        write_rows([tables.flat_actor_row(r) for r in rows], columns, args.format)
    return 0
