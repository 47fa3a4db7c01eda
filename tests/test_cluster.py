"""The distributed build on Dask (`kg.cluster`): a real LocalCluster, and a real `dask scheduler`
with `dask worker` processes started here on loopback, one of them killed in mid-build.

The graph built on a cluster must be byte-identical (N-Quads export) to a local build.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest

from kg.cli import main
from kg.cluster import connect, parse_cluster, process_on_cluster
from kg.errors import InputError, KGError
from kg.ingest import count_records, read_articles
from kg.pipeline import process_articles
from conftest import shared_path  # $KG_SHARED or ../shared (tests/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "news"
VOA = shared_path("corpora", "voa.jsonl")
DASK = Path(sys.executable).with_name("dask")


@pytest.mark.parametrize(("spec", "expected"), [
    ("local:2", ("local", 2)),
    ("local:1", ("local", 1)),
    ("tcp://10.1.2.3:8786", ("address", "tcp://10.1.2.3:8786")),
    ("tls://sched.example.org:8786", ("address", "tls://sched.example.org:8786")),
])
def test_cluster_specs(spec, expected) -> None:
    assert parse_cluster(spec) == expected


@pytest.mark.parametrize("spec", ["local:0", "local", "10.1.2.3:8786", "http://x:8786", ""])
def test_bad_cluster_spec_says_what_to_give(spec) -> None:
    with pytest.raises(InputError, match="tcp://HOST:8786"):
        parse_cluster(spec)


def test_no_scheduler_is_one_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(KGError, match="no Dask scheduler answers"):
        with connect(f"tcp://127.0.0.1:{port}", timeout=2):
            pass


def test_count_records_counts_jsonl_lines_and_files(tmp_path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "1", "text": "x"}\n\n{"id": "2"}\n')
    (tmp_path / "b.txt").write_text("One article.")
    (tmp_path / "c.csv").write_text("not read")
    assert count_records([tmp_path]) == 3
    assert count_records([tmp_path / "a.jsonl", "-"]) is None


def _export(store: Path, out: Path) -> bytes:
    assert main(["export", "--store", str(store), "-f", "nq", "-o", str(out)]) == 0
    return out.read_bytes()


@pytest.mark.slow
def test_local_cluster_build_is_byte_identical_to_a_local_build(tmp_path, capsys) -> None:
    local, dist = tmp_path / "local.kg", tmp_path / "dist.kg"
    assert main(["build", str(EXAMPLES), "--store", str(local), "--no-progress"]) == 0
    local_summary = capsys.readouterr().out.split(",")[0]  # "built N articles"
    assert main(["build", str(EXAMPLES), "--store", str(dist), "--no-progress",
                 "--cluster", "local:2"]) == 0
    out = capsys.readouterr().out
    assert out.split(",")[0] == local_summary and "built 0 " not in out, out
    nq = _export(local, tmp_path / "local.nq")
    assert nq and nq == _export(dist, tmp_path / "dist.nq")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([str(DASK), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def dask_cluster():
    """A real `dask scheduler` and two `dask worker` processes (no nanny: a killed worker
    stays dead) on loopback; yields (address, worker processes)."""
    if not DASK.exists():
        pytest.skip(f"needs the dask CLI ({DASK}): pip install distributed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", str(port),
                     "--no-dashboard"])]
    try:
        workers = [_start(["worker", address, "--nthreads", "1", "--no-nanny",
                           "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"])
                   for i in range(2)]
        procs += workers
        import distributed

        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, workers
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _articles(n: int) -> list:
    if not VOA.is_file():
        pytest.skip(f"needs the VOA corpus at {VOA}")
    return list(islice(read_articles([VOA]), n))


@pytest.mark.slow
def test_real_scheduler_reruns_the_batch_of_a_killed_worker(dask_cluster) -> None:
    import distributed

    address, workers = dask_cluster
    articles = _articles(12)
    expected = list(process_articles(articles))
    with distributed.Client(address, timeout=60) as client:
        results = process_on_cluster(articles, client, batch=1, window=6)
        got = [next(results)]
        # kill the worker process that is working on a batch now
        busy = {addr for addr, keys in client.processing().items() if keys}
        assert busy, "no batch in flight to lose"
        info = client.scheduler_info()["workers"]
        victim_name = info[sorted(busy)[0]]["name"]
        victim = workers[int(str(victim_name)[1:])]
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        got += list(results)
        assert len(client.scheduler_info()["workers"]) == 1
    assert [r.article_id for r in got] == [a.id for a in articles]
    assert got == expected


@pytest.mark.slow
def test_cli_build_on_a_running_scheduler(dask_cluster, tmp_path, capsys) -> None:
    address, _ = dask_cluster
    local, dist = tmp_path / "local.kg", tmp_path / "dist.kg"
    assert main(["build", str(EXAMPLES), "--store", str(local), "--no-progress"]) == 0
    assert main(["build", str(EXAMPLES), "--store", str(dist), "--no-progress",
                 "--cluster", address]) == 0
    assert _export(local, tmp_path / "l.nq") == _export(dist, tmp_path / "d.nq")


def test_dask_cli_is_installed_with_kg() -> None:
    assert shutil.which("dask", path=str(DASK.parent)), "distributed is a dependency of kg"
