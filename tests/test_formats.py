"""kg.formats: the event CSV (typed, quoted, described by CSVW and docs/event-table.md) and the
actor network in GraphML and GEXF, checked against the rules of their schemas and read back with
networkx. (The official XSDs are not vendored here: they are third-party files; the checks below
test the schema constraints the exports could break: declared keys/attributes, their types, the
GEXF edge-type enumeration, and values that parse as their declared type.)"""
from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

from kg import formats, tables
from kg.api import KnowledgeGraph

DOCS = Path(__file__).resolve().parents[1] / "docs" / "event-table.md"


def _csv(store) -> str:
    buf = io.BytesIO()
    formats.write_export(store, buf, "csv")
    return buf.getvalue().decode("utf-8")


# -- the event CSV ------------------------------------------------------------------------------
def test_codes_are_quoted_and_numbers_bare(sample_store, sample_iris):
    text = _csv(sample_store)
    header, *lines = text.splitlines()
    assert header.split(",")[:3] == ['"event"', '"article"', '"published"']
    threat = next(line for line in lines if sample_iris.threat in line)
    assert '"138","138","13","138","THREATEN",3,-7.0,"actual"' in threat


def test_the_csv_loads_in_pandas_with_string_codes_and_datetime_dates(sample_store, sample_iris,
                                                                      tmp_path):
    path = tmp_path / "events.csv"
    formats.write_export(sample_store, path, "csv")
    frame = formats.read_event_csv(path)
    assert list(frame.columns) == list(tables.EVENT_COLUMNS)
    for column in ("date_start", "date_end", "published"):
        assert pd.api.types.is_datetime64_any_dtype(frame[column]), column
    for column in ("event_code", "root_code", "base_code", "source_code", "target_country"):
        assert pd.api.types.is_string_dtype(frame[column]), column
    threat = frame.set_index("event").loc[sample_iris.threat]
    assert threat["root_code"] == "13" and threat["date_start"] == pd.Timestamp("2026-01-08")
    assert frame["mentions"].dtype == "Int64" and frame["is_root"].dtype == "boolean"
    # a code with a leading zero survives (what plain read_csv turns into 10.0)
    frame2 = formats.read_event_csv(io.StringIO('"event","event_code"\n"e","010"\n'))
    assert frame2.loc[0, "event_code"] == "010"


def test_csvw_metadata_is_written_beside_the_csv_and_matches_it(sample_store, tmp_path):
    path = tmp_path / "events.csv"
    written = formats.write_export(sample_store, path, "csv")
    meta = json.loads((tmp_path / "events.csv-metadata.json").read_text())
    assert written == [path, tmp_path / "events.csv-metadata.json"]
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == "events.csv"
    columns = meta["tableSchema"]["columns"]
    header = path.read_text().splitlines()[0].replace('"', "").split(",")
    assert [c["name"] for c in columns] == header
    types = {c["name"]: c["datatype"] for c in columns}
    assert types["event_code"] == "string" and types["date_start"] == "date"
    assert "EventRootCode" in next(c for c in columns if c["name"] == "root_code")["dc:description"]


def test_the_column_page_is_made_from_the_column_file():
    """docs/event-table.md holds the table made from kg/data/event_columns.csv; regenerate it
    with `python -c "from kg.formats import columns_markdown; print(columns_markdown())"`."""
    assert formats.columns_markdown() in DOCS.read_text(encoding="utf-8")


# -- the actor network --------------------------------------------------------------------------
def _export(store, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    formats.write_export(store, buf, fmt, **kw)
    return buf.getvalue()


GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "string", "liststring",
              "anyURI", "date"}


def _check_gexf(data: bytes) -> None:
    """The constraints of the GEXF 1.2 schema an exporter can break."""
    root = etree.fromstring(data)
    ns = {"g": root.nsmap[None]}
    assert root.tag == f"{{{ns['g']}}}gexf" and root.get("version") in ("1.2", "1.3")
    graph = root.find("g:graph", ns)
    assert graph.get("defaultedgetype") in ("directed", "undirected", "mutual")
    declared: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for attrs in graph.findall("g:attributes", ns):
        for a in attrs.findall("g:attribute", ns):
            assert a.get("type") in GEXF_TYPES, a.attrib
            declared[attrs.get("class")][a.get("id")] = a.get("type")
    ids = set()
    for node in graph.find("g:nodes", ns):
        ids.add(node.get("id"))
        _check_attvalues(node, declared["node"], ns)
    for edge in graph.find("g:edges", ns):
        assert edge.get("type", "directed") in ("directed", "undirected", "mutual"), edge.attrib
        assert edge.get("source") in ids and edge.get("target") in ids
        _check_attvalues(edge, declared["edge"], ns)


