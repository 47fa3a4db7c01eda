"""Reading news articles: files and directories in, one `Article` or `BadRecord` at a time out.

Inputs (by extension):

- `.txt`: one article. The id is the file stem (inside a given directory: the path relative to
  it, without extension, so ids stay unique). A dateline among the first 3 non-empty lines
  ("January 9,2026", "Jan. 9, 2026", "9 January 2026", "2026-01-09",
  "WASHINGTON, Jan 9 (Reuters) -") gives the date, else `default_date`. The first line is the
  title when it looks like a headline: not a dateline, at most `HEADLINE_MAX` characters, not
  ending with a period, and followed by more text.
- `.jsonl` / `.ndjson`: one JSON object a line with `text` and optionally `id`, `date` (ISO
  date or date-time), `title`, `url`, `source`. Without an id, `<file stem>-<line>`.
- `.html` / `.htm`: main text, title, date, URL and site name extracted with trafilatura.
- a directory: the files above, recursively, in name order; hidden files and folders are
  skipped, any other file type is reported once per extension.
- `-`: JSONL on standard input.

A record that cannot be used is yielded as a `BadRecord` whose origin is the path as given and
the 1-based line (`articles.jsonl:7`), and reading goes on. Text is decoded as strict UTF-8, a
BOM is dropped and line ends become `\\n`. Characters that RDF or XML cannot carry are repaired
at the door, before any offset is taken (see `clean_text`): lone surrogates and the
noncharacters U+FFFE/U+FFFF (and the other noncharacters) become U+FFFD, control characters
other than tab and line feed become spaces. A `url` must be an absolute IRI: characters not
allowed in a URI are percent-encoded (UTF-8), a `url` without a scheme rejects the record.
A JSONL line with a NUL byte is reported as binary; the lines around it are read.
Feeds that flattened line breaks into hyphens ("Headline-Body", "... (J. Doe/Wire)-Caption
ends here") get those hyphens back as line breaks (`unglue`: same length, offsets hold), so
that a headline or a photo credit is not read as part of the next sentence; hyphens inside
names ("Guinea-Bissau", "Abdel-Fattah", "U.S.-Russia") stay.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from kg.errors import InputError
from kg.timex import find_dates
from kg.types import Article, BadRecord

__all__ = ["read_articles", "count_records", "parse_dateline", "clean_text", "clean_url", "unglue",
           "EXTENSIONS", "HEADLINE_MAX"]

#: File extensions read, by kind.
EXTENSIONS: dict[str, str] = {
    ".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html",
}
#: The longest first line still taken as a headline of a `.txt` article.
HEADLINE_MAX = 150

_SNIFF = 8192  # bytes looked at for NUL bytes
_BOM = "\ufeff"
_NEWLINES = re.compile(r"\r\n?")
_FIELDS = ("title", "url", "source")
# lone surrogates, noncharacters (U+FDD0..U+FDEF, U+xFFFE/U+xFFFF): replaced by U+FFFD
_UNREPRESENTABLE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(1, 17)) + "]")
# C0 controls but tab and line feed, DEL and the C1 controls: replaced by a space
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# characters a URI may hold as they are (RFC 3986 reserved + unreserved + "%")
_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                      "-._~:/?#[]@!$&'()*+,;=%")


def clean_text(text: str) -> str:
    """`text` with what RDF, XML and UTF-8 cannot carry repaired, one character for one (so
    offsets are kept): lone surrogates and noncharacters -> U+FFFD, controls other than tab
    and line feed -> space.

    >>> clean_text("a\\x00b\\ud800c\\uffff")
    'a b\ufffdc\ufffd'
    """
    text = _UNREPRESENTABLE.sub("\ufffd", text)
    return _CONTROLS.sub(" ", text)


def clean_url(url: str) -> str:
    """`url` as an absolute URI: characters outside RFC 3986 percent-encoded as UTF-8 (a stray
    `%` not followed by two hex digits too). Raises ValueError when there is no scheme.

    >>> clean_url("https://example.org/a b\\u00a0c")
    'https://example.org/a%20b%C2%A0c'
    """
    url = clean_text(url).strip()
    if not _SCHEME.match(url):
        raise ValueError("not an absolute URL (no scheme such as https:)")
    out: list[str] = []
    for i, c in enumerate(url):
        if c in _URI_SAFE and not (c == "%" and not re.fullmatch(r"[0-9A-Fa-f]{2}",
                                                                 url[i + 1:i + 3])):
            out.append(c)
        else:
            out.extend(f"%{b:02X}" for b in c.encode("utf-8", "replace"))
    return "".join(out)


def _printable(name: str) -> str:
    """A file name as text that can be printed and stored: undecodable bytes (kept by Python
    as surrogate escapes) shown as `\\xNN`, control characters as spaces."""
    if any("\ud800" <= c <= "\udfff" for c in name):
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return clean_text(name)


def read_articles(paths: Iterable[str | Path], *, default_date: dt.date | None = None,
                  stdin: TextIO | None = None) -> Iterator[Article | BadRecord]:
    """Read articles from files, directories and `-` (stdin), lazily, one record at a time.

    Raises `InputError` at once if a path does not exist; every other problem is a
    `BadRecord` in the stream. Ids are unique over the run: a repeated id is reported.

    >>> records = read_articles(["examples/news/articles.jsonl"])  # doctest: +SKIP
    >>> next(records).date  # doctest: +SKIP
    datetime.date(2026, 3, 3)
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    given = [os.fspath(p) for p in paths]
    for path in given:
        if path != "-" and not os.path.exists(path):
            raise InputError(f"{path}: no such file or directory; check the path")
    return _Run(default_date, stdin if stdin is not None else sys.stdin).read(given)


