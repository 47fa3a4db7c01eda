"""`kg query --store DIR QUERY [-p name=value]...`: run a saved or inline SPARQL query."""
from __future__ import annotations

import argparse
import os
import sys

from kg.commands._args import add_source_arguments, open_source
from kg.errors import QueryError, QueryTimeout

NAME = "query"
HELP = "run a SPARQL query (a saved query's name, a .rq file or inline text); --list the saved ones"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="?", metavar="QUERY",
                   help="a saved query's name (see --list), a .rq file, or SPARQL text")
    add_source_arguments(p)
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a parameter (repeatable): an actor IRI or label, a date "
                        "YYYY-MM-DD, a number or text, as the query declares")
    p.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table",
                   help="output format (default table)")
    p.add_argument("--list", action="store_true", help="list the saved queries and their question")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="stop waiting after SECONDS (default 60; 0 = no limit)")
    p.add_argument("--no-cache", action="store_true",
                   help="compute the answer again, neither reading nor filling the store's "
                        "result cache (the cache is dropped by every write anyway)")


def _params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"bad parameter {item!r}: write -p name=value")
        params[name.strip()] = value
    return params


def _list() -> None:
    from kg.query import list_saved

    for q in list_saved():
        params = ", ".join(p.name for p in q.params)
        print(f"{q.name}: {q.question}" + (f"  [-p {params}]" if params else ""))


def run(args: argparse.Namespace) -> int:
    from kg.query import FORMATTERS, refuse_update, run as run_query, write_delimited
    import kg.store
    from kg.store import DEFAULT_TIMEOUT

    if args.list:
        _list()
        return 0
    if not args.query:
        raise QueryError("give a QUERY (a saved query's name, a .rq file or SPARQL text), "
                         "or --list to see the saved ones")
    refuse_update(args.query)
    params = _params(args.param)
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    if timeout < 0:
        raise QueryError(f"--timeout {args.timeout:g}: give a number of seconds, 0 for no limit")
    # this command ends the process at the limit (as it did when the limit raised, below), so
    # the store runs the query in this thread (kg.store.ON_TIMEOUT)
    kg.store.ON_TIMEOUT = _abandon
    try:
        with open_source(args) as store:
            if args.no_cache and hasattr(store, "use_result_cache"):
                store.use_result_cache = False
            if args.format in ("csv", "tsv"):
                # the engine writes the rows (no Python object per value), when it can
                sys.stdout.flush()
                if write_delimited(store, args.query, params, sys.stdout.buffer, args.format,
                                   timeout=timeout or None):
                    sys.stdout.buffer.flush()
                    return 0
            result = run_query(store, args.query, params, timeout=timeout or None)
    except QueryTimeout as err:  # a remote endpoint's
        _abandon(err)
    finally:
        kg.store.ON_TIMEOUT = None
    sys.stdout.write(FORMATTERS[args.format](result))
    return 0


def _abandon(err: QueryTimeout) -> None:
    """Out of time: the engine cannot be interrupted, so leave at once (status 3) rather than
    wait for it at exit."""
    print(f"kg: error: {err}", file=sys.stderr)
    sys.stderr.flush()
    os._exit(3)
