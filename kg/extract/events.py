"""Events: lexicon triggers (verbs and nominalisations) read with the dependency grammar.

For each trigger the grammar finds the source (subject, passive agent, possessor, controller
of an infinitive, antecedent of a relative clause), the targets (object, lexicon prepositions,
passive subject, coordinated objects), the location, the modality (negation, modal verbs,
conditionals, the embedding verb's modality) and the parent event (the threat, directive,
request or statement whose content it is).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

import functools

from kg.datafiles import csv_rows, read_data, word_set
from kg.errors import DataFileError
from kg.extract.actors import ActorFinder, caption_marker_end
from kg.lexicon import EventEntry, Lexicon
from kg.nlp import span_text, token_columns
from kg.types import Evidence

__all__ = ["Trigger", "find_triggers", "DraftEvent", "read_events", "draft_event", "SENTENCE_RULES",
           "SentenceState", "Trace", "Decision", "trace_changes"]

_FUTURE = {"will", "'ll", "shall"}
_HYPOTHETICAL = {"would", "could", "might", "may", "should"}
_WOULD_CLITIC = {"'d", "’d"}
_EMBED_DEPS = {"xcomp", "ccomp", "advcl", "pcomp", "conj", "acl", "relcl", "dobj", "pobj", "nsubj", "nsubjpass", "attr", "oprd", "prep", "appos", "csubj"}
_SUBJ = ("nsubj", "nsubjpass", "csubj")
_OBJECT_CONTROL = {"directed", "requested"}
_READY = {"ready", "willing", "prepared", "determined", "eager", "poised", "set"}
#: heads of a complement act that did not happen ("failed to deliver", "unable to reach")
_FAILED = {"fail", "unable"}
#: prepositions that put a nominal event in the background of the sentence's main event
_BACKGROUND = {"after", "following", "since", "before", "during", "despite", "amid", "amidst",
               "over", "because", "like", "unlike"}
#: background prepositions whose object happened ("after", "amid"), unlike "before", "like"
_REAL_BACKGROUND = {"after", "following", "since", "during", "amid", "amidst", "despite", "over"}
_HEAD_OF = ("head of state", "head of government", "president", "prime minister")


@dataclass(frozen=True, slots=True)
class Trigger:
    token: Token
    entry: EventEntry
    words: tuple[Token, ...]


@dataclass(slots=True)
class DraftEvent:
    id: str
    trigger: Trigger
    event_class: str
    cameo: str
    modality: str = "actual"
    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    location: str | None = None
    parent: str | None = None
    coded: bool = True
    evidence: Evidence | None = None
    confidence: float = 0.5
    date_token: Token | None = None
    extra: dict = field(default_factory=dict)


def _words_ok(tok: Token, entry: EventEntry) -> bool:
    if not entry.requires:
        return True
    return bool(_near_words(tok) & set(entry.requires))


#: the words near the last token asked for (`_words_ok` is asked once per candidate entry)
_near_last: tuple[Token | None, set[str]] = (None, set())


def _near_words(tok: Token) -> set[str]:
    global _near_last
    last, near = _near_last
    if last is None or last.doc is not tok.doc or last.i != tok.i:
        near = _near_words_of(tok)
        _near_last = (tok, near)
    return near


def _near_words_of(tok: Token) -> set[str]:
    near = {c.lemma_.lower() for c in tok.children} | {c.text.lower() for c in tok.children}
    for c in tok.children:
        near.update(g.lemma_.lower() for g in c.children)
        # through an "of" phrase: "froze half of its development aid", "a first
        # contingent of African Union troops landed"
        for of in [c] + [g for g in c.children]:
            if of.dep_ == "prep" and of.lower_ == "of":
                for o in of.children:
                    near.add(o.lemma_.lower())
                    near.update(m.lemma_.lower() for m in o.children)
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("xcomp", "acl", "pcomp", "amod"):
        # the head of a noun ("launched an attack") or of a verb complement, not the reporting
        # verb of a clause ("Iran rejected the proposal, television reported")
        near.add(tok.head.lemma_.lower())
    return near


def find_triggers(sent: Span, lex: Lexicon) -> list[Trigger]:
    """Lexicon triggers of one sentence, one per token at most."""
    out: list[Trigger] = []
    doc = sent.doc
    columns = token_columns(doc)  # the tests below without a Token per token
    pos_of, tag_of, lemma_of, text_of = columns.pos, columns.tag, columns.lemma, columns.words
    verb_heads, noun_lemmas = lex.event_heads()
    for i in range(sent.start, sent.end):
        if (pos_of[i] in ("VERB", "AUX") or (pos_of[i] == "NOUN" and tag_of[i] != "VBG")
                or tag_of[i] == "VBG"):
            # no entry for the word, alone or (a verb) with a particle: no candidate below
            if pos_of[i] in ("VERB", "AUX"):
                if lemma_of[i].lower() not in verb_heads:
                    continue
            elif lemma_of[i].lower() not in noun_lemmas and not (
                    tag_of[i] == "NNS" and text_of[i].lower() in noun_lemmas):
                continue
            tok = doc[i]
            pos = "VERB" if tok.pos_ in ("VERB", "AUX") else "NOUN"
            if pos == "VERB" and tok.dep_ in ("amod", "compound", "nmod"):
                continue  # "added significance", "alleged operatives": modifiers, not events
            lemma = tok.lemma_.lower()
            cands: list[tuple[EventEntry, tuple[Token, ...]]] = []
            if pos == "VERB":
                for c in tok.children:
                    if c.dep_ in ("prt", "prep") and c.i > tok.i:
                        for e in lex.events_for(f"{lemma} {c.text.lower()}", "VERB"):
                            cands.append((e, (tok, c)))
            for e in lex.events_for(lemma, pos):
                cands.append((e, (tok,)))
            if pos == "NOUN" and not cands and tok.tag_ == "NNS":
                for e in lex.events_for(tok.text.lower(), pos):
                    cands.append((e, (tok,)))
            chosen = None
            for e, words in cands:  # prefer multiword, then met requirements, then plain
                if len(words) > 1 and _words_ok(tok, e):
                    chosen = (e, words)
                    break
            if chosen is None:
                with_req = [(e, w) for e, w in cands if e.requires and _words_ok(tok, e)]
                plain = [(e, w) for e, w in cands if not e.requires]
                chosen = (with_req or plain or [None])[0]
            if chosen is not None and not (pos == "VERB" and _no_event(tok, lemma, chosen[0], lex)):
                out.append(Trigger(tok, chosen[0], chosen[1]))
    return out


def _no_event(tok: Token, lemma: str, entry: EventEntry, lex: Lexicon) -> bool:
    """A CAMEO verb pattern coded [---] matches ("struck down the law"), unless a curated row
    that names its own words chose the code (the curated lexicon wins). A two-word verb that is
    no event ("the court struck down a provision") only unseats the plain sense of its verb:
    not a row for the two-word verb itself, nor one that names its words."""
    if entry.requires and entry.origin.startswith("kg/data/event_lexicon"):
        return False
    return lex.no_event(lemma, {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep")}, _near_words(tok),
                        by_default=not entry.requires and " " not in entry.lemma)


def _subject(tok: Token, finder: ActorFinder, triggers: dict[int, Trigger], depth: int = 0) -> tuple[str, ...]:
    """The source of a verb: own subject, passive agent, or inherited up the clause chain."""
    if depth > 6:
        return ()
    for c in tok.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    keys = finder.resolve(p)
                    if keys:  # "shortened by one hour": a measure, not the agent
                        return keys
    for c in tok.children:
        if c.dep_ in ("nsubj", "csubj") and c.i not in finder.skip:  # (not a dateline's place)
            if c.ent_type_ in ("TIME", "DATE") and any(
                    x.dep_ == "nsubj" and x.i != c.i for x in tok.children):
                # "8:47 p.m.: Zelenskyy invited Bach": a live blog's time stamp read as a second
                # subject is no actor; the other subject is
                continue
            if c.lower_ in ("which", "that", "who") and tok.dep_ == "relcl":
                return finder.resolve(tok.head)
            keys = finder.resolve(c)
            if not keys and c.pos_ == "VERB":
                # "The aid agency working in Gaza said": a participle misparsed as the subject
                keys = next((finder.resolve(x) for x in c.children if x.dep_ == "nsubj"), ())
            if not keys:
                # "Kenzo Oshima, the U.N. relief coordinator, demanded": the apposition names it
                keys = next((finder.resolve(x) for x in c.children if x.dep_ == "appos"), ())
            if not keys:
                # "its air defenses destroyed nine drones", "the army's drones struck": the
                # possessor of the means is the one who acts (not of "Iran's proxies", who are
                # others: kg/data/relational_nouns.csv)
                keys = () if c.lemma_.lower() in relational_nouns() else next(
                    (finder.resolve(x) for x in c.children if x.dep_ == "poss"), ())
            if not keys and c.pos_ == "NOUN":
                # "the Ukrainian drones struck it", "Israeli jets bombed": the state the means
                # belong to
                iso = next((finder.country_in_token(x) for x in c.children
                            if x.dep_ in ("amod", "compound") and x.i < c.i and finder.country_in_token(x)), None)
                keys = (finder.table.state(iso, None),) if iso else ()
            if keys or depth == 0:
                return keys
            break  # a clause whose subject is no actor: the actor is further up
    if not any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in tok.children):
        # "Today, the U.S. Department of the Treasury ... is sanctioning": the parser hung the
        # subject as an apposition of the opening time word
        for c in tok.children:
            if c.dep_ == "npadvmod" and c.i < tok.i and c.ent_type_ in ("DATE", "TIME"):
                keys = next((finder.resolve(x) for x in c.children if x.dep_ == "appos"), ())
                if keys:
                    return keys
        keys = _subject_under_place(tok, finder)
        if keys:
            return keys
    head = tok.head
    if head.i == tok.i:
        return ()
    if tok.dep_ == "relcl":
        return finder.resolve(head)
    if tok.dep_ == "ccomp" and head.i in triggers and triggers[head.i].entry.speech:
        return ()  # "the military said a bombing killed ...": the speaker is not the agent
    if tok.dep_ in ("xcomp", "ccomp") and head.i in triggers and triggers[head.i].entry.content in _OBJECT_CONTROL:
        for c in head.children:
            if c.dep_ in ("dobj", "dative"):
                return finder.resolve(c)
    if tok.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp", "acomp") or (tok.dep_ == "pobj" or head.dep_ in ("prep", "pcomp")):
        for c in head.children:
            if c.dep_ == "nsubjpass" and (tok.dep_ == "xcomp" or tok.dep_ == "conj" and not any(
                    a.dep_ == "auxpass" for a in tok.children) and tok.tag_ != "VBN"):
                # "was indicted by the court and will resign": the shared subject, not the agent
                return finder.resolve(c)
        nxt = head.head if head.dep_ == "prep" else head
        if nxt.i == tok.i:
            return ()
        return _subject(nxt, finder, triggers, depth + 1)
    return ()


def _subject_under_place(tok: Token, finder: ActorFinder) -> tuple[str, ...]:
    """"In Kyiv, Finland's president and Ukraine's president signed a pact": a verb left without
    subject whose opening place phrase has people or organisations coordinated with the place
    (the parser's reading) has them as its subject."""
    for c in tok.children:
        if c.dep_ != "prep" or c.i > tok.i or c.lower_ not in _PLACE_PREPS:
            continue
        for place in c.children:
            if place.dep_ != "pobj" or place.ent_type_ not in ("GPE", "LOC", "FAC"):
                continue
            keys: list[str] = []
            for x in place.children:
                if x.dep_ in ("conj", "appos") and x.ent_type_ in ("PERSON", "ORG", "NORP"):
                    keys.extend(finder.resolve(x))
                    keys.extend(k for y in x.children if y.dep_ == "conj" for k in finder.resolve(y))
            if keys:
                return tuple(dict.fromkeys(keys))
    return ()


def _noun_source(tok: Token, finder: ActorFinder) -> tuple[str, ...]:
    for c in tok.children:
        if c.dep_ in ("compound", "nmod") and c.i < tok.i and c.ent_type_ == "ORG" and not finder.country_in_token(c):
            keys = finder.resolve(c)  # "a NATO airstrike", "a Hamas attack"
            if keys:
                return keys
        if c.dep_ == "poss" or (c.dep_ in ("compound", "nmod", "amod") and finder.country_in_token(c)):
            keys = finder.resolve(c) if c.dep_ == "poss" else ()
            if not keys:
                iso = finder.country_in_token(c)
                keys = (finder.table.state(iso, c.text),) if iso else ()
            if keys:
                return keys
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    return finder.resolve(p)
    # light verb: "launch an offensive", "hold talks"
    head = tok.head
    if tok.dep_ in ("dobj", "attr") and head.pos_ == "VERB":
        return ()  # resolved by the caller through the light verb
    return ()


_NAMING_MODS = ("amod", "compound", "nmod", "poss")


def _own(obj: Token, finder: ActorFinder, source: tuple[str, ...]) -> bool:
    """"withdraw their troops", "deployed its navy": the object is the source's own forces."""
    if not source or obj.pos_ not in ("NOUN", "PROPN"):
        return False
    if not all(finder.table.kind(k) in ("military", "police") for k in finder.resolve(obj) or ("",)):
        return False  # "asked his foreign minister to ...": an official is addressed, not used
    countries = {finder.table.country(k) for k in source} - {None}
    for c in obj.children:
        if c.dep_ == "poss" and c.pos_ == "PRON":
            owner = finder.resolve(c)
            if owner and (set(owner) & set(source) or {finder.table.country(k) for k in owner} & countries):
                return True
    return False


def _targets(tok: Token, entry: EventEntry, finder: ActorFinder, verb: bool,
             source: tuple[str, ...] = (), carrier: bool = False) -> tuple[str, ...]:
    keys: list[str] = []
    preps = set(entry.target_preps)
    if carrier:  # "signed a ceasefire in Lusaka": the carrier verb's place is no target of the noun
        preps -= _PLACE_PREPS
    # prepositions in the lexicon's order: "complained to the UN over Israeli raids" -> Israel
    order = {p: n for n, p in enumerate(entry.target_preps)}
    children = sorted(tok.children, key=lambda c: order.get(c.lower_, -1) if c.dep_ == "prep" else -1)
    for c in children:
        if verb and c.dep_ in ("dobj", "dative", "nsubjpass", "iobj") and c.dep_ != "nsubjpass" or (
                verb and c.dep_ == "nsubjpass" and not any(x.dep_ == "agent" for x in tok.children) and False):
            if not _own(c, finder, source) and not _patient_content(c, entry):
                keys.extend(finder.resolve(c))
        elif c.dep_ == "prep" and c.lower_ in preps:
            for p in c.children:
                if p.dep_ == "pobj" and not is_channel(p):
                    found = finder.resolve(p)
                    if not found:
                        # "protested to the UN about Russian drone strikes": the raids' country,
                        # ahead of a later preposition's actor
                        mods = [m for m in p.children if m.dep_ in _NAMING_MODS]
                        mods += [g for m in mods for g in m.children if g.dep_ in _NAMING_MODS]
                        iso = next((finder.country_in_token(m) for m in mods if finder.country_in_token(m)), None)
                        found = (finder.table.state(iso, None),) if iso else ()
                    keys.extend(found)
                    # "to the capture of X": the event noun's own prep carries the target
    if verb:
        for c in tok.children:
            if c.dep_ == "nsubjpass":
                keys.extend(finder.resolve(c))
        if not keys and entry.content in _OBJECT_CONTROL:
            for c in tok.children:
                if c.dep_ in ("ccomp", "xcomp"):
                    subj = next((s for s in c.children if s.dep_ == "nsubj"), None)
                    if subj is not None:
                        keys.extend(finder.resolve(subj))
    if not keys and verb:
        # "signed a pact with and sent envoys to Hanoi": a preposition left without
        # its object shares the object of the coordinated verb's last preposition
        heads = [tok] + [c for c in tok.children if c.dep_ == "dobj"]
        if any(p.dep_ == "prep" and p.lower_ in preps and not any(o.dep_ in ("pobj", "pcomp") for o in p.children)
               for h in heads for p in h.children):
            for conj in tok.children:
                if conj.dep_ == "conj" and conj.pos_ == "VERB":
                    pobj = [t for t in conj.subtree if t.dep_ == "pobj" and t.head.dep_ == "prep"]
                    if pobj:
                        keys.extend(finder.resolve(pobj[-1]))
    if not keys and verb:
        for c in tok.children:
            if c.dep_ == "dobj" and not _patient_content(c, entry):
                # "expelled two groups of operatives": the group noun's "of" object
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ == "of":
                        for o in p.children:
                            if o.dep_ == "pobj":
                                keys.extend(finder.resolve(o))
    if not keys:
        for c in tok.children:
            obj = c if (verb and c.dep_ in ("dobj", "nsubjpass") and not _patient_content(c, entry)) else None
            if c.dep_ == "prep" and c.lower_ in preps:
                obj = next((p for p in c.children if p.dep_ == "pobj"), None)
            if obj is not None and not finder.resolve(obj):
                # "a U.N. General Assembly vote", "Kenya's efforts", "Qatari mediation"
                for m in obj.children:
                    if m.dep_ in ("poss", "compound", "nmod", "amod") and (
                            m.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or m.pos_ == "PROPN"):
                        found = finder.resolve(m)
                        if not found and finder.country_in_token(m):
                            # "a Kenyan convoy was attacked": the country the object belongs to
                            found = (finder.table.state(finder.country_in_token(m), m.text),)
                        keys.extend(found)
                if not keys:
                    # "destroyed 18 drones that Russia launched", "shot down 41 of the 42 drones
                    # Russian forces launched": an act on an actor's drones or ships is aimed at
                    # the actor who launched or sent them
                    keys.extend(k for k in _launcher(obj, finder) if k not in source)
                if not keys:
                    # "a shelter for Syrian refugees was shelled": the actor the object is for
                    for m in obj.children:
                        if m.dep_ == "prep" and m.lower_ in ("for", "of", "belonging"):
                            keys.extend(k for o in m.children if o.dep_ == "pobj" for k in finder.resolve(o))
    if not keys and not verb and entry.content in _OBJECT_CONTROL:
        keys.extend(_addressee_clause(tok, finder))
    seen: list[str] = []
    for k in keys:
        if k not in seen:
            seen.append(k)
    return tuple(seen)


def _patient_content(obj: Token, entry: EventEntry) -> bool:
    """Whether the object of a directive or request is an act done to someone
    (`patient_nouns.csv`: "ordered the arrest of Dodik", "demanded the Kenyan journalist's
    release"): whom it is done to is that act's target, not the one the order is given to."""
    return entry.content in _OBJECT_CONTROL and obj.lemma_.lower() in patient_nouns()


def _addressee_clause(tok: Token, finder: ActorFinder) -> tuple[str, ...]:
    """The subject of the "for X to do" clause right after a noun of request: whom the call is
    addressed to ("his call for the military to end the campaign", "an appeal for both sides to
    hold their fire"), also when the parser hung the clause on the verb of the noun."""
    for c in [*tok.children, *(tok.head.children if tok.head.i != tok.i else ())]:
        if c.i <= tok.i or c.dep_ not in ("advcl", "acl", "xcomp", "ccomp", "relcl"):
            continue
        if c.left_edge.i > tok.i + 2 or not any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children):
            continue
        subj = next((x for x in c.children if x.dep_ == "nsubj"), None)
        if subj is not None:
            return finder.resolve(subj)
    return ()


