"""`kg explain "TEXT" | FILE`: how the coder reads a sentence or an article, step by step.

Prints, for each article: the parse of every sentence with a trigger (token, lemma, tag,
dependency, head, entity), the triggers found and the lexicon rows behind them, each rule that
fired (with what it changed) or declined, in the order they ran, and the resulting events with
their codes and the countries of their sides. The tool to fix a mechanism instead of a sentence.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import TextIO

from kg.commands._args import iso_date

NAME = "explain"
HELP = "show how the coder reads a sentence or an article: parse, triggers, rules, events"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="TEXT|FILE", help="a sentence in quotes, or an article file "
                   "(.txt, .html, .jsonl: every article in it, or the one given by --id)")
    p.add_argument("--id", metavar="ID", help="only the article with this id (in a .jsonl file)")
    p.add_argument("--date", type=iso_date, metavar="DATE",
                   help="the article date for a sentence given as text (YYYY-MM-DD; default today)")
    p.add_argument("--no-parse", action="store_true", help="do not print the parse tables")
    p.add_argument("--model", default=None, metavar="NAME", help="spaCy pipeline (default: kg's)")


def run(args: argparse.Namespace) -> int:
    from kg.errors import InputError
    from kg.ingest import read_articles
    from kg.nlp import DEFAULT_MODEL, load_pipeline
    from kg.types import Article, BadRecord

    if os.path.isfile(args.input):
        articles = []
        for rec in read_articles([args.input], default_date=args.date):
            if isinstance(rec, BadRecord):
                print(f"kg: skipped {rec}", file=sys.stderr)
            elif args.id is None or rec.id == args.id:
                articles.append(rec)
        if not articles:
            raise InputError(f"{args.input}: no article" + (f" with id {args.id!r}" if args.id else "")
                             + "; check the file (or --id)")
    else:
        articles = [Article(id="text", text=args.input, date=args.date or dt.date.today())]
    nlp = load_pipeline(args.model or DEFAULT_MODEL)
    for article in articles:
        explain(article, nlp(article.text), sys.stdout, parse=not args.no_parse)
    return 0


def explain(article, doc, out: TextIO, parse: bool = True) -> None:
    """Print the explanation of one article (see the module docstring) to `out`."""
    from kg.extract import extract
    from kg.extract.events import Trace

    trace = Trace()
    x = extract(article, doc, trace)
    out.write(f"# article {article.id} ({article.date})\n")
    if parse:
        sents_with_triggers = {d.what.split(":", 1)[0] for d in trace.decisions if d.rule == "triggers"}
        for sent in doc.sents:
            if f"sentence {sent.start}-{sent.end}" not in sents_with_triggers:
                continue
            out.write(f"\n## parse of: {sent.text.strip()}\n")
            for t in sent:
                ent = f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else ""
                out.write(f"  {t.i:>4} {t.text:<16} {t.lemma_:<14} {t.pos_:<5} {t.tag_:<4} "
                          f"{t.dep_:<10} {t.head.i:>4} {t.head.text:<14} {ent}\n")
    out.write("\n## decisions (in the order the coder took them)\n")
    declined: list[str] = []

    def flush() -> None:
        if declined:
            out.write(f"  declined: {', '.join(declined)}\n")
            declined.clear()

    for d in trace.decisions:
        if d.what.startswith("declined"):
            declined.append(d.rule)
            continue
        flush()
        if d.rule == "triggers":
            out.write(f"\n  triggers of {d.what}\n")
        else:
            out.write(f"  {d.rule:<28} {d.event:<7} {d.what}\n")
    flush()
    actors = {a.key: a for a in x.actors}

    def side(keys) -> str:
        return ", ".join(f"{actors[k].label} [{actors[k].country or actors[k].code or '?'}]"
                         if k in actors else k for k in keys) or "-"

    out.write("\n## events\n")
    for e in x.events:
        code = f"{e.cameo} {e.plover}" if e.cameo else f"({e.base_code}, not coded)"
        out.write(f"  {e.id:<7} {code:<22} {e.modality:<12} '{e.trigger}': {side(e.source)} -> "
                  f"{side(e.target)}" + (f"  parent {e.parent}" if e.parent else "")
                  + (f"  date {e.date}" if e.date else "") + "\n")
    out.write("\n")
