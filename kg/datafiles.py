"""Reading the bundled data files in `kg/data/` (csv tables with `#` comment headers).

Every loader of a data table (CAMEO codes, lexicons, code maps) reads it through here, so a
malformed line is always reported the same way: `kg/data/NAME:LINE: what is wrong; what to do`.
"""
from __future__ import annotations

import csv
import functools
import importlib.resources
from collections.abc import Iterator

from kg.errors import DataFileError

__all__ = ["read_data", "csv_rows", "word_set", "word_map"]


def read_data(name: str, missing_ok: bool = False) -> str:
    """The text of `kg/data/NAME` ("" for a missing file when `missing_ok`: an optional import)."""
    path = importlib.resources.files("kg").joinpath("data", name)
    if missing_ok and not path.is_file():
        return ""
    try:
        return importlib.resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise DataFileError(f"kg/data/{name}: missing; reinstall kg or restore the file") from err


def csv_rows(text: str, origin: str, columns: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """The data rows of a `#`-commented csv as (`file:line`, row) pairs, after its header.

    >>> list(csv_rows("# a comment\\ncode,name\\n01, Make statement\\n", "x.csv", ("code", "name")))
    [('x.csv:3', {'code': '01', 'name': 'Make statement'})]
    """
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{origin}:{lineno}"
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as err:
            raise DataFileError(f"{where}: not a valid csv line ({err}); fix the quoting") from err
        if not header_seen:
            if tuple(fields) != columns:
                raise DataFileError(
                    f"{where}: header is {','.join(fields)!r}, expected {','.join(columns)!r}"
                )
            header_seen = True
            continue
        if len(fields) != len(columns):
            raise DataFileError(
                f"{where}: {len(fields)} fields, expected {len(columns)} ({','.join(columns)});"
                " quote fields that contain commas"
            )
        yield where, dict(zip(columns, (f.strip() for f in fields)))
    if not header_seen:
        raise DataFileError(f"{origin}: no header line; expected {','.join(columns)}")


@functools.lru_cache(maxsize=None)
def word_set(name: str, column: str) -> frozenset[str]:
    """The values of the one `column` of the word list `kg/data/NAME` (read once).

    >>> "analyst" in word_set("commentators.csv", "word")
    True
    """
    return frozenset(row[column] for _, row in csv_rows(read_data(name), f"kg/data/{name}",
                                                        (column,)))


@functools.lru_cache(maxsize=None)
def word_map(name: str, columns: tuple[str, ...], key: str, value: str) -> dict[str, str]:
    """The `key` column -> the `value` column of the table `kg/data/NAME` with these
    `columns` (read once; the first row of a key wins).

    >>> word_map("party_members.csv", ("member", "party", "state"), "member", "party")["democrat"]
    'Democratic Party'
    """
    out: dict[str, str] = {}
    for _, row in csv_rows(read_data(name), f"kg/data/{name}", columns):
        out.setdefault(row[key], row[value])
    return out