class _Run:
    """The state of one `read_articles` call: ids seen, unsupported extensions reported."""

    def __init__(self, default_date: dt.date | None, stdin: TextIO) -> None:
        self.default_date = default_date
        self.stdin = stdin
        self.seen: dict[str, str] = {}
        self.unsupported: set[str] = set()

    def read(self, given: list[str]) -> Iterator[Article | BadRecord]:
        for path in given:
            if path == "-":
                yield from self._checked(self._jsonl(_stdin_lines(self.stdin), "<stdin>",
                                                     "stdin"))
            elif os.path.isdir(path):
                for file, name in _walk(Path(path)):
                    origin = _printable(os.path.join(path, *name.split("/")))
                    yield from self._file(file, origin, _printable(
                        str(Path(name).with_suffix("").as_posix())))
            else:
                yield from self._file(Path(path), _printable(path),
                                      _printable(Path(path).stem), explicit=True)

    def _file(self, file: Path, origin: str, label: str,
              explicit: bool = False) -> Iterator[Article | BadRecord]:
        suffix = file.suffix.lower()
        kind = EXTENSIONS.get(suffix)
        if kind is None:
            if explicit or suffix not in self.unsupported:
                self.unsupported.add(suffix)
                what = suffix or "(no extension)"
                more = "" if explicit else f" (further {what} files are skipped silently)"
                yield BadRecord(origin, f"unsupported file type {what}; use .txt, .jsonl, "
                                        f".html{more}")
            return
        try:
            if kind == "jsonl":
                with file.open("rb") as stream:
                    yield from self._checked(self._jsonl(stream, origin, label))
            else:
                data = file.read_bytes()
                read = _txt if kind == "txt" else _html
                yield from self._checked(iter([read(data, origin, label, self.default_date)]))
        except OSError as err:
            yield BadRecord(f"{origin}:1", f"cannot read: {err.strerror or err}")

    def _checked(self, records: Iterator[Article | BadRecord]) -> Iterator[Article | BadRecord]:
        """Pass records on, turning a repeated id into a `BadRecord`."""
        for record in records:
            if isinstance(record, Article):
                first = self.seen.get(record.id)
                if first is not None:
                    record = BadRecord(record.origin,
                                       f"duplicate id {record.id} (first at {first}); skipped")
                else:
                    self.seen[record.id] = record.origin
            yield record

    def _jsonl(self, lines: Iterable[bytes], origin: str,
               label: str) -> Iterator[Article | BadRecord]:
        empty = True
        for number, raw in enumerate(lines, 1):
            where = f"{origin}:{number}"
            raw = raw.rstrip(b"\r\n")
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            empty = False
            if b"\0" in raw:
                yield BadRecord(where, "binary data (NUL bytes) on this line, not JSON text; "
                                       "give UTF-8 text")
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield BadRecord(where, f"{_not_utf8(raw, err.start)}")
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                yield BadRecord(where, f"invalid JSON: {err.msg} at column {err.colno}; "
                                       "each line must be one JSON object")
                continue
            except (ValueError, RecursionError) as err:  # huge integers, deep nesting
                yield BadRecord(where, f"invalid JSON: {err or 'nested too deeply'}")
                continue
            yield _from_json(value, where, f"{label}-{number}", self.default_date)
        if empty:
            yield BadRecord(f"{origin}:1", "empty file")


