"""Tests of kg.timex: time expressions resolved against the article date."""
from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.timex import find_dates, resolve

FRI = dt.date(2026, 1, 9)  # a Friday, the seed article's date
SAT = dt.date(2026, 1, 10)
MON = dt.date(2026, 1, 12)


@pytest.mark.parametrize(
    ("expression", "anchor", "expected"),
    [
        # decades and their parts (no anchor needed)
        ("in the 1970s", None, "1970-01-01/1979-12-31"),
        ("the early 2000s", None, "2000-01-01/2003-12-31"),
        ("the late 1990s", None, "1997-01-01/1999-12-31"),
        # weekdays: the latest such day on or before the anchor
        ("Friday", FRI, "2026-01-09"),
        ("Thursday", FRI, "2026-01-08"),
        ("on Thursday", FRI, "2026-01-08"),
        ("Saturday", FRI, "2026-01-03"),
        ("Friday", SAT, "2026-01-09"),
        ("Thursday night", FRI, "2026-01-08"),
        ("last Friday", FRI, "2026-01-02"),
        ("last Friday", SAT, "2026-01-09"),
        ("this Friday", FRI, "2026-01-09"),
        ("this Friday", MON, "2026-01-16"),
        ("next Monday", FRI, "2026-01-12"),
        # deictic days
        ("today", FRI, "2026-01-09"),
        ("yesterday", FRI, "2026-01-08"),
        ("tomorrow", FRI, "2026-01-10"),
        ("last night", FRI, "2026-01-08"),
        ("the day before yesterday", FRI, "2026-01-07"),
        # weekends
        ("last weekend", FRI, "2026-01-03/2026-01-04"),
        ("last weekend", SAT, "2026-01-03/2026-01-04"),
        ("last weekend", MON, "2026-01-10/2026-01-11"),
        ("last weekend's", FRI, "2026-01-03/2026-01-04"),
        ("this weekend", FRI, "2026-01-10/2026-01-11"),
        ("over the weekend", MON, "2026-01-10/2026-01-11"),
        ("over the weekend", SAT, "2026-01-10/2026-01-11"),
        # weeks, months, years around the anchor
        ("last week", FRI, "2025-12-29/2026-01-04"),
        ("next week", FRI, "2026-01-12/2026-01-18"),
        ("the past week", FRI, "2026-01-02/2026-01-09"),
        ("last month", FRI, "2025-12"),
        ("next month", FRI, "2026-02"),
        ("earlier this month", FRI, "2026-01-01/2026-01-08"),
        ("later this month", FRI, "2026-01-10/2026-01-31"),
        ("last year", FRI, "2025"),
        ("this year", FRI, "2026"),
        ("next year", FRI, "2027"),
        # counts
        ("two days ago", FRI, "2026-01-07"),
        ("three weeks ago", FRI, "2025-12-19"),
        ("six months ago", FRI, "2025-07"),
        ("a year ago", FRI, "2025"),
        ("10 days ago", FRI, "2025-12-30"),
        ("the past two weeks", FRI, "2025-12-26/2026-01-09"),
        # months and years
        ("in October 2024", FRI, "2024-10"),
        ("October 2024", None, "2024-10"),
        ("mid-October 2024", None, "2024-10"),
        ("in 2024", None, "2024"),
        ("2024", None, "2024"),
        ("in October", FRI, "2025-10"),  # October 2026 would lie far after the article
        ("in January", FRI, "2026-01"),
        ("last March", dt.date(2026, 5, 1), "2026-03"),
        ("last March", dt.date(2026, 3, 20), "2025-03"),
        # full and partial dates
        ("January 9, 2026", None, "2026-01-09"),
        ("January 9,2026", None, "2026-01-09"),
        ("Jan. 9, 2026", None, "2026-01-09"),
        ("Friday, January 9, 2026", None, "2026-01-09"),
        ("9 January 2026", None, "2026-01-09"),
        ("the 9th of January 2026", None, "2026-01-09"),
        ("2026-01-09", None, "2026-01-09"),
        ("2026-01-09T10:00:00Z", None, "2026-01-09"),
        ("01/09/2026", None, "2026-01-09"),  # US order: month/day/year
        ("Jan. 9", FRI, "2026-01-09"),
        ("on Jan. 3", FRI, "2026-01-03"),
        ("March 1", FRI, "2026-03-01"),  # 51 days after the anchor: same year
        ("March 15", FRI, "2025-03-15"),  # 65 days after: last year
        ("December 20", FRI, "2025-12-20"),
        ("Feb. 29", dt.date(2024, 3, 10), "2024-02-29"),
        ("January 2", dt.date(2025, 12, 30), "2026-01-02"),  # just after New Year
        ("in December", dt.date(2026, 1, 2), "2025-12"),
        # ISO values round-trip
        ("2026-01-03/2026-01-04", None, "2026-01-03/2026-01-04"),
        ("2024-10", None, "2024-10"),
    ],
)
def test_resolve(expression: str, anchor: dt.date | None, expected: str) -> None:
    value = resolve(expression, anchor)
    assert value is not None
    assert value.text == expected
    assert not value.is_start


