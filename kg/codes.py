"""The CAMEO and PLOVER code tables, and the SKOS schemes generated from them.

The tables are data files (`kg/data/cameo.csv`, `kg/data/plover.csv`); this module reads and
checks them, answers look-ups, and writes `ontology/cameo.ttl` and `ontology/plover.ttl`
(regenerate with `python -m kg.codes ontology/` after editing a table).

>>> lookup("138").name
'Threaten with military force'
>>> lookup("138").plover, root_of("138")
('THREATEN', '13')
>>> load_plover()["THREATEN"].quad_class
3
"""
from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from kg.datafiles import csv_rows, read_data
from kg.errors import DataFileError, KGError

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "CameoCode",
    "PloverType",
    "UnknownCodeError",
    "QUAD_CLASS_NAMES",
    "load_cameo",
    "load_plover",
    "read_cameo",
    "read_plover",
    "root_of",
    "parent_of",
    "lookup",
    "build_cameo_scheme",
    "build_plover_scheme",
    "write_schemes",
]

CAMEO_COLUMNS = ("code", "root", "name", "goldstein", "quad_class", "plover", "plover_mode")
PLOVER_COLUMNS = ("type", "quad_class", "modes", "definition")
#: quad class number -> name (GDELT and PLOVER use the same four classes)
QUAD_CLASS_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
_CODE = re.compile(r"[0-9]{2,4}")
_PLOVER_NAME = re.compile(r"[A-Z]+")
_MODE = re.compile(r"[a-z][a-z-]*")


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code: its root, short name, Goldstein score, quad class and PLOVER type.

    `plover` is None for codes PLOVER drops (roots 01 and 02); `plover_mode` is None when the
    code implies no particular mode.
    """

    code: str
    root: str
    name: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None

    @property
    def parent(self) -> str | None:
        """The code one level up (`"1384"` -> `"138"`, `"138"` -> `"13"`), None for a root."""
        return parent_of(self.code)


@dataclass(frozen=True, slots=True)
class PloverType:
    """One of the 16 PLOVER event types, with its quad class, modes and a short definition."""

    name: str
    quad_class: int
    modes: tuple[str, ...]
    definition: str


class UnknownCodeError(KGError, KeyError):
    """A CAMEO code that is not in the table (both a `KeyError` and a `kg.errors.KGError`)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _quad_class(value: str, where: str) -> int:
    if value not in {"1", "2", "3", "4"}:
        raise DataFileError(f"{where}: quad_class {value!r} is not one of 1, 2, 3, 4")
    return int(value)


def read_plover(text: str, origin: str = "plover.csv") -> dict[str, PloverType]:
    """Parse the PLOVER table from its csv text; `origin` names the file in error messages."""
    types: dict[str, PloverType] = {}
    for where, row in csv_rows(text, origin, PLOVER_COLUMNS):
        name = row["type"]
        if not _PLOVER_NAME.fullmatch(name):
            raise DataFileError(f"{where}: type {name!r} is not an upper-case PLOVER type name")
        if name in types:
            raise DataFileError(f"{where}: type {name} is listed twice; keep one row")
        modes = tuple(row["modes"].split())
        bad = [m for m in modes if not _MODE.fullmatch(m)]
        if bad:
            raise DataFileError(f"{where}: modes {bad} must be lower-case words or hyphenated")
        if not row["definition"]:
            raise DataFileError(f"{where}: type {name} has no definition")
        types[name] = PloverType(name, _quad_class(row["quad_class"], where), modes, row["definition"])
    return types


