"""The PETRARCH importer on small dictionaries written here in the TABARI formats, and the
loaders that merge the imported files with the curated ones."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.gazetteer import (
    AgentTerm,
    Gazetteer,
    load_gazetteer,
    parse_countries,
    parse_imported_actors,
    parse_imported_places,
)
from kg.importers import petrarch as P
from kg.lexicon import EventEntry, load_lexicon, merge_imported

STATES = {"USA", "RUS", "NGA", "FRA", "MLI"}

ACTORS = """\
# a hand-written actor file in the TABARI format
FREEDONIA_ [FRA]
+FREEDONIAN_
+FREEDONIAN_CAPITAL_CITY

ALICE_EXAMPLE_  # CountryInfo.txt
+ALICE_B._EXAMPLE_
+PRESIDENT_ALICE_EXAMPLE
+EXAMPLE_
\t[NGAELI 800101-091231]
\t[NGAGOV >100101]
BOB_OLDTIMER_  # CountryInfo.txt
\t[RUSGOV 850301-920615]
NORTHERN_LIBERATION_FRONT_ [MLIREB] # comment
+NLF_
TRADING_HOUSE_ [MNCUSA]
WIDGET_WATCH_
WIDGET_MONITOR_
\t[NGOHRI]
"""


def test_actor_dictionary_entries_synonyms_and_dated_codes() -> None:
    blocks = P.read_actor_dictionary(ACTORS, "x.actors.txt")
    by_name = {b.names[0]: b for b in blocks}
    alice = by_name["ALICE EXAMPLE"]
    assert alice.names[1:] == ["ALICE B. EXAMPLE", "PRESIDENT ALICE EXAMPLE", "EXAMPLE"]
    assert alice.terms == [P.Term("NGAELI", dt.date(1980, 1, 1), dt.date(2009, 12, 31)),
                           P.Term("NGAGOV", dt.date(2010, 1, 1), None)]
    # two name lines with no code yet are one entry, coded by the line that follows
    assert by_name["WIDGET WATCH"].names == ["WIDGET WATCH", "WIDGET MONITOR"]
    assert by_name["WIDGET WATCH"].terms == [P.Term("NGOHRI")]


def test_actor_records_kinds_countries_and_state_names() -> None:
    report = P.Report()
    blocks = P.read_actor_dictionary(ACTORS, "x.actors.txt", report)
    kinds = {"REB": "armed_group", "GOV": "government", "HRI": "ngo"}
    actors, names = P.to_actor_records(blocks, "x.actors.txt", STATES, kinds, report, set())
    by_label = {a["label"]: a for a in actors}
    assert {n["name"] for n in names} == {"Freedonia", "Freedonian", "Freedonian Capital City"}
    assert all(n["iso3"] == "FRA" for n in names)
    alice = by_label["Alice Example"]
    assert (alice["kind"], alice["country"], alice["code"]) == ("person", "NGA", "NGAGOV")
    assert alice["source"] == "x.actors.txt:6"
    assert by_label["Bob Oldtimer"]["terms"][0]["end"] == "1992-06-15"
    front = by_label["Northern Liberation Front"]
    assert (front["kind"], front["country"], front["sector"], front["aliases"]) == (
        "armed_group", "MLI", "REB", ["NLF"])
    assert by_label["Widget Watch"]["kind"] == "ngo" and by_label["Widget Watch"]["country"] is None
    assert "Trading House" not in by_label  # companies are left out, and the report says so
    assert any("company" in reason for reason in report.skipped)


def test_states_and_regions_with_dated_codes_are_names_of_their_state_not_people() -> None:
    text = ("NEW_FREEDONIA_\n+NEW_FREEDONIAN_\n\t[USRFRA <910101]\n\t[FRA >910101]\n"
            "FREEDONIAN_SERB_REPUBLIC_ [FRASRP]\n+SERB_REPUBLIC_\n\t[SRPUNR 920109-951214]\n"
            "\t[FRASRP >951214]\n")
    report = P.Report()
    blocks = P.read_actor_dictionary(text, "x.actors.txt", report)
    actors, names = P.to_actor_records(blocks, "x.actors.txt", STATES, {"GOV": "government"}, report, set())
    assert actors == []
    assert {(n["name"], n["iso3"]) for n in names} == {
        ("New Freedonia", "FRA"), ("New Freedonian", "FRA"),
        ("Freedonian Serb Republic", "FRA"), ("Serb Republic", "FRA")}


#: office holders (CountryInfo) teach the given names; undated entries the organisation words
SHAPES = """\
ALICE_EXAMPLE_  # CountryInfo.txt
\t[NGAGOV >100101]
ALICE_OTHERNAME_  # CountryInfo.txt
\t[RUSGOV >100101]
ALICE_THIRD_  # CountryInfo.txt
\t[USAGOV >100101]
PRESIDENT_BORIS_TEST_  # CountryInfo.txt
\t[RUSGOV >100101]
PRESIDENT_CAROL_TEST_  # CountryInfo.txt
\t[USAGOV >100101]
CARLOS_MENDEZ_  # CountryInfo.txt
\t[FRAGOV >100101]
CARLOS_RUIZ_  # CountryInfo.txt
\t[MLIGOV >100101]
SOUTHERN_RELIEF_COUNCIL_
\t[NGOHRI]
EASTERN_RELIEF_COUNCIL_
\t[NGOHRI]
WESTERN_RELIEF_COUNCIL_
\t[NGOREF]
NATIONAL_MONITORING_COUNCIL_
+ALICE_NEWNAME
+CARLOS_MONITOR
\t[FRAOPP >120101]
NORTHERN_LIBERATION_FRONT_
+ALICE_WARLORD
+NORTHERN_RELIEF
\t[MLIREB]
CARLOS_SOLO
\t[USAOPP]
"""


def test_name_shapes_learnt_from_the_dictionary_make_persons_and_organisations() -> None:
    """Given names come from the office holders' entries (not their titles), organisation words
    from the undated entries; they decide the kind of the entries the dictionary leaves
    unmarked, and split the persons it lists under a body."""
    report = P.Report()
    blocks = P.read_actor_dictionary(SHAPES, "x.actors.txt", report)
    shapes = P.NameShapes.learn(blocks, {"president"})
    assert {"ALICE", "CARLOS"} <= shapes.given and "PRESIDENT" not in shapes.given
    assert "COUNCIL" in shapes.org_words and "COUNCIL" in shapes.heads
    assert shapes.person("ALICE NEWNAME") and not shapes.person("SOUTHERN RELIEF COUNCIL")
    assert not shapes.person("ALICE PRESIDENT")  # a title ends no name
    kinds = {"REB": "armed_group", "GOV": "government", "HRI": "ngo", "OPP": "party"}
    actors, _ = P.to_actor_records(blocks, "x.actors.txt", STATES, kinds, report, set(), shapes)
    by_label = {a["label"]: a for a in actors}
    # a dated code does not make an organisation's entry a person, nor an undated one a
    # person's entry an organisation
    assert by_label["National Monitoring Council"]["kind"] == "party"
    assert by_label["Carlos Solo"]["kind"] == "person"
    # the persons listed under a body are persons of their own, coded as the body; the short
    # form of the body's name stays its name
    alice = by_label["Alice Warlord"]
    assert (alice["kind"], alice["code"], alice["split"]) == ("person", "MLIREB", True)
    assert by_label["Northern Liberation Front"]["aliases"] == ["Northern Relief"]
    assert by_label["Alice Newname"]["code"] == "FRAOPP"
    assert by_label["National Monitoring Council"]["aliases"] == []
    # without shapes, the dictionary's marks alone decide (dated: a person)
    plain, _ = P.to_actor_records(blocks, "x.actors.txt", STATES, kinds, P.Report(), set())
    assert {a["label"]: a["kind"] for a in plain}["National Monitoring Council"] == "person"


def test_persons_split_from_a_body_that_a_person_entry_names_are_dropped() -> None:
    report = P.Report()
    actors = [{"label": "Alice Example", "kind": "person", "aliases": [], "source": "x:1"},
              {"label": "Alice Example", "kind": "person", "aliases": ["Alice B. Example"],
               "source": "x:9", "split": True},
              {"label": "Alice Warlord", "kind": "person", "aliases": [], "source": "x:12",
               "split": True}]
    kept = P._drop_named_persons(actors, report)
    assert [a["source"] for a in kept] == ["x:1", "x:12"]
    assert all("split" not in a for a in kept)
    assert sum(report.skipped.values()) == 1


def test_imported_persons_and_bodies_of_the_real_dictionaries() -> None:
    """The committed import: persons the dictionary lists under a body, or leaves unmarked,
    are persons; bodies with dated codes are not; the body named after its leader is named as
    a body."""
    recs = [json.loads(x) for x in (Path(P.__file__).resolve().parent.parent / "data" /
                                    "petrarch_actors.jsonl").read_text(encoding="utf-8").splitlines()
            if x[:1] == "{"]
    by_label: dict[str, list[dict]] = {}
    for r in recs:
        by_label.setdefault(r["label"], []).append(r)
    kinds = {label: {r["kind"] for r in rs} for label, rs in by_label.items()}
    assert kinds["John Kirby"] == {"person"} and by_label["John Kirby"][0]["code"] == "USAMIL"
    assert "John Kirby" not in by_label["United States Military"][0]["aliases"]
    assert kinds["Edward Snowden"] == {"person"}
    assert "person" not in kinds["Syrian Observatory for Human Rights"]
    assert kinds["Assad Government"] == {"government"}
    assert "Bashar Al-Assad" not in by_label["Assad Government"][0]["aliases"]
    assert all("split" not in r for r in recs)
    # initialisms the dictionary spells out keep their capitals, in bodies' labels only
    assert {"NATO", "IMF", "US Intelligence Community"} <= set(by_label)
    assert "Jo Myong Rok" in by_label


def test_two_digit_years_and_bad_dates() -> None:
    report = P.Report()
    terms = P._terms("[USAGOV 480909-140101] [RUSGOV 13XX99]", "f:1", report)
    assert terms[0].start == dt.date(1948, 9, 9) and terms[0].end == dt.date(2014, 1, 1)
    assert terms[1] == P.Term("RUSGOV")  # unreadable date: the code is kept, undated, and reported
    assert sum(report.skipped.values()) == 1


AGENTS = """\
# agents written here
!WORKER! = HAND, HANDS
POLICE_OFFICER [~COP]
MINE!WORKER! [~LAB]
CROWD [~PPL]
POLICE_OFFICER [~MIL]
FARMING_VILLAGE [~AGR]
SUNNI [~MUS]
SUNNI_CLERIC [~MUS]
"""


def test_agent_dictionary_expands_sets_and_keeps_the_first_of_a_term() -> None:
    report = P.Report()
    rows = P.read_agent_dictionary(AGENTS, "a.txt", report)
    assert [(r.term, r.code) for r in rows][:3] == [
        ("police officer", "COP"), ("minehand", "LAB"), ("minehands", "LAB")]
    out = P.to_agent_rows(rows, {"COP": "police", "LAB": "group"}, {"officer"}, report)
    assert [(r["term"], r["sector"], r["kind"], r["person"]) for r in out] == [
        ("police officer", "COP", "police", 1), ("minehand", "LAB", "group", 0),
        ("minehands", "LAB", "group", 0)]
    assert report.skipped["agent term listed twice (first kept)"] == 1
    assert any("PPL" in reason for reason in report.skipped)
    assert report.skipped["agent noun that names a place (a place is never a side)"] == 0  # AGR unknown here
    out = P.to_agent_rows(rows, {"COP": "police", "LAB": "group", "AGR": "group"}, {"officer"}, P.Report())
    assert "farming village" not in {r["term"] for r in out}


VERBS = """\
####### SYNONYM SETS #######
&ARMY_
+TROOPS
+SOLDIERS

