"""`kg build PATH... --store DIR`: read articles, extract, and store their graphs."""
from __future__ import annotations

import argparse
import os
import sys

from kg.commands._args import iso_date
from kg.errors import InputError
from kg.nlp import DEFAULT_MODEL

NAME = "build"
HELP = "build the graph of news articles (.txt, .jsonl, .html, directories, - for stdin) into a store"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="article files (.txt one article, .jsonl one a line, .html), directories, or - for JSONL on stdin")
    p.add_argument("--store", required=True, metavar="DIR", help="store directory (created if missing)")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"installed spaCy English pipeline (default {DEFAULT_MODEL})")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="NLP processes (default 1)")
    p.add_argument("--cluster", metavar="ADDRESS", default=None,
                   help="run the NLP on a Dask cluster: a scheduler address (tcp://HOST:8786) "
                        "or local:N to start N local worker processes")
    p.add_argument("--date", type=iso_date, default=None, help="date of articles that state none (YYYY-MM-DD)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")


def run(args: argparse.Namespace) -> int:
    from kg.pipeline import build
    from kg.store import Store

    if args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    if args.workers > (os.cpu_count() or 1) * 2:
        print(f"kg: warning: {args.workers} workers on {os.cpu_count()} cores", file=sys.stderr)
    with Store.open(args.store, create=True) as store:
        summary = build(
            args.paths, store, model=args.model, workers=args.workers, default_date=args.date,
            cluster=args.cluster,
            progress=not args.no_progress and sys.stderr.isatty(),
            on_bad=(lambda bad: None) if args.quiet else None,
            on_undated=(lambda article: None) if args.quiet else None,
        )
    print(f"built {summary}")
    return 0