def read_cameo(
    text: str, plover: Mapping[str, PloverType], origin: str = "cameo.csv"
) -> dict[str, CameoCode]:
    """Parse and check the CAMEO table from its csv text against the PLOVER types.

    Every code has 2-4 digits and starts with its root; every non-root code's parent is in the
    table; Goldstein scores lie in [-10, 10]; PLOVER types and modes exist in `plover`.
    """
    codes: dict[str, CameoCode] = {}
    where_of: dict[str, str] = {}
    for where, row in csv_rows(text, origin, CAMEO_COLUMNS):
        code = row["code"]
        if not _CODE.fullmatch(code):
            raise DataFileError(f"{where}: code {code!r} is not a 2-4 digit CAMEO code")
        if code in codes:
            raise DataFileError(f"{where}: code {code} is listed twice ({where_of[code]})")
        if row["root"] != code[:2]:
            raise DataFileError(f"{where}: root {row['root']!r} of code {code} should be {code[:2]}")
        try:
            goldstein = float(row["goldstein"])
        except ValueError:
            raise DataFileError(
                f"{where}: goldstein {row['goldstein']!r} of code {code} is not a number"
            ) from None
        if not -10.0 <= goldstein <= 10.0:
            raise DataFileError(f"{where}: goldstein {goldstein} of code {code} is outside [-10, 10]")
        ptype = row["plover"] or None
        mode = row["plover_mode"] or None
        if ptype is not None and ptype not in plover:
            raise DataFileError(
                f"{where}: PLOVER type {ptype!r} of code {code} is unknown; use one of"
                f" {', '.join(plover)} or leave it empty"
            )
        if mode is not None and (ptype is None or mode not in plover[ptype].modes):
            allowed = ", ".join(plover[ptype].modes) if ptype else "none (no PLOVER type)"
            raise DataFileError(
                f"{where}: PLOVER mode {mode!r} of code {code} is not a mode of {ptype}; "
                f"allowed: {allowed or 'none'}"
            )
        if not row["name"]:
            raise DataFileError(f"{where}: code {code} has no name")
        codes[code] = CameoCode(
            code, code[:2], row["name"], goldstein, _quad_class(row["quad_class"], where), ptype, mode
        )
        where_of[code] = where
    for code, where in where_of.items():
        parent = parent_of(code)
        if parent is not None and parent not in codes:
            raise DataFileError(f"{where}: code {code} has no parent {parent} in the table; add it")
    return codes


@functools.lru_cache(maxsize=1)
def load_plover() -> Mapping[str, PloverType]:
    """The 16 PLOVER types from `kg/data/plover.csv`, by name (read once, then cached)."""
    return MappingProxyType(read_plover(read_data("plover.csv"), "kg/data/plover.csv"))


@functools.lru_cache(maxsize=1)
def load_cameo() -> Mapping[str, CameoCode]:
    """All CAMEO codes from `kg/data/cameo.csv`, by code (read once, then cached).

    >>> cameo = load_cameo()
    >>> cameo["13"].name, cameo["190"].quad_class
    ('Threaten', 4)
    """
    text = read_data("cameo.csv")
    return MappingProxyType(read_cameo(text, load_plover(), "kg/data/cameo.csv"))


def _check_format(code: str) -> str:
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise UnknownCodeError(f"{code!r} is not a CAMEO code: expected 2 to 4 digits, e.g. '138'")
    return code


def root_of(code: str) -> str:
    """The 2-digit root of a CAMEO code.

    >>> root_of("1384"), root_of("04")
    ('13', '04')
    """
    return _check_format(code)[:2]


def parent_of(code: str) -> str | None:
    """The code one level up, or None for a root.

    >>> parent_of("1384"), parent_of("138"), parent_of("13")
    ('138', '13', None)
    """
    return _check_format(code)[:-1] if len(code) > 2 else None


def lookup(code: str) -> CameoCode:
    """The `CameoCode` of `code`; raises `UnknownCodeError` (a `KeyError`) when it is not listed.

    >>> lookup("0874").goldstein
    10.0
    >>> try:
    ...     lookup("139 ")
    ... except KeyError as err:
    ...     print(err)
    '139 ' is not a CAMEO code: expected 2 to 4 digits, e.g. '138'
    """
    codes = load_cameo()
    _check_format(code)
    try:
        return codes[code]
    except KeyError:
        root = code[:2]
        hint = (
            f"root {root} is {codes[root].name!r}; pick one of its codes"
            if root in codes
            else f"root {root} does not exist; roots are 01-20"
        )
        raise UnknownCodeError(f"unknown CAMEO code {code!r}: not in kg/data/cameo.csv ({hint})") from None


# --- SKOS schemes --------------------------------------------------------------------------

def _graph() -> Graph:
    from rdflib import Graph

    from kg.vocab import PREFIXES

    g = Graph()
    for prefix in ("kgo", "cameo", "plover", "skos", "rdfs", "xsd", "dct", "owl"):
        g.bind(prefix, PREFIXES[prefix])
    return g