@pytest.mark.parametrize(
    ("expression", "anchor"),
    [
        ("Friday", None),  # relative, no anchor
        ("yesterday", None),
        ("last weekend", None),
        ("March 15", None),
        ("two days ago", None),
        ("soon", FRI),  # not in the grammar
        ("recently", FRI),
        ("a few days ago", FRI),
        ("several weeks ago", FRI),
        ("the meeting", FRI),
        ("", FRI),
        ("February 30, 2026", FRI),  # no such day
        ("13/45/2026", FRI),
        ("Feb. 29", FRI),  # neither 2025 nor 2026 is a leap year
        ("2026-01-09/2026-01-03", None),  # backwards range
    ],
)
def test_resolve_none(expression: str, anchor: dt.date | None) -> None:
    assert resolve(expression, anchor) is None


def test_value_bounds() -> None:
    month = resolve("October 2024", None)
    assert (month.begin, month.end) == (dt.date(2024, 10, 1), dt.date(2024, 10, 31))
    weekend = resolve("last weekend", FRI)
    assert (weekend.begin, weekend.end) == (dt.date(2026, 1, 3), dt.date(2026, 1, 4))
    year = resolve("in 2024", None)
    assert (year.begin, year.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("since she took office in October 2024", "2024-10"),
        ("since Friday", "2026-01-09"),
        ("since last year", "2025"),
        ("since 2022", "2022"),
    ],
)
def test_since_opens_a_period(expression: str, expected: str) -> None:
    value = resolve(expression, FRI)
    assert value is not None and value.text == expected
    assert value.is_start


@pytest.mark.parametrize(
    ("expression", "anchor", "past", "future"),
    [
        ("Friday", SAT, "2026-01-09", "2026-01-16"),
        ("Friday", FRI, "2026-01-09", "2026-01-09"),
        ("Monday", FRI, "2026-01-05", "2026-01-12"),
        ("the weekend", FRI, "2026-01-03/2026-01-04", "2026-01-10/2026-01-11"),
        ("in April", FRI, "2025-04", "2026-04"),
        ("in November", FRI, "2025-11", "2026-11"),
    ],
)
def test_future_tense(expression: str, anchor: dt.date, past: str, future: str) -> None:
    assert resolve(expression, anchor).text == past
    assert resolve(expression, anchor, future=True).text == future


def test_find_dates_spans_and_values() -> None:
    text = ("On Thursday, the minister said last weekend's raid was a mistake. "
            "Homicides have fallen since she took office in October 2024, and talks "
            "resumed on Jan. 3 after a pause.")
    found = [(text[s:e], v.text, v.is_start) for s, e, v in find_dates(text, FRI)]
    assert found == [
        ("On Thursday", "2026-01-08", False),
        ("last weekend", "2026-01-03/2026-01-04", False),
        ("in October 2024", "2024-10", True),
        ("on Jan. 3", "2026-01-03", False),
    ]


def test_find_dates_prefers_the_longest_expression() -> None:
    text = "The ceasefire was signed on Friday, January 9, 2026 in Doha."
    [(start, end, value)] = find_dates(text, None)
    assert text[start:end] == "on Friday, January 9, 2026"
    assert value.text == "2026-01-09"


@pytest.mark.parametrize(
    "text",
    [
        "Crowds will march 10 kilometres to the square.",  # the verb, not the month
        "Officials may 1 day reconsider.",
        "Turnout was over 2010 levels.",
        "About 2024 delegates voted.",  # a bare year is too ambiguous in prose
        "He arrived soon after.",
    ],
)
def test_find_dates_ignores_non_dates(text: str) -> None:
    assert find_dates(text, FRI) == []


def test_find_dates_without_anchor_keeps_only_absolute_dates() -> None:
    text = "He spoke on Thursday about the vote of 9 January 2026."
    found = [text[s:e] for s, e, _ in find_dates(text, None)]
    assert found == ["9 January 2026"]


def test_find_dates_spans_resolve_alone() -> None:
    text = ("Yesterday the army withdrew. Talks are planned for next week; the last round "
            "was three weeks ago, on Dec. 19, and the one before in November.")
    found = find_dates(text, FRI)
    assert len(found) == 5
    for start, end, value in found:
        assert resolve(text[start:end], FRI) == value


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)))
def test_written_dates_round_trip(day: dt.date) -> None:
    month = calendar.month_name[day.month]
    for expression in (day.isoformat(), f"{month} {day.day}, {day.year}",
                       f"{day.day} {month} {day.year}",
                       f"{day.month:02d}/{day.day:02d}/{day.year}"):
        value = resolve(expression, None)
        assert value is not None and (value.begin, value.end) == (day, day), expression
        assert resolve(value.text, None) == value


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(list(calendar.day_name)))
def test_weekday_is_the_nearest_such_day(anchor: dt.date, weekday: str) -> None:
    past = resolve(weekday, anchor).begin
    future = resolve(weekday, anchor, future=True).begin
    assert calendar.day_name[past.weekday()] == weekday == calendar.day_name[future.weekday()]
    assert 0 <= (anchor - past).days < 7
    assert 0 <= (future - anchor).days < 7


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_last_weekend_is_the_previous_weeks_saturday_and_sunday(anchor: dt.date) -> None:
    value = resolve("last weekend", anchor)
    assert value.begin.weekday() == 5 and value.end - value.begin == dt.timedelta(days=1)
    assert 1 <= (anchor - value.end).days <= 7


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28),
       st.booleans())
