"""The gazetteer: countries, agent nouns and curated actors, loaded from `kg/data/`.

- `countries.csv`: every ISO 3166 country with names, aliases, demonyms, capital, cities.
- `agents.csv`: nouns and titles that mark an actor's CAMEO sector ("police" -> COP).
- `sectors.csv`: what a state's generic group of one sector is called ("civilians": "American
  civilians").
- `actors.jsonl`: curated actors (office holders with dated terms, major organisations).
- `petrarch_actors.jsonl`, `petrarch_agents.csv`, `petrarch_countries.csv`: the PETRARCH/Phoenix
  dictionaries as imported by `kg.importers.petrarch` (~26,000 actors with dated CAMEO codes,
  ~3,300 agent nouns, ~4,400 state names). They only fill gaps: a curated name, agent noun
  or place always wins over an imported one, and imported people never answer a bare surname
  (there are too many of them for a surname to be safe) nor an office-holder query.

Lookups are case-, accent- and punctuation-tolerant and O(1).

>>> gaz = load_gazetteer()
>>> gaz.country("U.S.").iso3, gaz.country("Mexico’s").iso3, gaz.demonym("Iraqi").iso3
('USA', 'MEX', 'IRQ')
>>> gaz.agent("police").sector
'COP'
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kg import types as types_module
from kg.errors import DataFileError
from kg.types import ACTOR_KINDS, Role

__all__ = ["Country", "AgentTerm", "KnownActor", "Gazetteer", "load_gazetteer", "norm",
           "parse_actors", "parse_agents", "parse_countries", "parse_imported_actors", "parse_imported_agents",
           "parse_imported_places"]

_POSSESSIVE = re.compile(r"[’']s?$")
_PLAIN = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")  # what `norm` leaves as it is (but "the ")
_POST_SYNONYMS = {
    "foreign minister": ("foreign minister", "minister of foreign affairs", "secretary of foreign affairs",
                         "foreign secretary", "secretary of state", "foreign affairs minister", "top diplomat"),
    "defence minister": ("defence minister", "defense minister", "minister of defence", "minister of defense",
                         "secretary of defense", "defence secretary", "defense secretary", "secretary of war"),
    "president": ("president", "head of state", "leader"),
    "prime minister": ("prime minister", "premier", "head of government"),
}
_POST_CANON = {syn: canon for canon, syns in _POST_SYNONYMS.items() for syn in syns}


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Lower-case, accent-free, possessive-free, punctuation-free form of a name (memoised:
    the extractor asks for the same few thousand names tens of thousands of times)."""
    text = text.strip()
    if text.isascii():  # nothing to decompose: the same as below, without a pass per character
        text = text.lower()
        if _PLAIN.fullmatch(text):  # words and single spaces: only a leading "the" goes
            return text[4:] if text.startswith("the ") else text
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"^the\s+", "", text)
    text = _POSSESSIVE.sub("", text) if re.search(r"[’']s?$", text) and len(text) > 3 else text
    text = text.replace(".", "").replace("-", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: tuple[str, ...]
    cities: tuple[str, ...]
    wikidata: str | None


@dataclass(frozen=True, slots=True)
class AgentTerm:
    term: str
    sector: str
    kind: str
    person: bool
    plural: bool


@dataclass(frozen=True, slots=True)
class KnownActor:
    key: str
    label: str
    kind: str
    country: str | None
    sector: str | None
    code: str | None
    wikidata: str | None
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]
    #: dated CAMEO codes of an imported actor, (code, start, end), in the dictionary's order
    terms: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()

    def code_on(self, on: dt.date | None) -> str | None:
        """The CAMEO code the actor had on a date: the latest-starting dated term covering it,
        else its first undated term, else `code` (PETRARCH's reading of dated codes).

        >>> a = KnownActor("k", "K", "person", "GHA", "GOV", "IGOUNO", None, (), (),
        ...     (("GHAGOV", None, None), ("IGOUNO", dt.date(1997, 1, 1), dt.date(2006, 12, 31))))
        >>> a.code_on(dt.date(2000, 5, 1)), a.code_on(dt.date(2010, 5, 1))
        ('IGOUNO', 'GHAGOV')
        """
        if on is None or not self.terms:
            return self.code
        held = [t for t in self.terms if (t[1] or t[2]) and (t[1] is None or t[1] <= on)
                and (t[2] is None or on <= t[2])]
        if held:
            return max(held, key=lambda t: t[1] or dt.date.min)[0]
        return next((t[0] for t in self.terms if not (t[1] or t[2])), self.code)


