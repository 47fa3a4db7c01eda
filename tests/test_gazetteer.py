"""Tests for kg.gazetteer: country, agent, actor and office-holder lookups, and the data-file loaders."""
from __future__ import annotations

import collections
import datetime as dt
import re

import pytest

from kg.errors import DataFileError
from kg.gazetteer import (
    Gazetteer,
    KnownActor,
    load_gazetteer,
    norm,
    parse_actors,
    parse_agents,
    parse_countries,
)

# ISO 3166-1 alpha-3, all 249 officially assigned codes.
ISO3 = frozenset("""
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR
    BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG
    COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH
    FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY
    HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
    KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL
    MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR
    NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU
    SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA
    TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB
    VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
""".split())

# The CAMEO sector codes agents.csv documents in its header.
SECTORS = frozenset("GOV MIL COP JUD LEG PTY OPP REB INS SEP UAF CRM SPY MED BUS CVL EDU HLH REF LAB AGR REL "
                    "ELI HRI ENV DEV IGO NGO RAD MOD".split())


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_iso_list_is_complete() -> None:
    assert len(ISO3) == 249


def test_every_iso_code_has_a_row(gaz: Gazetteer) -> None:
    assert ISO3 - set(gaz.countries) == set()
    assert set(gaz.countries) - ISO3 == {"XKX"}  # Kosovo: user-assigned code, used by news coders


@pytest.mark.parametrize(("name", "iso3"), [
    ("U.S.", "USA"), ("US", "USA"), ("the United States", "USA"), ("United States of America", "USA"),
    ("America", "USA"), ("Washington", "USA"), ("Washington's", "USA"), ("Americans", "USA"),
    ("Mexico’s", "MEX"), ("Mexico's", "MEX"), ("Mexican", "MEX"),
    ("Moscow", "RUS"), ("Russian", "RUS"), ("Soviet Union", "RUS"),
    ("Britain", "GBR"), ("UK", "GBR"), ("U.K.", "GBR"), ("British", "GBR"),
    ("Iraqi", "IRQ"), ("Baghdad", "IRQ"), ("Kyiv", "UKR"), ("Kiev", "UKR"), ("Ukrainians", "UKR"),
    ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("Cote d’Ivoire", "CIV"),
    ("DRC", "COD"), ("Zaire", "COD"), ("Burma", "MMR"), ("Holland", "NLD"), ("Dutch", "NLD"),
    ("Türkiye", "TUR"), ("Turkiye", "TUR"), ("Persia", "IRN"), ("Tehran", "IRN"),
    ("Beijing", "CHN"), ("Pyongyang", "PRK"), ("North Korea", "PRK"), ("Seoul", "KOR"),
    ("UAE", "ARE"), ("Emirati", "ARE"), ("Swiss", "CHE"), ("Filipino", "PHL"),
    ("Gaza", "PSE"), ("Palestinians", "PSE"), ("Kosovo", "XKX"), ("Pristina", "XKX"),
])
def test_country_lookup(gaz: Gazetteer, name: str, iso3: str) -> None:
    hit = gaz.country(name)
    assert hit is not None and hit.iso3 == iso3


@pytest.mark.parametrize("word", ["us", "uk", "may", "it", "un"])
def test_lower_case_words_are_not_countries(gaz: Gazetteer, word: str) -> None:
    assert gaz.country(word) is None


def test_demonym_needs_a_capital_letter(gaz: Gazetteer) -> None:
    assert gaz.demonym("Iraqi").iso3 == "IRQ"
    assert gaz.demonym("iraqi") is None


def test_capital_is_a_metonym_not_a_name(gaz: Gazetteer) -> None:
    assert gaz.is_capital("Moscow").iso3 == "RUS"
    assert gaz.is_capital("Russia") is None