def _stdin_lines(stdin: TextIO) -> Iterator[bytes]:
    buffer: BinaryIO | None = getattr(stdin, "buffer", None)
    if buffer is not None:
        yield from buffer
    else:  # an already decoded stream (io.StringIO in tests)
        for line in stdin:
            yield line.encode("utf-8", "surrogateescape")


def _walk(directory: Path) -> Iterator[tuple[Path, str]]:
    """Non-hidden files under `directory` in name order, with their relative POSIX names."""
    visited: set[Path] = set()

    def walk(folder: Path, prefix: str) -> Iterator[tuple[Path, str]]:
        real = folder.resolve()
        if real in visited:  # a symbolic link loop
            return
        visited.add(real)
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                yield from walk(entry, f"{prefix}{entry.name}/")
            elif entry.is_file():
                yield entry, f"{prefix}{entry.name}"

    yield from walk(directory, "")


def _binary(origin: str) -> BadRecord:
    return BadRecord(f"{origin}:1", "binary file, not text (it has NUL bytes); give UTF-8 text")


def _not_utf8(data: bytes, index: int) -> str:
    column = index - (data.rfind(b"\n", 0, index) + 1) + 1
    return (f"not UTF-8: byte 0x{data[index]:02x} at column {column}; "
            "save the file as UTF-8")


def _normalise(text: str, title: str | None = None) -> str:
    if text.startswith(_BOM):
        text = text[1:]
    return unglue(clean_text(_NEWLINES.sub("\n", text)), title)


#: A hyphen standing for a lost line break: after a space and before a capital or an opening
#: quote ("... Declared Over -Hong Kong protesters"), or after a closing bracket or quote, a
#: word's full stop or a year ("(J. Doe/VOA)-Anita", "April 13, 2016-“We have won").
#: "U.S.-Russia", "Guinea-Bissau", "al-Qaida" and "2015-16" are not matched.
_GLUE = re.compile(r"(?:(?<=\S)[ \xa0]|(?<=[)\]”\"’'])|(?<=[a-z]{2}[.?!])|(?<=\b[12]\d{3}))"
                   r"-(?=[A-Z“\"‘])")
#: A headline glued to the body by a hyphen ("Burma Releases More Prisoners-Five prisoners
#: were released"): the first hyphen between a word and a capital
_GLUED_HEAD = re.compile(r"(?<=[A-Za-z0-9?!'\u2019])-(?=[A-Z\u201c\"\u2018])")
_WORD = re.compile(r"[A-Za-z\u2019'][A-Za-z\u2019'-]*")
#: a dateline opening a body ("CAIRO \u2014", "WASHINGTON, D.C. \u2014")
_DATELINE = re.compile(r"[A-Z][A-Z .,'\u2019-]+ \u2014")


def unglue(text: str, title: str | None = None) -> str:
    """`text` with hyphens that stand for lost line breaks turned into line breaks (same
    length, so offsets hold): between the record's `title` and the body it opens, between a
    headline in title case and a body in sentence case, and at the `_GLUE` marks (photo captions
    glued to the next sentence). Hyphens inside names stay."""
    chars = list(text)
    if title and text.startswith(title):
        rest = len(title) + (text[len(title):len(title) + 1] == " ")
        if text[rest:rest + 1] == "-" and text[rest + 1:rest + 2] not in ("-", " ", ""):
            chars[rest] = "\n"  # not "... 12 people -- 11 ...": a title longer than the headline
    head = _glued_headline(text)
    if head is not None:
        chars[head] = "\n"
    for m in _GLUE.finditer(text):
        chars[m.end() - 1] = "\n"  # the hyphen, not the space before it
    return "".join(chars) if chars != list(text) else text


