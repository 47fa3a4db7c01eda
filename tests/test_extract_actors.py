"""Actor resolution inside the extraction stage, on sentences written for the tests (slow: the
real spaCy model): first-person pronouns in quotations, titles that are part of a name."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.extract import extract
from kg.extract.actors import not_a_name
from kg.nlp import load_pipeline
from kg.types import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _extract(nlp, text: str, day: dt.date = dt.date(2025, 3, 14)):
    return extract(Article(id="t", text=text, date=day), nlp(text))


def _extract_as_people(nlp, text: str, word: str, day: dt.date = dt.date(2024, 3, 5)):
    """`_extract` with `word` tagged as a people (NORP), as the tagger does in some whole
    articles."""
    from spacy.tokens import Span
    doc = nlp(text)
    tok = next(t for t in doc if t.text == word)
    doc.ents = [e for e in doc.ents if tok not in e] + [Span(doc, tok.i, tok.i + 1, label="NORP")]
    return extract(Article(id="t", text=text, date=day), doc)


def test_we_in_a_quotation_is_its_speaker(nlp) -> None:
    text = ("“We are going to start bombing the smugglers’ camps next week,” "
            "Chad's President Mahamat Deby told reporters on Thursday.")
    x = _extract(nlp, text)
    actors = {a.key: a for a in x.actors}
    attacks = [e for e in x.events if e.cameo and e.cameo.startswith("13")]
    assert attacks, [(e.event_class, e.cameo) for e in x.events]
    assert {actors[k].label for k in attacks[0].source} == {"Mahamat Deby"}


def test_a_quotation_without_a_speaker_leaves_we_unresolved(nlp) -> None:
    text = "Officials in Lima said “we will close the border” without naming anyone."
    x = _extract(nlp, text)
    actors = {a.key: a for a in x.actors}
    assert all(actors[k].kind != "person" for e in x.events for k in e.source)


def test_a_title_before_a_name_is_no_actor_of_its_own(nlp) -> None:
    text = ("The minister met U.S. Secretary of State Marco Rubio in Ottawa on Friday "
            "to discuss tariffs.")
    labels = {a.label for a in _extract(nlp, text).actors}
    assert "Marco Rubio" in labels
    assert not any("Secretary" in label for label in labels), labels


def test_an_announced_act_coded_as_a_threat_has_the_date_of_its_statement(nlp) -> None:
    text = ("“We will bomb their camps,” Chad's President Mahamat Deby told reporters "
            "on Thursday.")
    x = _extract(nlp, text)
    threats = [e for e in x.events if e.cameo and e.cameo.startswith("13")]
    assert threats and threats[0].date.text == "2025-03-13"  # the Thursday before Friday 14 March


@pytest.mark.parametrize(("text", "phrase", "label", "code"), [
    ("Rebels in Darfur attacked a government convoy on Sunday.", "Rebels", "Sudanese rebels",
     "SDNREB"),
    ("Protesters from Aleppo marched to the border on Monday.", "Protesters",
     "Syrian civilians", "SYRCVL"),
])
def test_a_group_placed_in_a_region_or_city_takes_its_country(nlp, text, phrase, label,
                                                               code) -> None:
    # the state's group is named by its state and sector (kg/data/sectors.csv), the same in
    # every article; the phrase the article used stays an alias
    actors = {a.label: a for a in _extract(nlp, text).actors}
    assert actors[label].code == code, {a.label: a.code for a in actors.values()}
    assert phrase in actors[label].aliases


def test_a_states_group_has_one_label_whatever_each_article_calls_it(nlp) -> None:
    one = _extract(nlp, "American protesters marched to the White House on Monday.")
    two = _extract(nlp, "American voters rejected the plan on Tuesday.")
    groups = [next(a for a in x.actors if a.code == "USACVL") for x in (one, two)]
    assert [g.key for g in groups] == ["group-cvl-usa"] * 2
    assert [g.label for g in groups] == ["American civilians"] * 2
    assert "american protesters" in {a.lower() for a in groups[0].aliases}
    assert "american voters" in {a.lower() for a in groups[1].aliases}


def test_a_region_tagged_as_an_organisation_is_no_actor(nlp) -> None:
    text = "Gunmen attacked a bus in Sinaloa and Tamaulipas, officials said on Friday."
    assert not {"Sinaloa", "Tamaulipas"} & {a.label for a in _extract(nlp, text).actors}


def test_a_known_armed_group_the_tagger_took_for_a_person_is_the_group(nlp) -> None:
    text = "Boko Haram attacked a village in Borno state on Sunday, police said."
    actors = {a.label: a for a in _extract(nlp, text).actors}
    assert actors["Boko Haram"].kind == "armed_group" and actors["Boko Haram"].code == "NGAINS"


def test_a_branch_of_a_state_has_one_name_whatever_phrase_it_was_met_as(nlp) -> None:
    text = "On Tuesday Syrian army commanders said the rebels had retreated. The army shelled Homs."
    actors = {a.key: a for a in _extract(nlp, text).actors}
    military = actors["military-syr"]
    assert military.label == "Syrian military"
    assert "On Tuesday Syrian army commanders" not in military.label
    assert any("commanders" in alias for alias in military.aliases)


def _speaker_of_the_quote(nlp, text: str, words: str = "") -> tuple[str | None, dict]:
    """The label of the speaker of the text's quotation (the one holding `words`, else the
    only one), and the text, speaker and every actor's label to show when a test fails."""
    x = _extract(nlp, text)
    labels = {a.key: a.label for a in x.actors}
    if words:
        quote = next(q for q in x.quotes if words in q.text)
    else:
        [quote] = x.quotes
    return labels.get(quote.speaker), {"quotes": [(q.text, q.speaker) for q in x.quotes],
                                       "actors": labels}


