"""The command line as a whole: one vocabulary of options, clear failures that leave nothing
behind, progress only on a terminal."""
from __future__ import annotations

import argparse

import pytest

from kg.cli import build_parser, main


def _options(command: str) -> dict[str, argparse.Action]:
    parser, _ = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {o: a for a in sub.choices[command]._actions for o in a.option_strings}


@pytest.mark.parametrize("command", ["events", "viz"])
def test_date_windows_are_from_and_to_everywhere(command):
    options = _options(command)
    assert options["--from"].dest == "start" and options["--to"].dest == "end"


@pytest.mark.parametrize("command", ["events", "actors", "query", "export"])
def test_output_format_is_format_everywhere(command):
    assert "--format" in _options(command)


@pytest.mark.parametrize("command", ["build", "viz", "validate", "export"])
def test_long_commands_have_no_progress(command):
    assert "--no-progress" in _options(command)


def test_viz_takes_the_window_under_its_old_names_too(sample_store_dir, tmp_path):
    out = tmp_path / "g.html"
    assert main(["viz", "--store", str(sample_store_dir), "-o", str(out), "--start",
                 "2026-01-09", "--no-progress"]) == 0
    assert main(["viz", "--store", str(sample_store_dir), "-o", str(out), "--from",
                 "2026-01-09", "--to", "2026-01-31", "--no-progress"]) == 0
    assert "Claudia Sheinbaum" in out.read_text(encoding="utf-8")


def test_a_build_of_a_missing_file_leaves_no_store(tmp_path, capsys):
    store = tmp_path / "new.kg"
    assert main(["build", str(tmp_path / "missing.jsonl"), "--store", str(store)]) == 2
    assert "missing.jsonl: no such file" in capsys.readouterr().err
    assert not store.exists()


def test_a_build_that_fails_removes_the_store_it_made(tmp_path, capsys):
    articles = tmp_path / "a.jsonl"
    articles.write_text('{"id": "a", "date": "2026-01-02", "text": "Officials met."}\n')
    store = tmp_path / "new.kg"
    assert main(["build", str(articles), "--store", str(store), "--model", "no_such_model"]) == 2
    assert "no_such_model" in capsys.readouterr().err
    assert not store.exists()
    given = tmp_path / "empty"  # an empty directory the user made stays, empty
    given.mkdir()
    assert main(["build", str(articles), "--store", str(given), "--model", "no_such_model"]) == 2
    assert given.is_dir() and not any(given.iterdir())


def test_a_failed_build_keeps_an_existing_store(sample_store_dir, tmp_path):
    assert main(["build", str(tmp_path / "missing.jsonl"), "--store",
                 str(sample_store_dir)]) == 2
    assert main(["stats", "--store", str(sample_store_dir)]) == 0


def test_progress_only_on_a_terminal(monkeypatch):
    from kg.commands._args import show_progress

    class Tty:
        def isatty(self) -> bool:
            return True

    assert not show_progress(argparse.Namespace(no_progress=False))  # pytest: not a terminal
    monkeypatch.setattr("sys.stderr", Tty())
    assert show_progress(argparse.Namespace(no_progress=False))
    assert not show_progress(argparse.Namespace(no_progress=True))


def test_the_tests_find_the_shared_data_through_kg_shared(monkeypatch, tmp_path):
    from conftest import ROOT, shared_path

    monkeypatch.delenv("KG_SHARED", raising=False)
    assert shared_path("corpora", "voa.jsonl") == ROOT.parent.joinpath("shared", "corpora",
                                                                       "voa.jsonl")
    monkeypatch.setenv("KG_SHARED", str(tmp_path))
    assert shared_path("eval", "score.py") == tmp_path / "eval" / "score.py"


def test_no_test_spells_the_shared_folder_itself():
    """Every test reaches the shared data through conftest.shared_path (so KG_SHARED works)."""
    from conftest import ROOT

    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == "conftest.py":
            continue
        text = path.read_text(encoding="utf-8")
        spelled = "/ " + '"shared"'
        assert spelled not in text, path.name


@pytest.mark.slow
def test_build_and_stats_count_the_same_events(tmp_path, capsys):
    """Examples plus the border article again under another id: `kg build` reports the events
    in the store as `kg stats` counts them, and how many it read (the repeated ones twice)."""
    import json
    import re

    from conftest import ROOT

    news = ROOT / "examples" / "news"
    border = next(json.loads(x) for x in (news / "articles.jsonl").open(encoding="utf-8")
                  if json.loads(x)["id"] == "border-talks")
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps({**border, "id": "border-talks-again"}) + "\n", encoding="utf-8")
    store = str(tmp_path / "s.kg")
    assert main(["build", str(news), str(again), "--store", store, "--no-progress"]) == 0
    out = capsys.readouterr().out
    in_store, read = map(int, re.search(r"(\d+) events in store \((\d+) read", out).groups())
    assert read > in_store  # the border events are read twice, stored once
    assert main(["stats", "--store", store, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"] == in_store
    assert main(["events", "--store", store]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == in_store and max(r["sources"] for r in rows) == 2
