"""Actor mentions: find the actors a noun phrase names and resolve them to canonical actors.

Resolution order for a phrase: a named entity (person, organisation, place) looked up in the
gazetteer (curated actors, countries, capitals, demonyms); else an agent noun ("police",
"rebels", "the president") typed by the agent table, with its country read from the phrase's
modifiers; else a pronoun, resolved to the most recent compatible actor (coreference).
"""
from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.gazetteer import Gazetteer
from kg.datafiles import word_map, word_set
from kg.nlp import doc_text, span_text, token_columns
from kg.places import Place, find_place
from kg.types import Actor, Role

__all__ = ["ActorTable", "ActorFinder"]

_PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
_GROUP_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
_THING_PRONOUNS = {"it", "its", "itself"}
_PRONOUNS = frozenset(_PERSON_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS)
_SPEAKER_PRONOUNS = {"i", "me", "my", "we", "us", "our"}
#: first-person pronouns that, outside quotations, are the issuing institution's voice
_ISSUER_PRONOUNS = {"we", "us", "our"}
_PHRASE_DEPS = {"compound", "amod", "nmod", "poss", "det", "nummod", "quantmod", "case", "punct", "prep", "pobj", "appos", "flat"}
_APOSTROPHE_S = re.compile(r"[’']s$")
_QUANTITIES = {"thousand", "thousands", "hundred", "hundreds", "dozen", "dozens", "ten", "tens",
               "million", "millions", "group", "number", "members", "member", "some", "many", "most",
               "all", "part", "one", "two", "three", "several", "scores", "score", "majority", "band",
               "crowd", "crowds", "batch", "patch", "contingent", "unit", "delegation", "team",
               "deployment", "detachment", "column", "convoy", "half", "third", "quarter",
               "percent", "rest", "remainder", "bulk"}
#: words that, hyphenated before a country's name, make a stance towards it ("anti-Syria")
_STANCE_WORDS = {"anti", "pro"}
_STANCE_PREFIXES = ("anti-", "pro-")
#: participles that, hyphenated after a country's name, make it a sponsor ("US-backed")
_BACKER_WORDS = {"backed", "sponsored", "supported", "funded", "armed", "trained", "allied", "aligned"}
#: generational suffixes of personal names ("Lloyd J. Austin III", "Gilberto Teodoro Jr.")
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
#: vessels and aircraft: one of a state ("an Indian-flagged fishing vessel", "Russian
#: warships") stands for that state as a side of an act
_CRAFT = {"ship", "vessel", "boat", "warship", "freighter", "trawler", "frigate", "destroyer",
          "submarine", "aircraft", "airliner", "plane", "jet", "helicopter", "drone"}
#: nouns by which a text refers back to a named organisation ("Hezbollah ... the group said")
_BODY_ANAPHORS = {"group", "organization", "organisation", "movement", "militia", "faction"}
#: modifiers that make such a noun a new body of several states, not the one named before
_NOT_ANAPHORIC = {"international", "multinational", "foreign", "allied", "western", "global", "other",
                  "new", "another", "second", "rival"}
#: kinds of named actor such a noun refers back to
_BODY_KINDS = {"armed_group", "organisation", "party", "criminal", "ngo", "igo"}
#: words of a title that make it a local office (held at home: local officials do not travel)
_LOCAL_OFFICE = {"regional", "provincial", "municipal", "district", "county", "local", "city"}
_GOV_KINDS = {"government", "military", "police", "judiciary", "legislature"}
#: a one-word name (PERSON or ORG to the tagger) after a preposition of place that is a city
#: at least this big is the city
_NAMED_TOWN = 100_000
_PLACE_PREPS = {"in", "at", "from", "to", "near", "outside", "into", "across", "around", "toward",
                "towards", "inside"}


#: first words of the name of a body that calls itself international
_INTERNATIONAL_WORDS = {"international", "world", "global", "transnational"}


@dataclass(slots=True)
class _ActorBuilder:
    key: str
    label: str
    kind: str
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    wikidata: str | None = None
    aliases: set[str] = field(default_factory=set)
    roles: dict[tuple, Role] = field(default_factory=dict)
    mentions: int = 0
    named: str | None = None  # a people's or a party's name ("sunni muslim"), in its key
    faith: str | None = None  # a people's religion code ("MUS", `petrarch_religions.csv`)

    def freeze(self) -> Actor:
        code = self.code or _actor_code(self.kind, self.country, self.sector, self.faith)
        roles = tuple(sorted(self.roles.values(), key=lambda r: (r.post, r.of or "")))
        return Actor(key=self.key, label=self.label, kind=self.kind, country=self.country,
                     sector=self.sector, code=code, wikidata=self.wikidata,
                     aliases=tuple(sorted(self.aliases - {self.label})), roles=roles,
                     mentions=max(self.mentions, 1))


def _actor_code(kind: str, country: str | None, sector: str | None,
                faith: str | None = None) -> str | None:
    """The CAMEO-style code: country + sector ("IRQMIL"), a people of a religion's country +
    religion ("IRQCHR"), "IGO" + sector, or the sector of a countryless group ("REB"). An ethnic
    or religious group of no known country has none: "ETH" is no CAMEO actor code (CAMEO codes
    ethnicity apart from the actor), and "ETH", "MUS" read as the first three letters of a code
    are Ethiopia's and Mauritius' ISO codes."""
    if kind == "state":
        return country
    if kind == "igo":
        return "IGO" + (sector or "")
    if country:
        return country + (faith or sector or "")
    return None if sector in _PEOPLE_SECTORS else sector


#: sectors of a people (ethnic, religious), named for the people ("Kurds", "Sunni Muslims")
_PEOPLE_SECTORS = frozenset({"ETH", "REL"})


@functools.lru_cache(maxsize=1)
def _faiths() -> dict[str, str]:
    """Word for a religion's people -> its CAMEO religion code (`petrarch_religions.csv`, and
    the curated `religion_words.csv`, which wins)."""
    return {**word_map("petrarch_religions.csv", ("word", "code", "source"), "word", "code"),
            **word_map("religion_words.csv", ("word", "code"), "word", "code")}


def _parties() -> dict[str, str]:
    """Member noun -> the name of the party (`party_members.csv`)."""
    return word_map("party_members.csv", ("member", "party", "state"), "member", "party")


def _party_states() -> dict[str, str]:
    """Member noun -> the state whose party the bare noun names ("" for none)."""
    return word_map("party_members.csv", ("member", "party", "state"), "member", "state")


def _party_member(name: str) -> str | None:
    """The member noun of a party of `party_members.csv` a name names ("Democratic Party",
    "Democrat Party" -> "democrat"), else None."""
    words = name.lower().split()
    if len(words) != 2 or words[1] != "party":
        return None
    if _singular(words[0]) in _parties():
        return _singular(words[0])
    return next((m for m, p in _parties().items() if p.lower() == name.lower()), None)


def _singular(word: str) -> str:
    """A people's or a member's noun in the singular, lower case ("Kurds" -> "kurd")."""
    w = word.lower()
    if w.endswith("ies") and w[:-3] + "y" in _parties():
        return w[:-3] + "y"  # "Tories"
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _plural(word: str) -> str:
    """The people of a name's last word ("Kurd" -> "Kurds"; "Rohingya", "Druze" stay)."""
    return word if word.endswith(("a", "ze", "s")) else word + "s"


def _people_label(named: str) -> str:
    """The label of a people from its name in a key ("sunni muslim" -> "Sunni Muslims")."""
    words = [w[:1].upper() + w[1:] for w in named.split()]
    return " ".join([*words[:-1], _plural(words[-1])])


