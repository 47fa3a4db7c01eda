"""Article context for actors: a group the text gives no country takes one from the article.

A coder reads "the police", "protesters" or "the cartels" in the light of the whole article:
the police of the city the story is datelined in, the cartels "which are controlling Mexico".
Three passes, each a named rule, from the nearest evidence to the widest:

1. `clause_country`: the one state the group's own relative or participial clause names
   ("drug cartels, which he said are controlling Mexico", "cartels operating in Mexico",
   "militants based in Pakistan").
2. `coreferent_country`: the one country the article's earlier mentions of a group of the same
   sector and kind have ("Pakistani police ... the police").
3. `home_country`: for domestic groups (police, protesters, cartels, offices named by title
   alone), the state the article's events happen in (`ActorTable.scene`: named in most of its
   mentions of states, unless the dateline is in a town that is no capital: there the events
   are), else the state it is about (`article_home`: the dateline's place); a
   generically named government branch ("Treasury") takes the dateline's state first, the
   issuer's. Never for refugees, ethnic groups, foreigners, nor for a named official
   (officials travel: the secretary in Manila is not Filipino).

A group that gets a country becomes that country's group (`ActorTable.place_group`: one node
per state and sector, as if the text had said "Mexican cartels"); the events' sides follow.
"""
from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Token

from kg.extract.actors import ActorFinder
from kg.extract.actors import _key as _scope_key
from kg.extract.events import DraftEvent
from kg.nlp import doc_text
from kg.types import Article

__all__ = ["of_other_states", "article_home", "dateline_home", "dateline_tokens", "set_home", "place_actors", "event_places", "clause_country", "coreferent_country",
           "home_country", "HOME_SHARE"]

#: share of the article's state mentions the leading state needs to be its home
HOME_SHARE = 0.5
#: kinds of actor that take a country from context
_GROUP_KINDS = {"group", "government", "military", "police", "judiciary", "legislature",
                "criminal", "armed_group", "party"}
#: sectors of groups that are not at home where the story is (refugees, migrants, ethnic
#: groups, foreigners, international bodies)
_NOT_LOCAL = {"REF", "ETH", "IGO", "NGO", "IMG", "MNC", "UAF", "SPY"}
#: modifiers that make a group one of other or several states, never the article's home's own
_FOREIGN_MODIFIERS = {"international", "multinational", "foreign", "allied", "western", "global"}
#: kinds of named body that are a branch of some state's government
_BRANCH_KINDS = {"government", "military", "police", "judiciary", "legislature"}
_DATELINE = re.compile(r"^\s*([A-Z][A-Z.'’ -]+[A-Z.])(?:\s*,\s*([A-Z][\w.'’ -]+?))?\s*(?:\(|,|—|–|-)")
_CLAUSE_DEPS = ("acl", "relcl")
#: how many of the article's first non-blank lines may carry the dateline (headline, dateline)
_DATELINE_LINES = 3
#: what may follow a dateline's place before the story: an agency in parentheses, a dash
_DATELINE_TAIL = re.compile(r"[^\n—–]{0,40}?(?:—|–|\s-\s)\s*")



def _dateline(doc: Doc, finder: ActorFinder) -> tuple[str, int, int, bool] | None:
    """(state, first char, end char, whether its place is a capital) of the article's dateline
    ("KARACHI, Pakistan (AP) —", on one of the first lines: a headline may come first), if it
    has one with a known place."""
    # the dateline opens the body, which may follow a headline and a blank line
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", doc_text(doc)[:600]) if m.group().strip()]
    for start, line in lines[:_DATELINE_LINES]:
        m = _DATELINE.match(line)
        if m is None:
            continue
        for part in (m.group(2), m.group(1)):
            if not part:
                continue
            c = finder.gaz.place(part.title()) or finder.gaz.place(part)
            if c is not None:
                tail = _DATELINE_TAIL.match(line, m.end())
                capital = finder.gaz.is_capital(m.group(1).title()) is not None
                return c.iso3, start, start + (tail.end() if tail else m.end()), capital
    return None


def dateline_home(doc: Doc, finder: ActorFinder) -> str | None:
    """The state of the article's dateline, if it has one (`_dateline`)."""
    found = _dateline(doc, finder)
    return found[0] if found else None


def dateline_tokens(doc: Doc, finder: ActorFinder) -> set[int]:
    """The tokens of the article's dateline ("NAIROBI, Kenya (AP) —"): a place and an agency
    saying where the story was written, never an actor of the sentence they open (the parser
    makes "NAIROBI" a subject of "Ethiopia accused Eritrea")."""
    found = _dateline(doc, finder)
    if found is None:
        return set()
    _, start, end, _ = found
    return {t.i for t in doc if start <= t.idx < end}


