"""Argument types shared by the CLI commands."""
from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD -> date, with a message naming the bad value."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}; use YYYY-MM-DD") from err


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
