"""Time expressions in news text, resolved against the article date (the anchor).

A small regex grammar (no date-parsing dependency) for the expressions news reports use:
absolute dates ("January 9, 2026", "9 Jan. 2026", "2026-01-09", "01/09/2026" in US order),
partial dates ("Jan. 9", "October 2024", "in October", "in 2024"), deictic days ("today",
"yesterday", "last night"), decades ("the 1970s", "the early 2000s"), weekdays ("Friday", "last Friday", "this Friday"), weekends,
weeks, months and years relative to the anchor ("last week", "earlier this month", "next
year"), and counts ("two days ago", "the past three weeks").

Conventions, chosen once and used everywhere:

- A bare weekday means the most recent such day on or before the anchor (news reports the
  past); with `future=True` the next such day on or after it. "last Friday" is strictly
  before the anchor, "next Friday" strictly after, "this Friday" is in the anchor's Monday to
  Sunday week.
- "last weekend" is the Saturday and Sunday of the week before the anchor's week; "this
  weekend" those of the anchor's week; "the weekend" the latest one begun on or before the
  anchor (with `future=True`, the current or coming one).
- "last week/month/year" is the previous calendar unit; "the past week" the 7 days up to the
  anchor; "earlier this month" runs from the first of the month to the day before the anchor.
- A date without a year ("March 15", "in October") takes the latest year in which it starts
  at most `WINDOW_DAYS` after the anchor (with `future=True`: the earliest year in which it
  does not end before the anchor).
- "N days/weeks ago" is a day, "N months ago" a month, "N years ago" a year.
- Anything relative with no anchor, or not in the grammar, gives None: never a guess.

`DateValue.text` is ISO 8601: a day `2026-01-08`, a month `2024-10`, a year `2024`, any other
range `2026-01-03/2026-01-04`.
"""
from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from kg.types import DateValue

__all__ = ["resolve", "find_dates", "WINDOW_DAYS"]

#: How far (days) past the anchor a year-less date may fall before it is taken as last year's.
WINDOW_DAYS = 62

_FULL_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                        "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTHS: dict[str, int] = _FULL_MONTH_NAMES | _MONTH_ABBREVIATIONS
_WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

# Grammar pieces. Rules are compiled case-insensitively; `find_dates` additionally wants
# capitalised month and weekday names, so that the verbs "may" and "march" are not dates.
_B = r"(?<![\w-])"  # left boundary: not inside a word or a hyphenated compound
_E = r"(?![\w])"  # right boundary
_PREP = (r"(?:(?P<prep>on|in|since|from|until|till|by|during|over|through|as\s+of|before"
         r"|after)\s+)?")
_FULL_MONTHS = "|".join(_FULL_MONTH_NAMES)
_ABBR_MONTHS = "|".join(sorted(_MONTH_ABBREVIATIONS, key=len, reverse=True))  # "sept" first
_MON = rf"(?P<mon>(?:{_FULL_MONTHS})\b|(?:{_ABBR_MONTHS})(?:\.|\b))"
_WD_NAMES = "|".join(_WEEKDAYS)
_WD = rf"(?P<wd>{_WD_NAMES})"
_WD_PREFIX = rf"(?:(?P<wd>{_WD_NAMES}),?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|2[01]\d\d)"
_PART = r"(?:(?P<part>early|mid|late)(?:\s+|-))?"
_NUM = "|".join([r"\d{1,3}", *sorted(_NUMBERS, key=len, reverse=True)])
_REL_WD = r"(?:(?P<rel>this\s+past|this\s+coming|last|past|next|coming|this)\s+)?"

Handler = Callable[[re.Match[str], "dt.date | None", bool], "DateValue | None"]


@dataclass(frozen=True, slots=True)
class _Rule:
    """One expression form: its regex, its resolver, and when `find_dates` may use it.

    `scan` is "always", "context" (only with a preposition, relative word or early/mid/late
    before it: "in 2024" but not a bare "2024") or "never" (only `resolve` accepts it).
    """

    pattern: re.Pattern[str]
    handler: Handler
    scan: str = "always"
    #: a text piece every match contains (case-insensitively): `find_dates` runs the rule only
    #: on the stretches of text (see `_OUTSIDE`) where this occurs; None: on all of it
    key: re.Pattern[str] | None = None


