"""Entities of a headline in title case, redrawn from the body's use of its words
(kg.extract.headline), on articles written for the tests (slow: the real spaCy model)."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.extract import _headline_end, extract
from kg.extract.headline import redraw_headline_entities, title_case
from kg.gazetteer import load_gazetteer
from kg.lexicon import load_lexicon
from kg.nlp import load_pipeline
from kg.types import Article

pytestmark = pytest.mark.slow

ARTICLE = ("Somalia Kills Dozens of Militants, Hopes Fade for Talks\n\n"
           "The Somali army killed at least 30 al-Shabab fighters in an operation near "
           "Mogadishu on Monday, officials said. Hopes for talks with the group had faded "
           "after the fighters attacked a base last week, the army said.")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _headline_ents(doc, end):
    return [(e.text, e.label_) for e in doc.ents if e.start_char < end]


def test_a_title_case_headline_keeps_the_names_and_drops_the_common_words(nlp) -> None:
    doc = nlp(ARTICLE)
    end = _headline_end(ARTICLE)
    assert end and title_case([t for t in doc if t.idx < end])
    redraw_headline_entities(doc, end, load_gazetteer(), load_lexicon().event_heads()[0])
    ents = _headline_ents(doc, end)
    assert ("Somalia", "GPE") in ents, ents
    assert not any(word in text for text, _ in ents for word in ("Kills", "Hopes", "Fade")), ents


def test_no_actor_is_named_after_the_headline_words(nlp) -> None:
    # the tagger reads "New York Primary" as a body; the body writes "primary" in lower case
    text = ("Clinton Expects Big Wins in New York Primary\n\n"
            "Hillary Clinton said on Monday she expected to win the New York primary by a wide "
            "margin, and her campaign urged voters to turn out early.")
    x = extract(Article(id="t", text=text, date=dt.date(2016, 4, 18)), nlp(text))
    labels = {a.label for a in x.actors}
    assert "Hillary Clinton" in labels, labels
    assert not any("Primary" in label or "Wins" in label for label in labels), labels


def test_a_headline_in_sentence_case_is_left_as_the_tagger_read_it(nlp) -> None:
    text = ("Somalia says its army killed dozens of militants\n\n"
            "The Somali army killed at least 30 al-Shabab fighters on Monday, officials said.")
    doc = nlp(text)
    end = _headline_end(text)
    before = _headline_ents(doc, end)
    assert not redraw_headline_entities(doc, end, load_gazetteer(), ())
    assert _headline_ents(doc, end) == before
