"""Saved SPARQL queries (`queries/*.rq`), parameter binding and result formatting.

A saved query is a `.rq` file whose opening comment block says what it answers:

    # Question: Which events does the store hold?
    # Columns: event, article, ...
    # Parameters: actor (actor, none) an actor IRI or label
    #   from (date, none) only events ending on or after this day

Several parameters may also share one line: `a (date, optional), b (IRI or label, optional)`.
Parameter types: `actor` (an IRI, or a label/alias resolved to the actor's IRI), `named` (an
IRI, or a label, alias or actor code: every node so named, case-insensitively; written
"IRI or label" in a header), `place` (the same with a state's ISO3 code instead of actor codes;
written "IRI, label or ISO3 code"), `iri`, `date` (xsd:date), `integer`, `decimal`, `string`
(or `text`), `modality` (a `kgo:Modality` local name), `auto` (any other description: an IRI
when it looks like one, else a string). Values are bound as RDF terms in a `VALUES` block at
the head of the query's WHERE group, or after each `# @parameters` comment line, with every
`# @if NAME: PATTERN` line switched on for a bound NAME (`kg.store.with_values`), never pasted
into the text; a
name that matches several nodes binds all of them, one that matches none binds none (no rows).
Parameter columns are left out of the result. A query runs at most `timeout` seconds
(`kg.store.DEFAULT_TIMEOUT` unless told).

Where queries live: the `queries/` directory next to the `kg` package (a checkout or an editable
install); in a built wheel, package data `kg/queries/` (see `queries_dir`).

>>> sorted(q.name for q in list_saved())[:2]
['actor_roles', 'actors']
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import IO, Any

import pyoxigraph as ox

from kg import names, ordering
from kg.errors import DataFileError, QueryError
from kg.sparqltext import check_query, projection, split_prologue
from kg.store import DEFAULT_TIMEOUT, Materialised, Store, to_python, with_values
from kg.vocab import KGO, PREFIXES

__all__ = [
    "Param",
    "SavedQuery",
    "Result",
    "PARAM_TYPES",
    "queries_dir",
    "resource_dir",
    "list_saved",
    "read_saved",
    "load_saved",
    "resolve_query",
    "to_saved",
    "bind_params",
    "resolve_actor",
    "run",
    "projection",
    "write_delimited",
    "format_table",
    "format_csv",
    "format_tsv",
    "format_json",
    "FORMATTERS",
    "refuse_update",
]

PARAM_TYPES = ("actor", "iri", "date", "integer", "decimal", "string", "modality", "auto")

_HEADER_KEY = re.compile(r"^#\s*(Question|Columns|Parameters)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\(([^()]*)\)\s*(.*)$")
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_LOOKS_IRI = re.compile(r"^(https?|urn|file):", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")


@dataclass(frozen=True, slots=True)
class Param:
    """A declared query parameter: `name (type, default) doc`; default None = unbound."""

    name: str
    type: str
    default: str | None = None
    doc: str = ""


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A SPARQL query with its header: the question it answers, its columns and parameters."""

    name: str
    path: Path | None
    text: str
    question: str = ""
    columns: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(slots=True)
class Result:
    """Query results: column names and rows of RDF terms (None = unbound)."""

    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> list[dict[str, Any]]:
        """The rows with python values (see `kg.store.to_python`)."""
        return [{c: to_python(r.get(c)) for c in self.columns} for r in self.rows]


# -- locating and reading saved queries ---------------------------------------------------------
def resource_dir(name: str) -> Path:
    """The repo-level directory `name` (`queries`, `ontology`): next to the `kg` package in a
    checkout or editable install, else package data `kg/<name>` of an installed wheel."""
    beside = Path(__file__).resolve().parent.parent / name
    if beside.is_dir():
        return beside
    from importlib import resources  # an installed wheel only: not at every start

    packaged = resources.files("kg") / name
    return Path(str(packaged))


def queries_dir() -> Path:
    """Where the saved queries are."""
    return resource_dir("queries")


