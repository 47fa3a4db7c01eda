"""Build throughput (a script, not a test): `kg build` against bare spaCy on the same texts.

Runs, each in a child process of its own (so that each peak RSS is its own, children included):
(a) the baseline, a bare `nlp.pipe` of the installed pipeline over the article texts with
`n_process=WORKERS` and kg's batch size; (b) `kg.pipeline.build` of the same file into a fresh
on-disk store with `workers=WORKERS` (ingest, parse, extract, map to RDF, store, actor merge).
Prints articles/s, words/s, CPU seconds (the process and its workers) and peak RSS of each, and
the ratio of build time to baseline time (and of CPU time: the figure that a busy machine
disturbs least). That ratio's baseline clock starts after spaCy is loaded while the build's
includes its workers' loading; the whole-job ratio puts both on one footing: the baseline's
clock then starts before the texts are read and spaCy imported and loaded, the build's before
its store is opened, and ends after it is closed.
The build's workers fork from a fork server (`kg._preload`) that the build stops at its end,
so the server's and its workers' CPU seconds and peak RSS are counted as the build's children.

With `--copies N` it measures memory instead: `kg build` of the file, then of N copies of it
(ids, hence article IRIs, renamed per copy; actors shared), each into a fresh store; it prints
the peak RSS of the main process and of the largest worker for each, which should not grow
with the input (the build streams).

    python tests/benchmarks/bench_build.py [FILE.jsonl] [--workers 2] [--model NAME] [--copies N]
                                           [--repeat N]

`--repeat N` alternates N baseline and N build runs and reports the best of each (on a shared
machine, the least disturbed), with each run pair's ratio.

FILE defaults to corpora/voa.jsonl of the shared data ($KG_SHARED, else ../shared).

kg's bytecode is compiled first, so that each process starts as an installed kg does (a machine
that sets PYTHONDONTWRITEBYTECODE would otherwise compile kg's sources in every process).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))
from conftest import compile_kg, shared_path  # noqa: E402  # $KG_SHARED or ../shared

DEFAULT_FILE = shared_path("corpora", "voa.jsonl")
#: the figures `--repeat` takes the best (least) of
_TIMES = frozenset({"seconds", "job_seconds", "cpu", "main_cpu", "after_last_result"})


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _usage() -> dict:
    """CPU seconds of this process and its (finished) children, and each one's peak RSS."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    main_cpu = own.ru_utime + own.ru_stime
    return {"cpu": main_cpu + children.ru_utime + children.ru_stime, "main_cpu": main_cpu,
            "main_rss_mb": own.ru_maxrss / 1024, "worker_rss_mb": children.ru_maxrss / 1024}


def _texts(path: Path) -> list[str]:
    from kg.ingest import read_articles
    from kg.types import Article

    return [r.text for r in read_articles([path]) if isinstance(r, Article)]


def run_baseline(path: Path, workers: int, model: str) -> dict:
    from kg.nlp import BATCH_SIZE

    job_started = time.perf_counter()  # the whole job: reading, spaCy's import and load, parse
    texts = _texts(path)
    import spacy

    nlp = spacy.load(model, exclude=["textcat"])
    started = time.perf_counter()  # the parse alone
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=workers))
    ended = time.perf_counter()
    return {"seconds": ended - started, "job_seconds": ended - job_started,
            "articles": len(texts), "tokens": words, "rss_mb": _peak_rss_mb(), **_usage()}


def run_build(path: Path, workers: int, model: str) -> dict:
    from kg import pipeline
    from kg.store import Store

    last: list[float] = []
    process_articles = pipeline.process_articles

    def timed(*args, **kwargs):  # when the last article's result came back
        yield from process_articles(*args, **kwargs)
        last.append(time.perf_counter())

    pipeline.process_articles = timed
    with tempfile.TemporaryDirectory() as tmp:
        job_started = time.perf_counter()  # the whole job: the store's opening and closing too
        store = Store.open(Path(tmp) / "kg", create=True)
        started = time.perf_counter()
        summary = pipeline.build([path], store, workers=workers, model=model,
                                 on_bad=lambda bad: None)
        seconds = time.perf_counter() - started
        store.close()
        job_seconds = time.perf_counter() - job_started
    return {"seconds": seconds, "job_seconds": job_seconds, "articles": summary.articles,
            "events": summary.events, "triples": summary.triples, "rss_mb": _peak_rss_mb(),
            "after_last_result": started + seconds - last[0], **_usage()}