####### VERB PATTERNS #######

---  DISPATCH   [---]  ---
DISPATCH
SEND {SENDS SENDING SENT }
+SEND_OFF {+SENDS_OFF}
- * &ARMY (TO BORDER)                      [154]         # SEND
- * AID                                    [070]         # DISPATCH
- * (TO {PEACE TALKS})                     [046]         # SEND
- * WORD                                   [---]         # SEND

---  DENOUNCE   [111]  ---
DENOUNCE
- * OUT                                    [111]
- * (AT ELECTION)                          [9999]
"""


def test_verb_patterns_become_lexicon_rows() -> None:
    report = P.Report()
    patterns = P.read_verb_dictionary(VERBS, "v.txt", report)
    got = {(p.verb, p.particle, p.needs, p.code) for p in patterns}
    assert ("send", None, ("troops", "troop", "soldiers", "soldier"), "154") in got
    assert ("dispatch", None, ("aid",), "070") in got
    assert ("send", None, ("talks", "talk"), "046") in got
    assert ("denounce", None, (), "111") in got and ("denounce", "out", (), "111") in got
    assert report.skipped["pattern with no event code ([---])"] == 1
    classes = {"154": "Mobilization", "07": "Aid", "04": "Consultation", "11": "Disapproval"}
    rows = P.to_verb_rows(patterns, classes, {"154", "070", "046", "111"}, report)
    dispatch = next(r for r in rows if r["lemma"] == "dispatch")
    assert {"cameo": "070", "class": "Aid", "requires": "aid", "source": "v.txt:13"}.items() <= dispatch.items()
    assert report.skipped["pattern code not in kg/data/cameo.csv"] == 1  # 9999


def test_patterns_coded_no_event_keep_every_word_they_name() -> None:
    text = VERBS + ("- * (BY &ARMY)                           [---]         # DENOUNCE\n"
                    "- * (IN &WEATHER)                        [---]         # DENOUNCE\n"
                    "- * DOWN {ELECTORAL LAW}                 [---]\n")
    got = {(p.verb, p.particle, p.words) for p in P.read_null_patterns(text, "v.txt")}
    assert ("send", None, (("word",),)) in got  # the verb its comment names, not the block's others
    # a phrase's preposition counts ("backed by troops"), a synonym set gives its members
    assert ("denounce", None, (("by",), ("troops", "troop", "soldiers", "soldier"))) in got
    assert ("denounce", "down", (("electoral",), ("law",))) in got
    # a synonym set the file does not define leaves the pattern unreadable: not imported
    assert not any(p[2] == (("in",),) for p in got)


def test_run_writes_files_with_provenance_and_licence(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "Phoenix.Countries.actors.txt").write_text(ACTORS)
    (src / "Phoenix.International.actors.txt").write_text("UNITED_NATIONS_ [IGOUNO]\n+UN_\n")
    (src / "Phoenix.MilNonState.actors.txt").write_text("SAHEL_FIGHTERS_ [MLIREB]\n")
    (src / "Phoenix.agents.txt").write_text(AGENTS)
    (src / "CAMEO.2.0.txt").write_text(VERBS)
    (src / "LICENSE").write_text("The MIT License (MIT)\nCopyright (c) 2014 Somebody\n")
    out = tmp_path / "out"
    out.mkdir()
    lines = P.run(src, out)
    assert any(line.startswith("Phoenix.Countries.actors.txt:") for line in lines)
    for name in ("petrarch_actors.jsonl", "petrarch_agents.csv", "petrarch_countries.csv", "petrarch_verbs.csv",
                 "petrarch_verbs_null.csv", "petrarch_religions.csv"):
        text = (out / name).read_text()
        assert "Upstream: openeventdata/UniversalPetrarch" in text and "MIT License" in text, name
    assert "Copyright (c) 2014 Somebody" in (out / "PETRARCH_NOTICE.txt").read_text()
    # a religion's word is no agent noun of a sector: it names a people, in a file of its own
    assert "sunni,MUS,Phoenix.agents.txt:" in (out / "petrarch_religions.csv").read_text()
    assert "sunni" not in (out / "petrarch_agents.csv").read_text()
    recs = [json.loads(x) for x in (out / "petrarch_actors.jsonl").read_text().splitlines() if x[:1] == "{"]
    assert {r["label"] for r in recs} >= {"Alice Example", "United Nations", "Sahel Fighters"}
    # the written files load with the project's own readers
    imported = parse_imported_actors((out / "petrarch_actors.jsonl").read_text(), titles={"president"})
    alice = next(a for a in imported if a.label == "Alice Example")
    assert "Example" not in alice.aliases and "President Alice Example" not in alice.aliases
    assert "Bob Oldtimer" not in {a.label for a in imported}  # only closed terms: not a current name


def test_curated_disagreements_are_reported() -> None:
    curated = [{"key": "alice", "label": "Alice Example", "kind": "person", "country": "FRA",
                "roles": [{"post": "President", "of": "NGA", "start": "2001-05-01", "end": None}]}]
    imported = [{"label": "Alice Example", "aliases": [], "kind": "person", "country": "NGA",
                 "terms": [{"code": "NGAGOV", "start": "2010-01-01", "end": None}], "source": "f:3"}]
    issues = P.check_curated(curated, imported)
    assert len(issues) == 2 and "curated country FRA" in issues[0] and "2001-05-01" in issues[1]


# --- the loaders ---------------------------------------------------------------------------


def test_curated_names_and_agents_win_over_imported_ones() -> None:
    countries = parse_countries(
        "iso3,iso2,name,aliases,demonyms,capital,cities,wikidata\n"
        "NGA,NG,Nigeria,,Nigerian,Abuja,Lagos,\nFRA,FR,France,,French,Paris,,\n")
    curated = [AgentTerm("officer", "COP", "police", True, False)]
    imported = [AgentTerm("officer", "MIL", "military", True, False),
                AgentTerm("mine worker", "LAB", "group", True, False)]
    places = parse_imported_places("name,iso3,source\nLagos,FRA,f:1\nKano,NGA,f:2\nTwin,NGA,f:3\nTwin,FRA,f:4\n",
                                   {c.iso3: c for c in countries})
    assert places == {"kano": "NGA"}  # a curated name and a name given to two states are left out
    gaz = Gazetteer(countries, curated, [], imported_agents=imported, imported_places=places)
    assert gaz.agent("officer").sector == "COP" and gaz.agent("mine worker").sector == "LAB"
    assert gaz.place("Kano").iso3 == "NGA" and gaz.place("Lagos").iso3 == "NGA"


def test_bundled_gazetteer_carries_the_import() -> None:
    gaz = load_gazetteer()
    assert gaz.actor("Vladimir Putin").key == "vladimir-putin"  # curated first
    assert gaz.actor("Jabhat al-Nusra").country == "SYR"
    front = gaz.actor("Revolutionary Armed Forces of Colombia")
    assert front is not None and front.country == "COL" and front.kind == "armed_group"
    assert gaz.agent("police officer").sector == "COP"


def test_imported_verb_patterns_only_refine_curated_verbs() -> None:
    base = EventEntry("accuse", "VERB", "112", "Accusation", target_preps=("of",))
    merged = merge_imported([base], [
        EventEntry("accuse", "VERB", "1121", "Disapproval", frozenset({"corruption"})),
        EventEntry("accuse", "VERB", "172", "Coercion", frozenset({"court"})),  # another root
        EventEntry("place", "VERB", "150", "ForcePosture", frozenset({"troop"})),  # unknown verb
        EventEntry("accuse", "VERB", "110", "Disapproval"),  # a block default
    ])
    assert [(e.cameo, e.requires) for e in merged] == [("112", frozenset()), ("1121", frozenset({"corruption"}))]
    assert merged[1].target_preps == ("of",) and merged[1].event_class == "Accusation"


def test_admitted_imported_verbs_come_in_with_all_their_rows() -> None:
    rows = [EventEntry("repel", "VERB", "190", "Attack"),
            EventEntry("repel", "VERB", "195", "Strike", frozenset({"drone"})),
            EventEntry("reside", "VERB", "190", "Attack")]
    merged = merge_imported([], rows, admitted={"repel"})
    assert [(e.lemma, e.cameo) for e in merged] == [("repel", "190"), ("repel", "195")]
    assert load_lexicon().match_event("chastise", "VERB", set()).cameo == "111"
    assert not load_lexicon().events_for("reside", "VERB")


def test_bundled_lexicon_refines_sub_codes_from_the_import() -> None:
    lex = load_lexicon()
    hit = lex.match_event("detain", "VERB", {"demonstrator"})
    assert hit is not None and hit.cameo == "175" and "petrarch_verbs.csv" in hit.origin


@pytest.fixture(scope="module")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline()


def _coded(nlp, text: str) -> list[tuple[str, set[str], set[str]]]:
    from kg.extract import extract
    from kg.types import Article

    x = extract(Article(id="t", text=text, date=dt.date(2024, 5, 10)), nlp(text))
    actors = {a.key: a for a in x.actors}

    def countries(keys):
        return {actors[k].country or (actors[k].code or "")[:3] for k in keys} - {""}

    return [(e.plover, countries(e.source), countries(e.target)) for e in x.events if e.plover]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), [
    # armed groups known only from the import (MilNonState file)
    ("Ahrar al-Sham fighters attacked a Syrian army checkpoint near Idlib on Sunday.",
     ("ASSAULT", {"SYR"}, {"SYR"})),
    ("Ansaru gunmen kidnapped two French engineers in northern Nigeria.", ("ASSAULT", {"NGA"}, {"FRA"})),
])
def test_imported_knowledge_on_written_sentences(nlp, text, expected) -> None:
    plover, src, tgt = expected
    got = _coded(nlp, text)
    assert any(p == plover and src <= s and tgt <= t for p, s, t in got), got


def test_a_two_word_verb_coded_no_event_is_a_pattern_naming_no_word() -> None:
    text = ("--- FELL   [---]  ---\n"
            "+STRIKE_DOWN {+STRIKES_DOWN +STRUCK_DOWN }\n"
            "+SHOOT_DOWN {+SHOT_DOWN } [190]\n"
            "TOPPLE\n"
            "- &WEAPON *                                   [190]         # FELL\n")
    got = {(p.verb, p.particle, p.words) for p in P.read_null_patterns(VERBS + text, "v.txt")}
    assert ("strike", "down", ()) in got
    # a two-word verb with a code of its own, and a one-word verb, are not made no event
    assert not any(v in ("shoot", "topple") for v, _, _ in got), got


@pytest.mark.slow
@pytest.mark.parametrize(("text", "struck"), [
    ("The Supreme Court struck down a provision of the election law on Monday.", False),
    ("A federal judge struck down the city's rules for protesters.", False),
    ("Israeli jets struck a Hamas compound in Gaza on Monday.", True),
])
def test_struck_down_is_no_strike(nlp, text, struck) -> None:
    got = _coded(nlp, text)
    assert any(p in ("ASSAULT", "ATTACK") for p, _, _ in got) is struck, got


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), [
    # two-word verbs admitted whole: the particle changes the root of the plain verb
    ("Venezuela's foreign minister hit out at the United States over the new sanctions.", "ACCUSE"),
    ("The rebels in Mali gave up their weapons to the army on Sunday.", "CONCEDE"),
    ("Pakistan's prime minister fired off a letter to India on Monday.", "ACCUSE"),
])
def test_admitted_two_word_verbs_keep_their_own_sense(nlp, text, expected) -> None:
    got = _coded(nlp, text)
    assert [p for p, _, _ in got] == [expected], got


def test_module_doctests() -> None:
    import doctest

    result = doctest.testmod(P)
    assert result.attempted > 0 and result.failed == 0
