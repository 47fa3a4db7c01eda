"""Tests of kg.query: saved queries, parameter binding as terms, result formats."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg import query as kq
from kg.errors import QueryError
from kg.store import Store
from kg.summary import is_summary_graph
from kg.vocab import KGO


def test_every_saved_query_has_a_question_and_runs(sample_store):
    saved = kq.list_saved()
    assert {"events", "actors", "actor_roles"} <= {q.name for q in saved}
    for q in saved:
        assert q.question, f"{q.path}: no '# Question:' line"
        result = kq.run(sample_store, q)
        # a parameter is a column only when the header declares it one (`events`: modality)
        params = {p.name for p in q.params}
        assert [c for c in result.columns if c in params] == [
            c for c in q.columns if c in params], q.name


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_rows_written_by_the_engine_are_the_formatted_rows(sample_store, fmt):
    """`write_delimited` (the engine writes the values) gives byte for byte what formatting
    `run`'s result gives, for every saved query, with and without a parameter."""
    cases = [(q, {}) for q in kq.list_saved()]
    cases += [(kq.load_saved("events"), {"actor": "Trump"}),
              (kq.load_saved("events"), {"modality": "threatened"}),
              (kq.load_saved("events_involving_actor"), {"actor": "Donald Trump"})]
    for q, params in cases:
        buf = io.BytesIO()
        assert kq.write_delimited(sample_store, q, params, buf, fmt), q.name
        expected = kq.FORMATTERS[fmt](kq.run(sample_store, q, params))
        assert buf.getvalue().decode("utf-8") == expected, (q.name, params)
    assert "\r" not in buf.getvalue().decode("utf-8")


def test_engine_rows_keep_quotes_commas_and_line_breaks(sample_store):
    query = ('SELECT ?a ?b ?c ?d WHERE { VALUES (?a ?b ?c ?d) { (<http://x/y> "a,b" "q\\"x" '
             '"l1\\r\\nl2") (<http://x/z> UNDEF "" "x\\ny") } }')
    buf = io.BytesIO()
    assert kq.write_delimited(sample_store, query, {}, buf, "csv")
    assert buf.getvalue().decode() == kq.format_csv(kq.run(sample_store, query))
    assert buf.getvalue() == b'a,b,c,d\nhttp://x/y,"a,b","q""x","l1\r\nl2"\nhttp://x/z,,,"x\ny"\n'
    assert not kq.write_delimited(sample_store, "ASK { ?s ?p ?o }", {}, buf, "csv")
    assert not kq.write_delimited(sample_store, "SELECT * { ?s ?p ?o }", {}, buf, "csv")


def test_header_is_parsed():
    q = kq.load_saved("events")
    assert q.columns[:3] == ("event", "article", "text")
    assert {p.name: p.type for p in q.params} == {
        "actor": "actor", "from": "date", "to": "date", "cameo_root": "string",
        "modality": "modality"}
    assert all(p.default is None for p in q.params)


@pytest.mark.parametrize("line, expected", [
    ("actor (actor, none) an actor", [("actor", "actor", None)]),
    ("from (date, optional), to (date, 2026-01-31)", [("from", "date", None),
                                                     ("to", "date", "2026-01-31")]),
    ("who (IRI or label, optional)", [("who", "named", None)]),
    ("c (IRI, label or ISO3 code, optional)", [("c", "place", None)]),
    ("x (IRI or text, optional)", [("x", "auto", None)]),
    ("name (text, optional)", [("name", "string", None)]),
])
def test_parameter_lines(line, expected):
    parsed = kq._parse_params(line)
    assert [(p.name, p.type, p.default) for p in parsed] == expected


def test_unknown_saved_query_names_the_available_ones():
    with pytest.raises(QueryError) as err:
        kq.load_saved("evnts")
    assert "events" in str(err.value) and "actors" in str(err.value)


def test_unknown_parameter_lists_the_query_parameters(sample_store):
    with pytest.raises(QueryError, match=r"cameo_root \(string\)"):
        kq.run(sample_store, "events", {"colour": "red"})