@pytest.mark.parametrize(("term", "sector", "person", "plural"), [
    ("police", "COP", False, True), ("drug cartels", "CRM", False, True),
    ("foreign minister", "GOV", True, False), ("Foreign Minister", "GOV", True, False),
    ("officials", "GOV", False, True), ("ministers", "GOV", False, True),
    ("troops", "MIL", False, True), ("rebels", "REB", False, True), ("insurgents", "INS", False, True),
    ("separatists", "SEP", False, True), ("gunmen", "UAF", False, True), ("militiamen", "UAF", False, True),
    ("peacekeepers", "MIL", False, True), ("inspectors", "IGO", False, True), ("mediator", "GOV", True, False),
    ("lawmakers", "LEG", False, True), ("dissidents", "OPP", False, True), ("clergy", "REL", False, True),
    ("settlers", "CVL", False, True), ("farmers", "AGR", False, True), ("workers", "LAB", False, True),
    ("journalists", "MED", False, True), ("refugees", "REF", False, True), ("students", "EDU", False, True),
])
def test_agent_terms(gaz: Gazetteer, term: str, sector: str, person: bool, plural: bool) -> None:
    hit = gaz.agent(term)
    assert hit is not None
    assert (hit.sector, hit.person, hit.plural) == (sector, person, plural)


def test_agent_plural_falls_back_to_singular(gaz: Gazetteer) -> None:
    terms = {a.term for a in parse_agents(_agents_text())}
    assert "columnists" not in terms and "consulates" not in terms
    assert gaz.agent("columnists").term == "columnist"
    assert gaz.agent("consulates").term == "consulate"
    assert gaz.agent("tables") is None


def _agents_text() -> str:
    from importlib import resources
    return resources.files("kg").joinpath("data", "agents.csv").read_text(encoding="utf-8")


def _countries_text() -> str:
    from importlib import resources
    return resources.files("kg").joinpath("data", "countries.csv").read_text(encoding="utf-8")


def test_agent_table_is_consistent() -> None:
    agents = parse_agents(_agents_text())
    terms = collections.Counter(a.term for a in agents)
    assert [t for t, n in terms.items() if n > 1] == []
    assert {a.sector for a in agents} <= SECTORS
    assert not [a.term for a in agents if a.person and a.plural]


@pytest.mark.parametrize(("post", "of", "on", "label"), [
    ("President", "USA", dt.date(2010, 6, 1), "Barack Obama"),
    ("President", "USA", dt.date(2026, 1, 9), "Donald Trump"),
    ("President", "USA", dt.date(2019, 1, 1), "Donald Trump"),
    ("President", "USA", dt.date(1995, 1, 1), "Bill Clinton"),
    ("President", "USA", dt.date(1987, 1, 1), "Ronald Reagan"),
    ("foreign minister", "MEX", dt.date(2026, 1, 9), "Juan Ramón de la Fuente"),
    ("Secretary of State", "USA", dt.date(2010, 1, 1), "Hillary Clinton"),
    ("Secretary of State", "USA", dt.date(2003, 1, 1), "Colin Powell"),
    ("Secretary of Defense", "USA", dt.date(2004, 1, 1), "Donald Rumsfeld"),
    ("Prime Minister", "GBR", dt.date(2000, 1, 1), "Tony Blair"),
    ("premier", "GBR", dt.date(1988, 1, 1), "Margaret Thatcher"),
    ("Chancellor", "DEU", dt.date(1990, 10, 3), "Helmut Kohl"),
    ("Secretary-General", "united-nations", dt.date(2000, 1, 1), "Kofi Annan"),
    ("Secretary-General", "united-nations", dt.date(2010, 1, 1), "Ban Ki-moon"),
    ("President", "RUS", dt.date(1991, 9, 1), "Boris Yeltsin"),
    ("Leader", "RUS", dt.date(1991, 9, 1), "Mikhail Gorbachev"),
    ("President", "CHN", dt.date(2013, 1, 1), "Hu Jintao"),  # Xi led the party but was not yet President
    ("Prime Minister", "ISR", dt.date(1994, 1, 1), "Yitzhak Rabin"),
    ("President", "IRQ", dt.date(1990, 8, 2), "Saddam Hussein"),
    ("Supreme Leader", "IRN", dt.date(1985, 1, 1), "Ruhollah Khomeini"),
    ("King", "JOR", dt.date(1990, 1, 1), "Hussein bin Talal"),
    ("President", "SDN", dt.date(2005, 1, 1), "Omar al-Bashir"),
])
def test_holder_on_date(gaz: Gazetteer, post: str, of: str, on: dt.date, label: str) -> None:
    hit = gaz.holder(post, of, on)
    assert hit is not None and hit.label == label


