"""kg.codes: the CAMEO and PLOVER tables and their loaders."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg import codes
from kg.errors import DataFileError, KGError
from conftest import shared_path  # $KG_SHARED or ../shared (tests/ is on sys.path)

REFERENCE = shared_path("reference")
HEADER = "code,root,name,goldstein,quad_class,plover,plover_mode\n"


def test_all_twenty_roots_are_present() -> None:
    cameo = codes.load_cameo()
    roots = {c.root for c in cameo.values()}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    for root in roots:
        assert cameo[root].parent is None


def test_every_plover_type_is_reached_by_a_code() -> None:
    reached = {c.plover for c in codes.load_cameo().values() if c.plover}
    assert reached == set(codes.load_plover())


def test_plover_types() -> None:
    plover = codes.load_plover()
    assert set(plover) == {
        "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT",
    }
    assert plover["ASSAULT"].quad_class == 4 and plover["CONSULT"].quad_class == 1
    assert "violence" in plover["THREATEN"].modes
    assert all(t.definition.endswith(".") for t in plover.values())


@pytest.mark.parametrize(
    ("code", "name", "goldstein", "quad", "plover", "mode"),
    [
        ("138", "Threaten with military force", -7.0, 3, "THREATEN", "violence"),
        ("042", "Make a visit", 1.9, 1, "CONSULT", "visit"),
        ("0874", "Retreat or surrender militarily", 10.0, 2, "RETREAT", "disarm"),
        ("190", "Use conventional military force", -10.0, 4, "ASSAULT", None),
        ("173", "Arrest, detain, or charge with legal action", -5.0, 4, "COERCE", "arrest"),
        ("010", "Make statement", 0.0, 1, None, None),  # PLOVER drops statements
        ("08", "Yield", 5.0, 2, "CONCEDE", None),  # 'CONCEDE|RETREAT' in the reference
        ("163", "Impose embargo, boycott, or sanctions", -8.0, 4, "SANCTION", "discontinue"),
        ("1214", "Reject intelligence cooperation", -4.0, 3, "REJECT", "assist"),  # filled
    ],
)
def test_lookup(code: str, name: str, goldstein: float, quad: int, plover: str | None,
                mode: str | None) -> None:
    c = codes.lookup(code)
    assert (c.code, c.name, c.goldstein, c.quad_class, c.plover, c.plover_mode) == (
        code, name, goldstein, quad, plover, mode)
    assert c.root == codes.root_of(code) == code[:2]


def test_hierarchy_is_complete() -> None:
    cameo = codes.load_cameo()
    for c in cameo.values():
        if c.parent is not None:
            assert c.parent in cameo
            assert cameo[c.parent].root == c.root
    assert codes.parent_of("1384") == "138"


def test_quad_classes_of_code_and_plover_type_agree_except_for_concessions() -> None:
    # GDELT files all of CAMEO 08 (yield) as material cooperation; PLOVER splits it into
    # CONCEDE (verbal) and RETREAT (material). Everywhere else the two must agree.
    plover = codes.load_plover()
    odd = {c.code for c in codes.load_cameo().values()
           if c.plover and plover[c.plover].quad_class != c.quad_class}
    assert odd and all(code[:2] == "08" for code in odd)


@pytest.mark.parametrize("bad", ["999", "13x", "1", "13845", "", " 13"])
def test_unknown_codes(bad: str) -> None:
    with pytest.raises(KeyError) as info:
        codes.lookup(bad)
    assert isinstance(info.value, KGError)
    assert repr(bad) in str(info.value)


def test_unknown_code_message_names_the_root() -> None:
    with pytest.raises(codes.UnknownCodeError, match="root 13 is 'Threaten'"):
        codes.lookup("1399")


def test_load_is_cached_and_read_only() -> None:
    assert codes.load_cameo() is codes.load_cameo()
    with pytest.raises(TypeError):
        codes.load_cameo()["999"] = codes.lookup("13")  # type: ignore[index]


def _cameo_text(*rows: str) -> str:
    return "# a comment\n" + HEADER + "".join(r + "\n" for r in rows)


GOOD = ("13,13,Threaten,-6.0,3,THREATEN,", "138,13,Threaten with military force,-7.0,3,THREATEN,violence")


def test_read_cameo_accepts_a_small_table() -> None:
    table = codes.read_cameo(_cameo_text(*GOOD), codes.load_plover())
    assert table["138"].parent == "13"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("139,13,Give ultimatum,-7.0,3,THREATEN", "6 fields, expected 7"),
        ("139,13,Give ultimatum,minus seven,3,THREATEN,", "is not a number"),
        ("139,13,Give ultimatum,-17.0,3,THREATEN,", "outside [-10, 10]"),
        ("139,13,Give ultimatum,-7.0,5,THREATEN,", "quad_class '5'"),
        ("139,12,Give ultimatum,-7.0,3,THREATEN,", "should be 13"),
        ("139,13,Give ultimatum,-7.0,3,THREATENS,", "PLOVER type 'THREATENS'"),
        ("139,13,Give ultimatum,-7.0,3,THREATEN,beat", "not a mode of THREATEN"),
        ("13a,13,Give ultimatum,-7.0,3,THREATEN,", "not a 2-4 digit CAMEO code"),
        ("138,13,Again,-7.0,3,THREATEN,", "listed twice"),
        ("1391,13,Orphan,-7.0,3,THREATEN,", "no parent 139"),
        ('139,13,"Give ultimatum,-7.0,3,THREATEN,', "not a valid csv line"),
    ],
)
def test_malformed_cameo_rows_name_file_and_line(bad_row: str, message: str) -> None:
    text = _cameo_text(*GOOD, bad_row)
    with pytest.raises(DataFileError) as info:
        codes.read_cameo(text, codes.load_plover(), origin="cameo.csv")
    assert "cameo.csv:5:" in str(info.value)  # comment, header, two good rows, then line 5
    assert message in str(info.value)


def test_malformed_header() -> None:
    with pytest.raises(DataFileError, match=r"cameo.csv:1: header"):
        codes.read_cameo("code,name\n", codes.load_plover(), origin="cameo.csv")


def test_malformed_plover_row() -> None:
    text = "type,quad_class,modes,definition\nAGREE,1,,Agree.\nagree,1,,Lower case.\n"
    with pytest.raises(DataFileError, match=r"plover.csv:3: type 'agree'"):
        codes.read_plover(text, origin="plover.csv")


def test_the_package_table_is_checked_on_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = _cameo_text(*GOOD, "139,13,Give ultimatum,-7.0,9,THREATEN,")
    monkeypatch.setattr(codes, "read_data", lambda name: broken if name == "cameo.csv"
                        else (Path(codes.__file__).parent / "data" / name).read_text())
    codes.load_cameo.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"kg/data/cameo.csv:5: quad_class '9'"):
            codes.load_cameo()
    finally:
        codes.load_cameo.cache_clear()


#: codes whose PLOVER type follows the PLOVER manual rather than the 2021 mapping file
#: (documented in the header of kg/data/cameo.csv)
_REMAPPED = {"163": "SANCTION", "0813": "CONCEDE", "0814": "CONCEDE", "0831": "RETREAT"}


def test_remapped_codes_follow_the_manual() -> None:
    cameo = codes.load_cameo()
    assert {c: cameo[c].plover for c in _REMAPPED} == _REMAPPED


@pytest.mark.skipif(not (REFERENCE / "cameo_codes.csv").exists(), reason=f"no shared reference tables ({REFERENCE}; set KG_SHARED)")
def test_table_covers_the_reference_and_keeps_its_facts() -> None:
    cameo = codes.load_cameo()
    with open(REFERENCE / "cameo_codes.csv", encoding="utf-8") as f:
        reference = {row["code"]: row for row in csv.DictReader(f)}
    assert set(reference) == set(cameo)
    for code, row in reference.items():
        c = cameo[code]
        assert c.quad_class == int(row["quadclass_gdelt"]), code
        if row["goldstein_gdelt"]:
            assert c.goldstein == float(row["goldstein_gdelt"]), code
        if row["plover_event"] == "dropped":
            assert c.plover is None, code
        elif "|" not in row["plover_event"] and code not in _REMAPPED:
            assert c.plover == row["plover_event"], code


def test_doctests() -> None:
    import doctest

    result = doctest.testmod(codes)
    assert result.attempted > 0 and result.failed == 0


def test_write_schemes_command(tmp_path: Path) -> None:
    assert codes.main([str(tmp_path)]) == 0
    assert (tmp_path / "cameo.ttl").read_text().startswith("# CAMEO event codes")
    assert codes.main([str(tmp_path / "missing")]) == 2
    assert codes.main([]) == 2
