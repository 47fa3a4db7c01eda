"""Load on `kg serve`: many clients at once, runaway queries, memory before and after.

    .venv/bin/python tests/benchmarks/bench_serve.py STORE [--clients 50] [--queries 40]
        [--workers 4] [--timeout 10] [--oxigraph]

Starts `kg serve` on a free loopback port over STORE (e.g. a build of the VOA corpus), times
each query of the mix alone, then runs CLIENTS threads each sending QUERIES queries (a new
connection per query, as simple clients do) and prints: answers by status, connection resets,
busy answers (503) for queries that take < 1 s alone, p50/p99 latency, the RSS of the server
and its worker processes before and after. Then four runaway queries at once, and how long an
`ASK {}` takes after them. With --oxigraph the same load goes to `oxigraph serve-read-only`
over the same store, for comparison (it has no time limit: the runaway part is skipped).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIX = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?e kgo:cameoCode ?c }",
    "SELECT ?a ?label WHERE { ?a a kgo:Actor ; rdfs:label ?label } LIMIT 50",
    "SELECT ?e ?code ?src WHERE { ?e a kgo:Threat ; kgo:cameoCode ?code ; kgo:source ?src }",
    "ASK { ?e a kgo:Threat }",
    "SELECT ?art ?title WHERE { ?art a kgo:Article ; schema:headline ?title } LIMIT 20",
]
SAVED = ["events_at_location", "office_holders_by_state", "cameo_roots_by_month", "stances"]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PREFIXES = ("PREFIX kgo: <https://w3id.org/kg-news/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX schema: <https://schema.org/> ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(pid: int) -> int:
    """RSS in bytes of `pid` and all its descendants."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo.extend(children.get(p, []))
    return total


def get(base: str, path: str, timeout: float = 60) -> tuple[int | str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as resp:
            resp.read()
            status: int | str = resp.status
    except urllib.error.HTTPError as err:
        err.read()
        status = err.code
    except (ConnectionResetError, ConnectionRefusedError, urllib.error.URLError) as err:
        status = "reset" if "reset" in str(err).lower() or isinstance(
            err, ConnectionResetError) else f"error: {err}"
    except TimeoutError:
        status = "timeout"
    return status, time.monotonic() - started


def sparql_path(text: str) -> str:
    return "sparql?" + urllib.parse.urlencode({"query": PREFIXES + text})


def start(args: argparse.Namespace, port: int) -> subprocess.Popen:
    if args.oxigraph:
        cmd = ["oxigraph", "serve-read-only", "--location", str(Path(args.store) / "oxigraph"),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        cmd[0] = str(Path(sys.executable).parent / "oxigraph")
    else:
        cmd = [sys.executable, "-m", "kg.cli", "serve", "--store", args.store, "--port",
               str(port), "--workers", str(args.workers), "--timeout", str(args.timeout)]
        cmd += ["--no-cache"] if args.no_cache else []
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if get(f"http://127.0.0.1:{port}/", sparql_path("ASK {}"), 5)[0] == 200:
            return proc
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--oxigraph", action="store_true")
    ap.add_argument("--no-cache", action="store_true", help="kg serve --no-cache")
    args = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    proc = start(args, port)
    try:
        paths = [sparql_path(q) for q in MIX]
        if not args.oxigraph:
            paths += [f"queries/{name}" for name in SAVED]
        # the first answer (the cache may hold the next ones)
        alone = {p: get(base, p)[1] for p in paths}
        for p, t in alone.items():
            print(f"alone {t * 1000:7.1f} ms  {urllib.parse.unquote(p)[-70:]}")
        rss_before = tree_rss(proc.pid)
        results: list[tuple[str, int | str, float]] = []
        lock = threading.Lock()

        def client(i: int) -> None:
            for j in range(args.queries):
                path = paths[(i + j) % len(paths)]
                status, seconds = get(base, path)
                with lock:
                    results.append((path, status, seconds))

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        time.sleep(2)
        rss_after = tree_rss(proc.pid)
        by_status: dict[str, int] = {}
        for _, status, _ in results:
            by_status[str(status)] = by_status.get(str(status), 0) + 1
        busy_fast = sum(1 for p, s, _ in results if s == 503 and alone[p] < 1)
        lat = sorted(t for _, _, t in results)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        name = "oxigraph serve-read-only" if args.oxigraph else (
            "kg serve --no-cache" if args.no_cache else "kg serve")
        print(f"{name}: "
              f"{args.clients} clients x {args.queries} queries = {len(results)} in {wall:.1f} s")
        print(f"  answers by status: {dict(sorted(by_status.items()))}")
        print(f"  resets: {by_status.get('reset', 0)}; busy (503) for queries < 1 s alone: "
              f"{busy_fast}")
        print(f"  latency p50 {statistics.median(lat):.3f} s, p99 {p99:.3f} s, "
              f"max {lat[-1]:.3f} s")
        print(f"  server RSS (with workers) before {rss_before / 2**20:.0f} MiB, after "
              f"{rss_after / 2**20:.0f} MiB ({(rss_after / rss_before - 1) * 100:+.0f} %)")
        if not args.oxigraph:
            answers: list[tuple[int | str, float]] = []
            # four different texts: the server runs a query asked while it runs only once
            runners = [threading.Thread(target=lambda n=n: answers.append(
                get(base, sparql_path(f"{RUNAWAY} # {n}")))) for n in range(4)]
            for t in runners:
                t.start()
            for t in runners:
                t.join()
            status, seconds = get(base, sparql_path("ASK {}"))
            print(f"  4 runaway queries: {[a[0] for a in answers]} after "
                  f"{max(a[1] for a in answers):.1f} s; then ASK {{}}: {status} in "
                  f"{seconds:.3f} s")
            rss_end = tree_rss(proc.pid)
            print(f"  server RSS after the runaways: {rss_end / 2**20:.0f} MiB")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            print("  the server did not stop within 15 s of SIGTERM")
        else:
            print(f"  SIGTERM: stopped (exit {proc.returncode})")


if __name__ == "__main__":
    main()