def _rows(text: str, name: str, columns: tuple[str, ...]):
    """(line number, row dict) of a `#`-commented CSV text; `name` is the file named in errors."""
    lines = [(i, line) for i, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in lines)))
    if lines and tuple(reader.fieldnames or ()) != columns:
        raise DataFileError(f"{name}:{lines[0][0]}: header is {reader.fieldnames}; expected {list(columns)}")
    for (lineno, _), row in zip(lines[1:], reader):
        if None in row or any(v is None for v in row.values()):
            raise DataFileError(f"{name}:{lineno}: wrong number of columns; expected {reader.fieldnames}")
        yield lineno, row


def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _date(value: str | None, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise DataFileError(f"{where}: not an ISO date: {value!r}; use YYYY-MM-DD") from err


class Gazetteer:
    """Name lookups over the bundled data files (build it with `load_gazetteer()`)."""

    def __init__(self, countries: list[Country], agents: list[AgentTerm], actors: list[KnownActor],
                 imported_actors: list[KnownActor] = (), imported_agents: list[AgentTerm] = (),
                 imported_places: dict[str, str] | None = None,
                 sector_groups: dict[str, str] | None = None) -> None:
        self.countries = {c.iso3: c for c in countries}
        self._sector_groups = dict(sector_groups or {})
        self._names: dict[str, Country] = {}
        self._codes: dict[str, Country] = {}  # "USA", "MEX": matched in capitals only
        self._demonyms: dict[str, Country] = {}
        self._capitals: dict[str, Country] = {}
        for c in countries:
            self._codes[c.iso3] = c
            for n in (c.name, *c.aliases):
                self._names.setdefault(norm(n), c)
            for n in c.demonyms:
                self._demonyms.setdefault(norm(n), c)
            for n in c.capital:
                self._capitals.setdefault(norm(n), c)
        self._places: dict[str, Country] = {}
        for c in countries:
            for n in c.cities:
                self._places.setdefault(norm(n), c)
        self._agents: dict[str, AgentTerm] = {}
        for a in (*agents, *imported_agents):  # curated first: it wins
            self._agents.setdefault(norm(a.term), a)
        self._agent_ends: dict[bool, frozenset[str]] = {}  # see `agent_ruled_out`
        # actor key -> (`state_branch`, `state_post`)
        self._branches: dict[str, tuple[bool, tuple[str, str] | None]] = {}
        self._actors: dict[str, KnownActor] = {}
        self._surnames: dict[str, list[KnownActor]] = {}
        for a in actors:
            for n in (a.label, *a.aliases):
                self._actors.setdefault(norm(n), a)
            if a.kind == "person":
                self._surnames.setdefault(norm(a.label.split()[-1]), []).append(a)
                for alias in a.aliases:
                    if len(alias.split()) == 1:
                        lst = self._surnames.setdefault(norm(alias), [])
                        if a not in lst:
                            lst.append(a)
        # the first and last words of the known people's names (curated and imported: 18 k
        # PETRARCH persons), read as given names and surnames (`name_word`)
        given: set[str] = set()
        family: set[str] = set()
        for a in (*actors, *imported_actors):
            if a.kind != "person":
                continue
            for n in (a.label, *a.aliases):
                words = norm(n).split()
                if len(words) > 1:
                    given.add(words[0])
                    family.add(words[-1])
        self._given_names = frozenset(w for w in given if w not in self._agents)
        self._family_names = frozenset(w for w in family if w not in self._agents)
        for a in imported_actors:  # after the curated ones: a curated name wins
            # an imported entry named as a curated actor is that actor: its other names too
            # ("United States Congress" with "Senate", "Hezbollah" with "Hizb Allah")
            same = self._actors.get(norm(a.label))
            if same is not None and (same.terms or (same.kind == "person") != (
                    a.kind == "person") and a.kind != "group"):
                same = None  # another imported entry; a person and a body that share a name
            for n in (a.label, *a.aliases):
                self._actors.setdefault(norm(n), same or a)
        for name, iso3 in (imported_places or {}).items():
            c = self.countries.get(iso3)
            if c is not None:
                self._places.setdefault(name, c)
        self._holders: dict[tuple[str, str], list[tuple[Role, KnownActor]]] = {}
        for a in actors:
            for r in a.roles:
                canon = _POST_CANON.get(norm(r.post), norm(r.post))
                self._holders.setdefault((canon, r.of or ""), []).append((r, a))

    def country(self, name: str) -> Country | None:
        """A country by name, alias, ISO code, demonym or capital."""
        n = norm(name)
        if len(n) <= 3 and not name.strip()[:1].isupper():
            return None  # "us", "uk" in lower case are words, not countries
        hit = self._names.get(n) or self._capitals.get(n) or self._demonyms.get(n)
        if hit is None and name.strip().isupper():
            hit = self._codes.get(name.strip().replace(".", ""))
        return hit

    def place(self, name: str) -> Country | None:
        """The country a place is in: a country name, capital or major city ("Kirkuk")."""
        if not name.strip()[:1].isupper():
            return None
        return self.country(name) or self._places.get(norm(name))

    def country_by_code(self, iso3: str) -> Country | None:
        return self.countries.get(iso3)

    def is_capital(self, name: str) -> Country | None:
        return self._capitals.get(norm(name))

    def demonym(self, word: str) -> Country | None:
        if not word.strip()[:1].isupper():
            return None
        return self._demonyms.get(norm(word))

    def agent(self, term: str) -> AgentTerm | None:
        """The agent-table entry of a noun or title (tries the singular too)."""
        n = norm(term)
        hit = self._agents.get(n)
        if hit is None and n.endswith("s"):
            hit = self._agents.get(n[:-1]) or (self._agents.get(n[:-2]) if n.endswith("es") else None)
        return hit

    def agent_ruled_out(self, last: str, person: bool = False) -> bool:
        """True when `agent` finds no term (with `person`: no person's term) for any phrase
        ending in the word `last` (the phrase is `last`, or ends in a space and `last`); False
        when it may. Lets a caller skip the look-ups of many phrases that end alike.

        Only a `last` of lower-case letters and digits is ruled out: `norm` leaves such a word
        as it is, so it is the last word of the phrase's normal form, and it is ruled out when
        it is no term's last word, nor one with "s" or "es" after it (`agent` tries those
        singulars).

        >>> gaz = load_gazetteer()
        >>> gaz.agent_ruled_out("table"), gaz.agent_ruled_out("ministers", person=True)
        (True, False)
        """
        if not _PLAIN.fullmatch(last) or " " in last:
            return False
        ends = self._agent_ends.get(person)
        if ends is None:
            words = {key.rpartition(" ")[2] for key, term in self._agents.items()
                     if term.person or not person}
            ends = frozenset(w + tail for w in words for tail in ("", "s", "es"))
            self._agent_ends[person] = ends
        return last not in ends

    def group_name(self, sector: str | None, iso3: str) -> str | None:
        """The name of state `iso3`'s generic group of CAMEO `sector` (`sectors.csv`), or None
        when the sector or the state is not known.

        >>> load_gazetteer().group_name("CVL", "USA")
        'American civilians'
        """
        group = self._sector_groups.get((sector or "").upper())
        state = self.countries.get(iso3)
        if group is None or state is None:
            return None
        return f"{(state.demonyms or (state.name,))[0]} {group}"

    def state_branch(self, actor: KnownActor) -> bool:
        """Whether an actor of the dictionaries is a state's branch as such, no body of its
        own: coded exactly state + sector, and named by a name of the state and an agent noun
        of that sector ("United States Military" [USAMIL], "Afghan National Security Forces"
        [AFGMIL]); a mention of it is then the branch's generic node ("American military").
        A person's post ("US Secretary of State") is no branch.

        >>> gaz = load_gazetteer()
        >>> gaz.state_branch(gaz.actor("United States Military"))
        True
        """
        return self._state_reading(actor)[0]

    def state_post(self, actor: KnownActor) -> tuple[str, str] | None:
        """(post, ISO3) when an actor of the dictionaries that is no person names a state's
        post ("President of the United States", "US Secretary of Defense" [USAGOV...]): a
        mention of it is whoever held the post that day (`holder`).

        >>> gaz = load_gazetteer()
        >>> gaz.state_post(gaz.actor("President of the United States"))
        ('President', 'USA')
        """
        return self._state_reading(actor)[1]

    def _state_reading(self, actor: KnownActor) -> tuple[bool, tuple[str, str] | None]:
        """(`state_branch`, `state_post`) of an actor, read once per actor (a mention of it
        asks for both)."""
        reading = self._branches.get(actor.key)
        if reading is None:
            reading = self._branches[actor.key] = self._read_state_name(actor)
        return reading

    def _read_state_name(self, actor: KnownActor) -> tuple[bool, tuple[str, str] | None]:
        country = actor.country
        if actor.kind == "person" or not actor.terms or not country:
            return False, None
        label = actor.label
        head, of, tail = label.rpartition(" of ")  # "President of the United States"
        if of:
            state = self.country(tail[4:] if tail.lower().startswith("the ") else tail)
            agent = self.agent(head)
            if state is not None and state.iso3 == country and agent is not None and agent.person:
                return False, (head, country)
        words = label.split()  # "United States Military", "US Secretary of Defense"
        for k in range(1, min(4, len(words))):
            state = self.country(" ".join(words[:k]))
            if state is not None:
                rest = " ".join(words[k:])
                agent = self.agent(rest)
                if state.iso3 != country or agent is None:
                    return False, None
                if agent.person:
                    return False, (rest, country)
                return (actor.code == f"{country}{actor.sector or ''}" and len(actor.code) == 6
                        and agent.sector == actor.sector), None
        return False, None

    def actor(self, name: str) -> KnownActor | None:
        """A curated actor by full name or alias."""
        return self._actors.get(norm(name))

    def name_word(self, word: str, position: str) -> bool:
        """Whether `word` is the first (`position` "given") or last ("family") word of a known
        person's name, and no agent noun ("President" begins many names).

        >>> gaz = load_gazetteer()
        >>> gaz.name_word("Mary", "given"), gaz.name_word("president", "given")
        (True, False)
        """
        names = self._given_names if position == "given" else self._family_names
        return norm(word) in names

    def actors_with_surname(self, surname: str) -> list[KnownActor]:
        return list(self._surnames.get(norm(surname), ()))

    def holder(self, post: str, of: str, on: dt.date) -> KnownActor | None:
        """Who held `post` ("President", "foreign minister") of `of` (ISO3) on a date."""
        canon = _POST_CANON.get(norm(post), norm(post))
        held = [(role, actor) for role, actor in self._holders.get((canon, of), ())
                if (role.start is None or role.start <= on) and (role.end is None or on <= role.end)]
        # the post as asked beats a synonym: "President" of China in 2013 is Hu, not the new Leader Xi
        exact = [actor for role, actor in held if norm(role.post) == norm(post)]
        return exact[0] if exact else (held[0][1] if held else None)


_COUNTRY_COLUMNS = ("iso3", "iso2", "name", "aliases", "demonyms", "capital", "cities", "wikidata")
_AGENT_COLUMNS = ("term", "sector", "kind", "person", "plural")


def parse_countries(text: str, name: str = "kg/data/countries.csv") -> list[Country]:
    """Parse the country CSV; a name, alias, demonym, capital or city used by two rows is an error."""
    out = []
    owner: dict[str, tuple[str, int]] = {}
    for lineno, row in _rows(text, name, _COUNTRY_COLUMNS):
        iso3 = row["iso3"].strip()
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            raise DataFileError(f"{name}:{lineno}: bad ISO3 code {iso3!r}")
        c = Country(iso3, row["iso2"].strip(), row["name"].strip(), _split(row["aliases"]),
                    _split(row["demonyms"]), _split(row["capital"]), _split(row["cities"]),
                    row["wikidata"].strip() or None)
        for n in (c.iso3, c.name, *c.aliases, *c.demonyms, *c.capital, *c.cities):
            prev = owner.setdefault(norm(n), (iso3, lineno))
            if prev[0] != iso3:
                raise DataFileError(f"{name}:{lineno}: {n!r} already names {prev[0]} (line {prev[1]}); "
                                    "a name may point to one country only: remove one of them")
        out.append(c)
    return out


def parse_agents(text: str, name: str = "kg/data/agents.csv") -> list[AgentTerm]:
    """Parse the agent-noun CSV (term, sector, kind, person, plural)."""
    out = []
    for lineno, row in _rows(text, name, _AGENT_COLUMNS):
        if row["kind"] not in ACTOR_KINDS:
            raise DataFileError(f"{name}:{lineno}: unknown kind {row['kind']!r}; use one of {ACTOR_KINDS}")
        if row["person"].strip() not in ("0", "1") or row["plural"].strip() not in ("0", "1"):
            raise DataFileError(f"{name}:{lineno}: person and plural must be 0 or 1")
        out.append(AgentTerm(row["term"].strip().lower(), row["sector"].strip(), row["kind"],
                             row["person"].strip() == "1", row["plural"].strip() == "1"))
    return out


def _load_countries() -> list[Country]:
    return parse_countries(_data_text("countries.csv"))


def _load_agents() -> list[AgentTerm]:
    return parse_agents(_data_text("agents.csv"))


def parse_sector_groups(text: str, name: str = "kg/data/sectors.csv") -> dict[str, str]:
    """Parse `sectors.csv`: CAMEO sector code -> the name of a state's group of it."""
    out: dict[str, str] = {}
    for lineno, row in _rows(text, name, ("sector", "group")):
        where = f"{name}:{lineno}"
        code, group = row["sector"].strip().upper(), row["group"].strip()
        if not code or not group:
            raise DataFileError(f"{where}: empty sector or group; give both")
        if code in out:
            raise DataFileError(f"{where}: sector {code} listed twice; keep one line")
        out[code] = group
    return out


def _actor_records(text: str, name: str):
    """(`file:line`, record) of each object line of an actor JSONL, checked."""
    keys: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith(("#", "//")):
            continue
        where = f"{name}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataFileError(f"{where}: invalid JSON ({err.msg}, column {err.colno})") from err
        if not isinstance(rec, dict) or not rec.get("key") or not rec.get("label"):
            raise DataFileError(f"{where}: each line needs an object with 'key' and 'label'")
        if rec.get("kind") not in ACTOR_KINDS:
            raise DataFileError(f"{where}: unknown kind {rec.get('kind')!r}; use one of {ACTOR_KINDS}")
        if rec["key"] in keys:
            raise DataFileError(f"{where}: duplicate key {rec['key']!r}")
        keys.add(rec["key"])
        if not isinstance(rec.get("roles") or [], list) or not all(
                isinstance(r, dict) and r.get("post") for r in rec.get("roles") or ()):
            raise DataFileError(f"{where}: 'roles' must be a list of objects, each with a 'post'")
        yield where, rec


def _known_actor(rec: dict, where: str, names: tuple[str, ...] | None = None) -> KnownActor:
    roles = tuple(Role(post=r["post"], of=r.get("of"), start=_date(r.get("start"), where),
                       end=_date(r.get("end"), where)) for r in rec.get("roles") or ())
    label, aliases = (names[0], names[1:]) if names else (rec["label"], tuple(rec.get("aliases") or ()))
    terms = tuple((t["code"], _date(t.get("start"), where), _date(t.get("end"), where))
                  for t in rec.get("terms") or ())
    return KnownActor(rec["key"], label, rec["kind"], rec.get("country"), rec.get("sector"),
                      rec.get("code"), rec.get("wikidata"), aliases, roles, terms)


def parse_actors(text: str, name: str = "kg/data/actors.jsonl") -> list[KnownActor]:
    """Parse the curated-actor JSONL (comments start with # or //)."""
    return [_known_actor(rec, where) for where, rec in _actor_records(text, name)]


def _load_actors(name: str = "actors.jsonl") -> list[KnownActor]:
    path = resources.files("kg").joinpath("data", name)
    if not path.is_file():
        return []
    return parse_actors(path.read_text(encoding="utf-8"), f"kg/data/{name}")


_TITLE_WORDS = frozenset("mr mr. mrs mrs. ms dr dr. gen gen. sheikh sir lord lady general senator".split())


def parse_imported_actors(text: str, name: str = "kg/data/petrarch_actors.jsonl",
                          titles: Collection[str] = ()) -> list[KnownActor]:
    """The imported actors that may answer a name, with the names they may answer to.

    Imported people are many and their names are often short, so only safe ones are kept:
    a person is kept when one of their CAMEO codes is undated or still open at the end of the
    import (PETRARCH codes a person outside their dated terms only by an undated code), and
    answers only to names of two words or more that do not open with a title ("King
    Hassan", "President Obama": the title belongs to whoever holds it in the article).
    `titles` are the words and phrases that count as titles (the agent table's person terms).
    """
    out = []
    for where, rec in _actor_records(text, name):
        names = None
        if rec["kind"] == "person":
            if not any(t.get("end") is None for t in rec.get("terms") or ()):
                continue
            names = tuple(n for n in (rec["label"], *(rec.get("aliases") or ()))
                          if len(n.split()) >= 2 and not _titled(n, titles))
            if not names:
                continue
        out.append(_known_actor(rec, where, names))
    return out


def _titled(name: str, titles: Collection[str]) -> bool:
    words = norm(name).split()
    return words[0] in _TITLE_WORDS or any(" ".join(words[:k]) in titles for k in (1, 2, 3))


def parse_imported_agents(text: str, name: str = "kg/data/petrarch_agents.csv") -> list[AgentTerm]:
    """Parse an imported agent CSV: the columns of `agents.csv` plus `source`."""
    out = []
    for lineno, row in _rows(text, name, (*_AGENT_COLUMNS, "source")):
        if row["kind"] not in ACTOR_KINDS:
            raise DataFileError(f"{name}:{lineno}: unknown kind {row['kind']!r}; use one of {ACTOR_KINDS}")
        out.append(AgentTerm(row["term"].strip().lower(), row["sector"].strip(), row["kind"],
                             row["person"].strip() == "1", row["plural"].strip() == "1"))
    return out


def parse_imported_places(text: str, countries: dict[str, Country],
                          name: str = "kg/data/petrarch_countries.csv") -> dict[str, str]:
    """Normalised place name -> ISO3 from an imported state-name CSV (name, iso3, source).

    A name that the curated countries give to another state, or that the import gives to two
    states, is left out (an imported name only fills gaps)."""
    curated = {}
    for c in countries.values():
        for n in (c.name, *c.aliases, *c.demonyms, *c.capital, *c.cities):
            curated.setdefault(norm(n), c.iso3)
    out: dict[str, str] = {}
    clash: set[str] = set()
    for lineno, row in _rows(text, name, ("name", "iso3", "source")):
        iso3 = row["iso3"].strip()
        if iso3 not in countries:
            raise DataFileError(f"{name}:{lineno}: {iso3!r} is not a state of countries.csv; rerun the importer")
        n = norm(row["name"])
        if len(n) < 3 or n in curated:
            continue
        if out.setdefault(n, iso3) != iso3:
            clash.add(n)
    return {n: iso3 for n, iso3 in out.items() if n not in clash}


def _data_file(name: str) -> str:
    path = resources.files("kg").joinpath("data", name)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _cache_key() -> list[bytes]:
    """What the gazetteer is built from: every bundled data file and the code of this module
    and of the types it holds (a change to any makes a new cache entry)."""
    data = resources.files("kg").joinpath("data")
    files = sorted((f for f in data.iterdir() if f.is_file()), key=lambda f: f.name)
    return [f.name.encode("utf-8") + b"\0" + f.read_bytes() for f in files] + [
        Path(__file__).read_bytes(), Path(types_module.__file__).read_bytes()]


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The bundled gazetteer (loaded once per process): curated files first, imported ones
    after; read from the user's cache (`kg.cache`) once a process has built it (0.1 s instead
    of 0.3 s, on the path of every build worker before its first article)."""
    from kg.cache import cached

    return cached("gazetteer", _cache_key(), _build_gazetteer)


def _build_gazetteer() -> Gazetteer:
    countries = _load_countries()
    by_code = {c.iso3: c for c in countries}
    agents_text = _data_file("petrarch_agents.csv")
    places_text = _data_file("petrarch_countries.csv")
    agents = _load_agents()
    titles = {norm(a.term) for a in agents if a.person}
    actors_text = _data_file("petrarch_actors.jsonl")
    return Gazetteer(
        countries, agents, _load_actors(),
        imported_actors=parse_imported_actors(actors_text, titles=titles) if actors_text else [],
        imported_agents=parse_imported_agents(agents_text) if agents_text else [],
        imported_places=parse_imported_places(places_text, by_code) if places_text else {},
        sector_groups=parse_sector_groups(_data_text("sectors.csv")),
    )
