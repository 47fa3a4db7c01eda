"""Tests of kg.ingest: every input kind, every bad record, streaming, datelines."""
from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import parse_dateline, read_articles
from kg.types import Article, BadRecord
from conftest import shared_path  # $KG_SHARED or ../shared (tests/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
CORPORA = shared_path("corpora")
EXAMPLES = ROOT / "examples" / "news"
DAY = dt.date(2026, 1, 20)


def _read(*paths: Path | str, **kwargs: object) -> list[Article | BadRecord]:
    return list(read_articles([str(p) for p in paths], **kwargs))


def _articles(records: list[Article | BadRecord]) -> list[Article]:
    return [r for r in records if isinstance(r, Article)]


def _bad(records: list[Article | BadRecord]) -> dict[str, str]:
    return {r.origin: r.reason for r in records if isinstance(r, BadRecord)}


def _jsonl(path: Path, *rows: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- .txt ------------------------------------------------------------------------------------


def test_txt_dateline_without_space_after_comma(tmp_path: Path) -> None:
    text = "January 9,2026\nNews Desk\nThe president said Friday she would call Washington.\n"
    path = tmp_path / "desk-report.txt"
    path.write_text(text, encoding="utf-8")
    [article] = _read(path)
    assert article == Article(id="desk-report", text=text, date=dt.date(2026, 1, 9),
                              title=None, origin=f"{path}:1")


def test_txt_headline_bom_and_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes("\ufeffTroops pull back from the border\r\nMarch 3, 2026\r\n"
                     "Both sides agreed on Tuesday.\r\n".encode("utf-8"))
    [article] = _read(path)
    assert article.text == ("Troops pull back from the border\nMarch 3, 2026\n"
                            "Both sides agreed on Tuesday.\n")
    assert article.title == "Troops pull back from the border"
    assert article.date == dt.date(2026, 3, 3)


def test_txt_without_dateline_takes_the_default_date(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("The talks resumed.\nNo agreement yet.\n", encoding="utf-8")
    assert _read(path, default_date=DAY)[0].date == DAY
    [article] = _read(path)
    assert article.date is None
    assert article.title is None  # ends with a period: a sentence, not a headline


def test_txt_wire_dateline_needs_a_year_from_the_default_date(tmp_path: Path) -> None:
    path = tmp_path / "wire.txt"
    path.write_text("WASHINGTON, Jan 9 (Reuters) - The talks resumed on Friday.\n",
                    encoding="utf-8")
    assert _read(path, default_date=DAY)[0].date == dt.date(2026, 1, 9)
    assert _read(path)[0].date is None


def test_txt_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line\nSecond line\nCaf\xe9 society\n".encode("latin-1"))
    assert _read(path) == [BadRecord(f"{path}:3", "not UTF-8: byte 0xe9 at column 4; "
                                                   "save the file as UTF-8")]


# --- .jsonl ----------------------------------------------------------------------------------


def test_jsonl_fields_dates_and_derived_ids(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "feed.jsonl",
        {"id": "a1", "text": "One.\r\nTwo.", "date": "2026-01-09", "title": "T",
         "url": "https://example.org/a1", "source": "Desk"},
        {"text": "No id here.", "date": "2026-01-09T10:00:00Z"},
        {"id": 7, "text": "Numeric id.", "date": None},
    )
    a1, a2, a3 = _read(path, default_date=DAY)
    assert a1 == Article(id="a1", text="One.\nTwo.", date=dt.date(2026, 1, 9), title="T",
                         url="https://example.org/a1", source="Desk", origin=f"{path}:1")
    assert (a2.id, a2.date, a2.origin) == ("feed-2", dt.date(2026, 1, 9), f"{path}:2")
    assert (a3.id, a3.date) == ("7", DAY)


def test_ndjson_is_jsonl(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "feed.ndjson", {"id": "x", "text": "Body."})
    assert [a.id for a in _read(path)] == ["x"]


def test_jsonl_bad_records_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        b'{"id": "good-1", "text": "First article."}',
        b'{"id": "broken", "text": "no closing brace"',
        b'{"id": "bytes", "text": "\xff\xfe"}',
        b'["not", "an", "object"]',
        b'{"id": "no-text"}',
        b'{"id": "blank", "text": "   \\n  "}',
        b'{"id": "number", "text": 42}',
        b'{"id": "bad-date", "text": "Body.", "date": "09/01/2026"}',
        b'{"id": "good-1", "text": "Same id again."}',
        b"",
        b'{"id": "good-2", "text": "Last article."}',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    records = _read(path)
    assert [a.id for a in _articles(records)] == ["good-1", "good-2"]
    assert _articles(records)[1].origin == f"{path}:11"
    bad = _bad(records)
    assert bad == {
        f"{path}:2": "invalid JSON: Expecting ',' delimiter at column 44; "
                     "each line must be one JSON object",
        f"{path}:3": "not UTF-8: byte 0xff at column 26; save the file as UTF-8",
        f"{path}:4": "expected a JSON object, got an array",
        f"{path}:5": 'no "text"; each line needs {"text": ..., "id": ...}',
        f"{path}:6": 'empty "text"',
        f"{path}:7": '"text" must be a string, got a number',
        f"{path}:8": 'not an ISO date: "09/01/2026"; use YYYY-MM-DD',
        f"{path}:9": f"duplicate id good-1 (first at {path}:1); skipped",
    }


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = _jsonl(tmp_path / "one.jsonl", {"id": "same", "text": "A."})
    second = _jsonl(tmp_path / "two.jsonl", {"id": "same", "text": "B."})
    records = _read(first, second)
    assert records[0].text == "A."
    assert str(records[1]) == f"{second}:1: duplicate id same (first at {first}:1); skipped"


# --- files that are not text -----------------------------------------------------------------


def test_binary_empty_and_unsupported_files_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a-binary.jsonl").write_bytes(b'{"text": "x"}\n\x00\x01\x02')
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-blank.jsonl").write_bytes(b"\n\n")
    (tmp_path / "d-report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "e-other.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.xyz").write_bytes(b"ignored")
    (tmp_path / "f-image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "g-good.txt").write_text("Body of the article.\n", encoding="utf-8")
    records = _read(tmp_path)
    # JSONL is judged line by line: the good line before the binary one is read
    assert [a.id for a in _articles(records)] == ["a-binary-1", "g-good"]
    assert _bad(records) == {
        f"{tmp_path / 'a-binary.jsonl'}:2": "binary data (NUL bytes) on this line, not JSON "
                                            "text; give UTF-8 text",
        f"{tmp_path / 'b-empty.txt'}:1": "empty file",
        f"{tmp_path / 'c-blank.jsonl'}:1": "empty file",
        f"{tmp_path / 'd-report.pdf'}": "unsupported file type .pdf; use .txt, .jsonl, .html "
                                        "(further .pdf files are skipped silently)",
        f"{tmp_path / 'f-image.txt'}:1": "binary file, not text (it has NUL bytes); "
                                         "give UTF-8 text",
    }


def test_directory_is_recursive_sorted_with_relative_ids(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "story.txt").write_text("Second.\n", encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text("First.\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "story.txt").write_text("Hidden.\n", encoding="utf-8")
    _jsonl(tmp_path / "c.jsonl", {"text": "Third."})
    records = _read(tmp_path)
    assert [(r.id, r.text) for r in records] == [
        ("a/story", "First.\n"), ("b/story", "Second.\n"), ("c-1", "Third.")]
    assert records[0].origin == f"{tmp_path / 'a' / 'story.txt'}:1"


def test_explicit_file_of_unknown_type(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK")
    [bad] = _read(path)
    assert bad == BadRecord(str(path), "unsupported file type .docx; use .txt, .jsonl, .html")


def test_missing_path_raises_at_once(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(InputError, match="nowhere.jsonl: no such file or directory"):
        read_articles([tmp_path, missing])  # before any record is read


# --- stdin and streaming ---------------------------------------------------------------------


def test_stdin_dash_reads_jsonl() -> None:
    stdin = io.StringIO('{"id": "s1", "text": "From a pipe."}\nnot json\n{"text": "Two."}\n')
    records = list(read_articles(["-"], stdin=stdin))
    assert [(r.id, r.origin) for r in _articles(records)] == [
        ("s1", "<stdin>:1"), ("stdin-3", "<stdin>:3")]
    assert list(_bad(records)) == ["<stdin>:2"]


class _CountingLines(io.StringIO):
    """A text stream that counts the lines taken from it."""

    taken = 0

    def __next__(self) -> str:
        self.taken += 1
        return super().__next__()


def test_reading_is_lazy() -> None:
    stdin = _CountingLines("".join(json.dumps({"text": f"Article {i}."}) + "\n"
                                   for i in range(1000)))
    records = read_articles(["-"], stdin=stdin)
    assert isinstance(records, Iterator)
    assert stdin.taken == 0
    assert next(records).text == "Article 0."
    assert stdin.taken == 1


def test_first_record_of_a_huge_file_parses_one_line(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(100_000):
            out.write(f'{{"id": "n{i}", "text": "Article number {i}."}}\n')
    parsed: list[str] = []
    loads = json.loads
    monkeypatch.setattr(json, "loads", lambda s, *a, **k: parsed.append(s) or loads(s, *a, **k))
    records = read_articles([path])
    assert next(records).id == "n0"
    assert len(parsed) == 1


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Border talks resume | Example Daily</title>
<meta property="og:title" content="Border talks resume">
<meta property="og:site_name" content="Example Daily">
<meta property="article:published_time" content="2026-03-03T08:00:00Z">
<link rel="canonical" href="https://news.example.org/border-talks">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport results and league tables</a></li></ul></nav>
<article><h1>Border talks resume</h1>
<p>Officials from both countries met on Tuesday in a border town to discuss the withdrawal of
troops from the disputed valley, the foreign ministry said in a statement.</p>
<p>The minister warned that any new incursion would be met with force and demanded the release
of two detained farmers before the next round of talks.</p>
</article>
<footer>Copyright 2026 Example Daily. Subscribe to our newsletter.</footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "border.html"
    path.write_text(PAGE, encoding="utf-8")
    [article] = _read(path)
    assert article.id == "border"
    assert "withdrawal of troops from the disputed valley" in article.text.replace("\n", " ")
    assert "demanded the release of two detained farmers" in article.text.replace("\n", " ")
    assert "Sport results" not in article.text
    assert "newsletter" not in article.text
    assert article.title == "Border talks resume"
    assert article.date == dt.date(2026, 3, 3)
    assert article.url == "https://news.example.org/border-talks"
    assert article.source == "Example Daily"


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "menu.htm"
    path.write_text("<html><head><title>Menu</title></head><body><div></div></body></html>",
                    encoding="utf-8")
    [bad] = _read(path)
    assert isinstance(bad, BadRecord) and bad.origin == f"{path}:1"
    assert bad.reason.startswith("no main text found in the HTML")


# --- datelines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 9,2026\nDesk\nBody.", dt.date(2026, 1, 9)),
        ("Jan. 9, 2026\nBody.", dt.date(2026, 1, 9)),
        ("9 January 2026\nBody.", dt.date(2026, 1, 9)),
        ("2026-01-09\nBody.", dt.date(2026, 1, 9)),
        ("Friday, January 9, 2026\nBody.", dt.date(2026, 1, 9)),
        ("Published: 2026-01-09T10:00:00Z\nBody.", dt.date(2026, 1, 9)),
        ("Headline\nSubhead\nKYIV, Ukraine, March 3, 2026 — Body.", dt.date(2026, 3, 3)),
        # the date right after the place, as HTML pages print it
        ("WASHINGTON, March 4, 2026 — Body.", dt.date(2026, 3, 4)),
        ("WASHINGTON, March 4, 2026 (Reuters) - Body.", dt.date(2026, 3, 4)),
        ("WASHINGTON, Jan 9 (Reuters) - Body.", None),  # no year and no anchor
        ("One\nTwo\nThree\nJanuary 9, 2026", None),  # only the first 3 non-empty lines
        ("On Jan. 3, 2026 the army moved.", None),  # a sentence, not a dateline
        ("Talks in October 2024 failed.", None),
    ],
)
def test_parse_dateline(text: str, expected: dt.date | None) -> None:
    assert parse_dateline(text) == expected


def test_parse_dateline_uses_the_anchor_for_the_year() -> None:
    assert parse_dateline("WASHINGTON, Jan 9 (Reuters) - Body.",
                          anchor=dt.date(2026, 2, 1)) == dt.date(2026, 1, 9)


# --- shared corpora and examples -------------------------------------------------------------


@pytest.mark.skipif(not (CORPORA / "seed.jsonl").exists(), reason=f"shared corpora absent ({CORPORA}; set KG_SHARED)")
def test_seed_article() -> None:
    [article] = _read(CORPORA / "seed.jsonl")
    assert article.date == dt.date(2026, 1, 9)
    assert parse_dateline(article.text) == dt.date(2026, 1, 9)  # its own dateline agrees


@pytest.mark.skipif(not (CORPORA / "voa.jsonl").exists(), reason=f"shared corpora absent ({CORPORA}; set KG_SHARED)")
def test_voa_corpus_reads_without_bad_records() -> None:
    records = _read(CORPORA / "voa.jsonl")
    assert _bad(records) == {}
    assert len({a.id for a in _articles(records)}) == len(records)


def test_examples() -> None:
    records = _read(EXAMPLES / "articles.jsonl", EXAMPLES / "harbour-dispute-dateline.txt")
    assert _bad(records) == {}
    by_id = {a.id: a for a in _articles(records)}
    assert {i: a.date for i, a in by_id.items()} == {
        "border-talks": dt.date(2026, 3, 3),
        "ceasefire-extension": dt.date(2026, 2, 20),
        "tbilisi-protest-arrests": dt.date(2026, 2, 2),
        "harbour-dispute-dateline": dt.date(2026, 3, 9),
    }
    assert all(by_id[i].source == "kg examples" and by_id[i].title
               for i in ("border-talks", "ceasefire-extension", "tbilisi-protest-arrests"))
    # the .txt opens with a date line: the article's date comes from it
    assert by_id["harbour-dispute-dateline"].text.startswith("March 9, 2026\nVALPARAISO")
    assert all(by_id[i].url == f"https://www.example.org/news/{i}"
               for i in ("border-talks", "ceasefire-extension", "tbilisi-protest-arrests"))


def test_the_examples_are_distinct_articles() -> None:
    """No sentence of one example article appears in another (each answer counted once)."""
    import re

    texts = {a.id: a.text for a in _articles(_read(EXAMPLES))}
    assert len(texts) == 4
    seen: dict[str, str] = {}
    for ident, text in texts.items():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if len(sentence) >= 40:
                assert seen.setdefault(sentence, ident) == ident, (sentence, seen[sentence])


# --- hostile input: repaired at the door or reported with its line --------------------------


def test_characters_rdf_cannot_carry_are_repaired_one_for_one(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "s\ud800", "text": "Lone \ud800 surrogate.", "title": "T\udfff"}),
        json.dumps({"id": "c", "text": "Bell\x07 and NUL\x00 and tab\tstay.", "source": "S\x1b"}),
        json.dumps({"id": "n", "text": "Non\ufffe characters\uffff here."}),
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    records = _read(path)
    assert not _bad(records)
    by_id = {a.id: a for a in _articles(records)}
    assert by_id["s\ufffd"].text == "Lone \ufffd surrogate."
    assert by_id["s\ufffd"].title == "T\ufffd"
    assert by_id["c"].text == "Bell  and NUL  and tab\tstay." and by_id["c"].source == "S "
    assert by_id["n"].text == "Non\ufffd characters\ufffd here."


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a\u00a0b", "https://example.org/a%C2%A0b"),
    ("https://example.org/line\u2028sep", "https://example.org/line%E2%80%A8sep"),
    ("http://x.org/a b<c>\"d\"", "http://x.org/a%20b%3Cc%3E%22d%22"),
    ("http://x.org/100%", "http://x.org/100%25"),
    ("http://x.org/ok%20", "http://x.org/ok%20"),
])
def test_urls_become_valid_iris(tmp_path: Path, url: str, expected: str) -> None:
    path = tmp_path / "u.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Body.", "url": url}) + "\n", encoding="utf-8")
    (article,) = _read(path)
    assert isinstance(article, Article) and article.url == expected


def test_a_url_without_scheme_rejects_its_record_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Body.", "url": "www.example.org/x"}) + "\n"
                    + json.dumps({"id": "b", "text": "Good."}) + "\n", encoding="utf-8")
    records = _read(path)
    assert [a.id for a in _articles(records)] == ["b"]
    assert "not an absolute URL" in _bad(records)[f"{path}:1"]


