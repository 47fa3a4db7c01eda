"""The name index (kg.names): a writer leaves it, a write drops it, and it names the same nodes
as the case-insensitive SPARQL match it replaces."""
from __future__ import annotations

import shutil

import pyoxigraph as ox

from kg import names
from kg.query import resolve_names, run
from kg.store import Store
from tests.conftest import write_sample_store


def _all_names(store: Store, kind: str) -> list[str]:
    return sorted({str(r["n"]) for r in store.select(
        f"SELECT DISTINCT ?n WHERE {{ {names.PATTERNS[kind]} }}")})


def test_the_index_names_what_the_sparql_match_names(tmp_path):
    with_index = write_sample_store(tmp_path / "with")
    assert (with_index / names.NAMES_FILE).is_file()  # left by the writer's close
    without = tmp_path / "without"
    shutil.copytree(with_index, without)
    (without / names.NAMES_FILE).unlink()
    with Store.open(with_index, read_only=True) as a, Store.open(without, read_only=True) as b:
        assert names.lookup(b, "Mexico", "place") is None  # no index: the store is asked
        checked = 0
        for kind in names.PATTERNS:
            for name in _all_names(a, kind) + ["no such name"]:
                for value in (name, name.upper(), name.lower(), f"  {name} "):
                    indexed = resolve_names(a, value, kind)
                    assert indexed == resolve_names(b, value, kind), (kind, value)
                    checked += bool(indexed)
        assert checked > 40
        # a code names the state that is that country (the `place` kind), any case
        usa = ox.NamedNode("https://w3id.org/kg-news/id/state/USA")
        assert resolve_names(a, "usa", "place") == [usa]
        assert names.lookup(a, "Donald Trump", "named") == [
            "https://w3id.org/kg-news/id/actor/donald-trump"]
        assert names.lookup(a, "no such name", "named") == []


def test_a_write_drops_the_index_and_the_writer_leaves_a_new_one(tmp_path, sample_iris):
    path = write_sample_store(tmp_path / "store")
    index = path / names.NAMES_FILE
    with Store.open(path, read_only=True) as store:
        assert names.lookup(store, "Claudia Sheinbaum", "named") == [sample_iris.sheinbaum]
    with Store.open(path) as store:
        assert store.remove_articles([sample_iris.a2]) == []  # (the ids not found)
        assert not index.exists()  # while the writer is at work: no index to trust
        # the store is asked meanwhile, and sees the write
        assert resolve_names(store, "Claudia Sheinbaum") == []
    with Store.open(path, read_only=True) as store:
        assert index.is_file()
        assert names.lookup(store, "Claudia Sheinbaum", "named") == []
        assert names.lookup(store, "Donald Trump", "named") == [sample_iris.trump]


def test_an_index_of_another_format_is_not_read(tmp_path, sample_iris):
    path = write_sample_store(tmp_path / "store")
    (path / names.NAMES_FILE).write_text("kg-names 0\nnamed\t\"donald trump\"\tx\n",
                                         encoding="utf-8")
    with Store.open(path, read_only=True) as store:
        assert names.lookup(store, "Donald Trump", "named") is None
        rows = run(store, "threats_by_actor", {"actor": "donald trump"}).values()
        assert rows and {r["source"] for r in rows} == {sample_iris.trump}
