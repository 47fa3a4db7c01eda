"""The result cache: solutions of slow SELECT queries kept on disk beside a store.

A whole-store listing on a 10 M-triple store (`events`, `sentence_behind_fact`) takes the engine
tens of seconds, and researchers run the same saved queries again and again (a notebook rerun,
a dashboard on `kg serve`, the same table with another `--format`). A store directory holds a
`kg-results/` directory: each entry is the serialized solutions (the engine's CSV or TSV bytes)
of one query text, parameters included (they are bound into the text as a `VALUES` block), so a
rerun of a query that took at least `min_seconds` reads its answer from a file.

Staleness is ruled out by a generation token (the file `kg-results/generation`): every write
to the store draws a new token before any data changes (`invalidate`) and removes the entries of
the old one; an entry is named by the token it was computed under, and a process reads or
writes entries only while the token on disk is the one its view of the store was opened with
(a process that opened the store before another one wrote sees an older snapshot: it neither
reads nor writes the cache). A writer killed mid-write leaves a token no entry was computed
under. Entries are written to a temporary file and renamed, so a reader never sees half of one.
The cache holds at most `max_bytes` (least recently read entries go first); a directory that
cannot be written (a store on read-only media) just means no cache.

>>> import tempfile, pathlib
>>> cache = ResultCache(pathlib.Path(tempfile.mkdtemp()) / "kg-results", min_seconds=0)
>>> cache.put("SELECT ...", "csv", b"a\\r\\n1\\r\\n", seconds=0.5)
>>> cache.get("SELECT ...", "csv")
b'a\\r\\n1\\r\\n'
>>> cache.invalidate(); cache.get("SELECT ...", "csv") is None
True
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

__all__ = ["ResultCache", "RESULTS_DIR", "DEFAULT_MAX_MB", "DEFAULT_MIN_SECONDS"]

RESULTS_DIR = "kg-results"
_GENERATION = "generation"
#: bumped when the entry format changes (entries of another version are never read)
_FORMAT = "1"
#: the default size bound of one store's cache (`KG_RESULT_CACHE_MB` overrides; 0: no cache)
DEFAULT_MAX_MB = 2048
#: the largest single answer kept, in MiB
MAX_ENTRY_MB = 512
#: queries answered faster than this are not worth a file (`KG_RESULT_CACHE_SECONDS`)
DEFAULT_MIN_SECONDS = 0.2


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"${name}={raw!r}: give a number") from None


class ResultCache:
    """The result cache of the store directory `root.parent` (see the module text)."""

    def __init__(self, root: Path, *, max_bytes: int | None = None,
                 min_seconds: float | None = None) -> None:
        self.root = root
        self.max_bytes = (int(_env_float("KG_RESULT_CACHE_MB", DEFAULT_MAX_MB) * 2**20)
                          if max_bytes is None else max_bytes)
        self.min_seconds = (_env_float("KG_RESULT_CACHE_SECONDS", DEFAULT_MIN_SECONDS)
                            if min_seconds is None else min_seconds)
        #: the largest answer kept (a bigger one is handed on lazily, not held in memory)
        self.max_entry_bytes = min(self.max_bytes, MAX_ENTRY_MB * 2**20)
        #: the generation this process's view of the store belongs to
        self.generation = self._on_disk()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def _on_disk(self) -> str:
        try:
            return (self.root / _GENERATION).read_text(encoding="ascii").strip() or "0"
        except OSError:
            return "0"  # no write since the cache existed (or an unreadable directory)

    def _entry(self, text: str, fmt: str) -> Path:
        key = hashlib.sha256(f"{_FORMAT}\0{fmt}\0{text}".encode("utf-8")).hexdigest()
        return self.root / f"{self.generation}-{key}.{fmt}"

    def get(self, text: str, fmt: str) -> bytes | None:
        """The cached solutions of query `text` in format `fmt` ("csv", "tsv"), or None."""
        if not self.enabled or self._on_disk() != self.generation:
            return None
        path = self._entry(text, fmt)
        try:
            data = path.read_bytes()
            os.utime(path)  # recently read: evicted last
        except OSError:
            return None
        return data

    def put(self, text: str, fmt: str, data: bytes, seconds: float) -> None:
        """Keep `data`, the solutions of `text` that took `seconds` to compute, if that was
        slow enough, the store has not been written since this process opened it, and it
        fits. Failures to write are ignored (the cache is an optimisation)."""
        if (not self.enabled or seconds < self.min_seconds or len(data) > self.max_bytes
                or self._on_disk() != self.generation):
            return
        path = self._entry(text, fmt)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.root.mkdir(exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
            if self._on_disk() != self.generation:  # a writer began meanwhile
                path.unlink(missing_ok=True)
                return
            self._trim()
        except OSError:
            tmp.unlink(missing_ok=True)

    def _trim(self) -> None:
        """Remove the least recently read entries until the cache fits `max_bytes`."""
        entries = []
        for path in self.root.iterdir():
            if path.name != _GENERATION and not path.name.startswith("."):
                try:
                    st = path.stat()
                except OSError:
                    continue
                entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size

    def invalidate(self) -> None:
        """Before a write: draw a new generation (on disk first) and remove every entry.
        Raises OSError if the token cannot be written: a store that is written must not keep
        answers of its old content."""
        self.root.mkdir(exist_ok=True)  # even if empty: a reader may be about to write one
        token = uuid.uuid4().hex
        tmp = self.root / f".{_GENERATION}.{os.getpid()}.tmp"
        tmp.write_text(token + "\n", encoding="ascii")
        os.replace(tmp, self.root / _GENERATION)
        self.generation = token
        for path in self.root.iterdir():
            if path.name != _GENERATION and not path.name.startswith(token):
                path.unlink(missing_ok=True)
