"""The extraction stage: one parsed article -> actors, events, stances and quotations.

`extract(article, doc)` is pure: it reads only the article, its spaCy `Doc` and the bundled
knowledge (gazetteer, lexicon), so it can run in any worker process.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Span, Token

from kg.codes import lookup
from kg.datafiles import csv_rows, read_data, word_set
from kg.extract.actors import ActorFinder, ActorTable
from kg.extract.context import (dateline_tokens, event_places, home_branches, of_other_states, place_actors,
                               set_home)
from kg.extract.dates import ANNOUNCED_MODALITIES, attach_dates
from kg.extract.events import DraftEvent, Trace, _snapshot, find_triggers, read_events, trace_changes
from kg.extract.headline import redraw_headline_entities
from kg.gazetteer import load_gazetteer
from kg.lexicon import load_lexicon
from kg.nlp import doc_text, span_text, token_columns
from kg.types import Article, Event, Evidence, Extraction, Quote, Stance

__all__ = ["extract", "ARTICLE_RULES", "ArticleState"]

_TOP_POSTS = ("president", "prime minister", "head of state", "head of government", "premier",
              "chancellor", "king", "emir", "supreme leader")


def extract(article: Article, doc: Doc, trace: Trace | None = None) -> Extraction:
    """Everything one article says, as records (see `kg.types`).

    Per sentence: `find_triggers`, then `read_events` (a draft per trigger and the sentence rules
    of `kg.extract.events.SENTENCE_RULES`); then the article rules of `ARTICLE_RULES` in order;
    `trace` (see `kg explain`) records every decision."""
    gaz = load_gazetteer()
    lex = load_lexicon()
    headline_end = _headline_end(article.text)
    if redraw_headline_entities(doc, headline_end, gaz, lex.event_heads()[0]) and trace is not None:
        trace.note("headline", "", "entities redrawn: " + ", ".join(
            f"'{e.text}' {e.label_}" for e in doc.ents if e.start_char < headline_end))
    table = ActorTable(gaz, article.date, scope=article.id)
    if article.source:
        table.skip_names.add(article.source.strip().lower())
    finder = ActorFinder(doc, table)
    finder.skip |= dateline_tokens(doc, finder)
    set_home(article, doc, finder)
    quotes = _quote_spans(article.text)
    finder.scan()
    finder.bind_quote_speakers(quotes, lex.speech_lemmas(), lex.verbal_lemmas())
    light = set(lex.light_verbs())
    drafts: list[DraftEvent] = []
    pos = token_columns(doc).pos
    for sent in doc.sents:
        if not any(pos[i] in ("VERB", "AUX") for i in range(sent.start, sent.end)):
            continue
        triggers = find_triggers(sent, lex)
        if triggers:
            if trace is not None:
                trace.note("triggers", "", f"sentence {sent.start}-{sent.end}: " + ", ".join(
                    f"'{' '.join(w.text for w in t.words)}' -> {t.entry.cameo} {t.entry.event_class}"
                    for t in triggers))
            drafts.extend(read_events(sent, triggers, finder, len(drafts), light, trace))
    state = ArticleState(drafts, table, finder, doc, article, trace)
    for rule in ARTICLE_RULES:
        before = _snapshot(state.drafts) if trace is not None else {}
        since = len(trace.decisions) if trace is not None else 0
        rule(state)
        if trace is not None:  # a snapshot of every draft per rule costs when nobody reads it
            trace_changes(trace, rule.__name__, before, _snapshot(state.drafts), since)
    drafts = state.drafts
    stances = _stances(doc, lex, finder, drafts)
    quote_records = _quotes(quotes, drafts, doc, finder)
    repeats = {d.id for d in drafts if _refers_back(d.trigger.token)}
    events = _one_per_dyad([_finish(d) for d in drafts], table, trace)
    events = _one_per_occasion(events, repeats, table, trace, headline_end)
    return Extraction(article=article, actors=table.frozen(), events=events,
                      stances=tuple(stances), quotes=tuple(quote_records),
                      places=tuple(finder.places[i] for i in sorted(finder.places)))


@dataclass(slots=True)
class ArticleState:
    """What the article rules read and change: all drafts of the article, its actors and text."""
    drafts: list[DraftEvent]
    table: ActorTable
    finder: ActorFinder
    doc: Doc
    article: Article
    trace: Trace | None = None


#: CAMEO roots of material conflict (acts of force whose reporter sentence_countries considers)
_MEANS_ROOTS = {"15", "16", "17", "18", "19", "20"}


def colon_quote_content(st: ArticleState) -> None:
    """A quotation that a sentence ending in a colon introduces is the content of that sentence's
    threat, warning or demand ("But he also issued a warning: “... we will fight them until we
    shed our last drops of blood”"): its events get the threat as parent and its modality and
    are not coded, as the content of "warned that ..." is not (the guide codes the threat)."""
    text = st.article.text
    spans: list[tuple[int, int]] | None = None
    for d in st.drafts:
        entry = d.trigger.entry
        if not d.coded or not entry.content or entry.content_coded or entry.speech:
            continue
        tok = d.trigger.token
        sent = tok.sent
        last = next((t for t in reversed(sent) if not t.is_space), None)
        if last is None or last.text != ":" or any(
                o.trigger.token.i > tok.i and o.trigger.token.i < last.i and o.coded for o in st.drafts):
            continue  # not the colon sentence's last coded act
        if spans is None:
            spans = _quote_spans(text)
        after = last.idx + 1
        quote = next(((a, b) for a, b in spans if a >= after and not text[after:a].strip()), None)
        if quote is None:
            continue
        inside = {e.id for e in st.drafts if quote[0] <= e.evidence.start < quote[1]}
        for e in st.drafts:
            if e is d or e.id not in inside or e.parent in inside:
                continue  # (an event under another quoted one follows it; "..., he said" does not count)
            e.parent = d.id
            if e.modality == "actual":
                e.modality = entry.content
            e.coded = False
            e.extra["object_of"] = d.id


_ENDINGS = (".", "!", "?", "\"", "”", "’", "'", ")", "]", ":", ";")


def cut_off_ending(st: ArticleState) -> None:
    """A text cut off in mid-sentence ("“The United States calls on the") leaves an act at its
    very end without the words that say what and on whom: an act with no target whose trigger
    is among the last three words of such a text is not coded."""
    text = st.article.text.rstrip()
    if not text or text.endswith(_ENDINGS):
        return
    doc = st.doc
    words = [t.i for t in doc if not t.is_space and not t.is_punct]
    if not words:
        return
    last = set(words[-3:])
    for d in st.drafts:
        if d.coded and not d.target and any(w.i in last for w in d.trigger.words):
            d.coded = False
            d.extra["cut_off"] = True


def drop_unanchored(st: ArticleState) -> None:
    """An event with neither source nor target nor content events says nothing about actors:
    dropped. A source is not also a target ("the deployment of NATO troops")."""
    drafts = st.drafts
    st.drafts = [d for d in drafts if d.source or d.target or any(c.parent == d.id for c in drafts)]
    for d in st.drafts:
        d.target = tuple(k for k in d.target if k not in d.source)


def _object_noun(tok: Token) -> Token | None:
    """The thing a verb acts on: its object, or its passive subject."""
    return next((c for c in tok.children if c.dep_ in ("dobj", "nsubjpass") and c.pos_ == "NOUN"), None)


def launcher_from_discourse(st: ArticleState) -> None:
    """"Russia fired four drones into Ukraine ... all four drones were destroyed by the Ukrainian
    air force": an act of force on things (drones, missiles, ships) with no target is aimed at
    the actor who, earlier in the article, launched things of the same name and is not the
    act's own side."""
    table = st.table
    earlier: list[tuple[str, tuple[str, ...]]] = []  # (object lemma, source) in text order
    for d in sorted(st.drafts, key=lambda d: d.evidence.start):
        tok = d.trigger.token
        obj = _object_noun(tok) if tok.pos_ in ("VERB", "AUX") else None
        if obj is None:
            continue
        lemma = obj.lemma_.lower()
        if d.cameo[:2] in _VIOLENT_ROOTS and d.source and not d.target and not st.finder.resolve(obj):
            mine = {table.country(k) for k in d.source} | set(d.source)
            for prev_lemma, prev_source in reversed(earlier):
                if prev_lemma == lemma and not ({table.country(k) for k in prev_source} | set(prev_source)) & mine:
                    d.target = prev_source
                    break
        if d.source and tok.dep_ != "relcl":
            earlier.append((lemma, d.source))


def opponent_from_article(st: ArticleState) -> None:
    """"Ukraine's air force said it shot down 41 drones": force used with no target named is
    aimed at the actor's opponent in the article, the country most often on the other side of
    its other acts of force (none when the article shows no such counterpart: then the domestic
    rule decides). Not for an armed group of no state ("PKK militants launched attacks", in an
    article on Turkish strikes in Iraq): the state's foreign opponent is not its own; its
    violence is aimed at the state where its sentence places it, else the domestic rule decides."""
    table = st.table
    pairs = _counterparts(st, lambda d: d.cameo[:2] in _VIOLENT_ROOTS)
    for d in st.drafts:
        if d.cameo[:2] not in _VIOLENT_ROOTS or not d.source or any(_placed(table, k) for k in d.target):
            continue
        if all(table.kind(k) in _NON_STATE_ARMED or _sector(table, k) in _INSURGENT_SECTORS
               for k in d.source):
            place = (table.country(d.location) if d.location else None) or _sentence_place(
                d.trigger.token.sent, st.finder, set())
            if place:
                d.target = d.target + (table.state(table.country(place) or place, None),)
            continue
        best = _main_counterpart(st, d, pairs)
        if best:
            d.target = d.target + (table.state(best, None),)


def _counterparts(st: ArticleState, counted: Callable[[DraftEvent], bool]
                  ) -> dict[str, dict[str, int]]:
    """For each country, how often each other country is on the other side of the article's
    drafts that `counted` admits (both directions)."""
    table = st.table
    pairs: dict[str, dict[str, int]] = {}
    for d in st.drafts:
        if not counted(d):
            continue
        for a in {table.country(k) for k in d.source} - {None}:
            for b in {table.country(k) for k in d.target} - {None, a}:
                for x, y in ((a, b), (b, a)):
                    pairs.setdefault(x, {}).setdefault(y, 0)
                    pairs[x][y] += 1
    return pairs


def _main_counterpart(st: ArticleState, d: DraftEvent, pairs: dict[str, dict[str, int]]
                     ) -> str | None:
    """The country most often opposite the one country of `d`'s source (None when the source
    has no single country or the article shows no counterpart; ties by code)."""
    countries = {st.table.country(k) for k in d.source} - {None}
    if len(countries) != 1:
        return None
    counts = pairs.get(countries.pop(), {})
    return max(sorted(counts), key=counts.get) if counts else None


def same_attack_sides(st: ArticleState) -> None:
    """"Vietnamese-led forces launched rocket fire against Kampuchean guerrilla camps, killing or
    wounding 50": acts of force of one sentence with a side missing take it from another act of
    force it hangs together with in the grammar (one is the other's head, or both hang from one
    verb: the killing is the fire's, aimed at its target, done by its doer), when the borrowed
    side is not the act's own other side."""
    table = st.table

    def anchor(tok: Token) -> Token:
        while tok.dep_ == "conj" and tok.head.i != tok.i:  # "artillery, mortar and rocket fire"
            tok = tok.head
        return tok

    def linked(a: DraftEvent, b: DraftEvent) -> bool:
        x, y = anchor(a.trigger.token), anchor(b.trigger.token)
        return bool({x.i, x.head.i} & {y.i, y.head.i})

    by_sentence: dict[int, list[DraftEvent]] = {}
    for d in st.drafts:
        if d.cameo[:2] in _VIOLENT_ROOTS and d.evidence is not None and d.modality == "actual":
            by_sentence.setdefault(d.evidence.sent_start, []).append(d)
    for drafts in by_sentence.values():
        if len(drafts) < 2:
            continue
        for d in drafts:
            mine = {table.country(k) for k in d.source} | set(d.source)
            if not any(_placed(table, k) for k in d.target):
                other = next((o.target for o in drafts if o is not d and linked(o, d) and any(_placed(table, k) for k in o.target)
                              and not ({table.country(k) for k in o.target} | set(o.target)) & mine), ())
                if other:
                    d.target = d.target + tuple(k for k in other if k not in d.target)
            if not d.source:
                theirs = {table.country(k) for k in d.target} | set(d.target)
                other = next((o.source for o in drafts if o is not d and linked(o, d) and o.source
                              and not ({table.country(k) for k in o.source} | set(o.source)) & theirs), ())
                if other:
                    d.source = other


#: roots of cooperative acts that are given to someone: intent, diplomatic and material
#: cooperation, aid
_GIVING_ROOTS = {"03", "05", "06", "07"}


def partner_from_article(st: ArticleState) -> None:
    """"The White House pledges quick aid delivery", "Zelenskyy welcomed such a strong
    demonstration of support": cooperation with no recipient named is aimed at the actor's
    partner in the article, the state most often on the other side of its other cooperative
    acts (none when the article shows no such counterpart)."""
    table = st.table
    pairs = _counterparts(st, lambda d: d.coded and d.cameo[:2] in _GIVING_ROOTS | {"04", "08"})
    for d in st.drafts:
        if not d.coded or d.cameo[:2] not in _GIVING_ROOTS or not d.source or d.target:
            continue
        best = _main_counterpart(st, d, pairs)
        if best:
            d.target = (table.state(best, None),)


#: roots of verbal and material conflict that, with no target named, are aimed at the
#: actor's adversary in the article: demand, disapprove, reject, threaten, reduce relations
_PRESSURE_ROOTS = {"10", "11", "12", "13", "16"}
#: roots whose sides count as adversaries (conflict, verbal or material)
_ADVERSARY_ROOTS = _PRESSURE_ROOTS | {"15", "17", "18", "19", "20"}


def adversary_from_article(st: ArticleState) -> None:
    """"We are taking steps to impose visa restrictions on eleven individuals" (the United States,
    in a statement about Guatemala): pressure with no placed target (demand, disapproval,
    rejection, threat, sanction) is aimed at the actor's adversary in the article, the state most
    often on the other side of its coded acts of conflict (none when it shows none)."""
    table = st.table
    pairs = _counterparts(st, lambda d: d.coded and d.cameo[:2] in _ADVERSARY_ROOTS)
    told: set[tuple[str, str | None]] = set()  # (root, source country) of acts told with a target
    for d in st.drafts:
        if not d.coded or d.cameo[:2] not in _PRESSURE_ROOTS or not d.source:
            continue
        if d.trigger.entry.content == "directed":
            continue  # an order is given to one's own ("ordered the arrest of Dodik"), not a foe
        mine = {table.country(k) for k in d.source}
        if any(_placed(table, k) for k in d.target):
            told |= {(d.cameo[:2], c) for c in mine}
            continue
        if {(d.cameo[:2], c) for c in mine} & told:
            continue  # the same act told again: a mention of the earlier one (_one_per_occasion)
        best = _main_counterpart(st, d, pairs)
        if best:
            d.target = d.target + (table.state(best, None),)


#: roots of acts aimed at whoever did what they are about: demand, disapprove, reject
_ABOUT_ACTS = {"10", "11", "12"}


def perpetrator_as_target(st: ArticleState) -> None:
    """"Guterres condemned the attack", "rejected the strikes": disapproval, rejection or a demand
    about an act with no placed target is aimed at who did the act: the source of the act it
    names, or, when that act names none ("the attack"), of the latest earlier act of the article
    of the same root. A target that is only the act's own target or place ("condemned the visit
    by the U.S. delegation to Taipei") gives way to the act's doer."""
    table = st.table
    ordered = sorted(st.drafts, key=lambda d: d.evidence.start)
    for d in ordered:
        if d.cameo[:2] not in _ABOUT_ACTS:
            continue
        acts = [c for c in ordered if c is not d and (c.parent == d.id or c.extra.get("object_of") == d.id)]
        if any(_placed(table, k) for k in d.target):
            # "Beijing condemned the visit by the U.S. delegation to Taipei": the target found is
            # the act's own target or place; the one condemned is who did it (not when the
            # target is the verb's object: "criticized Japan for allowing ... to visit Tokyo")
            objects = {c.i for c in d.trigger.token.children if c.dep_ in ("dobj", "dative", "nsubjpass")}
            if any(i in objects and k in d.target for i, k in st.finder.history):
                continue
            for act in acts:
                doer = tuple(k for k in act.source if k not in d.source and _placed(table, k))
                tok = act.trigger.token
                end = tok.sent.end  # (the parser may hang "to Taipei" on the main verb)
                inside = {k for i, k in st.finder.history if tok.i < i < end and table.kind(k) == "state"}
                if doer and not set(doer) & set(d.target) and set(d.target) <= (
                        set(act.target) | {act.location} | inside):
                    d.target = doer
                    break
            continue
        for act in acts:
            doer = act.source
            if not doer:
                doer = next((e.source for e in reversed(ordered[:ordered.index(act)])
                             if e.coded and e.source and e.cameo[:2] == act.cameo[:2]), ())
            doer = tuple(k for k in doer if k not in d.source and _placed(table, k))
            if doer:
                d.target = d.target + doer
                break


def _state_media_words() -> frozenset[str]:
    return word_set("state_media.csv", "word")


#: roots of acts addressed to whoever hears them (statements, appeals, intents, meetings,
#: demands, threats): a news outlet among their targets only carries them ("told reporters",
#: "talks to the media", "according to Xinhua")
_SAID_TO_ROOTS = {"01", "02", "03", "04", "05", "10", "13"}
#: roots of an outlet's own stand: defying a ban, protesting ("a newspaper has violated a ban
#: by General Michel Aoun")
_OUTLET_OWN_ROOTS = {"12", "14"}


def _names(b) -> tuple[str, ...]:
    """An actor's label, and for a generic group the phrases the article called it by too
    (a state's group is named by its sector and state: kg/data/sectors.csv)."""
    return (b.label, *sorted(b.aliases)) if b.key.startswith("group-") else (b.label,)


def _news_outlet(table: ActorTable, key: str) -> bool:
    """Whether an actor is a news outlet or a reporter that is not a state's voice
    (`kg/data/state_media.csv`)."""
    b = table.actors.get(key)
    if b is None or b.sector != "MED" and b.kind != "media":
        return False
    words = {w for n in _names(b) for w in re.split(r"[\s’']+", n.lower())}
    return not words & _state_media_words()


def media_not_sides(st: ArticleState) -> None:
    """News outlets and reporters tell events, they are not their sides ("Malic told AP", "The
    Chicago Tribune newspaper quotes police as saying ...", "the journalist said the regime's
    idea was to ..."): an outlet is no event's source (but of its own defiance or protest: "a
    newspaper has violated a ban"), and no target of what is said to it
    ("telling journalists", "talks to the media"). A state's outlet speaks for its state ("North
    Korea's state media criticized China"); acts done to outlets stay theirs ("blocking web
    pages of the Voice of America", "closed 12 media outlets")."""
    table = st.table
    for d in st.drafts:
        if not d.coded:
            continue
        source = tuple(k for k in d.source if not _news_outlet(table, k))
        if source != d.source and d.cameo[:2] not in _OUTLET_OWN_ROOTS:
            d.source = source
            d.extra["media_source"] = True
        if d.cameo[:2] in _SAID_TO_ROOTS:
            d.target = tuple(k for k in d.target if not _news_outlet(table, k))


def _commentator_words() -> frozenset[str]:
    return word_set("commentators.csv", "word")


#: roots of verbal acts (statements to threats): what a commentator says is not an act
_VERBAL_ROOTS = {"01", "02", "03", "04", "05", "10", "11", "12", "13"}


def _commentator(table: ActorTable, key: str) -> bool:
    """Whether an actor is named, or holds a post named, by a word of `kg/data/commentators.csv`."""
    b = table.actors.get(key)
    if b is None or b.kind in ("state", "igo"):
        return False
    names = [*_names(b)] + [r.post for r in b.roles.values()]
    return any(set(re.split(r"[\s,’'-]+", n.lower())) & _commentator_words() for n in names)


def commentators_remark(st: ArticleState) -> None:
    """"Some analysts warn that ...", "Security analyst Kabiru Adamu welcomed the move", "Experts
    also said the U.S. must do more": what analysts, experts and scholars (`kg/data/commentators.csv`)
    say, praise or warn of is a remark on events, not an event between actors: a verbal act
    whose every source is such a commentator is not coded (their material acts stay: "students
    marched")."""
    table = st.table
    for d in st.drafts:
        if not d.coded or d.cameo[:2] not in _VERBAL_ROOTS:
            continue
        if d.source and all(_commentator(table, k) for k in d.source) or _inverted_commentator(d, st):
            d.coded = False
            d.extra["commentary"] = True


def _inverted_commentator(d: DraftEvent, st: ArticleState) -> bool:
    """"..., fear analysts": a verb after a comma with no subject and commentators as the noun
    that follows it is an inverted reporting clause whose speakers the parse took for objects."""
    tok = d.trigger.token
    if tok.i == 0 or tok.doc[tok.i - 1].text not in (",", "”", '"') or any(
            c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        return False
    obj = next((c for c in tok.rights if c.dep_ in ("dobj", "attr", "npadvmod")), None)
    keys = st.finder.resolve(obj) if obj is not None else ()
    return bool(keys) and all(_commentator(st.table, k) for k in keys)


def branches_at_home(st: ArticleState) -> None:
    """A generically named branch or an office of one ("the Department of the Treasury's Office
    of Foreign Assets Control") is the home state's, before its sentence's state is considered
    (`kg.extract.context.home_branches`)."""
    for key in home_branches(st.finder):
        if st.trace is not None:
            st.trace.note("branches_at_home", "", f"actor {key} takes the home state {st.table.country(key)}")


#: dependencies of the words that carry a description's state ("a former Haitian police
#: officer", "Iran's envoy", "the Haitian gang coalition"): its own modifiers, not a phrase
#: it governs ("a critic of Russia" is not Russia's)
_DESCRIPTION_MODIFIERS = ("amod", "compound", "nmod", "poss")


#: kinds of the state bodies whose officials are of the body's state
_BODY_KINDS = {"government", "military", "police", "judiciary", "legislature"}


def _descriptions(tok: Token) -> list[Token]:
    """The nouns a mention of a name is said to be: the phrase it stands in apposition to ("the
    Haitian gang coalition, Viv Ansanm"), its own apposition ("Herard, a former police
    officer"), or the predicate of a copula it is the subject of ("Herard is a former Haitian
    police officer")."""
    out = []
    if tok.dep_ == "appos" and tok.head.pos_ == "NOUN" and tok.head.i < tok.i:
        out.append(tok.head)
    out.extend(c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN")
    if tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
        out.extend(c for c in tok.head.children if c.dep_ == "attr" and c.pos_ == "NOUN")
    return out


def described_countries(st: ArticleState) -> None:
    """A person or body of no country takes the one state the description the text equates it
    with names: "the Haitian gang coalition, Viv Ansanm", "Herard is a former Haitian police
    officer", "X, Iran's envoy" (the description is its nationality; a coder reads it so); an
    official, the state of the body of the title ("Secretary of the Treasury Janet L. Yellen",
    the Treasury placed by `branches_at_home`)."""
    finder, table = st.finder, st.table
    found: dict[str, set[str]] = {}
    for i, key in finder.history:
        b = table.actors.get(key)
        if b is None or b.country or b.kind not in _COUNTRY_FROM_CONTEXT or key.startswith("group-") or (
                b.code and b.code[:3] in ("IGO", "NGO", "IMG")):
            continue  # (a group named by a noun takes its country from the article: actor_places)
        for noun in _descriptions(st.doc[i]):
            if of_other_states(noun):
                continue
            states = {c for m in noun.children if m.dep_ in _DESCRIPTION_MODIFIERS and m.i < noun.i
                      for c in [finder.country_in_token(m)] if c}
            found.setdefault(key, set()).update(states)
        if b.kind == "person":
            # "Secretary of the Treasury Janet L. Yellen": the state of the body of the title
            found.setdefault(key, set()).update(
                c for t in st.doc[i].subtree if t.i < i and t.dep_ == "pobj" and t.head.lower_ == "of"
                for k in finder.cache.get(t.i, ()) if table.kind(k) in _BODY_KINDS
                for c in [table.country(k)] if c)
    for key, states in found.items():
        b = table.actors[key]
        if len(states) != 1 or b.country:
            continue
        b.country = states.pop()
        if b.code and len(b.code) == 3 and b.code == b.sector:
            b.code = None  # recomputed from country + sector
        if st.trace is not None:
            st.trace.note("described_countries", "", f"actor {key} takes the country {b.country} of its description")


def sentence_countries(st: ArticleState) -> None:
    """An actor the text gives no country takes the one state its sentence names
    (`_sentence_countries`), leaving out the state of the doer of an act the actor only
    reports ("officials said Russian drones struck ...": the officials are not Russia's)."""
    by_id = {d.id: d for d in st.drafts}
    reported: dict[str, set[str]] = {}
    for d in st.drafts:
        parent = by_id.get(d.parent) if d.parent else None
        if (parent is None or not parent.trigger.entry.speech or d.modality != "actual"
                or d.cameo[:2] not in _MEANS_ROOTS):
            continue  # only a reported act of force, not what the speaker asks or foresees
        # a state as a whole ("Russia", "Russian drones"), not a force of it that may well
        # report its own act ("security forces in Mali killed ..., the army said")
        doers = {st.table.country(k) for k in d.source if st.table.kind(k) == "state"} - {None}
        for k in parent.source:
            reported.setdefault(k, set()).update(doers)
    for key, country in _sentence_countries(st.finder, reported):
        if st.trace is not None:
            st.trace.note("sentence_countries", "", f"actor {key} takes the country {country} of its sentence")


def actor_places(st: ArticleState) -> None:
    """A group or official of no country takes it from the article: its own clause, another
    mention of its sector, the dateline or the article's state (`kg.extract.context.place_actors`)."""
    place_actors(st.drafts, st.finder)


def places_of_events(st: ArticleState) -> None:
    """Each event gets the GeoNames place its text names (`kg.extract.context.event_places`)."""
    event_places(st.drafts, st.finder)


def domestic_targets(st: ArticleState) -> None:
    """Violence by no named actor is the state's where it happened; protest, repression and
    violence with no placed target are aimed at the source's own state, the one state of the
    doers that have one ("Sanon and his gang") (`_domestic_targets`)."""
    _domestic_targets(st.drafts, st.table, st.finder)


def directives(st: ArticleState) -> None:
    """A request from a state's leader to an official of the same state is a directive (`_directives`)."""
    _directives(st.drafts, st.table)


def dates(st: ArticleState) -> None:
    """Every actual event dated: its own time expression, else the article's date (`kg.extract.dates`)."""
    attach_dates(st.drafts, st.doc, st.article)


def no_agent(st: ArticleState) -> None:
    """An act nobody is said to do is not coded: with no source left after the grammar and the
    place of violence, the event has no "who" (PETRARCH, too, codes only events with a source
    actor); it stays in the graph, uncoded, as what the text tells."""
    for d in st.drafts:
        if not d.source and d.coded:
            d.coded = False
            d.extra["no_agent"] = True


#: CAMEO sectors of the generic groups that, placed in no state, are vague actors: officials,
#: leaders, governments ("Western governments"), and peoples ("Kurds", "Central Asians");
#: not forces, rebels or gangs, whose acts a coder codes with the state left open
_VAGUE_SECTORS = {"GOV"}


def vague_sources(st: ArticleState) -> None:
    """"Western governments have agreed to lift sanctions", "officials caution", "Kurds seize
    airfield", "Democrats push for gun control": an act whose every doer is a generic group of
    officials or of a people placed in no state (`_VAGUE_SECTORS`) is done by a vague actor,
    which the coding guide does not code ("vague actors ('Western nations')"); it stays in the
    graph, uncoded."""
    table = st.table
    for d in st.drafts:
        if d.coded and d.source and all(
                k.startswith("group-") and not table.country(k) and table.actors[k].sector in _VAGUE_SECTORS
                for k in d.source):
            d.coded = False
            d.extra["vague_source"] = True


#: CAMEO roots of acts done together (consult, diplomatic and material cooperation): with
#: several parties as source and none as target, each party is also the other's target
_JOINT_ROOTS = ("04", "05", "06")


def joint_parties(st: ArticleState) -> None:
    """Parties of different states that meet, praise their alliance or cooperate together with
    no other party named ("the secretaries discussed ...") are each other's counterparts: the
    coding guide lists all parties on both sides of a joint or symmetric event."""
    for d in st.drafts:
        if (d.coded and d.cameo[:2] in _JOINT_ROOTS and not d.target
                and len({st.table.country(k) or k for k in d.source}) >= 2):
            d.target = tuple(d.source)
            d.extra["joint"] = True


#: CAMEO codes of conventional force (clashes, artillery, air strikes) that, used by an armed
#: group of no state, are the guide's assault (root 18: "attacks by armed groups")
_CONVENTIONAL_FORCE = ("190", "193", "194", "195")
_NON_STATE_ARMED = {"armed_group", "criminal"}
#: CAMEO sectors of armed opposition ("rebels", "insurgents", "militants") and of criminals
_INSURGENT_SECTORS = {"REB", "INS", "CRM"}


def armed_group_assault(st: ArticleState) -> None:
    """"The Houthis have launched more than 30 attacks on commercial vessels", "gangs opened
    fire on the crowd": conventional force used by armed groups of no state (insurgents,
    rebels, gangs; not forces that may be a state's, CAMEO sector UAF), with no state's actor
    among the doers, other than on a state's forces, is assault (CAMEO 180, the coding guide: "18 assault (attacks by armed
    groups ...); 19 fight (strikes, shelling, clashes by state forces)")."""
    table = st.table
    for d in st.drafts:
        if not d.source or not d.cameo.startswith(_CONVENTIONAL_FORCE):
            continue
        if any(table.kind(k) == "military" for k in d.target):
            continue  # "Hamas fighters clashed with Israeli troops": a fight between forces
        armed = [table.kind(k) in _NON_STATE_ARMED or _sector(table, k) in _INSURGENT_SECTORS
                 for k in d.source]
        # a person of no known state beside an armed group is its leader or member ("Sanon and
        # his gang", his title "leader" read as an office): not a state's side
        if any(armed) and not any(_state_side(table, k) and not (
                table.kind(k) == "person" and not table.country(k)) for k in d.source):
            d.cameo = "180"  # "Sanon and his gang": a leader acts with his armed group


#: actor kinds and sectors of a state's side in a fight (CAMEO UAF: unidentified armed forces,
#: that may fight alongside a state: "the army and associated clan militias")
_STATE_KINDS = {"state", "government", "military", "police"}
_STATE_SECTORS = {"GOV", "MIL", "COP", "SPY", "UAF", "JUD", "LEG"}


def _state_side(table: ActorTable, key: str) -> bool:
    return table.kind(key) in _STATE_KINDS or _sector(table, key) in _STATE_SECTORS


def _sector(table: ActorTable, key: str) -> str | None:
    b = table.actors.get(key)
    return b.sector if b is not None else None


#: CAMEO codes of administrative sanctions ("impose restrictions", "designate as terrorist")
_ADMINISTRATIVE = "172"
_SANCTION = "163"


def foreign_sanctions(st: ArticleState) -> None:
    """"The United States is imposing visa restrictions on eleven Guatemalan officials", "Viv
    Ansanm was designated by the U.S. Department of State as a terrorist organization":
    administrative sanctions a state imposes on actors of other states are sanctions (CAMEO
    163; the coding guide: "16 reduce relations (... sanctions ...)"); at home they stay
    administrative sanctions (172: curfews, bans)."""
    table = st.table
    for d in st.drafts:
        if d.cameo != _ADMINISTRATIVE or not d.source or not d.target:
            continue
        mine = {table.country(k) for k in d.source} - {None}
        theirs = {table.country(k) for k in d.target if _placed(table, k)}
        if mine and theirs and None not in theirs and not theirs & mine:
            d.cameo = _SANCTION


def sanctioned_from_discourse(st: ArticleState) -> None:
    """"The United States took this action following the United Kingdom's and the European
    Union's designation of the same individuals": sanctions with no placed target of another
    country are on whom the article's sanctions told before are (the target of the latest
    earlier sanction)."""
    table = st.table
    ordered = sorted(st.drafts, key=lambda d: d.evidence.start)
    for n, d in enumerate(ordered):
        if not d.coded or d.cameo[:2] != "16" or not d.source:
            continue
        mine = {table.country(k) for k in d.source} - {None}
        if any(_placed(table, k) and table.country(k) not in mine for k in d.target):
            continue  # (a state does not sanction its own: "the same generals" read as Australian)
        prev = next((e for e in reversed(ordered[:n]) if e.coded and e.cameo[:2] == "16"
                     and any(_placed(table, k) for k in e.target)), None)
        if prev is not None:
            d.target = tuple(k for k in prev.target if k not in d.source)


#: how long before the article's date an act's stated date must end for the act to be closed
#: history (days): the coding guide codes background of the current episode ("designated ... on
#: May 2, 2025" in a text of October 2025) but not closed history ("In 2008, African leaders
#: refused to recognize an election", "Since Russia annexed Crimea in 2014" in 2016)
HISTORY_DAYS = 365
#: how a date reaches an act for `closed_history` to trust it: the act's own time expression or
#: the dated clause it is told in (not a date carried from its speaker's other statements)
_OWN_DATES = {"own clause", "dated clause"}


def closed_history(st: ArticleState) -> None:
    """An act whose own stated date ends more than `HISTORY_DAYS` before the article's date is
    closed history told as background, not an event of the article ("In 2008, African leaders
    refused to recognize an election", "Badreddine escaped from prison after the country was
    invaded by Iraq in 1990", an archive photo's caption dated years earlier): it stays in the
    graph, uncoded. A date carried from elsewhere (the speaker's other statement) does not count."""
    day = st.article.date
    if day is None:
        return
    old: list[DraftEvent] = []
    for d in st.drafts:
        value = d.extra.get("date")
        if (value is not None and d.extra.get("date_how") in _OWN_DATES
                and (day - value.end).days > HISTORY_DAYS):
            old.append(d)
            if d.coded:
                d.coded = False
                d.extra["history"] = True
    # "has in the past called on countries to ...", "cooperated ... in the past": told as
    # history, with no date
    for d in st.drafts:
        if d.coded and _in_the_past(d.trigger.token):
            old.append(d)
            d.coded = False
            d.extra["history"] = True
    # "Ryan was killed in an ambush after visiting the sect's headquarters in 1978": an act with
    # no date of its own, told in the time of a clause dated years back, is history too
    for d in st.drafts:
        if d.coded and d.extra.get("date_how") not in _OWN_DATES and any(
                _in_time_clause(o.trigger.token, d.trigger.token) for o in old):
            d.coded = False
            d.extra["history"] = True


def _in_the_past(tok: Token) -> bool:
    """Whether an act's clause says it happened "in the past" (a bare "past": not "in the past
    week"), the act being a verb or a noun such a verb carries."""
    verbs = [tok] if tok.pos_ in ("VERB", "AUX") else [tok.head] if tok.dep_ in ("dobj", "nsubjpass") else []
    for v in verbs:
        for p in v.children:
            if p.dep_ == "prep" and p.lower_ == "in":
                for o in p.children:
                    if o.dep_ == "pobj" and o.lower_ == "past" and all(c.dep_ == "det" for c in o.children):
                        return True
    return False


#: words that set an act in the time of their clause ("after visiting ... in 1978")
_TIME_WORDS = {"after", "before", "when", "following", "during", "as"}


def _in_time_clause(tok: Token, main: Token) -> bool:
    """Whether `tok` heads a clause or phrase of time ("after", "when" ...) hung on `main`."""
    if tok.head.i != main.i and not (tok.head.dep_ == "prep" and tok.head.head.i == main.i):
        return False
    if tok.dep_ == "advcl":
        return any(c.dep_ in ("mark", "advmod") and c.lower_ in _TIME_WORDS for c in tok.children)
    return tok.dep_ in ("pcomp", "pobj") and tok.head.dep_ == "prep" and tok.head.lower_ in _TIME_WORDS


#: the article rules, in the order they run after every sentence has been read
ARTICLE_RULES = (colon_quote_content, cut_off_ending, perpetrator_as_target, media_not_sides, commentators_remark, drop_unanchored, launcher_from_discourse,
                 branches_at_home, described_countries, sentence_countries, actor_places, armed_group_assault,
                 foreign_sanctions, sanctioned_from_discourse, places_of_events, same_attack_sides, opponent_from_article,
                 partner_from_article, adversary_from_article, domestic_targets, directives,
                 joint_parties, vague_sources, no_agent, dates, closed_history)


@functools.lru_cache(maxsize=None)
def _code_map(name: str) -> dict[str, str]:
    """A CAMEO code map of kg/data (`prefix,code`): announced.csv, refused.csv."""
    rows = csv_rows(read_data(name), f"kg/data/{name}", ("prefix", "code"))
    return {row["prefix"]: row["code"] for _, row in rows}


def _mapped(name: str, code: str) -> str | None:
    """The code that the longest matching prefix of `code` maps to in the code map `name`."""
    table = _code_map(name)
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def _one_per_dyad(events: list[Event], table: ActorTable, trace: Trace | None = None) -> tuple[Event, ...]:
    """A coder codes one event per sentence, type and source: "killed three and wounded five"
    is one assault. Later mentions of the same coded act keep their node but not the code, and
    lend the first their missing source or target. Sources are the same when they share a
    country ("Palestinian bombers ... they blew themselves up")."""
    def side(keys) -> set:
        return {table.country(k) or k for k in keys}

    first: dict[tuple, int] = {}
    out = list(events)
    for n, e in enumerate(out):
        if not e.plover:
            continue
        key = (e.evidence.sent_start, e.plover)
        if key not in first:
            first[key] = n
            continue
        kept = out[first[key]]
        if kept.source and e.source and not side(kept.source) & side(e.source):
            continue  # a different actor doing the same kind of thing: its own event
        source = kept.source or e.source
        target = tuple(k for k in kept.target if k not in source) or e.target
        out[first[key]] = replace(kept, source=source, target=target)
        out[n] = replace(e, cameo=None, plover=None)
        if trace is not None:
            trace.note("one_per_dyad", e.id, f"same {e.plover} as {kept.id} in its sentence: not coded again")
    return tuple(out)


_DEFINITE = {"the", "this", "that", "these", "those"}


_DEMONSTRATIVE = {"this", "that", "these", "those"}


def _refers_back(tok: Token) -> bool:
    """Whether an event noun refers to an event already told: "the attack", "Tuesday's
    strike", "its siege", "these attacks" (not "an attack", "attacks"); or a verb whose object
    points back with a demonstrative ("we are giving this military support", "carried out
    these strikes"; not "the support", which may be told for the first time)."""
    if tok.pos_ == "VERB":
        return any(c.dep_ == "dobj" and c.pos_ == "NOUN" and any(
            d.dep_ == "det" and d.lower_ in _DEMONSTRATIVE for d in c.children) for c in tok.children)
    if tok.pos_ not in ("NOUN", "PROPN"):
        return False
    return any(c.dep_ == "det" and c.lower_ in _DEFINITE or c.dep_ == "poss" for c in tok.children)


#: CAMEO intents (03x) and the root of the act each announces: a later mention of the act that
#: refers back to it ("Finland would also send $203 million in military aid ... 'we are giving
#: this military support'") is the same real-world event
_INTENDED_ROOT = {"031": "06", "032": "05", "033": "07", "034": "08", "035": "08", "036": "04"}


def _stated(date) -> bool:
    """A date the text states for the event itself (not the article's date standing in)."""
    return date is not None and date.basis == "stated"


def _headline_end(text: str) -> int:
    """The end of the article's headline: a short first line without a closing full stop
    ("Russia targets Ukraine with missiles, drones"), else 0 (no headline)."""
    first = text.lstrip().split("\n", 1)[0].rstrip()
    if not first or len(first) > 160 or first.endswith((".", "!", "?")) or "\n" not in text.strip():
        return 0
    return text.index(first) + len(first)


def _one_per_occasion(events: tuple[Event, ...], repeats: set[str], table: ActorTable,
                      trace: Trace | None = None, headline_end: int = 0) -> tuple[Event, ...]:
    """One real-world event is one event of the article: a later coded event of the same CAMEO
    root and modality, on no other day, is a repeated mention of the first when it is told in the
    same words between the same countries (a photo caption repeated), or refers back to it
    ("U.S. and British forces struck ... these strikes", in `repeats`) naming no party the first
    does not, or, for a disapproval and a rejection of the same party by the same party, is
    the same stand told in other words (`_DISOWNING_ROOTS`). A
    repeated mention keeps its node and evidence but becomes a mention of the first: it takes its
    code, modality, sides and date, so a dated event and its mentions are one node (see
    `kg.mapping.shared_event_node`); an undated repeat is left uncoded. Different occasions (two
    dates) stay separate."""
    def side(keys) -> frozenset:
        return frozenset(table.country(k) or k for k in keys)

    out = list(events)
    kept: list[int] = []
    for n, e in enumerate(out):
        if not e.cameo:
            continue
        s, t = side(e.source), side(e.target)
        first = None
        for m in kept:
            k = out[m]
            ks, kt = side(k.source), side(k.target)
            if e.id in repeats and _INTENDED_ROOT.get(k.cameo[:3]) == e.cameo[:2] and (
                    s <= ks and t <= kt and (s or t)):
                first = m  # the act an intent announced, told again ("this support")
                break
            if k.cameo[:2] != e.cameo[:2] and not (
                    {k.cameo[:2], e.cameo[:2]} <= _DISOWNING_ROOTS and s and t and s == ks and t == kt):
                continue  # (rejecting and condemning the same party: one stand, one event)
            if k.modality != e.modality:
                continue
            if (_stated(e.date) and _stated(k.date)
                    and (e.date.begin, e.date.end) != (k.date.begin, k.date.end)):
                continue  # another occasion
            if k.cameo[:2] != e.cameo[:2]:
                first = m
                break
            if (k.evidence.start < headline_end <= e.evidence.start and s and s == ks and t == kt) or (
                    _told_again_untargeted(e, k, s, t, ks, kt)) or e.evidence.sentence == k.evidence.sentence and s == ks and t == kt or (
                    e.id in repeats and s <= ks and t <= kt and (s or t)) or (
                    e.cameo[:2] in _JOINT_ROOTS and s | t and (s | t) == (ks | kt)
                    and len(s | t) >= 2 and e.modality == "actual"):
                # ... or the same parties meeting or cooperating again that day ("met with ...
                # the secretaries discussed"): one meeting, however many sentences tell it
                # the same words again, or "the strikes" naming no more parties than the first
                first = m
                break
        if first is None:
            kept.append(n)
            continue
        k = out[first]
        if k.date:
            out[n] = replace(e, cameo=k.cameo, plover=k.plover, modality=k.modality, source=k.source,
                             target=k.target, date=k.date, base_code=k.base_code,
                             event_class=k.event_class)  # one node: one code, one class
        else:
            out[n] = replace(e, cameo=None, plover=None)
        if trace is not None:
            trace.note("one_per_occasion", e.id, f"a repeated mention of {k.id} ({k.cameo})")
    return tuple(out)


#: roots of one stand against a party, however many words tell it: disapprove, reject ("has
#: forcefully rejected a statement by the gang leader ... 'condemns in the strongest terms the
#: actions of gang leaders'": one event, as the guide codes one occasion)
_DISOWNING_ROOTS = {"11", "12"}


def _told_again_untargeted(e: Event, k: Event, s, t, ks, kt) -> bool:
    """Whether `e`, naming no target, is the same actor's act of the same root told before with
    one ("U.N. expresses concern over deadly Israeli strikes ... The U.N. human rights office
    says, 'We have serious concerns ...'"): a repeated mention, not another event. Acts of force
    are not merged this way (the same army strikes many times a day)."""
    return (not t and bool(kt) and bool(s) and s == ks and e.cameo[:2] not in _VIOLENT_ROOTS
            and e.modality == "actual" and k.modality == "actual")


def _told_not_to(tok: Token) -> bool:
    """"advised Afghans not to travel to the border", "told residents not to return": a negated
    act in the infinitive an actor addresses to someone else is advice, not anyone's refusal."""
    return (tok.dep_ in ("xcomp", "ccomp") and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            and any(c.dep_ in ("dobj", "dative") for c in tok.head.children))


#: auxiliaries of a negated act that is a refusal: what the actor will not, would not, cannot
#: do ("will not accept refugees", "cannot accept a partnership"), or did not do
_REFUSAL_AUX = {"will", "wo", "'ll", "’ll", "shall", "would", "'d", "’d", "can", "ca", "cannot", "did"}


def _refusal_form(tok: Token) -> bool:
    """Whether the negated verb of an act reads as a refusal ("will not accept", "did not agree
    to talks") rather than a state or a habit ("is not supporting terrorism", "has never invested
    enough", "was not discussed", "never supported either candidate"): the verb that carries
    the negation has an auxiliary of will, ability or a past act."""
    cur = tok
    for _ in range(4):
        if any(c.dep_ == "neg" for c in cur.children):
            return any(c.dep_ == "aux" and c.lower_ in _REFUSAL_AUX for c in cur.children)
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return False


def _finish(d: DraftEvent) -> Event:
    # an act another foresees ("officials expect Rubio to meet Iwaya") is no event (yet)
    coded = (d.coded and d.modality != "predicted"
             and (d.modality not in ("negated",) or d.trigger.entry.speech))
    if coded and d.modality in ANNOUNCED_MODALITIES:
        # "will provide aid" -> intent to provide aid; "will strike" -> threat of force
        d.cameo = _mapped("announced.csv", d.cameo) or d.cameo
    elif coded and d.modality == "conditional" and not d.trigger.entry.speech:
        # "if they come to kill our people, we will fight them": a coercive act on a condition
        # is a threat; any other act on a condition is only discussed (the guide codes no
        # hypotheticals): "if they arrest the oligarchs, I will applaud them"
        threat = _mapped("announced.csv", d.cameo)
        if threat and threat.startswith("13"):
            d.cameo = threat
        else:
            coded = False
    elif (d.coded and d.modality == "negated" and _mapped("refused.csv", d.cameo)
          and not _told_not_to(d.trigger.token) and _refusal_form(d.trigger.token)):
        d.cameo, coded = _mapped("refused.csv", d.cameo), True  # "will not accept refugees"
    info = lookup(d.cameo)
    return Event(
        id=d.id, event_class=d.event_class, trigger=" ".join(w.text for w in d.trigger.words),
        evidence=d.evidence, cameo=d.cameo if coded else None,
        plover=(info.plover if coded else None), modality=d.modality, source=d.source,
        target=d.target, location=d.location, date=d.extra.get("date"), parent=d.parent,
        confidence=round(min(d.confidence, 0.95), 2), base_code=d.cameo,
        place=d.extra.get("place"),
    )


_COUNTRY_FROM_CONTEXT = {"person", "group", "government", "military", "police", "judiciary",
                         "legislature", "party", "armed_group", "criminal", "organisation"}


def _sentence_countries(finder: ActorFinder,
                        reported: dict[str, set[str]] | None = None) -> list[tuple[str, str]]:
    """An actor the text gives no country takes the one state its sentence names, if only one,
    besides the states `reported[actor]` of the doers of acts it reports; returns the (actor,
    country) pairs so decided."""
    reported = reported or {}
    decided: list[tuple[str, str]] = []
    table, doc = finder.table, finder.doc
    first: dict[str, int] = {}
    for i, key in sorted(finder.history):
        first.setdefault(key, i)
    pos = token_columns(doc).pos
    named: dict[int, set[str]] = {}  # a sentence's start -> the states its words name
    for key, i in first.items():
        b = table.actors.get(key)
        if b is None or b.country or b.kind not in _COUNTRY_FROM_CONTEXT or b.code and b.code[:3] in ("IGO", "NGO", "IMG"):
            continue
        if b.kind == "person" and b.code or of_other_states(doc[i]):
            continue
        sent = doc[i].sent
        other = reported.get(key, set())
        if sent.start not in named:  # (the same for every actor of the sentence)
            named[sent.start] = {finder.country_in_token(doc[j]) for j in range(sent.start, sent.end)
                                 if pos[j] in ("PROPN", "ADJ", "NOUN")} - {None}
        states = named[sent.start] - other
        if not states:  # "police in Karachi arrested militants": the state of the cities named
            states = {finder.place_in(t) for t in sent
                      if t.ent_type_ in ("GPE", "LOC") and t.ent_iob_ == "B"} - {None} - other
        if len(states) == 1:
            b.country = states.pop()
            decided.append((key, b.country))
            if b.code and len(b.code) == 3 and b.code == b.sector:
                b.code = None  # recomputed from country + sector
    return decided


#: CAMEO roots of acts that, with no target named, are aimed at the actor's own country:
#: protests, repression, violence and concessions happen at home unless told otherwise
_DOMESTIC_ROOTS = {"08", "14", "17", "18", "19", "20"}


def _domestic_targets(drafts: list[DraftEvent], table: ActorTable, finder: ActorFinder) -> None:
    """"Students staged demonstrations", "police arrested 12": the target is the source's state;
    "a roadside bomb killed three soldiers near Samarra": violence by no named actor is coded
    to the state where it happened, and so is an arrest by no named actor ("following his arrest
    in Khartoum, Sudan": Sudan's).
    """
    for d in drafts:
        if d.source or d.cameo[:2] not in _VIOLENT_ROOTS and not (
                d.cameo.startswith(_ARREST) and d.modality == "actual"):
            continue
        exclude = {table.country(k) for k in d.target}
        # "U.S. officials confirmed an attack with drones targeting a base in Irbil": the
        # reporter's country is not where the violence is
        exclude |= {table.country(k) for r in drafts if r.trigger.entry.speech
                    and r.evidence.sent_start == d.evidence.sent_start for k in r.source}
        # "a bomb killed three US servicemen near Basra": Iraq's violence; "a car bomb killed a
        # journalist in Beirut": Lebanon's, even against its own
        sent = d.trigger.token.sent
        place = d.location or _sentence_place(sent, finder, exclude) or (
            _sentence_place(sent, finder, set()))
        if place and d.cameo.startswith(_REMOTE_STRIKE) and place in exclude:
            # "the missiles targeted the Donetsk region, in eastern Ukraine": a missile or drone
            # strike on a state is not that state's own violence
            continue
        if place:
            d.source = (place,)
            d.confidence -= 0.15
    for d in drafts:
        if not d.source or d.cameo[:2] not in _DOMESTIC_ROOTS or any(_placed(table, k) for k in d.target):
            continue  # a target of no known country or kind ("Sivas" read as a person) says nothing
        # "Sanon and his gang": the one state of the doers that have one
        countries = {table.country(k) for k in d.source} - {None}
        country = countries.pop() if len(countries) == 1 else None
        # "thousands of Nigerians rallied in Lagos": a people protesting at home
        if country and (any(table.kind(k) != "state" for k in d.source) or d.cameo[:2] == "14"):
            d.target = d.target + (table.state(country, None),)
            d.confidence -= 0.15


def _placed(table: ActorTable, key: str) -> bool:
    """Whether an actor has a country, a code or a sector: whether it places an event."""
    b = table.actors.get(key)
    return b is not None and bool(b.country or b.code or b.sector)


_VIOLENT_ROOTS = {"18", "19", "20"}
#: CAMEO codes of arrests and detentions (173): done by the state where they happen
_ARREST = ("173",)
#: CAMEO codes of strikes from afar (air, missile, drone strikes: 195)
_REMOTE_STRIKE = ("195",)


def _sentence_place(sent: Span, finder: ActorFinder, exclude: set) -> str | None:
    """The state of the one place a sentence names besides `exclude` (none if several)."""
    places = {finder.place_in(t) for t in sent
              if t.ent_type_ in ("GPE", "LOC", "FAC", "NORP") and t.ent_iob_ == "B"}
    places -= exclude | {None}
    return finder.table.state(places.pop(), None) if len(places) == 1 else None


def _directives(drafts: list[DraftEvent], table: ActorTable) -> None:
    """A request from a state's leader to an official of the same state is a directive."""
    for d in drafts:
        if d.trigger.entry.content not in ("requested", "directed") or not d.source or not d.target:
            continue
        src = table.actors.get(d.source[0])
        if src is None or src.kind != "person" or not any(
                any(p in r.post.lower() for p in _TOP_POSTS) for r in src.roles.values()):
            continue
        if all(table.country(t) == src.country and table.kind(t) != "state" for t in d.target):
            d.event_class = "Directive"
            for c in drafts:
                if c.parent == d.id:
                    if c.modality in ("requested", "actual"):
                        c.modality = "directed"
                    c.coded = True
            d.coded = False  # an order inside one government is not an inter-actor event


def _phrase(head: Token, drop: Iterable[str] = ("relcl", "appos", "punct")) -> tuple[str, int, int]:
    """The text of a noun phrase without its relative clauses/appositions."""
    skip: set[int] = set()
    for c in head.children:
        if c.dep_ in drop and c.i > head.i:
            skip.update(t.i for t in c.subtree)
    toks = [t for t in head.subtree if t.i not in skip and t.dep_ != "det" or t.i == head.i]
    toks = [t for t in toks if t.i not in skip]
    while toks and toks[0].dep_ in ("det", "punct"):
        toks.pop(0)
    while toks and toks[-1].dep_ == "punct":
        toks.pop()
    if not toks:
        return head.text, head.idx, head.idx + len(head.text)
    doc = head.doc
    span = doc[toks[0].i: toks[-1].i + 1]
    return span.text, span.start_char, span.end_char


def _evidence(tok_start: int, tok_end: int, sent: Span) -> Evidence:
    text = span_text(sent)
    lead = len(text) - len(text.lstrip())
    sentence = text.strip()
    s0 = sent.start_char + lead
    return Evidence(sentence, s0, s0 + len(sentence), tok_start, tok_end)


def _actors_in(head: Token, finder: ActorFinder) -> tuple[str, ...]:
    keys: list[str] = []
    for t in head.subtree:
        iso = finder.country_in_token(t)
        if iso:
            keys.append(finder.table.state(iso, None))
        elif t.ent_type_ in ("PERSON", "ORG") and t.i == t.head.i or t.ent_iob_ == "B" and t.ent_type_ in ("PERSON", "ORG"):
            keys.extend(finder.resolve(t))
    return tuple(dict.fromkeys(keys))


def _stances(doc: Doc, lex, finder: ActorFinder, drafts: list[DraftEvent]) -> list[Stance]:
    from kg.extract.events import _subject

    by_tok = {d.trigger.token.i: d for d in drafts}
    triggers = {d.trigger.token.i: d.trigger for d in drafts}
    out: list[Stance] = []
    columns = token_columns(doc)  # a Token only for a verb or noun with stance entries
    lemma_of = columns.lemma
    for i, tag in enumerate(columns.pos):
        pos = "VERB" if tag in ("VERB", "AUX") else "NOUN" if tag in ("NOUN", "PROPN") else None
        if pos is None:
            continue
        entries = lex.stances_for(lemma_of[i].lower(), pos)
        if not entries:
            continue
        tok = doc[i]
        for entry in entries:
            near = {c.lemma_.lower() for c in tok.children} | {tok.head.lemma_.lower()}
            for c in tok.children:
                near.update(g.lemma_.lower() for g in c.children)
            if entry.requires and not (near & set(entry.requires)):
                continue
            holder: tuple[str, ...] = ()
            aim: Token | None = None
            if pos == "VERB":
                holder = _subject(tok, finder, triggers)
                for c in tok.children:
                    if c.dep_ == "ccomp":
                        aim = next((s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")), None)
                    elif c.dep_ == "dobj" and aim is None:
                        aim = c
                        # "the importance of X": X is what is stressed
                        for p in c.children:
                            if p.dep_ == "prep" and p.lower_ == "of":
                                aim = next((o for o in p.children if o.dep_ == "pobj"), aim)
            else:
                verb = tok.head.head if tok.dep_ == "pobj" else tok.head
                if verb.pos_ in ("VERB", "AUX"):
                    holder = _subject(verb, finder, triggers)
                    if verb.dep_ == "relcl":
                        aim = verb.head.head if verb.head.dep_ == "appos" else verb.head
                    else:
                        aim = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if not holder:
                continue
            text = target = target_event = None
            if aim is not None:
                text, _, _ = _phrase(aim)
                actors = _actors_in(aim, finder)
                target = next((a for a in actors if a not in holder), None)
                inside = {t.i for t in aim.subtree}
                ev = next((by_tok[i] for i in sorted(inside) if i in by_tok), None)
                target_event = ev.id if ev else None
            sent = tok.sent
            out.append(Stance(
                id=f"s{tok.i}", holder=holder[0], kind=entry.kind, polarity=entry.polarity,
                evidence=_evidence(tok.idx, tok.idx + len(tok.text), sent),
                target=target, target_action=text, target_event=target_event,
            ))
            break
    return out


_OPENERS = "“"
_CLOSERS = "”"
_BEFORE_OPENING = " \t([{—–-/"
#: the characters `_quote_spans` reads: opening, closing and straight quotation marks
_QUOTE_MARKS = re.compile("[" + re.escape(_OPENERS + _CLOSERS + '"') + "]")


def _straight_opens(text: str, i: int, start: int) -> bool | None:
    """Whether the straight quote at `i` opens (True), closes (False) or cannot tell (None):
    an opening one follows a space or a bracket and precedes a word, a closing one follows a word."""
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before in _BEFORE_OPENING and not after.isspace():
        return True
    if not before.isspace():
        return False
    return None


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """The quotations of `text` as (start, end) character spans, paired within a paragraph.

    A quotation never runs over a line break: a quoted paragraph left open at its end (the
    news convention for a quotation of several paragraphs, each opening with a quotation mark)
    ends there. Straight quotes are told apart by what stands next to them, so that one stray
    mark does not pair every later closing mark with the next opening one. Fewer than 8
    characters inside is no quotation ("A", "the")."""
    out: list[tuple[int, int]] = []
    start = 0
    for para in text.split("\n"):
        end = start + len(para)
        opened: int | None = None
        for mark in _QUOTE_MARKS.finditer(text, start, end):  # (every other character passes)
            i = mark.start()
            ch = text[i]
            if ch in _OPENERS:
                opens = True
            elif ch in _CLOSERS:
                opens = False
            elif ch == '"':
                opens = _straight_opens(text, i, start)
                if opens is None:
                    opens = opened is None
                elif opens and opened is not None and text[opened] == '"':
                    opens = False  # a straight quote cannot nest in another
            else:
                continue
            if opens:
                opened = i
            elif opened is not None:
                if i - opened - 1 >= 8:
                    out.append((opened, i + 1))
                opened = None
        if opened is not None and len(text[opened + 1:end].strip()) >= 8:
            out.append((opened, len(text[:end].rstrip())))
        start = end + 1
    return out


def _quoted_text(text: str, start: int, end: int) -> str:
    """The words of a quotation without its marks (a paragraph left open has no closing one)."""
    return text[start + 1:end - 1] if text[end - 1] in _CLOSERS + '"' else text[start + 1:end]


def _quotes(spans: list[tuple[int, int]], drafts: list[DraftEvent], doc: Doc,
            finder: ActorFinder) -> list[Quote]:
    """The quotations: the speaker the grammar gives (`ActorFinder.bind_quote_speakers`), else
    the source of a verb of saying just before or after it."""
    out: list[Quote] = []
    text = doc_text(doc)  # Doc.text joins every token afresh on each call
    sent_start = finder.sent_start
    for start, end in spans:
        inside = [d for d in drafts if start <= d.evidence.start < end]
        speaker = finder.speakers.get((start, end))
        for d in ([] if speaker else drafts):
            if d.trigger.entry.speech and not (start <= d.evidence.start < end) and d.source and (
                    abs(d.evidence.start - end) < 120 or abs(start - d.evidence.end) < 80):
                speaker = d.source[0]
                break
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        # a quotation may run over several sentences: its evidence is all of them
        last = span[-1].i
        end_tok = next((i for i in range(last + 1, len(doc)) if sent_start[i] == i), len(doc))
        sent = doc[sent_start[span[0].i]:end_tok]
        out.append(Quote(id=f"q{start}", speaker=speaker, text=_quoted_text(text, start, end),
                         evidence=_evidence(start, end, sent), events=tuple(d.id for d in inside)))
    return out
