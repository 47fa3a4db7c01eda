"""SHACL validation of a store: `ontology/shapes.ttl` over the union of the article graphs.

The ontology (`ontology/kg.ttl`) and the code schemes (`cameo.ttl`, `plover.ttl`) are mixed into
the data graph, so that the shapes' target classes reach their subclasses (a `kgo:Threat` is
checked as a `kgo:Event`) and codes are found in their schemes. This is what pySHACL's
`ont_graph` does, done here by a plain graph union: pySHACL's own mixing clones node by node
and takes minutes on the 4,000 triples of the code schemes. Results are grouped by the node shape they come
from; `format_report` prints one per line.

pySHACL evaluates a SPARQL-based constraint (`sh:sparql`) once per focus node, parsing the query
each time: on the 7,900 events of the VOA corpus that took over a quarter of an hour. Without
inference, `validate_graph` therefore hands pySHACL the core constraints only and evaluates each
SPARQL constraint itself, once for all focus nodes, in an in-memory Oxigraph store: the
constraint's SELECT as a sub-query joined with the shape's targets, which gives the same
solutions as pre-binding `$this` node by node for constraints that group by `$this` (all of
ours; `tests/test_validate.py` compares both on broken graphs).

>>> report = validate_store(store)                  # doctest: +SKIP
>>> report.conforms, report.counts()                # doctest: +SKIP
(True, {'Violation': 0, 'Warning': 0, 'Info': 0})
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import DataFileError
from kg.store import Store
from kg.vocab import PREFIXES

__all__ = [
    "Violation",
    "ValidationReport",
    "ontology_dir",
    "read_shapes",
    "read_ontology",
    "store_graph",
    "validate_graph",
    "validate_store",
    "format_report",
    "SEVERITIES",
]

SEVERITIES = ("Violation", "Warning", "Info")
ONTOLOGY_FILES = ("kg.ttl", "cameo.ttl", "plover.ttl")
_SHAPE_PREFIXES = {**PREFIXES, "kgsh": "https://w3id.org/kg-news/shapes#",
                   "sh": str(SH)}


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: the node shape it belongs to, the focus node, the property path
    (None for node-level constraints), the message, the severity and the offending value."""

    shape: str
    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None
    component: str = ""


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome: `conforms` is False when any result has severity Violation."""

    results: tuple[Violation, ...]
    triples: int
    shapes: int

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        """Number of results per severity."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            counts[r.severity] = counts.get(r.severity, 0) + 1
        return counts

    def by_shape(self) -> dict[str, list[Violation]]:
        """The results grouped by node shape, shapes in name order."""
        groups: dict[str, list[Violation]] = defaultdict(list)
        for r in sorted(self.results, key=lambda r: (r.shape, r.focus, r.path or "", r.message)):
            groups[r.shape].append(r)
        return dict(groups)


def ontology_dir() -> Path:
    """The `ontology/` directory (beside the package, or packaged data)."""
    from kg.query import resource_dir

    return resource_dir("ontology")