_COMPLEMENT_DEPS = {"dobj", "prep", "pobj", "xcomp", "ccomp", "attr", "dative", "oprd", "acomp",
                    "amod", "compound", "nmod", "poss", "pcomp", "acl", "appos", "conj"}


def _commentator_told(prep: Token) -> bool:
    """"according to analyst Omar Hadi": a commentator (`kg/data/commentators.csv`) telling of an
    act is not a party to it (a party telling of it, "according to the Kremlin", may be)."""
    return prep.lower_ == "according" and any(
        t.lower_ in word_set("commentators.csv", "word") for t in prep.subtree)


def _complement_actor(tok: Token, finder: ActorFinder, source: tuple[str, ...],
                      placed: bool = False, entry: EventEntry | None = None) -> tuple[str, ...]:
    """The nearest actor inside the trigger's complements ("rejected an Indian proposal",
    "conceded to demands from UNITA"): the target when the grammar names none directly; not
    inside the object of a directive that is an act done to someone (`_patient_content`)."""
    # "Ethiopia and Eritrea signed ... in Algiers": the parties, not the host
    mutual = not placed and len(source) >= 2
    frontier = [c for c in tok.children if (c.dep_ in _COMPLEMENT_DEPS - {"amod", "compound", "poss", "conj"}
                or (tok.pos_ == "NOUN" and c.dep_ in ("amod", "compound", "nmod")))
                and not (c.dep_ == "prep" and (c.lower_ in _BACKGROUND or _commentator_told(c)
                                               or mutual and c.lower_ in _PLACE_PREPS))
                and not (entry is not None and c.dep_ == "dobj" and _patient_content(c, entry))]
    for c in tok.children:
        if c.dep_ == "prep" and not any(o.dep_ in ("pobj", "pcomp") for o in c.children):
            obj = _dangling_object(c)  # "granted asylum to five officers holed up ...": misparsed
            if obj is not None:
                frontier.insert(0, obj)
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
            # "threatened to quit the talks unless Japan backs down": the party the condition names
            frontier.extend(x for x in c.children if x.dep_ in ("nsubj", "nsubjpass"))
    seen = 0
    vague: tuple[str, ...] = ()  # an actor of no known country or kind ("UNIFIL"): a last resort
    place: str | None = None  # a city's state, before a vague actor
    while frontier and seen < 40:
        nxt = []
        for t in list(frontier):
            if t.dep_ in ("ccomp", "xcomp"):
                # "demanded that Israel ease ...": the complement's subject comes first
                frontier = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")] + frontier
        for t in frontier:
            seen += 1
            keys = finder.resolve(t) if t.pos_ in ("PROPN", "NOUN", "PRON") and not _own(t, finder, source) and (
                not is_channel(t)) else ()
            if not keys:
                iso = finder.country_in_token(t)
                keys = (finder.table.state(iso, t.text),) if iso else ()
            keys = tuple(k for k in keys if k not in source and (
                not placed or finder.table.country(k) or finder.table.kind(k) in ("igo", "ngo")))
            if keys and not any(_informative(k, finder) for k in keys):
                if not _under_place(t, tok):  # "along the Danube": a place, never a side
                    vague = vague or keys
                keys = ()
            if keys:
                return keys
            if not place and t.ent_type_ in ("GPE", "LOC", "FAC") and t.pos_ == "PROPN":
                # "condemned the bombing of a mosque in Karachi": the state of the place named
                iso = finder.place_in(t)
                if iso and not any(finder.table.country(k) == iso for k in source):
                    place = iso
            nxt.extend(c for c in t.children if c.dep_ in _COMPLEMENT_DEPS and c.dep_ not in ("nsubj", "agent")
                       and not (c.dep_ == "prep" and (c.lower_ in _BACKGROUND or _commentator_told(c)
                                                      or mutual and c.lower_ in _PLACE_PREPS))
                       or t.dep_ in ("ccomp", "xcomp") and c.dep_ in ("nsubj", "nsubjpass"))
        frontier = sorted(nxt, key=lambda t: t.i)
    return (finder.table.state(place, None),) if place else vague


