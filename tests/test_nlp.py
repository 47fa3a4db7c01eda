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


def _columns():
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG

    return [ORTH, POS, TAG, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]


@pytest.mark.slow
def test_token_attributes_annotate_as_the_ruler_and_lemmatizer_they_stand_in_for() -> None:
    """kg's pipeline runs `TokenAttributes` instead of the model's attribute_ruler and rule
    lemmatizer: on real articles every token's POS, tag, morphology, lemma, parse and entity
    annotation is what the model's own components give."""
    import json
    from pathlib import Path

    from kg.nlp import TOKEN_ATTRIBUTES, load_pipeline

    root = Path(__file__).resolve().parents[1] / "examples" / "news"
    texts = [json.loads(line)["text"] for line in
             (root / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [p.read_text(encoding="utf-8") for p in sorted(root.glob("*.txt"))]
    # words the ruler's multi-token, regex and dependency patterns are about
    texts.append("There's nothing y'all can't do, isn't there? I'm sure they've gone; "
                 "it gets worse and got worse.\n\n  Nothin' doin'.")
    fast = load_pipeline()
    assert TOKEN_ATTRIBUTES in fast.pipe_names
    assert "attribute_ruler" not in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    own = spacy.load(kg_nlp.DEFAULT_MODEL, exclude=["textcat"])
    own.add_pipe(kg_nlp.LINE_BREAKS, before="parser")
    columns = _columns()
    mine = [d.to_array(columns) for d in parse(fast, texts)]
    theirs = [d.to_array(columns) for d in parse(own, texts)]
    assert sum(len(a) for a in mine) > 1000
    for text, a, b in zip(texts, mine, theirs):
        assert a.tolist() == b.tolist(), text[:60]


def test_token_attributes_leave_an_unknown_pattern_to_the_ruler() -> None:
    """A ruler pattern `TokenAttributes` cannot evaluate (an operator, a POS test) keeps the
    model's own components in the pipeline."""
    from kg.nlp import TokenAttributes

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"TAG": "DT"})
    nlp.add_pipe("lemmatizer", config={"mode": "rule"})
    assert TokenAttributes.from_pipeline(nlp) is None