def test_holder_outside_any_term(gaz: Gazetteer) -> None:
    assert gaz.holder("President", "USA", dt.date(1700, 1, 1)) is None
    assert gaz.holder("President", "ATA", dt.date(2020, 1, 1)) is None


@pytest.mark.parametrize(("name", "key"), [
    ("Nicolas Maduro", "nicolas-maduro"), ("Nicolás Maduro", "nicolas-maduro"), ("MADURO", "nicolas-maduro"),
    ("Gadhafi", "muammar-gaddafi"), ("Qaddafi", "muammar-gaddafi"),
    ("El Bashir", "omar-al-bashir"), ("Omar El Bashir", "omar-al-bashir"), ("Omar Hassan al-Bashir", "omar-al-bashir"),
    ("Milosevic", "slobodan-milosevic"), ("Slobodan Milošević", "slobodan-milosevic"),
    ("Tudjman", "franjo-tudjman"), ("Boutros Boutros Ghali", "boutros-boutros-ghali"),
    ("Yasir Arafat", "yasser-arafat"), ("PLO", "plo"), ("European Community", "european-union"),
    ("Kosovo Liberation Army", "kosovo-liberation-army"), ("Obama's", "barack-obama"),
])
def test_actor_lookup(gaz: Gazetteer, name: str, key: str) -> None:
    hit = gaz.actor(name)
    assert hit is not None and hit.key == key


def test_surnames(gaz: Gazetteer) -> None:
    assert [a.key for a in gaz.actors_with_surname("Maduro")] == ["nicolas-maduro"]
    assert {a.key for a in gaz.actors_with_surname("Sharif")} >= {"nawaz-sharif", "shehbaz-sharif"}
    assert {a.key for a in gaz.actors_with_surname("Bush")} == {"george-h-w-bush", "george-w-bush"}
    assert gaz.actor("Bush") is None  # ambiguous surnames are not aliases
    assert gaz.actors_with_surname("Nobodyhere") == []


def test_no_country_name_names_two_countries() -> None:
    owner: dict[str, set[str]] = collections.defaultdict(set)
    for c in parse_countries(_countries_text()):
        for n in (c.name, *c.aliases, *c.demonyms, *c.capital, *c.cities):
            owner[norm(n)].add(c.iso3)
    assert {n: s for n, s in owner.items() if len(s) > 1} == {}


def test_actor_file_is_consistent(gaz: Gazetteer) -> None:
    from importlib import resources
    actors = parse_actors(resources.files("kg").joinpath("data", "actors.jsonl").read_text(encoding="utf-8"))
    keys = {a.key for a in actors}
    owner: dict[str, set[str]] = collections.defaultdict(set)
    for a in actors:
        for n in (a.label, *a.aliases):
            owner[norm(n)].add(a.key)
        assert a.country is None or a.country in gaz.countries, (a.key, a.country)
        assert a.code is None or re.fullmatch(r"[A-Z]{6}", a.code), (a.key, a.code)
        for r in a.roles:
            assert r.of in gaz.countries or r.of in keys, (a.key, r)
            assert r.start is not None and (r.end is None or r.start < r.end), (a.key, r)
    assert {n: s for n, s in owner.items() if len(s) > 1} == {}


# --- loaders reject malformed data, naming file:line

_CSV_HEAD = "# a comment\niso3,iso2,name,aliases,demonyms,capital,cities,wikidata\n"