def _launcher(obj: Token, finder: ActorFinder) -> tuple[str, ...]:
    """The actor of a relative clause or participle on an object ("drones that Russia launched",
    "the 42 drones Russian forces launched", "missiles fired by Iran"), also through a quantity's
    "of" ("41 of the 42 drones ...")."""
    heads = [obj] + [o for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                     for o in p.children if o.dep_ == "pobj"]
    for h in heads:
        for c in h.children:
            if c.dep_ not in ("relcl", "acl"):
                continue
            for x in c.children:
                if x.dep_ == "nsubj" and x.lower_ not in ("that", "which", "who"):
                    keys = finder.resolve(x)
                    if keys:
                        return keys
                if x.dep_ == "agent":
                    keys = next((finder.resolve(o) for o in x.children if o.dep_ == "pobj"), ())
                    if keys:
                        return keys
    return ()


def _under_place(t: Token, top: Token) -> bool:
    """Whether `t` is inside a place phrase ("in the Izmail area", "along the river") below `top`."""
    cur = t
    while cur.i != top.i and cur.head.i != cur.i:
        if cur.dep_ == "pobj" and cur.head.lower_ in _PLACE_PREPS:
            return True
        cur = cur.head
    return False


def _informative(key: str, finder: ActorFinder) -> bool:
    """Whether an actor says whom an event concerns: it has a country, or a known code."""
    b = finder.table.actors.get(key)
    return b is not None and bool(b.country or b.code or b.sector)


#: nouns that measure what follows them ("tons of food aid", "a series of bombings")
_MEASURES = {"ton", "tonne", "kilogram", "worth", "amount", "package", "shipment", "series", "wave",
             "round", "part", "portion", "number", "lot", "dozen", "hundred", "thousand", "million",
             "string", "spate", "flurry",
             # aspect nouns: "the outbreak of fighting", "a resumption of hostilities" tell the act
             "outbreak", "onset", "beginning", "resumption", "escalation", "renewal",
             "upsurge", "surge", "eruption"}
_BACKGROUND_MARKS = {"after", "since", "because", "following"}
_UNREAL_MARKS = {"if", "unless", "until", "till", "before", "lest", "once", "whether"}
_PLACE_PREPS = {"in", "on", "inside", "into", "across", "within", "near", "outside", "at", "around", "along", "over"}
_OBJECT_PATH = {"dobj", "pobj", "prep", "pcomp", "compound", "nmod", "amod", "acl", "attr", "oprd", "poss",
                "nsubjpass"}
_DEMAND = "100"
#: codes of standing down militarily (de-escalate, demobilize, retreat): a passive subject is
#: the actor that stands down
_STAND_DOWN = "087"
#: links from a clause's content up to the verb it completes
_CONTENT_PATH = {"xcomp", "ccomp", "dobj", "pobj", "prep", "pcomp"}
_UNREAL_CONTENT = {"requested", "negated", "conditional", "directed"}
_OBLIGATION = {"must", "should", "ought"}


def _obliged(clause: Token) -> bool:
    """ "... must drop barriers", "... has to leave", "... needs to act": an obligation."""
    for c in clause.children:
        if c.dep_ == "aux" and c.lower_ in _OBLIGATION:
            return True
    return clause.lemma_ in ("have", "need") and any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in clause.children)


def _through_clause(tok: Token, ancestor: Token) -> bool:
    """Whether the path from `tok` up to `ancestor` passes a clause of its own (ccomp...)."""
    cur = tok
    while cur.i != ancestor.i and cur.head.i != cur.i:
        if cur.dep_ in ("ccomp", "csubj", "parataxis") or cur.dep_ in _SUBJ:
            return True
        cur = cur.head
    return False


def _dangling_object(prep: Token) -> Token | None:
    """The head noun of the phrase right after a preposition the parser left without object."""
    doc = prep.doc
    end = min(prep.i + 8, prep.sent.end)
    for j in range(prep.i + 1, end):
        t = doc[j]
        if t.pos_ in ("NOUN", "PROPN") and all(prep.i < doc[k].head.i <= j for k in range(prep.i + 1, j)):
            return t
    return None


def _location(tok: Token, finder: ActorFinder, exclude: tuple[str, ...]) -> str | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS:
            for p in c.children:
                if p.dep_ == "pobj":
                    iso = finder.place_in(p)
                    if iso:
                        return finder.table.state(iso, None)
    return None


def _modality(tok: Token) -> str | None:
    for c in tok.children:
        if c.dep_ == "neg":
            return "negated"
    for c in tok.children:
        if c.dep_ == "aux" and c.lower_ in _FUTURE:
            return "planned"
        if c.dep_ == "aux" and (c.lower_ in _HYPOTHETICAL or c.lower_ in _WOULD_CLITIC and tok.tag_ == "VB"):
            return "hypothetical"  # "he'd ban all immigration" ('d before a bare verb: would)
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
            return "conditional"
    # "is ready to host", "willing to withdraw": a stated readiness is an intention
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _READY:
        return "planned"
    # "failed to deliver the aid", "was unable to reach a deal": the act did not happen
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _FAILED:
        return "negated"
    # "going to start hitting": be + going + to, through a chain of complements; "will
    # continue to take steps to impose restrictions": the future of the chain's head
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i or not (cur.dep_ == "xcomp" or cur.dep_ in ("advcl", "acl") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)):
            break
        cur = cur.head
        if cur.lemma_ == "go" and cur.tag_ == "VBG":
            return "planned"
        if cur.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in cur.children):
            return "planned"
    return None


def _embedding(tok: Token, triggers: dict[int, Trigger]) -> Token | None:
    """The nearest trigger above `tok` whose content `tok` is (through clausal links)."""
    cur = tok
    for _ in range(6):
        dep = cur.dep_
        head = cur.head
        if head.i == cur.i:
            return None
        if dep == "relcl" or dep == "advcl" and any(c.dep_ == "mark" for c in cur.children):
            return None  # "after he threatened", "cartels, which he said": not the content
        if head.i in triggers and dep in _EMBED_DEPS and dep not in ("conj", "appos"):
            e = triggers[head.i].entry
            if e.content or e.speech:
                if dep in ("nsubj", "nsubjpass", "prep", "pobj", "relcl") and not e.speech:
                    return None
                return head
        if dep in ("conj", "appos") or dep == "compound" and head.lemma_.lower() in _MEASURES:
            # "announced a $618 million aid package": the measure noun stands for its event
            cur = head
            continue
        if dep not in _EMBED_DEPS:
            return None
        cur = head
    return None


def _heads(tok: Token, limit: int):
    """`tok` and then its heads, up to the root, at most `limit` tokens."""
    for _ in range(limit):
        yield tok
        if tok.head.i == tok.i:
            return
        tok = tok.head


# ---------------------------------------------------------------------------------------------
# The sentence coder: draft one event per trigger, then run the rules of SENTENCE_RULES in order.
# Each rule is a small function of the sentence's state with a docstring saying what it decides;
# `Trace` records what each rule changed (or that it declined) for `kg explain`.


@dataclass(slots=True)
class Decision:
    """One traced decision: the rule (or drafting step), the event it concerns, what it did."""
    rule: str
    event: str
    what: str


@dataclass(slots=True)
class Trace:
    """The decisions of the coder on one text, in the order they were taken."""
    decisions: list[Decision] = field(default_factory=list)

    def note(self, rule: str, event: str, what: str) -> None:
        self.decisions.append(Decision(rule, event, what))


@dataclass(slots=True)
class SentenceState:
    """What the sentence rules read and change: the triggers by token, the drafts by token."""
    sent: Span
    triggers: dict[int, Trigger]
    finder: ActorFinder
    light_verbs: set[str]
    drafts: dict[int, DraftEvent]
    added: list[DraftEvent] = field(default_factory=list)
    trace: Trace | None = None

    def note(self, rule: str, event: str, what: str) -> None:
        if self.trace is not None:
            self.trace.note(rule, event, what)

    def by_id(self) -> dict[str, DraftEvent]:
        return {ev.id: ev for ev in self.drafts.values()}


def _draft_source(trig: Trigger, st: SentenceState) -> tuple[tuple[str, ...], Token | None, str]:
    """The source of a trigger and the carrier verb of a noun trigger, with how it was found.

    A verb's source is its subject (`_subject`: subject, passive agent, controller, antecedent);
    a stand-down verb's passive subject stands down ("the guerrillas were demobilized"); a noun's
    source is its possessor or naming modifier (`_noun_source`), else the subject of the verb that
    carries it ("staged demonstrations", "launched a mediation effort")."""
    tok, finder = trig.token, st.finder
    verb = tok.pos_ in ("VERB", "AUX")
    source = _subject(tok, finder, st.triggers) if verb else _noun_source(tok, finder)
    how = ("subject" if verb else "noun modifier") if source else ""
    if verb and not source and trig.entry.cameo.startswith(_STAND_DOWN):
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if subj is not None and not any(c.dep_ == "agent" for c in tok.children):
            source = finder.resolve(subj)
            how = "passive subject stands down" if source else how
    carrier = None
    if not verb and _undergone(tok) is not None:
        # "the convoy came under attack from gunmen": the subject is the target (`_draft_target`)
        carrier = _undergone(tok)
        if not source:
            source = _from_doer(tok, finder) or _from_doer(carrier, finder)
            how = f"'from' or 'by' of undergoing verb '{carrier.text}'" if source else how
        return source, carrier, how
    if not verb:
        cur = tok
        for _ in range(4):
            if cur.dep_ not in ("dobj", "attr", "pobj", "prep", "compound", "nsubjpass") or cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.pos_ in ("VERB", "AUX") and cur.lemma_.lower() in witness_verbs():
                break  # "the WHO documents 102 attacks": who records an act does not do it
            if cur.pos_ in ("VERB", "AUX") and (cur.i not in st.triggers or cur.lemma_.lower() in st.light_verbs):
                carrier = cur
                if cur.lemma_.lower() == "be":
                    # "what officials said was a missile attack": a copula names the event, its
                    # subject is not the agent
                    break
                if not source:
                    source = _subject(cur, finder, st.triggers)
                    how = f"subject of carrier verb '{cur.text}'" if source else how
                if not source and tok.dep_ == "pobj" and (
                        f"{cur.lemma_.lower()} {tok.head.lower_}" in st.light_verbs):
                    # "Sanon and his gang have been involved in killings": the passive subject
                    # of a light verb with its preposition is the one who acts
                    subj = next((c for c in cur.children if c.dep_ == "nsubjpass"), None)
                    source = finder.resolve(subj) if subj is not None else ()
                    how = f"passive subject of light verb '{cur.text} {tok.head.text}'" if source else how
                break
    return source, carrier, how


@functools.cache
def _undergoers() -> frozenset[tuple[str, str]]:
    """(lemma, preposition) of the verbs of undergoing (`kg/data/undergo_verbs.csv`)."""
    return frozenset((row["lemma"], row["prep"]) for _, row in csv_rows(
        read_data("undergo_verbs.csv"), "kg/data/undergo_verbs.csv", ("lemma", "prep")))