def _glued_headline(text: str) -> int | None:
    """Where a headline in title case (4 or more words of 4 letters or more, all capitalised,
    no sentence end) is glued by a hyphen to a body in sentence case (4 or more of its next 8
    words in lower case), the hyphen's offset: the last such hyphen, so that a name in the
    headline ("... Across Guinea-Bissau Ports-Dock workers ...") stays whole."""
    found = None
    for m in _GLUED_HEAD.finditer(text, 0, 200):
        head = text[:m.start()]
        words = [w for w in _WORD.findall(head) if len(w) > 3]
        if "\n" in head or re.search(r"[.!?]\s", head) or any(w[0].islower() for w in words):
            break
        last = head.split(" ")[-1][:1]
        if len(words) < 4 or not (last.isupper() or last.isdigit()):
            continue  # "... bin Khalifa al-Thani"
        if "-" in text[m.end():].split(" ", 1)[0] or "-" in head.split(" ")[-1]:
            continue  # "Zia-Ul-Haq"
        tail = _WORD.findall(text[m.end():m.end() + 150])[1:9]
        if sum(w[0].islower() for w in tail) >= 4 or _DATELINE.match(text, m.end()):
            found = m.start()
    return found


def _txt(data: bytes, origin: str, ident: str,
         default_date: dt.date | None) -> Article | BadRecord:
    if b"\0" in data[:_SNIFF]:
        return _binary(origin)
    try:
        text = _normalise(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return BadRecord(f"{origin}:{line}", _not_utf8(data, err.start))
    if not text.strip():
        return BadRecord(f"{origin}:1", "empty file")
    date = parse_dateline(text, anchor=default_date) or default_date
    return Article(id=ident, text=text, date=date, title=_headline(text), origin=f"{origin}:1")


def _html(data: bytes, origin: str, ident: str,
          default_date: dt.date | None) -> Article | BadRecord:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    if not data.strip():
        return BadRecord(f"{origin}:1", "empty file")
    if b"\0" in data[:_SNIFF]:
        return _binary(origin)
    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True})
    text = _normalise(document.text or "") if document is not None else ""
    if not text.strip():
        return BadRecord(f"{origin}:1", "no main text found in the HTML; "
                                        "give the article page, or its text as .txt")
    date = _iso_date(document.date) if document.date else None
    try:
        url = clean_url(document.url) if document.url else None
    except ValueError:
        url = None  # a relative canonical link: no URL rather than a wrong one
    return Article(id=ident, text=text,
                   date=date or parse_dateline(text, anchor=default_date) or default_date,
                   title=clean_text(document.title) if document.title else None, url=url,
                   source=clean_text(document.sitename) if document.sitename else None,
                   origin=f"{origin}:1")