def test_resolve_query_accepts_name_path_and_inline(tmp_path):
    inline = "SELECT ?s WHERE { ?s ?p ?o }"
    assert kq.resolve_query(inline) == inline
    assert kq.resolve_query("events") == kq.load_saved("events").text
    f = tmp_path / "mine.rq"
    f.write_text("# Question: mine?\nSELECT * WHERE { ?s ?p ?o }\n")
    assert kq.to_saved(str(f)).question == "mine?"
    with pytest.raises(QueryError, match="no such query file"):
        kq.to_saved(str(tmp_path / "missing.rq"))


def test_actor_parameter_by_label_alias_or_iri(sample_store, sample_iris):
    by_label = kq.run(sample_store, "events", {"actor": "Donald Trump"}).values()
    by_alias = kq.run(sample_store, "events", {"actor": "trump"}).values()
    by_iri = kq.run(sample_store, "events", {"actor": sample_iris.trump}).values()
    assert [r["event"] for r in by_label] == [sample_iris.threat]
    assert by_alias == by_label == by_iri


def test_unknown_actor_label_suggests_close_matches(sample_store):
    with pytest.raises(QueryError, match="Sheinbaum"):
        kq.resolve_actor(sample_store, "Sheinbam")


def test_parameter_cannot_inject(sample_store, sample_iris):
    """A value with quotes and braces is one literal: the query still parses and matches."""
    g = ox.NamedNode(sample_iris.g1)
    evil = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    sample_store.replace_graph(sample_iris.g1, list(sample_store.inner.quads_for_pattern(
        None, None, None, g)) + [ox.Quad(ox.NamedNode(sample_iris.trump),
                                         ox.NamedNode(KGO + "sector"), ox.Literal(evil), g)])
    text = "SELECT ?actor ?sector WHERE { ?actor kgo:sector ?sector }"
    rows = kq.run(sample_store, text, {"sector": evil}).values()
    assert rows == [{"actor": sample_iris.trump}]
    gov = sorted(r["actor"] for r in kq.run(sample_store, text, {"sector": "GOV"}).values())
    assert gov == sorted([sample_iris.trump, sample_iris.sheinbaum])
    assert len([g for g in sample_store.graphs() if not is_summary_graph(g)]) == 2


def test_parameter_types_of_inline_queries(sample_store, sample_iris):
    text = ("SELECT ?e ?day WHERE { ?e sem:hasBeginTimeStamp ?day }")
    rows = kq.run(sample_store, text, {"day": "2026-01-09"}).values()
    assert rows == [{"e": sample_iris.directive}]
    with pytest.raises(QueryError, match="no parameter"):
        kq.run(sample_store, text, {"nope": "1"})


def test_bad_date_parameter(sample_store):
    with pytest.raises(QueryError, match="not a valid date"):
        kq.run(sample_store, "events", {"from": "last week"})


def test_bad_modality_lists_valid_ones(sample_store):
    with pytest.raises(QueryError, match="threatened"):
        kq.run(sample_store, "events", {"modality": "maybe"})


def test_ask_and_construct(sample_store):
    assert kq.run(sample_store, "ASK { ?e a kgo:Threat }").values() == [{"ask": True}]
    res = kq.run(sample_store, "CONSTRUCT { ?e a kgo:Threat } WHERE { ?e a kgo:Threat }")
    assert res.columns == ["subject", "predicate", "object"] and len(res.rows) == 1


@pytest.fixture
def result(sample_store):
    return kq.run(sample_store, "SELECT ?label ?code ?mentions WHERE { ?a rdfs:label ?label ; "
                  "kgo:actorCode ?code . OPTIONAL { ?a kgo:wikidata ?mentions } } ORDER BY ?label")


def test_formats(result):
    table = kq.format_table(result)
    assert table.splitlines()[0].split() == ["label", "code", "mentions"]
    assert "wd:Q2578727" in table  # IRIs compacted with our prefixes
    assert "(5 rows)" in table
    rows = list(csv.DictReader(io.StringIO(kq.format_csv(result))))
    army = next(r for r in rows if r["label"] == "Mexican Army")
    assert army == {"label": "Mexican Army", "code": "MEXMIL", "mentions": ""}
    tsv = kq.format_tsv(result).splitlines()
    assert tsv[0] == "label\tcode\tmentions"
    data = json.loads(kq.format_json(result))
    assert {"label": "Mexican Army", "code": "MEXMIL", "mentions": None} in data  # null
    assert any(r.get("mentions") == "http://www.wikidata.org/entity/Q96" for r in data)


