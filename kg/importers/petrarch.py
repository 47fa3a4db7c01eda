"""Import the PETRARCH/Phoenix coding dictionaries (MIT, Open Event Data Alliance) into `kg/data/`.

    python -m kg.importers.petrarch ../shared/reference/petrarch [--out kg/data] [--check]

Reads the TABARI-format dictionaries (actor, agent and verb files, formats documented in their
own header comments) and writes, each with a header naming its source file, the upstream
repository and commit, and the MIT licence:

- `petrarch_actors.jsonl`: named actors (office holders with dated CAMEO codes, national
  institutions, international organisations, armed non-state groups), in the schema of
  `actors.jsonl` plus `terms` (dated codes) and `source` (file:line);
- `petrarch_countries.csv`: the names the country file gives each state (names, adjectives,
  cities and provinces it lists under the state);
- `petrarch_agents.csv`: generic agent nouns with their CAMEO sector (`agents.csv` columns);
- `petrarch_religions.csv`: the one-word agent terms coded with a religion of `religions.csv`
  (the words for its people: "muslim", "sunni", "jewish"), with their code;
- `petrarch_verbs.csv`: the CAMEO verb patterns as event-lexicon rows (verb + particle, the
  object or prepositional word the pattern needs as `requires`, the CAMEO code);
- `petrarch_verbs_null.csv`: the verb patterns coded `[---]` (the verb with those words is no
  event: "fight corruption", "strike down a law"), with every word each names, and the two-word
  verbs coded `[---]` as a whole, naming no word ("strike down");
- `PETRARCH_NOTICE.txt`: the licence and attribution.

The generated files are committed; `kg` never reads the source directory at run time. Records
the importer cannot use are counted and reported (first few with file:line), never dropped
silently. `--check` compares the curated office holders of `actors.jsonl` with the imported
roles where both name the same person and prints each disagreement.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Term", "ActorBlock", "AgentRow", "VerbPattern", "NullPattern", "Report",
    "read_actor_dictionary", "read_agent_dictionary", "read_verb_dictionary", "read_null_patterns",
    "parse_code", "NameShapes", "initialisms", "to_actor_records", "to_agent_rows", "to_religion_rows", "to_verb_rows", "check_curated", "main",
]

UPSTREAM = "openeventdata/UniversalPetrarch, UniversalPetrarch/data/dictionaries/, commit 067552d"
LICENCE_LINE = "MIT License, Copyright (c) 2014-2015 Open Event Data Alliance"
ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
               "Phoenix.MilNonState.actors.txt")
AGENT_FILE = "Phoenix.agents.txt"
VERB_FILE = "CAMEO.2.0.txt"

#: code prefixes that are not states: international and transnational actors
_NONSTATE_PREFIXES = {"IGO": "igo", "NGO": "ngo", "IMG": "armed_group", "MNC": "company", "UIS": "armed_group"}
#: particles that, right after the verb in a pattern, make a two-word verb ("set out", "crack down")
_PARTICLES = frozenset("out up down off back over away in on aside forward through apart".split())
#: head nouns of places: the agent file codes "village" or "community" as civilians, but in
#: news a place is where an act happens, not who does it or whom it is aimed at
_PLACE_NOUNS = frozenset("village town city community neighborhood neighbourhood district area region "
                         "province camp street".split())
#: prepositions and other function words that are never the word a pattern needs
_FUNCTION = frozenset(
    "a an the of to in on at by for with from into onto over under against about after before "
    "behind between during near toward towards upon within without as and or not no its his her "
    "their his this that these those it they he she we you who which".split())


@dataclass
class Report:
    """What an import skipped and why: counts by reason, with the first few places."""

    skipped: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] += 1
        if len(self.examples[reason]) < 3:
            self.examples[reason].append(where)

    def lines(self) -> list[str]:
        return [f"  skipped {n:6d}  {reason}  (e.g. {', '.join(self.examples[reason])})"
                for reason, n in self.skipped.most_common()]


# --- actors --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One bracketed code of an actor entry, with its optional dates (`[USAGOV 090120-170120]`)."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class ActorBlock:
    """One entry of a TABARI actor file: its names (first is the entry) and its coded terms."""

    names: list[str]
    terms: list[Term]
    source: str
    comment: str = ""


_LAST_YEAR = 15  # the dictionaries' last edit (2015): no date in them lies later
_BRACKET = re.compile(r"\[([^\]]*)\]")


def _date(text: str, where: str, report: Report) -> dt.date | None:
    """A TABARI date: YYMMDD or YYYYMMDD.

    The source's README reads 00-49 as 20xx, but the files were last edited in 2015 and hold
    dates such as Kim Il-sung's 480909 (1948) and Bhumibol's 460609: a two-digit year after
    `_LAST_YEAR` is read as 19xx.
    """
    try:
        if len(text) == 6:
            yy = int(text[:2])
            return dt.date((2000 if yy <= _LAST_YEAR else 1900) + yy, int(text[2:4]), int(text[4:6]))
        if len(text) == 8:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        pass
    report.skip("unreadable date in a code (term kept undated)", f"{where} {text!r}")
    return None


def _terms(text: str, where: str, report: Report) -> list[Term]:
    """The bracketed codes in `text`: `[CODE]`, `[CODE A-B]`, `[CODE >A]` (from A), `[CODE <B]` (to B)."""
    out = []
    for inside in _BRACKET.findall(text):
        parts = inside.split()
        if not parts or set(parts[0]) <= {"-"}:
            continue  # [---]: explicitly no code
        code = parts[0].lstrip("~").upper()
        start = end = None
        when = "".join(parts[1:])
        if when.startswith(">"):
            start = _date(when[1:], where, report)
        elif when.startswith("<"):
            end = _date(when[1:], where, report)
        elif "-" in when:
            a, _, b = when.partition("-")
            start, end = _date(a, where, report), _date(b, where, report)
        elif when:
            report.skip("unreadable date in a code (term kept undated)", f"{where} {when!r}")
        out.append(Term(code, start, end))
    return out


def _name(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip()


def read_actor_dictionary(text: str, origin: str, report: Report | None = None) -> list[ActorBlock]:
    """The entries of a TABARI actor file.

    A line that starts a name opens an entry (codes may follow on the same line); `+NAME`
    lines are synonyms; indented `[CODE DATES]` lines give its codes. A name line with no code
    that follows an entry that has no code yet is a synonym of it (TABARI's grouped roots).

    >>> b = read_actor_dictionary("JOHN_DOE_  # note\\n+DOE_\\n\\t[USAGOV 090120-170120]\\n", "x")
    >>> b[0].names, b[0].terms[0].code, b[0].terms[0].start.year
    (['JOHN DOE', 'DOE'], 'USAGOV', 2009)
    """
    report = report or Report()
    blocks: list[ActorBlock] = []
    cur: ActorBlock | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        where = f"{origin}:{lineno}"
        body, _, comment = raw.partition("#")
        if not body.strip():
            continue
        if "\ufffd" in body or re.search(r"[\x00-\x08\x0b-\x1f\x7f]", body):
            report.skip("name with an undecodable character", where)
            continue
        if body[0] == "+":
            if cur is None:
                report.skip("synonym before any entry", where)
            else:
                name = _name(body[1:].split("[")[0])
                if name:
                    cur.names.append(name)
                cur.terms.extend(_terms(body, where, report))
            continue
        if body[0] in " \t[":
            if cur is None:
                report.skip("code line before any entry", where)
            else:
                cur.terms.extend(_terms(body, where, report))
            continue
        name = _name(body.split("[")[0])
        terms = _terms(body, where, report)
        if cur is not None and not cur.terms and not terms:
            cur.names.append(name)
            continue
        cur = ActorBlock([name], terms, where, comment.strip())
        blocks.append(cur)
    return blocks


def parse_code(code: str, states: Iterable[str]) -> tuple[str | None, str | None]:
    """(country, sector) of a CAMEO actor code: `USAGOV` -> ('USA', 'GOV'), `IGOUNO` -> (None, 'IGO').

    >>> parse_code("RUSMIL", {"RUS"}), parse_code("IGOUNOKID", {"RUS"}), parse_code("ELI", {"RUS"})
    (('RUS', 'MIL'), (None, 'IGO'), (None, 'ELI'))
    """
    head = code[:3]
    if head in states:
        return head, (code[3:6] or None)
    return None, head or None


def _label(name: str, initialisms: Collection[str] = ()) -> str:
    """Display form of an upper-case dictionary name ("VLADIMIR PUTIN" -> "Vladimir Putin";
    English function words after the first word in lower case, the `initialisms` as they are:
    "US SECRETARY OF DEFENSE" -> "US Secretary of Defense").

    >>> _label("SYRIAN OBSERVATORY FOR HUMAN RIGHTS"), _label("THE ISLAMIC FRONT")
    ('Syrian Observatory for Human Rights', 'The Islamic Front')
    """
    words = []
    for i, w in enumerate(name.split(" ")):
        keep = ("." in w or any(c.isdigit() for c in w) or not re.search(r"[AEIOUY]", w.upper())
                or w in initialisms)
        if keep:
            words.append(w)
        elif i and w in _LOWER_WORDS:
            words.append(w.lower())
        else:
            words.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
    return " ".join(words)


#: English function words a label writes in lower case after its first word
_LOWER_WORDS = frozenset("OF THE AND FOR TO IN ON AT AGAINST".split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


#: words left out of an initialism ("INTERNATIONAL MONETARY FUND" -> "IMF")
_INITIALISM_SKIPS = frozenset("OF THE AND FOR ON IN TO DE DES DU LA LE AL".split())


def initialisms(blocks: Iterable[ActorBlock]) -> frozenset[str]:
    """The one-word names that an entry spells out in another of its names, by the initials of
    all its words or of all but the small ones ("NATO" beside "NORTH ATLANTIC TREATY
    ORGANIZATION", "US" beside "UNITED STATES"): written in capitals wherever a label holds them.

    >>> sorted(initialisms(read_actor_dictionary("INTERNATIONAL_MONETARY_FUND_\\n+IMF_\\n+FUND_ [IGOBUSIMF]\\n", "x")))
    ['IMF']
    """
    out: set[str] = set()
    for b in blocks:
        singles = {n for n in b.names if " " not in n and 2 <= len(n) <= 7 and n.isalpha()}
        if not singles:
            continue
        for n in b.names:
            words = [w for w in n.replace("-", " ").split() if w[:1].isalpha()]
            if len(words) < 2:
                continue
            spelt = {"".join(w[0] for w in words),
                     "".join(w[0] for w in words if w not in _INITIALISM_SKIPS)}
            out |= singles & spelt
    return frozenset(out)


def _current(terms: list[Term]) -> Term:
    """The term to use for today's news: an open-ended or latest-ending dated term, else the first."""
    dated = [t for t in terms if t.start or t.end]
    if not dated:
        return terms[0]
    return max(dated, key=lambda t: (t.end or dt.date.max, t.start or dt.date.min))


def _words(name: str) -> list[str]:
    return name.upper().replace("-", " ").split()


def _ruler(b: ActorBlock) -> bool:
    """An entry the dictionary marks as a person (its office holders, from CountryInfo.txt)."""
    return "CountryInfo" in b.comment or "rulers" in b.comment


@dataclass(frozen=True)
class NameShapes:
    """What the dictionaries' own entries say a person's name and an organisation's name look
    like, learnt from them (not written here): `given` holds the first words of the names of
    the office holders they mark as persons (CountryInfo), seen at least twice and rarely
    opening an organisation's name; `org_words` the words that recur in the names of undated
    entries (institutions, groups) and hardly ever in an office holder's name ("ARMY",
    "OBSERVATORY", "REGIME"). Phoenix marks no other entry as a person: a dated code does not
    make one (states and groups have them too: "SYRIAN OBSERVATORY FOR HUMAN RIGHTS"
    [SYROPPHRI >20120101]) and an undated one does not unmake one ("EDWARD SNOWDEN" [USAOPP]);
    and it lists persons as names of the body they code as ("+JOHN_KIRBY" under "UNITED
    STATES MILITARY" [USAMIL], "+SALIM_IDRIS" under "FREE SYRIAN ARMY")."""

    #: words that open the names of at least two office holders' entries and of at most half
    #: as many organisations'
    given: frozenset[str]
    #: words in the names of at least three undated entries, ten times as many as of office
    #: holders' entries
    org_words: frozenset[str]
    #: the organisation words that end several organisations' names ("BRIGADES", "FOUNDATION")
    heads: frozenset[str] = frozenset()
    #: words of titles and roles ("PRESIDENT", "CHANCELLOR"): they neither open nor end a name
    titles: frozenset[str] = frozenset()

    @classmethod
    def learn(cls, blocks: Iterable[ActorBlock], titles: Iterable[str] = ()) -> NameShapes:
        """Learn the shapes from every entry of the actor files; `titles` are words that open
        a name without being a given name ("PRESIDENT", "SENATOR"), in any case."""
        skip = {t.upper() for t in titles}
        # counted by entry, not by name: an entry's many spellings of one name count once
        first_person: Counter = Counter()
        in_person: Counter = Counter()
        first_org: Counter = Counter()
        in_org: Counter = Counter()
        last_org: Counter = Counter()
        for b in blocks:
            words = [_words(n) for n in b.names]
            if _ruler(b):
                first_person.update({w[0] for w in words if len(w) >= 2 and w[0] not in skip})
                in_person.update({x for w in words for x in w})
            elif not any(t.start or t.end for t in b.terms):
                first_org.update({w[0] for w in words if w})
                last_org.update({w[-1] for w in words if w})
                in_org.update({x for w in words for x in w})
        given = frozenset(w for w, c in first_person.items()
                          if c >= 2 and first_org[w] * 2 <= c and w.isalpha())
        org_words = frozenset(w for w, c in in_org.items()
                              if c >= 3 and len(w) >= 3 and in_person[w] * 10 <= c)
        return cls(given, org_words, frozenset(w for w in org_words if last_org[w] >= 3),
                   frozenset(skip))

    def organisation(self, name: str) -> bool:
        """A name with an organisation's word in it, other than as the last word of a name
        that opens with a given name, unless that word ends organisations' names ("ALEX
        BONCAYAO BRIGADE" is a group, "EUGENE R. BLACK" a person)."""
        w = _words(name)
        if any(x in self.org_words for x in w[:-1]):
            return True
        return bool(w) and (w[-1] in self.heads or w[-1] in self.org_words and w[0] not in self.given)

    def person(self, name: str) -> bool:
        """A name of two to five words that opens with a given name and is no organisation's."""
        w = _words(name)
        return (2 <= len(w) <= 5 and w[0] in self.given and w[-1] not in self.titles
                and not self.organisation(name)
                and all(x.replace(".", "").replace("'", "").isalpha() for x in w))

    def entry_kind(self, names: list[str], dated: bool) -> bool:
        """Whether an entry (its names, the first its own) that is no ruler names a person:
        with dated codes, unless its name has an organisation's shape and opens with no given
        name; without, when no name has an organisation's shape and its name has a person's,
        or is a person's name spelt another way (same last word: "OSAMA BIN LADEN" beside
        "USAMA BIN LADEN")."""
        first = names[0]
        if dated:
            w = _words(first)
            return not (self.organisation(first) and (not w or w[0] not in self.given))
        if any(self.organisation(n) for n in names):
            return False
        if self.person(first):
            return True
        last = _words(first)[-1:]
        return len(_words(first)) >= 2 and any(
            self.person(n) and _words(n)[-1:] == last for n in names[1:])

    def split(self, names: list[str]) -> list[str]:
        """The names of an organisation's entry that name persons: those with a person's shape,
        except a short form of one of its organisation names ("SHIN BET" beside "SHIN BET
        SECURITY AGENCY")."""
        org_words = [set(_words(n)) for n in names if self.organisation(n)]
        return [n for n in names if self.person(n)
                and not any(set(_words(n)) <= words for words in org_words)]


def to_actor_records(blocks: list[ActorBlock], file: str, states: set[str], kinds: dict[str, str],
                     report: Report, keys: set[str], shapes: NameShapes | None = None,
                     capitals: Collection[str] = ()) -> tuple[list[dict], list[dict]]:
    """(actor records, country-name rows) from the entries of one actor file.

    `kinds` maps a CAMEO sector to a `kg.types.ACTOR_KINDS` kind; `keys` holds the keys used
    so far (extended here). An entry whose only code is a bare state code (`[AFG]`) names the
    state: its names become country-name rows; so do the names of an entry whose current code
    is a state's, bare or with a suffix that is no sector (a region: `[BIHSRP]`), unless its
    comment marks it as a ruler (dated codes alone do not make a person: states have them too).

    With `shapes` (`NameShapes`, learnt from all the actor files), an entry that is no ruler is
    a person when its first name has a person's shape and none of its names an organisation's,
    or when it has dated codes and its first name has no organisation's shape; an entry that is
    no person gives each group of its names with a person's shape (grouped by last word) a
    person record of its own, coded as the entry (the person's affiliation), and is labelled
    by its first remaining name, an organisation's if it has one. These records carry
    `"split": true`; `run` drops those that name a person some other record names.
    The words in `capitals` (`initialisms`) keep their capitals in the labels and aliases of
    the records that are no persons.
    """
    actors, country_names = [], []
    for b in blocks:
        terms = [t for t in b.terms if len(t.code) >= 3]
        if not terms:
            report.skip("entry without a usable code", b.source)
            continue
        if len(terms) == 1 and terms[0].code in states and not (terms[0].start or terms[0].end):
            for n in b.names:
                country_names.append({"name": _label(n), "iso3": terms[0].code, "source": b.source})
            continue
        cur = _current(terms)
        country, sector = parse_code(cur.code, states)
        if country is not None and (sector is None or sector not in kinds) and not _ruler(b):
            # a state or a region of one under a dated code ("CROATIA" [YUGHRV <910625]
            # [HRV ...], "REPUBLICA SRPSKA" [BIHSRP]): no actor, its names are names of the state
            for n in b.names:
                country_names.append({"name": _label(n), "iso3": country, "source": b.source})
            continue
        if cur.code.startswith("MNC"):
            report.skip("company (MNC code): left out, its aliases are generic business words", b.source)
            continue
        country, sector = parse_code(cur.code, states)
        if country is None and sector not in _NONSTATE_PREFIXES:
            report.skip(f"code with neither a known state nor an IGO/NGO/IMG prefix ({cur.code[:3]})",
                        b.source)
            continue
        dated = any(t.start or t.end for t in terms)
        names = b.names
        if shapes is None or _ruler(b):
            person = dated or _ruler(b)
        else:
            person = shapes.entry_kind(names, dated)
        split: dict[str, list[str]] = {}
        if not person and shapes is not None:
            persons = shapes.split(names)
            for n in persons:
                split.setdefault(_words(n)[-1], []).append(n)
            kept = [n for n in names if n not in persons]
            if kept and kept[0] != names[0]:  # its first name was a person's: an organisation's
                kept.insert(0, next((n for n in kept if shapes.organisation(n)), kept[0]))
                kept = list(dict.fromkeys(kept))
            names = kept
        if person:
            kind = "person"
        elif country is None:
            kind = _NONSTATE_PREFIXES[sector]
            if sector == "IMG" or cur.code[6:9] in ("REB", "INS", "UAF", "SEP"):
                kind = "armed_group"
        else:
            kind = kinds.get(sector or "", "organisation")
            if file.endswith("MilNonState.actors.txt") and kind not in ("criminal", "party"):
                kind = "armed_group"
        line = b.source.rsplit(":", 1)[1]
        record = {
            "kind": kind, "country": country,
            "sector": sector if country else (cur.code[6:9] or sector) if sector == "IMG" else sector,
            "code": cur.code, "wikidata": None, "roles": [],
            "terms": [{"code": t.code, "start": t.start.isoformat() if t.start else None,
                       "end": t.end.isoformat() if t.end else None} for t in terms],
            "source": f"{file}:{line}",
        }
        actors.append(_named(record, names, keys, line, capitals))
        for group in split.values():
            actors.append(_named({**record, "kind": "person", "split": True}, group, keys, line,
                                 capitals))
    return actors, country_names


def _named(record: dict, names: list[str], keys: set[str], line: str,
           capitals: Collection[str] = ()) -> dict:
    """`record` with the key, label and aliases of `names` (the first is the label); `keys`
    holds the keys used so far (extended here)."""
    if record["kind"] == "person":
        capitals = ()  # a surname is no initialism ("JO MYONG ROK")
    label = _label(names[0], capitals)
    aliases: list[str] = []
    for n in names[1:]:
        lab = _label(n, capitals)
        if lab != label and lab not in aliases and len(lab) > 2:
            aliases.append(lab)
    key = "pet-" + _slug(label)
    if key in keys:
        key = f"{key}-{line}"
    keys.add(key)
    out = {"key": key, "label": label}
    for field_ in ("kind", "country", "sector", "code", "wikidata"):
        out[field_] = record[field_]
    out["aliases"] = aliases
    out.update((k, v) for k, v in record.items() if k not in out)
    return out


# --- agents --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentRow:
    term: str
    code: str
    source: str


_AGENT_LINE = re.compile(r"^(?P<term>[^\[#]+?)\s*\[(?P<code>[^\]]*)\]")
_SUBST = re.compile(r"^!(?P<name>[A-Z]+)!\s*=\s*(?P<words>.+)$")


def read_agent_dictionary(text: str, origin: str, report: Report | None = None) -> list[AgentRow]:
    """The agent nouns of a TABARI agent file, with `!SET!` substitutions expanded.

    >>> rows = read_agent_dictionary("!PERSON! = MAN, MEN\\nPOLICE_OFFICER [~COP]\\nCATTLE!PERSON! [~AGR]\\n", "x")
    >>> [(r.term, r.code) for r in rows]
    [('police officer', 'COP'), ('cattleman', 'AGR'), ('cattlemen', 'AGR')]
    """
    report = report or Report()
    subst: dict[str, list[str]] = {}
    out: list[AgentRow] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        where = f"{origin}:{lineno}"
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SUBST.match(line)
        if m:
            subst[m["name"]] = [w.strip() for w in m["words"].split(",") if w.strip()]
            continue
        m = _AGENT_LINE.match(line)
        if not m:
            report.skip("agent line without a [~CODE]", where)
            continue
        code = m["code"].strip().lstrip("~").upper()
        if not re.fullmatch(r"[A-Z]{3,}", code):
            report.skip("agent code not a CAMEO sector", where)
            continue
        term = m["term"].strip()
        forms = [term]
        for name, words in subst.items():
            marker = f"!{name}!"
            if marker in term:
                forms = [f.replace(marker, w) for f in forms for w in words]
        for f in forms:
            if "!" in f:
                report.skip("agent with an undefined !SET!", where)
                continue
            out.append(AgentRow(_name(f).lower(), code, where))
    return out


def to_agent_rows(rows: list[AgentRow], kinds: dict[str, str], person_heads: set[str],
                  report: Report, religions: Collection[str] = ()) -> list[dict]:
    """Rows in `agents.csv` columns (plus source); the first row of a term wins. Rows coded
    with a religion (`religions`: the codes' first three letters) are `to_religion_rows`'."""
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.code[:3] in religions:
            continue
        if r.term in seen:
            report.skip("agent term listed twice (first kept)", r.source)
            continue
        seen.add(r.term)
        last = r.term.split()[-1]
        sector = r.code[:3]
        if sector not in kinds:
            report.skip(f"agent sector {sector} unknown to kg/data/agents.csv", r.source)
            continue
        if last in _PLACE_NOUNS:
            report.skip("agent noun that names a place (a place is never a side)", r.source)
            continue
        plural = last.endswith(("men", "ies")) or (last.endswith("s") and last[:-1] in person_heads)
        person = (last in person_heads or last.endswith(("man", "woman", "person"))
                  or (plural and last[:-1] in person_heads))
        out.append({"term": r.term, "sector": sector, "kind": kinds.get(sector, "group"),
                    "person": int(person), "plural": int(plural), "source": r.source})
    return out


def to_religion_rows(rows: list[AgentRow], religions: Collection[str], report: Report) -> list[dict]:
    """The one-word agent terms coded with a religion (the code's first three letters in
    `religions`): the words that name a religion's people, with their code.

    >>> rows = read_agent_dictionary("MUSLIM [~MUS]\\nMUSLIM_CLERIC [~MUS]\\nANGLICAN [~CHRPRO]\\n", "x")
    >>> [(r["word"], r["code"]) for r in to_religion_rows(rows, {"MUS", "CHR"}, Report())]
    [('muslim', 'MUS'), ('anglican', 'CHRPRO')]
    """
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.code[:3] not in religions:
            continue
        if " " in r.term:
            report.skip("religion-coded agent of more than one word (a people is named by one)", r.source)
        elif r.term in seen:
            report.skip("agent term listed twice (first kept)", r.source)
        else:
            seen.add(r.term)
            out.append({"word": r.term, "code": r.code, "source": r.source})
    return out


# --- verbs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One pattern line of a verb block, read for `kg`: the verb (and particle) it applies to,
    the word it needs near the verb (None for the block's default), its CAMEO code."""

    verb: str
    particle: str | None
    needs: tuple[str, ...]
    code: str
    source: str


_TOKEN = re.compile(r"\{[^}]*\}|\([^)]*\)|&\w+|[^\s{}()]+")


def _code(text: str) -> str | None:
    """The event code of `[042:043]`, `[:173]`, `[020]` (first non-empty part), None for `[---]`."""
    for part in text.split(":"):
        part = part.strip()
        if re.fullmatch(r"\d{2,4}", part):
            return part
    return None


def _singular(word: str) -> tuple[str, ...]:
    if len(word) > 4 and word.endswith("ies"):
        return (word, word[:-3] + "y")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return (word, word[:-1])
    return (word,)


def _content(words: Iterable[str], synsets: dict[str, list[str]]) -> list[str]:
    """Content words of pattern tokens: last word of a phrase, synonym sets expanded."""
    out: list[str] = []
    for w in words:
        if w.startswith("&"):
            for member in synsets.get(w.rstrip("_"), []):
                last = member.split()[-1] if member.split() else ""
                if re.fullmatch(r"[a-z][a-z'\-]*", last) and last not in out:
                    out.append(last)
            continue
        w = w.strip("{}()").split()[-1:] if w.strip("{}()") else []
        for x in w:
            x = x.lower().strip("_")
            if x and x not in _FUNCTION and re.fullmatch(r"[a-z][a-z'\-]*", x):
                out.append(x)
    return out


def _verb_section(text: str, synsets: dict[str, list[str]]) -> Iterator[tuple[int, str, str]]:
    """The lines of a PETRARCH verb dictionary's verb patterns, each as (line number, text
    without its comment, stripped, comment), empty lines left out; the synonym sets (`&SET`
    lines and their `+word` members) before the patterns are read into `synsets`."""
    in_verbs = False
    cur_set: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("####### VERB PATTERNS") or (raw.startswith("---") and not in_verbs):
            in_verbs = True
        if raw.startswith("######## TRANSFORMATIONS"):
            return
        body, _, comment = raw.partition("#")
        line = body.strip()
        if not line:
            cur_set = None
            continue
        if not in_verbs:
            if line.startswith("&"):
                cur_set = line.split()[0].rstrip("_")
                synsets[cur_set] = []
            elif line.startswith("+") and cur_set:
                synsets[cur_set].append(_name(line[1:].split("{")[0]).lower())
            continue
        yield lineno, line, comment


def read_verb_dictionary(text: str, origin: str, report: Report | None = None) -> list[VerbPattern]:
    """The patterns of a PETRARCH verb file, one per verb they apply to.

    A block (`--- NAME [CODE] ---`) lists verbs (`WORD {FORMS}`, or `+WORD_PARTICLE` for a
    two-word verb, each optionally with its own `[CODE]`) and patterns (`- words * words [CODE]
    # VERB`). A pattern applies to the verb its comment names when that verb is in the block,
    else to every verb of the block. The word it needs is its object (the first content word
    after `*`), else the noun of its last prepositional phrase, else a word before `*`.

    >>> src = "&FOOD\\n+RICE\\n\\n--- SEND [070] ---\\nSEND\\n- * TROOPS [150] # SEND\\n- * OUT &FOOD [073]\\n"
    >>> [(p.verb, p.particle, p.needs, p.code) for p in read_verb_dictionary(src, "x")]
    [('send', None, (), '070'), ('send', None, ('troops', 'troop'), '150'), ('send', 'out', ('rice',), '073')]
    """
    report = report or Report()
    synsets: dict[str, list[str]] = {}
    out: list[VerbPattern] = []
    block_code: str | None = None
    verbs: list[tuple[str, str | None]] = []

    for lineno, line, comment in _verb_section(text, synsets):
        where = f"{origin}:{lineno}"
        if line.startswith("---"):
            m = re.match(r"---\s*(\S+)\s*\[([^\]]*)\]", line)
            if not m:
                report.skip("unreadable verb block header", where)
                continue
            block_code = _code(m[2])
            verbs = []
            continue
        if line.startswith("-"):
            m = re.match(r"-\s*(.*?)\s*\[([^\]]*)\]\s*$", line)
            if not m:
                report.skip("pattern without a [CODE]", where)
                continue
            code = _code(m[2])
            if code is None:
                report.skip("pattern with no event code ([---])", where)
                continue
            before, star, after = m[1].partition("*")
            if not star:
                report.skip("pattern without '*' (the verb's place)", where)
                continue
            toks_after = [t for t in _TOKEN.findall(after) if t not in ("$", "+", "%", "^")]
            particle = None
            if toks_after and toks_after[0].lower() in _PARTICLES:
                particle = toks_after.pop(0).lower()
            objects = _content([t for t in toks_after if not t.startswith("(")], synsets)
            phrases = _content([t for t in toks_after if t.startswith("(")][-1:], synsets)
            subjects = _content([t for t in _TOKEN.findall(before) if t not in ("$", "+", "%", "^")], synsets)
            anchor = (objects or phrases or subjects)[:1]
            if anchor and anchor[0].startswith("&"):
                anchor = []
            needs: tuple[str, ...] = ()
            if anchor:
                head = anchor[0]
                group = [w for w in (objects or phrases or subjects) if w != head] if (
                    toks_after and toks_after[0].startswith("&")) else []
                needs = tuple(dict.fromkeys(w2 for w in (head, *group) for w2 in _singular(w)))
            elif not particle:
                report.skip("pattern with no content word or particle (only the verb)", where)
                continue
            origin_verb = comment.strip().split()[0].lower() if comment.strip() else ""
            targets = [v for v in verbs if v[0] == origin_verb and v[1] is None] or [
                v for v in verbs if v[1] is None]
            if not targets:
                report.skip("pattern before any verb of its block", where)
            for verb, _ in targets:
                out.append(VerbPattern(verb, particle, needs, code, where))
            continue
        # a verb line: WORD {FORMS} [CODE] or +WORD_PARTICLE {FORMS} [CODE]
        word = line.lstrip("+").split("{")[0].split("[")[0].strip()
        own = _code(_BRACKET.findall(line)[-1]) if _BRACKET.findall(line) else None
        parts = word.lower().strip("_").split("_")
        if len(parts) > 2 or not all(re.fullmatch(r"[a-z][a-z'\-]*", p) for p in parts):
            report.skip("verb of more than two words or not a word", where)
            continue
        verb, particle = parts[0], (parts[1] if len(parts) == 2 else None)
        verbs.append((verb, particle))
        code = own or block_code
        if code:
            out.append(VerbPattern(verb, particle, (), code, where))
    return out


@dataclass(frozen=True, slots=True)
class NullPattern:
    """One pattern line coded `[---]` (explicitly no event: "fight corruption", "strike down a
    law", "killed in a crash"), read for `kg`: the verb (and particle) it applies to and every
    word it names, each a set of acceptable forms (a synonym set's members, a plural's singular)."""

    verb: str
    particle: str | None
    words: tuple[tuple[str, ...], ...]
    source: str


def _slot_words(token: str, synsets: dict[str, list[str]]) -> list[tuple[str, ...]] | None:
    """The words a pattern token names, one tuple of acceptable forms each: every content word
    of a phrase ("{ILLEGAL IMMIGRANTS}" -> illegal, immigrant(s)), a synonym set's last words;
    None when it names a synonym set the file does not define (the pattern cannot be read)."""
    if token.startswith("&"):
        members = [m.split()[-1] for m in synsets.get(token.rstrip("_"), []) if m.split()]
        forms = tuple(dict.fromkeys(f for m in members if re.fullmatch(r"[a-z][a-z'\-]*", m)
                                    for f in _singular(m)))
        return [forms] if forms else None
    out = []
    for i, w in enumerate(re.findall(r"&\w+|[A-Za-z][A-Za-z'\-]*", token)):
        if w.startswith("&"):
            words = _slot_words(w, synsets)
            if words is None:
                return None
            out.extend(words)
        elif w.lower() not in _FUNCTION or (i == 0 and token.startswith("(")):
            # the preposition of a phrase counts: "(BY &MILITARY)" is "backed by troops",
            # not "backed the troops"
            out.append(_singular(w.lower()))
    return out


def read_null_patterns(text: str, origin: str, report: Report | None = None) -> list[NullPattern]:
    """The `[---]` patterns of a PETRARCH verb file that name at least one word, one per verb
    they apply to (the verb its comment names when in the block, else every verb of the block).
    All the words a pattern names must be near the verb for it to apply (`kg.lexicon`). A
    two-word verb coded `[---]` (its own code or its block's) is a pattern naming no word: the
    verb with that particle is no event by default.

    >>> src = "--- FIGHT [190] ---\\nFIGHT\\nBATTLE\\n- * CONTROL (OF {THE HOUSE}) [---] # BATTLE\\n"
    >>> [(p.verb, p.particle, p.words) for p in read_null_patterns(src, "x")]
    [('battle', None, (('control',), ('of',), ('house',)))]
    """
    report = report or Report()
    synsets: dict[str, list[str]] = {}
    out: list[NullPattern] = []
    verbs: list[str] = []
    block_null = False
    for lineno, line, comment in _verb_section(text, synsets):
        if line.startswith("---"):
            verbs = []
            m = re.match(r"---\s*(\S+)\s*\[([^\]]*)\]", line)
            block_null = bool(m) and m[2].strip() == "---"
            continue
        if line.startswith("-"):
            m = re.match(r"-\s*(.*?)\s*\[([^\]]*)\]\s*$", line)
            if not m or m[2].strip() != "---" or "*" not in m[1]:
                continue
            before, _, after = m[1].partition("*")
            toks = [t for t in _TOKEN.findall(after) if t not in ("$", "+", "%", "^")]
            particle = toks.pop(0).lower() if toks and toks[0].lower() in _PARTICLES else None
            toks += [t for t in _TOKEN.findall(before) if t not in ("$", "+", "%", "^")]
            slots = [_slot_words(t, synsets) for t in toks]
            if any(x is None for x in slots):
                report.skip("[---] pattern naming an undefined synonym set", f"{origin}:{lineno}")
                continue
            words = tuple(dict.fromkeys(w for x in slots for w in x))
            if not words:
                report.skip("[---] pattern naming no word (only the verb)", f"{origin}:{lineno}")
                continue
            named = comment.strip().split()[0].lower() if comment.strip() else ""
            for verb in ([v for v in verbs if v == named] or verbs):
                out.append(NullPattern(verb, particle, words, f"{origin}:{lineno}"))
            continue
        word = line.lstrip("+").split("{")[0].split("[")[0].strip().lower().strip("_")
        if re.fullmatch(r"[a-z][a-z'\-]*", word):
            verbs.append(word)
        parts = word.split("_")
        own = _BRACKET.findall(line)
        if len(parts) == 2 and all(re.fullmatch(r"[a-z][a-z'\-]*", w) for w in parts) and (
                parts[1] in _PARTICLES and (own[-1].strip() == "---" if own else block_null)):
            # a two-word verb whose own code, or its block's, is [---] ("+STRIKE_DOWN" among
            # FELL, TOPPLE): with its particle the verb is no event unless a pattern codes it
            # ("the court struck down a provision" is no strike)
            out.append(NullPattern(parts[0], parts[1], (), f"{origin}:{lineno}"))
    return out


def to_verb_rows(patterns: list[VerbPattern], classes: dict[str, str], codes: set[str],
                 report: Report) -> list[dict]:
    """Event-lexicon rows (plus `source`) for the patterns; the first pattern of a key wins."""
    seen: set[tuple[str, frozenset[str]]] = set()
    out = []
    for p in patterns:
        lemma = f"{p.verb} {p.particle}" if p.particle else p.verb
        code = p.code
        if code not in codes:
            code = code[:3] if code[:3] in codes else None
        if code is None:
            report.skip("pattern code not in kg/data/cameo.csv", p.source)
            continue
        key = (lemma, frozenset(p.needs))
        if key in seen:
            report.skip("verb pattern repeating an earlier one (first kept)", p.source)
            continue
        seen.add(key)
        cls = classes.get(code) or classes.get(code[:3]) or classes.get(code[:2]) or "Event"
        out.append({"lemma": lemma, "pos": "VERB", "cameo": code, "class": cls,
                    "requires": "|".join(p.needs), "target_preps": "", "content": "",
                    "content_coded": "", "speech": "", "source": p.source.replace("\\", "/")})
    return out


# --- the curated side ----------------------------------------------------------------------


def _religions(data: Path) -> set[str]:
    """The religion codes of `religions.csv`."""
    from kg.datafiles import csv_rows

    return {row["code"] for _, row in csv_rows((data / "religions.csv").read_text(encoding="utf-8"),
                                               "kg/data/religions.csv", ("code", "religion"))}


def _curated_tables(data: Path) -> tuple[set[str], dict[str, str], set[str], dict[str, str], set[str]]:
    """States, sector->kind, person head nouns, code->event class, CAMEO codes from kg's own files."""
    from kg.codes import load_cameo
    from kg.gazetteer import parse_agents, parse_countries
    from kg.lexicon import read_event_lexicon

    states = {c.iso3 for c in parse_countries((data / "countries.csv").read_text(encoding="utf-8"))}
    agents = parse_agents((data / "agents.csv").read_text(encoding="utf-8"))
    by_sector: dict[str, Counter] = defaultdict(Counter)
    for a in agents:
        by_sector[a.sector][a.kind] += 1
    kinds = {s: c.most_common(1)[0][0] for s, c in by_sector.items()}
    kinds.update({"IGO": "igo", "NGO": "ngo"})
    person_heads = {a.term.split()[-1] for a in agents if a.person}
    codes = set(load_cameo())
    entries = read_event_lexicon((data / "event_lexicon.csv").read_text(encoding="utf-8"),
                                 "kg/data/event_lexicon.csv", codes)
    by_code: dict[str, Counter] = defaultdict(Counter)
    for e in entries:
        for k in {e.cameo, e.cameo[:3], e.cameo[:2]}:
            by_code[k][e.event_class] += 1
    classes = {k: c.most_common(1)[0][0] for k, c in by_code.items()}
    return states, kinds, person_heads, classes, codes


def check_curated(curated: list[dict], imported: list[dict]) -> list[str]:
    """Disagreements between curated actors and imported ones with the same label.

    For each curated person also found (by label) among the imported office holders: a
    different country, or a curated government role whose start lies inside no imported term
    of that state (imported terms end in 2014 at the latest, so only roles that began before
    2014 are checked).
    """
    by_label: dict[str, list[dict]] = defaultdict(list)
    for rec in imported:
        for n in (rec["label"], *rec["aliases"]):
            by_label[n.lower()].append(rec)
    out = []
    for c in curated:
        hits = [r for r in by_label.get(c["label"].lower(), []) if r["kind"] == c["kind"]]
        if not hits:
            continue
        countries = {r["country"] for r in hits}
        if c.get("country") and c["country"] not in countries and None not in countries:
            out.append(f"{c['key']}: curated country {c['country']}, imported "
                       f"{'/'.join(sorted(x for x in countries if x))} ({hits[0]['source']})")
        for role in c.get("roles") or ():
            start = role.get("start")
            if not start or start >= "2014-01-01" or not role.get("of"):
                continue
            terms = [t for r in hits for t in r["terms"] if t["code"].startswith(role["of"])
                     and t["code"][3:6] in ("GOV", "MIL", "")]
            inside = [t for t in terms if (t["start"] or "0000") <= _plus(start, 40) and
                      _plus(start, -40) <= (t["end"] or "9999")]
            if terms and not inside:
                spans = ", ".join(f"{t['code']} {t['start'] or '…'}–{t['end'] or '…'}" for t in terms)
                out.append(f"{c['key']}: curated {role['post']} of {role['of']} from {start}; "
                           f"imported terms {spans} ({hits[0]['source']})")
    return out


def _plus(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


# --- writing -------------------------------------------------------------------------------


def _header(what: str, sources: Iterable[str], columns: str) -> str:
    return (
        f"# {what}\n"
        f"# Generated by kg.importers.petrarch from {', '.join(sources)}\n"
        f"# Upstream: {UPSTREAM}. {LICENCE_LINE}; see PETRARCH_NOTICE.txt beside this file.\n"
        "# Do not edit by hand: fix the importer or override in the curated file (which wins).\n"
        f"# {columns}\n"
    )


def _csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r[c] for c in columns])
    return buf.getvalue()


def _notice(source_dir: Path) -> str:
    licence = (source_dir / "LICENSE").read_text(encoding="utf-8").strip()
    return (
        "The petrarch_* files in this directory are derived from the PETRARCH/Phoenix coding\n"
        "dictionaries of the Open Event Data Alliance (event-data researchers' curated lists of\n"
        "actors, agents and CAMEO verb patterns), as published in\n"
        f"{UPSTREAM}.\nThey were converted by kg/importers/petrarch.py. Their licence:\n\n"
        f"{licence}\n")


def _titles(data: Path) -> set[str]:
    """Words that open a person's name without being a given name: each word of the agent
    table's person terms ("prime minister") and the gazetteer's title words ("sheikh")."""
    from kg.gazetteer import _TITLE_WORDS, parse_agents

    agents = parse_agents((data / "agents.csv").read_text(encoding="utf-8"))
    return {w.rstrip(".") for a in agents if a.person for w in a.term.split()} | {
        w.rstrip(".") for w in _TITLE_WORDS}


def _drop_named_persons(actors: list[dict], report: Report) -> list[dict]:
    """The records without the persons split from an entry (`to_actor_records`) whose label or
    alias another person record has (the office holder's own entry) or an earlier split one."""
    named = {n.lower() for r in actors if r["kind"] == "person" and not r.get("split")
             for n in (r["label"], *r["aliases"])}
    out = []
    for r in actors:
        if r.pop("split", False):
            names = {n.lower() for n in (r["label"], *r["aliases"])}
            if names & named:
                report.skip("person named in an entry of a body, and by a person entry", r["source"])
                continue
            named |= names
        out.append(r)
    return out


def run(source_dir: Path, out_dir: Path) -> list[str]:
    """Import every dictionary in `source_dir` into `out_dir`; returns the report lines."""
    missing = [f for f in (*ACTOR_FILES, AGENT_FILE, VERB_FILE, "LICENSE") if not (source_dir / f).is_file()]
    if missing:
        raise SystemExit(f"{source_dir}: missing {', '.join(missing)}; point at the petrarch dictionary folder")
    data = Path(__file__).resolve().parent.parent / "data"
    states, kinds, person_heads, classes, codes = _curated_tables(data)
    lines: list[str] = []
    report = Report()

    actors: list[dict] = []
    country_rows: list[dict] = []
    keys: set[str] = set()
    blocks_of = {f: read_actor_dictionary((source_dir / f).read_bytes().decode("utf-8", errors="replace"),
                                          f, report) for f in ACTOR_FILES}
    every = [b for bs in blocks_of.values() for b in bs]
    shapes = NameShapes.learn(every, _titles(data))
    capitals = initialisms(every)
    for f, blocks in blocks_of.items():
        a, c = to_actor_records(blocks, f, states, kinds, report, keys, shapes, capitals)
        lines.append(f"{f}: {len(blocks)} entries -> {len(a)} actors, {len(c)} country names")
        actors += a
        country_rows += c
    actors = _drop_named_persons(actors, report)
    cols = "One JSON object a line: the fields of actors.jsonl (roles empty) plus terms (dated CAMEO codes) and source (file:line)."
    with (out_dir / "petrarch_actors.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(_header("petrarch_actors.jsonl: named actors with dated CAMEO codes", ACTOR_FILES, cols))
        for rec in actors:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    seen_names: set[tuple[str, str]] = set()
    country_rows = [r for r in country_rows if (r["name"].lower(), r["iso3"]) not in seen_names
                    and not seen_names.add((r["name"].lower(), r["iso3"]))]
    (out_dir / "petrarch_countries.csv").write_text(
        _header("petrarch_countries.csv: names of states (names, adjectives, places listed under the state)",
                ACTOR_FILES[:1], "Columns: name, iso3, source (file:line)")
        + _csv(country_rows, ("name", "iso3", "source")), encoding="utf-8")

    agent_rows = read_agent_dictionary((source_dir / AGENT_FILE).read_text(encoding="utf-8", errors="replace"),
                                       AGENT_FILE, report)
    religions = _religions(data)
    agents = to_agent_rows(agent_rows, kinds, person_heads, report, religions)
    faiths = to_religion_rows(agent_rows, religions, report)
    lines.append(f"{AGENT_FILE}: {len(agent_rows)} agent lines -> {len(agents)} terms, "
                 f"{len(faiths)} words of a religion")
    (out_dir / "petrarch_agents.csv").write_text(
        _header("petrarch_agents.csv: generic agent nouns and their CAMEO sector", [AGENT_FILE],
                "Columns: those of agents.csv (term, sector, kind, person, plural) plus source (file:line)")
        + _csv(agents, ("term", "sector", "kind", "person", "plural", "source")), encoding="utf-8")
    (out_dir / "petrarch_religions.csv").write_text(
        _header("petrarch_religions.csv: the words for a religion's people, with its CAMEO code",
                [AGENT_FILE], "Columns: word (lower case), code (religion, and denomination: religions.csv), "
                "source (file:line)")
        + _csv(faiths, ("word", "code", "source")), encoding="utf-8")

    patterns = read_verb_dictionary((source_dir / VERB_FILE).read_text(encoding="utf-8", errors="replace"),
                                    VERB_FILE, report)
    verbs = to_verb_rows(patterns, classes, codes, report)
    lines.append(f"{VERB_FILE}: {len(patterns)} verb patterns -> {len(verbs)} lexicon rows")
    from kg.lexicon import EVENT_COLUMNS

    (out_dir / "petrarch_verbs.csv").write_text(
        _header("petrarch_verbs.csv: CAMEO verb patterns as event-lexicon rows", [VERB_FILE],
                "Columns: those of event_lexicon.csv (requires = the object or prepositional word the "
                "pattern needs; empty = the verb block's default code) plus source (file:line)")
        + _csv(verbs, (*EVENT_COLUMNS, "source")), encoding="utf-8")
    nulls = read_null_patterns((source_dir / VERB_FILE).read_text(encoding="utf-8", errors="replace"), VERB_FILE,
                               report)
    lines.append(f"{VERB_FILE}: {len(nulls)} verb patterns coded [---] (no event)")
    (out_dir / "petrarch_verbs_null.csv").write_text(
        _header("petrarch_verbs_null.csv: CAMEO verb patterns coded [---]: the verb with these words is "
                "no event", [VERB_FILE],
                "Columns: lemma (verb, and particle after a space), words (every word the pattern names, "
                "space-separated; '|' between the acceptable forms of one), source (file:line)")
        + _csv([{"lemma": f"{p.verb} {p.particle}" if p.particle else p.verb,
                 "words": " ".join("|".join(w) for w in p.words), "source": p.source} for p in nulls],
               ("lemma", "words", "source")), encoding="utf-8")
    (out_dir / "PETRARCH_NOTICE.txt").write_text(_notice(source_dir), encoding="utf-8")
    return lines + report.lines()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kg.importers.petrarch", description=__doc__.split("\n")[0])
    p.add_argument("source", type=Path, help="folder holding the PETRARCH/Phoenix dictionaries")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data",
                   help="where to write the files (default: kg/data)")
    p.add_argument("--check", action="store_true",
                   help="only compare the curated actors.jsonl with the imported actors")
    args = p.parse_args(argv)
    if args.check:
        def jsonl(path: Path) -> list[dict]:
            return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()
                    if x.strip() and not x.lstrip().startswith(("#", "//"))]
        issues = check_curated(jsonl(args.out / "actors.jsonl"), jsonl(args.out / "petrarch_actors.jsonl"))
        print("\n".join(issues) or "no disagreement")
        return 0
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SystemExit(f"--out {args.out}: cannot make the folder ({err.strerror}); pick a writable one")
    for line in run(args.source, args.out):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
