"""`kg viz --store DIR -o graph.html`: the actor network as one self-contained HTML page."""
from __future__ import annotations

import argparse
import sys

NAME = "viz"
HELP = "write the actor network as an interactive, self-contained HTML page"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory")
    p.add_argument("-o", "--output", default="graph.html", metavar="FILE",
                   help="the HTML file to write (default: graph.html)")
    p.add_argument("--start", metavar="DATE", help="only events on or after this date (YYYY-MM-DD)")
    p.add_argument("--end", metavar="DATE", help="only events on or before this date (YYYY-MM-DD)")
    p.add_argument("--cameo-root", metavar="NN", help="only events under this CAMEO root, e.g. 13")
    p.add_argument("--all-events", action="store_true",
                   help="also draw events without a CAMEO code (nested content, reports)")
    p.add_argument("--isolated", action="store_true", help="also draw actors without events")
    p.add_argument("--top", type=int, metavar="N",
                   help="only the N actors in the most events, and the events among them")
    p.add_argument("--title", help="the page title (default: Actor network)")


def run(args: argparse.Namespace) -> int:
    from kg.store import Store
    from kg.viz import store_viz

    with Store.open(args.store, read_only=True) as store:
        path = store_viz(store, args.output, start=args.start, end=args.end,
                         cameo_root=args.cameo_root, include_uncoded=args.all_events,
                         include_isolated=args.isolated, title=args.title, top=args.top)
    print(f"wrote {path}", file=sys.stderr)
    return 0
