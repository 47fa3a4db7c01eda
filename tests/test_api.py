"""kg.api: the KnowledgeGraph over the hand-made sample store (tests/conftest.py), its doctests,
and `build` (with the pipeline replaced by a loader of the sample graph; the real one is slow)."""
from __future__ import annotations

import doctest
import os
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import kg.api
from kg.api import EVENT_COLUMNS, STANCE_COLUMNS, KnowledgeGraph, build
from kg.errors import InputError, QueryError, StoreError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def graph(sample_store) -> KnowledgeGraph:
    return KnowledgeGraph(sample_store)


def _doctests(slow: bool) -> list[doctest.DocTest]:
    tests = doctest.DocTestFinder().find(kg.api)
    return [t for t in tests if t.examples and (t.name == "kg.api.build") == slow]


def _run(tests: list[doctest.DocTest]) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} doctest failures (see the output above)"


def test_doctests() -> None:
    tests = _doctests(slow=False)
    assert len(tests) >= 4
    _run(tests)


@pytest.mark.slow
def test_build_doctest_on_the_example_articles(monkeypatch) -> None:
    if not (ROOT / "examples" / "news" / "articles.jsonl").is_file():
        pytest.skip("examples/news/articles.jsonl is absent")
    monkeypatch.chdir(ROOT)
    _run(_doctests(slow=True))


def test_events_table(graph, sample_iris) -> None:
    events = graph.events()
    assert isinstance(events, pd.DataFrame)
    assert list(events.columns[:len(EVENT_COLUMNS)]) == list(EVENT_COLUMNS)
    threat = events.set_index("event").loc[sample_iris.threat]
    assert threat["cameo"] == "138" and threat["date"] == "2026-01-08"
    assert [a["label"] for a in threat["source"]] == ["Donald Trump"]
    assert set(events["event"]) == {sample_iris.threat, sample_iris.strike, sample_iris.directive}


def test_events_filters(graph, sample_iris) -> None:
    assert graph.events(cameo_root="15")["event"].tolist() == [sample_iris.directive]
    assert graph.events(modality="threatened")["event"].tolist() == [sample_iris.strike]
    by_label = graph.events(actor="Claudia Sheinbaum")["event"].tolist()
    assert by_label == [sample_iris.directive]
    assert graph.events(actor=sample_iris.trump)["event"].tolist() == [sample_iris.threat]
    assert graph.events(start="2026-01-09")["event"].tolist() == [sample_iris.directive]
    empty = graph.events(end="2020-01-01")
    assert empty.empty and "cameo" in empty.columns


def test_events_of_an_unknown_actor_are_none_with_a_warning(graph) -> None:
    with pytest.warns(UserWarning, match="no actor is named 'Nobody'"):
        empty = graph.events(actor="Nobody")
    assert empty.empty and list(empty.columns) == list(EVENT_COLUMNS)
    assert graph.query("threats_by_actor", actor="Nobody") == []  # the same answer


def test_event_dates_are_datetimes_and_codes_strings(graph, sample_iris) -> None:
    events = graph.events()
    assert pd.api.types.is_datetime64_any_dtype(events["date_start"])
    assert pd.to_datetime(events["date_start"]).notna().sum() == 2  # the strike is undated
    threat = events.set_index("event").loc[sample_iris.threat]
    assert threat["root_code"] == "13" and threat["published"] == pd.Timestamp("2026-01-09")


def test_a_closed_graph_says_so(sample_store_dir) -> None:
    graph = KnowledgeGraph.open(sample_store_dir)
    graph.close()
    assert graph.closed and "closed" in repr(graph)
    for call in (graph.events, graph.actors, lambda: graph.query("SELECT * {}")):
        with pytest.raises(StoreError, match="is closed; open it again"):
            call()
    graph.close()  # harmless


def test_the_package_says_it_is_typed() -> None:
    assert (ROOT / "kg" / "py.typed").is_file()


def test_actors_and_stances(graph, sample_iris) -> None:
    actors = graph.actors().set_index("iri")
    assert actors.loc[sample_iris.sheinbaum, "country"] == "MEX"
    assert actors.loc[sample_iris.army, "type"] == "MilitaryForce"
    stances = graph.stances()
    assert list(stances.columns) == list(STANCE_COLUMNS)
    assert stances["kind"].tolist() == ["RedLine"]
    assert stances["target_action"].tolist() == ["unilateral U.S. military action"]


def test_query_inline_saved_and_with_parameters(graph, sample_iris) -> None:
    rows = graph.query("SELECT ?label WHERE { ?a kgo:countryCode 'MEX' ; rdfs:label ?label } "
                       "ORDER BY ?label")
    assert [r["label"] for r in rows] == ["Claudia Sheinbaum", "Mexican Army", "Mexico"]
    threats = graph.query("threats_by_actor", actor="Donald Trump")
    assert {r["event"] for r in threats} == {sample_iris.threat}
    assert graph.query("threats_by_actor", actor=sample_iris.sheinbaum) == []
    frame = graph.query_df("threats_by_actor")
    assert isinstance(frame, pd.DataFrame) and "sentence" in frame.columns
    with pytest.raises(QueryError, match="no saved query named"):
        graph.query("no_such_query")


