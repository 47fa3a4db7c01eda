"""`kg warm --store DIR [QUERY...]`: compute the saved queries' answers once, so that their first
run after a build reads them from the store's result cache (`kg.results`)."""
from __future__ import annotations

import argparse
import sys

NAME = "warm"
HELP = ("compute every saved query's answer (no parameters) into the store's result cache, so "
        "that the first run after a build is fast")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("queries", nargs="*", metavar="QUERY",
                   help="saved query names (default: all of them; see `kg query --list`)")
    p.add_argument("--store", required=True, metavar="DIR", help="store directory")
    p.add_argument("--timeout", type=float, default=0, metavar="SECONDS",
                   help="give up a query after SECONDS (default 0: no limit)")


def run(args: argparse.Namespace) -> int:
    from kg.errors import QueryError
    from kg.query import load_saved, warm
    from kg.store import Store

    if args.timeout < 0:
        raise QueryError(f"--timeout {args.timeout:g}: give a number of seconds, 0 for no limit")
    for name in args.queries:
        load_saved(name)  # an unknown name is an error before any work
    failed = 0
    with Store.open(args.store, read_only=True) as store:
        if not store.use_result_cache:
            print("kg: warning: the result cache is off ($KG_RESULT_CACHE_MB=0): nothing is "
                  "kept", file=sys.stderr)
        for done in warm(store, args.queries or None, timeout=args.timeout or None):
            if done.error:
                failed += 1
                print(f"{done.name:<40} failed: {done.error}", file=sys.stderr)
            else:
                times = " + ".join(f"{s:.2f}" for s in done.seconds)
                print(f"{done.name:<40} {done.rows:>9,} rows  {times} s", flush=True)
    return 1 if failed else 0
