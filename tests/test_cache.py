"""kg.cache: derived data pickled into the user's cache folder, keyed by its inputs."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.cache
from kg.cache import cached


def test_module_doctests() -> None:
    result = doctest.testmod(kg.cache)
    assert result.attempted and not result.failed


def test_a_damaged_entry_is_built_again(tmp_path: Path) -> None:
    assert cached("idx", [b"a"], lambda: [1, 2], folder=tmp_path) == [1, 2]
    (entry,) = tmp_path.glob("idx-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cached("idx", [b"a"], lambda: [3], folder=tmp_path) == [3]
    assert cached("idx", [b"a"], lambda: [4], folder=tmp_path) == [3]  # the rebuilt one is kept


def test_an_entry_of_other_inputs_is_removed_when_a_new_one_is_written(tmp_path: Path) -> None:
    cached("idx", [b"old"], lambda: "old", folder=tmp_path)
    cached("other", [b"old"], lambda: "other", folder=tmp_path)
    cached("idx", [b"new"], lambda: "new", folder=tmp_path)
    names = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.pickle"))
    assert names == ["idx", "other"]


def test_dump_and_load_give_the_pickled_form(tmp_path: Path) -> None:
    first = cached("pair", [b"k"], lambda: (1, 2), folder=tmp_path, dump=list, load=tuple)
    again = cached("pair", [b"k"], lambda: (9, 9), folder=tmp_path, dump=list, load=tuple)
    assert first == again == (1, 2)


def test_a_folder_that_cannot_be_written_means_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    folder = blocked / "cache"  # under a file: nothing can be made there, even by root
    assert cached("idx", [b"a"], lambda: "built", folder=folder) == "built"
    assert cached("idx", [b"a"], lambda: "again", folder=folder) == "again"


def test_cache_dir_is_none_when_it_cannot_be_made(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "a-file" / "kg"))
    assert kg.cache.cache_dir() is None
    assert cached("idx", [b"a"], lambda: "built") == "built"


def test_a_value_that_does_not_pickle_is_returned_uncached(tmp_path: Path) -> None:
    value = cached("fn", [b"a"], lambda: (lambda: 1), folder=tmp_path)
    assert value() == 1 and not list(tmp_path.glob("*.pickle"))


def test_the_cached_gazetteer_is_the_built_one(tmp_path: Path, monkeypatch) -> None:
    from kg import gazetteer

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    built = gazetteer._build_gazetteer()
    first = cached("gazetteer", gazetteer._cache_key(), gazetteer._build_gazetteer)
    read = cached("gazetteer", gazetteer._cache_key(), lambda: pytest.fail("built again"))
    assert list(tmp_path.glob("gazetteer-*.pickle"))
    for g in (first, read):
        assert g.countries == built.countries
        assert g.actor("Vladimir Putin") == built.actor("Vladimir Putin") is not None
        assert g.agent("foreign minister") == built.agent("foreign minister") is not None