def article_home(doc: Doc, finder: ActorFinder) -> str | None:
    """The state an article is about: the place of its dateline (`dateline_home`), else
    the state named in at least `HOME_SHARE` of its mentions of states, if named twice or more.
    """
    home = dateline_home(doc, finder)
    return home if home is not None else majority_state(doc, finder)


def state_mentions(doc: Doc, finder: ActorFinder) -> Counter[str]:
    """How often an article names each state (its GPE and NORP entities)."""
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ in ("GPE", "NORP"):
            c = finder.country_in_token(ent.root)
            if c:
                counts[c] += 1
    return counts


def majority_state(doc: Doc, finder: ActorFinder) -> str | None:
    """The state named in at least `HOME_SHARE` of an article's mentions of states, if named
    twice or more."""
    counts = state_mentions(doc, finder)
    if not counts:
        return None
    (best, n), total = counts.most_common(1)[0], sum(counts.values())
    return best if n >= 2 and n >= HOME_SHARE * total else None


def _unplaced(finder: ActorFinder) -> dict[str, list[int]]:
    """Actor key -> token indices of its mentions, for groups with no country."""
    out: dict[str, list[int]] = {}
    for i, key in finder.history:
        b = finder.table.actors.get(key)
        if b is None or b.country or (b.code or b.sector or "")[:3] in _NOT_LOCAL or (
                b.named and b.kind == "group"):
            continue  # (a people is not at home where the story is either)
        if b.kind in _GROUP_KINDS and key.startswith("group-"):
            out.setdefault(key, []).append(i)
    return {k: v for k, v in out.items() if not any(of_other_states(finder.doc[i]) for i in v)}


def of_other_states(head: Token) -> bool:
    """"an international coalition", "foreign forces": a group of other or several states,
    never the one state of its sentence or article."""
    return any(c.dep_ == "amod" and c.lower_ in _FOREIGN_MODIFIERS for c in head.children)


def _unplaced_branches(finder: ActorFinder) -> list[str]:
    """Keys of government branches of no known state named generically ("Treasury", "the
    Interior Ministry"): bodies of the article's home state, if it has one."""
    scope = f"-in-{_scope_key(finder.table.scope)}"
    return list(dict.fromkeys(
        key for _, key in finder.history
        if key.endswith(scope) and not key.startswith("group-")
        and (b := finder.table.actors.get(key)) is not None and not b.country
        and b.kind in _BRANCH_KINDS and _generic_branch(finder, b.label)))


#: "the Department of the Treasury", "the Ministry of the Interior": a branch named by its field
_BRANCH_OF = re.compile(r"^(?:department|ministry)\s+of\s+(?:the\s+)?", re.I)
#: "the Treasury's Office of Foreign Assets Control": an office of the branch before the "'s"
_POSSESSOR = re.compile(r"\s*['’]s\s+")


def _unplaced_parties(finder: ActorFinder) -> list[str]:
    """Keys of named political parties of no known country ("the Semilla party")."""
    return list(dict.fromkeys(
        key for _, key in finder.history
        if (b := finder.table.actors.get(key)) is not None and not b.country and b.kind == "party"
        and not key.startswith("group-")))


def _generic_branch(finder: ActorFinder, label: str) -> bool:
    """A branch named by its generic name only ("Treasury", "the Interior Ministry", "the
    Department of the Treasury"), or an office of one ("the Department of the Treasury's
    Office of Foreign Assets Control"), not by a name of its own ("the Munitions Industry
    Department")."""
    name = re.sub(r"^the\s+", "", label.strip(), flags=re.I).lower()
    owner = _POSSESSOR.split(name, maxsplit=1)
    if len(owner) == 2 and _generic_branch(finder, owner[0]):
        return True
    return finder.gaz.agent(name) is not None or (
        _BRANCH_OF.match(name) is not None and finder.gaz.agent(_BRANCH_OF.sub("", name)) is not None)


def clause_country(finder: ActorFinder, heads: list[Token]) -> str | None:
    """The one state the relative or participial clauses of a group's mentions name."""
    states: set[str] = set()
    for head in heads:
        for clause in head.children:
            if clause.dep_ not in _CLAUSE_DEPS:
                continue
            for t in clause.subtree:
                if t.ent_iob_ == "B" and t.ent_type_ in ("GPE", "LOC"):
                    c = finder.place_in(t)
                    if c:
                        states.add(c)
    return states.pop() if len(states) == 1 else None


def coreferent_country(finder: ActorFinder, key: str) -> str | None:
    """The one country of the article's other groups of the same kind and sector mentioned
    before it ("Pakistani police ... the police"; a government named only later, "the interior
    minister ... Afghanistan's Taliban government", is not the one meant)."""
    b = finder.table.actors[key]
    first: dict[str, int] = {}
    for i, k in finder.history:
        first[k] = min(first.get(k, i), i)
    mine = first.get(key, len(finder.doc))
    states = {o.country for k, o in finder.table.actors.items()
              if k != key and o.country and o.kind == b.kind and o.sector == b.sector
              and o.kind != "state" and first.get(k, len(finder.doc)) < mine}
    return states.pop() if len(states) == 1 else None


