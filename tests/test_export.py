"""Tests of kg.export and the read commands: every format written and read back."""
from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg import export as kx
from kg.errors import KGError
from kg.store import Store

RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig",
                 "jsonld": "json-ld", "rdfxml": "xml"}
OX_FORMAT = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
             "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
             "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
QUAD_FORMATS = {"nq", "trig", "jsonld"}


def _exported(store: Store, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    kx.export(store, buf, fmt, **kw)
    return buf.getvalue()


def _store_graphs(store: Store) -> dict[str, rdflib.Graph]:
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(list(store.quads()), format=ox.RdfFormat.N_QUADS).decode(),
             format="nquads")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def _union(store: Store) -> rdflib.Graph:
    g = rdflib.Graph()
    for part in _store_graphs(store).values():
        g += part
    return g


@pytest.mark.parametrize("fmt", sorted(RDFLIB_FORMAT))
def test_rdf_formats_round_trip_with_rdflib(sample_store, fmt):
    data = _exported(sample_store, fmt)
    if fmt in QUAD_FORMATS:
        ds = rdflib.Dataset()
        ds.parse(data=data, format=RDFLIB_FORMAT[fmt])
        back = {str(g.identifier): g for g in ds.graphs() if len(g)}
        expected = _store_graphs(sample_store)
        assert back.keys() == expected.keys()
        assert all(isomorphic(back[k], expected[k]) for k in expected)
    else:
        g = rdflib.Graph()
        g.parse(data=data, format=RDFLIB_FORMAT[fmt])
        assert isomorphic(g, _union(sample_store))


@pytest.mark.parametrize("fmt", sorted(OX_FORMAT))
def test_rdf_formats_round_trip_with_pyoxigraph(sample_store, fmt):
    back = set(ox.parse(_exported(sample_store, fmt), OX_FORMAT[fmt]))
    if fmt in QUAD_FORMATS:
        assert back == set(sample_store.quads())
    else:
        assert {q.triple for q in back} == {q.triple for q in sample_store.quads()}


def test_turtle_uses_our_prefixes(sample_store):
    text = _exported(sample_store, "ttl", compact=True).decode()
    assert "@prefix kgo: <https://w3id.org/kg-news/ontology#> ." in text
    assert "kgo:cameoCode cameo:138" in text


def test_fast_turtle_is_one_line_per_triple_after_our_prefixes(sample_store):
    """The default ttl: the prefix header, then the union's triples once each, one a line, the
    same bytes each time; the compact form holds the same triples in fewer bytes."""
    data = _exported(sample_store, "ttl")
    header, _, body = data.partition(b"\n<")
    assert header.startswith(b"@prefix kgo: <https://w3id.org/kg-news/ontology#> .")
    lines = (b"<" + body).splitlines()
    union = {q.triple for q in sample_store.quads()}
    assert len(lines) == len(set(lines)) == len(union)
    assert all(line.endswith(b" .") for line in lines)
    assert {q.triple for q in ox.parse(b"\n".join(lines), ox.RdfFormat.TURTLE)} == union
    assert _exported(sample_store, "ttl") == data
    compact = _exported(sample_store, "ttl", compact=True)
    assert len(compact) < len(data)
    assert {q.triple for q in ox.parse(compact, ox.RdfFormat.TURTLE)} == union


def test_compact_is_for_turtle_only(sample_store):
    with pytest.raises(KGError, match="--compact is for Turtle"):
        kx.export(sample_store, io.BytesIO(), "nt", compact=True)


def test_jsonld_is_compacted_with_our_context(sample_store):
    doc = json.loads(_exported(sample_store, "jsonld"))
    assert doc["@context"]["kgo"] == "https://w3id.org/kg-news/ontology#"
    assert "cameoCode" in json.dumps(doc)


def test_with_ontology_adds_its_own_graph(sample_store):
    if not (kx.resource_dir("ontology") / "kg.ttl").is_file():
        pytest.skip("ontology/kg.ttl not present")
    quads = set(ox.parse(_exported(sample_store, "nq", with_ontology=True), ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert kx.ontology_graph_iri in graphs
    assert set(sample_store.quads()) <= quads
    threat = ox.NamedNode("https://w3id.org/kg-news/ontology#Threat")
    assert any(q.subject == threat for q in quads if q.graph_name.value == kx.ontology_graph_iri)


def test_unknown_format_lists_valid_ones(sample_store):
    with pytest.raises(KGError, match="graphml"):
        kx.export(sample_store, io.BytesIO(), "xlsx")


def test_export_to_path(sample_store, tmp_path):
    out = tmp_path / "g.nq"
    kx.export(sample_store, out, "nq")
    assert set(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)) == set(sample_store.quads())


def test_cli_export(sample_store_dir, tmp_path, sample_store):
    from kg.cli import main

    out = tmp_path / "graph.trig"
    assert main(["export", "--store", str(sample_store_dir), "--format", "trig",
                 "-o", str(out)]) == 0
    assert set(ox.parse(path=str(out), format=ox.RdfFormat.TRIG)) == set(sample_store.quads())
    assert main(["export", "--store", str(sample_store_dir), "--format", "csv",
                 "-o", str(tmp_path / "no" / "dir.csv")]) == 2


def test_cli_export_turtle_fast_and_compact(sample_store_dir, tmp_path, sample_store):
    from kg.cli import main

    union = {q.triple for q in sample_store.quads()}
    for extra, name in (([], "lines.ttl"), (["--compact"], "compact.ttl")):
        out = tmp_path / name
        assert main(["export", "--store", str(sample_store_dir), "-f", "ttl", *extra,
                     "-o", str(out), "--no-progress"]) == 0
        assert {q.triple for q in ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)} == union
    assert (tmp_path / "compact.ttl").stat().st_size < (tmp_path / "lines.ttl").stat().st_size
    assert main(["export", "--store", str(sample_store_dir), "-f", "nt", "--compact",
                 "-o", str(tmp_path / "x.nt"), "--no-progress"]) == 2