def test_a_quotation_speaker_is_the_subject_of_its_verb_of_saying(nlp) -> None:
    text = ("Governor Luis Ortega told reporters the plan was final. “We will not give up the "
            "fight for our water,” said Ana Lopez, the mayor of Arequipa, on Monday.")
    speaker, seen = _speaker_of_the_quote(nlp, text, "water")
    assert speaker == "Ana Lopez", seen


def test_a_city_the_tagger_takes_for_a_people_is_no_ethnic_group(nlp) -> None:
    # in a whole article the tagger read "Odesa" as a NORP (a people); the tag is set here
    text = ("The air force reported that Russia launched 22 drones overnight, with the "
            "intercepts taking place above Odesa.")
    x = _extract_as_people(nlp, text, "Odesa")
    assert not [a for a in x.actors if a.sector == "ETH"], [a.key for a in x.actors]
    strikes = [e for e in x.events if e.cameo and e.cameo.startswith("19")]
    assert strikes and all(set(e.target) <= {"RUS"} or not e.target for e in strikes)


def test_praise_told_in_the_past_is_still_coded(nlp) -> None:
    x = _extract(nlp, "Kenya's president praised Ethiopia for the peace deal on Monday.")
    assert [e for e in x.events if e.cameo and e.cameo.startswith("05")]


def test_a_name_the_tagger_left_untagged_after_a_title_is_that_person(nlp) -> None:
    text = ("Also Monday, Ukraine’s Defense Minister Rustem Umerov discussed the situation on the "
            "ground in a telephone call with U.S. Defense Secretary Lloyd Austin. "
            "Umerov said the call was useful.")
    x = _extract(nlp, text)
    actors = {a.key: a for a in x.actors}
    [talk] = [e for e in x.events if e.trigger == "discussed"]
    assert [actors[k].country for k in talk.source] == ["UKR"]
    [said] = [e for e in x.events if e.trigger == "said"]
    assert [actors[k].label for k in said.source] == ["Rustem Umerov"]


def test_a_subject_hung_on_the_opening_time_word_is_the_source(nlp) -> None:
    text = ("WASHINGTON — Today, the U.S. Department of the Treasury’s Office of Foreign Assets "
            "Control (OFAC) is sanctioning Dimitri Herard for his support to a gang coalition.")
    x = _extract(nlp, text)
    actors = {a.key: a for a in x.actors}
    [sanction] = [e for e in x.events if e.trigger == "sanctioning"]
    assert sanction.cameo == "163" and {actors[k].country for k in sanction.source} == {"USA"}


