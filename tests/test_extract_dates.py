"""Event dates (`kg.extract.dates`) on sentences written for the tests (slow: real model).

The article date is Wednesday 13 March 2024 throughout.
"""
from __future__ import annotations

import datetime as dt

import pytest

from kg.extract import extract
from kg.nlp import load_pipeline
from kg.types import Article

pytestmark = pytest.mark.slow

WED = dt.date(2024, 3, 13)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _dates(nlp, text: str, date: dt.date | None = WED) -> dict[str, tuple[str | None, str | None]]:
    """trigger -> (date text, basis) of each event with a modality of `actual` or coded."""
    x = extract(Article(id="t", text=text, date=date), nlp(text))
    return {e.trigger: ((e.date.text, e.date.basis) if e.date else (None, None))
            for e in x.events}


@pytest.mark.parametrize(("text", "trigger", "date", "basis"), [
    # the event's own time expression
    ("Chilean police arrested twelve Bolivian smugglers on Monday.", "arrested",
     "2024-03-11", "stated"),
    # no time expression: the article's date, said to be the publication date
    ("Chilean police arrested twelve Bolivian smugglers near the border.", "arrested",
     "2024-03-13", "publication"),
    # a weekday in a clause about the future is read forward
    ("Kenya said its president will visit Uganda on Friday.", "visit", "2024-03-15", "stated"),
    ("Egypt plans to host talks with Sudan on Monday.", "host", "2024-03-18", "stated"),
])
def test_event_dates(nlp, text, trigger, date, basis) -> None:
    got = _dates(nlp, text)
    assert got.get(trigger) == (date, basis), got


def test_past_weekday_is_read_backwards(nlp) -> None:
    got = _dates(nlp, "Kenya said its president visited Uganda on Friday.")
    assert got["visited"] == ("2024-03-08", "stated"), got


def test_relative_clause_date_does_not_leak_to_its_head(nlp) -> None:
    # "which began on Monday" dates the clause's own event, not the criticism
    text = ("Poland criticised the Belarusian border operation, which began on Monday, "
            "as a provocation.")
    got = _dates(nlp, text)
    assert got["criticised"] == ("2024-03-13", "publication"), got


def test_announced_acts_are_not_dated_by_publication(nlp) -> None:
    x = extract(Article(id="t", text="Norway will send emergency aid to Sudan.", date=WED),
                nlp("Norway will send emergency aid to Sudan."))
    for e in x.events:
        if e.modality != "actual":
            assert e.date is None or e.date.basis == "stated", e


def test_undated_article_leaves_events_without_publication_date(nlp) -> None:
    got = _dates(nlp, "Chilean police arrested twelve Bolivian smugglers.", date=None)
    assert got["arrested"] == (None, None)
