"""Tests of kg.store: opening, the kg-store marker, replacing and removing article graphs."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic, to_isomorphic

from kg.errors import QueryError, QueryTimeout, StoreError
from kg.store import MARKER, Store, to_python, to_term, with_values
from kg.summary import is_summary_graph
from kg.vocab import KGO, XSD


def _named_nquads(store: Store) -> str:
    buf = ox.serialize(list(store.quads()), format=ox.RdfFormat.N_QUADS)
    return buf.decode("utf-8")


def _dataset(nquads: str) -> Dataset:
    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    return ds


def _same_dataset(a: str, b: str) -> bool:
    da, db = _dataset(a), _dataset(b)
    graphs_a = {g.identifier: g for g in da.graphs() if len(g)}
    graphs_b = {g.identifier: g for g in db.graphs() if len(g)}
    return graphs_a.keys() == graphs_b.keys() and all(
        isomorphic(graphs_a[k], graphs_b[k]) for k in graphs_a)


def test_open_missing_without_create_fails(tmp_path):
    with pytest.raises(StoreError, match="no kg store"):
        Store.open(tmp_path / "nope")


def test_create_marks_directory_and_reopens(tmp_path, sample_iris, sample_quads):
    path = tmp_path / "store"
    with Store.open(path, create=True) as store:
        store.replace_graph(sample_iris.g1, [q for q in sample_quads
                                             if q.graph_name.value == sample_iris.g1])
    assert (path / MARKER).is_file()
    with Store.open(path) as store:
        assert store.article_ids() == [sample_iris.a1]
    with Store.open(path, read_only=True) as store:
        assert store.article_ids() == [sample_iris.a1]


def test_refuses_foreign_non_empty_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("not a store")
    with pytest.raises(StoreError, match="not a kg store"):
        Store.open(tmp_path, create=True)


def test_refuses_unknown_layout_version(tmp_path):
    (tmp_path / MARKER).write_text('{"format": "kg-store", "version": 99}')
    with pytest.raises(StoreError, match="version 99"):
        Store.open(tmp_path)


def test_lock_held_by_another_process_is_a_store_error(tmp_path):
    path = tmp_path / "store"
    Store.open(path, create=True).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, pyoxigraph
            s = pyoxigraph.Store({str(path / 'oxigraph')!r})
            print('ready', flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="another process"):
            Store.open(path)
    finally:
        holder.communicate("")


def test_replace_graph_is_idempotent(sample_store, sample_iris, sample_quads):
    before = _named_nquads(sample_store)
    g1 = [q for q in sample_quads if q.graph_name.value == sample_iris.g1]
    n = sample_store.replace_graph(sample_iris.g1, ox.serialize(g1, format=ox.RdfFormat.N_QUADS))
    assert n == len(set(g1))
    assert _same_dataset(before, _named_nquads(sample_store))
    summary = {q.triple for q in sample_store.quads() if is_summary_graph(q.graph_name.value)}
    assert summary  # the union holds the event summary too (kg.summary)
    assert len(sample_store) == len({q.triple for q in sample_quads} | summary)


def test_replace_graph_replaces_old_content(sample_store, sample_iris):
    g = ox.NamedNode(sample_iris.g1)
    new = ox.Quad(ox.NamedNode(sample_iris.art1), ox.NamedNode(KGO + "articleId"),
                  ox.Literal(sample_iris.a1), g)
    assert sample_store.replace_graph(sample_iris.g1, [new]) == 1
    assert list(sample_store.inner.quads_for_pattern(None, None, None, g)) == [new]
    # the threat stays in the union: voa-002 reports it too; the strike only voa-001 did
    rows = sample_store.select("SELECT ?e ?c WHERE { ?e a ?c }",
                               {"c": ox.NamedNode(KGO + "Strike")})
    assert rows == []
    assert sample_store.select("SELECT ?e WHERE { ?e a kgo:Threat }") == [
        {"e": sample_iris.threat}]



def test_replace_graph_with_blank_nodes_changes_by_terms(tmp_path):
    """A graph with blank nodes given as quads, replaced by other quads: the difference is taken
    over terms (the batch keeps bytes only and parses them again)."""
    store = Store.open(tmp_path / "kg", create=True)
    g = ox.NamedNode("https://w3id.org/kg-news/id/graph/b")
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode(KGO + "note")
    first = [ox.Quad(s, p, ox.BlankNode("x"), g),
             ox.Quad(ox.BlankNode("x"), p, ox.Literal("old"), g)]
    assert store.replace_graph(g.value, first) == 2
    second = [ox.Quad(s, p, ox.BlankNode("y"), g),
              ox.Quad(ox.BlankNode("y"), p, ox.Literal("new"), g)]
    assert store.replace_graph(g.value, second) == 2
    quads = list(store.inner.quads_for_pattern(None, None, None, g))
    assert sorted(q.object.value for q in quads if isinstance(q.object, ox.Literal)) == ["new"]
    assert len(quads) == 2
    store.close()

def test_default_graph_is_the_union_as_a_set(sample_store, sample_iris):
    # the threat's class triple stands in both article graphs but counts once
    rows = sample_store.select("SELECT ?e WHERE { ?e a kgo:Threat }")
    assert len(rows) == 1
    graphs = sample_store.select("SELECT ?g WHERE { GRAPH ?g { ?e a kgo:Threat } } ORDER BY ?g")
    assert [r["g"] for r in graphs] == [sample_iris.g1, sample_iris.g2]


def test_remove_then_add_restores_the_first_state(sample_store, sample_iris, sample_quads):
    first = _named_nquads(sample_store)
    first_union = len(sample_store)
    assert sample_store.remove_articles([sample_iris.a1, "no-such-id"]) == ["no-such-id"]
    assert sample_store.article_ids() == [sample_iris.a2]
    assert sample_iris.g1 not in sample_store.graphs()
    # the strike was only in voa-001; the threat is still reported by voa-002
    assert not sample_store.select("SELECT ?e WHERE { ?e a kgo:Strike }")
    assert sample_store.select("SELECT ?e WHERE { ?e a kgo:Threat }")
    sample_store.replace_graph(sample_iris.g1, [q for q in sample_quads
                                                if q.graph_name.value == sample_iris.g1])
    assert _same_dataset(first, _named_nquads(sample_store))
    assert len(sample_store) == first_union


def test_remove_everything_empties_the_union(sample_store, sample_iris):
    assert sample_store.remove_articles([sample_iris.a1, sample_iris.a2]) == []
    assert len(sample_store) == 0
    assert sample_store.graphs() == []


def test_replace_graph_rejects_quads_of_another_graph(sample_iris):
    store = Store.memory()
    q = ox.Quad(ox.NamedNode(sample_iris.art1), ox.NamedNode(KGO + "articleId"),
                ox.Literal("x"), ox.NamedNode(sample_iris.g2))
    with pytest.raises(ValueError, match="another graph|given to replace"):
        store.replace_graph(sample_iris.g1, [q])


def test_query_syntax_error_names_line_and_column(sample_store):
    with pytest.raises(QueryError, match=r"line 2, column \d+"):
        sample_store.query("SELECT ?x\nWHERE { ?x ?p }")


def test_bindings_are_values_of_rdf_terms(sample_store, sample_iris):
    """A bound variable need not be projected; a list binds any of its terms; an empty list
    matches nothing; a string is one literal, whatever SPARQL it holds."""
    threat = ox.NamedNode(KGO + "Threat")
    rows = sample_store.select("SELECT ?e WHERE { ?e a ?c }", {"c": threat})
    assert {r["e"] for r in rows} == {sample_iris.threat}
    both = sample_store.select("SELECT ?e WHERE { ?e a ?c }",
                               {"c": [threat, ox.NamedNode(KGO + "Strike")]})
    assert {r["e"] for r in both} == {sample_iris.threat, sample_iris.strike}
    assert sample_store.select("SELECT ?e WHERE { ?e a ?c }", {"c": []}) == []
    evil = '" } ?e ?p ?o . FILTER(true) #'
    assert sample_store.select("SELECT ?e WHERE { ?e a kgo:Threat ; rdfs:label ?c }",
                               {"c": evil}) == []


def test_values_go_into_the_outer_where_group():
    text = 'PREFIX a: <http://e/#{x}> # { not here\nSELECT ?s WHERE { ?s ?p "{" }'
    assert with_values(text, {"p": ox.NamedNode("http://e/p")}).endswith(
        'WHERE { VALUES ?p { <http://e/p> } ?s ?p "{" }')


def test_values_go_after_the_parameters_mark_when_there_is_one(sample_store, sample_iris):
    """A sub-select does not see its outer group's VALUES: `# @parameters` names the group."""
    text = ("SELECT ?e ?n WHERE { { SELECT ?e (COUNT(?m) AS ?n) ?c WHERE {\n"
            "  # @parameters\n  ?e a ?c ; kgo:evidence ?m } GROUP BY ?e ?c } }")
    threat = ox.NamedNode(KGO + "Threat")
    bound = with_values(text, {"c": threat})
    assert "# @parameters\n VALUES ?c { <" in bound and bound.startswith("SELECT ?e ?n WHERE { {")
    assert {r["e"] for r in sample_store.select(text, {"c": threat})} == {sample_iris.threat}
    # two marks (two sub-selects that each need the parameters): a block after each
    twice = with_values(text.replace("{ {", "{ # @parameters\n{", 1), {"c": threat})
    assert twice.count("VALUES ?c") == 2