def test_a_known_person_is_found_past_a_first_name_left_out_and_a_suffix(nlp) -> None:
    text = ("Secretary of Defense Lloyd J. Austin III welcomed the strengthening ties between "
            "the U.S. and Philippines as he met with Philippine Defense Secretary Gilberto "
            "Teodoro Jr. in Jakarta, Indonesia, today.")
    x = _extract(nlp, text)
    actors = {a.key: a for a in x.actors}
    [met] = [e for e in x.events if e.trigger == "met"]
    assert [actors[k].country for k in met.source] == ["USA"]


@pytest.mark.parametrize(("on", "code", "country"), [
    (dt.date(1994, 3, 1), "IGOEUREEC", None),  # presiding over the EU Council then
    (dt.date(2010, 3, 1), "GRCGOV", "GRC"),  # president of Greece
])
def test_an_imported_office_holder_carries_the_code_of_the_articles_date(on, code, country) -> None:
    from kg.extract.actors import ActorTable
    from kg.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    known = gaz.actor("Karolos Papoulias")
    assert known is not None and known.key.startswith("pet-")  # imported, not curated
    table = ActorTable(gaz, on, scope="t")
    actor = table.actors[table.known(known)].freeze()
    assert (actor.code, actor.country) == (code, country)


def test_an_acronym_the_article_defines_is_what_it_stands_for_there(nlp) -> None:
    text = ("Fighting broke out between the Rapid Support Forces (RSF) and the Sudanese Armed Forces "
            "(SAF) in April. Later the SAF shelled the city of El-Fasher.")
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    actors = {a.key: a for a in x.actors}
    shelled = next(e for e in x.events if e.cameo and e.cameo.startswith("19") and e.source)
    assert [actors[k].country for k in shelled.source] == ["SDN"]
    assert not any(a.label == "SAF" for a in x.actors)  # no actor of its own


def test_a_bodys_initials_used_later_without_a_gloss_are_that_body(nlp) -> None:
    text = ("The Sahel Farmers Defence Union met Malian officials in Bamako on Monday. "
            "Later the SFDU attacked a police post near Gao.")
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    actors = {a.key: a for a in x.actors}
    attack = next(e for e in x.events if e.cameo and e.cameo.startswith("19"))
    assert [actors[k].label for k in attack.source] == ["Sahel Farmers Defence Union"]
    assert not any(a.label == "SFDU" for a in x.actors)  # no actor of its own


def test_a_definite_noun_refers_back_to_the_named_phrase_with_that_noun(nlp) -> None:
    text = ("UN agencies and international charities issued a joint appeal on Tuesday. The agencies "
            "condemned the killings of civilians in Gaza.")
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    actors = {a.key: a for a in x.actors}
    condemned = next(e for e in x.events if e.cameo and e.cameo.startswith("11"))
    assert [actors[k].code for k in condemned.source] == ["IGOUNO"]


def test_a_known_person_is_found_past_a_middle_initial(nlp) -> None:
    text = "Antony J. Blinken met Chinese officials in Beijing on Friday."
    x = _extract(nlp, text, dt.date(2024, 4, 26))
    assert "antony-blinken" in {a.key for a in x.actors}


@pytest.mark.parametrize(("text", "trigger", "code"), [
    # "the group" refers back to the named organisation
    ("Hezbollah fired rockets at a base in northern Israel on Monday. On Tuesday the group "
     "launched drones at the base.", "launched", "LBNREB"),
    # an unknown name in apposition to a phrase naming a body is that body
    ("The U.N. peacekeeping force in Lebanon, UNIFIL, condemned the strike on its position.",
     "condemned", "IGOUNO"),
])
def test_a_body_referred_to_by_a_common_noun_or_an_apposed_name(nlp, text, trigger, code) -> None:
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    actors = {a.key: a for a in x.actors}
    [e] = [e for e in x.events if e.trigger == trigger]
    assert [actors[k].code for k in e.source] == [code]


def test_an_international_group_is_no_earlier_named_body(nlp) -> None:
    text = ("The Houthis attacked a tanker on Monday. The international group struck 36 Houthi "
            "targets in Yemen.")
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    actors = {a.key: a for a in x.actors}
    [e] = [e for e in x.events if e.trigger == "struck"]
    assert "houthis" not in e.source and all(actors[k].country != "YEM" for k in e.source)


