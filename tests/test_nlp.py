"""The NLP stage (kg.nlp): long texts parsed in pieces, runaway sentences cut."""
from __future__ import annotations

import pytest
import spacy

from kg import nlp as kg_nlp
from kg.nlp import MAX_SENTENCE, _line_breaks, parse, split_text


@pytest.mark.parametrize(("text", "limit"), [
    ("Para one is here.\n\nPara two is here.\n\nPara three.", 20),
    ("line one\nline two\nline three\nline four", 12),
    ("no breaks at all but words " * 20, 30),
    ("x" * 95, 10),  # no boundary at all: a hard cut
])
def test_split_text_joins_back_and_respects_the_limit(text, limit) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit for p in pieces)


def test_split_text_prefers_paragraphs() -> None:
    text = "A b c d e f.\nG h.\n\nI j k l m."
    assert split_text(text, 20) == ["A b c d e f.\nG h.\n\n", "I j k l m."]


def test_a_long_text_is_parsed_in_pieces_into_one_doc(monkeypatch) -> None:
    monkeypatch.setattr(kg_nlp, "MAX_PIECE", 50)
    monkeypatch.setattr(kg_nlp, "split_text", lambda t, limit=50: split_text(t, limit))
    nlp = spacy.blank("en")
    long = "\n\n".join(f"Paragraph {i} says that Russia met Ukraine." for i in range(20))
    docs = list(parse(nlp, ["short one.", long, "last."]))
    assert [d.text for d in docs] == ["short one.", long, "last."]
    token = next(t for t in docs[1] if t.text == "Ukraine" and t.idx > 500)
    assert long[token.idx:token.idx + len("Ukraine")] == "Ukraine"  # offsets into the whole


def test_a_run_without_sentence_end_is_cut_for_the_parser() -> None:
    nlp = spacy.blank("en")
    doc = _line_breaks(nlp("word " * 1000))
    starts = [t.i for t in doc if t.is_sent_start]
    assert starts and max(b - a for a, b in zip([0] + starts, starts + [len(doc)])) <= MAX_SENTENCE
    # ordinary sentences are left to the parser
    doc = _line_breaks(nlp("Russia met Ukraine. " * 200))
    assert not any(t.is_sent_start for t in doc[1:])
