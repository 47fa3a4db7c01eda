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
                   help="time limit of one query (default 10)")
    p.add_argument("--max-running", type=int, default=4, metavar="N",
                   help="queries running at once, timed-out ones included (default 4)")


def run(args: argparse.Namespace) -> int:
    from kg.serve import serve

    if args.timeout <= 0:
        raise InputError(f"--timeout must be positive, got {args.timeout}")
    if args.max_running < 1:
        raise InputError(f"--max-running must be at least 1, got {args.max_running}")
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be 0..65535, got {args.port}")
    serve(args.store, args.host, args.port, timeout=args.timeout, max_running=args.max_running)
    return 0
