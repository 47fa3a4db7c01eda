"""`kg serve --store DIR`: a read-only SPARQL endpoint and query page over a store."""
from __future__ import annotations

import argparse

from kg.errors import InputError

NAME = "serve"
HELP = "serve a store read-only over HTTP: SPARQL 1.1 Protocol at /sparql, a query page at /"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory (opened read-only)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything else is reachable "
                        "from the network, without authentication)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="time limit of one query; its worker process is killed at the limit "
                        "(default 10)")
    p.add_argument("--workers", "--max-running", type=int, default=4, metavar="N",
                   dest="workers", help="worker processes, i.e. queries running at once; "
                                        "further requests wait in a queue (default 4)")
    p.add_argument("--allow-service", action="store_true",
                   help="allow SERVICE (federated queries: the server then sends HTTP requests "
                        "for its clients)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="accept this Host header besides the bind address (repeatable), e.g. "
                        "the name of a reverse proxy")
    p.add_argument("--no-cache", action="store_true",
                   help="do not keep answers to repeat them (by default the 256 most recent, "
                        "up to 1 MiB each, are kept: the store is read-only while served)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="send CORS headers for this origin (repeatable; * for any)")


def run(args: argparse.Namespace) -> int:
    from kg.serve import serve

    if args.timeout <= 0:
        raise InputError(f"--timeout must be positive, got {args.timeout}")
    if args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be 0..65535, got {args.port}")
    serve(args.store, args.host, args.port, timeout=args.timeout, workers=args.workers,
          allow_service=args.allow_service, allow_hosts=args.allow_host, cors=args.cors,
          cache=not args.no_cache)
    return 0