def _child(which: str, path: Path, workers: int, model: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, str(path), "--workers", str(workers), "--model", model,
         "--only", which], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default=None)
    parser.add_argument("--copies", type=int, default=0,
                        help="measure peak RSS of a build of the file and of N copies of it")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run baseline and build N times, alternated; report the best of each")
    parser.add_argument("--only", choices=("baseline", "build"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    compile_kg()
    from kg.nlp import DEFAULT_MODEL

    model = args.model or DEFAULT_MODEL
    if not args.file.is_file():
        print(f"bench_build: {args.file} not found; pass a JSONL file of articles", file=sys.stderr)
        return 2
    if args.only:
        run = run_baseline if args.only == "baseline" else run_build
        print(json.dumps(run(args.file, args.workers, model)))
        return 0
    if args.copies > 1:
        return memory(args.file, args.copies, args.workers, model)
    runs = [(_child("baseline", args.file, args.workers, model),
             _child("build", args.file, args.workers, model)) for _ in range(args.repeat)]
    # on a shared machine each figure is the best of its runs (the least disturbed)
    base = {k: min(b[k] for b, _ in runs) if k in _TIMES else v for k, v in runs[0][0].items()}
    built = {k: min(b[k] for _, b in runs) if k in _TIMES else v for k, v in runs[0][1].items()}
    n = base["articles"]
    print(f"{args.file.name}: {n} articles, {base['tokens']} tokens, {args.workers} processes")
    print(f"  bare nlp.pipe : {base['seconds']:7.1f} s  {n / base['seconds']:6.2f} articles/s  "
          f"{base['tokens'] / base['seconds']:8.0f} tokens/s  peak RSS {base['rss_mb']:.0f} MB")
    print(f"  kg build      : {built['seconds']:7.1f} s  {n / built['seconds']:6.2f} articles/s  "
          f"{base['tokens'] / built['seconds']:8.0f} tokens/s  peak RSS {built['rss_mb']:.0f} MB  "
          f"({built['events']} events, {built['triples']} triples)")
    print(f"  CPU seconds (all processes): bare {base['cpu']:.1f} (main process "
          f"{base['main_cpu']:.1f}), build {built['cpu']:.1f} (main process {built['main_cpu']:.1f})")
    print(f"  build after the last article's result (end-of-build passes, one process): "
          f"{built['after_last_result']:.1f} s")
    print(f"  ratio build/baseline time: {built['seconds'] / base['seconds']:.2f}  "
          f"(CPU: {built['cpu'] / base['cpu']:.2f})"
          + (f"  [best of {args.repeat} alternated runs each; per run: "
             + ", ".join(f"{b['seconds'] / a['seconds']:.2f}" for a, b in runs) + "]"
             if args.repeat > 1 else ""))
    print("    (baseline clock: nlp.pipe alone, spaCy loaded before it starts; build clock: "
          "kg.pipeline.build, its workers' pipeline load included)")
    print(f"  whole-job ratio: {built['job_seconds'] / base['job_seconds']:.2f}  "
          f"(bare {base['job_seconds']:.1f} s, build {built['job_seconds']:.1f} s; both clocks "
          "include loading the pipeline: the baseline's reading, spaCy's import and load, the "
          "build's store opening and closing)"
          + (f"  [per run: " + ", ".join(f"{b['job_seconds'] / a['job_seconds']:.2f}"
                                         for a, b in runs) + "]" if args.repeat > 1 else ""))
    return 0


def _copies(path: Path, copies: int, out: Path) -> None:
    """`copies` copies of the JSONL file `path`, each record's id suffixed `-cK` (K > 0)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    with open(out, "w", encoding="utf-8") as f:
        for k in range(copies):
            for line in lines:
                if not line.strip():
                    continue
                record = json.loads(line)
                if k and "id" in record:
                    record["id"] = f"{record['id']}-c{k}"
                f.write(json.dumps(record, ensure_ascii=False) + "\n")


def memory(path: Path, copies: int, workers: int, model: str) -> int:
    """Peak RSS of a build of `path` and of `copies` copies of it."""
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / f"{path.stem}-x{copies}.jsonl"
        _copies(path, copies, big)
        rows = [(1, _child("build", path, workers, model)),
                (copies, _child("build", big, workers, model))]
    print(f"{path.name}: peak RSS of kg build, {workers} processes")
    for k, run in rows:
        print(f"  x{k:<3} {run['articles']:6d} articles {run['seconds']:7.1f} s "
              f"{run['articles'] / run['seconds']:6.2f} articles/s  main {run['main_rss_mb']:5.0f} MB"
              f"  largest worker {run['worker_rss_mb']:5.0f} MB  ({run['triples']} triples)")
    (_, one), (_, many) = rows
    print(f"  growth x1 -> x{copies}: main {many['main_rss_mb'] / one['main_rss_mb']:.2f}x, "
          f"largest worker {many['worker_rss_mb'] / one['worker_rss_mb']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
