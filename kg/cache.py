"""Derived data kept between processes: an index that takes a process a noticeable time to
build from kg's bundled files (the GeoNames place index, the gazetteer) is pickled once into
the user's cache folder and read back by every later process.

The folder is `$KG_CACHE_DIR`, else `~/.cache/kg`. Each entry is named after a digest of
everything it was built from (the data files' bytes, the building module's source, package
versions), so a changed input makes a new entry and a stale one is never read. An entry is
written whole and renamed into place (a reader never sees half of one); an unreadable or
damaged entry is built again; a folder that cannot be written just means no cache. Writing an
entry removes the entries of the same name built from other inputs.

>>> import tempfile
>>> where = Path(tempfile.mkdtemp())
>>> cached("demo", [b"v1"], lambda: {"built": 1}, folder=where)
{'built': 1}
>>> cached("demo", [b"v1"], lambda: {"built": 2}, folder=where)  # read back: not built again
{'built': 1}
>>> cached("demo", [b"v2"], lambda: {"built": 3}, folder=where)  # another input: another entry
{'built': 3}
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["cache_dir", "cached"]

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder (made if missing), or None when it cannot be made."""
    folder = Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "kg")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def cached(name: str, key: Iterable[bytes], build: Callable[[], T], *,
           dump: Callable[[T], Any] = lambda value: value,
           load: Callable[[Any], T] = lambda state: state, folder: Path | None = None) -> T:
    """`build()`, or the value a process built before from the same `key` (the bytes of every
    input). `dump` turns the value into what is pickled and `load` turns that back (for a
    faster form to unpickle than the value's own); `folder` instead of `cache_dir()`."""
    digest = hashlib.sha1()
    for part in key:
        digest.update(hashlib.sha1(part).digest())
    folder = folder or cache_dir()
    path = folder / f"{name}-{digest.hexdigest()[:16]}.pickle" if folder is not None else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as f:
                return load(pickle.load(f))
        except Exception:  # a damaged or foreign entry: built again below
            pass
    value = build()
    if path is not None:
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(dump(value), f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            for old in path.parent.glob(f"{name}-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)  # built from other inputs: never read again
        except Exception:  # an unwritable folder, a value that does not pickle: no cache
            pass
    return value
