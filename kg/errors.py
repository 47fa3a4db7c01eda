"""The error tree of `kg`: every user mistake becomes one `KGError` with a clear message.

A `KGError` says what was wrong, where (file, line, record id) and what to do. The CLI prints
`str(err)` as one line and exits with status 2; it never shows a traceback for these.
"""
from __future__ import annotations

__all__ = [
    "KGError",
    "InputError",
    "ModelError",
    "StoreError",
    "QueryError",
    "QueryTimeout",
    "DataFileError",
]


class KGError(Exception):
    """Base class of every error `kg` raises on purpose."""


class InputError(KGError):
    """An input path or record cannot be read (missing file, unknown format, bad option)."""


class ModelError(KGError):
    """The requested spaCy pipeline is not installed or is not usable."""


class StoreError(KGError):
    """The store directory is missing, locked, or not a kg store."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown by name, or has an unbound parameter."""


class DataFileError(KGError):
    """A bundled data file (lexicon, gazetteer, query) is malformed."""


class QueryTimeout(QueryError):
    """A query ran longer than its time limit (`kg query --timeout`)."""
