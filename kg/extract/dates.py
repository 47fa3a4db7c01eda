"""Event dates: each event's own time expression, else the article's date.

`attach_dates(drafts, doc, article)` runs after the events of an article are read. In order:

1. `stated_dates`: every time expression of the text (`kg.timex.find_dates`) goes to the
   nearest event trigger above it in the parse, within its clause. A date inside a relative
   clause ("the talks, which began on Monday, ...") or in a participle describing a thing that
   is no event ("a schoolhouse renovated in 2012") stays there: it does not leak to the head
   the clause describes. A date on a verb that is no event goes to the event its object names
   ("imposed an arms embargo in 2011"). A weekday or year-less date in a clause about the future ("will meet
   on Friday", "plans to travel in March") is read forward from the article date.
2. `carried_dates`: a speech act takes its speaker's one dated statement; an announced act
   coded as intent or threat takes the date of the statement it is made in; a nominal event
   linked to another event shares its date; an actual event inside a dated clause takes it.
3. `publication_dates`: every actual event still without a date takes the article's date.

Each date says how it was obtained (`DateValue.basis`): "stated" when the text gives it,
"publication" when it is the article's date (as GDELT dates events). An article without a
date leaves its undated events undated (the pipeline reports the article).
`extra["date_how"]` says which step gave a draft its date: "own clause", "speaker",
"statement", "linked event" or "dated clause" (absent for the publication date).
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.extract.events import DraftEvent
from kg.nlp import doc_text
from kg.timex import find_dates, resolve
from kg.types import Article, DateValue

__all__ = ["attach_dates", "stated_dates", "carried_dates", "publication_dates", "in_future_clause"]

#: subordinators of adverbial clauses that carry their own time ("after they met on Monday")
TEMPORAL_MARKS = frozenset({"after", "before", "since", "until", "when", "while", "once"})
#: event classes of speech acts (they take the date their speaker's statement has)
SPEECH_CLASSES = frozenset({"Statement", "Comment", "Threat", "Appeal", "Request", "Demand",
                            "Criticism", "Accusation", "Disapproval", "Rejection", "Denial"})
#: modalities of acts announced for later, coded as the announcement (intent, threat)
ANNOUNCED_MODALITIES = frozenset({"planned", "hypothetical"})
#: verbs whose complement is a planned act ("plans to visit on Friday", "is set to meet")
_PLAN_VERBS = frozenset({"plan", "intend", "schedule", "set", "expect", "aim", "hope", "go",
                         "prepare", "due", "vow", "pledge", "promise", "threaten"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "’ll"})
_MAX_CLIMB = 8


def attach_dates(drafts: list[DraftEvent], doc: Doc, article: Article) -> None:
    """Give each draft event a date (`extra["date"]`, a `DateValue` with its basis)."""
    if not drafts:
        return
    stated_dates(drafts, doc, article)
    carried_dates(drafts)
    publication_dates(drafts, article)


def _mark(tok: Token) -> str:
    return next((c.lower_ for c in tok.children if c.dep_ == "mark"), "")


def _clause_edge(tok: Token) -> bool:
    """Whether climbing from `tok` to its head leaves a clause that keeps its own date: a
    temporal adverbial clause ("after they met on Monday") or a relative clause."""
    return tok.dep_ == "relcl" or tok.dep_ == "advcl" and _mark(tok) in TEMPORAL_MARKS


def in_future_clause(tok: Token) -> bool:
    """Whether `tok` sits in a clause about the future: its verb has "will"/"shall", or is
    the complement of a verb of planning ("plans to visit", "is going to strike", "is set to
    meet").

    >>> import spacy                                            # doctest: +SKIP
    >>> doc = spacy.load("en_core_web_sm")("He will visit Paris on Friday.")  # doctest: +SKIP
    >>> in_future_clause(doc[5])                                # doctest: +SKIP
    True
    """
    verb = tok
    for _ in range(_MAX_CLIMB):
        if verb.pos_ in ("VERB", "AUX") and verb.dep_ not in ("aux", "auxpass"):
            break
        if verb.head.i == verb.i:
            return False
        verb = verb.head
    else:
        return False
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in verb.children):
            return True
        if verb.dep_ != "xcomp" or verb.head.i == verb.i:
            return False
        verb = verb.head
        if verb.lemma_.lower() in _PLAN_VERBS and not (
                verb.lemma_.lower() == "go" and verb.tag_ != "VBG"):
            return True
    return False


def stated_dates(drafts: list[DraftEvent], doc: Doc, article: Article) -> None:
    """Attach each time expression of the text to the event trigger it modifies."""
    by_tok = {d.trigger.token.i: d for d in drafts}
    text = doc_text(doc)
    for start, end, value in find_dates(text, article.date):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        tok = span.root
        if tok.dep_ in ("det", "nummod", "compound", "amod", "poss") and tok.head.i not in by_tok and (
                tok.head.pos_ in ("NOUN", "PROPN")):
            continue  # "the 1977 Panama Canal Treaty": the year dates the thing it names, no act
        if article.date is not None and in_future_clause(tok):
            value = resolve(text[start:end], article.date, future=True) or value
        for _ in range(_MAX_CLIMB):
            if tok.i not in by_tok and tok.pos_ in ("VERB", "AUX"):
                # "had imposed an arms embargo in 2011": a verb that is no event itself carries
                # the event its object names, and the date with it
                carried = next((c for c in tok.children if c.dep_ in ("dobj", "attr") and c.i in by_tok), None)
                if carried is not None:
                    tok = carried
            if tok.i in by_tok:
                d = by_tok[tok.i]
                if "date" not in d.extra:
                    d.extra["date"] = value
                    d.extra["date_how"] = "own clause"
                break
            if tok.head.i == tok.i or _clause_edge(tok) or tok.dep_ == "acl" and tok.head.i not in by_tok:
                break  # "a schoolhouse renovated in 2012": the date stays with what it describes
            tok = tok.head


def carried_dates(drafts: list[DraftEvent]) -> None:
    """Carry stated dates along discourse links to events that state none."""
    # a speech act without a date of its own takes the date its speaker's statement has
    dated_statements: dict[str, set[DateValue]] = {}
    for d in drafts:
        if "date" in d.extra and d.source and d.event_class in SPEECH_CLASSES:
            dated_statements.setdefault(d.source[0], set()).add(d.extra["date"])
    for d in drafts:
        if "date" not in d.extra and d.source and d.event_class in SPEECH_CLASSES:
            values = dated_statements.get(d.source[0], set())
            if len(values) == 1 and d.modality == "actual":
                d.extra["date"] = next(iter(values))
                d.extra["date_how"] = "speaker"
    by_id = {d.id: d for d in drafts}
    # an announced act coded as an intent or a threat ("we're going to start hitting", he told
    # Fox) is the announcement: it has the date of the statement it is made in
    for d in drafts:
        up = by_id.get(d.parent or "")
        if ("date" not in d.extra and d.coded and d.modality in ANNOUNCED_MODALITIES
                and up is not None and "date" in up.extra):
            d.extra["date"] = up.extra["date"]
            d.extra["date_how"] = "statement"
    # a nominal event linked to another event ("led to the capture") shares its date
    for d in drafts:
        up = by_id.get(d.extra.get("link", ""))
        if "date" not in d.extra and up is not None and "date" in up.extra:
            d.extra["date"] = up.extra["date"]
            d.extra["date_how"] = "linked event"
    # an actual event reported inside a dated clause takes that date
    by_tok = {d.trigger.token.i: d for d in drafts}
    for d in drafts:
        if "date" in d.extra or d.modality != "actual":
            continue
        tok = d.trigger.token
        for _ in range(_MAX_CLIMB):
            if _clause_edge(tok) or tok.head.i == tok.i:
                break
            tok = tok.head
            if tok.i in by_tok and "date" in by_tok[tok.i].extra:
                d.extra["date"] = by_tok[tok.i].extra["date"]
                d.extra["date_how"] = "dated clause"
                break


def publication_dates(drafts: list[DraftEvent], article: Article) -> None:
    """Every actual event the text gives no date takes the article's date (basis
    "publication"); events of other modalities (planned, threatened...) stay undated."""
    if article.date is None:
        return
    day = article.date
    value = DateValue(day, day, day.isoformat(), basis="publication")
    for d in drafts:
        if "date" not in d.extra and d.modality == "actual":
            d.extra["date"] = value
