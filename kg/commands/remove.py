"""`kg remove --store DIR ID...`: drop articles (their named graphs) from a store."""
from __future__ import annotations

import argparse
import sys

NAME = "remove"
HELP = "remove articles from a store by their input id; reports ids not found"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="+", metavar="ID", help="article ids (as in the input records)")
    p.add_argument("--store", required=True, metavar="DIR", help="store directory")


def run(args: argparse.Namespace) -> int:
    """Exit status 0 when every id was removed, 1 when some were not in the store."""
    from kg.store import Store

    with Store.open(args.store) as store:
        missing = store.remove_articles(args.ids)
    removed = len(args.ids) - len(missing)
    print(f"removed {removed} article{'s' if removed != 1 else ''}")
    for article_id in missing:
        print(f"kg: not in the store: {article_id}", file=sys.stderr)
    return 1 if missing else 0
