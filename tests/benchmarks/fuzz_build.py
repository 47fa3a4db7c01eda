"""Build stores from generated hostile records and check every export.

    .venv/bin/python tests/benchmarks/fuzz_build.py [--records 100000] [--chunk 25000]
        [--seed 1] [--rdflib all|first|none] [--keep DIR]

Writes the records as JSONL files of CHUNK records (plus a few .txt files with names that are
not UTF-8), runs `kg build` on each into its own store, and prints: builds that aborted (exit
status other than 0, or a traceback), records built, records reported (`file:line: why`) and
whether each is the expected one, and for each export format whether pyoxigraph, rdflib and
rapper parse it (JSON-LD: pyoxigraph and rdflib). Good records are short news sentences written
here; hostile ones carry lone surrogates, control characters, noncharacters, bad URLs, wrong
types, NUL bytes, bytes that are not UTF-8, very long lines and articles.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

KG = [sys.executable, "-m", "kg.cli"]
EXPORTS = {  # format -> (pyoxigraph format, rdflib format, rapper syntax or None)
    "nq": (ox.RdfFormat.N_QUADS, "nquads", "nquads"),
    "trig": (ox.RdfFormat.TRIG, "trig", "trig"),
    "ttl": (ox.RdfFormat.TURTLE, "turtle", "turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt", "ntriples"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "xml", "rdfxml"),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld", None),
}
STATES = ["Russia", "Ukraine", "China", "Mexico", "France", "Iran", "Israel", "Brazil",
          "the United States", "Germany", "India", "Japan"]
VERBS = ["threatened", "met", "criticized", "praised", "accused", "signed an agreement with",
         "imposed sanctions on", "called on", "attacked", "visited"]
HOSTILE = ["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff",
           "\U0010ffff", "\u00a0", "\u2028", "\u2029", "\u202e", "\ufeff", "\r", "\t", "<",
           ">", '"', "\\", "{", "}", "%", "&", "]]>", "\x0b", "\x0c", "\ud83d"]


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(STATES, 2)
    day = rng.choice(["on Monday", "on Tuesday", "last week", "on January 9, 2026", ""])
    return f"{a} {rng.choice(VERBS)} {b} {day}".replace("  ", " ").strip() + "."


def noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HOSTILE) if rng.random() < 0.5 else rng.choice("ab ,.")
                   for _ in range(n))


def make_record(rng: random.Random, n: int) -> tuple[bytes, bool]:
    """One JSONL line and whether it should be built (True) or reported (False)."""
    ident = f"r{n}"
    kind = rng.randrange(24)
    text = " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
    record: dict = {"id": ident, "text": text}
    good = True
    if kind == 0:  # hostile characters in every text field: repaired
        record.update(text=noise(rng, 5) + text + noise(rng, 5), title=noise(rng, 12),
                      source=noise(rng, 6), id=ident + noise(rng, 3).replace("\\", ""))
    elif kind == 1:  # a url that needs percent-encoding
        record["url"] = "https://example.org/" + noise(rng, 10)
    elif kind == 2:  # a url without scheme: rejected
        record["url"] = "www.example.org/" + noise(rng, 4)
        good = False
    elif kind == 3:  # wrong types
        record[rng.choice(["title", "url", "source", "id"])] = rng.choice([[1], {"a": 1}, 1.5,
                                                                           True])
        good = False
    elif kind == 4:  # no or empty text
        record["text"] = rng.choice([None, "", "   ", "\x00\x01"])
        good = False
    elif kind == 5:  # a bad date
        record["date"] = rng.choice(["2026-13-45", "yesterday", "\ud800"])
        good = False
    elif kind == 6:  # broken JSON, NUL bytes, bytes that are not UTF-8
        return rng.choice([b'{"id": "x", "text": ', b"\x00\x00\x00", b'{"text": "caf\xe9"}',
                           b"[" * 50_000, b"\xff\xfe{}", b'"just a string"']), False
    elif kind == 7:  # text made of hostile characters only, with some letters
        record["text"] = noise(rng, 60) + " word " + noise(rng, 60)
    elif kind == 8:  # escapes JSON allows: \u0000, lone surrogates
        line = json.dumps(record)[:-1] + ', "title": "\\u0000\\ud800\\udc00x\\udbff"}'
        return line.encode("ascii"), True
    line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
    try:
        return line.encode("utf-8"), good
    except UnicodeEncodeError:  # a lone surrogate written raw: the bytes are not UTF-8
        return line.encode("utf-8", "surrogatepass"), False


def write_chunk(path: Path, rng: random.Random, first: int, count: int,
                big: bool) -> tuple[set[int], set[int]]:
    good: set[int] = set()
    bad: set[int] = set()
    with path.open("wb") as out:
        for line_no, n in enumerate(range(first, first + count), 1):
            if big and line_no == 1:  # a 200,000-character line with no sentence end
                line = json.dumps({"id": f"r{n}", "text": ("word " * 40_000)}).encode()
                ok = True
            elif big and line_no == 2:  # a 400,000-character article of paragraphs (parsed
                # in pieces of at most kg.nlp.MAX_PIECE characters)
                paras = "\n\n".join(" ".join(sentence(rng) for _ in range(8))
                                    for _ in range(1_000))
                line = json.dumps({"id": f"r{n}", "text": paras}).encode()
                ok = True
            else:
                line, ok = make_record(rng, n)
            out.write(line + b"\n")
            (good if ok else bad).add(line_no)
    return good, bad


class _CountingStore:
    """An rdflib store that counts the statements its parser hands it and keeps none.

    rdflib's in-memory store indexes every triple three ways, which cost more than the parse
    (measured on 233,013 triples: 56 s of CPU for the six formats against 25 s with this
    store). The parse is what is checked: every statement read, its terms built; the count
    must equal pyoxigraph's, so a parser that drops statements is caught too."""

    def __new__(cls):
        from rdflib.store import Store as RdflibStore

        class Counting(RdflibStore):
            context_aware = formula_aware = graph_aware = True

            def __init__(self) -> None:
                super().__init__()
                self.count = 0

            def add(self, triple, context, quoted=False) -> None:
                self.count += 1

            def addN(self, quads) -> None:
                for _ in quads:
                    self.count += 1

            def add_graph(self, graph) -> None:
                pass

            def remove_graph(self, graph) -> None:
                pass

            def remove(self, triple, context=None, txn=None) -> None:
                pass

            def contexts(self, triple=None):
                return iter(())

            def triples(self, pattern, context=None):
                return iter(())

            def __len__(self, context=None) -> int:
                return self.count

        return Counting()