def _parse_header(text: str, origin: str) -> tuple[str, tuple[str, ...], tuple[Param, ...]]:
    question, columns, params = "", [], []
    section = None
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        m = _HEADER_KEY.match(stripped)
        if m:
            section, body = m.group(1), m.group(2).strip()
        elif section and re.match(r"^#\s{2,}\S", stripped):
            body = stripped.lstrip("#").strip()  # a continuation line
        else:
            section = None
            continue
        if section == "Question":
            question = f"{question} {body}".strip()
        elif section == "Columns":
            columns += [c.strip() for c in body.split(",") if c.strip()]
        elif section == "Parameters" and body and body.lower() != "none":
            parsed = _parse_params(body)
            if not parsed:
                raise DataFileError(f"{origin}:{lineno}: bad parameter line {body!r}; write "
                                    "`name (type, default) description`")
            params += parsed
    return question, tuple(columns), tuple(params)


def _param_type(desc: str) -> str:
    words = desc.lower().replace(",", " ").split()
    first = words[0] if words else ""
    if "iso3" in words and "label" in words:
        return "place"
    if words[:3] == ["iri", "or", "label"]:
        return "named"
    if first == "text":
        return "string"
    if first in PARAM_TYPES and not (first == "iri" and len(words) > 1):
        return first
    return "auto"  # e.g. "IRI or label": an IRI when it looks like one, else a string


def _parse_params(body: str) -> list[Param]:
    """`a (type, default) description` or `a (type, default), b (type, default), ...`."""
    params: list[Param] = []
    rest = body
    while True:
        m = _PARAM.match(rest)
        if not m:
            return params
        name, inside, after = m.groups()
        desc, _, default = inside.rpartition(",") if "," in inside else (inside, "", "none")
        default = default.strip()
        none = default.lower() in ("none", "optional", "")
        after = after.strip()
        more = after.startswith(",")
        params.append(Param(name, _param_type(desc.strip()), None if none else default,
                            "" if more else after))
        if not more:
            return params
        rest = after[1:].strip()


def read_saved(path: Path) -> SavedQuery:
    """Read one `.rq` file with its header."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise QueryError(f"{path}: cannot read the query file: {err}") from err
    question, columns, params = _parse_header(text, str(path))
    return SavedQuery(path.stem, path, text, question, columns, params)


def list_saved() -> list[SavedQuery]:
    """Every saved query, sorted by name."""
    d = queries_dir()
    if not d.is_dir():
        return []
    return [read_saved(p) for p in sorted(d.glob("*.rq"))]


def load_saved(name: str) -> SavedQuery:
    """The saved query `name` (file stem); QueryError naming the available ones if unknown."""
    path = queries_dir() / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        names = [q.name for q in list_saved()]
        import difflib  # only to word an error

        close = difflib.get_close_matches(name, names, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise QueryError(f"no saved query named {name!r}{hint}; available: {', '.join(names)}")
    return read_saved(path)


def to_saved(arg: str | SavedQuery) -> SavedQuery:
    """A `.rq` path, a saved query's name, or inline SPARQL (anything with a space or brace)."""
    if isinstance(arg, SavedQuery):
        return arg
    if arg.endswith(".rq") or ("/" in arg and "{" not in arg):
        path = Path(arg)
        if not path.is_file():
            raise QueryError(f"{arg}: no such query file; give a .rq file, a saved query name "
                             "(see `kg query --list`) or SPARQL text")
        return read_saved(path)
    if re.fullmatch(r"[\w-]+", arg):
        return load_saved(arg)
    question, columns, params = _parse_header(arg, "<inline query>")
    return SavedQuery("<inline>", None, arg, question, columns, params)


def resolve_query(arg: str) -> str:
    """The SPARQL text for a `.rq` path, a saved query's name, or inline SPARQL."""
    return to_saved(arg).text