def _parse(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError as err:
        raise DataFileError(f"{path}: missing; the ontology directory is incomplete") from err
    except Exception as err:  # rdflib raises many parser exception types; re-raised as ours
        raise DataFileError(f"{path}: not valid Turtle: {err}; fix the file") from err
    return graph


def read_shapes(path: Path | None = None) -> rdflib.Graph:
    """The SHACL shapes graph (default `ontology/shapes.ttl`)."""
    return _parse(path or ontology_dir() / "shapes.ttl")


def read_ontology(directory: Path | None = None) -> rdflib.Graph:
    """The ontology and the CAMEO/PLOVER schemes as one graph."""
    directory = directory or ontology_dir()
    graph = rdflib.Graph()
    for name in ONTOLOGY_FILES:
        graph += _parse(directory / name)
    return graph


def store_graph(store: Store) -> rdflib.Graph:
    """The union of the store's graphs as one rdflib Graph (each triple once)."""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def _compact(term: rdflib.term.Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        text = str(term)
        best = max((p for p in _SHAPE_PREFIXES.items() if text.startswith(p[1])),
                   key=lambda p: len(p[1]), default=None)
        return f"{best[0]}:{text[len(best[1]):]}" if best else f"<{text}>"
    if isinstance(term, rdflib.Literal):
        return repr(str(term)) if len(str(term)) <= 60 else repr(str(term)[:57] + "...")
    return f"_:{term}"


def _path_text(shapes: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return _compact(path)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_text(shapes, inverse) or "?")
    items = list(rdflib.collection.Collection(shapes, path)) if shapes.value(path, RDF.first) else []
    if items:
        return "/".join(_path_text(shapes, i) or "?" for i in items)
    return "(complex path)"


def _node_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """The name of the node shape a (possibly blank) property shape belongs to."""
    seen = set()
    while isinstance(shape, rdflib.BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(None, SH.property, shape) or shapes.value(None, SH.sparql, shape)
        if parent is None:
            break
        shape = parent
    return _compact(shape) or "?"


def _results(report: rdflib.Graph, shapes: rdflib.Graph) -> Iterable[Violation]:
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        component = report.value(result, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        component_name = str(component).rsplit("#", 1)[-1] if component else ""
        yield Violation(
            shape=_node_shape(shapes, source) if source is not None else "?",
            focus=_compact(report.value(result, SH.focusNode)) or "?",
            path=_path_text(report, report.value(result, SH.resultPath)),
            message=messages[0] if messages else component_name,
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            value=_compact(report.value(result, SH.value)),
            component=component_name,
        )


def validate_graph(data: rdflib.Graph, *, shapes: rdflib.Graph | None = None,
                   ontology: rdflib.Graph | None = None, inference: str = "none"
                   ) -> ValidationReport:
    """Validate `data` against `shapes` (default ontology/shapes.ttl) with `ontology`
    (default kg.ttl + the code schemes) mixed in; `inference` is pySHACL's ("none", "rdfs")."""
    import pyshacl

    shapes = shapes if shapes is not None else read_shapes()
    ontology = ontology if ontology is not None else read_ontology()
    combined = rdflib.Graph()
    combined += data
    combined += ontology
    n_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape)))
    sparql_results: list[Violation] = []
    core = shapes
    if inference == "none" and (None, SH.sparql, None) in shapes:
        sparql_results = list(_sparql_results(combined, shapes))
        core = rdflib.Graph()
        core += shapes
        core.remove((None, SH.sparql, None))
    _conforms, report, _text = pyshacl.validate(
        combined, shacl_graph=core, inference=inference, advanced=True,
        allow_warnings=True, abort_on_first=False)
    results = tuple(_results(report, shapes)) + tuple(sparql_results)
    return ValidationReport(results, len(data), n_shapes)


_MESSAGE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _prologue(shapes: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    """PREFIX lines of the `sh:declare`s of the constraint's `sh:prefixes` ontologies."""
    lines = []
    for ontology in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(ontology, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines)


def _target_patterns(shapes: rdflib.Graph, shape: rdflib.term.Node) -> list[str]:
    """One SPARQL pattern binding ?this per target of a node shape (classes and nodes)."""
    patterns = [f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{c}> ."
                for c in shapes.objects(shape, SH.targetClass)]
    patterns += [f"VALUES ?this {{ <{n}> }}" for n in shapes.objects(shape, SH.targetNode)]
    patterns += [f"?this <{p}> ?kg_target_object ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"?kg_target_subject <{p}> ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    return patterns


def _ox_term(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> rdflib.term.Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value),
                              lang=term.language)
    return rdflib.BNode(term.value)


def _sparql_results(data: rdflib.Graph, shapes: rdflib.Graph) -> Iterable[Violation]:
    """The results of every active `sh:SPARQLConstraint` of `shapes` over `data`, each
    constraint run once (see the module docstring)."""
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if shapes.value(constraint, SH.deactivated) == rdflib.Literal(True):
            continue
        select = shapes.value(constraint, SH.select)
        targets = _target_patterns(shapes, shape)
        if select is None or not targets:
            continue
        severity = shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
        messages = [str(m) for m in shapes.objects(constraint, SH.message)]
        query = (f"{_prologue(shapes, constraint)}\nSELECT * WHERE {{\n"
                 + " UNION ".join(f"{{ {t} }}" for t in targets)
                 + f"\n{{ {select} }}\n}}")
        try:
            solutions = store.query(query)
        except SyntaxError as err:
            raise DataFileError(f"shapes: the sh:select of {_node_shape(shapes, shape)} is not "
                                f"valid SPARQL: {err}; fix the shapes file") from err
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {name: _ox_term(solution[name]) for name in names}
            if row.get("failure") == rdflib.Literal(True):
                continue

            def fill(match: re.Match[str], row: dict = row) -> str:
                value = row.get(match.group(1))
                return str(value) if value is not None else match.group(0)

            text = sorted(_MESSAGE_VAR.sub(fill, m) for m in messages)
            path = row.get("path")
            yield Violation(
                shape=_node_shape(shapes, shape),
                focus=_compact(row.get("this")) or "?",
                path=_compact(path) if path is not None else None,
                message=text[0] if text else "SPARQLConstraintComponent",
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=_compact(row.get("value")) if row.get("value") is not None else None,
                component="SPARQLConstraintComponent",
            )


def validate_store(store: Store, **options: object) -> ValidationReport:
    """Validate the union graph of `store` (see `validate_graph` for the options)."""
    return validate_graph(store_graph(store), **options)  # type: ignore[arg-type]


def format_report(report: ValidationReport, limit: int | None = None) -> str:
    """The results one per line, grouped by node shape (at most `limit` per shape), then a
    summary line."""
    lines: list[str] = []
    for shape, results in report.by_shape().items():
        counts = defaultdict(int)
        for r in results:
            counts[r.severity] += 1
        summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
        lines.append(f"{shape} ({summary})")
        shown = results if limit is None else results[:limit]
        for r in shown:
            path = r.path or "-"
            value = f" [value {r.value}]" if r.value and r.value != r.focus else ""
            lines.append(f"  {r.severity:<9} {r.focus}  {path}  {r.message}{value}")
        if len(shown) < len(results):
            lines.append(f"  ... and {len(results) - len(shown)} more")
    c = report.counts()
    verdict = "conforms" if report.conforms else "does NOT conform"
    lines.append(f"{verdict}: {c['Violation']} violations, {c['Warning']} warnings, "
                 f"{c['Info']} infos; {report.triples} triples checked against "
                 f"{report.shapes} shapes")
    return "\n".join(lines) + "\n"
