"""OWL reasoning with owlready2 + HermiT (`kg.reason`, `kg validate --reason`): the Java runtime
and HermiT for real, on hand-made graphs with a known inconsistency and a known inference."""
from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

import kg
from kg.cli import main
from kg.reason import format_reason_report, reason, write_inferred
from kg.store import Store
from kg.vocab import KGO, RDF
from conftest import SAMPLE
from test_publish import voa_store  # noqa: F401  (the session fixture)

needs_java = pytest.mark.skipif(shutil.which("java") is None,
                                reason="HermiT needs a Java runtime (java not on PATH)")


def test_ontology_navigation() -> None:
    onto = kg.ontology()
    assert onto.Organisation in onto.GovernmentBody.ancestors()
    assert onto.Actor in onto.source.range
    assert onto.Threat in set(onto.Event.descendants())


def _q(s: str, p: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(g))


@pytest.fixture
def odd_store(sample_store_dir):
    """The sample store where a third article calls Sheinbaum a government body, and an office
    term that only its holder property types."""
    g3 = "https://w3id.org/kg-news/id/graph/voa-003"
    art3 = "https://w3id.org/kg-news/id/article/voa-003"
    term = "https://w3id.org/kg-news/id/term/untyped"
    with Store.open(sample_store_dir) as store:
        store.replace_graph(g3, [
            _q(SAMPLE.sheinbaum, RDF + "type", KGO + "GovernmentBody", g3),
            _q(art3, KGO + "namedGraph", g3, g3),
            ox.Quad(ox.NamedNode(art3), ox.NamedNode(KGO + "articleId"), ox.Literal("voa-003"),
                    ox.NamedNode(g3)),
            _q(term, KGO + "holder", SAMPLE.trump, g3),
        ])
    return sample_store_dir, term


@needs_java
def test_hermit_names_the_inconsistent_actor_with_its_evidence(odd_store) -> None:
    path, term = odd_store
    with Store.open(path, read_only=True) as store:
        report = reason(store, chunk=4)
    assert [i.individual for i in report.inconsistencies] == [SAMPLE.sheinbaum]
    odd = report.inconsistencies[0]
    assert odd.asserted_in == {KGO + "GovernmentBody": ["voa-003"], KGO + "Person": ["voa-002"]}
    assert any("ordered the army" in sentence for _, sentence in odd.sentences)
    assert report.inferred[term] == [KGO + "OfficeTerm"]  # kgo:holder's domain
    text = format_reason_report(report)
    assert "inconsistent: kgid:actor/claudia-sheinbaum is kgo:GovernmentBody and kgo:Person" \
        in text


@needs_java
def test_the_sample_graph_is_consistent_and_inferred_types_go_to_their_graph(
        sample_store_dir) -> None:
    with Store.open(sample_store_dir, read_only=True) as store:
        report = reason(store)
    assert report.consistent and report.individuals > 10


@needs_java
def test_validate_reason_cli(odd_store, capsys) -> None:
    path, term = odd_store
    assert main(["validate", "--store", str(path), "--reason", "--write-inferred"]) == 1
    out = capsys.readouterr().out
    assert "1 inconsistent individuals" in out and "[voa-002]" in out
    with Store.open(path, read_only=True) as store:
        inferred = store.select("SELECT ?s ?c WHERE { GRAPH <https://w3id.org/kg-news/id/graph/inferred-types> "
                                "{ ?s a ?c } }")
    # the untyped term is an office term by kgo:holder's domain, the untyped article an
    # article by kgo:namedGraph's
    assert sorted((r["s"], r["c"]) for r in inferred) == [
        ("https://w3id.org/kg-news/id/article/voa-003", KGO + "Article"),
        (term, KGO + "OfficeTerm")]


@needs_java
@pytest.mark.slow
def test_reasoning_finishes_on_the_voa_graph(voa_store, capsys) -> None:  # noqa: F811
    """All 15,000-odd individuals in chunks of 2,000 (no sample needed): each inconsistency
    printed with its evidence; the VOA graph has none at the time of writing."""
    code = main(["validate", "--store", str(voa_store), "--reason", "--limit", "0"])
    out = capsys.readouterr().out
    with Store.open(voa_store, read_only=True) as store:
        events = store.stats()["events"]
    n = int(out.split("HermiT: ", 1)[1].split(" individuals")[0])
    assert n > events  # events, actors, stances, quotations, terms...
    assert code == 0, out
    assert ": consistent;" in out