# -- parameters ---------------------------------------------------------------------------------
def resolve_actor(store: Store, value: str) -> ox.NamedNode:
    """An actor IRI from an IRI (`http…`, or `kgid:…`) or an exact label / alias.

    The label match is exact, then case-insensitive; QueryError with close labels if none, or
    with the candidates if several actors share the label.
    """
    value = value.strip()
    if _LOOKS_IRI.match(value):
        return ox.NamedNode(value)
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and " " not in value:
        return ox.NamedNode(PREFIXES[prefix] + local)
    exact = sorted({r["actor"] for r in store.select(_ACTOR_NAMED, {"want": value})})
    if not exact:
        exact = sorted({r["actor"] for r in store.select(_ACTOR_NAMED_ANY_CASE,
                                                         {"want": _name_value(value)})})
    if len(exact) == 1:
        return ox.NamedNode(exact[0])
    if len(exact) > 1:
        raise QueryError(f"{value!r} names several actors: {', '.join(exact)}; give the IRI")
    rows = store.select(_ACTOR_NAMES)
    names = sorted({r["name"] for r in rows})
    import difflib  # only to word an error

    close = difflib.get_close_matches(value, names, n=5, cutoff=0.6)
    close += [n for n in names if value.casefold() in n.casefold() and n not in close][:5]
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise QueryError(f"no actor labelled {value!r} in the store{hint}; "
                     "give an actor IRI or an exact label (see `kg actors`)")


#: the patterns by which a `named` / `place` parameter's value names a node (`kg.names`)
_NAME_PATHS = names.PATTERNS


def resolve_names(store: Store, value: str, kind: str = "named") -> list[ox.NamedNode]:
    """The nodes an IRI, label, alias or code names (`kind` "named": actor codes; "place":
    ISO3 country codes), sorted; an IRI stands for itself; no match is an empty list."""
    value = value.strip()
    if _LOOKS_IRI.match(value):
        return [ox.NamedNode(value)]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and " " not in value:
        return [ox.NamedNode(PREFIXES[prefix] + local)]
    # the store's name index when it has one (kept by the last writer: a lookup, not a scan)
    known = names.lookup(store, value, kind) if isinstance(store, Store) else None
    if known is not None:
        return [ox.NamedNode(v) for v in known]
    rows = store.select(
        f"SELECT DISTINCT ?x WHERE {{ {_NAME_PATHS[kind]} "
        "FILTER(isIRI(?x) && LCASE(STR(?n)) = LCASE(STR(?want))) }", {"want": _name_value(value)})
    return [ox.NamedNode(v) for v in sorted(r["x"] for r in rows)]


def _name_value(value: str) -> str | list[str]:
    """A name as the value of a DISTINCT lookup that compares it through string functions: a
    name with non-ASCII letters is bound twice (two rows of its VALUES block, which DISTINCT
    makes one), because Virtuoso 7.2 mangles such a string bound by a one-row block (`LCASE`
    of "Erdoğan" gave "erdo?an", so no label matched) and compares it right from two rows."""
    return value if value.isascii() else [value, value]


_ACTOR_NAMES = """
SELECT DISTINCT ?actor ?name WHERE {
  ?actor rdfs:label|skos:altLabel ?name . FILTER EXISTS { ?actor kgo:mentionedIn ?article }
}
"""
#: an actor (a node mentioned in an article) by an exact label or alias: from the name, so the
#: store's size does not matter (all names were read before: 3 s on 10 M triples)
_ACTOR_NAMED = """
SELECT DISTINCT ?actor WHERE {
  ?actor rdfs:label|skos:altLabel ?want . FILTER EXISTS { ?actor kgo:mentionedIn ?article }
}
"""
_ACTOR_NAMED_ANY_CASE = """
SELECT DISTINCT ?actor WHERE {
  ?actor rdfs:label|skos:altLabel ?name .
  FILTER(LCASE(STR(?name)) = LCASE(STR(?want)) && EXISTS { ?actor kgo:mentionedIn ?article })
}
"""


