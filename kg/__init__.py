"""kg: a knowledge-graph builder for geopolitical news.

News articles in; an RDF graph of actors, states, CAMEO/PLOVER-coded events and stances out,
each fact traceable to the sentence it came from.

>>> import kg
>>> graph = kg.build(["examples/news/articles.jsonl"])     # doctest: +SKIP
>>> graph.events(cameo_root="13")                      # doctest: +SKIP

Importing `kg` does no work: the names below load their modules on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["build", "KnowledgeGraph", "KGError", "ontology", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from kg.api import KnowledgeGraph, build
    from kg.errors import KGError
    from kg.reason import ontology

_LAZY = {"build": "kg.api", "KnowledgeGraph": "kg.api", "KGError": "kg.errors",
         "ontology": "kg.reason"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