def home_country(finder: ActorFinder, key: str) -> str | None:
    """The state a domestic group of the article belongs to (see the module docstring): the
    state the article's events happen in (`ActorTable.scene`: named in most of its mentions of
    states), else its home (the dateline's: a Washington dateline says where the writer is,
    not where the gangs and the police of a story about Haiti are)."""
    return finder.table.scene or finder.table.home


def place_actors(drafts: list[DraftEvent], finder: ActorFinder) -> None:
    """Give each group with no country the first country a rule finds; rename the sides of
    the events that name a group that became its country's group."""
    renamed: dict[str, str] = {}
    table = finder.table
    for key, b in list(table.actors.items()):
        # a group of this article that an earlier pass gave a country (its description, its
        # sentence) is that country's group too, like one placed here
        if b.country and key.startswith("group-") and (
                key == table.group_key(b.kind, b.sector, None, b.named)):
            new = table.place_group(key, b.country)
            if new != key:
                renamed[key] = new
    for key, indices in _unplaced(finder).items():
        heads = [finder.doc[i] for i in indices]
        for rule in (lambda: clause_country(finder, heads), lambda: coreferent_country(finder, key),
                     lambda: home_country(finder, key)):
            country = rule()
            if country:
                new = finder.table.place_group(key, country)
                if new != key:
                    renamed[key] = new
                break
    home_branches(finder)
    for key in _unplaced_parties(finder):
        # a political party is a party of the state the article's politics happen in
        country = home_country(finder, key)
        if country:
            finder.table.place_group(key, country)
    if not renamed:
        return
    for i, keys in list(finder.cache.items()):
        finder.cache[i] = tuple(dict.fromkeys(renamed.get(k, k) for k in keys))
    finder.history = [(i, renamed.get(k, k)) for i, k in finder.history]
    finder.speakers = {span: renamed.get(k, k) for span, k in finder.speakers.items()}
    finder.quote_speaker = {i: renamed.get(k, k) for i, k in finder.quote_speaker.items()}
    for d in drafts:
        d.source = tuple(dict.fromkeys(renamed.get(k, k) for k in d.source))
        d.target = tuple(dict.fromkeys(renamed.get(k, k) for k in d.target))
        d.target = tuple(k for k in d.target if k not in d.source)
        if d.location:
            d.location = renamed.get(d.location, d.location)


def home_branches(finder: ActorFinder) -> list[str]:
    """A generically named branch of no known state ("Treasury", "the Department of the
    Treasury's Office of Foreign Assets Control") is the article's home state's own body, whatever
    other state its sentence names ("... is targeting the Ortega-Murillo regime's repression"):
    another state's branch would be named with its state. Returns the keys placed."""
    country = finder.table.home
    if not country:
        return []
    keys = _unplaced_branches(finder)
    for key in keys:
        finder.table.place_group(key, country)
    return keys


def set_home(article: Article, doc: Doc, finder: ActorFinder) -> None:
    """Record the article's home state on the actor table (before actors are resolved, so that
    place names prefer towns of that state)."""
    finder.table.home = article_home(doc, finder)
    finder.table.states_named = frozenset(state_mentions(doc, finder))
    found = _dateline(doc, finder)
    # a dateline in a capital is often a bureau's or a government's seat (WASHINGTON, NAIROBI):
    # the state named most says where the events are; any other dateline is where they are
    finder.table.scene = majority_state(doc, finder) if found is None or found[3] else None


#: prepositions that place an event ("arrested in Karachi", "clashes near Aleppo")
_AT = {"in", "at", "near", "outside", "inside", "around", "across"}


def event_places(drafts: list[DraftEvent], finder: ActorFinder) -> None:
    """The GeoNames place each event is said to happen in (`extra["place"]`): the place named
    by a locative phrase of its trigger or of its object ("arrested ten men in Mazatlan"), when
    it lies in the event's location state (if the event has one)."""
    for d in drafts:
        tok = d.trigger.token
        heads = [tok, *(c for c in tok.children if c.dep_ in ("dobj", "nsubjpass"))]
        for prep in (c for h in heads for c in h.children):
            if prep.dep_ != "prep" or prep.lower_ not in _AT:
                continue
            for obj in prep.children:
                ent = finder.ent_of.get(obj.i)
                place = finder.geo_place(ent) if obj.dep_ == "pobj" and ent is not None else None
                if place is not None and (not d.location or d.location == place.country
                                          or finder.table.country(d.location) == place.country):
                    d.extra.setdefault("place", place)
