"""The options shared by the CLI commands, so that each means one thing everywhere.

`--store DIR`, `--from DATE`/`--to DATE` (a date window), `--actor A` (an IRI, label or alias),
`--format F`, `--no-progress`. Use these helpers rather than spelling an option again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

__all__ = ["iso_date", "add_store", "add_window", "add_actor", "add_format", "add_progress",
           "show_progress"]


def iso_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD -> date, with a message naming the bad value."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}; use YYYY-MM-DD") from err


def add_store(p: argparse.ArgumentParser, help: str = "store directory") -> None:
    p.add_argument("--store", required=True, metavar="DIR", help=help)


def add_window(p: argparse.ArgumentParser) -> None:
    """`--from`/`--to` (dest `start`/`end`): events ending on or after / beginning on or before.
    `--start`/`--end` are kept as hidden synonyms (older `kg viz` spelling)."""
    p.add_argument("--from", "--start", dest="start", type=iso_date, metavar="DATE",
                   help="only events ending on or after DATE (YYYY-MM-DD)")
    p.add_argument("--to", "--end", dest="end", type=iso_date, metavar="DATE",
                   help="only events beginning on or before DATE (YYYY-MM-DD)")


def add_actor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--actor", metavar="A", help="only events with this actor as source or "
                   "target: an IRI (full, or kgid:...) or an exact label or alias")


def add_format(p: argparse.ArgumentParser, choices: Sequence[str], default: str) -> None:
    p.add_argument("--format", "-f", choices=tuple(choices), default=default,
                   help=f"output format: {', '.join(choices)} (default {default})")


def add_progress(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (there is none either when stderr is not a terminal)")


def show_progress(args: argparse.Namespace) -> bool:
    """True when a progress bar should be drawn: stderr is a terminal and not --no-progress."""
    return not getattr(args, "no_progress", False) and sys.stderr.isatty()


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    """`--store DIR` or `--endpoint URL` (with `--default-graph IRI`): where queries run."""
    p.add_argument("--store", metavar="DIR", help="store directory")
    p.add_argument("--endpoint", metavar="URL",
                   help="a SPARQL 1.1 query endpoint instead of a store (e.g. one `kg publish` "
                        "sent the store to)")
    p.add_argument("--default-graph", metavar="IRI",
                   help="with --endpoint: the graph holding the union of the article graphs, "
                        "sent as default-graph-uri (as given to `kg publish --union-graph`)")


def open_source(args: argparse.Namespace):
    """The store (read-only) or the endpoint the arguments name; a context manager."""
    from kg.errors import InputError

    if bool(args.store) == bool(args.endpoint):
        raise InputError("give either --store DIR or --endpoint URL (one of the two)")
    if args.endpoint:
        from kg.remote import Endpoint

        return Endpoint(args.endpoint, default_graph=args.default_graph)
    from kg.store import Store

    return Store.open(args.store, read_only=True)