def test_a_nul_byte_costs_only_its_line(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_bytes(b'{"id": "a", "text": "One."}\n{"id": "b", "te\x00xt": "x"}\n'
                     b'{"id": "c", "text": "Three."}\n')
    records = _read(path)
    assert [a.id for a in _articles(records)] == ["a", "c"]
    assert list(_bad(records)) == [f"{path}:2"]


def test_a_file_name_that_is_not_utf8_is_read_and_printable(tmp_path: Path) -> None:
    import os

    folder = os.fsencode(tmp_path) + b"/in"
    os.mkdir(folder)
    with open(folder + b"/caf\xe9.txt", "wb") as f:
        f.write(b"Body of the article.\n")
    records = _read(os.fsdecode(folder))
    (article,) = _articles(records)
    assert article.id == "caf\\xe9"
    assert str(article.origin).encode("utf-8")  # no surrogate left: it prints and stores


def test_hyphens_standing_for_lost_line_breaks_become_line_breaks(tmp_path: Path) -> None:
    """Flattened feeds glue headline, photo captions and body together with a hyphen; those
    hyphens become line breaks (offsets unchanged), hyphens inside names stay."""
    records = [
        {"id": "titled", "title": "Ministers Meet in Accra Over Grain Prices",
         "text": "Ministers Meet in Accra Over Grain Prices -The trade ministers of three "
                 "states met on Monday."},
        {"id": "untitled",
         "text": "Harbour Workers Stage Walkout Across Guinea-Bissau Ports-Dock workers in "
                 "Guinea-Bissau walked off the job on Friday, their union said. Dockers wait "
                 "at the gate in Bissau, May 3, 2021. (K. Mensah/Wire)-Union leaders said the "
                 "strike would go on. Talks with Austria-Hungary era bonds were not at issue, "
                 "said Abdel-Fattah Nour, citing U.S.-Brazil trade in 2020-21."},
        {"id": "name", "text": "Acting Foreign Minister Mohammad Al-Amin-Haq today rejected a "
                               "fresh offer from the rebels."},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    got = {a.id: a.text for a in read_articles([path])}
    assert got["titled"].startswith("Ministers Meet in Accra Over Grain Prices \nThe trade")
    untitled = got["untitled"]
    assert untitled.startswith("Harbour Workers Stage Walkout Across Guinea-Bissau Ports\nDock")
    assert "(K. Mensah/Wire)\nUnion leaders" in untitled
    for name in ("in Guinea-Bissau walked", "Austria-Hungary", "Abdel-Fattah", "U.S.-Brazil",
                 "2020-21"):
        assert name in untitled
    assert len(untitled) == len(records[1]["text"])
    # a capitalised name in a headline-like opening is not a glued headline
    assert got["name"] == records[2]["text"]