# --- value builders --------------------------------------------------------------------------


def _day(d: dt.date) -> DateValue:
    return DateValue(d, d, d.isoformat())


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month(year: int, month: int) -> DateValue:
    return DateValue(dt.date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}")


def _year(year: int) -> DateValue:
    return DateValue(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year:04d}")


def _span(begin: dt.date, end: dt.date) -> DateValue:
    """A range, written as a day, month or year when it is exactly one."""
    if begin == end:
        return _day(begin)
    if begin.day == 1 and end == _month_end(begin.year, begin.month):
        return _month(begin.year, begin.month)
    if (begin.month, begin.day, end.month, end.day) == (1, 1, 12, 31) and begin.year == end.year:
        return _year(begin.year)
    return DateValue(begin, end, f"{begin.isoformat()}/{end.isoformat()}")


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _group(m: re.Match[str], name: str) -> str | None:
    value = m.groupdict().get(name)
    return value.lower() if value else None


def _words(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


# --- handlers --------------------------------------------------------------------------------


def _h_iso_day(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    return _day(dt.date(int(m["y"]), int(m["m"]), int(m["d"])))


def _h_iso_month(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    return _month(int(m["y"]), int(m["m"]))


def _h_iso_range(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    begin, end = dt.date.fromisoformat(m["b"]), dt.date.fromisoformat(m["e"])
    return _span(begin, end) if begin <= end else None


def _h_full_date(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    return _day(dt.date(int(m["year"]), _MONTHS[_group(m, "mon").rstrip(".")], int(m["day"])))


def _h_us_numeric(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    return _day(dt.date(int(m["y"]), int(m["m"]), int(m["d"])))


def _yearless(month: int, day: int | None, anchor: dt.date, future: bool) -> DateValue | None:
    """A day (or a whole month when `day` is None) in the year that keeps it near the anchor.

    Past (default): the latest year in which it starts at most `WINDOW_DAYS` after the anchor.
    Future: the earliest year in which it does not end before the anchor.
    """
    candidates: list[DateValue] = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(_day(dt.date(year, month, day)) if day else _month(year, month))
        except ValueError:  # 29 February outside leap years
            continue
    if future:
        return next((v for v in candidates if v.end >= anchor), None)
    window = dt.timedelta(days=WINDOW_DAYS)
    return next((v for v in reversed(candidates) if v.begin <= anchor + window), None)


def _h_month_day(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    return _yearless(_MONTHS[_group(m, "mon").rstrip(".")], int(m["day"]), anchor, future)


def _h_month_year(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    return _month(int(m["year"]), _MONTHS[_group(m, "mon").rstrip(".")])


def _h_month(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    month = _MONTHS[_group(m, "mon").rstrip(".")]
    rel = _words(_group(m, "rel"))
    if rel == "last":
        return _month(anchor.year if month < anchor.month else anchor.year - 1, month)
    if rel == "next":
        return _month(anchor.year if month > anchor.month else anchor.year + 1, month)
    if rel == "this":
        return _month(anchor.year, month)
    return _yearless(month, None, anchor, future)


def _h_year(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    return _year(int(m["year"]))


#: the years of a decade's part: "the early 1990s" 1990-1993, "the mid-1990s" 1993-1996,
#: "the late 1990s" 1997-1999
_DECADE_PARTS = {None: (0, 9), "early": (0, 3), "mid": (3, 6), "late": (7, 9)}


def _h_decade(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    first = int(m["decade"])
    lo, hi = _DECADE_PARTS[_words(_group(m, "part"))]
    return _span(dt.date(first + lo, 1, 1), dt.date(first + hi, 12, 31))


def _h_weekday(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    wd = _WEEKDAYS[_group(m, "wd")]
    back = (anchor.weekday() - wd) % 7  # days back to the latest such day on/before the anchor
    ahead = (wd - anchor.weekday()) % 7  # days on to the next such day on/after the anchor
    rel = _words(_group(m, "rel"))
    if rel in ("last", "past", "this past"):
        return _day(anchor - dt.timedelta(days=back or 7))
    if rel in ("next", "coming", "this coming"):
        return _day(anchor + dt.timedelta(days=ahead or 7))
    if rel == "this":
        return _day(_monday(anchor) + dt.timedelta(days=wd))
    return _day(anchor + dt.timedelta(days=ahead) if future else anchor - dt.timedelta(days=back))


_DEICTIC_DAYS = {
    "the day before yesterday": -2, "yesterday": -1, "last night": -1, "today": 0,
    "tonight": 0, "earlier today": 0, "later today": 0, "this morning": 0,
    "this afternoon": 0, "this evening": 0, "tomorrow": 1, "the day after tomorrow": 2,
}


def _h_deictic(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    return _day(anchor + dt.timedelta(days=_DEICTIC_DAYS[_words(_group(m, "word"))]))


def _h_weekend(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    saturday = _monday(anchor) + dt.timedelta(days=5)  # of the anchor's week
    rel = _words(_group(m, "rel"))
    on_weekend = anchor.weekday() >= 5
    if rel in ("last", "past", "this past", "the past", "previous", "the previous"):
        saturday -= dt.timedelta(days=7)
    elif rel == "next":
        saturday += dt.timedelta(days=7)
    elif rel in ("coming", "this coming", "the coming"):
        saturday += dt.timedelta(days=7 if on_weekend else 0)
    elif rel == "the" and not future and not on_weekend:
        saturday -= dt.timedelta(days=7)
    return _span(saturday, saturday + dt.timedelta(days=1))


def _unit_range(unit: str, d: dt.date) -> tuple[dt.date, dt.date]:
    if unit == "week":
        monday = _monday(d)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        return d.replace(day=1), _month_end(d.year, d.month)
    return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)


def _shift(unit: str, d: dt.date, n: int) -> dt.date:
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    return _add_months(d, n if unit == "month" else 12 * n)


def _h_unit(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    unit = _group(m, "unit")
    rel = _words(_group(m, "rel"))
    pos = _group(m, "pos")
    if rel in ("past", "the past"):  # rolling: the last 7 days, month or year up to the anchor
        return _span(_shift(unit, anchor, -1), anchor)
    if rel in ("coming", "the coming", "the next"):
        return _span(anchor, _shift(unit, anchor, 1))
    step = {"last": -1, "previous": -1, "the previous": -1, "this past": -1, "this": 0,
            "next": 1}[rel]
    begin, end = _unit_range(unit, _shift(unit, anchor, step))
    if rel == "this" and pos == "earlier":
        end = max(begin, anchor - dt.timedelta(days=1))
    elif rel == "this" and pos == "later":
        begin = min(end, anchor + dt.timedelta(days=1))
    return _span(begin, end)


def _h_ago(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    n = _number(m["n"])
    unit = _group(m, "unit")
    if unit in ("day", "week"):
        return _day(_shift(unit, anchor, -n))
    if unit == "month":
        d = _add_months(anchor, -n)
        return _month(d.year, d.month)
    return _year(anchor.year - n)


def _h_last_n(m: re.Match[str], anchor: dt.date | None, future: bool) -> DateValue | None:
    if anchor is None:
        return None
    n = _number(m["n"])
    unit = _group(m, "unit")
    if _group(m, "rel") in ("next", "coming"):
        return _span(anchor, _shift(unit, anchor, n))
    return _span(_shift(unit, anchor, -n), anchor)


# --- the grammar -----------------------------------------------------------------------------


def _rule(body: str, handler: Handler, scan: str = "always", key: str | None = None) -> _Rule:
    return _Rule(re.compile(_B + _PREP + body + _E, re.IGNORECASE), handler, scan,
                 _key(key) if key else None)


@functools.lru_cache(maxsize=None)
def _key(piece: str) -> re.Pattern[str]:
    return re.compile(piece, re.IGNORECASE)


# The keys of the rules: for each rule, a piece of text every one of its matches contains.
# Literal words and short alternations: the regex engine finds them by a fast prefix search,
# where each rule's own pattern (its optional preposition first) is tried at every position.
_K_MONTH = "jan|feb|ma[ry]|apr|ju[nl]|aug|sep|oct|nov|dec"  # the first 3 letters of each month
_K_YEAR = r"(?:1[89]|2[01])\d\d"  # every _YEAR, and every decade
_K_DAY = "day"  # every weekday name, today, yesterday, days
_K_UNIT = "week|month|year"


_UNIT_REL = (r"(?P<rel>this\s+past|the\s+past|the\s+previous|the\s+coming|the\s+next|last|past"
             r"|previous|this|next|coming)")
_RULES: tuple[_Rule, ...] = (
    _rule(r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?",
          _h_iso_day, key=r"\d-\d"),
    _rule(r"(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{4})(?![\d/])", _h_us_numeric, key=r"\d/\d"),
    _rule(_WD_PREFIX + _MON + r"\s+" + _DAY + r"(?:,\s*|\s+)" + _YEAR, _h_full_date,
          key=_K_MONTH),
    _rule(_WD_PREFIX + r"(?:the\s+)?" + _DAY + r"(?:\s+of)?\s+" + _MON + r",?\s+" + _YEAR,
          _h_full_date, key=_K_MONTH),
    _rule(_WD_PREFIX + _MON + r"\s+" + _DAY + r"(?!\d)", _h_month_day, key=_K_MONTH),
    _rule(_WD_PREFIX + r"(?:the\s+)?" + _DAY + r"(?:\s+of)?\s+" + _MON, _h_month_day,
          key=_K_MONTH),
    _rule(_PART + _MON + r"(?:,|\s+of)?\s+" + _YEAR, _h_month_year, key=_K_MONTH),
    _rule(_PART + r"(?:(?P<rel>last|this|next)\s+)?" + _MON, _h_month, "context",
          key=_K_MONTH),
    _rule(_PART + _YEAR, _h_year, "context", key=_K_YEAR),
    # a year that dates the noun after it: "the 2011 mass demonstrations", "its 2014 annexation"
    # (no preposition before it: "in the 2011 protests" dates the protests, not the verb)
    _Rule(re.compile(_B + r"(?:the|its|their|his|her)\s+" + _YEAR + r"(?=\s+[a-z])" + _E, re.IGNORECASE),
          _h_year, key=_key(_K_YEAR)),
    _rule(r"(?:the\s+)?" + _PART + r"(?P<decade>1[89]\d0|20[0-2]0)['’]?s", _h_decade,
          key=_K_YEAR),
    _rule(_REL_WD + _WD + r"(?:\s+(?:morning|afternoon|evening|night))?", _h_weekday,
          key=_K_DAY),
    _rule(r"(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow"
          r"|(?:earlier|later)\s+today|today|tonight|yesterday|tomorrow"
          r"|this\s+(?:morning|afternoon|evening)|last\s+night)"
          r"(?:\s+(?:morning|afternoon|evening|night))?", _h_deictic,
          key=_K_DAY + "|n(?:ing|ight)|noon|tomorrow"),
    _rule(r"(?:(?:over|at)\s+)?(?P<rel>this\s+past|this\s+coming|the\s+past|the\s+previous"
          r"|the\s+coming|last|past|previous|this|next|coming|the)\s+weekend", _h_weekend,
          key="weekend"),
    _rule(r"(?:(?P<pos>earlier|later|early|late|mid)(?:\s+|-))?" + _UNIT_REL
          + r"\s+(?P<unit>week|month|year)", _h_unit, key=_K_UNIT),
    _rule(rf"(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+ago", _h_ago, key="ago"),
    _rule(rf"(?:the\s+)?(?P<rel>last|past|next|coming)\s+(?P<n>{_NUM})\s+"
          r"(?P<unit>day|week|month|year)s", _h_last_n, key=_K_DAY + "|" + _K_UNIT),
    # Only as a whole expression given to `resolve` (ISO values round-trip).
    _rule(r"(?P<b>\d{4}-\d\d-\d\d)/(?P<e>\d{4}-\d\d-\d\d)", _h_iso_range, "never"),
    _rule(r"(?P<y>\d{4})-(?P<m>\d\d)", _h_iso_month, "never"),
)


def _value(rule: _Rule, m: re.Match[str], anchor: dt.date | None,
           future: bool) -> DateValue | None:
    try:
        value = rule.handler(m, anchor, future)
    except (ValueError, OverflowError):  # 31 February, month 13, year out of range
        return None
    if value is not None and _group(m, "prep") == "since":
        value = replace(value, is_start=True)
    return value


def _capitalised(m: re.Match[str]) -> bool:
    """Month and weekday names in running text must be capitalised ("may" is a verb)."""
    return all(not m.groupdict().get(g) or m[g][0].isupper() for g in ("mon", "wd"))


def _has_context(m: re.Match[str]) -> bool:
    # "over 2010 levels" is not a date; "in 2010", "last March", "late 2010" are.
    return _group(m, "prep") != "over" and any(
        m.groupdict().get(g) for g in ("prep", "rel", "part"))


# "since <up to 8 words without punctuation> <date>": the date opens a period.
_SINCE_BEFORE = re.compile(r"\bsince\s+(?:[^\s.,;:!?\"“”]+\s+){0,8}$", re.IGNORECASE)


# Where no match of any rule can run across: a character outside the grammar's (letters,
# digits, spaces and , . ' ’ / : + -), or the spaces between a full stop and a letter other
# than "of" (a rule's full stop ends a month abbreviation or is in a time: followed by a digit,
# spaces and a digit or "of", or nothing). A rule's matches in the text are its matches within
# these stretches, found one stretch at a time; test_timex checks this against whole-text
# matching on generated text.
_OUTSIDE = re.compile(r"[^\w\s,.'’/:+\-]+|(?<=\.)\s+(?=[^\W\d_])(?!(?i:of)\s)")


def _stretches(text: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces of `text` between `_OUTSIDE` separators."""
    spans = []
    start = 0
    for m in _OUTSIDE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


#: the characters a case-insensitive regex takes for an ASCII letter of the keys that
#: `str.lower` does not make that letter ("ſ" is an "s" to the regex engine, "ı" and "İ" an "i")
_UNFOLDED = ("ſ", "ı", "İ")


def _folded(text: str) -> str | None:
    """`text` lower-cased, where the keys' case-sensitive twins (`_twin`) match at the same
    places as the keys match `text`; None where they might not (a character of `_UNFOLDED`, or
    one whose lower case is longer)."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _UNFOLDED):
        return None
    return low


@functools.lru_cache(maxsize=None)
def _twin(key: re.Pattern[str]) -> re.Pattern[str] | None:
    """A key (lower-case letters, digits and classes of them) compiled case-sensitively, for
    the lower-cased text (measured here: the keys of all rules ran in about half the time on
    news text as the case-insensitive ones). None for a key with capitals."""
    return re.compile(key.pattern) if key.pattern == key.pattern.lower() else None


def _matches(rule: _Rule, text: str, stretches: list[tuple[int, int]], starts: list[int],
             keyed: dict[re.Pattern[str], list[int]],
             folded: str | None = None) -> Iterator[re.Match[str]]:
    """`rule.pattern.finditer(text)`, run only on the stretches that hold the rule's key: the
    same matches (none runs across stretches; the boundary tests at a stretch's ends see a
    separator or the end of the text alike). `folded` is `_folded(text)`, where the key is
    looked for when it has a twin."""
    if rule.key is None:
        yield from rule.pattern.finditer(text)
        return
    which = keyed.get(rule.key)
    if which is None:
        twin = _twin(rule.key) if folded is not None else None
        found = twin.finditer(folded) if twin is not None else rule.key.finditer(text)
        which = keyed[rule.key] = sorted({bisect.bisect_right(starts, m.start()) - 1
                                          for m in found})
    for i in which:
        yield from rule.pattern.finditer(text, *stretches[i])


def _scan(text: str, anchor: dt.date | None, future: bool,
          strict_case: bool) -> list[tuple[int, int, DateValue]]:
    candidates: list[tuple[int, int, int, DateValue]] = []
    stretches = _stretches(text)
    starts = [s for s, _ in stretches]
    keyed: dict[re.Pattern[str], list[int]] = {}
    folded = _folded(text)
    for index, rule in enumerate(_RULES):
        if rule.scan == "never":
            continue
        for m in _matches(rule, text, stretches, starts, keyed, folded):
            if strict_case and not _capitalised(m):
                continue
            if rule.scan == "context" and not _has_context(m):
                continue
            value = _value(rule, m, anchor, future)
            if value is not None:
                candidates.append((m.start(), m.end(), index, value))
    # Longest first, then leftmost, then the rule listed first; keep what does not overlap.
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    chosen: list[tuple[int, int, DateValue]] = []
    for start, end, _, value in candidates:
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, value))
    chosen.sort(key=lambda c: c[0])
    result: list[tuple[int, int, DateValue]] = []
    previous_end = 0
    for start, end, value in chosen:
        if not value.is_start:
            since = _SINCE_BEFORE.search(text, max(previous_end, start - 120), start)
            if since is not None:
                value = replace(value, is_start=True)
        result.append((start, end, value))
        previous_end = end
    return result


def find_dates(text: str, anchor: dt.date | None, *,
               future: bool = False) -> list[tuple[int, int, DateValue]]:
    """All time expressions in `text` with their character spans, resolved against `anchor`.

    Spans cover the whole adverbial, a leading preposition included ("on Thursday"). Month and
    weekday names must be capitalised. A date after "since" (directly, or ending a short
    clause: "since she took office in October 2024") gets `is_start=True`.

    >>> [(text[s:e], v.text) for text in ["He spoke on Thursday."]
    ...  for s, e, v in find_dates(text, dt.date(2026, 1, 9))]
    [('on Thursday', '2026-01-08')]
    """
    return _scan(text, anchor, future, strict_case=True)


_TRAILING = re.compile(r"(?:['’]s)?[\s,;:]*$")


def resolve(expression: str, anchor: dt.date | None, *, future: bool = False) -> DateValue | None:
    """The date or range `expression` denotes, read from `anchor` (the article's date).

    `future=True` picks the coming weekday or weekend for a bare "Friday" in future tense.
    Returns None for anything unknown or relative without an anchor.

    >>> resolve("last weekend", dt.date(2026, 1, 9)).text
    '2026-01-03/2026-01-04'
    >>> resolve("since she took office in October 2024", None)
    DateValue(begin=datetime.date(2024, 10, 1), end=datetime.date(2024, 10, 31), \
text='2024-10', is_start=True)
    """
    text = _TRAILING.sub("", expression.strip())
    for rule in _RULES:
        m = rule.pattern.fullmatch(text)
        if m is not None:
            value = _value(rule, m, anchor, future)
            if value is not None:
                return value
    # Bare month names and years are too ambiguous in running text but fine on their own.
    for pattern, handler in _ALONE:
        m = pattern.fullmatch(text)
        if m is not None:
            try:
                return handler(m, anchor, future)
            except ValueError:
                return None
    if text[:6].lower() == "since ":
        found = _scan(text, anchor, future, strict_case=False)
        if len(found) == 1:
            return replace(found[0][2], is_start=True)
    return None


_ALONE: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (re.compile(_MON, re.IGNORECASE), _h_month),
    (re.compile(_YEAR), _h_year),
)
