"""The dataset description (`kg.dataset`: VoID/DCAT counts, PROV build runs) and the exports
with the union as default graph (`--with-union`)."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

import kg
from kg.cli import main
from kg.dataset import DCAT, VOID, describe, record_build
from kg.store import Store
from kg.vocab import DCT, KGO, PROV, RDF


def _load_description(path) -> ox.Store:
    g = ox.Store()
    g.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return g


def _one(g: ox.Store, sparql: str):
    rows = list(g.query(sparql, prefixes={"void": VOID, "dcat": DCAT, "prov": PROV,
                                          "dct": DCT, "kgo": KGO, "rdf": RDF}))
    assert len(rows) == 1, rows
    return rows[0]


def test_void_counts_and_build_runs_match_the_store(sample_store_dir, tmp_path) -> None:
    started = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.timezone.utc)
    record_build(sample_store_dir, model="en_core_web_sm", started=started,
                 ended=started + dt.timedelta(seconds=42), articles=2)
    out = tmp_path / "void.ttl"
    assert main(["export", "--store", str(sample_store_dir), "-f", "void", "-o", str(out)]) == 0
    g = _load_description(out)
    with Store.open(sample_store_dir, read_only=True) as store:
        n_triples, n_articles = len(store), len(store.article_ids())
    row = _one(g, "SELECT ?t ?d ?lic WHERE { ?ds a void:Dataset, dcat:Dataset ; "
                  "void:triples ?t ; void:documents ?d ; dct:license ?lic }")
    assert (int(row["t"].value), int(row["d"].value)) == (n_triples, n_articles) == (n_triples, 2)
    threats = _one(g, "SELECT ?n WHERE { ?ds void:classPartition [ void:class kgo:Threat ; "
                      "void:entities ?n ] }")
    assert threats["n"].value == "1"  # one threat event, reported by both articles
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    run = _one(g, "SELECT ?start ?agent ?model WHERE { ?ds prov:wasGeneratedBy ?a . "
                  "?a a prov:Activity ; prov:startedAtTime ?start ; prov:endedAtTime ?end ; "
                  f"prov:wasAssociatedWith [ {label} ?agent ] ; prov:used [ {label} ?model ] }}")
    assert run["start"].value == "2026-01-10T08:00:00Z"  # pyoxigraph normalises +00:00
    assert run["agent"].value == f"kg {kg.__version__}"
    assert run["model"].value.startswith("spaCy pipeline en_core_web_sm")


def test_memory_store_is_described_without_build_runs() -> None:
    triples = describe(Store.memory())
    assert not any(t.predicate.value == PROV + "wasGeneratedBy" for t in triples)
    assert any(t.predicate.value == VOID + "triples" and t.object.value == "0" for t in triples)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_with_union_adds_the_union_as_default_graph(sample_store_dir, tmp_path, fmt) -> None:
    out = tmp_path / f"g.{fmt}"
    assert main(["export", "--store", str(sample_store_dir), "-f", fmt, "--with-union",
                 "-o", str(out)]) == 0
    fmt_ox = ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.TRIG
    quads = list(ox.parse(path=str(out), format=fmt_ox))
    named = {q for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    default = [q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    with Store.open(sample_store_dir, read_only=True) as store:
        assert named == set(store.quads())
        union = {q.triple for q in store.inner.quads_for_pattern(None, None, None,
                                                                 ox.DefaultGraph())}
    assert len(default) == len(set(default)) == len(union)  # a set, not a bag
    assert set(default) == union


def test_with_union_is_for_quad_formats(sample_store_dir, tmp_path, capsys) -> None:
    assert main(["export", "--store", str(sample_store_dir), "-f", "ttl", "--with-union",
                 "-o", str(tmp_path / "g.ttl")]) == 2
    assert "nq and trig" in capsys.readouterr().err