def test_queries_dir_is_the_repo_queries():
    assert (kq.queries_dir() / "events.rq").is_file()


def test_empty_store_gives_no_rows():
    assert kq.run(Store.memory(), "events").rows == []


def test_cli_query(sample_store_dir, sample_iris, capsys):
    from kg.cli import main

    store = str(sample_store_dir)
    assert main(["query", "--store", store, "events", "-p", "actor=Trump", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["event"] for r in rows] == [sample_iris.threat]
    assert main(["query", "--list"]) == 0
    assert "events: Which events" in capsys.readouterr().out
    assert main(["query", "--store", store, "SELECT ?x WHERE { ?x ?p }"]) == 2
    assert "syntax error" in capsys.readouterr().err
    assert main(["query", "--store", store, "events", "-p", "colour=red"]) == 2
    assert "its parameters" in capsys.readouterr().err
    assert main(["query", "--store", store, "PREFIX x: <urn:x:>\nINSERT DATA { x:a x:b x:c }"]) == 2
    assert "read-only" in capsys.readouterr().err


def test_table_iris_paste_back_into_a_query(sample_store, sample_iris):
    """The table prints IRIs as SPARQL reads them: prefixed names only where valid."""
    table = kq.format_table(kq.run(sample_store, "SELECT ?a ?c WHERE { ?a kgo:actorCode ?c ; "
                                   "a kgo:Person } ORDER BY ?a"), max_width=20)  # IRIs not cut
    cell = next(line.split()[0] for line in table.splitlines() if "USAGOV" in line)
    assert cell == f"<{sample_iris.trump}>"
    rows = kq.run(sample_store, f"SELECT ?c WHERE {{ {cell} kgo:actorCode ?c }}").values()
    assert rows == [{"c": "USAGOV"}]
    assert kq._compact(ox.NamedNode(KGO + "Threat")) == "kgo:Threat"


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cli_timeout_stops_with_a_clear_message(sample_store_dir, fmt):
    import subprocess
    import sys
    from pathlib import Path

    kg = str(Path(sys.executable).parent / "kg")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    proc = subprocess.run([kg, "query", slow, "--store", str(sample_store_dir),
                           "--timeout", "0.05", "--format", fmt], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 3 and proc.stdout == ""
    assert "did not finish in 0.05 s" in proc.stderr and "--timeout" in proc.stderr


def test_a_query_process_imports_no_heavy_library(sample_store_dir):
    """`kg query` as a whole process stays well under a second: building the CLI and running a
    saved query import neither spaCy nor networkx, pandas or matplotlib (0.4 s of start-up)."""
    import subprocess
    import sys

    code = ("import sys\nfrom kg.cli import main\n"
            f"main(['query', 'articles', '--store', {str(sample_store_dir)!r}, '--format', 'csv'])\n"
            "heavy = {'spacy', 'networkx', 'pandas', 'matplotlib', 'rdflib', 'owlready2'}\n"
            "print('HEAVY', sorted(heavy & set(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("article,iri,published,")  # the query ran
    assert out.splitlines()[-1] == "HEAVY []"


def test_if_bound_lines_become_patterns_only_for_bound_parameters(sample_store):
    """`# @if NAME: PATTERN` is the query's own text, switched on by a bound parameter: the
    saved `events` query gives the same rows with it as a filter alone gives."""
    from kg.store import with_values

    text = "SELECT ?e WHERE {\n  # @if a: ?e kgo:source ?a .\n  # @if b: ?e kgo:target ?b .\n  ?e a ?c }"
    assert with_values(text, {}) == text
    bound = with_values(text, {"a": ox.NamedNode("urn:x:a"), "b": None})
    assert "\n  ?e kgo:source ?a .\n" in bound and "# @if b: ?e kgo:target ?b ." in bound
    events = kq.load_saved("events")
    assert "# @if actor:" in events.text
    plain = events.text.replace("# @if actor:", "# (off)")
    for actor in ("Trump", "Donald Trump"):
        rows = kq.run(sample_store, events, {"actor": actor}).rows
        assert rows, actor
        assert rows == kq.run(sample_store, kq.SavedQuery("plain", None, plain, events.question,
                                                          events.columns, events.params),
                              {"actor": actor}).rows