def _undergone(tok: Token) -> Token | None:
    """The verb whose subject undergoes the event noun `tok` (`undergo_verbs.csv`: "came under
    attack", "suffered airstrikes", "received aid"), or None."""
    if tok.dep_ == "dobj" and tok.head.pos_ in ("VERB", "AUX"):
        verb, prep = tok.head, ""
    elif tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
        verb, prep = tok.head.head, tok.head.lower_
    else:
        return None
    if (verb.lemma_.lower(), prep) not in _undergoers():
        return None
    if not any(c.dep_ == "nsubj" for c in verb.children):
        return None
    return verb


def _from_doer(tok: Token, finder: ActorFinder) -> tuple[str, ...]:
    """The actor after "from" or "by" of a token ("attack from militiamen", "aid from Germany")."""
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by"):
            for p in c.children:
                if p.dep_ == "pobj":
                    keys = finder.resolve(p)
                    if keys:
                        return keys
    return ()


def _draft_target(trig: Trigger, st: SentenceState, source: tuple[str, ...],
                  carrier: Token | None) -> tuple[tuple[str, ...], str]:
    """The targets of a trigger, with how they were found: the grammar's object and lexicon
    prepositions (`_targets`), else the carrier verb's ("will provide food aid to refugees"), else
    the nearest actor in the complements (`_complement_actor`); a target of no country gets the
    placed actor of the complements added ("contribute troops to a force in Liberia")."""
    tok, finder = trig.token, st.finder
    verb = tok.pos_ in ("VERB", "AUX")
    undergoing = _undergone(tok) if carrier is not None and not verb else None
    if undergoing is not None and undergoing.i == carrier.i:
        subj = next(c for c in carrier.children if c.dep_ == "nsubj")
        target = tuple(k for k in finder.resolve(subj) if k not in source)
        if not target:  # a place undergoes it: "the town of Mandera suffered attacks"
            iso = next((i for g in subj.subtree
                        for i in (finder.country_in_token(g), finder.place_in(g)) if i), None)
            target = (finder.table.state(iso, None),) if iso else ()
            target = tuple(k for k in target if k not in source)
        if target:
            return target, f"subject of undergoing verb '{carrier.text}'"
    target = _targets(tok, trig.entry, finder, verb, source)
    how = "object or preposition" if target else ""
    if not target and not verb and tok.dep_ == "compound" and tok.head.lemma_.lower() in _MEASURES:
        # "an aid package for Ukraine": the measure noun's prepositions are the event's
        target = _targets(tok.head, trig.entry, finder, False, source)
        how = "preposition of the measure noun" if target else how
    if carrier is not None and not target:
        target = _targets(carrier, trig.entry, finder, True, source, carrier=True)
        how = f"object of carrier verb '{carrier.text}'" if target else how
    target = tuple(k for k in target if k not in source)
    if not target:
        target = _complement_actor(tok, finder, source, entry=trig.entry)
        how = "nearest actor in complements" if target else ""
    elif not any(finder.table.country(k) or finder.table.kind(k) in ("igo", "ngo") for k in target):
        placed = _complement_actor(tok, finder, source + target, placed=True)
        target = target + placed
        if placed:
            how += " + placed actor in complements"
    return target, how


def draft_event(trig: Trigger, st: SentenceState) -> DraftEvent:
    """The first reading of one trigger: source, target, location, modality, evidence.

    An event with no target but a location is aimed at the state it happens in ("demonstrated in
    Kirkuk"), unless several parties act together ("Ethiopia and Eritrea signed ... in Algiers")."""
    tok, finder, sent = trig.token, st.finder, st.sent
    source, carrier, how_source = _draft_source(trig, st)
    target, how_target = _draft_target(trig, st, source, carrier)
    sent_text = span_text(sent)
    lead = len(sent_text) - len(sent_text.lstrip())
    sent_start = sent.start_char + lead
    sentence = sent_text.strip()
    start = min(w.idx for w in trig.words)
    end = max(w.idx + len(w.text) for w in trig.words)
    ev = DraftEvent(
        id=f"e{tok.i}", trigger=trig, event_class=trig.entry.event_class, cameo=trig.entry.cameo,
        source=source, target=target or (), location=_location(tok, finder, target) or (
            _location(carrier, finder, target) if carrier is not None else None),
        evidence=Evidence(sentence, sent_start, sent_start + len(sentence), start, end),
    )
    if not ev.target and ev.location and ev.location not in ev.source and len(ev.source) < 2:
        ev.target = (ev.location,)
        how_target = "the state it happens in"
    ev.modality = _modality(tok) or (_modality(carrier) if carrier is not None else None) or "actual"
    ev.confidence = 0.4 + 0.25 * bool(source) + 0.2 * bool(target) + 0.1 * (not trig.entry.requires)
    if st.trace is not None:
        st.note("draft", ev.id, f"{ev.cameo} {ev.event_class} ({trig.entry.origin or 'lexicon'}): "
                f"source {list(source)} [{how_source or 'none found'}], target {list(ev.target)} "
                f"[{how_target or 'none found'}], location {ev.location}, modality {ev.modality}"
                + (f", carrier '{carrier.text}'" if carrier is not None else ""))
    return ev


def _channels() -> frozenset[str]:
    return word_set("media_channels.csv", "name")


def is_channel(tok: Token) -> bool:
    """Whether a token names a medium ("on Telegram", "on X", "state television"): never a side."""
    return tok.lower_ in _channels() or (tok.pos_ == "NOUN" and tok.lemma_.lower() in _channels())


#: roots of acts about another's act: the act criticised is not the critic's
_CRITICISM_ROOTS = {"11"}


def _lends_source(up: DraftEvent, ev: DraftEvent) -> bool:
    """Whether an act lends its source to an event noun it holds: "launched an offensive",
    "agreed to a ceasefire" do; "condemned the attack", "criticised the strikes" do not (the
    act criticised is someone else's)."""
    return not (up.cameo[:2] in _CRITICISM_ROOTS and ev.trigger.token.pos_ not in ("VERB", "AUX"))


def witness_verbs() -> frozenset[str]:
    """Verbs of saying whose subject only relays the act in their object (kg/data/witness_verbs.csv)."""
    return word_set("witness_verbs.csv", "lemma")


_FIRST_PERSON = {"we", "i"}


def _first_person_subject(tok: Token) -> bool:
    """Whether a verb's subject is "we" or "I" (in what someone says: the speaker)."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _FIRST_PERSON for c in tok.children)


def nest_contents(st: SentenceState) -> None:
    """An event in the clausal content of a trigger with content ("threatened to cut gas", "said
    a bombing killed") gets that trigger as parent and its modality; it is not coded when the
    parent does not code its content; it inherits the parent's source (or, under "directed X
    to", the parent's target), but a reporter is not the agent of a reported clause, nor a
    witness of the act it names ("reported strikes", see `witness_verbs`); "we" or "I" in what is
    said is the speaker."""
    drafts = st.drafts
    for i, ev in drafts.items():
        parent_tok = _embedding(ev.trigger.token, st.triggers)
        if parent_tok is None or parent_tok.i not in drafts:
            continue
        parent = drafts[parent_tok.i]
        ev.parent = parent.id
        pentry = parent.trigger.entry
        if pentry.content and ev.modality == "actual":
            ev.modality = pentry.content
        if not pentry.content_coded and not pentry.speech:
            ev.coded = False
            ev.extra["object_of"] = parent.id
        if not ev.source and parent.target and pentry.content in _OBJECT_CONTROL:
            ev.source = parent.target
        if not ev.source and parent.source and pentry.speech and _first_person_subject(ev.trigger.token):
            ev.source = parent.source  # "we will fight them, Eritrea's president said": the speaker
        if not ev.source and parent.source and _lends_source(parent, ev) and (
                not pentry.speech or not _through_clause(ev.trigger.token, parent_tok)
                and parent_tok.lemma_.lower() not in witness_verbs()):
            # but the reporter is the agent of a nominal object ("stressed the importance of cooperation")
            ev.source = parent.source


def speaker_judges(st: SentenceState) -> None:
    """"The killings are an outrage, the agencies said", "voiced grave concern about the
    strikes": a disapproval with no source of its own, inside what someone says, is the
    speaker's (the reporter is not the agent of a reported act, but is the judge of a judgement
    it utters)."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        up = by_id.get(ev.parent or "")
        if not ev.source and ev.cameo[:2] in _CRITICISM_ROOTS and up is not None and up.trigger.entry.speech:
            ev.source = up.source
            ev.coded = True


#: verbs that equate their subject with a judgement ("are a violation", "constitutes a crime")
_COPULAS = {"be", "represent", "constitute", "amount", "remain"}


def judgement_nouns() -> frozenset[str]:
    """Nouns whose possessor is the actor judged (kg/data/judgement_nouns.csv)."""
    return word_set("judgement_nouns.csv", "lemma")


def possessor_judged(st: SentenceState) -> None:
    """"The attack underscores the regime's disregard for human life, the spokesman said", "we
    stand up to Russia's brutal ambitions": a judgement noun (`judgement_nouns`) in what someone
    says is aimed at its possessor, and its critic is the nearest speaker above it (or the
    quotation's); the judgement is voiced, whatever the clause it sits in plans or foresees."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        tok = ev.trigger.token
        if ev.cameo[:2] not in _CRITICISM_ROOTS or tok.pos_ != "NOUN" or tok.lemma_.lower() not in judgement_nouns():
            continue
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        judged = st.finder.resolve(poss) if poss is not None else ()
        if not judged:
            continue
        speaker: tuple[str, ...] = ()
        up = by_id.get(ev.parent or "")
        while up is not None and not speaker:
            if up.trigger.entry.speech:
                speaker = up.source
            up = by_id.get(up.parent or "")
        if not speaker and tok.i in st.finder.quote_speaker:
            speaker = (st.finder.quote_speaker[tok.i],)
        speaker = tuple(k for k in speaker if k not in judged)
        if not speaker:
            continue
        ev.source, ev.target, ev.modality, ev.coded = speaker, judged, "actual", True


def copular_judgement(st: SentenceState) -> None:
    """"The DPRK's missile tests ... are a blatant violation of UN Security Council resolutions",
    "the killings are an outrage": a criticism that a copula says its subject is, is aimed at
    whoever did the subject (the source of the subject's event, or the actor it names), not at
    what its "of" names (the resolutions violated)."""
    drafts, finder = st.drafts, st.finder
    for ev in drafts.values():
        tok = ev.trigger.token
        if ev.cameo[:2] not in _CRITICISM_ROOTS or tok.pos_ != "NOUN" or tok.dep_ not in ("attr", "dobj", "pobj"):
            continue
        verb = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "to" else tok.head
        if verb.lemma_.lower() not in _COPULAS:
            continue
        subj = None
        for v in (verb, verb.head if verb.dep_ == "conj" else None):
            if v is not None:
                subj = subj or next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            continue
        act = drafts.get(subj.i)
        doer = act.source if act is not None and act is not ev else finder.resolve(subj)
        doer = tuple(k for k in doer if k not in ev.source)
        if doer:
            ev.target = doer


def merge_support_verbs(st: SentenceState) -> None:
    """"strengthen coordination", "deepen cooperation": a verb trigger whose object noun codes the
    same root is only its support: the noun is the event (taking the verb's source, parent and
    modality), the verb's draft is dropped."""
    drafts = st.drafts
    for i, ev in list(drafts.items()):
        tok = ev.trigger.token
        if tok.pos_ not in ("VERB", "AUX") or ev.target or ev.trigger.entry.content or ev.trigger.entry.speech:
            continue
        obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i in drafts), None)
        if obj is not None and drafts[obj.i].cameo[:2] == ev.cameo[:2]:
            noun = drafts[obj.i]
            noun.source = noun.source or ev.source
            noun.parent = noun.parent or ev.parent
            if noun.modality == "actual":
                noun.modality = ev.modality
            noun.coded = noun.coded and ev.coded
            for other in drafts.values():
                if other.parent == ev.id:
                    other.parent = noun.id
            del drafts[i]
            st.note("merge_support_verbs", noun.id, f"'{tok.text}' ({ev.id}) is the support verb of '{noun.trigger.token.text}'")