def _key(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def _defined_acronym(ent: Span) -> str | None:
    """The acronym an entity is glossed with, in parentheses right after it or at its own end
    (the tagger may take "(OFAC" in): one whose letters are mostly the initials of the name's
    capitalised words, starting with one ("Office of Foreign Assets Control (OFAC)")."""
    doc = ent.doc
    words = list(ent)
    if len(words) >= 3 and words[-2].text == "(":
        acronym, words = words[-1].text, words[:-2]
    elif ent.end + 2 < len(doc) and doc[ent.end].text == "(" and doc[ent.end + 2].text == ")":
        acronym = doc[ent.end + 1].text
    else:
        return None
    if not (2 <= len(acronym) <= 8 and acronym.isalpha() and acronym.isupper()):
        return None
    initials = {w.text[0].upper() for w in words if w.text[:1].isupper()}
    if len(words) < 2 or acronym[0] not in initials or sum(c in initials for c in acronym) * 2 < len(acronym):
        return None
    return acronym


_NAME_LINKS = {"the", "of", "for", "and", "on", "in", "de", "&"}


def _initials(ent: Span) -> str | None:
    """The initials of a name of at least three capitalised words ("International Olympic
    Committee" -> "IOC", "Office of Foreign Assets Control" -> "OFAC"), else None."""
    words = [t.text for t in ent if t.text.lower() not in _NAME_LINKS and t.text[:1].isalpha()]
    if len(words) < 3 or not all(w[0].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def _without_initials(name: str) -> str:
    """A person's name without its middle initials ("Janet L. Yellen" -> "Janet Yellen")."""
    parts = name.split()
    if len(parts) < 3:
        return name
    return " ".join([parts[0], *(p for p in parts[1:-1] if len(p.rstrip(".")) > 1), parts[-1]])


@functools.lru_cache(maxsize=1 << 16)  # a pure function, asked for the same names again and again
def _norm_name(text: str) -> str:
    text = re.sub(r"\s*\([^)]*$", "", text.strip())  # "Office of ... Control (OFAC": the gloss cut
    text = _APOSTROPHE_S.sub("", text.strip())
    text = re.sub(r"\s+", " ", text)
    return text.strip(" ,.;:\"“”‘’'()-—")


#: a leading definite article, which the tagger takes into some mentions of a body's name
_ARTICLE = re.compile(r"^the\s+(?=\S)", re.I)


def _without_article(name: str) -> str:
    """A body's name without the definite article the tagger took into some of its mentions
    ("the Muslim Brotherhood", "The Justice Project"): one body, one key and label, whichever
    mention came first."""
    return _ARTICLE.sub("", name)


class ActorTable:
    """The actors of one article, keyed canonically, with their mentions counted."""

    def __init__(self, gazetteer: Gazetteer, date: dt.date | None, scope: str = "") -> None:
        self.gaz = gazetteer
        self.date = date
        self.scope = scope  # the article id: keys of actors that are only known locally
        self.actors: dict[str, _ActorBuilder] = {}
        self.surnames: dict[str, str] = {}
        self.skip_names: set[str] = set()  # e.g. the publisher: never an actor of its own news
        self.home: str | None = None  # the state the article is about (kg.extract.context)
        self.states_named: frozenset[str] = frozenset()  # every state the article names (ditto)
        self.scene: str | None = None  # the state named in most of its mentions of states
        self.redirect: dict[str, str] = {}  # keys of actors merged into another (coreference)

    # -- registration -------------------------------------------------------------------
    def _get(self, key: str, label: str, kind: str, **attrs) -> _ActorBuilder:
        b = self.actors.get(key)
        if b is None:
            b = self.actors[key] = _ActorBuilder(key=key, label=label, kind=kind)
        for name, value in attrs.items():
            if value and not getattr(b, name):
                setattr(b, name, value)
        return b

    def state(self, iso3: str, alias: str | None = None) -> str:
        country = self.gaz.country_by_code(iso3)
        label = country.name if country else iso3
        b = self._get(iso3, label, "state", country=iso3,
                      wikidata=getattr(country, "wikidata", None) or None)
        if alias:
            # an alias names the state: the word that led to it ("boats" the Americans used,
            # "Mexico" of "New Mexico", "Korean") is no name of it, and as one it would make
            # `actor=Mexico` match the United States
            alias = _norm_name(alias)
            named = self.gaz.country(alias)
            if named is not None and named.iso3 == iso3:
                b.aliases.add(alias)
        b.mentions += 1
        return iso3

    def known(self, known, alias: str | None = None) -> str:
        """Register a curated actor (a `kg.gazetteer.KnownActor`); an imported one with dated
        codes carries the code it had on the article's date (the office held then). A state's
        branch as such (`Gazetteer.state_branch`) is the branch's generic node, a state's post
        (`Gazetteer.state_post`) the person who held it on the article's date, if known."""
        if known.kind in _GOV_KINDS and known.terms and self.gaz.state_branch(known):
            return self.group(alias or known.label, known.kind, known.sector, known.country)
        chamber = _without_article(_norm_name(alias or "")) if known.kind == "legislature" else ""
        if (chamber and " " not in chamber and known.country and self.home
                and self.home != known.country and known.country not in self.states_named):
            # "the Senate", "the House", "Congress" named bare: a chamber of the state the
            # article is about, unless the article names the state whose chamber the
            # dictionaries mean ("Senate" of a story about Thailand is Thailand's)
            return self.group(chamber, "legislature", "LEG", self.home)
        post = self.gaz.state_post(known) if known.terms and self.date else None
        if post is not None:
            # "President of the United States": whoever held the post that day, when known
            holder = self.gaz.holder(post[0], post[1], self.date)
            if holder is not None:
                return self.known(holder, alias)
        country, sector, code = known.country, known.sector, known.code
        if known.terms:
            code = known.code_on(self.date)
            if code and code != known.code:
                head = code[:3]
                country, sector = (head, code[3:6] or None) if self.gaz.country_by_code(head) else (None, head)
        current = [r for r in known.roles if self._role_current(r)]
        if known.kind == "person" and current and all(
                r.of and self.gaz.country_by_code(r.of) is None for r in current):
            country = None  # a U.N. secretary-general in office acts for the U.N., not his state
        b = self._get(known.key, known.label, known.kind, country=country,
                      sector=sector, code=code, wikidata=known.wikidata)
        for role in known.roles:
            if self._role_current(role):
                b.roles[(role.post, role.of, role.start)] = role
        if alias:
            b.aliases.add(_norm_name(alias))
        b.mentions += 1
        if known.kind == "person":
            self.surnames.setdefault(known.label.split()[-1].lower(), known.key)
        return known.key

    def _role_current(self, role: Role) -> bool:
        if self.date is None:
            return role.end is None
        return (role.start is None or role.start <= self.date) and (
            role.end is None or role.end >= self.date)

    def person(self, name: str, *, country: str | None = None, sector: str | None = None,
               title: str | None = None, of: str | None = None) -> str:
        name = _norm_name(name)
        known = self.gaz.actor(name) or self.gaz.actor(_without_initials(name))
        if known is not None and known.kind == "person":
            key = self.known(known, name)
        else:
            parts = name.split()
            key = None
            if len(parts) == 1:
                key = self.surnames.get(parts[0].lower())
                if key is None:
                    cands = [a for a in self.gaz.actors_with_surname(parts[0])
                             if any(self._role_current(r) for r in a.roles)]
                    if len(cands) == 1:
                        key = self.known(cands[0], name)
                        return self._add_role(key, title, of, country, sector)
            if key is None:
                key = "person-" + _key(name)
                self.surnames.setdefault(parts[-1].lower(), key)
            b = self._get(key, name, "person", country=country, sector=sector)
            b.aliases.add(name)
            b.mentions += 1
        return self._add_role(key, title, of, country, sector)

    def _add_role(self, key: str, title: str | None, of: str | None,
                  country: str | None, sector: str | None) -> str:
        b = self.actors[key]
        if country and not b.country:
            b.country = country
        elif country and b.country and country != b.country and not of:
            country = b.country  # a person's title is in the state they are known for
        if sector and not b.sector:
            b.sector = sector
        if title:
            title = title.strip()
            title = title[:1].upper() + title[1:]
            if not any(r.post.lower() == title.lower() for r in b.roles.values()):
                b.roles[(title, of or country, None)] = Role(post=title, of=of or country)
        return key

    def org(self, name: str, kind: str, *, country: str | None = None,
            sector: str | None = None) -> str:
        name = _without_article(_norm_name(name))
        member = _party_member(name) if kind == "party" else None
        if member is not None:
            # "the Democratic Party", "the Democrat Party": the party its members are named for
            return self.party_members(member, name, country or _party_states()[member] or None)
        key = f"{kind}-{_key(name)}"
        if kind in _GOV_KINDS:
            # "the Defense Ministry", "the Supreme Court": a branch's name is generic, the same
            # body only within one state (or, with no state known, within the article)
            key += f"-{country.lower()}" if country else f"-in-{_key(self.scope)}"
        b = self._get(key, name, kind, country=country, sector=sector)
        b.aliases.add(name)
        b.mentions += 1
        return key

    def group(self, text: str, kind: str, sector: str | None, country: str | None) -> str:
        """A generic group typed by sector ("drug cartels", "Iraqi police")."""
        # a generic group of no known country is only the same group within one article
        key = f"group-{(sector or kind).lower()}-" + (country.lower() if country else f"in-{_key(self.scope)}")
        label = alias = _norm_name(text)
        if kind in _GOV_KINDS and country:
            # one node per state and branch, named the same in every article ("Syrian
            # military"), whatever phrase it was first met as (kept as an alias)
            key = f"{kind}-{country.lower()}"
            state = self.gaz.country_by_code(country)
            if state is not None:
                label = f"{(state.demonyms or (state.name,))[0]} {kind}"
        elif country:
            # a state's group of a sector is one node in every article too: named by both
            # ("American civilians" for "protesters", "voters", "mothers"), one rdfs:label
            label = self.gaz.group_name(sector, country) or label
        key = self.redirect.get(key, key)
        b = self._get(key, label, kind if kind in _GOV_KINDS else "group",
                      country=country, sector=sector)
        b.aliases.add(alias)
        b.mentions += 1
        return key

    def group_key(self, kind: str, sector: str | None, country: str | None,
                  named: str | None = None) -> str:
        """The key `group` gives a generic group of this kind, sector and country (`people`
        and `party_members` a people's or a party's, of this name)."""
        if kind in _GOV_KINDS and country:
            return f"{kind}-{country.lower()}"
        stem = f"group-{(sector or kind).lower()}-" + (f"{_key(named)}-" if named else "")
        if not country and named and sector in _PEOPLE_SECTORS:
            return stem.rstrip("-")  # a people is the same people in every article
        return stem + (country.lower() if country else f"in-{_key(self.scope)}")

    def _named_label(self, sector: str | None, named: str, country: str | None) -> str:
        """The label of a people ("Iraqi Christians") or a party ("Democratic Party (United
        States)") of this name and state."""
        state = self.gaz.country_by_code(country) if country else None
        if sector in _PEOPLE_SECTORS:
            people = _people_label(named)
            if state is None or {n.lower() for n in (state.name, *state.demonyms)} & {
                    w.lower() for w in people.split()}:
                return people  # "African Americans" of the United States
            return f"{(state.demonyms or (state.name,))[0]} {people}"
        party = _parties().get(named, named)
        return f"{party} ({state.name})" if state else party

    def people(self, name: str, country: str | None) -> str:
        """A people named by a noun for it ("Kurds", "Sunni Muslims", with its state: "Iraqi
        Christians"): one node per people and state (or per people, with no state), in every
        article; religious when a word names a religion's people (`petrarch_religions.csv`),
        coded with its state and religion (IRQCHR), else ethnic (IRQETH)."""
        named = " ".join(_singular(w) for w in name.split())
        faith = next((_faiths()[w] for w in reversed(named.split()) if w in _faiths()), None)
        sector = "REL" if faith else "ETH"
        key = self.redirect.get(k := self.group_key("group", sector, country, named), k)
        b = self._get(key, self._named_label(sector, named, country), "group", country=country, sector=sector,
                      named=named, faith=faith)
        b.aliases.add(_norm_name(name))
        b.mentions += 1
        return key

    def party_members(self, member: str, alias: str, country: str | None) -> str:
        """The party whose members a noun names ("Democrats": `party_members.csv`), of this state
        (placed later with the article's groups when not known yet)."""
        key = self.redirect.get(k := self.group_key("party", "PTY", country, member), k)
        b = self._get(key, self._named_label("PTY", member, country), "party", country=country, sector="PTY",
                      named=member)
        b.aliases.add(_norm_name(alias))
        b.mentions += 1
        return key

    def place_group(self, key: str, country: str) -> str:
        """Give a generic group of no country the country its context names: it becomes the
        group of that country (merged into it if the article already has it); returns its key.
        """
        b = self.actors[key]
        new = self.group_key(b.kind, b.sector, country, b.named)
        if new == key or not key.startswith("group-"):
            b.country = country
            return key
        label = b.label
        if b.named:
            label = self._named_label(b.sector, b.named, country)
        elif b.kind in _GOV_KINDS:
            state = self.gaz.country_by_code(country)
            if state is not None:
                label = f"{(state.demonyms or (state.name,))[0]} {b.kind}"
        else:
            label = self.gaz.group_name(b.sector, country) or label
        target = self._get(new, label, b.kind, country=country, sector=b.sector,
                           named=b.named, faith=b.faith)
        target.aliases.update(b.aliases | {b.label})
        target.mentions += b.mentions
        del self.actors[key]
        self.redirect[key] = new
        for old, to in list(self.redirect.items()):
            if to == key:
                self.redirect[old] = new
        return new

    def frozen(self) -> tuple[Actor, ...]:
        return tuple(b.freeze() for b in sorted(self.actors.values(), key=lambda b: b.key))

    def kind(self, key: str) -> str | None:
        b = self.actors.get(key)
        return b.kind if b else None

    def country(self, key: str) -> str | None:
        b = self.actors.get(key)
        return b.country if b else None


#: the dashes one of which (or a run of them: "--") follows "FILE" (or "FILE PHOTO") in the
#: marker of an archive photo's caption; a colon does too
_CAPTION_DASHES = frozenset("-–—")


#: what no name holds, in scraped pages' residue glued into the text (an embedded tweet's
#: script, "if (par && par.className === ...", a video player's "0:00:00-/0:01:08-▶-Direct
#: link-270p | 3.2MB"): the tagger names organisations and persons there; a single "&" is in
#: names ("Standard & Poor"), "&&" is not
_NOT_IN_NAMES = re.compile(r"&&|==|//|[{}=|;▶<>]|\d:\d\d")


def not_a_name(text: str) -> bool:
    """Whether `text` holds what no name holds: code or a media player's residue."""
    return _NOT_IN_NAMES.search(text) is not None


def place_nouns() -> frozenset[str]:
    """The nouns of kinds of place (`kg/data/place_nouns.csv`)."""
    return word_set("place_nouns.csv", "lemma")


def caption_marker_end(doc: Doc, i: int) -> int | None:
    """The index after the archive-photo caption marker that starts at token `i` ("FILE" in
    capitals, an optional "PHOTO", then a dash, a run of dashes or a colon), or None if none
    starts there."""
    return _marker_end(token_columns(doc).words, i)


def _marker_end(words: list[str], i: int) -> int | None:
    """`caption_marker_end` on the tokens' texts `words`."""
    n = len(words)
    if words[i] != "FILE":
        return None
    j = i + 1
    if j < n and words[j] == "PHOTO":
        j += 1
    if j < n and (words[j] == ":" or set(words[j]) <= _CAPTION_DASHES):
        return j + 1
    return None


def caption_markers(doc: Doc) -> set[int]:
    """The tokens of each archive-photo caption marker in `doc` (`caption_marker_end`). Wire
    copy glues such captions into the text; the tagger then reads "FILE - Raul Castro" as one
    organisation."""
    found: set[int] = set()
    words = token_columns(doc).words  # the tokens' texts, without a Token per token
    if "FILE" not in words:
        return found
    for i, word in enumerate(words):
        end = _marker_end(words, i) if word == "FILE" else None
        if end is not None:
            found.update(range(i, end))
    return found


class ActorFinder:
    """Resolves noun phrases of one parsed article to actor keys, with coreference."""

    def __init__(self, doc: Doc, table: ActorTable, skip: set[int] | None = None) -> None:
        self.doc = doc
        self.table = table
        self.gaz = table.gaz
        self.skip = set(skip or ())
        # an archive photo's caption marker ("FILE - Kurdish fighters ...") is no part of a name
        markers = caption_markers(doc)
        self.skip |= markers
        self.ent_of: dict[int, Span] = {}
        for ent in doc.ents:
            if "\n" in ent.text:
                continue
            start = ent.start
            while start < ent.end and start in markers:
                start += 1
            if start == ent.end:
                continue
            if start != ent.start:  # the tagger took the marker into the name
                ent = Span(doc, start, ent.end, label=ent.label_)
            for t in ent:
                self.ent_of[t.i] = ent
        self.cache: dict[int, tuple[str, ...]] = {}
        # the first token of each token's sentence (Token.sent rescans the parse each time)
        self.sent_start: list[int] = [0] * len(doc)
        for sent in doc.sents:
            self.sent_start[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
        # recency lists for coreference: (token index, key)
        self.history: list[tuple[int, str]] = []
        self.quote_speaker: dict[int, str] = {}
        self.speakers: dict[tuple[int, int], str] = {}  # quotation (start, end) -> speaker key
        self.quoted: set[int] = set()  # indices of the tokens inside any quotation
        self.places: dict[int, Place] = {}  # first token of a place entity -> its GeoNames place
        self.acronyms: dict[str, str] = {}  # "SAF" -> the actor "the Sudanese Armed Forces (SAF)" is
        self._nouns_by_lemma: dict[str, list[int]] | None = None  # see `_modified_nouns`
        self._countries: dict[int, str | None] = {}  # see `_country_token`

    # -- public -------------------------------------------------------------------------
    def scan(self) -> None:
        """Resolve every entity and agent noun in reading order (fills coreference history)."""
        doc = self.doc
        columns = token_columns(doc)  # no Token object per token and question
        pos, dep = columns.pos, columns.dep
        for sent in doc.sents:
            if not any(pos[i] in ("VERB", "AUX") for i in range(sent.start, sent.end)):
                continue  # datelines, bylines, headers
            for i in range(sent.start, sent.end):
                if i in self.skip:
                    continue
                ent = self.ent_of.get(i)
                if ent is not None and i == ent.root.i:
                    self.resolve(doc[i])
                elif ent is None and pos[i] in ("NOUN", "PROPN") and dep[i] != "compound":
                    self.resolve(doc[i])

    def bind_quote_speakers(self, spans: Iterable[tuple[int, int]], speech_lemmas: Collection[str],
                            verbal_lemmas: Collection[str] = ()) -> None:
        """The speaker of each quotation, read off the grammar: the subject of the verb of
        saying the quoted words hang from ("“...,” Trump told Fox"), kept in `speakers` by
        character span; first-person pronouns inside it ("we will hit them") stand for that
        speaker. Call after `scan`, so that speakers resolve in reading order like every other
        name."""
        spans = sorted(spans)
        found: dict[tuple[int, int], str] = {}
        tokens: dict[tuple[int, int], Span] = {}
        for start, end in spans:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            tokens[(start, end)] = span
            self.quoted.update(range(span.start, span.end))
            speaker = self._grammar_speaker(span, start, end, speech_lemmas)
            if speaker is not None:
                # the speaker a verb of saying gives also stands for "I" and "we" inside
                found[(start, end)] = speaker
                for t in span:
                    if t.lower_ in _SPEAKER_PRONOUNS:
                        self.quote_speaker[t.i] = speaker
                        self.cache[t.i] = (speaker,)
                continue
            with self._peeking():  # what the events read later is resolved as before
                speaker = self._grammar_speaker(span, start, end, {*speech_lemmas, *verbal_lemmas},
                                                any_clause=True) or self._according_to(span)
            if speaker is not None:
                found[(start, end)] = speaker
        # the speakers found otherwise name the quotation's speaker only: the first person inside
        # them was measured to bring more wrong events than right ones (VOA, 2026-12-06)
        self._continued_speakers(spans, tokens, found)
        self.speakers.update(found)

    @contextlib.contextmanager
    def _peeking(self):
        """Resolve phrases without leaving them in the cache or the coreference history."""
        cached, told = dict(self.cache), len(self.history)
        try:
            yield
        finally:
            self.cache = cached
            del self.history[told:]

    def _grammar_speaker(self, span: Span, start: int, end: int, speech_lemmas: Collection[str],
                         any_clause: bool = False) -> str | None:
        """The subject of the verb outside the quotation that the quoted words hang from: a verb
        of saying, or (`any_clause`) any verb whose complement clause the whole quotation is
        ("“...,” warned the agency's director", "“...,” Samira continued")."""
        for t in span:
            if t.is_punct or t.is_space:
                continue  # a quotation mark may hang from the sentence before
            verb, attach = t, t
            while verb.head.i != verb.i and start <= verb.idx < end:
                attach, verb = verb, verb.head
            if start <= verb.idx < end:
                continue
            if verb.lemma_.lower() not in speech_lemmas and not (
                    any_clause and verb.pos_ == "VERB" and attach.dep_ in ("ccomp", "parataxis")
                    and attach.left_edge.i >= span.start and attach.right_edge.i <= span.end):
                continue
            subject = next((c for c in verb.children if c.dep_ == "nsubj"
                            and not start <= c.idx < end), None)
            keys = self.resolve(subject) if subject is not None else ()
            if keys:
                return keys[0]
            if any_clause and subject is not None:
                name = self._untagged_speaker(subject)
                if name is not None:
                    return self._entity_key(name)
        return None

    def _untagged_speaker(self, head: Token) -> Span | None:
        """A capitalised name the tagger left untagged as the subject of a verb of saying
        ("..., Ruscher said", "said lawmaker Asaduddin Owaisi"): a person, as a PERSON span."""
        if head.pos_ != "PROPN" or not head.text[:1].isupper() or not head.is_alpha:
            return None
        start = head.i
        while start > 0 and self.doc[start - 1].dep_ == "compound" and self.doc[start - 1].head.i == head.i and (
                self.doc[start - 1].pos_ == "PROPN" and self.doc[start - 1].is_alpha
                and self.doc[start - 1].text[:1].isupper()):
            start -= 1
        span = Span(self.doc, start, head.i + 1, label="PERSON")
        text = span.text
        if (self.gaz.agent(head.lower_) or self.gaz.country(text) or self.gaz.place(text)
                or self.gaz.demonym(text) or self.gaz.actor(text)):
            return None
        return span

    def _according_to(self, span: Span) -> str | None:
        """"“...,” according to the indictment": the one the words are credited to, when
        "according to" follows the quotation or opens its sentence."""
        doc = self.doc
        i = span.end
        while i < len(doc) and doc[i].is_punct:
            i += 1
        at = [i] if i + 1 < len(doc) and self.sent_start[i] == self.sent_start[span.end - 1] else []
        first = self.sent_start[span.start]
        if first + 1 < span.start:
            at.append(first)
        for i in at:
            if doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
                obj = next((c for c in doc[i + 1].children if c.dep_ == "pobj"), None) or next(
                    (c for c in doc[i].children if c.dep_ == "pobj"), None)
                keys = self.resolve(obj) if obj is not None else ()
                if keys:
                    return keys[0]
        return None

    def _continued_speakers(self, spans: list[tuple[int, int]], tokens: dict[tuple[int, int], Span],
                            found: dict[tuple[int, int], str]) -> None:
        """A quotation with no speaker of its own that opens its sentence right after another
        quotation's sentence continues that speaker ("“...,” Adamu said. “We know that...”");
        a quoted paragraph left open and the quoted paragraph after it are one quotation, whichever
        of them names the speaker."""
        doc = self.doc
        ordered = [w for w in spans if w in tokens]
        for prev, cur in zip(ordered, ordered[1:]):
            a, b = tokens[prev], tokens[cur]
            # the text from the last token of one to the first of the next: the tokens tile it
            between_text = doc_text(doc)[doc[a.end - 1].idx:doc[b.start].idx]
            new_paragraph = "\n" in between_text
            left_open = a[-1].text[-1] not in "”\""
            if prev in found and cur not in found:
                if new_paragraph and not left_open:
                    continue
                opens = self.sent_start[b.start] == b.start or all(
                    doc[k].is_punct or doc[k].is_space for k in range(self.sent_start[b.start], b.start))
                last = self.sent_start[a.end - 1]
                between = {self.sent_start[k] for k in range(a.end, b.start)} - {last}
                if opens and not between - {b.start}:
                    found[cur] = found[prev]
            elif cur in found and prev not in found and left_open and new_paragraph and (
                    b.start - a.end <= 2):
                found[prev] = found[cur]

    def resolve(self, head: Token) -> tuple[str, ...]:
        """The actor keys a phrase headed by `head` names (several for coordination)."""
        if head.i in self.cache:
            return self.cache[head.i]
        if head.lemma_.lower() in _QUANTITIES:
            # "thousands of students", "a group of refugees", "members of the PLO"
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if obj is not None:
                self.cache[head.i] = self.resolve(obj)
                return self.cache[head.i]
        keys: list[str] = list(self._titled_referents(head))
        key = self._resolve_one(head) if not keys else None
        if key:
            keys.append(key)
            keys.extend(k for k in self._coordinated_countries(head, key) if k not in keys)
        for conj in head.conjuncts:
            if conj.i > head.i:
                k = self._resolve_one(conj)
                if k and k not in keys:
                    keys.append(k)
        result = tuple(keys)
        self.cache[head.i] = result
        for k in result:
            self.history.append((head.i, k))
        return result

    def _coordinated_countries(self, head: Token, key: str) -> list[str]:
        """"US and British forces", "Saudi and Iranian officials": the same kind of actor for
        each country coordinated in the modifier."""
        b = self.table.actors.get(key)
        if b is None or b.kind in ("state", "person") or not b.country:
            return []
        out = []
        for m in head.children:
            if m.dep_ not in ("amod", "compound", "nmod") or self._country_token(m) != b.country:
                continue
            for conj in m.conjuncts:
                c = self._country_token(conj)
                if c and c != b.country:
                    out.append(self.table.group(f"{conj.text} {head.text}", b.kind, b.sector, c))
        return out

    def country_in(self, head: Token, depth: int = 3, exclude: str | None = None) -> str | None:
        """The country named among the modifiers of a phrase ("Mexico's", "Iraqi", "in Darfur")."""
        for t in self._modifiers(head, depth):
            c = self._country_token(t)
            if c and c != exclude:
                return c
        return None

    def _ethnic(self, t: Token) -> bool:
        """"ethnic Albanian guerrillas": a demonym of ethnicity, not of the country."""
        return any(m.lower_ in ("ethnic", "ethnically") for m in t.children) or (
            t.i > 0 and token_columns(self.doc).words[t.i - 1].lower() in ("ethnic", "ethnically"))

    def place_in(self, head: Token) -> str | None:
        """The country of the place a phrase names ("the southern port of Basra", "Gaza")."""
        for t in [head, *head.subtree]:
            if self._stance_prefixed(t):
                continue  # "US-backed", "anti-Syria": no place
            ent = self.ent_of.get(t.i)
            if ent is not None and ent.label_ in ("GPE", "LOC", "FAC", "NORP"):
                place = self.geo_place(ent)
                c = self.gaz.place(ent.text) or self.gaz.place(_norm_name(ent.text))
                if c is not None:
                    return c.iso3
                if place is not None:
                    return place.country
            c = self._country_token(t)
            if c:
                return c
        return None

    def geo_place(self, ent: Span) -> Place | None:
        """The GeoNames place a GPE, LOC or FAC entity names (kept in `places`), preferring
        one in the article's state; a NORP entity too when it is no demonym ("in Culiacan")."""
        if ent.label_ not in ("GPE", "LOC", "FAC", "NORP") or (
                ent.label_ == "NORP" and self.gaz.demonym(_norm_name(ent.text))):
            return None
        if ent.start in self.places:
            return self.places[ent.start]
        name = _norm_name(ent.text)
        place = find_place(name, prefer=self.table.home) if name else None
        if place is not None:
            self.places[ent.start] = place
        return place

    def country_in_token(self, t: Token) -> str | None:
        """The country a single token names (name, alias, demonym, capital), if any."""
        return self._country_token(t)

    # -- internals ----------------------------------------------------------------------
    def _modifiers(self, head: Token, depth: int):
        stack = [(c, 1) for c in head.children]
        while stack:
            t, d = stack.pop(0)
            if t.dep_ in ("amod", "compound", "nmod", "poss", "prep", "pobj", "acl", "npadvmod"):
                yield t
                if d < depth:
                    stack.extend((c, d + 1) for c in t.children)

    def _country_token(self, t: Token) -> str | None:
        """The country token `t` names; remembered per token (it reads only the parse, the
        entities and the gazetteer, and is asked for the same tokens many times)."""
        if t.doc is not self.doc:
            return self._token_country(t)
        try:
            return self._countries[t.i]
        except KeyError:
            c = self._countries[t.i] = self._token_country(t)
            return c

    def _token_country(self, t: Token) -> str | None:
        ent = self.ent_of.get(t.i)
        text = ent.text if ent is not None and ent.label_ in ("GPE", "NORP", "LOC") else t.text
        c = (self.gaz.country(_norm_name(text)) or self.gaz.demonym(_norm_name(t.text))
             or (self.gaz.country(t.text) if text != t.text and t.pos_ == "PROPN" else None))
        if c is None and ent is not None and text == t.text and len(ent) > 1:
            # "Sri Lankan navy" with "Sri Lankan" tagged as an organisation
            c = self.gaz.demonym(_norm_name(ent.text))
        if c is None:
            return None
        # (asked only of a token that names a country: most name none)
        if ent is not None and ent.label_ == "PERSON" and self._part_of_personal_name(t, ent):
            return None  # "activist Mary Jordan", "Jordan Sekulow": a name, not the state
        if self._stance_prefixed(t) or self._ethnic(t):
            # "an anti-Syria journalist", "pro-Russian separatists" are not Syria's or Russia's;
            # "ethnic Albanian guerrillas" in Macedonia are not Albania's
            return None
        if t.i > 0 and t.doc[t.i - 1].text == "New":
            # "New Mexico Democratic Senator Tom Udall": a place named "New ..." is not the
            # country its last word names
            place = find_place(f"New {t.text}")
            if place is not None and place.country != c.iso3:
                return place.country
        return c.iso3

    def _part_of_personal_name(self, t: Token, ent: Span) -> bool:
        """Whether country-named token `t` of a person's name (`ent`) is a word of the name
        itself: the last after a known given name ("activist Mary Jordan"), or the first before
        a known surname ("Israel Katz", "Chad Wolf"), given and surnames being those of the
        curated and imported people. Else it says whose the person is ("Jordanian King
        Abdullah II", "Jordan's King Abdullah") or the tagger took a body for a person
        ("Amnesty Austria"), and the state stands. So does a capital: a "George Washington"
        tagged as a person is as often the university as the man."""
        if len(ent) < 2 or self.gaz.demonym(_norm_name(t.text)) is not None or (
                self.gaz.is_capital(t.text) is not None):
            return False
        if t.i == ent.end - 1:
            return self.gaz.name_word(t.doc[t.i - 1].text, "given")
        if t.i == ent.start:
            after = t.doc[t.i + 1]
            return after.pos_ == "PROPN" and self.gaz.name_word(after.text, "family")
        return False

    def _stance_prefixed(self, t: Token) -> bool:
        low = t.lower_
        if low.startswith(_STANCE_PREFIXES) and "-" in low:
            return True
        words = token_columns(self.doc).words  # (a token's lower_ is its text lower-cased)
        i = t.i
        if i + 2 < len(words) and words[i + 1] == "-" and self.gaz.demonym(words[i + 2]):
            return True  # "Cuban-American": the heritage, not the state (the last part is)
        if i + 2 < len(words) and words[i + 1] == "-" and words[i + 2].lower() in _BACKER_WORDS:
            return True  # "US-backed fighters", "Iranian-backed rebels" are not the backer's
        return i >= 2 and words[i - 1] == "-" and words[i - 2].lower() in _STANCE_WORDS

    def _title_before(self, ent: Span) -> tuple[str | None, str | None, str | None, str | None]:
        """(title, sector, country, employer key) from the words before a person's name."""
        head = ent.root
        left = [t for t in head.subtree if t.i < ent.start and t.dep_ not in ("det", "punct", "case")]
        for app in head.children:
            if app.dep_ == "appos":
                left.extend(t for t in app.subtree if t.dep_ not in ("det", "punct", "case"))
        words = [t.text for t in left]
        title = sector = country = employer = None
        low = [w.lower() for w in words]
        best = 0
        # the words that end no person's title: no phrase ending in one is looked up
        ruled_out = [self.gaz.agent_ruled_out(w, person=True) for w in low]
        for i in range(len(low)):
            for j in range(min(len(low), i + 5), i, -1):
                if ruled_out[j - 1]:
                    continue
                term = self.gaz.agent(" ".join(low[i:j]))
                if term is not None and term.person and j - i > best:
                    best, title, sector = j - i, " ".join(words[i:j]), term.sector
        for p in head.children:  # "King Hassan of Morocco", "Lula of Brazil"
            if p.dep_ == "prep" and p.lower_ == "of" and p.i > ent.end - 1:
                left.extend(o for o in p.children if o.dep_ == "pobj")
        for t in left:
            c = self._country_token(t)
            if c and not country:
                country = c
            e = self.ent_of.get(t.i)
            if e is not None and e.label_ == "ORG" and employer is None and t.i == e.root.i:
                known = self.gaz.actor(_norm_name(e.text))
                if known is not None and known.kind != "person":
                    employer = self.table.known(known, e.text)
                    if known.country and not country:
                        country = known.country
                    if not sector:
                        sector = known.sector
                elif known is None:
                    # "the United Nations Special Envoy for Yemen": an office of a known body
                    employer = self._known_body(e)
                    if employer is not None and not sector:
                        sector = self.table.actors[employer].sector
        if country is None and title is not None:
            # "the regional governor of Odesa", "the governor in Kirovohrad": the office's place
            country = next((c for t in left if t.ent_iob_ == "B"
                            and t.ent_type_ in ("GPE", "LOC", "ORG") for c in [self._place_of(t)]
                            if c), None)
        if country is None and title is not None and employer is None and self.table.home and any(
                t.lower_ in _LOCAL_OFFICE for t in left):
            # "information minister for regional Galmudug state", "the provincial governor": a
            # local office of no named state is one of the state the article is about
            country = self.table.home
        return title, sector, country, employer

    def _resolve_one(self, head: Token) -> str | None:
        if head.i in self.skip or not_a_name(head.text):
            return None
        ent = self.ent_of.get(head.i)
        if ent is not None and not_a_name(span_text(ent)):
            return None  # kept as an entity all the same: its words are no agent nouns either
        if ent is None:
            # a compound noun phrase like "U.S. President Donald Trump" has its name as head
            pass
        lower = head.text.lower()
        if head.pos_ == "PRON" or lower in _PRONOUNS:
            return self._pronoun(head)
        if ent is not None:
            return self._entity(ent)
        key = self.acronyms.get(head.text) if head.pos_ == "PROPN" else None
        if key is not None and key in self.table.actors:
            self.table.actors[key].mentions += 1
            return key  # an acronym the article defined, left untagged
        name = self._untagged_name(head)
        if name is not None:
            return self._entity(name)
        if head.pos_ in ("NOUN", "PROPN"):
            return self._agent_noun(head)
        return None

    @staticmethod
    def _names_place(ent: Span) -> bool:
        """Whether the name `ent` modifies a noun of a kind of place after it ("the Tariq
        al-Bab neighborhood", "the Bab al-Salameh border crossing"; `kg/data/place_nouns.csv`),
        or is what such a noun before it is "of" or stands beside ("the town of al-Bab")."""
        root = ent.root
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.i < ent.start:
            return root.head.head.lemma_.lower() in place_nouns()  # "the town of al-Bab"
        if root.dep_ == "appos" and root.head.i < ent.start:
            return root.head.lemma_.lower() in place_nouns()  # "the village, Julan"
        if root.dep_ != "compound" or root.head.i < ent.end:
            return False
        head = root.head
        while head.dep_ == "compound" and head.head.i > head.i:  # "... border crossing"
            head = head.head
        return head.lemma_.lower() in place_nouns()

    def _titled_referents(self, head: Token) -> tuple[str, ...]:
        """"the secretaries", "the two ministers": a definite plural title with no modifier of
        its own refers back to the people of the article who hold that title (two or more, of
        different states), not to a group of the article's home state."""
        if head.tag_ != "NNS" or head.i in self.skip or self.ent_of.get(head.i) is not None:
            return ()
        mods = [c for c in head.children if c.i < head.i]
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in mods) or any(
                c.dep_ not in ("det", "nummod") for c in mods):
            return ()
        term = self.gaz.agent(head.lemma_.lower())
        if term is None or not term.person:
            return ()
        word = head.lemma_.lower()
        out: list[str] = []
        for _, key in self.history:
            b = self.table.actors.get(key)
            if (b is not None and b.kind == "person" and key not in out and b.country
                    and any(word in r.post.lower().split() for r in b.roles.values())):
                out.append(key)
        if len(out) < 2 or len({self.table.actors[k].country for k in out}) < 2:
            return ()
        return tuple(out)

    def _full_person_name(self, ent: Span) -> str:
        """A person's name as a known actor may list it: with a first name the tagger left
        out ("Lloyd" of "Lloyd J. Austin III") and without a generational suffix ("III",
        "Jr.")."""
        words = [t.text for t in ent]
        start = ent.start
        while start > 0:
            t = self.doc[start - 1]
            if (t.dep_ != "compound" or t.pos_ != "PROPN" or not t.text[:1].isupper()
                    or t.ent_type_ or self.gaz.agent(t.lower_) is not None):
                break
            words.insert(0, t.text)
            start -= 1
        while len(words) > 2 and words[-1].rstrip(".").lower() in _NAME_SUFFIXES:
            words.pop()
        return _norm_name(" ".join(words))

    def _untagged_name(self, head: Token) -> Span | None:
        """A person's name the tagger left untagged: capitalised proper nouns compounded to the
        head that are a known person's full name, or that follow a person's title word
        ("Ukraine's Defense Minister Rustem Umerov"), as a PERSON span."""
        if head.pos_ != "PROPN" or not head.text[:1].isupper() or self.gaz.agent(head.lower_):
            return None
        start = head.i
        while start > 0:
            t = self.doc[start - 1]
            if t.head.i != head.i or t.dep_ != "compound" or t.pos_ != "PROPN" or not t.text[:1].isupper():
                break
            if self.gaz.agent(t.lower_) is not None or t.ent_type_ in ("GPE", "NORP", "ORG"):
                break
            start -= 1
        if start == head.i and head.dep_ == "nsubj" and head.lower_ in self.table.surnames and (
                head.head.pos_ == "VERB"):
            # the surname of a person named earlier in the article, as a clause's subject
            # ("..., Goble said" after "Paul Goble, an expert on Russia")
            return Span(self.doc, start, head.i + 1, label="PERSON")
        known = self.gaz.actor(self.doc[start:head.i + 1].text)
        if known is not None and known.kind == "person" and (start < head.i or head.dep_ == "nsubj"):
            # a known full name; a known person's one name as the subject of a clause
            # ("..., Zelenskyy wrote in a post")
            return Span(self.doc, start, head.i + 1, label="PERSON")
        if start == 0:
            return None
        title = self.doc[start - 1]
        term = self.gaz.agent(title.lower_) or self.gaz.agent(title.lemma_.lower())
        if term is None or not term.person or title.head.i not in (head.i, *range(start, head.i)):
            return None
        if self.gaz.country(self.doc[start:head.i + 1].text):
            return None
        return Span(self.doc, start, head.i + 1, label="PERSON")

    def _entity(self, ent: Span) -> str | None:
        """The actor an entity names: an acronym the article defined is what it stands for
        there ("the Sudanese Armed Forces (SAF) ... the SAF shelled"), whatever the same letters
        mean elsewhere; an entity followed by its own acronym defines it. A person's or
        organisation's name before a noun of a kind of place names that place: no actor."""
        if ent.label_ in ("PERSON", "ORG") and self._names_place(ent):
            return None  # "the Bustan al-Qasr neighborhood", "the Bab al-Salameh border crossing"
        key = self.acronyms.get(span_text(ent).strip("()").removeprefix("the ").strip())
        if key is not None and key in self.table.actors:
            self.table.actors[key].mentions += 1
            return key
        key = self._entity_key(ent)
        acronym = _defined_acronym(ent)
        if key is not None and acronym is not None:
            self.acronyms.setdefault(acronym, key)
        elif key is not None and self.table.kind(key) not in (None, "person", "state"):
            # "the International Olympic Committee ... the IOC": a body's initials, used later
            # without a gloss, are that body (not when they name a known actor of their own)
            initials = _initials(ent)
            if initials is not None and self.gaz.actor(initials) is None:
                self.acronyms.setdefault(initials, key)
        return key

    def _across_entities(self, ent: Span, name: str) -> tuple[bool, str | None]:
        """A known organisation's name the tagger cut in two ("Islamic" NORP + "State" ORG in
        "the Islamic State's stronghold"): this entity and up to two proper nouns after or
        before it, unless a person's name follows (then it is a title). (True, key) when the
        joined name is known: the part that starts it resolves it, the other part gives None;
        (False, None) otherwise."""
        doc = self.doc
        proper = ("NNP", "NNPS")

        def titles_a_person(end: int) -> bool:  # "U.S. President Barack Obama": a title
            return end < len(doc) and doc[end].ent_type_ == "PERSON"

        for k in (2, 1):
            end = ent.end + k
            if end <= len(doc) and all(doc[i].tag_ in proper for i in range(ent.end, end)) and (
                    not titles_a_person(end)):
                joined = f"{name} {doc[ent.end:end].text}"
                known = self.gaz.actor(joined)
                if known is not None and known.kind != "person":
                    return True, self.table.known(known, joined)
        for k in (2, 1):
            start = ent.start - k
            if start >= 0 and all(doc[i].tag_ in proper for i in range(start, ent.start)) and (
                    not titles_a_person(ent.end)):
                joined = f"{doc[start:ent.start].text} {name}"
                known = self.gaz.actor(joined)
                if known is not None and known.kind != "person":
                    if any(doc[i].ent_type_ for i in range(start, ent.start)):
                        return True, None  # the entity before it resolves the name
                    return True, self.table.known(known, joined)
        return False, None

    def _entity_key(self, ent: Span) -> str | None:
        name = _norm_name(span_text(ent))
        if not name or not any(c.isalpha() for c in name):
            return None
        label = ent.label_
        if label in ("GPE", "NORP") and self._stance_prefixed(ent[0]):
            return None  # "anti-Syria": a stance, not the actor Syria
        if not self.gaz.agent_ruled_out(name.lower().rpartition(" ")[2], person=True):
            words = token_columns(self.doc).words
            before = [w.lower() for w in words[max(ent.start - 3, 0):ent.start]]
            for n in range(len(before)):
                term = self.gaz.agent(" ".join(before[n:] + [name.lower()]))
                if term is not None and term.person:
                    return None  # "State" in "Secretary of State" is part of a title
        known = self.gaz.actor(name)
        if known is None and label == "PERSON":
            full = self._full_person_name(ent)
            if full != name and self.gaz.actor(full) is not None:
                name, known = full, self.gaz.actor(full)
        if known is not None and known.kind == "media" and (
                {known.label.lower(), *(a.lower() for a in known.aliases)} & self.table.skip_names):
            return None  # "told VOA" in a VOA article: the publisher, by any of its names
        if known is None:
            handled, key = self._across_entities(ent, name)
            if handled:
                return key
        if label == "NORP" and known is not None and known.kind != "state" and (
                ent.root.dep_ not in ("amod", "compound")):
            return self.table.known(known, ent.text)  # "the Houthis", "ISIL" tagged as a people
        if label in ("GPE", "NORP", "LOC") or (known is None and self.gaz.country(name)):
            c = self.gaz.country(name) or self.gaz.demonym(name)
            located = next((self.place_in(o) for p in ent.root.children if p.dep_ == "prep" and p.lower_ in ("of", "in")
                            for o in p.children if o.dep_ == "pobj"), None) or next(
                (self._country_token(m) for m in ent.root.children if m.dep_ in ("compound", "nmod")
                 and m.i < ent.start and self._country_token(m)), None)  # "Kosovo Albanians"
            if c is not None and label == "NORP" and located and located != c.iso3:
                # "Albanians of southern Serbia": a group placed where it lives
                return self._people(ent, located)
            if c is not None and label == "NORP" and any(
                    m.lower_ in ("ethnic", "ethnically") for m in ent.root.children):
                # "ethnic Albanians" in Serbia are not Albania: a group, placed by context
                return self._people(ent, self.country_in(ent.root, exclude=c.iso3))
            if c is not None:
                if label == "NORP" and ent.root.dep_ in ("amod", "compound") or (
                        label == "NORP" and ent.root.head.pos_ == "NOUN" and ent.root.head.i != ent.root.i
                        and ent.root.dep_ != "nsubj"):
                    return None  # "Mexican officials": the noun carries the actor
                return self.table.state(c.iso3, ent.text)
            if label == "NORP" and ent.root.tag_ == "NNP" and ent.root.dep_ == "pobj" and (
                    self.geo_place(ent) is not None):
                return None  # "taking place above Odesa": a city the tagger took for a people
            if label == "NORP" and ent.root.pos_ in ("PROPN", "NOUN") and ent.root.dep_ not in ("amod", "compound"):
                # "Iraqi Kurds", "Bosnian Serbs", "Moslems": an ethnic or religious group
                country = self.country_in(ent.root) or self._country_from_name(ent)
                return self._people(ent, country)
            return None
        if label == "PERSON" and known is None and name.lower() in word_set(
                "media_channels.csv", "name"):
            return None  # "Twitter", "Telegram" tagged as a person: a channel, no one speaking
        if (label == "PERSON" and known is None and " " not in name and (
                self.gaz.place(name) or self._town_in_place_slot(ent, name))
                and name.lower() not in self.table.surnames):
            return None  # a one-word "person" that is a region or city ("Tamaulipas")
        if label == "PERSON" and known is not None and known.kind != "person":
            return self.table.known(known, ent.text)  # "Boko Haram" tagged as a person
        if label in ("PERSON", "ORG") and known is None and ent.root.tag_ in ("NNS", "NNPS") and (
                self.gaz.demonym(ent.root.text)):
            # "Bosnian Serbs", "Iraqi Kurds" tagged as a person: an ethnic or religious group
            country = self.country_in(ent.root) or self._country_from_name(ent)
            return self._people(ent, country)
        if label == "PERSON" or (known is not None and known.kind == "person") or (
                label == "ORG" and known is None and name.split()[-1].lower() in self.table.surnames):
            # (an ORG whose last word is a person's surname is that person, unless it is a
            # known body: "Republika Srpska" is no relative of a "... Srpska")
            title, sector, country, employer = self._title_before(ent)
            key = self.table.person(name, country=country, sector=sector, title=title,
                                    of=employer or country)
            body = self.table.actors.get(employer) if employer else None
            person = self.table.actors[key]
            if body is not None and body.kind in ("igo", "ngo") and not person.code:
                # "U.N. envoy Staffan de Mistura" acts for the U.N.: IGO code, no home state guessed
                person.code = body.code
                person.sector = person.sector or body.sector
            return key
        if label in ("ORG", "FAC", "PRODUCT") or known is not None:
            if known is not None:
                return self.table.known(known, ent.text)
            if name.lower() in self.table.skip_names or (
                    label == "ORG" and (self.gaz.place(name) is not None
                                        or self._town_in_place_slot(ent, name))):
                return None  # the publisher; a place the tagger took for a body ("Sinaloa")
            if name.isupper() and " " in name:
                return None  # "RED LINE": words in capitals, not a name
            head = ent.root.head
            if ent.root.dep_ in ("compound", "conj") and " " not in name and head.i >= ent.end and (
                    head.pos_ == "NOUN" and self.gaz.agent(head.text) is not None):
                return None  # "the Interior ministry": the noun phrase names the actor
            body = self._known_body(ent) or self._known_acronym(ent) or self._apposed_body(ent)
            if body is not None:
                return body
            kind, sector = self._classify_org(name)
            if kind is None or label != "ORG" and sector is None and kind == "organisation":
                return None  # a building, street or product is no actor ("Rustaveli Avenue")
            country = self.country_in(ent.root) or self._country_from_name(ent)
            if (label == "ORG" and kind == "organisation" and sector is None and country is None
                    and next((w for w in name.lower().split() if w != "the"), "") in _INTERNATIONAL_WORDS):
                # "the International Olympic Committee", "the World Wildlife Fund": a body that
                # names itself international and is no known IGO is an NGO of no state
                kind, sector = "ngo", "NGO"
            return self.table.org(name, kind, country=country, sector=sector)
        return None

    def _place_of(self, t: Token) -> str | None:
        """The country of the place an entity starting at `t` names, even one the tagger took
        for an organisation ("the governor of Mariupol")."""
        ent = self.ent_of.get(t.i)
        if ent is None:
            return None
        if ent.label_ != "ORG":
            return self.place_in(t)
        name = _norm_name(ent.text)
        if not name or self.gaz.actor(name) is not None:
            return None
        c = self.gaz.place(name)
        place = find_place(name, prefer=self.table.home) if c is None else None
        return c.iso3 if c is not None else place.country if place is not None else None

    def _town_in_place_slot(self, ent: Span, name: str) -> bool:
        """A one-word name after a preposition of place ("in Kyzyl", "from Batumi") that is a
        town of at least `_NAMED_TOWN` people: the town, whatever the tagger called it."""
        root = ent.root
        return (" " not in name and root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPS
                and find_place(name, min_population=_NAMED_TOWN) is not None)

    def _known_body(self, ent: Span) -> str | None:
        """"United Nations Special Envoy for Yemen", "NATO Secretary General": a name that
        opens with a known international organisation is that organisation (or its official)."""
        for end in range(ent.end - 1, ent.start, -1):
            span = self.doc[ent.start:end]
            if span[0].dep_ == "det" or span[0].lower_ == "the":
                span = span[1:]
            if not len(span):
                continue
            known = self.gaz.actor(span.text) or self.gaz.actor(_norm_name(span.text))
            if known is not None and known.kind in ("igo", "ngo"):
                return self.table.known(known, span.text)
        return None

    def _apposed_body(self, ent: Span) -> str | None:
        """"the U.N. peacekeeping force in Lebanon, UNIFIL": an unknown name in apposition to a
        phrase that names a body is that body."""
        root = ent.root
        if root.dep_ != "appos" or root.head.i >= ent.start or root.head.i in self.skip:
            return None
        keys = self.resolve(root.head)
        b = self.table.actors.get(keys[0]) if len(keys) == 1 else None
        return b.key if b is not None and b.kind not in ("state", "person", "group") else None

    def _known_acronym(self, ent: Span) -> str | None:
        """"the International Atomic Energy Authority (IAEA)": an unknown name glossed by a known
        acronym."""
        for c in ent.root.children:
            if c.dep_ == "appos" and c.i > ent.root.i and c.text.isupper() and len(c.text) >= 2:
                known = self.gaz.actor(c.text)
                if known is not None and known.kind != "person":
                    return self.table.known(known, ent.text)
        return None

    def _people(self, ent: Span, country: str | None) -> str | None:
        """The people a NORP entity names ("Kurds", "Sunni Muslims", "ethnic Albanians") in
        `country`, or the party whose members it names ("Democrats", `party_members.csv`); None
        for a name the tagger took for a people that names no group of people ("Islamism", a
        town, a surname: one word, neither plural nor a religion's)."""
        words = [t for t in ent if t.lower_ not in ("the", "ethnic", "ethnically")
                 and (t.i == ent.root.i or not self._country_token(t))]
        if not words:
            return None
        last = _singular(words[-1].text)
        if last in _parties() and len(words) == 1:
            return self.table.party_members(last, ent.text, country or _party_states()[last] or None)
        if last in _parties():  # "Christian Democrats", "Sweden Democrats": a party by that name
            return self.table.org(ent.text, "party", country=country)
        term = self.gaz.agent(words[-1].text) if len(words) == 1 and last not in _faiths() else None
        if term is not None and not term.person:
            # "Marines" tagged as a people: the agent noun's group ("American military")
            return self.table.group(ent.text, term.kind, term.sector, country)
        if not (words[-1].tag_ in ("NNS", "NNPS") or last != words[-1].lower_ or last in _faiths()):
            return None
        return self.table.people(" ".join(t.text for t in words), country)

    def _country_from_name(self, ent: Span) -> str | None:
        """The state a name names ("Sri Lankan Navy"), else the state of the region or town it
        names ("Balochistan Liberation Army", "Kachin Independence Army": PETRARCH's places)."""
        for t in ent:
            c = self._country_token(t)
            if c:
                return c
        if ent.label_ == "PERSON":
            return None
        for t in ent:
            c = self.gaz.place(t.text) if t.pos_ == "PROPN" and len(t.text) > 3 else None
            if c is not None:
                return c.iso3
        return None

    def _classify_org(self, name: str) -> tuple[str | None, str | None]:
        words = name.lower().split()
        for n in (3, 2, 1):
            for i in range(len(words) - n, -1, -1):
                term = self.gaz.agent(" ".join(words[i:i + n]))
                if term is not None and not term.person:
                    return term.kind, term.sector
        if len(words) == 1 and len(name) <= 2:
            return None, None
        return "organisation", None

    def _agent_noun(self, head: Token) -> str | None:
        earlier = self._named_before(head) or self._body_anaphor(head)
        if earlier is not None:
            return earlier
        named = next((self.ent_of[c.i] for c in head.children if c.dep_ == "appos" and c.i > head.i
                      and c.i in self.ent_of and self.ent_of[c.i].label_ == "PERSON"), None)
        noun = (self.gaz.agent(head.lower_) or self.gaz.agent(head.lemma_.lower())) if named is not None else None
        if named is not None and head.tag_ == "NN" and (noun is None or noun.person):
            # "Trump's campaign chairman, Paul Manafort, resigned": the person the apposition
            # names, not the possessor
            key = self._entity(named)
            b = self.table.actors.get(key) if key else None
            if b is not None and not b.country:
                # of the state of whom they serve ("Trump's", "Hezbollah's")
                owner = next((k for c in head.children if c.dep_ == "poss" for k in self.resolve(c)), None)
                b.country = self.table.country(owner) if owner else None
            if b is not None and not b.country and not b.code:
                # "the president of the International Olympic Committee, Thomas Bach": the
                # person acts for the international body the title names
                body = next((self.table.actors[k] for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                             for o in c.children if o.dep_ == "pobj" for k in self.resolve(o)
                             if self.table.kind(k) in ("igo", "ngo")), None)
                if body is not None:
                    b.code = body.code or _actor_code(body.kind, body.country, body.sector)
                    b.sector = b.sector or body.sector
            if key:
                return key
        term = None
        text = head.text
        if not (self.gaz.agent_ruled_out(head.text.lower()) and self.gaz.agent_ruled_out(head.lemma_.lower())):
            # (else every phrase below ends in a word that ends no agent term)
            words = [t for t in head.lefts if t.dep_ in ("compound", "amod") and t.pos_ != "PROPN"] + [head]
            for i in range(len(words)):
                phrase = " ".join(w.text.lower() for w in words[i:])
                term = self.gaz.agent(phrase) or self.gaz.agent(" ".join(w.lemma_.lower() for w in words[i:]))
                if term is not None:
                    text = " ".join(w.text for w in words[i:])
                    break
        if term is None:
            for w in head.lefts:
                if w.dep_ == "compound" and w.pos_ == "NOUN":
                    term = self.gaz.agent(w.text) or self.gaz.agent(w.lemma_)
                    if term is not None and not term.person:
                        break
                    term = None
        if term is None and head.lemma_.lower() in _CRAFT:
            country = self.country_in(head)
            if country:  # "an Indian-flagged fishing vessel", "Greek-owned ships"
                return self.table.state(country, head.text)
        if term is None:
            return self._by_modifier(head)
        if term.person and head.dep_ in ("nmod", "compound", "appos") and self._names_person(head.head):
            return None  # "Secretary" in "U.S. Secretary of State Marco Rubio": part of a title
        country = self.country_in(head) or self._placed_in(head)
        mods = [t for t in head.lefts if t.dep_ in ("compound", "nmod", "amod")]
        if country is None and not term.person:
            country = self._leader_country(mods)
        if any(t.pos_ == "PROPN" for m in mods for t in m.subtree):
            first = min(m.left_edge.i for m in mods)
            while first < head.i and first in self.skip:  # not a caption's "FILE -"
                first += 1
            # "Red Cross officials", "U.N. helicopters", "European Community foreign ministers":
            # the named body, longest name first
            spans = sorted(((a, b) for a in range(first, head.i) for b in range(a + 1, head.i + 1)),
                           key=lambda ab: ab[0] - ab[1])
            for a, b in spans:
                span = self.doc[a:b]
                known = self.gaz.actor(span.text) or self.gaz.actor(_norm_name(span.text))
                if known is not None and known.kind != "person":
                    return self.table.known(known, span.text)
            name = self.doc[first:head.i + 1].text
            known = self.gaz.actor(name)
            if known is not None:
                return self.table.known(known, name)
            if not term.person and not self._country_token(self.doc[first]):
                return self.table.org(name, term.kind, country=country, sector=term.sector)
        if term.person and head.tag_ in ("NNS", "NNPS"):
            # "Afghan rebel leaders", "government officials": a group, typed by its modifiers
            sector, kind = term.sector, term.kind
            for w in head.lefts:
                t2 = self.gaz.agent(w.text) if w.dep_ in ("compound", "amod") else None
                if t2 is not None and not t2.person:
                    sector, kind = t2.sector, t2.kind
            full = " ".join(t.text for t in head.subtree if t.i <= head.i and t.i not in self.skip and t.dep_ not in ("det", "punct", "case", "poss"))
            return self.table.group(full or text, kind, sector, country)
        if term.person:
            # "the president", "her foreign minister", "the Mexican leader"
            if country is None:
                country = self._owner_country(head)
            if country and self.table.date:
                holder = self.gaz.holder(text, country, self.table.date)
                if holder is not None:
                    return self.table.known(holder, text)
            # a titled person mentioned before ("the president" -> last person with that post)
            for _, key in sorted(self.history, reverse=True):
                b = self.table.actors.get(key)
                if b and b.kind == "person" and any(text.lower() in r.post.lower() for r in b.roles.values()):
                    if not country or b.country == country:
                        b.mentions += 1
                        return key
            if country:
                # "Montenegro's prime minister", unknown by name: the office's body (MNEGOV)
                phrase = " ".join(t.text for t in head.subtree if t.i <= head.i and t.i not in self.skip and t.dep_ not in ("det", "punct", "nummod"))
                return self.table.group(phrase or text, term.kind, term.sector, country)
            # "Hezbollah's leader", "the Taliban's spokesman", "the head of the IAEA": the
            # organisation speaks through them
            by = self._by_modifier(head) or self._body_of(head)
            if by is None and head.tag_ == "NN" and head.dep_ != "compound" and term.kind in _GOV_KINDS and not any(
                    c.dep_ == "poss" for c in head.children):
                # "the interior minister", "a provincial spokesman": an office of no state
                # named, placed later by the article (its dateline, its state)
                phrase = " ".join(t.text for t in head.subtree if t.i <= head.i and t.i not in self.skip and t.dep_ not in ("det", "punct", "nummod"))
                return self.table.group(phrase or text, term.kind, term.sector, None)
            return by
        if country is None:
            country = self._owner_country(head)
        full = " ".join(t.text for t in head.subtree if t.i <= head.i and t.i not in self.skip and t.dep_ not in ("det", "punct", "case", "poss"))
        return self.table.group(full or text, term.kind, term.sector, country)

    def _body_anaphor(self, head: Token) -> str | None:
        """"Hezbollah fired rockets ... the group said": "the group", "the militant group", "the
        movement" with no name of its own is the latest named organisation of the article."""
        if head.lemma_.lower() not in _BODY_ANAPHORS or head.tag_ != "NN" or not any(
                c.dep_ == "det" and c.lower_ == "the" for c in head.children) or any(
                c.dep_ in ("compound", "poss", "nmod") or c.pos_ == "PROPN" or c.lower_ in _NOT_ANAPHORIC
                or c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
            return None  # "the international group", "the Group of Seven": another body
        for i, key in sorted(self.history, reverse=True):
            b = self.table.actors.get(key)
            if i < head.i and b is not None and b.kind in _BODY_KINDS and not key.startswith("group-"):
                b.mentions += 1
                return key
        return None

    def _modified_nouns(self) -> dict[str, list[int]]:
        """Lower-case lemma -> indices (ascending) of the nouns with a modifier of their own
        (compound, amod, nmod, poss): the phrases `_named_before` looks back to, found in one
        pass over the article rather than one backward scan per definite noun."""
        if self._nouns_by_lemma is None:
            index: dict[str, list[int]] = defaultdict(list)
            doc = self.doc
            for i, pos in enumerate(token_columns(doc).pos):
                if pos != "NOUN":
                    continue
                t = doc[i]
                if any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in t.children):
                    index[t.lemma_.lower()].append(i)
            self._nouns_by_lemma = dict(index)
        return self._nouns_by_lemma

    def _named_before(self, head: Token) -> str | None:
        """"UN agencies and charities issued a statement ... the agencies said": a definite noun
        with no modifier of its own refers back to the latest earlier phrase with the same noun
        whose modifiers named an actor (a body, a state), and is that actor."""
        if head.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) or any(
                c.dep_ in ("compound", "amod", "poss", "nmod", "nummod") for c in head.children):
            return None
        earlier = self._modified_nouns().get(head.lemma_.lower(), ())
        for i in reversed(earlier[:bisect.bisect_left(earlier, head.i)]):
            keys = self.cache.get(i)
            b = self.table.actors.get(keys[0]) if keys else None
            if b is not None and (b.country or not b.key.startswith("group-")):
                b.mentions += 1
                return b.key
        return None

    def _placed_in(self, head: Token) -> str | None:
        """The country of the place a group is said to be in or from ("rebels in Darfur",
        "police in Karachi", "refugees from Aleppo")."""
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "from") and prep.i > head.i:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        c = self.place_in(obj)
                        if c:
                            return c
        return None

    def _names_person(self, tok: Token) -> bool:
        ent = self.ent_of.get(tok.i)
        return ent is not None and ent.label_ == "PERSON"

    def _leader_country(self, mods: list[Token]) -> str | None:
        """"the Bush administration", "the Putin government": the country of the known person
        named (by full name, or by a surname all of whose known bearers share one country)."""
        for m in mods:
            ent = self.ent_of.get(m.i)
            if ent is None or ent.label_ != "PERSON" or m.i != ent.end - 1:
                continue
            name = _norm_name(ent.text)
            known = self.gaz.actor(name)
            people = [known] if known is not None and known.kind == "person" else [
                a for a in self.gaz.actors_with_surname(name.split()[-1])]
            countries = {a.country for a in people}
            if len(countries) == 1 and None not in countries:
                return countries.pop()
        return None

    def _body_of(self, head: Token) -> str | None:
        """"the head of the IAEA": the organisation an office is "of"."""
        for p in head.children:
            if p.dep_ == "prep" and p.lower_ == "of":
                for o in p.children:
                    ent = self.ent_of.get(o.i)
                    if o.dep_ == "pobj" and ent is not None and ent.label_ == "ORG" and o.i == ent.root.i:
                        key = self._entity(ent)
                        if key and self.table.kind(key) != "person":
                            return key
        return None

    def _owner_country(self, head: Token) -> str | None:
        """"their forces", "its army": the country of the actor a possessive pronoun stands for."""
        for c in head.children:
            if c.dep_ == "poss" and c.pos_ == "PRON":
                owner = self._pronoun(c)
                if owner:
                    return self.table.country(owner)
        return None

    def _by_modifier(self, head: Token) -> str | None:
        """A phrase whose noun is no actor but whose name modifier is: "the PLO leadership",
        "Osama bin Laden's al-Qaeda" -> that named actor."""
        if head.dep_ not in ("nsubj", "nsubjpass", "agent", "pobj", "dobj", "conj", "appos"):
            return None
        for m in head.lefts:
            if m.dep_ not in ("compound", "amod", "nmod", "poss"):
                continue
            ent = self.ent_of.get(m.i)
            if ent is not None and ent.label_ in ("ORG", "PERSON") and m.i == ent.root.i:
                key = self._entity(ent)
                if key:
                    return key
        if head.dep_ == "nsubj" and head.pos_ == "NOUN":
            return self._body_of(head)  # "the head of the IAEA held talks"
        return None

    def _issuer(self, tok: Token) -> str | None:
        """"The United States stands with ... we are taking steps to impose visa restrictions":
        "we" in the article's own voice (outside any quotation) is the issuer of a statement,
        the latest state or government that is the subject of an unquoted clause before it."""
        for i, key in sorted(self.history, reverse=True):
            if i < tok.i and i not in self.quoted and self.doc[i].dep_ == "nsubj" and self.table.kind(key) in (
                    "state", "government"):
                return key
        return None

    def _pronoun(self, tok: Token) -> str | None:
        lower = tok.text.lower()
        if lower in _SPEAKER_PRONOUNS:
            if tok.i in self.quote_speaker or tok.i in self.quoted or lower not in _ISSUER_PRONOUNS:
                return self.quote_speaker.get(tok.i)
            return self._issuer(tok)
        want: set[str]
        if lower in _PERSON_PRONOUNS:
            want = {"person"}
        elif lower in _GROUP_PRONOUNS:
            want = {"group", "government", "military", "police", "criminal", "armed_group", "state", "organisation", "igo", "ngo", "party", "media", "judiciary", "legislature", "company"}
        elif lower in _THING_PRONOUNS:
            want = {"state", "government", "organisation", "igo", "ngo", "party", "media", "company", "criminal", "armed_group", "military", "police"}
        else:
            return None
        best = None
        here = self.sent_start[tok.i]
        history = sorted(self.history, reverse=True)
        for i, key in history:  # the same sentence first
            if self.sent_start[i] == here and i < tok.i and self.table.kind(key) in want:
                self.table.actors[key].mentions += 1
                return key
        for i, key in history:
            if i >= tok.i or self.table.kind(key) not in want:
                continue
            if best is None:
                best = key
            t = self.doc[i]
            if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ in ("ROOT", "ccomp", "conj") and (
                    self.sent_start[i] < here or t.i < tok.i):
                best = key
                break
        if best is not None:
            self.table.actors[best].mentions += 1
        return best
