"""Entities of a headline in title case, redrawn from the article's own use of its words.

In "Somalia Kills at Least 20 al-Shabab Insurgents" every word is capitalised, and the tagger
reads "Somalia Kills" as a person, "Afghan Taliban Closes" as an organisation and "Latest
Developments" as another. The body of the same article writes its common words in lower case
("the army killed 20 fighters"). So a capitalised headline word that the body never capitalises
inside a sentence is a common word when the body writes it in lower case (as is, or as the same
lemma: "Kills" and "killed") or it is one of the lexicon's event verbs ("Clash", "Urges"):
`redraw_headline_entities` cuts the headline's entities at such words and keeps the runs between
them that hold a known name (a word the body capitalises inside a sentence, one in capitals, or
a state, people or actor of the gazetteer: "Somalia"; "Afghan Taliban"), each labelled as the
state or people it names where the gazetteer knows it, else as before. A word the body does not
use is left as the tagger read it. Nothing changes in a headline in sentence case, or in the
body.
"""
from __future__ import annotations

from collections.abc import Collection

from spacy.tokens import Doc, Span, Token

from kg.gazetteer import Gazetteer

__all__ = ["redraw_headline_entities", "title_case"]

#: the entity labels redrawn (numbers, dates and the like are left as they are)
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT",
                          "WORK_OF_ART", "LAW"})
#: endings stripped to find a headline word's lemma among the body's ("Closes" -> "close")
_ENDINGS = ("es", "s", "ed", "d", "ing")


def title_case(tokens: list[Token]) -> bool:
    """Whether these words are in title case: 3 or more words of 4 letters or more, and all
    of them capitalised (a headline in sentence case has lower-case ones)."""
    words = [t.text for t in tokens if t.is_alpha and len(t.text) >= 4]
    return len(words) >= 3 and all(w[0].isupper() for w in words)


def _body_words(doc: Doc, start: int) -> tuple[set[str], set[str]]:
    """(the lower-case words and their lemmas, the capitalised words inside a sentence) of the
    body from token `start` on."""
    lower: set[str] = set()
    proper: set[str] = set()
    for t in doc[start:]:
        if not t.is_alpha:
            continue
        if t.text.islower():
            lower.add(t.text)
            lower.add(t.lemma_.lower())
        elif not t.is_sent_start and t.i > 0 and doc[t.i - 1].is_alpha:
            proper.add(t.text)
    return lower, proper


def _common(t: Token, lower: set[str], proper: set[str], gaz: Gazetteer) -> bool:
    """Whether capitalised headline word `t` is a common word by the body's use of it (or is
    an event verb of the lexicon, in `lower` too: "Clash", "Urges")."""
    text = t.text
    if not (t.is_alpha and text[0].isupper() and not text.isupper()) or text in proper:
        return False
    if gaz.country(text) is not None or gaz.demonym(text) is not None:
        return False
    low = text.lower()
    if low in lower:
        return True
    if low.endswith("ies") and low[:-3] + "y" in lower:
        return True  # "Militaries" and "military"
    return any(low.endswith(e) and len(low) - len(e) >= 3 and (
        low[:-len(e)] in lower or low[:-len(e)] + "e" in lower) for e in _ENDINGS)


def _named(t: Token, proper: set[str], gaz: Gazetteer) -> bool:
    """Whether headline word `t` is known as a name: the body capitalises it inside a sentence,
    it is written in capitals ("US", "VOA"), or the gazetteer knows it as a state, people or
    actor. What is left of a cut entity is kept only with such a word ("Clinton" of "Clinton
    Punches Big Hole", not "Hole")."""
    text = t.text
    if not t.is_alpha:
        return False
    return (text in proper or (text.isupper() and len(text) > 1) or gaz.country(text) is not None
            or gaz.demonym(text) is not None or gaz.actor(text) is not None)


def _label(span: Span, label: str, gaz: Gazetteer) -> str:
    if gaz.demonym(span.text) is not None:
        return "NORP"
    return "GPE" if gaz.country(span.text) is not None else label


def redraw_headline_entities(doc: Doc, headline_end: int, gaz: Gazetteer,
                             verbs: Collection[str] = ()) -> bool:
    """Redraw the entities of the headline (the Doc's text up to character `headline_end`)
    when it is in title case (see the module docstring); whether any changed. `verbs` (the
    lexicon's event verbs) count as common words as the body's lower-case words do."""
    if headline_end <= 0:
        return False
    head = [t for t in doc if t.idx < headline_end]
    if not head or not title_case(head):
        return False
    body_start = head[-1].i + 1
    lower, proper = _body_words(doc, body_start)
    if not lower:
        return False
    lower.update(verbs)
    kept: list[Span] = []
    changed = False
    for ent in doc.ents:
        if ent.start >= body_start or ent.label_ not in _NAME_LABELS:
            kept.append(ent)
            continue
        runs: list[tuple[int, int]] = []
        start = None
        for t in ent:
            if _common(t, lower, proper, gaz):
                if start is not None:
                    runs.append((start, t.i))
                start = None
            elif start is None:
                start = t.i
        if start is not None:
            runs.append((start, ent.end))
        if runs == [(ent.start, ent.end)]:
            kept.append(ent)
            continue
        changed = True
        for a, b in runs:
            span = doc[a:b]
            if any(_named(t, proper, gaz) for t in span):
                kept.append(Span(doc, a, b, label=_label(span, ent.label_, gaz)))
    if changed:
        doc.ents = kept
    return changed