def test_a_vessel_of_a_state_stands_for_that_state(nlp) -> None:
    text = "Somali pirates seized an Indian-flagged fishing vessel off the coast of Puntland."
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    [e] = [e for e in x.events if e.trigger == "seized"]
    assert e.target == ("IND",)  # not Somalia, where it happened


def test_an_unknown_organisation_takes_the_state_of_the_region_it_names(nlp) -> None:
    text = "The Balochistan Liberation Army claimed an attack on a train on Tuesday."
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    army = [a for a in x.actors if "Liberation Army" in a.label]
    assert army and army[0].country == "PAK"  # Balochistan: a province PETRARCH lists under PAK


def test_a_body_named_with_and_without_the_article_is_one_actor(nlp) -> None:
    text = ("The Sahel Farmers Defence Union met Malian officials in Bamako on Monday. "
            "On Tuesday, Sahel Farmers Defence Union accused the army of abuses.")
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    bodies = [a for a in x.actors if "Sahel Farmers Defence Union" in a.label]
    assert [a.label for a in bodies] == ["Sahel Farmers Defence Union"]


def test_a_known_persons_one_untagged_name_as_subject_is_that_person(nlp) -> None:
    # the tagger leaves "Zelenskyy" untagged here: the quotation's speaker is still found
    text = ("“An unconditional ceasefire is the first crucial step towards a just and lasting peace,” "
            "Zelenskyy wrote Wednesday in a post on the social media platform X.")
    x = _extract(nlp, text, dt.date(2024, 5, 10))
    [quote] = x.quotes
    assert quote.speaker == "volodymyr-zelensky"


def test_a_quotation_right_after_an_attributed_one_continues_its_speaker(nlp) -> None:
    text = ("Harbour officials met on Friday. “The cranes are broken again,” said Marta Kowalczyk, "
            "a dock manager in Gdansk. “Nobody has ordered the spare parts since May.”")
    speaker, seen = _speaker_of_the_quote(nlp, text, "spare parts")
    assert speaker == "Marta Kowalczyk", seen


def test_a_quotation_after_an_unrelated_sentence_keeps_no_speaker(nlp) -> None:
    text = ("“The cranes are broken again,” said Marta Kowalczyk, a dock manager in Gdansk. "
            "The port reopened on Monday after a week of storms. “Nobody has ordered the spare parts.”")
    x = _extract(nlp, text)
    spare = next(q for q in x.quotes if "spare parts" in q.text)
    assert spare.speaker is None


def test_a_quotation_credited_with_according_to_has_that_speaker(nlp) -> None:
    text = ("“The ministry failed to inspect the bridge for six years,” according to "
            "the World Bank, which funded its repair.")
    x = _extract(nlp, text)
    labels = {a.key: a.label for a in x.actors}
    [quote] = x.quotes
    assert "World Bank" in labels.get(quote.speaker, ""), labels


def test_a_quotation_as_the_clause_of_any_verb_has_its_subject_as_speaker(nlp) -> None:
    # "warned" and "continued" are no verbs of saying in the event lexicon
    text = ("“The camps will run out of clean water within a week,” warned Ingrid Solheim, "
            "the Norwegian Refugee Council's director in Chad.")
    x = _extract(nlp, text)
    labels = {a.key: a.label for a in x.actors}
    [quote] = x.quotes
    assert labels.get(quote.speaker) == "Ingrid Solheim"


def test_the_surname_of_a_person_named_before_is_that_person_as_a_speaker(nlp) -> None:
    text = ("Paul Okonjo, an analyst at the Lagos Policy Institute, doubts the plan will work. "
            "“The money never reaches the farmers,” Okonjo said.")
    x = _extract(nlp, text)
    quote = next(q for q in x.quotes if "farmers" in q.text)
    assert quote.speaker is not None and "okonjo" in quote.speaker


def test_an_ethnic_group_of_no_known_country_has_no_actor_code(nlp) -> None:
    # "ETH" is no CAMEO actor code, and read as a country code it is Ethiopia
    x = _extract(nlp, "Kurds protested in several cities on Sunday against the new law.")
    groups = [a for a in x.actors if a.sector == "ETH"]
    assert groups, [(a.key, a.sector) for a in x.actors]
    assert all(a.country or a.code is None for a in groups), [(a.key, a.code) for a in groups]