def _check_attvalues(element, declared: dict[str, str], ns: dict[str, str]) -> None:
    values = element.find("g:attvalues", ns)
    for v in ([] if values is None else values):
        kind = declared[v.get("for")]  # every value is of a declared attribute
        if kind in ("double", "float"):
            float(v.get("value"))
        elif kind in ("integer", "long"):
            int(v.get("value"))


def _check_graphml(data: bytes) -> None:
    """The constraints of the GraphML schema an exporter can break."""
    root = etree.fromstring(data)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert root.tag == "{http://graphml.graphdrawing.org/xmlns}graphml"
    keys = {}
    for key in root.findall("g:key", ns):
        assert key.get("for") in ("node", "edge", "graph", "all")
        assert key.get("attr.type") in ("boolean", "int", "long", "float", "double", "string")
        assert key.get("id") not in keys, f"key id {key.get('id')} declared twice"
        keys[key.get("id")] = (key.get("for"), key.get("attr.type"))
    graph = root.find("g:graph", ns)
    assert graph.get("edgedefault") in ("directed", "undirected")
    for element in graph:
        kind = etree.QName(element).localname
        for d in element.findall("g:data", ns):
            where, typ = keys[d.get("key")]
            assert where in (kind, "all")
            if typ in ("float", "double"):
                float(d.text)


def _edges(graph: nx.Graph) -> list[tuple[str, str, str]]:
    """(source, target, event IRI) of every edge (networkx reads a GEXF without parallel edges
    as a DiGraph: the event IRI is then only in the `event` attribute)."""
    return sorted((u, v, d["event"]) for u, v, d in graph.edges(data=True))


def _same_network(read: nx.Graph, wanted: nx.MultiDiGraph) -> None:
    assert set(read.nodes) == set(wanted.nodes)
    assert _edges(read) == _edges(wanted)


def test_gexf_is_valid_and_reads_back_with_event_types(sample_store, sample_iris):
    data = _export(sample_store, "gexf")
    _check_gexf(data)
    read = nx.read_gexf(io.BytesIO(data))
    wanted = KnowledgeGraph(sample_store).to_networkx("actors")
    _same_network(read, wanted)
    threat = read[sample_iris.trump][sample_iris.mex]
    assert threat["event_type"] == "Threat" and threat["cameo"] == "138"
    assert threat["goldstein"] == -7.0 and threat["quad_class"] == 3
    assert read.nodes[sample_iris.mex]["type"] == "State"


def test_graphml_is_valid_and_is_the_same_network(sample_store, sample_iris):
    data = _export(sample_store, "graphml")
    _check_graphml(data)
    read = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    _same_network(read, KnowledgeGraph(sample_store).to_networkx("actors"))
    threat = read[sample_iris.trump][sample_iris.mex][sample_iris.threat]
    assert threat["event_type"] == "Threat" and threat["cameo"] == "138"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_uncoded_events_are_an_option(sample_store, sample_iris, fmt):
    graph = KnowledgeGraph(sample_store)
    coded = formats.export_network(sample_store)
    everything = formats.export_network(sample_store, include_uncoded=True)
    _same_network(coded, graph.to_networkx("actors"))
    _same_network(everything, graph.to_networkx("actors", include_uncoded=True))
    assert sample_iris.strike in everything[sample_iris.usa][sample_iris.mex]
    assert not coded.has_edge(sample_iris.usa, sample_iris.mex)
    (_check_gexf if fmt == "gexf" else _check_graphml)(
        _export(sample_store, fmt, include_uncoded=True))


def test_the_old_gexf_bug_is_caught_by_the_check():
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", type="Attack")
    buf = io.BytesIO()
    nx.write_gexf(graph, buf)
    with pytest.raises(AssertionError):
        _check_gexf(buf.getvalue())


def test_cli_export_csv_and_gexf(sample_store_dir, tmp_path):
    from kg.cli import main

    out = tmp_path / "events.csv"
    assert main(["export", "--store", str(sample_store_dir), "--format", "csv", "-o", str(out)]) == 0
    assert (tmp_path / "events.csv-metadata.json").is_file()
    gexf = tmp_path / "actors.gexf"
    assert main(["export", "--store", str(sample_store_dir), "--format", "gexf", "-o", str(gexf),
                 "--all-events"]) == 0
    assert nx.read_gexf(gexf).number_of_edges() == 3
