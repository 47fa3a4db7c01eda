"""`kg export --store DIR --format F -o FILE`: write the graph, the event table or the network."""
from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands._args import add_progress, add_store, show_progress
from kg.errors import KGError

NAME = "export"
HELP = "export a store as RDF (ttl, nt, nq, trig, jsonld, rdfxml), the event table (csv), " \
       "the actor network (graphml, gexf) or the dataset's VoID/DCAT description (void)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.export import FORMATS

    add_store(p)
    p.add_argument("--format", "-f", required=True, choices=FORMATS, help="output format")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="output file, - for stdout")
    p.add_argument("--with-ontology", action="store_true",
                   help="add the ontology and the CAMEO/PLOVER schemes as their own graph")
    p.add_argument("--with-union", action="store_true",
                   help="nq, trig: add the union of the graphs as the default graph (loads as "
                        "is into any store)")
    p.add_argument("--compact", action="store_true",
                   help="ttl: the engine's grouped Turtle with prefixed names (3.2 times "
                        "smaller, about half as fast as the default one triple a line)")
    p.add_argument("--all-events", action="store_true",
                   help="graphml/gexf: also draw events without a CAMEO code (default: the "
                        "coded events, as KnowledgeGraph.to_networkx('actors'))")
    add_progress(p)


def run(args: argparse.Namespace) -> int:
    from kg.export import export
    from kg.store import Store

    if args.output != "-":
        parent = Path(args.output).parent
        if not parent.is_dir():
            raise KGError(f"{args.output}: directory {parent} does not exist; create it first")
    from kg.progress import Steps

    with Store.open(args.store, read_only=True) as store, \
            Steps("export", total=1, show=show_progress(args)) as steps:
        steps.step(f"writing {args.format}")
        try:
            export(store, args.output, args.format, with_ontology=args.with_ontology,
                   with_union=args.with_union, include_uncoded=args.all_events,
                   compact=args.compact)
        except OSError as err:
            raise KGError(f"{args.output}: cannot write: {err}") from err
    return 0
