"""SHACL validation (kg.validate, `kg validate`): the sample graph conforms; a broken one names
the offending node, the path and the rule it breaks."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.store import Store
from kg.validate import format_report, validate_store
from conftest import SAMPLE, build_sample_quads  # tests/ is on sys.path (rootdir conftest)

KGO = "https://w3id.org/kg-news/ontology#"
SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"

pytestmark = pytest.mark.skipif(not SHAPES.is_file(), reason=f"{SHAPES} is missing")


def _store(drop=lambda q: False, path: Path | None = None, extra: tuple[ox.Quad, ...] = ()
           ) -> Store:
    store = Store.open(path, create=True) if path else Store.memory()
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in [*build_sample_quads(), *extra]:
        if not drop(q):
            by_graph[q.graph_name.value].append(q)
    for graph, quads in by_graph.items():
        store.replace_graph(graph, quads)
    return store


def _no_directive_evidence(q: ox.Quad) -> bool:
    return q.subject.value == SAMPLE.directive and q.predicate.value == KGO + "evidence"


def _short(iri: str) -> str:
    return "kgid:" + iri.removeprefix("https://w3id.org/kg-news/id/")


def test_sample_graph_conforms(sample_store) -> None:
    report = validate_store(sample_store)
    assert report.conforms, format_report(report)
    assert report.counts()["Violation"] == 0
    assert report.triples > 0 and report.shapes > 0
    assert format_report(report).strip().startswith("conforms:")


def test_event_without_evidence_is_named() -> None:
    report = validate_store(_store(_no_directive_evidence))
    assert not report.conforms
    violations = [r for r in report.results if r.severity == "Violation"]
    assert [(r.focus, r.path) for r in violations] == [(_short(SAMPLE.directive), "kgo:evidence")]
    assert "evidence" in violations[0].message
    text = format_report(report)
    shape = violations[0].shape
    lines = text.splitlines()
    # grouped under the shape, one line per result, then the summary
    assert lines[0].startswith(shape) and "1 violation" in lines[0]
    assert _short(SAMPLE.directive) in lines[1] and "kgo:evidence" in lines[1]
    assert lines[-1].startswith("does NOT conform: 1 violations")


def test_stance_with_two_polarities_is_named() -> None:
    """A second, conflicting polarity on the red line breaks the stance shape."""
    extra = ox.Quad(ox.NamedNode(SAMPLE.stance), ox.NamedNode(KGO + "polarity"),
                    ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                    ox.NamedNode(SAMPLE.g2))
    report = validate_store(_store(extra=(extra,)))
    assert not report.conforms
    assert {r.focus for r in report.results if r.severity == "Violation"} == {_short(SAMPLE.stance)}


def test_cli_exit_status(tmp_path, capsys) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    _store(path=good).close()
    _store(_no_directive_evidence, path=bad).close()
    assert main(["validate", "--store", str(good)]) == 0
    assert "conforms" in capsys.readouterr().out
    assert main(["validate", "--store", str(bad)]) == 1
    out = capsys.readouterr().out
    assert _short(SAMPLE.directive) in out and "does NOT conform" in out
    assert main(["validate", "--store", str(tmp_path / "missing")]) == 2
    assert "no kg store" in capsys.readouterr().err


def _sparql_violations(results) -> set[tuple[str, str | None, str]]:
    return {(r.focus, r.path, r.message) for r in results
            if r.component == "SPARQLConstraintComponent"}


def test_sparql_constraints_match_pyshacl_node_by_node() -> None:
    """kg.validate runs each sh:sparql constraint once for all focus nodes; pySHACL, given
    every constraint (inference "rdfs" makes kg.validate hand it all of them), pre-binds
    $this node by node. Both name the same events with the same messages."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    two_classes = ox.Quad(ox.NamedNode(SAMPLE.directive), rdf_type, ox.NamedNode(KGO + "Attack"),
                          ox.NamedNode(SAMPLE.g2))
    two_parents = ox.Quad(ox.NamedNode(SAMPLE.directive), ox.NamedNode(KGO + "parentEvent"),
                          ox.NamedNode(SAMPLE.threat), ox.NamedNode(SAMPLE.g2))
    other_parent = ox.Quad(ox.NamedNode(SAMPLE.directive), ox.NamedNode(KGO + "parentEvent"),
                           ox.NamedNode(SAMPLE.strike), ox.NamedNode(SAMPLE.g2))
    store = _store(extra=(two_classes, two_parents, other_parent))
    fast = validate_store(store)
    node_by_node = validate_store(store, inference="rdfs")
    expected = _sparql_violations(node_by_node.results)
    # one result per constraint: two most specific classes, two parents
    assert {(focus, path) for focus, path, _ in expected} == {
        (_short(SAMPLE.directive), None), (_short(SAMPLE.directive), "kgo:parentEvent")}
    assert _sparql_violations(fast.results) == expected
    assert any("it has 2" in message for _, _, message in expected)
