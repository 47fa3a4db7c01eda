"""Property tests with generated hostile input: records for `read_articles`, their RDF, queries.

Bounded for CI (a few hundred examples each, no spaCy); tests/benchmarks/fuzz_build.py runs the
whole build on 100,000 generated records.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import QueryError
from kg.ingest import clean_text, read_articles
from kg.mapping import to_quads
from kg.sparqltext import MAX_DEPTH, check_query, nesting_depth
from kg.store import Store
from kg.types import Article, BadRecord, Extraction

FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# characters that broke ingest or exports: lone surrogates, controls, noncharacters, separators
HOSTILE_CHARS = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff",
     "\U0010ffff", "\u00a0", "\u2028", "\u2029", "\ufeff", "\r", "\t", "\n", "<", ">", '"',
     "\\", "{", "}", "%", "#", " ", "é", "🙂", "\u202e"])
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE_CHARS, st.text(max_size=8)), max_size=30).map("".join)
URLS = st.one_of(
    st.none(), HOSTILE_TEXT,
    st.builds(lambda scheme, rest: f"{scheme}:{rest}",
              st.sampled_from(["http", "https", "urn", "mailto", "1bad", ""]), HOSTILE_TEXT))
VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                   HOSTILE_TEXT, st.lists(st.integers(), max_size=2))
RECORDS = st.fixed_dictionaries(
    {"text": st.one_of(HOSTILE_TEXT, st.just("Russia threatened Ukraine."), VALUES)},
    optional={"id": st.one_of(HOSTILE_TEXT, VALUES), "title": VALUES, "source": VALUES,
              "url": URLS, "date": st.one_of(VALUES, st.just("2026-01-09"),
                                                st.just("2026-13-45"))})
LINES = st.one_of(
    RECORDS.map(lambda r: json.dumps(r).encode("utf-8")),  # \ud800 escaped, as JSON allows
    RECORDS.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.just(b"{"), st.just(b"[1, 2]"), st.just(b"\x00\x00"), st.just(b"[" * 100_000))

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_BAD_CHARS = re.compile("[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


@FAST
@given(st.lists(LINES, min_size=1, max_size=12))
def test_every_line_is_an_article_or_reported_with_its_line(tmp_path_factory, lines) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(data)
    records = list(read_articles([path]))
    physical = data.split(b"\n")[:-1]
    physical[0] = physical[0].removeprefix(b"\xef\xbb\xbf")
    wanted = {f"{path}:{i}" for i, line in enumerate(physical, 1) if line.strip()}
    if not wanted:  # only blank lines: one "empty file" report
        assert [type(r) for r in records] == [BadRecord]
        return
    assert {r.origin for r in records} == wanted and len(records) == len(wanted)
    for record in records:
        if isinstance(record, BadRecord):
            assert record.reason and str(record).encode("utf-8")  # printable
            continue
        for value in (record.id, record.text, record.title, record.source, record.url):
            assert value is None or not _BAD_CHARS.search(value)
        assert record.url is None or _URI.fullmatch(record.url), record.url


@FAST
@given(HOSTILE_TEXT.filter(lambda t: t.strip()), HOSTILE_TEXT, URLS)
def test_any_article_yields_rdf_that_every_parser_reads(text, title, url) -> None:
    """Metadata and text as repaired at the door always make RDF that pyoxigraph and rdflib
    read back in every export format (spaCy is left out here: see fuzz_build.py)."""
    line = json.dumps({"id": "a", "text": text, "title": title or None, "url": url})
    (record,) = read_articles(["-"], stdin=io.StringIO(line + "\n"))
    if isinstance(record, BadRecord):
        return
    store = Store.memory()
    store.replace_graph("https://w3id.org/kg-news/id/graph/a", to_quads(Extraction(record)))
    for name, rdf_format in [("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG),
                             ("jsonld", ox.RdfFormat.JSON_LD),
                             ("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                             ("rdfxml", ox.RdfFormat.RDF_XML)]:
        buffer = io.BytesIO()
        quads = list(store.quads())
        data = quads if name in ("nq", "trig", "jsonld") else [
            ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        ox.serialize(data, buffer, rdf_format)
        body = buffer.getvalue()
        assert len(list(ox.parse(body, rdf_format))) == len(data), name
        kind = {"nq": "nquads", "ttl": "turtle", "rdfxml": "xml", "jsonld": "json-ld"}.get(
            name, name)
        parsed = rdflib.Dataset() if name in ("nq", "trig", "jsonld") else rdflib.Graph()
        parsed.parse(data=body.decode("utf-8"), format=kind)


def _nested(kind: str, depth: int) -> str:
    if kind == "braces":
        return "SELECT * WHERE " + "{" * depth + "}" * depth
    if kind == "parens":
        return "SELECT * WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    if kind == "unary":
        return "SELECT * WHERE { FILTER(" + "!" * depth * 40 + "true) }"
    return "ASK { " + "[ <urn:p> " * depth + "]" * depth + " }"


QUERY_PARTS = st.lists(st.sampled_from(
    ["{", "}", "(", ")", "[", "]", "SELECT", "*", "WHERE", "?s", "?p", "?o", ".", "FILTER",
     "!", "|", "/", "^", "+", "1", '"{{"', "<urn:x>", "# {{{\n", "SERVICE", "OPTIONAL",
     "UNION", "\\u0053ERVICE", "'''", "\""]), max_size=400).map(" ".join)


@FAST
@given(st.sampled_from(["braces", "parens", "unary", "blank"]), st.integers(1, 6000))
def test_nesting_is_refused_before_the_parser_or_parsed_safely(kind, depth) -> None:
    text = _nested(kind, depth)
    try:
        check_query(text)
    except QueryError:
        return
    assert nesting_depth(text) <= MAX_DEPTH
    try:
        Store.memory().query(text)
    except QueryError:
        pass


@FAST
@given(QUERY_PARTS)
def test_random_query_text_gives_an_answer_or_a_query_error(text) -> None:
    try:
        check_query(text, allow_service=False)
        Store.memory().query(text)
    except QueryError:
        pass


@pytest.mark.parametrize("kind", ["braces", "parens", "unary", "blank"])
def test_kg_query_refuses_deep_nesting_with_a_message(sample_store_dir, tmp_path, kind) -> None:
    text = tmp_path / "deep.rq"
    text.write_text(_nested(kind, 5000), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "query", str(text),
                           "--store", str(sample_store_dir)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr  # an error message, not a crash (-11)
    assert "accepted" in done.stderr and "Traceback" not in done.stderr


def test_clean_text_keeps_length_and_removes_every_hostile_character() -> None:
    text = "".join(chr(c) for c in range(0, 0x3000)) + "\ud800\udfff\ufffe\uffff\U0010ffff"
    cleaned = clean_text(text)
    assert len(cleaned) == len(text) and not _BAD_CHARS.search(cleaned)
    assert "\t" in cleaned and "\n" in cleaned and "é" in cleaned


