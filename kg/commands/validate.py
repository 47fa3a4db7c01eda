"""`kg validate --store DIR`: check a store against the SHACL shapes (ontology/shapes.ttl)."""
from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands._args import add_progress, show_progress
from kg.errors import InputError

NAME = "validate"
HELP = ("check a store against the SHACL shapes (or, with --reason, the OWL ontology with "
        "HermiT); exit 1 if there are violations or inconsistencies")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="store directory (opened read-only)")
    p.add_argument("--shapes", type=Path, default=None, metavar="FILE",
                   help="SHACL shapes in Turtle (default ontology/shapes.ttl)")
    p.add_argument("--inference", choices=("none", "rdfs"), default="none",
                   help="pySHACL inference on the data before checking (default none)")
    p.add_argument("--reason", action="store_true",
                   help="instead of SHACL: load the ontology and the graph into owlready2 and run "
                        "HermiT (needs java); report inconsistent individuals with their sentences")
    p.add_argument("--write-inferred", action="store_true",
                   help="with --reason: store the inferred types as the named graph "
                        "kgid:graph/inferred-types")
    p.add_argument("--sample", type=int, default=None, metavar="N",
                   help="with --reason: reason over N individuals spread over the store")
    p.add_argument("--chunk", type=int, default=2000, metavar="N",
                   help="with --reason: individuals per HermiT run (default 2000)")
    p.add_argument("--limit", type=int, default=50, metavar="N",
                   help="results shown per shape (default 50; 0 shows all)")
    add_progress(p)


def run(args: argparse.Namespace) -> int:
    from kg.progress import Steps
    from kg.store import Store
    from kg.validate import format_report, read_shapes, store_graph, validate_graph

    if args.limit < 0:
        raise InputError(f"--limit must be 0 or more, got {args.limit}")
    if args.reason:
        return _reason(args)
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


def _reason(args: argparse.Namespace) -> int:
    from kg.reason import format_reason_report, reason, write_inferred
    from kg.store import Store

    if args.chunk < 1 or (args.sample is not None and args.sample < 1):
        raise InputError("--chunk and --sample must be at least 1")
    with Store.open(args.store, read_only=not args.write_inferred) as store:
        report = reason(store, chunk=args.chunk, limit=args.sample)
        written = write_inferred(store, report) if args.write_inferred else None
    print(format_reason_report(report, limit=args.limit or None), end="")
    if written is not None:
        print(f"wrote {written} inferred types to kgid:graph/inferred-types")
    return 0 if report.consistent else 1
