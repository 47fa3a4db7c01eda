"""Confusion table of PLOVER types (a script, not a test): gold codings against `kg events`.

For each gold record, the gold PLOVER types and the predicted ones (rows of the event table
with a PLOVER type, for that record's `article`) are paired: equal types first, then the
remaining gold and predicted types of the record in order, then what is left over against
`-` (a gold event missed, or a predicted event the coder did not code). Prints the table (gold
types as rows, predicted as columns), each type's precision and recall, and the most frequent
confusions.

    python tests/benchmarks/bench_confusion.py GOLD.jsonl EVENTS.jsonl [--top 15]

GOLD is e.g. ../shared/eval/plover_dev.jsonl, EVENTS the output of
`kg events --store DIR --format jsonl` for a store built from GOLD.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

NONE = "-"


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise SystemExit(f"{path}:{n}: invalid JSON: {err.msg}") from err
    return rows


def _gold_types(record: dict) -> list[str]:
    out = []
    for e in record.get("expected", []):
        value = e.get("plover")
        if value:
            out.append((value[0] if isinstance(value, list) else value).upper())
    return out


def pairs(gold: list[dict], events: list[dict]) -> list[tuple[str, str]]:
    """(gold type, predicted type) pairs over all records, `-` for an unpaired side."""
    predicted: dict[str, list[str]] = defaultdict(list)
    for e in events:
        if e.get("plover"):
            predicted[e["article"]].append(e["plover"])
    out = []
    for record in gold:
        g, p = _gold_types(record), list(predicted.get(record["id"], ()))
        for t in list(g):
            if t in p:
                out.append((t, t))
                g.remove(t)
                p.remove(t)
        while g and p:
            out.append((g.pop(0), p.pop(0)))
        out += [(t, NONE) for t in g] + [(NONE, t) for t in p]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("events", type=Path)
    parser.add_argument("--top", type=int, default=15, help="how many confusions to list")
    args = parser.parse_args(argv)
    table = Counter(pairs(_read_jsonl(args.gold), _read_jsonl(args.events)))
    types = sorted({t for pair in table for t in pair} - {NONE}) + [NONE]
    width = max(len(t) for t in types)
    cols = [t[:5] for t in types]
    print(" " * width + " " + " ".join(f"{c:>5}" for c in cols))
    for g in types:
        print(f"{g:<{width}} " + " ".join(f"{table.get((g, p), 0) or '.':>5}" for p in types))
    print()
    print(f"{'type':<{width}}  gold  pred  right  precision  recall")
    for t in types[:-1]:
        gold_n = sum(n for (g, _), n in table.items() if g == t)
        pred_n = sum(n for (_, p), n in table.items() if p == t)
        right = table.get((t, t), 0)
        prec = f"{right / pred_n:.2f}" if pred_n else "-"
        rec = f"{right / gold_n:.2f}" if gold_n else "-"
        print(f"{t:<{width}}  {gold_n:>4}  {pred_n:>4}  {right:>5}  {prec:>9}  {rec:>6}")
    print()
    print("most frequent confusions (gold -> predicted):")
    wrong = [(pair, n) for pair, n in table.most_common() if pair[0] != pair[1]]
    for (g, p), n in wrong[:args.top]:
        print(f"  {n:>3}  {g} -> {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