def relational_nouns() -> frozenset[str]:
    """Nouns naming others by their relation to the possessor (kg/data/relational_nouns.csv)."""
    return word_set("relational_nouns.csv", "lemma")


def patient_nouns() -> frozenset[str]:
    return word_set("patient_nouns.csv", "lemma")


def possessor_undergoes(st: SentenceState) -> None:
    """"Trump confirmed al-Rufay'i's killing", "protests over Navalny's arrest": the possessor of a
    noun of an act done to someone (`kg/data/patient_nouns.csv`) with no "of" phrase is who the
    act is done to, its target; its doer is the "by" phrase, if any ("Russia's annexation of
    Crimea" keeps its possessor as the doer)."""
    finder = st.finder
    for ev in st.drafts.values():
        tok = ev.trigger.token
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in patient_nouns() or not ev.source:
            continue
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
            continue
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is None or set(finder.resolve(poss)) != set(ev.source):
            continue
        doer = next((finder.resolve(o) for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"
                     for o in c.children if o.dep_ == "pobj"), ())
        ev.target = ev.source + tuple(k for k in ev.target if k not in ev.source)
        ev.source = doer
        ev.extra["possessor_undergoes"] = True  # (who did it is not the one who speaks of it)


def inherit_noun_source(st: SentenceState) -> None:
    """A nominal event with no source takes it from the event it hangs on ("the operation that led
    to the capture of X"), but not from a reporter, and not as a passive subject ("the bombing ...
    was condemned by the Arab League" is not the League's), nor to an act done to its possessor
    ("shocked by Ley's murder": `possessor_undergoes`)."""
    drafts = st.drafts
    for ev in drafts.values():
        tok = ev.trigger.token
        if ev.source or tok.pos_ in ("VERB", "AUX") or tok.dep_ == "nsubjpass" or "possessor_undergoes" in ev.extra:
            continue
        cur = tok
        for _ in range(4):
            if cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.i in drafts and drafts[cur.i].trigger.entry.speech:
                break
            if cur.i in drafts and drafts[cur.i].source and _lends_source(drafts[cur.i], ev):
                up = drafts[cur.i]
                ev.source = tuple(k for k in up.source if k not in ev.target)
                if "date" not in ev.extra and ev.modality == "actual":
                    ev.extra["link"] = up.id
                break


def lend_content_target(st: SentenceState) -> None:
    """"offered to hand over X to Britain": a coded event with no target takes the target of its
    uncoded content."""
    drafts = st.drafts
    for ev in drafts.values():
        parent = next((p for p in drafts.values() if p.id == ev.parent), None)
        if parent is not None and not ev.coded and ev.target and not parent.target:
            parent.target = tuple(k for k in ev.target if k not in parent.source)


#: CAMEO codes of accusing (the act accused of exists only inside the accusation)
_ACCUSE = "112"
_VIOLENT = ("18", "19", "20")


def _criticised_act(up: DraftEvent, ev: DraftEvent) -> bool:
    """Whether `ev` is an act of violence that a criticism names as done by a named actor
    ("expresses concern over deadly Israeli strikes", "condemned Russia's attack on Odesa"): the
    act happened and is coded too (the guide codes the episode's events); an act one is accused
    of ("accused Israel of strikes") exists only inside the accusation."""
    return (up.cameo[:2] in _CRITICISM_ROOTS and not up.cameo.startswith(_ACCUSE) and up.coded
            and ev.trigger.token.pos_ == "NOUN" and bool(ev.source) and ev.cameo[:2] in _VIOLENT
            and ev.modality == "actual")


def object_content(st: SentenceState) -> None:
    """An event inside the object of a coded act (or of an uncoded act's object) is that act's
    content, not coded on its own: "suspended aid deliveries", "rejected an offer of talks",
    "accused X of violating rights"; a clause is passed only inside a prepositional complement
    ("criticized Japan for allowing the Taiwanese president to visit Tokyo")."""
    drafts = st.drafts
    for ev in drafts.values():
        if ev.parent is not None:
            continue
        cur = ev.trigger.token
        clause = False
        for _ in range(6):
            if cur.dep_ in ("ccomp", "xcomp") and not clause and cur.head.tag_ == "VBG" and (
                    cur.head.dep_ == "pcomp") and cur.head.i not in drafts:
                clause = True
            elif cur.dep_ not in _OBJECT_PATH or cur.head.i == cur.i:
                break
            cur = cur.head
            up = drafts.get(cur.i)
            if up is not None:
                if _criticised_act(up, ev):
                    ev.parent = up.id
                    break
                if not up.trigger.entry.speech and (up.coded or up.parent is not None):
                    ev.parent, ev.coded = up.id, False
                    ev.extra["object_of"] = up.id
                    if not ev.source and ev.trigger.token.pos_ not in ("VERB", "AUX") and _lends_source(up, ev):
                        ev.source = up.source
                break


def purpose_clause(st: SentenceState) -> None:
    """"staged demonstrations to demand reforms": a to-infinitive adverbial clause tells the aim of
    the event it hangs on; it is that event's content, not coded."""
    drafts = st.drafts
    for ev in drafts.values():
        tok = ev.trigger.token
        if ev.parent is not None or tok.dep_ != "advcl" or not any(
                c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            continue
        head = tok.head
        up = drafts.get(head.i) or next((drafts[c.i] for c in head.children
                                         if c.dep_ in ("dobj", "attr") and c.i in drafts), None)
        if up is not None and up is not ev:
            ev.parent, ev.coded = up.id, False


#: verbs whose object is an act needed, not done ("requires unanimous approval")
_NEEDING = {"require", "need"}


def nominal_background_or_object(st: SentenceState) -> None:
    """A nominal event after a background preposition is background ("after two days of
    fighting"), unless an actor is named as its doer (or, after "during", the actor of the
    sentence takes part in it: "stressed ... during a meeting with Netanyahu") and the
    preposition tells an act that happened (`_REAL_BACKGROUND`: "after a suspected Houthi
    attack", "amid Russian shelling": the guide codes the episode's background events); one that is the object of a coded act is its content ("agreed to a ceasefire",
    "hosted ... for a meeting") and takes its source."""
    drafts = st.drafts
    for ev in drafts.values():
        tok = ev.trigger.token
        if tok.pos_ in ("VERB", "AUX"):
            continue
        head = tok.head
        prep = None
        if tok.dep_ == "pobj" and head.dep_ == "prep":
            prep, head = head.lower_, head.head
        if prep in _BACKGROUND or (prep is None and tok.dep_ == "pobj" and head.lower_ in _BACKGROUND):
            word = prep or head.lower_
            if word in _REAL_BACKGROUND and (_noun_source(tok, st.finder) or word == "during" and ev.source):
                # "after a suspected Houthi attack": an act of the episode, by a named actor;
                # "stressed ... during a meeting with Netanyahu": who acts during it takes part
                continue
            ev.coded = False
            ev.extra["background"] = True
        elif tok.dep_ == "dobj" and head.lemma_.lower() in _NEEDING and head.i not in drafts:
            # "NATO requires unanimous approval from its members": what is needed has not happened
            ev.coded = False
            ev.extra["background"] = True
        elif head.i in drafts and head.i != tok.i and ev.parent is None and (
                tok.dep_ == "dobj" or prep is not None):
            up = drafts[head.i]
            if up.coded and not up.trigger.entry.speech:
                ev.parent = up.id
                ev.coded = False
                ev.extra["object_of"] = up.id
                if not ev.source and _lends_source(up, ev):
                    ev.source = up.source


def unreal_clauses(st: SentenceState) -> None:
    """Events in a clause of condition or of a later time did not happen (yet): "if war starts",
    "If the foreign forces arrive, and we see them ..." (a sentence that is only a condition),
    "until their demands were met", "before allowing aid convoys"; nor did the content of a negated
    verb ("Turkey will not allow U.S. troops to use its bases for an attack on Iraq")."""
    for ev in st.drafts.values():
        cur = ev.trigger.token
        for _ in range(8):
            # (a sentence that is only the condition, "If they bring cholera back to Haiti.",
            # has it as its root)
            if cur.dep_ in ("advcl", "ROOT") and any(c.dep_ == "mark" and c.lower_ in _UNREAL_MARKS for c in cur.children) or (
                    cur.dep_ == "pcomp" and cur.head.lower_ in _UNREAL_MARKS):
                ev.coded = False
                if ev.modality == "actual":
                    ev.modality = "conditional"
                break
            if cur.head.i == cur.i:
                break
            if cur.dep_ in _CONTENT_PATH and cur.head.pos_ in ("VERB", "AUX") and any(
                    c.dep_ == "neg" for c in cur.head.children):
                ev.coded = False
                if ev.modality == "actual":
                    ev.modality = "negated"
                break
            cur = cur.head


def noun_modifier_background(st: SentenceState) -> None:
    """A nominal event inside another noun's modifier or apposition is background ("a week of
    unrest", "a close partner in the fight against piracy"), but not after a measure noun ("a
    series of bombings")."""
    drafts = st.drafts
    for ev in drafts.values():
        tok = ev.trigger.token
        if tok.pos_ not in ("VERB", "AUX") and (tok.dep_ == "appos" or tok.dep_ == "pobj"
                and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("NOUN", "PROPN")
                and tok.head.head.i not in drafts and tok.head.head.lemma_.lower() not in _MEASURES):
            ev.coded = False
            ev.extra["background"] = True


def _told_in_past(ev: DraftEvent) -> bool:
    """Whether an event in a relative clause or participle is an act of the episode told in
    passing: a relative clause in the simple past with its own actor ("a gang leader who
    demanded that ...", "guerrillas who overran it late last month"; not a verb of saying: "it
    said posed a threat"), or a nominal event with its actor after "following", which the
    parser reads as a participle ("... following a Russian rocket attack in Kyiv")."""
    tok = ev.trigger.token
    if not ev.source or ev.modality != "actual":
        return False
    if tok.dep_ == "relcl" and tok.tag_ == "VBD" and not ev.trigger.entry.speech:
        return True
    carrier = tok.head
    if tok.dep_ == "dobj" and tok.pos_ == "NOUN" and carrier.dep_ == "relcl" and carrier.tag_ == "VBD" and any(
            c.dep_ == "nsubj" for c in carrier.children) and any(
            c.dep_ == "advmod" and c.lower_ in ("when", "where") for c in carrier.children):
        # "since August, when the president began an offensive against them", "to New York,
        # where he began his visit": the act a past verb of a clause of time or place carries
        return True
    return (tok.dep_ == "pobj" and tok.head.lemma_ == "follow" and tok.head.dep_ == "acl"
            and tok.head.tag_ == "VBG")


def relative_clause_background(st: SentenceState) -> None:
    """Events told inside a relative clause or a participle describing a noun are background
    ("Macedonia, which is preparing an offensive", "the curfew imposed after the coup"), unless
    the participle describes an event noun, or the clause tells an act of the episode in
    passing (`_told_in_past`: the guide codes every event of the episode that really happened)."""
    told = {i for i, ev in st.drafts.items() if _told_in_past(ev)}
    for ev in st.drafts.values():
        if ev.trigger.token.i in told:
            continue
        for cur in _heads(ev.trigger.token, 10):
            if cur.i in told:
                break  # "an offensive ..., supported by the United States": told with it
            if cur.dep_ in ("relcl", "acl") and not (cur.dep_ == "acl" and cur.head.i in st.drafts):
                ev.coded = False
                ev.extra["background"] = True
                break


def time_clause_background(st: SentenceState) -> None:
    """Events told in a clause of earlier time or cause are the background of the sentence's
    coded actual event: "closed the border after Turkish officials claimed ..." (but "directed
    her minister to strengthen coordination after Trump threatened strikes": the order is no
    happening, the threat is the news). What happens at the same time ("welcomed the ties as he
    met his counterpart", "while", "when") is an event of its own: the guide codes every event
    of the episode that really happened."""
    drafts = st.drafts
    for ev in drafts.values():
        for cur in _heads(ev.trigger.token, 8):
            if cur.dep_ == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ in _BACKGROUND_MARKS
                                           for c in cur.children):
                up = cur.head
                for _ in range(3):  # "prepared to resume shelling ... as attempts failed"
                    if up.i in drafts or up.dep_ not in ("xcomp", "conj") or up.head.i == up.i:
                        break
                    up = up.head
                main = drafts.get(up.i)
                if main is not None and main is not ev and main.coded and main.modality == "actual":
                    ev.coded = False
                    ev.extra["background"] = True
                break