def _from_json(value: object, where: str, derived_id: str,
               default_date: dt.date | None) -> Article | BadRecord:
    if not isinstance(value, dict):
        return BadRecord(where, f"expected a JSON object, got {_json_type(value)}")
    text = value.get("text")
    if text is None:
        return BadRecord(where, 'no "text"; each line needs {"text": ..., "id": ...}')
    if not isinstance(text, str):
        return BadRecord(where, f'"text" must be a string, got {_json_type(text)}')
    if not text.strip():
        return BadRecord(where, 'empty "text"')
    if not clean_text(text).strip():
        return BadRecord(where, '"text" has only control characters')
    ident = value.get("id")
    if ident is None:
        ident = derived_id
    elif isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    elif not isinstance(ident, str):
        return BadRecord(where, f'"id" must be a string, got {_json_type(ident)}')
    elif not clean_text(ident).strip():
        return BadRecord(where, '"id" is empty; give a non-empty id or leave it out')
    ident = clean_text(ident)
    fields: dict[str, str | None] = {}
    for name in _FIELDS:
        field = value.get(name)
        if field is not None and not isinstance(field, str):
            return BadRecord(where, f'"{name}" must be a string or null, '
                                    f"got {_json_type(field)}")
        fields[name] = clean_text(field) if field and field.strip() else None
    if fields["url"]:
        try:
            fields["url"] = clean_url(fields["url"])
        except ValueError as err:
            return BadRecord(where, f'"url" {json.dumps(fields["url"][:80])} is {err}; '
                                    "give a full URL or leave it out")
    raw_date = value.get("date")
    date = default_date
    if raw_date is not None and raw_date != "":
        date = _iso_date(raw_date) if isinstance(raw_date, str) else None
        if date is None:
            return BadRecord(where, f"not an ISO date: {json.dumps(raw_date)}; use YYYY-MM-DD")
    return Article(id=ident, text=_normalise(text, fields["title"]), date=date, origin=where,
                   **fields)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _iso_date(text: str) -> dt.date | None:
    """A date from "2026-01-09" or an ISO date-time such as "2026-01-09T10:00:00Z"."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            return dt.date.fromisoformat(text)
        if re.match(r"\d{4}-\d\d-\d\d[T ]", text):
            return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None
    return None


# A dateline may follow a label ("Published:") or a place in capitals ("WASHINGTON, ",
# "KYIV, Ukraine, "), and is an explicit day, not a preposition phrase.
_DATELINE_PREFIX = re.compile(
    r"(?:(?i:published|updated|posted|dated?)(?:\s+on)?\s*:?\s*"
    r"|[A-Z][A-Z.'’ -]*[A-Z.](?:\s*,\s*[A-Z][\w.'’ -]*?)?\s*(?:,|—|–|-)\s*)?")
# The place alone ("WASHINGTON, "): the date may follow it directly ("WASHINGTON, March 4, 2026 —").
_DATELINE_PLACE = re.compile(r"[A-Z][A-Z.'’ -]*[A-Z.]\s*(?:,|—|–|-)\s*")
_PREPOSITION = re.compile(r"(?i)(?:on|in|since|from|until|till|by|during|over|through|as\s+of"
                          r"|before|after)\s")
_DATELINE_LINES = 3
_SOME_DAY = dt.date(2000, 1, 1)


def parse_dateline(text: str, anchor: dt.date | None = None) -> dt.date | None:
    """The date of a dateline among the first 3 non-empty lines of `text`, or None.

    A dateline without a year ("WASHINGTON, Jan 9 (Reuters) -") needs `anchor` to pick it.

    >>> parse_dateline("January 9,2026\\nRED FM News Desk\\nMexico's President said...")
    datetime.date(2026, 1, 9)
    """
    seen = 0
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        day = _dateline_day(line[:200], anchor)
        if day is not None:
            return day
        seen += 1
        if seen == _DATELINE_LINES:
            break
    return None


def _dateline_day(line: str, anchor: dt.date | None) -> dt.date | None:
    prefix = _DATELINE_PREFIX.match(line)
    day = _dateline_day_at(line, prefix.end() if prefix else 0, anchor)
    place = _DATELINE_PLACE.match(line)
    if day is None and place is not None and (prefix is None or place.end() < prefix.end()):
        day = _dateline_day_at(line, place.end(), anchor)  # "WASHINGTON, March 4, 2026 —"
    return day


def _dateline_day_at(line: str, start: int, anchor: dt.date | None) -> dt.date | None:
    """The day written at `start` of a dateline, if a full day is written there."""
    for begin, end, value in find_dates(line, anchor):
        if begin < start:
            continue
        span = line[begin:end]
        if (begin == start and value.begin == value.end and any(c.isdigit() for c in span)
                and not _PREPOSITION.match(span)):
            return value.begin
        break
    return None


def _headline(text: str) -> str | None:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    first = lines[0]
    # Any anchor will do to tell whether the line is a (possibly year-less) dateline.
    if len(first) > HEADLINE_MAX or first.endswith(".") or _dateline_day(first, _SOME_DAY):
        return None
    return first


def count_records(paths: Iterable[str | Path]) -> int | None:
    """The number of input records in `paths` (JSONL lines that are not blank, one per .txt/
    .html file), for a progress total; None when reading stdin. Bad records count too."""
    total = 0
    for given in paths:
        if str(given) == "-":
            return None
        path = Path(given)
        if not path.exists():
            continue  # read_articles reports it
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            kind = EXTENSIONS.get(file.suffix.lower())
            if kind == "jsonl":
                with file.open("rb") as stream:
                    total += sum(1 for line in stream if line.strip())
            elif kind is not None:
                total += 1
    return total