def parses(path: Path, fmt: str, use_rdflib: bool) -> dict[str, str]:
    ox_format, rdflib_format, rapper = EXPORTS[fmt]
    verdict: dict[str, str] = {}
    n = -1
    try:
        with path.open("rb") as f:
            n = sum(1 for _ in ox.parse(f, ox_format))
        verdict["pyoxigraph"] = f"ok ({n:,})"
    except (SyntaxError, ValueError, OSError) as err:
        verdict["pyoxigraph"] = f"FAILED: {str(err)[:120]}"
    if use_rdflib:
        import rdflib

        try:
            store = _CountingStore()
            graph = (rdflib.Dataset(store=store) if fmt in ("nq", "trig", "jsonld")
                     else rdflib.Graph(store=store))
            graph.parse(str(path), format=rdflib_format)
            verdict["rdflib"] = (f"ok ({store.count:,})" if store.count == n else
                                 f"FAILED: {store.count:,} statements, pyoxigraph read {n:,}")
        except Exception as err:  # any parser failure is the finding
            verdict["rdflib"] = f"FAILED: {type(err).__name__}: {str(err)[:120]}"
    if rapper and shutil.which("rapper"):
        done = subprocess.run(["rapper", "-q", "-c", "-i", rapper, str(path)],
                              capture_output=True, text=True)
        verdict["rapper"] = "ok" if done.returncode == 0 else f"FAILED: {done.stderr[:160]}"
    elif rapper:
        verdict["rapper"] = "missing (apt-get install raptor2-utils)"
    return verdict


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=25_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rdflib", choices=["all", "first", "none"], default="all",
                    help="parse the exports of every store with rdflib, of the first, or none "
                         "(rdflib is slow on large files)")
    ap.add_argument("--keep", metavar="DIR", help="keep the inputs, stores and exports here")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root = Path(args.keep or tempfile.mkdtemp(prefix="kg-fuzz-"))
    root.mkdir(parents=True, exist_ok=True)
    totals = {"records": 0, "built": 0, "reported": 0, "aborted": 0, "lost": 0,
              "wrongly reported": 0, "unexpected built": 0}
    export_failures: list[str] = []
    started = time.monotonic()
    for index, first in enumerate(range(0, args.records, args.chunk)):
        count = min(args.chunk, args.records - first)
        src = root / f"chunk{index}"
        src.mkdir(exist_ok=True)
        jsonl = src / "records.jsonl"
        good, bad = write_chunk(jsonl, rng, first, count, big=index == 0)
        names = {}
        if index == 0:  # file names that are not UTF-8, and a .txt with hostile bytes
            for j, raw in enumerate([b"caf\xe9", b"\xff\xfe", b"ok\x01name"]):
                name = os.fsencode(src) + b"/" + raw + b".txt"
                with open(name, "wb") as f:
                    f.write(f"Headline {j}\n\nFrance met Germany on Monday. {j}\n".encode())
                names[raw] = True
        store = root / f"store{index}.kg"
        shutil.rmtree(store, ignore_errors=True)
        done = subprocess.run([*KG, "build", str(src), "--store", str(store), "--no-progress"],
                              capture_output=True, text=True, errors="backslashreplace")
        aborted = done.returncode != 0 or "Traceback" in done.stderr
        totals["records"] += count + len(names)
        totals["aborted"] += aborted
        reported = {int(m.group(1)) for m in re.finditer(
            rf"skipped {re.escape(str(jsonl))}:(\d+):", done.stderr)}
        other = [line for line in done.stderr.splitlines()
                 if "skipped" in line and str(jsonl) not in line]
        from kg.store import Store

        built_ids: set[str] = set()
        if store.exists():
            with Store.open(store, read_only=True) as s:
                built_ids = set(s.article_ids())
        # ids of good records are r<n> (plus repaired noise for kind 0): match by prefix
        prefixes = {re.match(r"r\d+", i).group(0) for i in built_ids if re.match(r"r\d+", i)}
        built_lines = {line for line in range(1, count + 1) if f"r{first + line - 1}" in prefixes}
        totals["built"] += len(built_ids)
        totals["reported"] += len(reported) + len(other)
        totals["lost"] += len(good - built_lines - reported)
        totals["wrongly reported"] += len(good & reported)
        totals["unexpected built"] += len(bad & built_lines)
        print(f"chunk {index}: {count:,} records + {len(names)} files: build exit "
              f"{done.returncode}{' ABORTED' if aborted else ''}; built {len(built_ids):,} "
              f"(expected {len(good) + len(names):,}); reported {len(reported) + len(other):,} "
              f"(expected {len(bad):,}); good records reported: {len(good & reported)}; "
              f"bad records built: {len(bad & built_lines)}; "
              f"{done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ''}")
        if aborted:
            print(done.stderr[-2000:])
        for line in other[:3]:
            print(f"  also reported: {line}")
        for fmt in EXPORTS:
            out = root / f"store{index}.{fmt}"
            exp = subprocess.run([*KG, "export", "--store", str(store), "--format", fmt, "-o",
                                  str(out)], capture_output=True, text=True)
            if exp.returncode != 0:
                export_failures.append(f"chunk {index} {fmt}: export failed: {exp.stderr[-300:]}")
                print(f"  {fmt}: EXPORT FAILED {exp.stderr[-300:]}")
                continue
            use_rdflib = args.rdflib == "all" or (args.rdflib == "first" and index == 0)
            verdict = parses(out, fmt, use_rdflib)
            print(f"  {fmt:7s} {out.stat().st_size / 2**20:7.1f} MiB  " + "; ".join(
                f"{k} {v}" for k, v in verdict.items()))
            export_failures += [f"chunk {index} {fmt} {k}: {v}" for k, v in verdict.items()
                                if v.startswith("FAILED")]
            if not args.keep:
                out.unlink()
        if not args.keep:
            shutil.rmtree(store, ignore_errors=True)
            shutil.rmtree(src, ignore_errors=True)
    print(f"TOTAL {totals['records']:,} records in {time.monotonic() - started:.0f} s: "
          f"aborted builds {totals['aborted']}; built {totals['built']:,}; reported "
          f"{totals['reported']:,}; good records lost (neither built nor reported) "
          f"{totals['lost']}; good records reported {totals['wrongly reported']}; bad records "
          f"built {totals['unexpected built']}; export parse failures {len(export_failures)}")
    for failure in export_failures[:20]:
        print("  " + failure)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
