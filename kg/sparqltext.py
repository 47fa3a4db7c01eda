"""Checks on SPARQL text made before it reaches the parser: nesting depth, updates, SERVICE.

Oxigraph's parser is recursive: a query nested a few thousand groups deep overflows the native
stack and kills the process. `check_query` rejects such text (and any text over `MAX_QUERY`
characters) with a `QueryError` first; `kg query` and `kg serve` both call it. The scan skips
comments, strings and IRIs, so a `{` inside a literal does not count.

>>> nesting_depth('SELECT * { { ?s ?p "{{{" } }')
2
>>> uses_service("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
True
>>> uses_service("SELECT ?service { ?service ?p ?o }")
False
"""
from __future__ import annotations

import re

from kg.errors import QueryError

__all__ = ["MAX_DEPTH", "MAX_QUERY", "MAX_ELEMENTS", "count_elements", "strip_comments", "code_only", "nesting_depth",
           "is_update", "uses_service", "check_query", "split_prologue", "projection", "masked"]

#: Deepest nesting of `{`, `(` and `[` accepted (real queries stay under 20).
MAX_DEPTH = 128
#: Longest query text accepted, in characters.
MAX_QUERY = 1 << 20
#: Most operators and separators (`. , ; ! | / ^ + - * & =`) accepted: the parser also recurses
#: along chains (`1+1+1...`, `!!!...`, 10,000 triple patterns crash it; 4,000 do not).
MAX_ELEMENTS = 2000
_ELEMENTS = frozenset(".,;!|/^+-*&=")

_OPEN, _CLOSE = "{([", "})]"
_UPDATE_KEYWORD = re.compile(
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s*[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*",
                       re.IGNORECASE)
# SERVICE as a keyword: not a variable (?service), a prefixed name (ex:service) or part of one
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _scan(text: str, keep_literals: bool, same_length: bool = False) -> str:
    """`text` without comments; strings and IRIs kept (`keep_literals`) or blanked to `""`/`<>`;
    with `same_length`, comments, strings and IRIs become spaces, so positions stay."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            j = text.find(">", i)
            if j != -1 and not re.search(r"[\s{}()]", text[i + 1:j]):
                out.append(text[i:j + 1] if keep_literals
                           else " " * (j + 1 - i) if same_length else "<>")
                i = j + 1
                continue
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j) and (long or text[j] != "\n"):
                j += 2 if text[j] == "\\" else 1
            end = min(j + len(quote), n)
            out.append(text[i:end] if keep_literals
                       else " " * (end - i) if same_length else '""')
            i = end
            continue
        elif c == "#":
            j = text.find("\n", i)
            j = n if j == -1 else j
            if same_length:
                out.append(" " * (j - i))
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def strip_comments(text: str) -> str:
    """`text` without SPARQL `#` comments (a `#` inside an IRI or a string is kept)."""
    return _scan(text, keep_literals=True)


def code_only(text: str) -> str:
    """`text` without comments, with `\\u` escapes decoded and every string and IRI emptied:
    what is left are keywords, names, variables and punctuation."""
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16))
                          if int(m.group(1) or m.group(2), 16) < 0x110000 else "", text)
    return _scan(decoded, keep_literals=False)


def masked(text: str) -> str:
    """`text` with its comments, strings and IRIs turned into spaces: the same length, so that
    a position found in it is the same position in `text`.

    >>> masked('SELECT ?s { ?s <urn:x> "}" } # {')
    'SELECT ?s { ?s             }    '
    """
    return _scan(text, keep_literals=False, same_length=True)


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets of any kind in `text`, outside comments, strings, IRIs."""
    depth = deepest = 0
    for c in code_only(text):
        if c in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif c in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def count_elements(text: str) -> int:
    """How many operators and separators `text` has outside comments, strings and IRIs."""
    return sum(1 for c in code_only(text) if c in _ELEMENTS)


def is_update(text: str) -> bool:
    """Whether `text` is a SPARQL update (its first keyword after the prologue is one).

    >>> is_update("PREFIX x: <http://x#> # note\\nINSERT DATA { x:a x:b x:c }")
    True
    >>> is_update("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    for body in (strip_comments(text), code_only(text)):
        m = _PROLOGUE.match(body)
        rest = body[m.end():] if m else body
        if _UPDATE_KEYWORD.match(rest):
            return True
    return False


def uses_service(text: str) -> bool:
    """Whether `text` has a SERVICE clause (a federated query that makes HTTP requests)."""
    return bool(_SERVICE.search(code_only(text)))


def check_query(text: str, *, allow_service: bool = True) -> None:
    """Raise `QueryError` when `text` is too long or nested too deeply to parse safely, or uses
    SERVICE while `allow_service` is false."""
    if len(text) > MAX_QUERY:
        raise QueryError(f"the query is {len(text):,} characters long; at most {MAX_QUERY:,} "
                         "are accepted")
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise QueryError(f"the query nests brackets {depth} deep; at most {MAX_DEPTH} levels "
                         "are accepted (flatten the groups or sub-expressions)")
    elements = count_elements(text)
    if elements > MAX_ELEMENTS:
        raise QueryError(f"the query has {elements:,} operators and separators; at most "
                         f"{MAX_ELEMENTS:,} are accepted (split it into several queries)")
    if not allow_service and uses_service(text):
        raise QueryError("SERVICE (federated query) is not allowed here: it would make this "
                         "server send requests; start it with --allow-service to permit it")


#: one comment, PREFIX/BASE declaration or run of white space of a query's prologue
_PROLOGUE_ITEM = re.compile(r"^\s*(#[^\n]*(\n|$)|(PREFIX|BASE)\s[^<]*<[^>]*>|\s+)", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_SELECT_HEAD = re.compile(r"\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?", re.IGNORECASE)
_WHERE = re.compile(r"WHERE\b", re.IGNORECASE)
_AS_VARIABLE = re.compile(r"\bAS\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*$", re.IGNORECASE)


def split_prologue(text: str) -> tuple[str, str]:
    """(`PREFIX`/`BASE` declarations and comments, the query from its form keyword on)."""
    rest = text
    while (m := _PROLOGUE_ITEM.match(rest)) and m.end() > 0:
        rest = rest[m.end():]
    return text[: len(text) - len(rest)], rest


def projection(text: str) -> list[str] | None:
    """The variables a SELECT query projects, in order; None for `SELECT *`, another query
    form, or a projection this scan does not follow.

    >>> projection("PREFIX x: <urn:x:> SELECT DISTINCT ?a (MIN(?b) AS ?low) ?c WHERE { ?a ?b ?c }")
    ['a', 'low', 'c']
    >>> projection("ASK { ?s ?p ?o }") is None
    True
    """
    code = code_only(split_prologue(text)[1])
    head = _SELECT_HEAD.match(code)
    if not head:
        return None
    names: list[str] = []
    depth, i, group = 0, head.end(), 0
    while i < len(code):
        c = code[i]
        if depth == 0 and (c == "{" or _WHERE.match(code, i)):
            return names or None
        if c == "(":
            depth += 1
            group = i if depth == 1 else group
        elif c == ")":
            depth -= 1
            if depth == 0:
                m = _AS_VARIABLE.search(code, group, i)
                if not m:
                    return None
                names.append(m.group(1))
        elif depth == 0 and c in "?$":
            m = _VARIABLE.match(code, i)
            if not m:
                return None
            names.append(m.group(1))
            i = m.end()
            continue
        elif depth == 0 and not c.isspace():
            return None  # `*`, FROM, or something unforeseen
        i += 1
    return None