def build_plover_scheme(plover: Mapping[str, PloverType] | None = None) -> Graph:
    """The PLOVER types as a SKOS concept scheme (`plover:scheme`), as an rdflib Graph."""
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

    from kg.vocab import KGO, PLOVER

    plover = load_plover() if plover is None else plover
    kgo, pl = Namespace(KGO), Namespace(PLOVER)
    g = _graph()
    scheme = URIRef(PLOVER + "scheme")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("PLOVER event types", lang="en")))
    g.add((scheme, DCTERMS.source, URIRef("https://github.com/openeventdata/PLOVER")))
    g.add((scheme, SKOS.definition, Literal(
        "The 16 event types of PLOVER (Political Language Ontology for Verifiable Event"
        " Records, 2021), as used by kg.", lang="en")))
    for t in plover.values():
        c = pl[t.name]
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, scheme))
        g.add((c, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, c))
        g.add((c, SKOS.notation, Literal(t.name)))
        g.add((c, SKOS.prefLabel, Literal(t.name.capitalize(), lang="en")))
        g.add((c, SKOS.definition, Literal(t.definition, lang="en")))
        g.add((c, kgo.quadClass, Literal(t.quad_class, datatype=XSD.integer)))
        for mode in t.modes:
            g.add((c, kgo.ploverMode, Literal(mode)))
    return g


def build_cameo_scheme(cameo: Mapping[str, CameoCode] | None = None) -> Graph:
    """The CAMEO codes as a SKOS concept scheme (`cameo:scheme`), as an rdflib Graph.

    Each code is a `skos:Concept` with its notation, name, `skos:broader` parent, Goldstein
    score, quad class, and `kgo:ploverType`/`skos:closeMatch` to its PLOVER type.
    """
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

    from kg.vocab import CAMEO, KGO, PLOVER

    # Concepts are not typed owl:NamedIndividual: OWL tools accept them as individuals of the
    # declared class skos:Concept, and pyshacl would deep-copy every named individual of an
    # ont_graph (following skos:broader/hasTopConcept), which takes minutes on this scheme.
    cameo = load_cameo() if cameo is None else cameo
    kgo, cm, pl = Namespace(KGO), Namespace(CAMEO), Namespace(PLOVER)
    g = _graph()
    scheme = URIRef(CAMEO + "scheme")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("CAMEO event codes", lang="en")))
    g.add((scheme, DCTERMS.source, URIRef("http://eventdata.parusanalytics.com/data.dir/cameo.html")))
    g.add((scheme, SKOS.definition, Literal(
        "The event codes of CAMEO (Conflict and Mediation Event Observations), with GDELT's"
        " Goldstein scores and quad classes and the PLOVER type each code maps to.", lang="en")))
    for c in cameo.values():
        node = cm[c.code]
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        g.add((node, SKOS.notation, Literal(c.code)))
        g.add((node, SKOS.prefLabel, Literal(c.name, lang="en")))
        if c.parent is None:
            g.add((node, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))
        else:
            g.add((node, SKOS.broader, cm[c.parent]))
        g.add((node, kgo.goldstein, Literal(Decimal(f"{c.goldstein:.1f}"), datatype=XSD.decimal)))
        g.add((node, kgo.quadClass, Literal(c.quad_class, datatype=XSD.integer)))
        if c.plover is not None:
            g.add((node, kgo.ploverType, pl[c.plover]))
            g.add((node, SKOS.closeMatch, pl[c.plover]))
        if c.plover_mode is not None:
            g.add((node, kgo.ploverMode, Literal(c.plover_mode)))
    return g


_HEADER = (
    "# {title}\n"
    "# GENERATED by `python -m kg.codes ontology/` from kg/data/{source}; do not edit by hand.\n"
)


def write_schemes(directory: str | Path) -> tuple[Path, Path]:
    """Write `cameo.ttl` and `plover.ttl` into `directory`; return their paths."""
    out = Path(directory)
    if not out.is_dir():
        raise DataFileError(f"{out}: not a directory; create it or pass the ontology/ folder")
    written = []
    for name, title, source, graph in (
        ("cameo.ttl", "CAMEO event codes as a SKOS concept scheme.", "cameo.csv", build_cameo_scheme()),
        ("plover.ttl", "PLOVER event types as a SKOS concept scheme.", "plover.csv", build_plover_scheme()),
    ):
        path = out / name
        body = graph.serialize(format="longturtle")
        path.write_text(_HEADER.format(title=title, source=source) + body, encoding="utf-8")
        written.append(path)
    return written[0], written[1]


def main(argv: list[str] | None = None) -> int:
    """`python -m kg.codes DIRECTORY`: regenerate the SKOS schemes."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kg.codes DIRECTORY   (e.g. ontology/)", file=sys.stderr)
        return 2
    try:
        for path in write_schemes(args[0]):
            print(f"wrote {path}")
    except DataFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