def _convert(store: Store | None, name: str, ptype: str, value: str
             ) -> ox.NamedNode | ox.Literal | list[ox.NamedNode]:
    xsd = PREFIXES["xsd"]
    try:
        if ptype in _NAME_PATHS:
            if store is None:
                if _LOOKS_IRI.match(value):
                    return [ox.NamedNode(value)]
                raise QueryError(f"parameter {name}: resolving a name needs a store")
            return resolve_names(store, value, ptype)
        if ptype == "actor":
            if store is None:
                raise QueryError(f"parameter {name}: resolving an actor label needs a store")
            return resolve_actor(store, value)
        if ptype == "iri":
            if not _LOOKS_IRI.match(value):
                p, _, local = value.partition(":")
                if p not in PREFIXES:
                    raise ValueError("not an IRI")
                value = PREFIXES[p] + local
            return ox.NamedNode(value)
        if ptype == "date":
            return ox.Literal(dt.date.fromisoformat(value).isoformat(),
                              datatype=ox.NamedNode(xsd + "date"))
        if ptype == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(xsd + "integer"))
        if ptype == "decimal":
            return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(xsd + "decimal"))
        if ptype == "auto":
            return ox.NamedNode(value) if _LOOKS_IRI.match(value) else ox.Literal(value)
        if ptype == "modality":
            value = value.removeprefix(KGO)
            from kg.types import MODALITIES  # not at import: kg.types takes 16 ms
            if value not in MODALITIES:
                raise QueryError(f"parameter {name}: unknown modality {value!r}; "
                                 f"valid: {', '.join(MODALITIES)}")
            return ox.NamedNode(KGO + value)
        return ox.Literal(value)
    except (ValueError, InvalidOperation) as err:
        raise QueryError(f"parameter {name}: {value!r} is not a valid {ptype}") from err


def _guess(store: Store | None, name: str, value: str) -> ox.NamedNode | ox.Literal:
    """Type of an undeclared parameter from its look: IRI, date, integer, decimal, string."""
    if _LOOKS_IRI.match(value):
        return ox.NamedNode(value)
    if _DATE.match(value):
        return _convert(store, name, "date", value)
    if _INTEGER.match(value):
        return _convert(store, name, "integer", value)
    if _DECIMAL.match(value):
        return _convert(store, name, "decimal", value)
    return ox.Literal(value)


def bind_params(query: SavedQuery, params: dict[str, str], store: Store | None = None
                ) -> dict[str, ox.NamedNode | ox.Literal | list[ox.NamedNode]]:
    """RDF terms for `params` (name -> text) and the query's defaults.

    A saved query accepts only its declared parameters (QueryError listing them otherwise);
    an inline query without a header accepts any variable it mentions, typed by look.
    """
    declared = {p.name: p for p in query.params}
    known = set(declared) if declared else set(_VARIABLE.findall(query.text))
    bound: dict[str, ox.NamedNode | ox.Literal | list[ox.NamedNode]] = {}
    for name, value in params.items():
        if name not in known:
            listing = ", ".join(f"{p.name} ({p.type})" for p in query.params) or "none"
            raise QueryError(f"query {query.name} has no parameter {name!r}; "
                             f"its parameters: {listing}")
        p = declared.get(name)
        bound[name] = _convert(store, name, p.type, value) if p else _guess(store, name, value)
    for p in query.params:
        if p.name not in bound and p.default is not None:
            bound[p.name] = _convert(store, p.name, p.type, p.default)
    return bound


def run(store: Store, query: SavedQuery | str, params: dict[str, str] | None = None, *,
        timeout: float | None = DEFAULT_TIMEOUT) -> Result:
    """Run a saved query (or a name, path, inline SPARQL) with parameters given as text.

    QueryTimeout if it runs longer than `timeout` seconds (None or 0: no limit)."""
    q = to_saved(query)
    check_query(q.text)  # before parsing: deep nesting would crash the parser
    bindings = bind_params(q, params or {}, store)
    if isinstance(store, Store):
        result = store.query(q.text, bindings, timeout=timeout or None)
    else:  # a remote endpoint: its own HTTP time limit applies
        result = store.query(q.text, bindings)
    hidden = _hidden(q, bindings)
    kind = (result.kind if isinstance(result, Materialised)
            else "select" if isinstance(result, ox.QuerySolutions)
            else "ask" if isinstance(result, ox.QueryBoolean) else "construct")
    if kind == "select":
        names = [v.value for v in result.variables]
        columns = [n for n in names if n not in hidden]
        return Result(columns, [{c: sol[c] for c in columns} for sol in result])
    if kind == "ask":
        return Result(["ask"], [{"ask": ox.Literal(bool(result))}])
    return Result(["subject", "predicate", "object"],
                  [{"subject": t.subject, "predicate": t.predicate, "object": t.object}
                   for t in result])


