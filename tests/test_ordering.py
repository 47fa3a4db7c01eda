"""The outermost ORDER BY applied outside the engine (kg.ordering, Store._evaluate): which
queries it takes over, and that its rows and their order are the engine's."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import ordering, store as store_module
from kg.query import list_saved
from kg.store import Store

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _terms() -> list[ox.Quad]:
    """Subjects with values of every kind the key distinguishes, several equal on purpose."""
    g = ox.NamedNode(EX + "g")
    values = [
        ox.Literal("10", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("9", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("1.0E1", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("10", datatype=ox.NamedNode(XSD + "integer")),
    ]
    strings = ["b", "a\tb", 'quote " inside', "Zebra", "zebra", "\u00e9t\u00e9", "a", "a\\b",
               "a\nb", "", "b"]
    quads = []
    for i, v in enumerate(values):
        quads.append(ox.Quad(ox.NamedNode(f"{EX}n{i}"), ox.NamedNode(EX + "num"), v, g))
    for i, s in enumerate(strings):
        quads.append(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "str"), ox.Literal(s), g))
        if i % 3 == 0:
            quads.append(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "opt"),
                                 ox.NamedNode(f"{EX}z{i % 2}"), g))
        if i % 4 == 1:
            quads.append(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "opt"),
                                 ox.BlankNode(f"b{i}"), g))
    for i, (day, lang) in enumerate([("2017-01-31", "en"), ("2016-12-01", "fr"),
                                     ("2017-01-02", "en")]):
        s = ox.NamedNode(f"{EX}d{i}")
        quads.append(ox.Quad(s, ox.NamedNode(EX + "day"),
                             ox.Literal(day, datatype=ox.NamedNode(XSD + "date")), g))
        quads.append(ox.Quad(s, ox.NamedNode(EX + "name"), ox.Literal("x", language=lang), g))
    return quads


@pytest.fixture
def terms_store():
    store = Store.memory()
    store.replace_graph(EX + "g", _terms())
    yield store
    store.close()


def _both(store: Store, sparql: str) -> tuple[bytes, bytes]:
    store.order_outside_engine = False
    engine = store.select_csv(sparql)
    store.order_outside_engine = True
    return engine, store.select_csv(sparql)


@pytest.mark.parametrize("sparql", [
    "SELECT ?s ?o WHERE { ?s <http://example.org/num> ?o } ORDER BY ?o ?s",
    "SELECT ?s ?o WHERE { ?s <http://example.org/num> ?o } ORDER BY DESC(?o) ?s",
    "SELECT ?s ?o WHERE { ?s <http://example.org/str> ?o } ORDER BY ?o ?s",
    "SELECT ?s ?o WHERE { ?s <http://example.org/str> ?o } ORDER BY DESC(?o) DESC(?s)",
    # unbound, blank nodes and IRIs in one column, then ties broken by the string
    "SELECT ?s ?x ?o WHERE { ?s <http://example.org/str> ?o "
    "OPTIONAL { ?s <http://example.org/opt> ?x } } ORDER BY ?x ?o ?s",
    "SELECT ?s ?x ?o WHERE { ?s <http://example.org/str> ?o "
    "OPTIONAL { ?s <http://example.org/opt> ?x } } ORDER BY DESC(?x) ASC(?o) ?s",
    "SELECT ?s ?d ?n WHERE { ?s <http://example.org/day> ?d ; <http://example.org/name> ?n } "
    "ORDER BY ?d",
    "SELECT ?s ?d ?n WHERE { ?s <http://example.org/day> ?d ; <http://example.org/name> ?n } "
    "ORDER BY ?n ?s",
    "SELECT ?s ?o WHERE { ?s <http://example.org/str> ?o } ORDER BY ?o ?s LIMIT 4 OFFSET 3",
    "SELECT ?s ?o WHERE { ?s <http://example.org/str> ?o } ORDER BY ?o ?s OFFSET 9",
    "SELECT ?o (COUNT(?s) AS ?n) WHERE { ?s <http://example.org/str> ?o } GROUP BY ?o "
    "ORDER BY DESC(?n) ?o",
    "SELECT * WHERE { ?s <http://example.org/num> ?o } ORDER BY ?o ?s",
    "PREFIX ex: <http://example.org/> # a comment\nSELECT * { ?s ex:num ?o } ORDER BY DESC(?o) ?s",
])
def test_same_rows_in_the_same_order_as_the_engine(terms_store, sparql) -> None:
    assert ordering.split_order(sparql) is not None
    engine, outside = _both(terms_store, sparql)
    assert outside == engine
    assert engine.count(b"\n") > 2


@pytest.mark.parametrize("sparql", [
    "SELECT ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY STR(?o)",  # an expression: the engine's
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o",  # not projected
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 2 } }",  # inner only
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s",
    'SELECT ?s WHERE { ?s ?p "} ORDER BY ?s" } # ORDER BY ?s',
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT ?x",  # not SPARQL: the engine says so
    "PREFIX select: <urn:x:> CONSTRUCT { ?s select:p ?o } WHERE { ?s ?p ?o } ORDER BY ?s",
])
def test_left_to_the_engine(sparql) -> None:
    assert ordering.split_order(sparql) is None


def test_split_keeps_the_rest_of_the_query() -> None:
    text = ("PREFIX ex: <http://example.org/>\n# ORDER BY in a comment {\n"
            "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ex:p \"a { b\" FILTER(?s != <x:y>) }\n"
            "GROUP BY ?s ORDER BY desc(?n) ?s LIMIT 5 OFFSET 2 VALUES ?s { ex:a }")
    plan = ordering.split_order(text)
    assert plan is not None
    assert plan.keys == (("n", False), ("s", True))
    assert (plan.limit, plan.offset) == (5, 2)
    assert plan.text.endswith("GROUP BY ?s  VALUES ?s { ex:a }")
    assert "# ORDER BY in a comment {" in plan.text


def test_order_keys_are_sparql_variable_names() -> None:
    # the variable pattern is written as the characters it excludes (it compiles 100x faster):
    # non-ASCII letters and U+00B7 are name characters, punctuation and astral ones are not
    plan = ordering.split_order("SELECT * WHERE { ?s ?p ?été } ORDER BY Desc(?été) ?a·b ?_1")
    assert plan is not None and plan.keys == (("été", False), ("a·b", True), ("_1", True))
    assert ordering.split_order("SELECT * WHERE { ?s ?p ?o } ORDER BY ?o, ?s") is None
    assert ordering.split_order("SELECT * WHERE { ?s ?p ?o } ORDER BY ?o\U0001F600") is None


def test_term_keys_order_kinds_and_values() -> None:
    fields = ['"b"', "", "<http://a>", "_:x", "10", '"9"^^<http://www.w3.org/2001/XMLSchema#integer>',
              '"a\\"z"', '"a"@en', "2.5", "1.0E0", "true"]
    ordered = sorted(fields, key=ordering.term_key)
    assert ordered[:3] == ["", "_:x", "<http://a>"]
    assert ordered[3:7] == ["1.0E0", "2.5", '"9"^^<http://www.w3.org/2001/XMLSchema#integer>', "10"]
    assert ordered.index('"a\\"z"') < ordered.index('"b"')  # unescaped: 'a"z' < 'b'


def test_a_large_answer_is_left_to_the_engine(terms_store, monkeypatch) -> None:
    sparql = "SELECT ?s ?o WHERE { ?s <http://example.org/str> ?o } ORDER BY DESC(?o) ?s"
    engine, _ = _both(terms_store, sparql)
    monkeypatch.setattr(store_module, "ORDER_MAX_BYTES", 64)
    calls = []
    real = ordering.order_tsv
    monkeypatch.setattr(ordering, "order_tsv", lambda *a: calls.append(a) or real(*a))
    assert terms_store.select_csv(sparql) == engine
    assert calls == []  # the TSV outgrew the bound before any ordering here


def test_syntax_errors_name_the_query_as_written(terms_store) -> None:
    from kg.errors import QueryError

    with pytest.raises(QueryError):
        terms_store.select_csv("SELECT ?s WHERE { ?s ?p } ORDER BY ?s")


def test_saved_queries_on_the_sample_store_give_the_engines_rows(sample_store) -> None:
    compared = 0
    for saved in list_saved():
        plan = ordering.split_order(saved.text)
        engine, outside = _both(sample_store, saved.text)
        if plan is None:
            assert outside == engine
            continue
        compared += 1
        # the same rows; ties of a partial ORDER BY may come in another order
        assert sorted(outside.split(b"\r\n")) == sorted(engine.split(b"\r\n")), saved.name
    assert compared >= 15


def test_csv_of_a_saved_query_with_hidden_parameters_is_ordered_here(sample_store, monkeypatch
                                                                     ) -> None:
    """`kg query NAME --format csv` wraps a query whose parameters are not columns in a
    projection; its ORDER BY goes outside the wrapper, where the store orders the rows."""
    import io

    from kg.query import load_saved, write_delimited

    def csv_of(outside: bool) -> bytes:
        sample_store.order_outside_engine = outside
        buf = io.BytesIO()
        assert write_delimited(sample_store, load_saved("events"), {"modality": "threatened"},
                               buf, "csv")
        return buf.getvalue()

    engine = csv_of(False)
    calls = []
    real = ordering.order_tsv
    monkeypatch.setattr(ordering, "order_tsv", lambda *a: calls.append(a) or real(*a))
    assert csv_of(True) == engine
    assert len(calls) == 1 and engine.count(b"\n") > 1


def test_ties_come_in_the_same_order_whatever_the_engine_gave() -> None:
    plan = ordering.split_order("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?a)")
    assert plan is not None
    rows = [b'<http://x/1>\t"b"', b'<http://x/2>\t"z"', b'<http://x/1>\t"a"', b'<http://x/2>\t"c"']
    answers = {ordering.order_tsv(b"?a\t?b\n" + b"\n".join(order) + b"\n", plan)
               for order in (rows, rows[::-1], rows[1:] + rows[:1])}
    assert answers == {b'?a\t?b\n<http://x/2>\t"c"\n<http://x/2>\t"z"\n'
                       b'<http://x/1>\t"a"\n<http://x/1>\t"b"\n'}
