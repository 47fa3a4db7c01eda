"""Streamed JSON-LD: one named graph at a time, compacted with a context, in bounded memory.

The engine serialises each article graph as expanded JSON-LD (`pyoxigraph` dump); this module
shortens it with the context's terms and prefixes and writes the dataset as
`{"@context": ..., "@graph": [{"@id": graph, "@graph": [nodes]}, ...]}`, graph by graph, so
memory holds one article graph whatever the store size.

Compaction rules (each keeps the expansion exact): a property becomes its context term when
one is defined for its IRI (a term coerced to `@id` only when every value is an IRI), else a
compact IRI `prefix:local`; `@id` values use prefixes only (terms do not apply there); a plain
string literal becomes a JSON string; other literals stay value objects with a compacted type.

>>> ctx = {"ex": "http://e/", "name": "ex:name", "knows": {"@id": "ex:knows", "@type": "@id"}}
>>> expanded = [{"@id": "http://e/a", "http://e/name": [{"@value": "A"}],
...              "http://e/knows": [{"@id": "http://e/b"}]}]
>>> Compactor(ctx).node(expanded[0])
{'@id': 'ex:a', 'name': 'A', 'knows': 'ex:b'}
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

import pyoxigraph as ox

__all__ = ["Compactor", "write_jsonld"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Compactor:
    """Compacts expanded node objects with a JSON-LD context (terms and prefixes)."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.prefixes = {k: v for k, v in context.items()
                         if isinstance(v, str) and v.endswith(("/", "#", ":"))}
        self.terms: dict[str, tuple[str, bool]] = {}
        for term, definition in context.items():
            if term.startswith("@") or term in self.prefixes:
                continue
            iri = definition.get("@id") if isinstance(definition, dict) else definition
            if not isinstance(iri, str):
                continue
            coerce = isinstance(definition, dict) and definition.get("@type") == "@id"
            self.terms.setdefault(self._expand(iri), (term, coerce))
        # longest namespace first, so the most specific prefix wins
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))

    def _expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def iri(self, iri: str) -> str:
        """A compact IRI `prefix:local` where a prefix covers it, else the IRI itself."""
        if iri.startswith("_:"):
            return iri
        for prefix, ns in self._by_length:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def _value(self, value: dict[str, Any]) -> Any:
        if "@id" in value:
            return {"@id": self.iri(value["@id"])}
        out = dict(value)
        if out.get("@type") == XSD_STRING:
            del out["@type"]
        if set(out) == {"@value"} and isinstance(out["@value"], str):
            return out["@value"]
        if "@type" in out:
            out["@type"] = self.iri(out["@type"])
        return out

    def node(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """One expanded node object, compacted."""
        out: dict[str, Any] = {}
        for key, values in node.items():
            if key == "@id":
                out["@id"] = self.iri(values)
                continue
            if key.startswith("@"):
                out[key] = values
                continue
            if key == RDF_TYPE and all(set(v) == {"@id"} for v in values):
                out["@type"] = _one([self.iri(v["@id"]) for v in values])
                continue
            term, coerce = self.terms.get(key, (None, False))
            all_iris = all(set(v) == {"@id"} for v in values)
            if term is not None and coerce and all_iris:
                out[term] = _one([self.iri(v["@id"]) for v in values])
            elif term is not None and not coerce:
                out[term] = _one([self._value(v) for v in values])
            else:
                out[self.iri(key)] = _one([self._value(v) for v in values])
        return out


def _one(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def write_jsonld(graphs: Iterable[tuple[ox.NamedNode, bytes]], out: IO[bytes],
                 context: Mapping[str, Any]) -> None:
    """Write `(graph, expanded JSON-LD of its triples)` pairs as one compacted JSON-LD dataset,
    streaming: one graph in memory at a time."""
    compact = Compactor(context)
    out.write(b'{"@context": ' + json.dumps(dict(context), ensure_ascii=False).encode("utf-8")
              + b',\n "@graph": [')
    first = True
    for graph, data in graphs:
        nodes = [compact.node(n) for n in json.loads(data or b"[]")]
        entry = {"@id": compact.iri(graph.value), "@graph": nodes}
        out.write((b"\n  " if first else b",\n  ")
                  + json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        first = False
    out.write(b"\n]}\n")