def test_to_rdflib_holds_every_quad(graph, sample_store) -> None:
    import pyoxigraph as ox

    dataset = graph.to_rdflib()
    sizes = {str(g.identifier): len(g) for g in dataset.graphs()}
    for name in sample_store.graphs():
        assert sizes[name] == len(list(sample_store.inner.quads_for_pattern(
            None, None, None, ox.NamedNode(name))))


@pytest.mark.parametrize("view, kind", [
    ("actors", nx.MultiDiGraph), ("dyads", nx.DiGraph), ("events", nx.DiGraph),
    ("stances", nx.MultiDiGraph), ("triples", nx.MultiDiGraph)])
def test_to_networkx_views(graph, view: str, kind: type) -> None:
    g = graph.to_networkx(view)
    assert type(g) is kind and g.number_of_edges() > 0


def test_to_networkx_content(graph, sample_iris) -> None:
    s = sample_iris
    actors = graph.to_networkx("actors")
    assert actors.has_edge(s.trump, s.mex, key=s.threat)
    assert actors.has_edge(s.sheinbaum, s.army, key=s.directive)
    assert not actors.has_edge(s.usa, s.mex)  # the strike is uncoded nested content
    assert graph.to_networkx("actors", include_uncoded=True).has_edge(s.usa, s.mex, key=s.strike)
    assert actors.nodes[s.sheinbaum]["label"] == "Claudia Sheinbaum"
    assert graph.to_networkx("events").edges[s.threat, s.strike]["role"] == "content"
    assert graph.to_networkx("stances").has_edge(s.sheinbaum, s.usa)
    with pytest.raises(InputError, match="unknown network view 'people'"):
        graph.to_networkx("people")


def test_remove(graph, sample_iris) -> None:
    assert graph.remove([sample_iris.a1, "missing"]) == ["missing"]
    assert graph.article_ids() == [sample_iris.a2]
    assert sample_iris.threat in set(graph.events()["event"])  # still reported by article 2
    assert graph.remove(sample_iris.a2) == []
    assert graph.events().empty


def _fake_pipeline(calls: list):
    """A stand-in for kg.pipeline.build that loads the sample graph instead of parsing."""
    from conftest import build_sample_quads  # tests/ is on sys.path
    import pyoxigraph as ox

    def fake(sources, store, **kwargs):
        calls.append((list(sources), kwargs))
        by_graph: dict[str, list] = {}
        for q in build_sample_quads():
            by_graph.setdefault(q.graph_name.value, []).append(q)
        for g, quads in by_graph.items():
            store.replace_graph(g, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        return "summary"

    return fake


def test_build_in_memory_and_on_disk(monkeypatch, tmp_path, sample_iris) -> None:
    import kg.pipeline

    calls: list = []
    monkeypatch.setattr(kg.pipeline, "build", _fake_pipeline(calls))
    with build("some.jsonl", workers=2) as g:
        assert g.article_ids() == [sample_iris.a1, sample_iris.a2]
    assert calls[0][0] == ["some.jsonl"] and calls[0][1]["workers"] == 2
    store_dir = tmp_path / "store"
    build([Path("a.jsonl"), "b.txt"], store_dir).close()
    with KnowledgeGraph.open(store_dir, read_only=True) as g:
        assert len(g.events()) == 3
    assert "store" in repr(KnowledgeGraph.open(store_dir))


def test_open_missing_store_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(StoreError):
        KnowledgeGraph.open(tmp_path / "nothing-here")


@pytest.mark.slow
def test_add_real_articles(tmp_path) -> None:
    if not (ROOT / "examples" / "news" / "articles.jsonl").is_file():
        pytest.skip("examples/news/articles.jsonl is absent")
    with KnowledgeGraph.open(tmp_path / "s", create=True) as g:
        summary = g.add(ROOT / "examples" / "news" / "articles.jsonl")
        assert summary.articles == len(g.article_ids()) > 0
        events = g.events()
        assert events["text"].notna().all()
        assert os.path.isdir(tmp_path / "s")


@pytest.mark.slow
@pytest.mark.parametrize("script", ["build_and_query.py", "analyse.py", "plot.py"])
def test_example_scripts_run(script: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    if not (ROOT / "examples" / "news" / "articles.jsonl").is_file():
        pytest.skip("examples/news/articles.jsonl is absent")
    args = [sys.executable, str(ROOT / "examples" / script)]
    if script == "plot.py":
        args.append(str(tmp_path))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip()
    if script == "plot.py":
        assert (tmp_path / "graph.html").is_file()
        for png in tmp_path.glob("*.png"):
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