def test_yearless_dates_stay_near_the_anchor(anchor: dt.date, month: int, day: int,
                                            future: bool) -> None:
    value = resolve(f"{calendar.month_name[month]} {day}", anchor, future=future)
    assert (value.begin.month, value.begin.day) == (month, day)
    offset = (value.begin - anchor).days  # within one year, placed by the 62-day window
    if future:
        assert 0 <= offset < 366
    else:
        assert -366 + 62 < offset <= 62


def _whole_text_scan(text: str) -> list[tuple[int, int, int]]:
    """Every rule's matches over the whole text (what `find_dates` matched before it ran
    rules only on the stretches of text that hold their keys)."""
    from kg import timex

    return [(i, m.start(), m.end()) for i, rule in enumerate(timex._RULES)
            if rule.scan != "never" for m in rule.pattern.finditer(text)]


def _keyed_scan(text: str) -> list[tuple[int, int, int]]:
    from kg import timex

    stretches = timex._stretches(text)
    starts = [s for s, _ in stretches]
    keyed: dict = {}
    folded = timex._folded(text)
    return [(i, m.start(), m.end()) for i, rule in enumerate(timex._RULES)
            if rule.scan != "never"
            for m in timex._matches(rule, text, stretches, starts, keyed, folded)]


_PIECES = [
    "January", "Jan.", "jan", "Sept.", "sept", "May", "may", "March", "Dec.", "of", "Of", "the",
    "on", "in", "since", "as of", "by", "over", "at", "early", "mid-", "late", "last", "this",
    "past", "next", "coming", "previous", "Monday", "friday", "Thursday,", "morning", "night",
    "tonight", "today", "yesterday", "tomorrow", "evening", "afternoon", "earlier", "later",
    "the day before", "weekend", "week", "weeks", "month", "months", "year", "years", "days",
    "ago", "two", "a", "an", "12", "9", "31st", "3rd", "2024", "1999", "1970s", "2000’s",
    "2026-01-09", "2026-01-09T10:30:00Z", "2026-01", "01/09/2026", "1/9/2026", "-", "/", ":",
    "+", ",", ".", "'", "’", ";", "(", ")", "\"", "“", "”", "!", "?", "—", "\n", "\n\n", " ", "  ",
    "Mr.", "U.S.", "St.", "said", "x",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=40),
       st.lists(st.sampled_from(["", " ", "  ", "\n", ". ", ", "]), max_size=40))
def test_rules_match_the_same_on_keyed_stretches_as_on_the_whole_text(pieces, gaps) -> None:
    text = "".join(p + (gaps[i] if i < len(gaps) else " ") for i, p in enumerate(pieces))
    assert _keyed_scan(text) == _whole_text_scan(text)


@pytest.mark.parametrize("text", [
    "It closed in Sept. of 2024 and again on Jan. 9. Tuesday was calm.",
    "since \"January 9, 2026\" (Friday) — and 2026-01-09T10:30:00Z; the early 1990s!",
    "Two days ago, last week, the past three weeks, this weekend, earlier this month.",
    "In may 2024 they met on May 3 and on the 4th of May, 2024.",
])
def test_keyed_stretches_on_sentences(text) -> None:
    assert _keyed_scan(text) == _whole_text_scan(text)
    assert find_dates(text, FRI)


@pytest.mark.parametrize("text", [
    "It began on ſept. 9, 2024 and ended on Tueſday.",  # a long s is an "s" to the keys
    "İn 2024 they met on Mondaı, then on JUNE 3 and İnstanbul's WEEKEND.",
    "The Kelvin sign: wee\u212a, 2 wee\u212as ago; DAY one; Straße in Jan. 2020.",
])
def test_keyed_stretches_where_lower_case_is_no_fold(text) -> None:
    from kg import timex

    assert _keyed_scan(text) == _whole_text_scan(text)
    if any(c in text for c in "ſıİ"):
        assert timex._folded(text) is None  # the keys are looked for case-insensitively there


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The 2024 election was close.", "The 2024"),
        ("Survivors of the 1994 genocide gathered.", "the 1994"),
        ("He was jailed after the 2011 mass protests.", "the 2011"),  # not "after the 2011"
    ],
)
def test_a_year_dates_the_noun_it_names(text: str, expected: str) -> None:
    [(start, end, value)] = find_dates(text, FRI)
    assert text[start:end] == expected and value.text == expected[-4:]