def test_each_people_is_a_node_of_its_own_and_party_members_are_their_party(nlp) -> None:
    text = ("Christians and Muslims prayed together in Mosul on Friday. Kurds protested in "
            "several cities on Sunday. Democrats criticized the bill, while Republicans praised "
            "it. Islamism is spreading, a professor said.")
    x = _extract(nlp, text)
    by_label = {a.label: a for a in x.actors}
    # one node per people (an article's peoples were one node of their sector)
    assert {"Iraqi Christians", "Iraqi Muslims", "Kurds"} <= set(by_label), sorted(by_label)
    # coded with the religion of PETRARCH's agent words: CHRISTIAN [~CHR], MUSLIM [~MUS]
    assert (by_label["Iraqi Christians"].code, by_label["Iraqi Muslims"].code) == ("IRQCHR", "IRQMUS")
    assert by_label["Kurds"].sector == "ETH" and by_label["Kurds"].code is None
    # the bare member nouns are the American parties (party_members.csv), two nodes
    assert by_label["Democratic Party (United States)"].kind == "party"
    assert by_label["Republican Party (United States)"].code == "USAPTY"
    # the party named by its name is the same node
    y = _extract(nlp, "The Democratic Party criticized the bill on Tuesday.")
    assert "Democratic Party (United States)" in {a.label for a in y.actors}, [a.key for a in y.actors]
    # a NORP naming no group of people (an ideology) is no actor
    assert not [a for a in x.actors if "Islamism" in (a.label, *a.aliases)]


@pytest.mark.parametrize("text, word, key", [
    ("The Houthis fired missiles at Saudi Arabia on Monday.", "Houthis", "houthis"),
    ("American Marines landed in Darwin on Monday.", "Marines", "military-usa"),
])
def test_a_known_group_or_agent_the_tagger_takes_for_a_people_is_that_group(nlp, text, word, key) -> None:
    x = _extract_as_people(nlp, text, word)
    assert key in {a.key for a in x.actors}, [a.key for a in x.actors]
    assert not [a for a in x.actors if a.sector == "ETH"]


def test_a_bare_chamber_is_the_legislature_of_the_state_the_article_is_about(nlp) -> None:
    # the dictionaries list "Senate" under the U.S. Congress; a story about Thailand means its own
    x = _extract(nlp, "BANGKOK — The Senate rejected the reform bill on Tuesday, Thai officials said.")
    assert "legislature-tha" in {a.key for a in x.actors}, [a.key for a in x.actors]
    assert "us-congress" not in {a.key for a in x.actors}
    y = _extract(nlp, "WASHINGTON — The House passed the bill on Tuesday, and the Senate will vote next week.")
    assert {"us-house", "us-congress"} <= {a.key for a in y.actors}, [a.key for a in y.actors]


def test_words_quoted_under_a_verb_of_judging_are_its_subjects(nlp) -> None:
    # "condemned" is no verb of saying, but the quoted words are the condemner's
    text = ("Kenya's foreign minister Musalia Mudavadi on Sunday condemned what he called "
            "“a cowardly act of terror against innocent travellers.”")
    speaker, labels = _speaker_of_the_quote(nlp, text)
    assert speaker == "Musalia Mudavadi", labels


def test_an_untagged_name_saying_a_quotation_is_its_speaker(nlp) -> None:
    text = ("The clinic reopened on Monday after the floods. “We have enough medicine for two weeks, "
            "not more,” Ruscher said, pointing to the empty shelves.")
    speaker, labels = _speaker_of_the_quote(nlp, text)
    assert speaker == "Ruscher", labels


def test_an_archive_caption_marker_is_no_part_of_a_name(nlp) -> None:
    """Wire copy glues photo captions into the text ("FILE - Raul Castro waves ..."); the
    tagger takes "FILE -" into the name or the noun phrase: the actors are named without it."""
    text = ("Cuba's parliament met in Havana on Monday. FILE - Raul Castro speaks to supporters "
            "in Havana, Dec. 17, 2014. FILE - Israeli police officers patrol a market in "
            "Jerusalem, Feb. 19, 2016. The session ended without a vote.")
    labels = {a.label for a in _extract(nlp, text).actors}
    assert not any("FILE" in label for label in labels), labels
    assert "Raúl Castro" in labels, labels  # the known person, not "FILE - Raul Castro"


