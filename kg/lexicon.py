"""The event-coding lexicon: which words trigger which CAMEO-coded events and stances.

The lexicon is data (`kg/data/event_lexicon.csv`, `stance_lexicon.csv`, `light_verbs.csv`, each
with a header comment explaining its columns); this module reads and checks those files and
answers look-ups for the extractor.

>>> lex = load_lexicon()
>>> [e.cameo for e in lex.events_for("threaten", "VERB")][-1]
'130'
>>> lex.match_event("threaten", "VERB", {"strike"}).cameo
'138'
>>> lex.match_event("operation", "NOUN", {"police"}) is None
True
>>> lex.is_light_verb("launch"), "for" in lex.phrasal_particles("call")
(True, True)
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from kg.datafiles import csv_rows, read_data
from kg.errors import DataFileError
from kg.types import MODALITIES, STANCE_KINDS
from kg.vocab import EVENT_CLASSES

__all__ = [
    "EventEntry",
    "StanceEntry",
    "NullEntry",
    "Lexicon",
    "load_lexicon",
    "read_event_lexicon",
    "read_stance_lexicon",
    "read_light_verbs",
    "read_null_patterns",
    "merge_imported",
    "EVENT_COLUMNS",
    "STANCE_COLUMNS",
    "LIGHT_VERB_COLUMNS",
    "LIGHT_VERB_ROLES",
]

EVENT_COLUMNS = (
    "lemma", "pos", "cameo", "class", "requires", "target_preps", "content", "content_coded", "speech",
)
STANCE_COLUMNS = ("lemma", "pos", "kind", "polarity", "requires")
LIGHT_VERB_COLUMNS = ("lemma", "role")
LIGHT_VERB_ROLES = ("support", "aspect")
_POS = ("VERB", "NOUN")

_WORD = re.compile(r"[a-z][a-z'.\-]*")
_VERB_LEMMA = re.compile(r"[a-z][a-z'\-]*( [a-z]+)?")
_NOUN_LEMMA = re.compile(r"[a-z][a-z'\-]*")


@dataclass(frozen=True, slots=True)
class EventEntry:
    """One sense of a trigger word: the event it codes and how its arguments are read.

    `lemma` may be two words for a verb with a particle or fixed preposition ("call for");
    `requires` is empty when the word alone is the event; `content` is the modality of an event
    embedded under this word (None when it embeds none); `origin` is the data file's `file:line`.
    """

    lemma: str
    pos: str
    cameo: str
    event_class: str
    requires: frozenset[str] = frozenset()
    target_preps: tuple[str, ...] = ()
    content: str | None = None
    content_coded: bool = False
    speech: bool = False
    origin: str = ""

    @property
    def head(self) -> str:
        """The first word of the lemma ("call" for "call for")."""
        return self.lemma.split(" ", 1)[0]

    @property
    def particle(self) -> str | None:
        """The particle or preposition of a two-word verb ("for" in "call for"), else None."""
        parts = self.lemma.split(" ", 1)
        return parts[1] if len(parts) == 2 else None

    def applies(self, near: Collection[str]) -> bool:
        """True when the requirement is empty or one of its words is in `near` (lemmas)."""
        return not self.requires or not self.requires.isdisjoint(near)


@dataclass(frozen=True, slots=True)
class StanceEntry:
    """A stance word: `kind` (one of `kg.types.STANCE_KINDS`) and `polarity` (+1 or -1)."""

    lemma: str
    pos: str
    kind: str
    polarity: int
    requires: frozenset[str] = frozenset()
    origin: str = ""

    def applies(self, near: Collection[str]) -> bool:
        """True when the requirement is empty or one of its words is in `near` (lemmas)."""
        return not self.requires or not self.requires.isdisjoint(near)


class Lexicon:
    """The event, stance and light-verb tables, indexed for look-up by (lemma, pos).

    Build one with `Lexicon.load()` (the bundled files) or from entries (tests, custom
    lexicons). Entries sharing a lemma and pos keep their file order.
    """

    __slots__ = ("_events", "_stances", "_light", "_particles", "_null", "entries", "stance_entries",
                 "_verbal", "_speech", "_heads")

    def __init__(
        self,
        events: Iterable[EventEntry],
        stances: Iterable[StanceEntry] = (),
        light_verbs: Mapping[str, str] | None = None,
        null_patterns: Iterable[NullEntry] = (),
    ) -> None:
        self._null: dict[str, tuple[NullEntry, ...]] = {}
        for n in null_patterns:
            self._null[n.verb] = self._null.get(n.verb, ()) + (n,)
        self.entries: tuple[EventEntry, ...] = tuple(events)
        self.stance_entries: tuple[StanceEntry, ...] = tuple(stances)
        self._light: dict[str, str] = dict(light_verbs or {})
        ev: dict[tuple[str, str], list[EventEntry]] = {}
        for e in self.entries:
            ev.setdefault((e.lemma, e.pos), []).append(e)
        self._events = {k: tuple(v) for k, v in ev.items()}
        st: dict[tuple[str, str], list[StanceEntry]] = {}
        for s in self.stance_entries:
            st.setdefault((s.lemma, s.pos), []).append(s)
        self._stances = {k: tuple(v) for k, v in st.items()}
        particles: dict[str, set[str]] = {}
        verb_lemmas = [e.lemma for e in self.entries if e.pos == "VERB"]
        verb_lemmas += [s.lemma for s in self.stance_entries if s.pos == "VERB"]
        for lemma in (*verb_lemmas, *self._light):
            head, _, second = lemma.partition(" ")
            if second:
                particles.setdefault(head, set()).add(second)
        self._particles = {k: frozenset(v) for k, v in particles.items()}
        # `verbal_lemmas` and `speech_lemmas`, computed on first use (the extractor asks for
        # them once per article; each is a pass over every entry)
        self._verbal: frozenset[str] | None = None
        self._speech: frozenset[str] | None = None
        self._heads: tuple[frozenset[str], frozenset[str]] | None = None  # see `event_heads`

    @classmethod
    def load(cls, cameo_codes: Collection[str] | None = None) -> Lexicon:
        """Read and check the bundled lexicon files.

        `cameo_codes` are the valid codes (default: `kg.codes.load_cameo()`); a row naming any
        other code raises `DataFileError`.
        """
        if cameo_codes is None:
            from kg.codes import load_cameo

            cameo_codes = load_cameo()
        events = read_event_lexicon(
            read_data("event_lexicon.csv"), "kg/data/event_lexicon.csv", cameo_codes
        )
        imported = read_event_lexicon(
            read_data("petrarch_verbs.csv", missing_ok=True), "kg/data/petrarch_verbs.csv", cameo_codes,
            ("source",),
        ) if read_data("petrarch_verbs.csv", missing_ok=True) else []
        admitted = {row["lemma"] for _, row in csv_rows(
            read_data("petrarch_verbs_admitted.csv", missing_ok=True) or "lemma\n",
            "kg/data/petrarch_verbs_admitted.csv", ("lemma",))}
        events = merge_imported(events, imported, admitted)
        stances = read_stance_lexicon(read_data("stance_lexicon.csv"), "kg/data/stance_lexicon.csv")
        light = read_light_verbs(read_data("light_verbs.csv"), "kg/data/light_verbs.csv")
        nulls = read_null_patterns(read_data("petrarch_verbs_null.csv", missing_ok=True) or "lemma,words,source\n",
                                   "kg/data/petrarch_verbs_null.csv")
        return cls(events, stances, light, nulls)

    def events_for(self, lemma: str, pos: str) -> tuple[EventEntry, ...]:
        """The event entries of a lemma ("attack", "call for") and pos (VERB/NOUN), in file order.

        >>> [e.cameo for e in load_lexicon().events_for("arrest", "VERB")][:1]
        ['173']
        """
        return self._events.get((lemma, pos), ())

    def match_event(self, lemma: str, pos: str, near: Collection[str]) -> EventEntry | None:
        """The entry that applies given the lemmas `near` the trigger, or None.

        The first entry whose requirement one of `near` meets wins; else the entry without a
        requirement, if the word has one.

        >>> load_lexicon().match_event("strike", "NOUN", {"hunger"}).cameo
        '142'
        """
        plain = None
        for e in self.events_for(lemma, pos):
            if not e.requires:
                plain = plain or e
            elif e.applies(near):
                return e
        return plain

    def no_event(self, verb: str, particles: Collection[str], near: Collection[str],
                 by_default: bool = True) -> bool:
        """Whether a CAMEO pattern coded [---] says the verb with the words `near` it is no
        event ("fight corruption", "struck down the law", "killed in a car crash"): every word
        the pattern names is near, and its particle, if any, is among `particles`. A pattern
        naming no word (a two-word verb that is no event: "struck down") only counts
        `by_default`, i.e. when no pattern naming its own words chose the code.

        >>> lex = Lexicon([], null_patterns=[NullEntry("strike", "down", (frozenset({"law"}),))])
        >>> lex.no_event("strike", {"down"}, {"law", "court"}), lex.no_event("strike", (), {"law"})
        (True, False)
        """
        return any((n.particle is None or n.particle in particles) and (n.words or by_default)
                   and all(not w.isdisjoint(near) for w in n.words) for n in self._null.get(verb, ()))

    def is_light_verb(self, lemma: str) -> bool:
        """True for a verb that carries the event of its object noun ("launch", "carry out")."""
        return lemma in self._light

    def light_verb_role(self, lemma: str) -> str | None:
        """"support" or "aspect" for a light verb, None for any other lemma."""
        return self._light.get(lemma)

    def light_verbs(self) -> frozenset[str]:
        """All light-verb lemmas (two-word ones as "carry out")."""
        return frozenset(self._light)

    def verbal_lemmas(self) -> frozenset[str]:
        """The verbs whose every sense is a verbal act: comments, appeals, intents, consultations,
        demands, criticism, rejection, threats (CAMEO roots 01-04, 10-13: "condemn", "call",
        "urge"; not "strike" or "support"). Quoted words they govern ("called it “a
        disaster”") are their subject's.

        >>> {"condemn", "urge"} <= load_lexicon().verbal_lemmas(), "attack" in load_lexicon().verbal_lemmas()
        (True, False)
        """
        if self._verbal is None:
            roots: dict[str, set[str]] = {}
            for e in self.entries:
                if e.pos == "VERB" and " " not in e.lemma:
                    roots.setdefault(e.lemma, set()).add(e.cameo[:2])
            verbal = {"01", "02", "03", "04", "10", "11", "12", "13"}
            self._verbal = frozenset(v for v, r in roots.items() if r <= verbal)
        return self._verbal

    def event_heads(self) -> tuple[frozenset[str], frozenset[str]]:
        """(verb heads, noun lemmas): every VERB entry's lemma and each of its first words up to
        a space ("call" and "call for" of "call for"), and every NOUN entry's lemma. A verb
        whose lemma is not a verb head has no entry, alone or with any word after it; made on
        first use, so that `find_triggers` asks for entries only where some may be.

        >>> heads, nouns = load_lexicon().event_heads()
        >>> "call" in heads, "attack" in nouns, "table" in heads
        (True, True, False)
        """
        if self._heads is None:
            heads: set[str] = set()
            for lemma, pos in self._events:
                if pos == "VERB":
                    heads.add(lemma)
                    heads.update(lemma[:i] for i, c in enumerate(lemma) if c == " ")
            nouns = frozenset(lemma for lemma, pos in self._events if pos == "NOUN")
            self._heads = (frozenset(heads), nouns)
        return self._heads

    def speech_lemmas(self) -> frozenset[str]:
        """The verbs of saying ("say", "tell", "warn"): event entries marked `speech`."""
        if self._speech is None:
            self._speech = frozenset(e.head for e in self.entries if e.speech and e.pos == "VERB")
        return self._speech

    def stances_for(self, lemma: str, pos: str) -> tuple[StanceEntry, ...]:
        """The stance entries of a lemma and pos, in file order.

        >>> load_lexicon().stances_for("line", "NOUN")[0].kind
        'red_line'
        """
        return self._stances.get((lemma, pos), ())

    def phrasal_particles(self, lemma: str) -> frozenset[str]:
        """The second words listed after a verb lemma ("call" -> {"for", "on", "off", ...}).

        Covers the event, stance and light-verb tables, so that the caller can try
        `events_for(f"{lemma} {particle}", "VERB")` and `is_light_verb(...)` for each.
        """
        return self._particles.get(lemma, frozenset())

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return (
            f"<Lexicon {len(self.entries)} event entries, {len(self.stance_entries)} stance "
            f"entries, {len(self._light)} light verbs>"
        )


@dataclass(frozen=True, slots=True)
class NullEntry:
    """A verb pattern coded [---] (`kg/data/petrarch_verbs_null.csv`): the verb (and particle),
    with each of `words` (a set of acceptable lemmas) near it, is no event."""
    verb: str
    particle: str | None
    words: tuple[frozenset[str], ...]
    origin: str = ""


def read_null_patterns(text: str, origin: str) -> list[NullEntry]:
    """The rows of a null-pattern file (columns lemma, words, source; see `NullEntry`)."""
    out = []
    for where, row in csv_rows(text, origin, ("lemma", "words", "source")):
        verb, _, particle = row["lemma"].strip().lower().partition(" ")
        words = tuple(frozenset(f for f in w.split("|") if f) for w in row["words"].split())
        if not verb or not (words or particle):
            raise DataFileError(f"{where}: a null pattern needs a verb and at least one word, or "
                                "a verb and its particle (a two-word verb that is no event)")
        out.append(NullEntry(verb, particle or None, words, where))
    return out


def merge_imported(curated: list[EventEntry], imported: Iterable[EventEntry],
                   admitted: Collection[str] = ()) -> list[EventEntry]:
    """The curated entries, then the imported verb patterns that refine them.

    Precedence: a curated row always wins. An imported pattern is kept only when it refines
    the sub-code of a verb the curated lexicon already codes, within the same root: a row
    with a requirement (the verb's object or prepositional word: "accuse" + "corruption" ->
    1121 under the curated "accuse" -> 112), tried after the curated rows with a requirement
    and before the curated default, from which it takes everything but the code (event
    class, target prepositions, content, speech). A verb the curated lexicon does not know
    comes in with all its rows only when it is in `admitted` (the hand-reviewed list
    `kg/data/petrarch_verbs_admitted.csv`). Other imported patterns that would change a
    curated verb's root, imported verbs the curated lexicon does not know, and imported block
    defaults are left out: measured on both dev sets (see the commit that added this), each
    of them lowered the scores — the verb dictionary's OR-ed pattern words and WordNet
    synonyms ("place", "set", "post") fire on generic words more often than they find an
    event.

    >>> a = EventEntry("accuse", "VERB", "112", "Accusation", target_preps=("of",))
    >>> b = EventEntry("accuse", "VERB", "1121", "Disapproval", frozenset({"corruption"}))
    >>> c = EventEntry("accuse", "VERB", "172", "Coercion", frozenset({"court"}))
    >>> d = EventEntry("place", "VERB", "150", "ForcePosture", frozenset({"troop"}))
    >>> [(e.cameo, e.event_class, e.target_preps) for e in merge_imported([a], [b, c, d])]
    [('112', 'Accusation', ('of',)), ('1121', 'Accusation', ('of',))]
    """
    have = {(e.lemma, e.pos, e.requires) for e in curated}
    default: dict[tuple[str, str], EventEntry] = {}
    for e in curated:
        if not e.requires:
            default.setdefault((e.lemma, e.pos), e)
    out = list(curated)
    known = {e.lemma for e in curated if e.pos == "VERB"}
    for e in imported:
        if e.lemma in admitted and e.lemma not in known and (e.lemma, e.pos, e.requires) not in have:
            have.add((e.lemma, e.pos, e.requires))
            out.append(e)
            continue
        # a pattern holds for both spellings of a verb ("mobilise", "mobilize")
        for lemma in dict.fromkeys((e.lemma, e.lemma.replace("ise", "ize"), e.lemma.replace("ize", "ise"))):
            base = default.get((lemma, e.pos))
            if (not e.requires or base is None or base.cameo[:2] != e.cameo[:2]
                    or (lemma, e.pos, e.requires) in have):
                continue
            have.add((lemma, e.pos, e.requires))
            out.append(dataclasses.replace(base, cameo=e.cameo, requires=e.requires, origin=e.origin))
    return out


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The bundled lexicon (read and checked once, then cached)."""
    return Lexicon.load()


# --- reading -------------------------------------------------------------------------------


def _words(value: str, column: str, where: str) -> tuple[str, ...]:
    if not value:
        return ()
    words = tuple(value.split("|"))
    bad = [w for w in words if not _WORD.fullmatch(w)]
    if bad:
        raise DataFileError(
            f"{where}: {column} {bad} must be lower-case words separated by '|' (e.g. military|army)"
        )
    return words


def _flag(value: str, column: str, where: str) -> bool:
    if value not in ("", "0", "1"):
        raise DataFileError(f"{where}: {column} is {value!r}; use 1, 0 or leave it empty (0)")
    return value == "1"


def _lemma_pos(row: dict[str, str], where: str, allowed_pos: tuple[str, ...]) -> tuple[str, str]:
    lemma, pos = row["lemma"], row["pos"]
    if pos not in allowed_pos:
        raise DataFileError(f"{where}: pos {pos!r} of {lemma!r} is not one of {', '.join(allowed_pos)}")
    pattern = _VERB_LEMMA if pos == "VERB" else _NOUN_LEMMA
    if not pattern.fullmatch(lemma):
        shape = "one lower-case word, or two for a verb with a particle" if pos == "VERB" else (
            "one lower-case word (the head noun)")
        raise DataFileError(f"{where}: lemma {lemma!r} must be {shape}")
    return lemma, pos


def read_event_lexicon(text: str, origin: str, cameo_codes: Collection[str],
                       extra_columns: tuple[str, ...] = ()) -> list[EventEntry]:
    """Parse and check the event lexicon csv; `origin` names the file in error messages.

    Each row must name a known CAMEO code, an event class of `kg.vocab.EVENT_CLASSES`, a
    modality of `kg.types.MODALITIES` (or none), and be the only row for its lemma, pos and
    requirement.
    """
    entries: list[EventEntry] = []
    where_of: dict[tuple[str, str, frozenset[str]], str] = {}
    for where, row in csv_rows(text, origin, EVENT_COLUMNS + extra_columns):
        lemma, pos = _lemma_pos(row, where, _POS)
        code = row["cameo"]
        if code not in cameo_codes:
            raise DataFileError(
                f"{where}: CAMEO code {code!r} of {lemma!r} is not in kg/data/cameo.csv; use a listed code"
            )
        cls = row["class"]
        if cls not in EVENT_CLASSES:
            raise DataFileError(
                f"{where}: class {cls!r} of {lemma!r} is not an event class; use one of"
                f" {', '.join(EVENT_CLASSES)}"
            )
        requires = frozenset(_words(row["requires"], "requires", where))
        preps = _words(row["target_preps"], "target_preps", where)
        content = row["content"] or None
        if content is not None and content not in MODALITIES:
            raise DataFileError(
                f"{where}: content {content!r} of {lemma!r} is not a modality; use one of"
                f" {', '.join(MODALITIES)} or leave it empty"
            )
        coded = _flag(row["content_coded"], "content_coded", where)
        speech = _flag(row["speech"], "speech", where)
        if coded and content is None:
            raise DataFileError(
                f"{where}: content_coded is 1 but {lemma!r} has no content; set content or use 0"
            )
        key = (lemma, pos, requires)
        if key in where_of:
            raise DataFileError(
                f"{where}: {lemma!r} {pos} with requires {row['requires']!r} is already listed at"
                f" {where_of[key]}; merge the two rows"
            )
        where_of[key] = where
        entries.append(EventEntry(lemma, pos, code, cls, requires, preps, content, coded, speech, where))
    return entries


def read_stance_lexicon(text: str, origin: str) -> list[StanceEntry]:
    """Parse and check the stance lexicon csv; `origin` names the file in error messages."""
    entries: list[StanceEntry] = []
    where_of: dict[tuple[str, str, frozenset[str]], str] = {}
    for where, row in csv_rows(text, origin, STANCE_COLUMNS):
        lemma, pos = _lemma_pos(row, where, _POS)
        if " " in lemma:
            raise DataFileError(
                f"{where}: stance lemma {lemma!r} must be one word; put the particle in requires"
            )
        kind = row["kind"]
        if kind not in STANCE_KINDS:
            raise DataFileError(
                f"{where}: kind {kind!r} of {lemma!r} is not one of {', '.join(STANCE_KINDS)}"
            )
        if row["polarity"] not in ("1", "+1", "-1"):
            raise DataFileError(f"{where}: polarity {row['polarity']!r} of {lemma!r} must be 1 or -1")
        requires = frozenset(_words(row["requires"], "requires", where))
        key = (lemma, pos, requires)
        if key in where_of:
            raise DataFileError(
                f"{where}: {lemma!r} {pos} with requires {row['requires']!r} is already listed at"
                f" {where_of[key]}; merge the two rows"
            )
        where_of[key] = where
        entries.append(StanceEntry(lemma, pos, kind, int(row["polarity"]), requires, where))
    return entries


def read_light_verbs(text: str, origin: str) -> dict[str, str]:
    """Parse and check the light-verb csv: lemma -> role ("support" or "aspect")."""
    verbs: dict[str, str] = {}
    where_of: dict[str, str] = {}
    for where, row in csv_rows(text, origin, LIGHT_VERB_COLUMNS):
        lemma, role = row["lemma"], row["role"]
        if not _VERB_LEMMA.fullmatch(lemma):
            raise DataFileError(
                f"{where}: lemma {lemma!r} must be one lower-case word, or two for a verb with a particle"
            )
        if role not in LIGHT_VERB_ROLES:
            raise DataFileError(
                f"{where}: role {role!r} of {lemma!r} is not one of {', '.join(LIGHT_VERB_ROLES)}"
            )
        if lemma in verbs:
            raise DataFileError(f"{where}: {lemma!r} is already listed at {where_of[lemma]}")
        verbs[lemma] = role
        where_of[lemma] = where
    return verbs
