"""`kg viz --store DIR -o graph.html`: the actor network as one self-contained HTML page."""
from __future__ import annotations

import argparse
import sys

from kg.commands._args import add_progress, add_store, add_window, show_progress
from kg.errors import InputError

NAME = "viz"
HELP = "write the actor network as an interactive, self-contained HTML page"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_store(p)
    p.add_argument("-o", "--output", default="graph.html", metavar="FILE",
                   help="the HTML file to write (default: graph.html)")
    add_window(p)
    p.add_argument("--cameo-root", metavar="NN", help="only events under this CAMEO root, e.g. 13")
    p.add_argument("--all-events", action="store_true",
                   help="also draw events without a CAMEO code (nested content, reports)")
    p.add_argument("--isolated", action="store_true", help="also draw actors without events")
    # the default is kg.viz.DEFAULT_TOP, read in `run`: importing kg.viz (networkx, pandas)
    # here would slow every kg command's start
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="draw the N actors in the most events and the events among them "
                        "(default 40; 0 draws every actor)")
    p.add_argument("--title", help="the page title (default: Actor network)")
    add_progress(p)


def run(args: argparse.Namespace) -> int:
    from kg.progress import Steps
    from kg.store import Store
    from kg.viz import DEFAULT_TOP, store_viz

    if args.top is None:
        args.top = DEFAULT_TOP
    if args.top < 0:
        raise InputError(f"--top must be 0 (every actor) or more, got {args.top}")
    with Store.open(args.store, read_only=True) as store, \
            Steps("viz", show=show_progress(args)) as steps:
        path = store_viz(store, args.output, start=args.start, end=args.end,
                         cameo_root=args.cameo_root, include_uncoded=args.all_events,
                         include_isolated=args.isolated, title=args.title, top=args.top or None,
                         step=steps.step)
    print(f"wrote {path}", file=sys.stderr)
    return 0
