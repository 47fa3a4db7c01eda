"""The build pipeline end to end on real text: bad input, rebuilds, workers (slow: real model)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.store import Store

pytestmark = pytest.mark.slow

GOOD = {"id": "good-1", "date": "2026-03-02", "text": (
    "Brazil's President Luiz Inácio Lula da Silva met Argentina's foreign minister in Brasilia "
    "on Monday. Police arrested 20 protesters in Buenos Aires.")}


def _count(store_dir: Path) -> int:
    with Store.open(store_dir) as store:
        return store.stats()["triples"]


def test_bad_records_are_reported_and_the_rest_is_built(tmp_path: Path, capsys) -> None:
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(
        (json.dumps(GOOD) + "\n").encode()
        + b'{"id": "broken", "text": \n'
        + b'{"id": "no-text"}\n'
        + b'{"id": "bad-bytes", "text": "caf\xff"}\n'
        + (json.dumps({**GOOD, "id": "good-2"}) + "\n").encode()
    )
    (tmp_path / "empty.txt").write_text("")
    status = main(["build", str(src), str(tmp_path / "empty.txt"), "--store", str(tmp_path / "s")])
    out, err = capsys.readouterr()
    assert status == 0
    assert f"{src}:2:" in err and f"{src}:3:" in err and f"{src}:4:" in err
    assert "empty.txt" in err
    assert "2 articles" in out and "4 skipped" in out
    with Store.open(tmp_path / "s") as store:
        assert sorted(store.article_ids()) == ["good-1", "good-2"]


def test_rebuilding_an_article_replaces_its_graph(tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps(GOOD) + "\n")
    store = tmp_path / "s"
    assert main(["build", str(src), "--store", str(store)]) == 0
    first = _count(store)
    assert main(["build", str(src), "--store", str(store)]) == 0
    assert _count(store) == first > 0


def test_unknown_model_is_one_clear_line(tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps(GOOD) + "\n")
    status = main(["build", str(src), "--store", str(tmp_path / "s"), "--model", "xx_no_such_model"])
    err = capsys.readouterr().err
    assert status == 2
    assert "xx_no_such_model" in err and "installed pipelines" in err
    assert "Traceback" not in err


def test_missing_input_path_is_one_clear_line(tmp_path: Path, capsys) -> None:
    status = main(["build", str(tmp_path / "nope.jsonl"), "--store", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert status == 2 and "nope.jsonl" in err and "Traceback" not in err


def test_two_workers_give_the_same_graph_as_one(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({**GOOD, "id": f"g{i}"}) + "\n" for i in range(6)))
    assert main(["build", str(src), "--store", str(tmp_path / "one")]) == 0
    assert main(["build", str(src), "--store", str(tmp_path / "two"), "--workers", "2"]) == 0
    with Store.open(tmp_path / "one") as a, Store.open(tmp_path / "two") as b:
        dump_a, dump_b = (sorted(str(q) for q in s.inner) for s in (a, b))
    assert dump_a == dump_b


def test_workers_fork_from_a_server_that_loaded_the_pipeline_once(tmp_path: Path) -> None:
    """The fork server loads the pipeline named in its environment (`kg._preload`) and is
    stopped after the build: no process holding a loaded pipeline is left behind."""
    import os
    import subprocess
    import sys
    from multiprocessing import forkserver

    from kg.nlp import DEFAULT_MODEL
    from kg.pipeline import PRELOAD_ENV, process_articles
    from kg.types import Article

    probe = ("import kg._preload, kg.pipeline as p; "
             "print(p._WORKER_MODEL, p._WORKER_NLP is not None, p._WORKER_ERROR)")
    env = {k: v for k, v in os.environ.items() if k != PRELOAD_ENV}
    plain = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    loaded = subprocess.run([sys.executable, "-c", probe], env={**env, PRELOAD_ENV: DEFAULT_MODEL},
                            capture_output=True, text=True, check=True).stdout.split()
    assert plain == ["None", "False", "None"]  # an import alone loads nothing
    assert loaded == [DEFAULT_MODEL, "True", "None"]
    articles = [Article(id=f"a{i}", text=GOOD["text"]) for i in range(3)]
    results = list(process_articles(articles, workers=2))
    assert [r.article_id for r in results] == ["a0", "a1", "a2"]
    assert all(r.failure is None and r.events for r in results)
    assert forkserver._forkserver._forkserver_pid is None  # stopped
    assert PRELOAD_ENV not in os.environ


def test_a_worker_is_replaced_after_its_chunks_and_no_article_is_lost(monkeypatch) -> None:
    """A worker does `WORKER_CHUNKS` chunks, then the pool forks a fresh one from the server
    (so that what a worker accumulates cannot grow with the input): with one chunk per worker
    life, more workers than the two of the pool do the chunks, and every result comes, in
    order."""
    import psutil
    from multiprocessing import forkserver

    from kg import pipeline
    from kg.types import Article

    monkeypatch.setattr(pipeline, "WORKER_CHUNKS", 1)
    total = 6 * pipeline.CHUNK
    seen: set[int] = set()
    got = []
    for r in pipeline.process_articles(
            (Article(id=f"a{i}", text=GOOD["text"]) for i in range(total)), workers=2):
        server = forkserver._forkserver._forkserver_pid
        if server is not None:
            seen.update(c.pid for c in psutil.Process(server).children())
        assert r.failure is None
        got.append(r.article_id)
    assert got == [f"a{i}" for i in range(total)]
    assert len(seen) > 2


def test_the_drain_is_announced_once_every_article_is_with_the_workers() -> None:
    """`on_drain` (the build then writes smaller batches) comes once, after the input is read
    and before the last results."""
    from kg.pipeline import CHUNK, process_articles
    from kg.types import Article

    total = 3 * CHUNK
    read: list[int] = []
    drains: list[tuple[int, int]] = []  # (articles read, results yielded) at each call

    def articles():
        for i in range(total):
            read.append(i)
            yield Article(id=f"a{i}", text=GOOD["text"])

    got = []
    for r in process_articles(articles(), workers=2,
                              on_drain=lambda: drains.append((len(read), len(got)))):
        got.append(r.article_id)
    assert got == [f"a{i}" for i in range(total)]
    assert len(drains) == 1 and drains[0][0] == total and drains[0][1] < total


def test_an_article_without_a_date_is_reported_and_built(tmp_path: Path, capsys) -> None:
    src = tmp_path / "undated.jsonl"
    src.write_text(json.dumps({"id": "no-date", "text": GOOD["text"]}) + "\n"
                   + json.dumps(GOOD) + "\n")
    assert main(["build", str(src), "--store", str(tmp_path / "s")]) == 0
    out, err = capsys.readouterr()
    warnings = [line for line in err.splitlines() if "no date" in line]
    assert len(warnings) == 1 and f"{src}:1" in warnings[0] and "'no-date'" in warnings[0]
    assert "1 articles without a date" in out
    with Store.open(tmp_path / "s") as store:
        assert sorted(store.article_ids()) == ["good-1", "no-date"]


def test_an_article_the_coder_fails_on_is_reported_and_the_rest_is_built(
        tmp_path: Path, capsys, monkeypatch) -> None:
    """A bug in extraction on one article costs only that article: reported with its line and
    id, the others built, the build's end (actor merge, stats) still run."""
    import kg.pipeline

    real = kg.pipeline.article_to_result

    def flaky(article, doc):
        if article.id == "poison":
            raise IndexError("list index out of range")
        return real(article, doc)

    monkeypatch.setattr(kg.pipeline, "article_to_result", flaky)
    src = tmp_path / "three.jsonl"
    src.write_text("".join(json.dumps({**GOOD, "id": i}) + "\n" for i in ("good-1", "poison", "good-2")))
    status = main(["build", str(src), "--store", str(tmp_path / "s"), "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 0
    assert f"{src}:2: article 'poison': extraction failed (IndexError" in err
    assert "2 articles" in out and "1 skipped" in out
    with Store.open(tmp_path / "s") as store:
        assert sorted(store.article_ids()) == ["good-1", "good-2"]


def test_unknown_model_with_workers_is_one_clear_line(tmp_path: Path, capsys) -> None:
    """The main process does not load spaCy: a worker that cannot load the model stops the
    build with the loader's message (no pool restarting workers for ever)."""
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps(GOOD) + "\n")
    status = main(["build", str(src), "--store", str(tmp_path / "s"), "--model",
                   "xx_no_such_model", "--workers", "2"])
    err = capsys.readouterr().err
    assert status == 2
    assert "xx_no_such_model" in err and "installed pipelines" in err


def test_a_store_write_that_fails_stops_the_build_with_its_error(tmp_path: Path) -> None:
    """Batches are written on the writer thread; its error is raised by `build`, not lost."""
    from kg.pipeline import build

    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "good-2"}) + "\n")

    class Full(Store):
        def replace_graphs(self, items, *, validate=True, summary=b""):
            raise OSError("No space left on device")

    store = Full.memory()
    with pytest.raises(OSError, match="No space left"):
        build([src], store, on_undated=lambda a: None)