def test_caption_markers_are_the_tokens_of_file_and_its_dash() -> None:
    import spacy

    from kg.extract.actors import caption_markers

    doc = spacy.blank("en")("FILE - Troops march. A FILE PHOTO: Rescue workers. File - not one. "
                            "FILE it. FILE -- Three rifles. FILE -+ no")
    assert ([doc[i].text for i in sorted(caption_markers(doc))]
            == ["FILE", "-", "FILE", "PHOTO", ":", "FILE", "--"])


def test_a_state_alias_is_a_name_of_that_state(nlp) -> None:
    """The word that led to a state is kept as its alias only when it names that state: not
    "Mexico" of "New Mexico" (a place in the United States), nor "vessels" (China's), which
    as aliases made `actor=Mexico` match the United States."""
    text = ("Maria, who came under threat of deportation this month, sought refuge at a Quaker "
            "Meeting House in Albuquerque, New Mexico. China already has more coast guard ships "
            "than the other nine nations combined, and the Chinese vessels patrol the islands daily. "
            "Americans were divided over the case.")
    states = {a.key: a.aliases for a in _extract(nlp, text).actors if a.kind == "state"}
    assert states.keys() >= {"USA", "CHN"}, states
    assert states["USA"] == ("Americans",), states  # a demonym of the state stays
    assert states["CHN"] == (), states


def test_scraped_page_residue_names_no_actor(nlp) -> None:
    """An embedded tweet's script and a video player's controls glued into the text: the
    tagger names persons and organisations there; none of them is an actor."""
    text = ("Protesters marched in Cairo on Monday. Share this video-0:01:08-▶-0:00:00-/0:01:08-▶-▶-"
            "Direct link-270p | 3.2MB-360p | 5.3MB-720p | 28.3MB-Police arrested 20 students. "
            "if (par && par.className === \"snippet\" && e.target.previousSibling) { render(); } "
            "Egypt's education minister resigned at 10:08 p.m. on Tuesday.")
    labels = {a.label for a in _extract(nlp, text).actors}
    assert not any(not_a_name(label) for label in labels), labels
    assert "Egypt" in labels, labels


def test_not_a_name() -> None:
    assert not_a_name("par && par.className") and not_a_name("0:00:00-/0:01:08-▶-Direct link")
    assert not_a_name("if (e.target) {")
    assert not any(not_a_name(n) for n in ("Standard & Poor", "AT&T", "Kurdish People's "
                                           "Protection Units (YPG)", "Vatgia.com", "R&B"))


def test_a_name_before_a_noun_of_a_kind_of_place_names_the_place(nlp) -> None:
    """"the Bustan al-Qasr neighborhood", "the Bab al-Salameh border crossing", "the village
    of Abbas" (not Mahmoud Abbas): the tagger names a person or an organisation there, but the
    name is a place's; a name before any other noun still names its actor ("the Trump
    administration")."""
    text = ("Government forces shelled the rebel-held Bustan al-Qasr neighborhood of Aleppo on "
            "Monday. Refugees gathered at the Bab al-Salameh border crossing. Iraqi troops are "
            "moving into the village of Abbas, south of Mosul. The Trump administration "
            "condemned the attack.")
    labels = {a.label for a in _extract(nlp, text).actors}
    assert not labels & {"Bustan al-Qasr", "Bab al-Salameh", "Abbas", "Mahmoud Abbas"}, labels
    assert "Donald Trump" in labels or any("Trump" in label for label in labels), labels


def test_a_dictionary_entry_that_names_a_state_branch_is_the_branch(nlp) -> None:
    """"United States Military" [USAMIL] of the PETRARCH dictionaries is the American military
    that "U.S. troops" also name, one node; a person the dictionary lists under it is a person."""
    text = ("The United States Military said on Tuesday it had struck a weapons depot in "
            "eastern Syria. U.S. troops later withdrew from the area, John Kirby said.")
    actors = {a.key: a for a in _extract(nlp, text).actors}
    assert "military-usa" in actors and actors["military-usa"].label == "American military"
    assert not any(k.startswith("pet-united-states-military") for k in actors), sorted(actors)
    kirby = [a for a in actors.values() if a.label == "John Kirby"]
    assert kirby and kirby[0].kind == "person" and kirby[0].code == "USAMIL"


