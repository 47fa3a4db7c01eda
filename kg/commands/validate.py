"""`kg validate --store DIR`: check a store against the SHACL shapes (ontology/shapes.ttl)."""
from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands._args import add_progress, show_progress
from kg.errors import InputError

NAME = "validate"
HELP = "check a store against the SHACL shapes; exit 1 if there are violations"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory (opened read-only)")
    p.add_argument("--shapes", type=Path, default=None, metavar="FILE",
                   help="SHACL shapes in Turtle (default ontology/shapes.ttl)")
    p.add_argument("--inference", choices=("none", "rdfs"), default="none",
                   help="pySHACL inference on the data before checking (default none)")
    p.add_argument("--limit", type=int, default=50, metavar="N",
                   help="results shown per shape (default 50; 0 shows all)")
    add_progress(p)


def run(args: argparse.Namespace) -> int:
    from kg.progress import Steps
    from kg.store import Store
    from kg.validate import format_report, read_shapes, store_graph, validate_graph

    if args.limit < 0:
        raise InputError(f"--limit must be 0 or more, got {args.limit}")
    if args.shapes is not None and not args.shapes.is_file():
        raise InputError(f"{args.shapes}: no such shapes file; give a Turtle file of SHACL shapes")
    shapes = read_shapes(args.shapes) if args.shapes is not None else None
    with Store.open(args.store, read_only=True) as store, \
            Steps("validate", total=2, show=show_progress(args)) as steps:
        steps.step("reading the store")
        graph = store_graph(store)
        steps.step(f"checking {len(graph)} triples against the shapes")
        report = validate_graph(graph, shapes=shapes, inference=args.inference)
    print(format_report(report, limit=args.limit or None), end="")
    return 0 if report.conforms else 1
