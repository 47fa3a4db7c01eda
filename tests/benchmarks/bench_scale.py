"""Scale benchmark (a script, not a test): do queries, stats and exports stay fast from one
corpus to ten million triples?

It makes a store of N copies of a built graph: every article-scoped IRI (article, graph,
sentence, mention, quote, stance, event) and article id is renamed per copy, and so are the texts
(sentences, quotations, headlines: a copy's texts are other strings, as another article's are),
while actors, states, posts and office terms are shared, as they would be across a bigger news
archive. Copies are written
through `Store.replace_graphs` (the build's write path). Then it times, each as a whole `kg`
process (median of `--repeat` runs): every saved query with its example parameters (below) and
with none, `kg events` with filters, `kg stats`, and each RDF export format (with triples/s and
the child's peak RSS). It prints one table and the store's size on disk.

Queries are timed cold and warm: a cold run starts from an empty result cache (`kg.results`, the
store's `kg-results/` is removed first), as the first run after a write does; the warm runs
that follow read the answer the cold run left there. Both are reported (`cold s`, `warm s`);
the summary lines give each. `--cache-as-is` leaves the cache as it is before the first runs:
after `kg warm --store OUT` they time what a user's first run after a build and a warm-up takes.

    python tests/benchmarks/bench_scale.py --base STORE --triples 1000000 --out /tmp/scale-1m.kg
    python tests/benchmarks/bench_scale.py --base STORE --copies 1 --out STORE   # the base itself

Each process starts as an installed kg does: the package's bytecode is compiled first (as pip
does at install, and Python at a first import; a machine that sets PYTHONDONTWRITEBYTECODE, as
this one does, would otherwise compile kg's sources again at every start: 60 ms of each run).

`--base` is a built store (`kg build ../shared/corpora/voa.jsonl --store STORE`); a store at
`--out` that already holds the wanted number of copies of the same base build (triple count and
predicates) is reused, not rebuilt.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyoxigraph as ox  # noqa: E402

from conftest import compile_kg  # noqa: E402  # tests/conftest.py
from kg.query import list_saved  # noqa: E402
from kg.results import RESULTS_DIR  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.summary import is_summary_graph  # noqa: E402
from kg.vocab import ID, KGO  # noqa: E402

KG = [str(Path(sys.executable).parent / "kg")]
#: IRI folders scoped to one article: renamed per copy
SCOPED = ("article", "graph", "sentence", "mention", "quote", "stance", "event")
#: the literals made per copy: the article id, and the texts (each copy's strings its own)
_PER_COPY = re.compile(rb'(<(?:' + b"|".join(re.escape(p.encode()) for p in (
    KGO + "articleId", KGO + "sentenceText", KGO + "quotedText", "https://schema.org/headline"))
    + rb')> ")')
#: bumped when the copies change (a store of copies made otherwise is not reused)
COPY_LAYOUT = 2
#: example parameters of each saved query (the documented kind of value; VOA actors)
EXAMPLES: dict[str, dict[str, str]] = {
    "actor_roles": {"actor": "Barack Obama"},
    "actors_by_country_and_sector": {"country": "USA", "sector": "GOV"},
    "actors_matching_name": {"name": "obama"},
    "actors_ranked_by_events": {"from": "2017-01-01", "to": "2017-12-31"},
    "cameo_roots_by_month": {"from": "2017-01-01", "to": "2017-12-31"},
    "directive_chains": {"actor": "Donald Trump"},
    "events": {"actor": "Barack Obama"},
    "events_at_location": {"place": "Syria"},
    "events_involving_actor": {"actor": "Barack Obama"},
    "events_not_happened_by_modality": {"modality": "threatened"},
    "events_reported_by_several_articles": {"from": "2017-01-01"},
    "goldstein_by_dyad_day": {"actor": "Iran"},
    "interstate_conflict_events": {"country": "Syria"},
    "office_holders_by_state": {"country": "USA"},
    "quotations_by_speaker": {"by": "Donald Trump"},
    "stances_toward_actor_or_action": {"by": "Donald Trump"},
    "threats_by_actor": {"actor": "Iran"},
}
EVENT_FILTERS = [["--actor", "Barack Obama"], ["--cameo-root", "13"],
                 ["--modality", "threatened"], ["--from", "2017-01-01", "--to", "2017-01-31"]]


def _copy_graph(data: bytes, i: int) -> bytes:
    """An article graph's N-Quads with its article-scoped IRIs and article id renamed for
    copy `i`."""
    for folder in SCOPED:
        data = data.replace(f"<{ID}{folder}/".encode(), f"<{ID}{folder}/c{i}-".encode())
    return _PER_COPY.sub(rb"\g<1>c%d-" % i, data)


def make_copies(base: Path, out: Path, copies: int) -> float:
    """Write `copies` renamed copies of every article graph of `base` into a new store `out`;
    returns the seconds spent writing."""
    with Store.open(base, read_only=True) as src:
        graphs = [(g, src.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g))
                  for g in src.inner.named_graphs() if not is_summary_graph(g.value)]
    if out.exists():
        shutil.rmtree(out)
    started = time.perf_counter()
    with Store.open(out, create=True) as store:
        for i in range(copies):
            batch = []
            for g, nt in graphs:
                name = f"<{ID}graph/c{i}-".encode() + str(g).encode()[len(f"<{ID}graph/"):]
                batch.append((name[1:-1].decode(), _copy_graph(
                    nt.replace(b" .\n", b" " + str(g).encode() + b" .\n"), i)))
                if len(batch) == 64:
                    store.replace_graphs(batch, validate=False)
                    batch = []
            if batch:
                store.replace_graphs(batch, validate=False)
            print(f"  copy {i + 1}/{copies} written, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
        cpu = time.process_time()
        store.refresh_summary()  # as a build ends: the event summary of all the copies
        print(f"  event summary: {time.process_time() - cpu:.1f} s CPU", file=sys.stderr)
        store.optimize()
        (out / "bench-copies.json").write_text(json.dumps(
            {"copies": copies, "base": str(base), "fingerprint": fingerprint(base),
             "layout": COPY_LAYOUT}))
        store.stats()  # cached, as a build leaves it
    return time.perf_counter() - started


def fingerprint(base: Path) -> str:
    """The base store's triple count and predicates: a store of copies made from another build
    (an older mapping) is not reused."""
    with Store.open(base, read_only=True) as src:
        preds = sorted(r["p"] for r in src.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }"))
        return hashlib.sha256("\n".join([str(src.stats()["triples"]), *preds]).encode()
                              ).hexdigest()[:16]


def run(cmd: list[str], repeat: int, cache: Path | None = None
        ) -> tuple[list[float], int, int, int, list[float]]:
    """Run `cmd` `repeat` times: (seconds each, exit code, stdout lines, peak RSS kB, CPU
    seconds each). CPU seconds (user + system) are the figure to read on a busy machine.
    With `cache` (a store's result cache directory), each run starts with it removed."""
    times, rss, lines, code, cpu = [], 0, 0, 0, []
    for _ in range(repeat):
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        with tempfile.TemporaryFile() as outf:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=outf, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            times.append(time.perf_counter() - started)
            code = os.waitstatus_to_exitcode(status)
            rss = max(rss, usage.ru_maxrss)
            cpu.append(usage.ru_utime + usage.ru_stime)
            outf.seek(0)
            lines = sum(1 for _ in outf)
            err = proc.stderr.read().decode() if proc.stderr else ""
            if code and err:
                print(f"  {' '.join(cmd[1:4])}...: {err.strip()[:200]}", file=sys.stderr)
    return times, code, lines, rss, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="a built store to copy")
    ap.add_argument("--out", type=Path, help="the store of copies (default /tmp/kg-scale-N.kg)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--copies", type=int, help="how many copies")
    group.add_argument("--triples", type=float, help="about how many union triples")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("queries", "events", "stats", "export"), action="append")
    ap.add_argument("--timeout", default="60", help="kg query --timeout (seconds)")
    ap.add_argument("--cache-as-is", action="store_true",
                    help="do not empty the result cache before the first runs (e.g. to time "
                         "queries after `kg warm`)")
    ap.add_argument("--params-only", action="store_true",
                    help="time each saved query with its example parameters only")
    ap.add_argument("--formats", default="ttl,nt,nq,trig,jsonld,rdfxml",
                    help="export formats to time (comma-separated)")
    args = ap.parse_args()

    compile_kg()
    with Store.open(args.base, read_only=True) as src:
        base_triples = src.stats()["triples"]
    copies = args.copies or max(1, round((args.triples or 1e6) / base_triples))
    out = args.out or Path(tempfile.gettempdir()) / f"kg-scale-{copies}.kg"
    marker = out / "bench-copies.json"
    if out.resolve() == args.base.resolve():
        print(f"timing the base store {out} itself")
    elif marker.is_file() and json.loads(marker.read_text()).get("copies") == copies and (
            json.loads(marker.read_text()).get("fingerprint") == fingerprint(args.base)) and (
            json.loads(marker.read_text()).get("layout") == COPY_LAYOUT):
        print(f"reusing {out} ({copies} copies of the same base build)")
    else:
        print(f"writing {copies} copies of {args.base} into {out} ...")
        seconds = make_copies(args.base, out, copies)
        print(f"written in {seconds:.0f} s")
    with Store.open(out, read_only=True) as store:
        stats = store.stats()
        event = next(iter(store.select("SELECT ?e WHERE { ?e kgo:trigger ?t } LIMIT 1")))["e"]
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"store: {stats['articles']} articles, {stats['triples']:,} union triples, "
          f"{stats['quads']:,} article quads, {size / 1e9:.2f} GB on disk")

    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(on a busy machine read the CPU column: user + system seconds of the child)")
    only = set(args.only or ("queries", "events", "stats", "export"))
    rows: list[tuple] = []
    store_arg = ["--store", str(out)]
    cache = None if args.cache_as_is else out / RESULTS_DIR
    if "queries" in only:
        examples = dict(EXAMPLES, sentence_behind_fact={"iri": event},
                        nested_events={"outer": event})
        for q in list_saved():
            variants = ([] if args.params_only and q.name in examples else [{}]) + (
                [examples[q.name]] if q.name in examples else [])
            for params in variants:
                cmd = KG + ["query", q.name, *store_arg, "--format", "csv",
                            "--timeout", args.timeout]
                for k, v in params.items():
                    cmd += ["-p", f"{k}={v}"]
                label = q.name + (" " + " ".join(f"{k}={v}" for k, v in params.items())
                                  if params else "")
                rows.append((label[:62], *run(cmd, args.repeat, cache), "rows",
                             run(cmd, args.repeat)[0]))
                print(_line(rows[-1]), flush=True)
    if "events" in only:
        for filt in EVENT_FILTERS:
            cmd = KG + ["events", *store_arg, "--format", "csv", *filt]
            rows.append(("kg events " + " ".join(filt), *run(cmd, args.repeat, cache), "rows",
                         run(cmd, args.repeat)[0]))
            print(_line(rows[-1]), flush=True)
    if "stats" in only:
        rows.append(("kg stats", *run(KG + ["stats", *store_arg], args.repeat), "lines"))
        print(_line(rows[-1]), flush=True)
    if "export" in only:
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            for fmt in args.formats.split(","):
                target = Path(tmp) / f"x.{fmt}"
                times, code, _, rss, cpu = run(KG + ["export", *store_arg, "--format", fmt,
                                                     "-o", str(target)], args.repeat)
                n = stats["quads"] if fmt in ("nq", "trig", "jsonld") else stats["triples"]
                rate, cpu_rate = n / statistics.median(times), n / statistics.median(cpu)
                rows.append((f"kg export --format {fmt}", times, code, target.stat().st_size
                             if target.exists() else 0, rss, cpu,
                             f"bytes, {rate / 1e3:.0f} k/s ({cpu_rate / 1e3:.0f} k/s of CPU)"))
                print(_line(rows[-1]), flush=True)
                target.unlink(missing_ok=True)
    print()
    print(f"{'command':<62} {'cold s':>8} {'max s':>7} {'cpu s':>6} {'rc':>3} {'out':>12} "
          f"{'RSS MB':>7} {'warm s':>7}")
    for r in rows:
        print(_line(r))
    names = {q.name for q in list_saved()}
    for what, index in (("cold, wall", 1), ("cold, CPU", 5), ("warm, wall", 7)):
        qs = [statistics.median(r[index]) for r in rows if r[0].split()[0] in names]
        if qs:
            print(f"saved queries ({what} s): {len(qs)} runs, median {statistics.median(qs):.2f},"
                  f" max {max(qs):.2f}, over 1 s: {sum(t > 1 for t in qs)}, "
                  f"over 5 s: {sum(t > 5 for t in qs)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


def _line(r: tuple) -> str:
    label, times, code, out, rss, cpu, unit, *warm = r
    warm_s = f"{statistics.median(warm[0]):>7.2f}" if warm else f"{'':>7}"
    return (f"{label:<62} {statistics.median(times):>8.2f} {max(times):>7.2f} "
            f"{statistics.median(cpu):>6.2f} {code:>3} {out:>12,} {rss / 1024:>7.0f} {warm_s}"
            f"  {unit}")


if __name__ == "__main__":
    raise SystemExit(main())
