"""`kg plot dyad USA MEX --store DIR -o dyad.png` and `kg plot timeline ACTOR --store DIR -o
t.png`: static pictures of a dyad's history and of an actor's events."""
from __future__ import annotations

import argparse
import sys

from kg.commands._args import add_progress, add_window, show_progress

NAME = "plot"
HELP = "draw a dyad's Goldstein history or an actor's timeline as a PNG"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="plot", metavar="KIND", required=True)
    dyad = sub.add_parser("dyad", help="Goldstein sum and events per period from SOURCE to TARGET",
                          description="Goldstein sum (bars) and number of events (line) per "
                          "period from SOURCE to TARGET. Actors are IRIs, labels, actor codes "
                          "or country codes (USA matches every U.S. actor).")
    dyad.add_argument("source", metavar="SOURCE")
    dyad.add_argument("target", metavar="TARGET")
    dyad.add_argument("--freq", choices=("auto", "D", "W", "M"), default="auto",
                      help="period: D day, W week, M month; auto (default) takes the finest "
                      "that draws at most 120 periods")
    tl = sub.add_parser("timeline", help="an actor's events by date, coloured by QuadClass",
                        description="The events ACTOR is source or target of, by date and "
                        "Goldstein score, coloured by QuadClass; the most extreme are labelled "
                        "with their CAMEO code (never overlapping). The dates shown are "
                        "--from/--to, else the range of the bulk of the events.")
    tl.add_argument("actor", metavar="ACTOR")
    add_window(tl)
    for q in (dyad, tl):
        q.add_argument("--store", required=True, metavar="DIR", help="store directory")
        q.add_argument("-o", "--output", required=True, metavar="FILE",
                       help="the picture to write (.png; .svg and .pdf work too)")
        q.add_argument("--all-events", action="store_true",
                       help="also count events without a CAMEO code")
        add_progress(q)


def run(args: argparse.Namespace) -> int:
    from kg import plot, tables
    from kg.progress import Steps
    from kg.store import Store

    with Steps("plot", total=2, show=show_progress(args)) as steps:
        steps.step("reading the event table")
        with Store.open(args.store, read_only=True) as store:
            events = tables.event_rows(store)
        steps.step("drawing")
        fig = _figure(args, events)
    print(f"wrote {plot.save_figure(fig, args.output)}", file=sys.stderr)
    return 0


def _figure(args: argparse.Namespace, events: list):  # noqa: ANN202 - a matplotlib Figure
    from kg import plot

    if args.plot == "dyad":
        fig = plot.dyad_figure(events, args.source, args.target, args.freq,
                               include_uncoded=args.all_events)
    else:
        fig = plot.timeline_figure(events, args.actor, include_uncoded=args.all_events,
                                   start=args.start, end=args.end)
    return fig
