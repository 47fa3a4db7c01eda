"""A `kg build` killed (SIGKILL) at random moments never leaves the union graph different from
the union of the article graphs, and a rerun gives the clean build's N-Quads byte for byte.

The kills hit a real build process rebuilding a real store (spaCy parse, extraction, journaled
batch writes, actor merge). Input: the first `KG_KILL_ARTICLES` (default 40) articles of
../shared/corpora/voa.jsonl, or examples/news/articles.jsonl when the corpus is absent;
`KG_KILLS` (default 5) kills. The issue's figure is `KG_KILLS=20 KG_KILL_ARTICLES=250`.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import shared_path
from kg.store import JOURNAL, SUMMARY_STALE, Store
from kg.summary import SEEDS_PREFIX, is_summary_graph, summary_nquads

ROOT = Path(__file__).resolve().parents[1]
VOA = shared_path("corpora", "voa.jsonl")
KG = str(Path(sys.executable).parent / "kg")

pytestmark = pytest.mark.slow


def _input(tmp: Path) -> Path:
    n = int(os.environ.get("KG_KILL_ARTICLES", "40"))
    if not VOA.is_file():
        return ROOT / "examples" / "news" / "articles.jsonl"
    path = tmp / "input.jsonl"
    with open(VOA, encoding="utf-8") as src:
        path.write_text("".join(line for _, line in zip(range(n), src)), encoding="utf-8")
    return path


def _build(source: Path, store: Path) -> subprocess.Popen:
    """A build process, with a temporary directory of its own beside the store (`_tmp`)."""
    _tmp(store).mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([KG, "build", str(source), "--store", str(store), "--no-progress",
                             "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "TMPDIR": str(_tmp(store))})


def _tmp(store: Path) -> Path:
    return store.with_name(store.name + ".tmp")


def _nquads(store: Path, out: Path) -> bytes:
    subprocess.run([KG, "export", "--store", str(store), "--format", "nq", "-o", str(out)],
                   check=True)
    return out.read_bytes()


def _union_is_union_of_articles(path: Path) -> tuple[bool, int, int]:
    """Whether the union equals the union of the named graphs (the article graphs and the
    event summary's graphs, which count as named graphs like any other); and the summary is
    what a full recompute from the article graphs gives."""
    with Store.open(path) as store:  # replays the journal, recomputes a stale summary
        named = {q.triple for q in store.quads()}
        union = {q.triple for q in
                 store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph())}
        stored = {g: store.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
                  .replace(b" .\n", f" <{g}> .\n".encode()) for g in store.graphs()
                  if is_summary_graph(g)}
        computed = {g: text for g, text in summary_nquads(store).items() if text}
        assert {g: sorted(t.splitlines()) for g, t in stored.items()} == \
            {g: sorted(t.splitlines()) for g, t in computed.items()}, "a stale event summary"
    return named == union, len(named - union), len(union - named)


def _clean_build(tmp_path) -> tuple:
    """The input, a clean build's wall seconds and its sorted N-Quads."""
    source = _input(tmp_path)
    clean = tmp_path / "clean.kg"
    started = time.monotonic()
    proc = _build(source, clean)
    assert proc.wait() == 0, proc.stderr.read().decode()
    return source, clean, time.monotonic() - started, _nquads(clean, tmp_path / "clean.nq")


def _kill_at(source, work, moment: float) -> None:
    proc = _build(source, work)
    time.sleep(moment)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _check_after_kill(work, moment: float) -> bool:
    """After a kill at `moment`: reopened, the union is the union of the article graphs and no
    journal or stale summary is left; whether a journal was there to replay."""
    journal = (work / JOURNAL).is_file()
    same, missing, extra = _union_is_union_of_articles(work)
    assert same, (f"after a kill at {moment:.1f} s: {missing} article triples missing from "
                  f"the union, {extra} union triples in no article graph")
    assert not (work / JOURNAL).is_file()
    assert not (work / SUMMARY_STALE).is_file()
    assert not list(work.glob(SEEDS_PREFIX + "*"))  # a killed build's seeds: removed at open
    return journal


def _rerun_gives(source, work, expected: bytes, tmp_path) -> None:
    proc = _build(source, work)
    assert proc.wait() == 0, proc.stderr.read().decode()
    assert _nquads(work, tmp_path / "rerun.nq") == expected


def test_kill_9_during_rebuild_keeps_the_union_and_a_rerun_restores_the_build(tmp_path):
    source, clean, seconds, expected = _clean_build(tmp_path)
    work = tmp_path / "work.kg"
    shutil.copytree(clean, work)
    rng = random.Random(9)
    kills = int(os.environ.get("KG_KILLS", "5"))
    moments = []
    for _ in range(kills):
        moment = rng.uniform(0.2, seconds)
        _kill_at(source, work, moment)
        moments.append((round(moment, 1), _check_after_kill(work, moment)))
    print(f"\n{kills} kills (seconds after start, journal left): {moments}; build {seconds:.0f} s")
    _rerun_gives(source, work, expected, tmp_path)


def test_kill_9_during_a_new_stores_build_keeps_the_union_and_a_rerun_restores_the_build(
        tmp_path):
    """A build into a new store writes its workers' summary lines with the article graphs
    (`Store.replace_graphs(summary=...)`): killed at any moment, the next opening replays the
    journal and recomputes the summary, and a rerun gives the clean build's N-Quads."""
    source, _, seconds, expected = _clean_build(tmp_path)
    work = tmp_path / "work.kg"
    rng = random.Random(10)
    kills = int(os.environ.get("KG_KILLS", "5"))
    moments = []
    for _ in range(kills):
        shutil.rmtree(work, ignore_errors=True)
        moment = rng.uniform(0.4 * seconds, seconds)  # its writes come once the workers parse
        _kill_at(source, work, moment)
        # the build kept its summary seeds in the store, not in the temporary directory,
        # where nothing would remove them after a kill
        assert not list(_tmp(work).glob(SEEDS_PREFIX + "*"))
        if not work.is_dir() or not any(work.iterdir()):
            moments.append((round(moment, 1), None))
            continue  # killed before the store was made
        moments.append((round(moment, 1), _check_after_kill(work, moment)))
    print(f"\n{kills} kills (seconds after start, journal left): {moments}; build {seconds:.0f} s")
    _rerun_gives(source, work, expected, tmp_path)