def _hidden(q: SavedQuery, bindings: Mapping[str, object]) -> set[str]:
    """The result columns left out: parameters (declared or bound) that are not declared
    columns (`events` both takes and shows `modality`)."""
    return ({p.name for p in q.params} | set(bindings)) - set(q.columns)


# -- streaming: the engine writes the rows -------------------------------------------------------
def _unix_lines(csv_bytes: bytes) -> bytes:
    """The engine's CSV with LF instead of CRLF after each row; a CRLF inside a quoted value
    stays (outside quotes is where the count of `"` before it is even)."""
    if b'"' not in csv_bytes:
        return csv_bytes.replace(b"\r\n", b"\n")
    parts = csv_bytes.split(b'"')
    parts[::2] = [p.replace(b"\r\n", b"\n") for p in parts[::2]]
    return b'"'.join(parts)


def write_delimited(store: Store, query: SavedQuery | str, params: dict[str, str] | None,
                    out: IO[bytes], fmt: str = "csv", *,
                    timeout: float | None = DEFAULT_TIMEOUT) -> bool:
    """Write a SELECT query's rows to `out` as CSV or TSV, the values written by the engine
    (no Python object per value: 670 k rows of `events` in a fraction of `run`'s time).
    Same output as `format_csv` / `format_tsv` of `run`'s result: a header of the columns
    (parameters not declared as columns left out), IRIs in full, literals as their lexical
    form, unbound values empty, one LF-ended line per row (quoted where CSV needs it).

    False, writing nothing, when the query is not a SELECT with a listed projection or `store`
    is a remote endpoint: use `run` and `FORMATTERS` then. QueryTimeout as `run`.
    """
    if fmt not in ("csv", "tsv"):
        raise QueryError(f"unknown delimited format {fmt!r}; valid: csv, tsv")
    q = to_saved(query)
    check_query(q.text)
    if not isinstance(store, Store):
        return False
    names = projection(q.text)
    if names is None:
        return False
    bindings = bind_params(q, params or {}, store)
    hidden = _hidden(q, bindings)
    text = q.text
    if hidden & set(names):
        # project the shown columns around the query (its order kept: the engine streams the
        # inner solutions through the outer projection)
        prologue, body = split_prologue(with_values(q.text, bindings))
        shown = [n for n in names if n not in hidden]
        # its ORDER BY moved outside, where the store can apply it (kg.ordering)
        plan = ordering.split_order(body)
        order = ""
        if plan is not None and all(name in shown for name, _ in plan.keys):
            body, order = plan.text, plan.modifiers()
        text = f"{prologue}SELECT {' '.join('?' + n for n in shown)} WHERE {{ {{\n{body}\n}} }}"
        text, bindings = f"{text} {order}" if order else text, {}
    data = _unix_lines(store.select_csv(text, bindings, timeout=timeout or None))
    if fmt == "tsv":
        rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        buf = io.StringIO()
        csv.writer(buf, delimiter="\t", lineterminator="\n").writerows(rows)
        data = buf.getvalue().encode("utf-8")
    out.write(data)
    return True


@dataclass(frozen=True)
class Warmed:
    """One saved query's answer computed by `warm`: its rows, the seconds each form took
    (the rows of `run`, the CSV of `write_delimited`), or the error that stopped it."""
    name: str
    rows: int = 0
    seconds: tuple[float, ...] = ()
    error: str = ""


