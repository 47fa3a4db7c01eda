"""`kg publish --store DIR --to URL`: send the store to a SPARQL 1.1 graph store, incrementally."""
from __future__ import annotations

import argparse

NAME = "publish"
HELP = ("send a store to a SPARQL 1.1 Graph Store Protocol / Update endpoint: one named graph "
        "per article, the union as default graph; only what changed since the last publish")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory")
    p.add_argument("--to", required=True, metavar="URL",
                   help="the Graph Store Protocol address (Oxigraph http://HOST:PORT/store, "
                        "Virtuoso http://HOST:PORT/sparql-graph-crud, Fuseki .../DATASET/data)")
    p.add_argument("--update", metavar="URL", default=None,
                   help="SPARQL Update address, where it is not the usual one beside --to")
    p.add_argument("--query", metavar="URL", default=None,
                   help="SPARQL query address (used by --full to find stale article graphs)")
    p.add_argument("--union-graph", metavar="IRI", default=None,
                   help="keep the union in this named graph instead of the default graph "
                        "(for stores whose default graph is every graph, e.g. Virtuoso)")
    p.add_argument("--timeout", type=float, default=0, metavar="SECONDS",
                   help="give up (an error, the next publish completes the work) when the whole "
                        "publish takes longer than this; 0 (default): only each request is "
                        "bounded (10 minutes)")
    p.add_argument("--full", action="store_true",
                   help="send everything, not only what changed since the last publish")


def run(args: argparse.Namespace) -> int:
    from kg.publish import publish
    from kg.errors import InputError
    from kg.remote import Deadline, Endpoint, GraphStore, derive_address
    from kg.store import Store

    if args.timeout < 0:
        raise InputError(f"--timeout {args.timeout:g}: give a number of seconds, 0 for no limit")
    deadline = Deadline(args.timeout or None)
    target = GraphStore(args.to, update_url=args.update, query_url=args.query,
                        deadline=deadline)
    endpoint = None
    if args.full:
        query_url = args.query or derive_address(args.to, "query")
        endpoint = Endpoint(query_url, default_graph=args.union_graph, deadline=deadline)
    with Store.open(args.store, read_only=True) as store:
        summary = publish(store, target, union_graph=args.union_graph, endpoint=endpoint,
                          full=args.full)
    print(summary)
    return 0