def obligation_demand(st: SentenceState) -> None:
    """"X said Y must do Z": a verb of saying whose clause states an obligation of an actor is a
    demand by X on Y, and Z is its uncoded content (not when Y is X's own side: "'America
    should be very proud,' Obama said"). What actors say while doing a coded act
    ("held marches against the mayor, saying she must quit") is not coded on its own."""
    drafts, finder = st.drafts, st.finder
    for ev in drafts.values():
        entry = ev.trigger.entry
        if not entry.speech:
            continue
        tok = ev.trigger.token
        main = None
        if tok.dep_ == "advcl" and tok.tag_ == "VBG":
            head = tok.head
            main = drafts.get(head.i) or next((drafts[c.i] for c in head.children
                                               if c.dep_ in ("dobj", "attr") and c.i in drafts), None)
        if main is not None and main.coded and not main.trigger.entry.speech:
            for other in drafts.values():
                if other.parent == ev.id:
                    other.coded = False
            continue
        for c in tok.children:
            if c.dep_ != "ccomp" or not _obliged(c):
                continue
            subj = next((x for x in c.children if x.dep_ in ("nsubj", "nsubjpass")), None)
            target = finder.resolve(subj) if subj is not None else ()
            if not target:
                continue
            if not (ev.source and _same_side(ev.source, target, finder, _SPEAKS_FOR_STATE)):
                # ("America should be very proud," Obama said: no demand on one's own side, but
                # what ought to be done is still not done)
                ev.event_class, ev.cameo, ev.coded = "Demand", _DEMAND, True
                ev.target = tuple(k for k in target if k not in ev.source)
                ev.extra["demand"] = True
            for other in drafts.values():
                if other.parent == ev.id and other.trigger.token.i in {t.i for t in c.subtree}:
                    other.coded = False
                    other.modality = "requested"


def request_noun_clause(st: SentenceState) -> None:
    """"reiterated its demand that Israel ease restrictions": the parser hangs the that-clause on
    the verb; it is the request noun's content, and its subject the request's target; a verb of
    saying that holds the request is not coded."""
    drafts, finder = st.drafts, st.finder
    for ev in list(drafts.values()):
        tok = ev.trigger.token
        if tok.pos_ in ("VERB", "AUX") or ev.trigger.entry.content != "requested":
            continue
        verb = tok.head
        clause = next((c for c in tok.children if c.dep_ in ("acl", "ccomp") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
        if clause is None and tok.dep_ == "dobj":
            clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i > tok.i), None)
        if clause is None:
            continue
        subj = next((x for x in clause.children if x.dep_ in ("nsubj", "nsubjpass")), None)
        if not ev.target and subj is not None:
            ev.target = tuple(k for k in finder.resolve(subj) if k not in ev.source)
        holder = drafts.get(verb.i)
        for other in drafts.values():
            if other is not ev and clause.left_edge.i <= other.trigger.token.i <= clause.right_edge.i:
                if other.parent is None or holder is not None and other.parent == holder.id:
                    other.parent = ev.id
                other.coded = False
                if other.modality == "actual":
                    other.modality = "requested"
        if holder is not None and holder.trigger.entry.speech:
            holder.coded = False


def unreal_content(st: SentenceState) -> None:
    """The content of an uncoded request, refusal or condition, or of an act's object, is not
    coded either: "demanded that the US cancel plans to sell weapons", "refused to consider plans
    to send troops", "criticized the decision to cut aid" (two levels deep)."""
    by_id = st.by_id()
    for _ in range(2):
        for ev in st.drafts.values():
            up = by_id.get(ev.parent or "")
            if up is not None and not up.coded and (up.modality in _UNREAL_CONTENT or "object_of" in up.extra):
                ev.coded = False


def aim_of_event(st: SentenceState) -> None:
    """"a meeting aimed at establishing relations", "talks intended to end the war": the aim of an
    event is its purpose, not an intention announced by an actor: not coded."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        up = by_id.get(ev.parent or "")
        if up is not None and up.trigger.entry.content == "planned" and up.trigger.token.dep_ == "acl" and (
                up.trigger.token.head.i in st.drafts):
            ev.coded = False


def protest_topic(st: SentenceState) -> None:
    """"demonstrated in Pristina, demanding independence": the topic of a protest (typically a
    demand) is not coded as an event of its own (PLOVER manual, PROTEST); its target becomes the
    protest's when the protest has none but its place."""
    drafts = st.drafts
    for ev in drafts.values():
        tok = ev.trigger.token
        if ev.cameo[:2] not in ("10", "02") or tok.tag_ != "VBG":
            continue
        cur = tok
        for _ in range(3):
            if cur.dep_ not in ("advcl", "pcomp", "prep", "conj", "xcomp") or cur.head.i == cur.i:
                break
            cur = cur.head
            up = drafts.get(cur.i) or next((drafts[c.i] for c in cur.children
                                            if c.dep_ in ("dobj", "pobj", "attr") and c.i in drafts), None)
            if up is not None and up is not ev and up.cameo[:2] == "14" and up.coded:
                ev.coded = False
                ev.parent = ev.parent or up.id
                aim = tuple(k for k in ev.target if k not in up.source)
                if aim and (not up.target or up.target == (up.location,)):
                    up.target = aim
                break


def reporting_verb(st: SentenceState) -> None:
    """A verb of saying is not coded when what it reports is (unless it was read as a demand)."""
    drafts = st.drafts
    for ev in drafts.values():
        if ev.trigger.entry.speech and not ev.extra.get("demand") and any(
                c.parent == ev.id and c.coded for c in drafts.values()):
            ev.coded = False


def frame_target(st: SentenceState) -> None:
    """"Greece plans to impose restrictions ... for new EU members": a coded content with no
    target of its own takes the one its uncoded frame found in the same clause (not a hearer:
    "told AFP")."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        up = by_id.get(ev.parent or "")
        if ev.coded and not ev.target and up is not None and not up.coded and up.target and (
                up.trigger.entry.content not in ("", "actual")):
            ev.target = tuple(k for k in up.target if k not in ev.source)


def conditional_second_target(st: SentenceState) -> None:
    """"reach out to A and, if needed, to B": a target named in a condition is a second,
    conditional event of the same kind."""
    out = list(st.drafts.values())
    for ev in list(out):
        tok = ev.trigger.token
        for c in tok.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
                extra = []
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in ev.trigger.entry.target_preps:
                        for o in p.children:
                            if o.dep_ == "pobj":
                                extra.extend(st.finder.resolve(o))
                if extra:
                    new = replace(ev, id=ev.id + "c", target=tuple(extra), modality="conditional", extra={})
                    out.append(new)
                    st.added.append(new)
                    if ev.modality == "conditional":
                        ev.modality = "actual"
                        parent = next((p for p in out if p.id == ev.parent), None)
                        if parent and parent.trigger.entry.content:
                            ev.modality = parent.trigger.entry.content


#: actor kinds that speak for their state: what they announce for it is its intent
_SPEAKS_FOR_STATE = {"state", "government", "military", "police", "judiciary", "legislature", "person"}
_ANNOUNCED = {"planned", "hypothetical"}


def _same_side(a: tuple[str, ...], b: tuple[str, ...], finder: ActorFinder, speaker_kinds=None) -> bool:
    """Whether two sides are the same actor, or share a country where `a` speaks for it."""
    if set(a) & set(b):
        return True
    table = finder.table
    ca = {table.country(k) for k in a if speaker_kinds is None or table.kind(k) in speaker_kinds} - {None}
    cb = {table.country(k) for k in b} | {k for k in b if table.kind(k) == "state"}
    return bool(ca & (cb - {None}))


def prediction(st: SentenceState) -> None:
    """"Analysts said Russia would launch an offensive": an act announced (will, would, could)
    inside what someone else says is that speaker's prediction, not the actor's intent or threat:
    modality `predicted`, not coded. What an actor (or an official of its state) says it will do
    stays an announcement ("Turkey said it would close its border")."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        up = by_id.get(ev.parent or "")
        if up is None or not up.trigger.entry.speech or ev.modality not in _ANNOUNCED or not ev.source:
            continue
        if up.source and not _same_side(up.source, ev.source, st.finder, _SPEAKS_FOR_STATE):
            ev.modality = "predicted"
            ev.coded = False


_SPEAKER_PRONOUNS = {"it", "they", "he", "she", "we", "i"}


def warning_of_own_act(st: SentenceState) -> None:
    """A warning is a threat only when the warned act is the speaker's own ("warned it would
    expel diplomats") or hangs on a condition; warning that another actor may act ("Germany
    warned that Russia could attack the Baltic states", "warned Russia against attacking") is
    a comment on that actor, not a threat: not coded. A warning with no act named stays a threat."""
    drafts = st.drafts
    for ev in drafts.values():
        entry = ev.trigger.entry
        if entry.content != "predicted" or not ev.cameo.startswith("13") or not ev.coded:
            continue
        content = [c for c in drafts.values() if c.parent == ev.id and c.source]
        if not content:
            continue
        # "warned Russia that it would expel ...": a pronoun subject in what the speaker says is
        # the speaker, whatever the last-named actor was
        own = any(_same_side(ev.source, c.source, st.finder) or any(
            x.dep_ == "nsubj" and x.pos_ == "PRON" and x.lower_ in _SPEAKER_PRONOUNS
            for x in c.trigger.token.children) for c in content)
        conditional = any(c.modality == "conditional" or any(
            x.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in x.children)
            for x in c.trigger.token.children) for c in content)
        if not own and not conditional:
            ev.coded = False
            ev.extra["warning_of_others"] = True


@functools.lru_cache(maxsize=1)
def speculation_words() -> dict[str, frozenset[str]]:
    """The words of `kg/data/speculation_words.csv` by kind ("modal", "adjective")."""
    kinds: dict[str, set[str]] = {"modal": set(), "adjective": set()}
    for where, row in csv_rows(read_data("speculation_words.csv"), "kg/data/speculation_words.csv",
                               ("word", "kind")):
        if row["kind"] not in kinds:
            raise DataFileError(f"{where}: kind {row['kind']!r} is not one of {sorted(kinds)}; fix the row")
        kinds[row["kind"]].add(row["word"])
    return {k: frozenset(v) for k, v in kinds.items()}