def warm(store: Store, names: list[str] | None = None, *,
         timeout: float | None = DEFAULT_TIMEOUT) -> Iterator[Warmed]:
    """Compute the answer of each saved query (all, or `names`) without parameters, in both
    forms kg reads (the rows `run` and `kg events` read, the CSV `kg query --format csv|tsv`
    writes), so that the store's result cache (`kg.results`) holds those that are slow: after a
    build of a big store, their first run reads them. Yields one `Warmed` per query; a query
    that fails or times out is reported, not raised, and the others go on."""
    import time

    for q in ([load_saved(n) for n in names] if names else list_saved()):
        started, seconds = time.monotonic(), []
        try:
            check_query(q.text)
            # the rows as `run` asks for them (same text and bindings), counted, not kept
            rows = sum(1 for _ in store.query(q.text, bind_params(q, {}, store),
                                              timeout=timeout))
            seconds.append(time.monotonic() - started)
            write_delimited(store, q, {}, io.BytesIO(), "csv", timeout=timeout)
            seconds.append(time.monotonic() - started - seconds[0])
        except QueryError as err:  # QueryTimeout too
            yield Warmed(q.name, error=str(err))
            continue
        yield Warmed(q.name, rows, tuple(seconds))


# -- formatting ---------------------------------------------------------------------------------
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def _compact(term: Any) -> str:
    """A term as SPARQL can read it back: `prefix:local` when that is a valid prefixed name
    (`kgo:Threat`, `cameo:138`), else the full `<IRI>` (`<https://w3id.org/kg-news/id/actor/x>`:
    a `/` is not allowed in a prefixed name)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = max((ns for ns in PREFIXES.values() if term.value.startswith(ns)), key=len,
                   default=None)
        if best is not None and _PN_LOCAL.match(term.value[len(best):]):
            prefix = next(p for p, ns in PREFIXES.items() if ns == best)
            return f"{prefix}:{term.value[len(best):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _plain(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def format_table(result: Result, max_width: int = 60) -> str:
    """An aligned text table; IRIs as SPARQL reads them (prefixed where valid, else `<...>`, never
    cut, so they can be pasted back into a query), long literals cut at `max_width`."""
    terms = [[r.get(c) for c in result.columns] for r in result.rows]
    cells = [[_compact(t) if isinstance(t, ox.NamedNode) or len(_compact(t)) <= max_width
              else _compact(t)[: max_width - 1] + "…" for t in row] for row in terms]
    cells = [[v.replace("\n", " ") for v in row] for row in cells]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _delimited(result: Result, delimiter: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(result.columns)
    for r in result.rows:
        writer.writerow([_plain(r.get(c)) for c in result.columns])
    return buf.getvalue()


def format_csv(result: Result) -> str:
    """CSV with a header row; IRIs in full, literals as their lexical form."""
    return _delimited(result, ",")


def format_tsv(result: Result) -> str:
    """Tab-separated values with a header row."""
    return _delimited(result, "\t")


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def format_json(result: Result) -> str:
    """A JSON list of rows, each an object with every column (null when unbound); numbers and
    booleans native, IRIs and dates as strings."""
    rows = [{c: _json_value(v) for c, v in row.items()} for row in result.values()]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
                     re.IGNORECASE)


def refuse_update(text: str) -> None:
    """QueryError when `text` is a SPARQL update (INSERT DATA, DELETE ...): queries are read-only.

    >>> refuse_update("SELECT * { ?s ?p ?o }")
    >>> refuse_update("PREFIX x: <urn:x:> INSERT DATA { x:a x:b x:c }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: this is a SPARQL update (INSERT); queries here are read-only: add articles with `kg build`, remove them with `kg remove`
    """
    found = _UPDATE.match(split_prologue(text)[1])
    if found:
        raise QueryError(f"this is a SPARQL update ({found.group(1).upper()}); queries here are "
                         "read-only: add articles with `kg build`, remove them with `kg remove`")


FORMATTERS = {"table": format_table, "csv": format_csv, "tsv": format_tsv, "json": format_json}