def test_timeout_stops_waiting_with_a_clear_message(sample_store):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~1 s
    with pytest.raises(QueryTimeout, match=r"did not finish in 0.05 s.*--timeout"):
        sample_store.query(slow, timeout=0.05)
    assert sample_store.select("SELECT ?e WHERE { ?e a kgo:Threat }", timeout=5)


@pytest.mark.parametrize("value, datatype", [
    (3, "integer"), (2.5, "double"), (True, "boolean"), ("x", "string"),
])
def test_to_term_and_back(value, datatype):
    term = to_term(value)
    assert term.datatype == ox.NamedNode(XSD + datatype)
    assert to_python(term) == value


def test_stats_counts_what_the_sample_holds(sample_store):
    stats = sample_store.stats()
    assert stats["articles"] == 2
    assert stats["events_by_class"] == {"Directive": 1, "Strike": 1, "Threat": 1}
    assert stats["events_by_cameo_root"] == {"uncoded": 1, "13": 1, "15": 1}
    assert stats["actors_by_type"]["Person"] == 2
    assert stats["quads"] > stats["triples"]  # shared actor/event triples stand in both graphs
    assert stats["quads"] == sum(1 for _ in sample_store.quads())  # the named graphs' quads


def test_cli_stats_and_remove(sample_store_dir, sample_iris, capsys):
    from kg.cli import main

    assert main(["stats", "--store", str(sample_store_dir), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 2 and stats["events"] == 3
    assert main(["remove", "--store", str(sample_store_dir), sample_iris.a2, "ghost"]) == 1
    captured = capsys.readouterr()
    assert "removed 1 article" in captured.out and "ghost" in captured.err
    assert main(["stats", "--store", str(sample_store_dir)]) == 0
    assert re.search(r"articles\s+1\b", capsys.readouterr().out)


def test_cli_reports_a_missing_store(tmp_path, capsys):
    from kg.cli import main

    assert main(["stats", "--store", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.startswith("kg: error: ")


def test_a_write_killed_halfway_is_replayed_by_open(tmp_path, sample_iris, sample_quads):
    """A process dies between loading the article graph and the union: the journal it leaves
    makes the next open finish the write, so the union is again the union of the graphs."""
    path = tmp_path / "store"
    g1 = [q for q in sample_quads if q.graph_name.value == sample_iris.g1]
    with Store.open(path, create=True) as store:
        store.replace_graph(sample_iris.g1, g1)
    nquads = ox.serialize([q for q in sample_quads if q.graph_name.value == sample_iris.g2],
                          format=ox.RdfFormat.N_QUADS)
    (tmp_path / "g2.nq").write_bytes(nquads)
    script = textwrap.dedent(f"""
        import os, sys
        import pyoxigraph as ox
        from kg.store import Store
        store = Store.open(sys.argv[1])
        real = store.inner
        class Dying:
            def __getattr__(self, name):
                return getattr(real, name)
            def load(self, data, fmt, **options):
                # the graph's quads and its union triples come in one load: write the quads
                real.extend(q for q in ox.parse(data, fmt)
                            if isinstance(q.graph_name, ox.NamedNode))
                real.flush()
                os._exit(9)   # the article graph is in, the union is not
            bulk_load = load
        store.inner = Dying()
        store.replace_graph({sample_iris.g2!r}, open(sys.argv[2], "rb").read())
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(path), str(tmp_path / "g2.nq")])
    assert proc.returncode == 9
    assert (path / "kg-journal.nq").is_file()
    with Store.open(path, read_only=True) as store:  # replays, then reads
        named = {q.triple for q in store.quads()}
        union = {q.triple for q in store.inner.quads_for_pattern(None, None, None,
                                                                  ox.DefaultGraph())}
        assert named == union
        assert store.article_ids() == sorted([sample_iris.a1, sample_iris.a2])
    assert not (path / "kg-journal.nq").is_file()


def test_stats_are_cached_and_dropped_by_a_write(tmp_path, sample_iris, sample_quads):
    path = tmp_path / "store"
    with Store.open(path, create=True) as store:
        store.replace_graph(sample_iris.g1, [q for q in sample_quads
                                             if q.graph_name.value == sample_iris.g1])
        first = store.stats()
        assert (path / "kg-stats.json").is_file()
        store.replace_graph(sample_iris.g2, [q for q in sample_quads
                                             if q.graph_name.value == sample_iris.g2])
        assert not (path / "kg-stats.json").is_file()
        assert store.stats()["articles"] == first["articles"] + 1


def _as_stored(quads: list[ox.Quad]) -> set[ox.Triple]:
    """The triples as the engine stores them (canonical literals: "-7.0" decimal as "-7")."""
    scratch = ox.Store()
    scratch.extend(quads)
    return {q.triple for q in scratch}


def _union_and_graphs(store: Store) -> tuple[set, set]:
    named = {q.triple for q in store.quads()}
    union = {q.triple for q in store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    return named, union


def test_a_replacement_killed_while_taking_triples_out_is_finished_by_open(
        tmp_path, sample_iris, sample_quads):
    """An existing graph is changed by difference; the writer dies after taking two of the
    old triples out of it: the next open replays the journal, and the graph holds exactly the
    new content, the union exactly the union of the graphs (triples only the old graph held
    are gone from it, triples voa-002 shares are not)."""
    path = tmp_path / "store"
    g1 = [q for q in sample_quads if q.graph_name.value == sample_iris.g1]
    g2 = [q for q in sample_quads if q.graph_name.value == sample_iris.g2]
    with Store.open(path, create=True) as store:
        store.replace_graphs([(sample_iris.g1, g1), (sample_iris.g2, g2)])
    # the new voa-001: its first half only
    new = sorted(g1, key=str)[: len(g1) // 2]
    (tmp_path / "new.nq").write_bytes(ox.serialize(new, format=ox.RdfFormat.N_QUADS))
    script = textwrap.dedent(f"""
        import os, sys
        import pyoxigraph as ox
        from kg.store import Store
        store = Store.open(sys.argv[1])
        real = store.inner
        removed = []
        class Dying:
            def __getattr__(self, name):
                return getattr(real, name)
            def remove(self, quad):
                real.remove(quad)
                if not isinstance(quad.graph_name, ox.DefaultGraph):
                    removed.append(quad)
                    if len(removed) == 2:
                        os._exit(9)
        store.inner = Dying()
        store.replace_graph({sample_iris.g1!r}, open(sys.argv[2], "rb").read())
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(path), str(tmp_path / "new.nq")])
    assert proc.returncode == 9
    assert (path / "kg-journal.nq").is_file()
    with Store.open(path) as store:
        named, union = _union_and_graphs(store)
        assert named == union
        got = set(store.inner.quads_for_pattern(None, None, None, ox.NamedNode(sample_iris.g1)))
        assert {q.triple for q in got} == _as_stored(new)
    assert not (path / "kg-journal.nq").is_file()


def test_open_replays_every_whole_batch_of_the_journal_and_skips_a_torn_one(
        tmp_path, sample_iris, sample_quads):
    """The journal holds the batches written since the last checkpoint: all complete ones
    are redone in order (the later content of a graph wins); a batch cut off by the kill
    (no end line) was never applied and is ignored."""
    path = tmp_path / "store"
    g1 = [q for q in sample_quads if q.graph_name.value == sample_iris.g1]
    g2 = [q for q in sample_quads if q.graph_name.value == sample_iris.g2]
    with Store.open(path, create=True) as store:
        store.replace_graphs([(sample_iris.g1, g1)])
        store.replace_graphs([(sample_iris.g1, g1[:3]), (sample_iris.g2, g2)])
        journal = (path / "kg-journal.nq").read_bytes()
        assert journal.count(b"#kg-end\n") == 2
        store.inner = None  # dies without its close (no checkpoint)
    torn = b"#kg-batch\n#graph " + sample_iris.g2.encode() + b"\n" + ox.serialize(
        g1[:1], format=ox.RdfFormat.N_QUADS)[:40]
    (path / "kg-journal.nq").write_bytes(journal + torn)
    with Store.open(path, read_only=True) as store:
        named, union = _union_and_graphs(store)
        assert named == union
        for graph, content in ((sample_iris.g1, g1[:3]), (sample_iris.g2, g2)):
            got = store.inner.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            assert {q.triple for q in got} == _as_stored(content)
    assert not (path / "kg-journal.nq").is_file()


def test_a_build_reads_back_the_texts_it_wrote_and_leaves_no_spool(tmp_path):
    from kg.store import TEXTS

    g = "https://w3id.org/kg-news/id/graph/a"
    one = f'<{g}> <{KGO}articleId> "1.0"^^<{XSD}decimal> <{g}> .\n'.encode()
    two = f'<{g}> <{KGO}articleId> "2" <{g}> .\n'.encode()
    store = Store.open(tmp_path / "s", create=True)
    assert store.graph_ntriples(g) == b""  # not kept: the engine's dump
    store.keep_texts()
    store.replace_graph(g, one)
    assert store.graph_ntriples(g) == one.replace(f" <{g}> .".encode(), b" .")  # as written
    store.replace_graph(g, two)
    assert store.graph_ntriples(g) == two.replace(f" <{g}> .".encode(), b" .")
    assert (tmp_path / "s" / TEXTS).is_file()
    store.remove_articles(["2"])
    assert store.graph_ntriples(g) == b""
    store.close()
    assert not (tmp_path / "s" / TEXTS).exists()
    (tmp_path / "s" / TEXTS).write_bytes(one)  # as a killed build leaves it
    Store.open(tmp_path / "s").close()
    assert not (tmp_path / "s" / TEXTS).exists()
