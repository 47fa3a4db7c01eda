"""The name index: the nodes a label, alias or code names, whatever its case.

A saved query's "IRI or label" parameter (`actor=Iran`, `by=Donald Trump`, `place=syria`)
stands for the nodes one of whose names equals it ignoring case (`kg.query.resolve_names`).
Asked in SPARQL (`LCASE(STR(?n)) = LCASE(STR(?want))`) that reads every name of the store back
from the engine's string table at each query: 50-80 ms of CPU on a 10 M-triple store, and
growing with the store. The index maps each lower-cased name to its nodes, for each kind of
parameter (`PATTERNS`), read by one query per kind.

It is kept in the store directory (`kg-names.json`) and written only by a process that wrote
the store, after its last write (a build while the engine compacts, else `Store.close` calls
`save`): every write removes the file first
(as it does the statistics), so a file that exists was computed from the store as it is. A store
without the file (an older kg's, or while a writer is at work) is answered by the SPARQL match,
the same nodes. Python's `str.lower` and SPARQL's `LCASE` both apply Unicode's full lower-case
mapping.

>>> from kg.store import Store
>>> s = Store.memory()
>>> s.inner.add(ox.Quad(ox.NamedNode("https://x.org/a"), ox.NamedNode(RDFS_LABEL),
...                     ox.Literal("Syria")))  # (the union graph, as kg.store keeps it)
>>> compute(s)["named"]["syria"]
['https://x.org/a']
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox

from kg.store import NAMES_FILE, Store  # (kg.store imports this module only when it closes)
from kg.vocab import PREFIXES

__all__ = ["PATTERNS", "NAMES_FILE", "compute", "save", "lookup"]

#: bumped when what the file holds changes (a file of another format is not read)
FORMAT = 1
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

#: the patterns by which a `named` / `place` parameter's value ?n names a node ?x: a `place`
#: code names the state that is that country, not every actor that merely carries the code (on
#: VOA "USA" named 838 nodes, and each made a copy of every row)
PATTERNS = {"named": "?x rdfs:label|skos:altLabel|kgo:actorCode ?n .",
            "place": "{ ?x rdfs:label|skos:altLabel ?n } UNION { ?x a kgo:State ; kgo:countryCode ?n }"}


def compute(store: Store) -> dict[str, dict[str, list[str]]]:
    """kind -> lower-cased name -> the IRIs of the nodes it names (sorted), read from `store`."""
    index: dict[str, dict[str, list[str]]] = {}
    for kind, pattern in PATTERNS.items():
        by_name: dict[str, set[str]] = {}
        # the engine's own solutions (not `Store.select`: no Python value per term, no cache)
        for row in store.inner.query(
                f"SELECT DISTINCT ?x ?n WHERE {{ {pattern} FILTER(isIRI(?x)) }}",
                prefixes=dict(PREFIXES)):
            by_name.setdefault(row[1].value.lower(), set()).add(row[0].value)
        index[kind] = {name: sorted(iris) for name, iris in sorted(by_name.items())}
    return index


def _file(store: Store) -> Path | None:
    return store.path / NAMES_FILE if store.path is not None else None


def save(store: Store) -> None:
    """Compute the index of `store` and write it beside the store (atomically: a temporary file
    renamed). Call only after the last write of a process that holds the store for writing (a
    build calls it while the engine compacts; `Store.close` does unless written since).

    The file is a header line, then one line per kind and name: the kind, the name as a JSON
    string (so a tab or line break in it cannot split the line) and the IRIs, tab-separated,
    the IRIs separated by spaces. `lookup` finds a line by its text, without parsing the rest
    (parsing it all as JSON took 10 ms a query on a 10 M-triple store)."""
    path = _file(store)
    if path is None:
        return
    lines = [_HEADER]
    for kind, by_name in compute(store).items():
        lines += [f"{kind}\t{_quoted(name)}\t{' '.join(iris)}\n"
                  for name, iris in by_name.items()]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, path)
        store.names_saved = True
    except OSError:
        tmp.unlink(missing_ok=True)  # a directory we cannot write: the SPARQL match answers


def lookup(store: Store, value: str, kind: str) -> list[str] | None:
    """The IRIs (sorted) that `value` names as a `kind` parameter, from the store's index; None
    when the store has no index (then ask the store, `kg.query.resolve_names`)."""
    path = _file(store)
    if path is None or kind not in PATTERNS:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None  # absent: an older kg's store, or a writer at work
    if not data.startswith(_HEADER.encode("ascii")):
        return None  # another format
    key = f"\n{kind}\t{_quoted(value.lower())}\t".encode("utf-8")
    at = data.find(key)
    if at < 0:
        return []
    end = data.find(b"\n", at + len(key))
    return data[at + len(key):end if end >= 0 else len(data)].decode("utf-8").split()


def _quoted(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


_HEADER = f"kg-names {FORMAT}\n"
