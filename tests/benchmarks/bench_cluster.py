"""Distributed build throughput (a script, not a test): `--workers N` against `--cluster local:N`.

Builds the same file twice with `kg build` into fresh stores, (a) with N local worker processes
(multiprocessing, the baseline) and (b) on a Dask LocalCluster of N single-threaded worker
processes, each run in a child process of its own. Prints articles/s of each (wall clock of the
whole command, cluster start-up and model loading included), the ratio (b)/(a), and whether
the two N-Quads exports are byte-identical.

    python tests/benchmarks/bench_cluster.py [FILE.jsonl] [--workers 2]

FILE defaults to ../shared/corpora/voa.jsonl.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import shared_path  # noqa: E402  # $KG_SHARED or ../shared

DEFAULT_FILE = shared_path("corpora", "voa.jsonl")
KG = Path(sys.executable).with_name("kg")


def _build(path: Path, store: Path, extra: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run([str(KG), "build", str(path), "--store", str(store), "--no-progress",
                          "--quiet", *extra], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, run.stdout.strip()


def _export(store: Path, out: Path) -> bytes:
    subprocess.run([str(KG), "export", "--store", str(store), "-f", "nq", "-o", str(out)],
                   check=True)
    return out.read_bytes()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not args.file.is_file():
        print(f"bench_cluster: no input {args.file}; give a JSONL file", file=sys.stderr)
        return 2
    n = args.workers
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        runs = {}
        for label, extra in ((f"--workers {n}", ["--workers", str(n)]),
                             (f"--cluster local:{n}", ["--cluster", f"local:{n}"])):
            store = t / label.replace(" ", "_").replace(":", "")
            seconds, summary = _build(args.file, store, extra)
            articles = int(summary.split()[1])
            runs[label] = (seconds, articles, _export(store, store.with_suffix(".nq")))
            print(f"{label:22} {articles} articles in {seconds:6.1f} s = "
                  f"{articles / seconds:5.2f} articles/s   ({summary})")
        (a_s, _, a_nq), (b_s, _, b_nq) = runs.values()
        print(f"cluster/workers throughput ratio: {a_s / b_s:.2f}")
        print(f"N-Quads exports byte-identical: {a_nq == b_nq} ({len(a_nq)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
