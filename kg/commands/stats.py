"""`kg stats --store DIR`: what a store holds (articles, events, actors, triples)."""
from __future__ import annotations

import argparse
import json

NAME = "stats"
HELP = "count the articles, events (by class, CAMEO root), actors (by type), triples of a store"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from kg.store import Store

    with Store.open(args.store, read_only=True) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    for key in ("articles", "events", "actors", "triples", "quads", "graphs"):
        print(f"{key:<10} {stats[key]:>8}")
    for title, key in (("events by class", "events_by_class"),
                       ("events by CAMEO root", "events_by_cameo_root"),
                       ("actors by type", "actors_by_type")):
        print(f"\n{title}:")
        for name, n in stats[key].items():
            print(f"  {name:<28} {n:>6}")
    return 0