def _modal_of(tok: Token) -> str | None:
    """The speculation modal (`kg/data/speculation_words.csv`) of the verb that carries `tok`
    (`tok` itself, or the verb a noun trigger hangs from), if any."""
    verb = tok
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") and verb.dep_ not in ("aux", "auxpass"):
            break
        if verb.head.i == verb.i:
            return None
        verb = verb.head
    modals = speculation_words()["modal"]
    return next((c.lower_ for c in verb.children if c.dep_ == "aux" and c.lower_ in modals), None)


def _only_likely(tok: Token) -> bool:
    """Whether a noun trigger is the subject of a copula whose complement only says it is likely
    ("raids are also more likely", "an outright war may be unlikely")."""
    head = tok.head
    return (tok.dep_ == "nsubj" and head.lemma_ == "be" and any(
        c.dep_ == "acomp" and c.lemma_.lower() in speculation_words()["adjective"] for c in head.children))


def speculation(st: SentenceState) -> None:
    """An act under a modal of supposition ("could", "might", "should", "would": see
    `kg/data/speculation_words.csv`) that is not inside what its own actor (or an official of
    its state) says is only supposed: "Lister said the groups could provide civilians with
    protection", "sanctions on Russia might be lifted", "Soldiers dreamed of the day they would
    march into the mosque". The coding guide codes no hypotheticals only discussed; an actor's own
    "we could strike" stays its threat, and what another speaker foresees is `prediction`'s. Nor
    is an act a copula only calls likely ("U.S. commando raids are also more likely")."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        if ev.coded and _only_likely(ev.trigger.token):
            ev.coded = False
            ev.extra["speculation"] = True
            continue
        if not ev.coded or ev.modality != "hypothetical" or _modal_of(ev.trigger.token) is None:
            continue
        up = by_id.get(ev.parent or "")
        if up is not None and up.trigger.entry.speech and (not up.source or not ev.source or _same_side(
                up.source, ev.source, st.finder, _SPEAKS_FOR_STATE)):
            continue  # (a speaker the coder could not name may well be the actor's own)
        ev.coded = False
        ev.extra["speculation"] = True


def aim_of_act(st: SentenceState) -> None:
    """"These strikes are intended to disrupt ...", "the operation aims to free hostages": when the
    subject of a verb of aim is an event, the event happened and the clause is its purpose: the
    event keeps its own modality, the purpose is not coded."""
    drafts = st.drafts
    for up in drafts.values():
        tok = up.trigger.token
        if up.trigger.entry.content != "planned" or not up.trigger.entry.speech:
            continue
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and c.i in drafts), None)
        if subj is None or subj.pos_ not in ("NOUN", "PROPN"):
            continue
        act = drafts[subj.i]
        if act.parent == up.id:
            act.parent = None
            act.modality = _modality(subj) or "actual"
        up.coded = False
        for ev in drafts.values():
            if ev.parent == up.id:
                ev.coded = False
                ev.extra["aim"] = True


#: modalities that pass down to what is nested in an event's content
_NON_ACTUAL = {"threatened", "directed", "requested", "planned", "conditional", "hypothetical", "predicted"}


def content_modality(st: SentenceState) -> None:
    """What is nested in directed, requested, announced or hypothetical content did not happen
    either: "asked Congress to approve sanctions on Iran" (the sanctions are requested, not
    actual), "ordered the army to prepare strikes" (directed). A nested event that reads
    `actual` takes the modality of the nearest non-actual event above it; one only foreseen
    ("governments fear sanctions could ... provoke Russian retaliation", "officials are worried
    the government is working to suppress the opposition") is not coded."""
    by_id = st.by_id()
    for ev in st.drafts.values():
        if ev.modality != "actual":
            continue
        up, seen = by_id.get(ev.parent or ""), 0
        while up is not None and seen < 6:
            if up.modality in _NON_ACTUAL:
                ev.modality = up.modality
                if ev.modality == "predicted":
                    ev.coded = False  # foreseen by another, as in `prediction`
                break
            up, seen = by_id.get(up.parent or ""), seen + 1


#: the generic statement: "said", "told", "announced", "a statement", "predicted"
_GENERIC_STATEMENT = "010"
#: considering a policy option ("plans", "decided", "sought"): a state of mind, no act between actors
_CONSIDER = "014"


def pure_reporting(st: SentenceState) -> None:
    """Pure reporting is not an event: a verb or noun of saying coded only as the generic
    statement ("the ministry said", "officials told reporters", "analysts expect") is the channel
    through which events are known, not an event between actors (the coding guide: "X said" is
    never coded; root 01 only for denials and explicit comments, which have codes of their own,
    and a statement read as a demand is coded as the demand). Nor is considering a policy
    option (014: "Russia's next plan", "decided to", "sought"), which tells no act."""
    for ev in st.drafts.values():
        if ev.coded and ev.cameo in (_GENERIC_STATEMENT, _CONSIDER):
            ev.coded = False
            ev.extra["reporting"] = True


def archive_caption(st: SentenceState) -> None:
    """A caption of an archive photo ("FILE - Military officers march during a parade ...,
    March 27, 2023") shows another day than the news: what it shows is not an event of the
    article's episode (the coding guide codes no closed history), and a caption repeated under
    the photo would count it twice."""
    # the sentence opens with the caption's marker ("FILE -", "FILE PHOTO:"), after any blank
    first = next((t for t in st.sent if not t.is_space), None)
    if first is None or caption_marker_end(first.doc, first.i) is None:
        return
    for ev in st.drafts.values():
        if ev.coded:
            ev.coded = False
            ev.extra["archive_caption"] = True


#: the close of a photo caption: the place and the full date the photo was taken, and an
#: optional credit ("..., in Des Moines, Iowa, Jan. 28, 2016.", "... March 5, 2024. (Reuters)")
_CAPTION_DATE = re.compile(
    r",\s*(?:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\s+\d{1,2},\s+\d{4}\.?\s*(?:\([^()]*\)\s*)?$")


#: roots of the scenes a photo shows of words and meetings (statements to aid, concessions):
#: "the president addresses a meeting", "the minister arrives for talks"
_CAPTION_SCENE_ROOTS = {"01", "02", "03", "04", "05", "06", "07", "08"}


def photo_caption(st: SentenceState) -> None:
    """A photo caption ("The president addresses a rally in Accra, Ghana, Jan. 28, 2016."): a
    sentence in the present tense closed by the full date of the photo shows a scene. Speaking,
    arriving, meeting or welcoming in it (roots 01-08) is a scene, coded where the story tells of
    the occasion if it does; what the photo shows of force, arrests and protests stays coded
    ("Police detain two protesters in ..., Sept. 21, 2016.")."""
    root = st.sent.root
    if root.tag_ not in ("VBZ", "VBP") or not _CAPTION_DATE.search(span_text(st.sent)):
        return
    for ev in st.drafts.values():
        if ev.coded and ev.cameo[:2] in _CAPTION_SCENE_ROOTS:
            ev.coded = False
            ev.extra["photo_caption"] = True


def anonymity_words() -> frozenset[str]:
    return word_set("anonymity_words.csv", "lemma")


#: links that leave what a verb asks for (another clause, its subject, a coordinated act)
_NOT_ASKED_FOR = {"relcl", "conj", "ccomp", "advcl", "nsubj", "nsubjpass", "parataxis"}


def _asks_anonymity(tok: Token) -> bool:
    """Whether a verb asks for anonymity: a word of `kg/data/anonymity_words.csv` within four
    links of what it asks for, a verb among them passive ("not to be identified"), not
    active ("asked Uganda to name a mediator")."""
    words, frontier = anonymity_words(), [tok]
    for _ in range(4):
        frontier = [c for t in frontier for c in t.children if c.dep_ not in _NOT_ASKED_FOR]
        for c in frontier:
            if c.lemma_.lower() in words and (c.pos_ not in ("VERB", "AUX") or any(
                    a.dep_ == "auxpass" for a in c.children)):
                return True
    return False


def anonymity_convention(st: SentenceState) -> None:
    """"A European diplomat, who asked not to be identified", "requested anonymity for fear of
    reprisal", "spoke on condition of anonymity": a source asking not to be named
    (`kg/data/anonymity_words.csv`) is a convention of reporting, not a request or a meeting
    between actors: not coded."""
    for ev in list(st.drafts.values()):
        if not (ev.coded and ev.cameo[:2] in ("02", "04", "10") and _asks_anonymity(ev.trigger.token)):
            continue
        asked, frontier = set(), [ev.trigger.token]
        while frontier:  # nor what the asking carries ("asked for anonymity fearing retaliation")
            frontier = [c for t in frontier for c in t.children if c.dep_ not in _NOT_ASKED_FOR]
            asked.update(c.i for c in frontier)
        for other in [ev] + [d for i, d in st.drafts.items() if i in asked]:
            other.coded = False
            other.extra["anonymity"] = True


#: roots of acts a question can itself be: an appeal or request ("Will you help us?")
_ASKING_ROOTS = ("02",)


def question_not_asserted(st: SentenceState) -> None:
    """An act named inside a direct question is asked about, not told ("Do the Ukrainians want
    the United States to invade Crimea?", "If it was an American aircraft, would they have
    struck an American?", a headline "Can Rebels Hold On in Aleppo?"): the coding guide codes
    no hypotheticals. The question runs from the last sentence-final mark before its "?"; an
    appeal put as a question is still an appeal."""
    if "?" not in span_text(st.sent):
        return  # no question mark, no question
    toks = list(st.sent)
    spans: list[tuple[int, int]] = []
    begin = st.sent.start
    for t in toks:
        if t.text in (".", "!", "?") or t.text.endswith("?"):
            if "?" in t.text:
                spans.append((begin, t.i))
            begin = t.i + 1
    if not spans:
        return
    for i, ev in st.drafts.items():
        if ev.coded and not ev.cameo.startswith(_ASKING_ROOTS) and any(a <= i < b for a, b in spans):
            ev.coded = False
            ev.extra["question"] = True


#: roots of verbal acts (statements to threats), which an adverb of habit makes standing positions
_HABITUAL_ROOTS = {"01", "02", "03", "04", "05", "10", "11", "12", "13"}


def habitual_acts(st: SentenceState) -> None:
    """A verbal act (statement to threat) told with an adverb of habit
    (`kg/data/habitual_words.csv`: "the Taliban routinely deny sheltering fighters", "Iran has
    always denied that", "officials have long refused", "Kabul has long accused Islamabad") is
    a habitual statement or a standing position, not an event of the story: not coded. Material
    acts stay ("soldiers routinely beat detainees, a court was told" is the news)."""
    words = word_set("habitual_words.csv", "word")
    for ev in st.drafts.values():
        tok = ev.trigger.token
        verbs = [tok] + ([tok.head] if tok.dep_ == "dobj" else [])
        if ev.coded and ev.cameo[:2] in _HABITUAL_ROOTS and any(c.dep_ == "advmod" and c.lower_ in words for v in verbs for c in v.children):
            ev.coded = False
            ev.extra["habitual"] = True


#: CAMEO codes of verbal support (praise, endorse, defend verbally) that a present-tense verb
#: states as a standing position rather than an act
_STANDING_SUPPORT = ("050", "051", "052", "053")


def standing_support(st: SentenceState) -> None:
    """Support stated in the simple present is a standing position, not an event ("the United
    States firmly supports Israel's right to defend itself", "NATO requires unanimous approval":
    the coding guide codes no standing positions or habitual statements); the act of praising
    or endorsing is told in the past ("welcomed", "praised") or as news ("has endorsed"). So is
    a commitment stated as a present state ("the United States is committed to", "remains
    committed to"), unlike the act of committing ("they committed to explore ...")."""
    for ev in st.drafts.values():
        tok = ev.trigger.token
        if (ev.coded and ev.cameo in _STANDING_SUPPORT and tok.tag_ in ("VBZ", "VBP")
                and not any(c.dep_ in ("aux", "auxpass") for c in tok.children)):
            ev.coded = False
            ev.extra["standing"] = True
        elif ev.coded and ev.cameo[:2] == "03" and _present_state(tok):
            ev.coded = False
            ev.extra["standing"] = True
            for c in st.drafts.values():  # nor is what it is committed to
                if c.parent == ev.id:
                    c.coded = False


def _present_state(tok: Token) -> bool:
    """Whether a participle states a present state through a copula ("the United States is
    committed to", "remains committed", "are prepared to"), not an act ("committed to explore")."""
    if tok.dep_ == "acomp" and tok.head.lemma_.lower() in ("be", "remain") and tok.head.tag_ in ("VBZ", "VBP"):
        return True
    return tok.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in tok.children)