def test_chunks_keep_order_and_end_in_small_chunks() -> None:
    """Articles go to the workers in order; the last ones (read ahead) in quarter chunks, so
    that no worker parses a long last chunk while the others wait."""
    from kg.pipeline import _chunks

    for n in (0, 1, 5, 16, 17, 30, 100):
        chunks = list(_chunks(range(n), 8, last=16))
        assert [x for c in chunks for x in c] == list(range(n))
        assert all(len(c) <= 8 for c in chunks)
        assert all(len(c) <= 2 for c in chunks[-min(8, n // 2):])
    assert list(_chunks(range(5), 32)) == [[0, 1, 2, 3, 4]]


#: three reports of one meeting: "Karimbekov" (article 2) is merged into "Rustam Karimbekov"
#: at the end of the build, and the meeting becomes one event reported by all three
MERGED = [
    {"id": "m1", "date": "2016-03-07", "text": (
        "Uzbek opposition leader Rustam Karimbekov met Egypt's president in Cairo on Monday. "
        "Rustam Karimbekov said Uzbekistan would send aid to Egypt.")},
    {"id": "m2", "date": "2016-03-07", "text": (
        "Karimbekov met Egypt's president in Cairo on Monday. Karimbekov criticized the "
        "government of Uzbekistan. Police arrested 20 protesters in Cairo.")},
    {"id": "m3", "date": "2016-03-08", "text": (
        "Rustam Karimbekov met Egypt's president in Cairo on Monday, Egyptian media reported.")},
]


def _summaries(store_dir: Path) -> tuple[dict[str, list[bytes]], dict[str, list[bytes]]]:
    """The summary graphs as stored and as computed again from the union (sorted lines)."""
    import pyoxigraph as ox

    from kg.summary import is_summary_graph, summary_nquads

    with Store.open(store_dir) as store:
        stored = {g: sorted(store.inner.dump(format=ox.RdfFormat.N_TRIPLES,
                                             from_graph=ox.NamedNode(g)).splitlines())
                  for g in store.graphs() if is_summary_graph(g)}
        computed = {g: sorted(text.replace(f" <{g}> .".encode(), b" .").splitlines())
                    for g, text in summary_nquads(store).items() if text}
    return stored, computed


def test_a_new_store_takes_the_summary_lines_of_the_workers_and_looks_up_the_rest(
        tmp_path: Path, monkeypatch) -> None:
    import kg.summary as summary

    looked_up: list[str] = []
    lines = summary._Reader.lines

    def spy(self, event, graph):  # the store's lookups only, not the workers' seeds
        if type(self) is summary._Reader:
            looked_up.append(event.value)
        return lines(self, event, graph)

    monkeypatch.setattr(summary._Reader, "lines", spy)
    monkeypatch.setattr(summary, "iter_summary", lambda store: (_ for _ in ()).throw(
        AssertionError("a whole-store summary pass")))
    monkeypatch.setattr(summary, "_actor_totals", lambda store: (_ for _ in ()).throw(
        AssertionError("a whole-store aggregate of the actors' totals")))
    src = tmp_path / "m.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in MERGED))
    assert main(["build", str(src), "--store", str(tmp_path / "s")]) == 0
    monkeypatch.undo()
    stored, computed = _summaries(tmp_path / "s")
    assert stored == computed and stored
    events = sum(len(v) for v in stored.values()) // 6  # at most 6 lines an event
    # the events the merge rewrote (and the one all three report) were looked up, not all
    assert looked_up and len(set(looked_up)) < events


@pytest.mark.parametrize("write_batch", [64, 1])
def test_an_article_written_twice_in_one_build_gets_the_summary_of_its_last_graph(
        tmp_path: Path, monkeypatch, write_batch: int) -> None:
    """(The input reader skips a repeated id; a cluster re-running a batch could still
    deliver an article twice.) Its workers' summary lines are then not used."""
    from kg import pipeline
    from kg.ingest import read_articles

    shorter = {**GOOD, "text": GOOD["text"].split(". ")[0] + "."}  # without the arrest
    src, last = tmp_path / "a.jsonl", tmp_path / "last.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in (GOOD, *MERGED)))
    last.write_text(json.dumps(shorter) + "\n")
    real = pipeline.process_articles
    [again] = list(real(read_articles([last])))

    def twice(articles, **kw):  # good-1's graph comes back shorter, last (a batch apart or not)
        yield from real(articles, **kw)
        yield again

    monkeypatch.setattr(pipeline, "process_articles", twice)
    monkeypatch.setattr(pipeline, "WRITE_BATCH", write_batch)
    assert main(["build", str(src), "--store", str(tmp_path / "s")]) == 0
    monkeypatch.undo()
    stored, computed = _summaries(tmp_path / "s")
    assert stored == computed and stored
    one = tmp_path / "one.jsonl"
    one.write_text("".join(json.dumps(r) + "\n" for r in (*MERGED, shorter)))
    assert main(["build", str(one), "--store", str(tmp_path / "one")]) == 0
    assert _summaries(tmp_path / "one")[0] == stored
