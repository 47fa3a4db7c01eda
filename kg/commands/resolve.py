"""`kg resolve --store DIR`: merge person nodes that name the same person across articles."""
from __future__ import annotations

import argparse

NAME = "resolve"
HELP = ("merge person nodes whose name is a shorter form of exactly one fuller person node "
        "(\"Clinton\" into \"Hillary Clinton\"); `kg build` runs this at its end")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="list each merge and each ambiguous name left alone")


def run(args: argparse.Namespace) -> int:
    """Exit status 0; prints what was merged."""
    from kg.resolve import merge_actors
    from kg.store import Store

    with Store.open(args.store) as store:
        report = merge_actors(store)
    print(report)
    if args.verbose:
        for old, new in report.merged:
            print(f"merged {old} -> {new}")
        for old, cands in report.ambiguous:
            print(f"ambiguous {old}: {' '.join(cands)}")
    return 0