@pytest.mark.parametrize(("body", "line", "what"), [
    ("ABC,AB,Abc,,,,,\nxyz,XY,Xyz,,,,,\n", 4, "ISO3"),
    ("ABC,AB,Abc,,,,\n", 3, "columns"),
    ("ABC,AB,Abc,,,,,,extra\n", 3, "columns"),
    ("ABC,AB,Abc,Foo,,,,\n\nDEF,DE,Def,,,Foo,,\n", 5, "Foo"),
])
def test_parse_countries_rejects(body: str, line: int, what: str) -> None:
    with pytest.raises(DataFileError, match=rf"^t\.csv:{line}: .*{what}"):
        parse_countries(_CSV_HEAD + body, "t.csv")


def test_parse_countries_reads_fields() -> None:
    (c,) = parse_countries(_CSV_HEAD + 'ABC,AB,Abc,"Abcland|A, B",Abcian,Abcville,,Q1\n', "t.csv")
    assert (c.iso3, c.aliases, c.capital, c.wikidata) == ("ABC", ("Abcland", "A, B"), ("Abcville",), "Q1")


@pytest.mark.parametrize(("text", "line", "what"), [
    ("term,sector,kind,person,plural\npolice,COP,cops,0,1\n", 2, "unknown kind"),
    ("# c\nterm,sector,kind,person,plural\npolice,COP,police,yes,1\n", 3, "0 or 1"),
    ("term,sector,kind,person\npolice,COP,police,0\n", 1, "header"),
])
def test_parse_agents_rejects(text: str, line: int, what: str) -> None:
    with pytest.raises(DataFileError, match=rf"^a\.csv:{line}: .*{what}"):
        parse_agents(text, "a.csv")


_OK = '{"key": "x", "label": "X", "kind": "person", "aliases": [], "roles": []}'


@pytest.mark.parametrize(("line", "what"), [
    ('{"key": "x", "label": "X", "kind": "person"', "invalid JSON"),
    ('["x"]', "'key' and 'label'"),
    ('{"key": "y", "label": "Y", "kind": "wizard"}', "unknown kind"),
    (_OK, "duplicate key"),
    ('{"key": "z", "label": "Z", "kind": "person", "roles": [{"post": "King", "start": "1999-13-01"}]}', "ISO date"),
    ('{"key": "z", "label": "Z", "kind": "person", "roles": [{"of": "USA"}]}', "post"),
])
def test_parse_actors_rejects(line: str, what: str) -> None:
    text = f"# header\n{_OK}\n\n{line}\n"
    with pytest.raises(DataFileError, match=rf"^bad\.jsonl:4: .*{re.escape(what)}"):
        parse_actors(text, "bad.jsonl")


def test_parse_actors_reads_roles() -> None:
    (a,) = parse_actors('// c\n{"key": "k", "label": "K", "kind": "person", "roles": '
                        '[{"post": "King", "of": "JOR", "start": "1952-08-11", "end": null}]}', "t")
    assert a.roles[0].start == dt.date(1952, 8, 11) and a.roles[0].end is None and a.aliases == ()


def test_an_imported_entry_named_as_a_curated_actor_answers_for_it() -> None:
    """The PETRARCH entry "Hezbollah" lists "Hizb Allah", "United States Congress" lists
    "Senate": their other names are names of the curated actor, not of a second node."""
    gaz = load_gazetteer()
    assert gaz.actor("Hizb Allah").key == "hezbollah"
    assert gaz.actor("Senate Armed Services Committee").key == "us-congress"
    assert gaz.actor("Deng Xiao Ping").key == "deng-xiaoping"


def test_a_person_and_a_body_that_share_a_name_stay_two_actors() -> None:
    body = KnownActor("pet-x", "Alice Example", "ngo", None, "NGO", "NGO", None,
                      ("Example Relief",), (), (("NGO", None, None),))
    person = KnownActor("alice", "Alice Example", "person", "NGA", "GOV", "NGAGOV", None, (), ())
    gaz = Gazetteer([], [], [person], imported_actors=[body])
    assert gaz.actor("Example Relief").key == "pet-x"
    assert gaz.actor("Alice Example").key == "alice"
