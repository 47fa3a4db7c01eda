"""The result cache (kg.results): a rerun reads the answer from disk, a write drops it, a
process whose view of the store is older than the last write neither reads nor writes it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kg.query import load_saved, run
from kg.results import RESULTS_DIR, ResultCache
from kg.store import Store

EVENTS = load_saved("events").text


@pytest.fixture(autouse=True)
def cache_everything(monkeypatch):
    """Cache every SELECT, however fast (the sample graph answers in milliseconds)."""
    monkeypatch.setenv("KG_RESULT_CACHE_SECONDS", "0")


def _entries(path):
    return sorted(p.name for p in (path / RESULTS_DIR).iterdir() if p.name != "generation")


def _poison(path, fmt: str, data: bytes) -> None:
    """Overwrite every cached answer in format `fmt`: a later read that returns `data`
    came from the cache, not from the engine."""
    for p in (path / RESULTS_DIR).glob(f"*.{fmt}"):
        p.write_bytes(data)


def test_a_rerun_is_read_from_the_cache_and_a_write_drops_it(sample_store_dir, sample_iris):
    path = sample_store_dir
    with Store.open(path, read_only=True) as store:
        first = store.select_csv(EVENTS)
        assert first.count(b"\r\n") == 4  # header and the sample's three events
        assert len(_entries(path)) == 1
        _poison(path, "csv", b"event\r\ncached\r\n")
        assert store.select_csv(EVENTS) == b"event\r\ncached\r\n"
    with Store.open(path) as store:
        assert store.select_csv(EVENTS) == b"event\r\ncached\r\n"  # another process, same data
        assert store.remove_articles([sample_iris.a2]) == []
        assert _entries(path) == []  # the write removed them before touching the data
        after = store.select_csv(EVENTS)
    assert after.count(b"\r\n") < first.count(b"\r\n")
    with Store.open(path, read_only=True) as store:
        assert store.select_csv(EVENTS) == after


def test_cached_solutions_keep_every_term_as_the_engine_gave_it(sample_store_dir):
    """`query` keeps TSV, which keeps datatypes, language tags and unbound values."""
    text = ("SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x:none> ?none } } "
            "ORDER BY ?s ?p ?o")
    with Store.open(sample_store_dir, read_only=True) as store:
        store.use_result_cache = False
        engine = [tuple(row) for row in store.query(text)]
        store.use_result_cache = True
        filled = [tuple(row) for row in store.query(text)]
        _poison(sample_store_dir, "tsv", b"?s\t?o\t?none\n<urn:x:cached>\t\"1\"@en\t\n")
        poisoned = [tuple(row) for row in store.query(text)]
    assert filled == engine and len(engine) > 50
    assert {type(t).__name__ for row in engine for t in row} >= {"NamedNode", "Literal",
                                                                 "NoneType"}
    assert poisoned[0][0].value == "urn:x:cached" and poisoned[0][1].language == "en"


def test_saved_query_results_and_parameters_are_cached_apart(sample_store_dir, sample_iris):
    with Store.open(sample_store_dir, read_only=True) as store:
        every = run(store, "events", {}).rows
        one = run(store, "events", {"actor": sample_iris.sheinbaum}).rows
        assert len(every) == 3 and 0 < len(one) < 3
        assert len(_entries(sample_store_dir)) == 2
        assert run(store, "events", {}).rows == every  # read back from the cache
        assert run(store, "events", {"actor": sample_iris.sheinbaum}).rows == one


def test_a_view_older_than_the_last_write_neither_reads_nor_fills_the_cache(
        sample_store_dir, sample_iris):
    with Store.open(sample_store_dir) as writer:
        reader = Store.open(sample_store_dir, read_only=True)  # its snapshot: both articles
        old = reader.select_csv(EVENTS)
        writer.remove_articles([sample_iris.a2])
        # the reader's snapshot still answers with both articles' events: it must not put
        # that answer where a process that sees the write would find it
        assert reader.select_csv(EVENTS) == old
        assert _entries(sample_store_dir) == []
        reader.close()
        assert writer.select_csv(EVENTS) != old


def test_a_killed_writer_leaves_no_answer_of_the_old_content(sample_store_dir, sample_iris):
    """The generation is drawn before the data changes: a writer killed at once after its
    first write began leaves cached answers unreadable."""
    with Store.open(sample_store_dir, read_only=True) as store:
        old = store.select_csv(EVENTS)
    code = (f"import os; from kg.store import Store\n"
            f"s = Store.open({str(sample_store_dir)!r})\n"
            f"s._invalidate_caches()\n"
            f"os._exit(9)\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 9
    with Store.open(sample_store_dir, read_only=True) as store:
        assert _entries(sample_store_dir) == []
        assert store.select_csv(EVENTS) == old  # computed again, the data did not change


def test_the_least_recently_read_entries_go_first(tmp_path):
    cache = ResultCache(tmp_path / RESULTS_DIR, max_bytes=250, min_seconds=0)
    for name in ("a", "b", "c"):
        cache.put(name, "csv", b"x" * 100, seconds=1)
    assert cache.get("a", "csv") is None  # three of 100 bytes do not fit in 250
    assert cache.get("b", "csv") and cache.get("c", "csv")
    cache.put("too big", "csv", b"x" * 251, seconds=1)
    assert cache.get("too big", "csv") is None and cache.get("c", "csv")


def test_fast_answers_are_not_kept_and_zero_megabytes_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_RESULT_CACHE_SECONDS", "0.5")
    cache = ResultCache(tmp_path / RESULTS_DIR)
    cache.put("q", "csv", b"1", seconds=0.1)
    assert cache.get("q", "csv") is None
    cache.put("q", "csv", b"1", seconds=0.6)
    assert cache.get("q", "csv") == b"1"
    monkeypatch.setenv("KG_RESULT_CACHE_MB", "0")
    assert not ResultCache(tmp_path / RESULTS_DIR).enabled
    monkeypatch.setenv("KG_RESULT_CACHE_MB", "lots")
    with pytest.raises(ValueError, match="KG_RESULT_CACHE_MB"):
        ResultCache(tmp_path / RESULTS_DIR)


def test_cli_no_cache_computes_again(sample_store_dir, capsys):
    from kg.cli import main

    assert main(["query", "events", "--store", str(sample_store_dir), "--format", "csv"]) == 0
    first = capsys.readouterr().out
    _poison(sample_store_dir, "csv", b"event\r\ncached\r\n")
    assert main(["query", "events", "--store", str(sample_store_dir), "--format", "csv"]) == 0
    assert capsys.readouterr().out == "event\ncached\n"
    assert main(["query", "events", "--store", str(sample_store_dir), "--format", "csv",
                 "--no-cache"]) == 0
    assert capsys.readouterr().out == first


def test_module_doctest() -> None:
    import doctest

    from kg import results

    outcome = doctest.testmod(results)
    assert outcome.attempted > 0 and outcome.failed == 0


def test_the_python_api_reads_the_cache_unless_told_not_to(sample_store_dir):
    from kg.api import KnowledgeGraph

    with KnowledgeGraph.open(sample_store_dir, read_only=True, cache=False) as graph:
        rows = graph.query("events")
        assert len(rows) == 3 and _entries(sample_store_dir) == []
    with KnowledgeGraph.open(sample_store_dir, read_only=True) as graph:
        assert graph.query("events") == rows
        assert [e.rsplit(".", 1)[1] for e in _entries(sample_store_dir)] == ["tsv"]
        assert graph.query("events") == rows  # read back


def test_an_answer_too_big_to_keep_is_handed_on_lazily(sample_store_dir):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    with Store.open(sample_store_dir, read_only=True) as store:
        whole = [tuple(r) for r in store.query(text)]
        store._results.max_entry_bytes = 1000  # the sample's triples take more as TSV
        result = store.query(text)
        assert [tuple(r) for r in result] == whole
    assert [e for e in _entries(sample_store_dir) if e.endswith(".tsv")] \
        and len(_entries(sample_store_dir)) == 1  # only the first, small enough, was kept


def test_warm_keeps_every_saved_query_in_both_forms(sample_store_dir, capsys):
    from kg.cli import main
    from kg.query import list_saved

    assert main(["warm", "--store", str(sample_store_dir)]) == 0
    out = capsys.readouterr().out
    saved = list_saved()
    assert all(q.name in out for q in saved)
    kinds = [e.rsplit(".", 1)[1] for e in _entries(sample_store_dir)]
    assert kinds.count("tsv") == kinds.count("csv") == len(saved)
    _poison(sample_store_dir, "csv", b"event\r\nwarmed\r\n")
    assert main(["query", "events", "--store", str(sample_store_dir), "--format", "csv"]) == 0
    assert capsys.readouterr().out == "event\nwarmed\n"


def test_warm_names_an_unknown_query_before_any_work(sample_store_dir, capsys):
    from kg.cli import main

    assert main(["warm", "events", "no_such_query", "--store", str(sample_store_dir)]) != 0
    err = capsys.readouterr().err
    assert "no_such_query" in err and _entries(sample_store_dir) == []
