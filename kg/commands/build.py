"""`kg build PATH... --store DIR`: read articles, extract, and store their graphs."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from kg.commands._args import add_progress, iso_date, show_progress
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
    add_progress(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")


def _remove_new_store(root: Path, keep_dir: bool) -> None:
    """Remove a store this command created (it failed before holding any article); an empty
    directory given by the user stays, emptied again."""
    for entry in (list(root.iterdir()) if keep_dir else [root]):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if (keep_dir and any(root.iterdir())) or (not keep_dir and root.exists()):
        print(f"kg: could not remove the unfinished store {root}; delete it by hand",
              file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from kg.dataset import record_build
    from kg.pipeline import build
    from kg.store import Store

    if args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    if args.workers > (os.cpu_count() or 1) * 2:
        print(f"kg: warning: {args.workers} workers on {os.cpu_count()} cores", file=sys.stderr)
    for path in args.paths:  # before any store is made: a failed build leaves nothing behind
        if path != "-" and not os.path.exists(path):
            raise InputError(f"{path}: no such file or directory; check the path")
    root = Path(args.store)
    existed = root.exists()
    new = not existed or (root.is_dir() and not any(root.iterdir()))
    show = show_progress(args)
    started = dt.datetime.now(dt.timezone.utc)
    store = Store.open(root, create=True)
    try:
        summary = build(
            args.paths, store, model=args.model, workers=args.workers,
            default_date=args.date, cluster=args.cluster, progress=show,
            on_bad=(lambda bad: None) if args.quiet else None,
            on_undated=(lambda article: None) if args.quiet else None,
        )
    except BaseException:
        holds_articles = bool(store.article_ids())
        store.close()
        if new and not holds_articles:  # leave no empty store behind
            _remove_new_store(root, keep_dir=existed)
        raise
    store.close()
    record_build(root, model=args.model, started=started,
                 ended=dt.datetime.now(dt.timezone.utc), articles=summary.articles,
                 cluster=args.cluster)
    print(f"built {summary}")
    return 0