def test_a_dictionary_entry_that_names_a_post_is_its_holder_that_day(nlp) -> None:
    """"President of the United States" [USAGOV] of the PETRARCH dictionaries is a post: the
    person who held it on the article's date, not a body of its own."""
    text = ("The U.S. President warned on Monday that Washington would impose new sanctions "
            "on Venezuela.")
    actors = {a.key: a for a in _extract(nlp, text, dt.date(2017, 8, 15)).actors}
    assert not any(a.label == "President of the United States" for a in actors.values())
    assert any(a.label == "Donald Trump" for a in actors.values()), sorted(actors)


def test_a_media_channel_tagged_as_a_person_is_no_actor(nlp) -> None:
    """The tagger reads "Twitter" as a person; a channel speaks for no one, and the pronoun
    after it is the person who posted."""
    text = ("Twitter removed the video on Monday. Prime Minister Nawaz Sharif posted on Twitter "
            "that he expected daily updates. He added that officials should contact the platforms.")
    x = _extract(nlp, text, dt.date(2016, 5, 2))
    labels = {a.label for a in x.actors}
    assert "Twitter" not in labels
    assert "Nawaz Sharif" in labels


@pytest.mark.parametrize("text", [
    "Iraqi forces moved on Tuesday to retake the Islamic State's last stronghold in Iraq.",
    "Jordan joined the air campaign against the Islamic State group on Friday.",
])
def test_a_known_name_the_tagger_cut_in_two_is_one_actor(nlp, text) -> None:
    """"Islamic" (a nationality to the tagger) and "State" (an organisation) are the group."""
    labels = {a.label for a in _extract(nlp, text).actors}
    assert "Islamic State" in labels and "State" not in labels, labels


def test_a_title_before_a_name_is_not_joined_into_a_body(nlp) -> None:
    text = "German Chancellor Angela Merkel met French officials in Berlin on Monday."
    labels = {a.label for a in _extract(nlp, text, dt.date(2016, 5, 2)).actors}
    assert "Reichstag" not in labels, labels


@pytest.mark.parametrize(("text", "key"), [
    ("Refugees arrived in Greece on Tuesday. The migrants were taken to camps.", "group-ref-grc"),
    ("Students protested in Cairo on Sunday against Egypt's education minister.", "group-edu-egy"),
])
def test_a_group_given_its_country_by_its_sentence_is_that_countrys_group(nlp, text, key) -> None:
    """"Refugees" in a sentence that names Greece are Greece's refugees: the node every
    article shares, not one of this article alone."""
    keys = {a.key for a in _extract(nlp, text, dt.date(2016, 5, 2)).actors}
    assert key in keys, keys
    assert not any(k.startswith("group-") and "-in-" in k for k in keys), keys


def test_a_country_that_is_a_word_of_a_persons_name_gives_no_country(nlp) -> None:
    # "Mary" is a known given name, "Katz" a known surname (kg.gazetteer.name_word); a state
    # before a title, a possessive state and a demonym still say whose the person is
    text = ("Many Republicans, including the Tea Party organiser Mary Jordan, said on Monday "
            "that they would back the governor. Israel Katz criticized the plan. "
            "Jordan's King Abdullah met Egyptian President Abdel Fattah el-Sisi in Cairo.")
    actors = {a.label: a for a in _extract(nlp, text, dt.date(2024, 5, 6)).actors}
    assert "Mary Jordan" in actors, sorted(actors)
    assert actors["Mary Jordan"].country is None, actors["Mary Jordan"]
    assert not any(a.kind == "party" and a.country == "JOR" for a in actors.values()), actors
    assert not any(a.country == "JOR" and a.kind != "state" and "Abdullah" not in label
                   for label, a in actors.items()), actors
    abdullah = [a for label, a in actors.items() if "Abdullah" in label]
    assert abdullah and all(a.country == "JOR" for a in abdullah), abdullah