#: prepositions of a bare noun that tells why or how an act is done ("in solidarity", "in
#: retaliation", "out of concern")
_MOTIVE_PREPS = {"in", "of"}


def motive_phrase(st: SentenceState) -> None:
    """"conducting their attacks in solidarity with Palestinians", "resigned in protest", "fired
    in retaliation": a bare event noun after "in" (no article, no possessor) tells the motive or
    manner of the act it hangs on, not an act of its own: not coded."""
    for ev in st.drafts.values():
        tok = ev.trigger.token
        if tok.pos_ != "NOUN" or tok.dep_ != "pobj" or tok.tag_ != "NN" or not ev.coded:
            continue
        prep = tok.head
        if prep.lower_ not in _MOTIVE_PREPS or prep.lower_ == "of" and prep.head.lower_ != "out":
            continue
        if any(c.dep_ in ("det", "poss", "nummod", "amod", "compound") for c in tok.children):
            continue
        ev.coded = False
        ev.extra["motive"] = True


#: verbs of stopping an act ("end the campaign of violence", "halt the offensive")
_STOP_VERBS = {"end", "stop", "halt", "cease"}
#: codes of de-escalation (ceasefire, truce, withdrawal of forces) and of the demand for it
_DE_ESCALATION = "087"
_DEMAND_DE_ESCALATION = "1056"


def call_to_stop(st: SentenceState) -> None:
    """"Guterres repeated his call for the military to end the campaign of violence", "calls on
    the Rapid Support Forces to commit to a humanitarian ceasefire immediately": an appeal
    whose requested content is to stop fighting (a de-escalation, or a verb of stopping) is a
    demand for de-escalation (CAMEO 1056), as the coding guide's coders read "call for X to
    end"."""
    drafts = st.drafts
    by_id = st.by_id()
    for ev in drafts.values():
        if ev.cameo[:2] != "02" or not ev.coded:
            continue
        content = [c for c in drafts.values() if _under(c, ev, by_id)]
        tok = ev.trigger.token
        words = list(tok.subtree)
        if tok.pos_ == "NOUN" and tok.dep_ == "dobj":
            # "repeated his call for the military to end ...": the parser hangs the infinitive
            # on the verb that holds the call
            words += [c for c in tok.head.children if c.dep_ in ("advcl", "xcomp") and c.i > tok.i
                      and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
        stops = any(t.lemma_.lower() in _STOP_VERBS and t.pos_ == "VERB" and t.i != tok.i for t in words)
        if stops or any(c.cameo.startswith(_DE_ESCALATION) for c in content):
            ev.cameo, ev.event_class = _DEMAND_DE_ESCALATION, "Demand"


def _under(ev: DraftEvent, top: DraftEvent, by_id: dict[str, DraftEvent]) -> bool:
    """Whether `ev` is nested (through parents) in the content of `top`."""
    up, seen = by_id.get(ev.parent or ""), 0
    while up is not None and seen < 6:
        if up is top:
            return True
        up, seen = by_id.get(up.parent or ""), seen + 1
    return False


def posture_aim(st: SentenceState) -> None:
    """"sending two carrier strike groups to the region to deter Iran and its proxies", "held
    drills to warn Taiwan": a show of force (15x) is aimed at whom its purpose clause acts on,
    when it has no target of another country (its own forces sent are not its target)."""
    finder = st.finder
    table = finder.table
    for ev in st.drafts.values():
        if ev.cameo[:2] != "15" or not ev.source:
            continue
        mine = {table.country(k) for k in ev.source} - {None}
        if any(table.country(k) and table.country(k) not in mine for k in ev.target):
            continue
        tok = ev.trigger.token
        top = tok.head if tok.pos_ == "NOUN" and tok.dep_ == "dobj" else tok  # "held drills to warn"
        verbs = [top] + [c for c in top.children if c.dep_ in ("advcl", "conj") and c.pos_ == "VERB"]
        aim: list[str] = []
        for v in verbs:
            for c in v.children:
                if c.dep_ not in ("advcl", "xcomp") or not any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                    continue
                for o in c.children:
                    if o.dep_ == "dobj":
                        keys = list(finder.resolve(o)) + [k for x in o.children if x.dep_ == "conj"
                                                          for k in finder.resolve(x)]
                        aim += [k for k in keys if table.country(k) and table.country(k) not in mine]
        if aim:
            ev.target = tuple(dict.fromkeys(aim))


#: the generic threat ("threaten", with no word naming the act threatened)
_GENERIC_THREAT = "130"


def danger_not_threat(st: SentenceState) -> None:
    """"The Houthis continue to threaten vessels in the Red Sea", "the drought threatens crops":
    a verb of threatening with a thing as object and no act named (no "to" clause, no "with",
    no word of the lexicon's threatened acts) says that someone endangers something, not that
    an actor threatened another with an act (CAMEO 13 is a threat of an act): not coded.
    "Iran threatened Israel" (an actor as object) stays a threat."""
    finder = st.finder
    for ev in st.drafts.values():
        tok, entry = ev.trigger.token, ev.trigger.entry
        if (not ev.coded or entry.cameo != _GENERIC_THREAT or entry.requires or entry.pos != "VERB"
                or tok.pos_ not in ("VERB", "AUX")):
            continue
        if any(c.dep_ in ("xcomp", "ccomp") or c.dep_ == "prep" and c.lower_ == "with" for c in tok.children):
            continue
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if obj is None or obj.pos_ != "NOUN" or finder.country_in_token(obj) or any(
                _informative(k, finder) for k in finder.resolve(obj)):
            continue
        ev.coded = False
        ev.extra["danger"] = True


#: the words of fighting that can be meant figuratively
_FIGHT_WORDS = {"fight", "fighting", "combat", "battle", "war", "struggle", "warfare", "crusade"}


@functools.cache
def _figurative_words(role: str) -> frozenset[str]:
    """The words of one role ("modifier" or "object") of `kg/data/figurative_force.csv`."""
    return frozenset(row["lemma"] for _, row in csv_rows(
        read_data("figurative_force.csv"), "kg/data/figurative_force.csv", ("lemma", "role"))
        if row["role"] == role)


def figurative_force(st: SentenceState) -> None:
    """A word of fighting used figuratively is no use of force (`figurative_force.csv`): with a
    modifier of another arena ("a legal battle", "a political fight", "the drug war"), or fought
    against a thing that is no actor and no place ("an operation to combat illegal mining", "the
    war on poverty", "fighting for the freedom of political prisoners")."""
    def fought_things(word: Token) -> bool:
        objects = [c for c in word.children if c.dep_ == "dobj"] + [
            p for c in word.children if c.dep_ == "prep" and c.lower_ in ("against", "on", "for")
            for p in c.children if p.dep_ == "pobj"]
        return bool(objects) and all(o.lemma_.lower() in _figurative_words("object") and not o.ent_type_
                                     for o in objects)

    for ev in st.drafts.values():
        tok = ev.trigger.token
        if not ev.coded or ev.cameo[:2] not in ("18", "19", "20"):
            continue
        if tok.lemma_.lower() in _FIGHT_WORDS:
            figurative = fought_things(tok) or any(
                c.dep_ in ("amod", "compound", "nmod") and c.lemma_.lower() in _figurative_words("modifier")
                for c in tok.children)
        else:  # "an operation to combat illegal mining": the act's purpose names the fight
            figurative = any(c.dep_ in ("acl", "relcl", "xcomp", "advcl") and c.lemma_.lower() in _FIGHT_WORDS
                             and fought_things(c) for c in tok.children)
        if figurative:
            ev.coded = False
            ev.extra["figurative"] = True


#: the sentence rules, in the order they run (each reads what the earlier ones decided)
SENTENCE_RULES = (
    nest_contents,
    archive_caption,
    photo_caption,
    question_not_asserted,
    anonymity_convention,
    speaker_judges,
    possessor_judged,
    copular_judgement,
    merge_support_verbs,
    possessor_undergoes,
    inherit_noun_source,
    lend_content_target,
    object_content,
    purpose_clause,
    nominal_background_or_object,
    unreal_clauses,
    noun_modifier_background,
    relative_clause_background,
    time_clause_background,
    obligation_demand,
    request_noun_clause,
    unreal_content,
    aim_of_event,
    protest_topic,
    reporting_verb,
    frame_target,
    prediction,
    warning_of_own_act,
    speculation,
    aim_of_act,
    content_modality,
    conditional_second_target,
    standing_support,
    habitual_acts,
    danger_not_threat,
    figurative_force,
    motive_phrase,
    call_to_stop,
    posture_aim,
    pure_reporting,
)

_TRACED = ("event_class", "cameo", "modality", "source", "target", "location", "parent", "coded")


def _snapshot(drafts: Iterable[DraftEvent]) -> dict[str, tuple]:
    return {ev.id: tuple(getattr(ev, f) for f in _TRACED) + (tuple(sorted(ev.extra)),) for ev in drafts}


def trace_changes(trace: Trace | None, rule: str, before: dict[str, tuple], after: dict[str, tuple],
                  since: int = 0) -> None:
    """Record in `trace` what a rule changed between two snapshots, or that it declined (it
    changed nothing and noted nothing itself after decision number `since`)."""
    if trace is None:
        return
    changed = any(d.rule == rule for d in trace.decisions[since:])
    for eid, new in after.items():
        old = before.get(eid)
        if old is None:
            trace.note(rule, eid, "added")
            changed = True
            continue
        diffs = [f"{f} {o!r} -> {n!r}" for f, o, n in zip(_TRACED + ("extra",), old, new) if o != n]
        if diffs:
            trace.note(rule, eid, "; ".join(diffs))
            changed = True
    for eid in before.keys() - after.keys():
        trace.note(rule, eid, "removed")
        changed = True
    if not changed:
        trace.note(rule, "", "declined (changed nothing)")


def read_events(sent: Span, triggers: list[Trigger], finder: ActorFinder, start_id: int,
                light_verbs: set[str], trace: Trace | None = None) -> list[DraftEvent]:
    """Draft events of one sentence (`draft_event` per trigger), then the rules of
    `SENTENCE_RULES` in order (nesting, background, modality, demands...); `trace` records each
    decision."""
    st = SentenceState(sent, {t.token.i: t for t in triggers}, finder, light_verbs, {}, trace=trace)
    for trig in triggers:
        ev = draft_event(trig, st)
        st.drafts[trig.token.i] = ev
    for rule in SENTENCE_RULES:
        before = _snapshot(st.drafts.values()) if trace is not None else {}
        since = len(trace.decisions) if trace is not None else 0
        rule(st)
        if trace is not None:
            trace_changes(trace, rule.__name__, before, _snapshot(list(st.drafts.values()) + st.added), since)
    return list(st.drafts.values()) + st.added
