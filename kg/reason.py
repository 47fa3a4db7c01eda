"""OWL reasoning over a store with owlready2 and HermiT: inconsistencies and inferred types.

`ontology()` loads `ontology/kg.ttl` into a fresh owlready2 `World` for class and property
navigation (`onto.Threat.ancestors()`, `onto.source.domain`). `reason(store)` checks the store's
individuals against the ontology with HermiT (owlready2 runs it on the `java` found on PATH):

- What is loaded: the ontology, and of the union graph the `rdf:type` assertions and the
  object-property assertions (IRIs on both sides) of every individual typed in `kgo:`, except
  mentions and articles (they carry text only). Literal-valued triples are left out: HermiT's
  datatype map lacks xsd:date, and no axiom of ours derives a class from a literal. So
  data-property ranges are not checked.
- Partitioned: individuals are reasoned over in chunks of `chunk` (each with all its assertions,
  as subject and as object), one HermiT run a chunk; a chunk found inconsistent is split in
  halves until each inconsistent individual stands alone. `limit` caps the individuals looked
  at (a sample, reported as such).
- Each inconsistency names the individual, its asserted classes, the article graphs asserting
  each, and the sentences behind it (events it is source or target of, quotations it speaks,
  stances it holds).
- Inferred types (classes HermiT derives that no graph asserts, e.g. from a property's domain)
  can be written back as the named graph `kg.iri.inferred_graph_iri()`.

>>> onto = ontology()                                # doctest: +SKIP
>>> [c.name for c in onto.Threat.ancestors()][:3]    # doctest: +SKIP
"""
from __future__ import annotations

import shutil
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import iri
from kg.errors import KGError
from kg.store import Store
from kg.vocab import KGO, OWL, RDF

if TYPE_CHECKING:  # pragma: no cover
    import owlready2

__all__ = ["ontology", "reason", "Inconsistency", "ReasonReport", "write_inferred",
           "format_reason_report"]

_TYPE = ox.NamedNode(RDF + "type")
_INDIVIDUAL = ox.NamedNode(OWL + "NamedIndividual")
_SKIP_CLASSES = {KGO + "Mention", KGO + "Sentence", KGO + "Article"}


class ReasonerError(KGError):
    """The reasoner cannot run (no Java runtime) or failed on the data."""


@dataclass(slots=True)
class Inconsistency:
    """An individual HermiT finds inconsistent, with the facts and sentences behind it."""

    individual: str
    classes: list[str]
    asserted_in: dict[str, list[str]] = field(default_factory=dict)  # class -> article ids
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (article id, sentence)


@dataclass(slots=True)
class ReasonReport:
    """What one `reason` run found."""

    individuals: int = 0
    assertions: int = 0
    runs: int = 0
    sampled_from: int | None = None
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    inferred: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


def _ontology_ntriples(directory: Path | None = None) -> bytes:
    from kg.query import resource_dir

    path = (directory or resource_dir("ontology")) / "kg.ttl"
    try:
        return ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE),
                            format=ox.RdfFormat.N_TRIPLES)
    except (OSError, SyntaxError) as err:
        raise KGError(f"{path}: cannot read the ontology ({err}); restore it from the "
                      "repository") from err


def ontology(world: owlready2.World | None = None) -> owlready2.Ontology:
    """`ontology/kg.ttl` loaded into owlready2 (a fresh `World` unless one is given).

    >>> onto = ontology()
    >>> onto.Organisation in onto.GovernmentBody.ancestors()
    True
    """
    import owlready2

    world = world or owlready2.World()
    with tempfile.TemporaryDirectory(prefix="kg-onto-") as tmp:
        path = Path(tmp) / "kg.nt"
        path.write_bytes(_ontology_ntriples())
        onto = world.get_ontology(path.as_uri()).load()
    return onto


def _individuals(store: Store) -> dict[str, set[str]]:
    """The individuals of the union graph that are typed in `kgo:` or are the subject of a
    `kgo:` property with an IRI value (mentions and articles left out) -> asserted classes."""
    types: dict[str, set[str]] = defaultdict(set)
    focus: set[str] = set()
    for q in store.inner.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if not isinstance(q.subject, ox.NamedNode) or not isinstance(q.object, ox.NamedNode):
            continue
        if q.predicate == _TYPE:
            types[q.subject.value].add(q.object.value)
            if q.object.value.startswith(KGO):
                focus.add(q.subject.value)
        elif q.predicate.value.startswith(KGO):
            focus.add(q.subject.value)
    return {s: types.get(s, set()) for s in focus if not types.get(s, set()) & _SKIP_CLASSES}


def _chunk_triples(store: Store, focus: list[str]) -> list[ox.Triple]:
    """The IRI-valued triples with a focus individual as subject or object. The neighbours'
    own types are left out, so that an inconsistency is found in its own individual's chunk
    only (their domain and range still type them)."""
    out: set[ox.Triple] = set()
    for s in focus:
        node = ox.NamedNode(s)
        out.add(ox.Triple(node, _TYPE, _INDIVIDUAL))  # owlready2 sees untyped ones too
        for q in store.inner.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            if isinstance(q.object, ox.NamedNode):
                out.add(q.triple)
        for q in store.inner.quads_for_pattern(None, None, node, ox.DefaultGraph()):
            if isinstance(q.subject, ox.NamedNode) and q.predicate != _TYPE:
                out.add(q.triple)
    return sorted(out, key=str)


class _HermiT:
    """One owlready2 World per run: the ontology plus one chunk of assertions."""

    def __init__(self) -> None:
        if shutil.which("java") is None:
            raise ReasonerError("HermiT needs a Java runtime and `java` is not on PATH; install "
                                "one (Debian: apt-get install default-jre-headless)")
        self.tbox = _ontology_ntriples()
        self.runs = 0

    def run(self, triples: list[ox.Triple]) -> tuple[bool, dict[str, set[str]]]:
        """(consistent, individual -> classes after reasoning)."""
        import owlready2

        self.runs += 1
        world = owlready2.World()
        with tempfile.TemporaryDirectory(prefix="kg-reason-") as tmp:
            onto_path = Path(tmp) / "kg.nt"
            onto_path.write_bytes(self.tbox)
            onto = world.get_ontology(onto_path.as_uri()).load()
            data_path = Path(tmp) / "data.nt"
            data_path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            data = world.get_ontology(data_path.as_uri()).load()
            try:
                with onto:
                    owlready2.sync_reasoner_hermit([onto, data], infer_property_values=False,
                                                   debug=0, ignore_unsupported_datatypes=True)
            except owlready2.OwlReadyInconsistentOntologyError:
                world.close()
                return False, {}
            except owlready2.OwlReadyJavaError as err:
                world.close()
                raise ReasonerError(f"HermiT failed: {str(err).strip().splitlines()[-1]}") from err
            classes: dict[str, set[str]] = {}
            for ind in world.individuals():
                classes[ind.iri] = {c.iri for c in ind.is_a if hasattr(c, "iri")}
            world.close()
        return True, classes


def reason(store: Store, *, chunk: int = 2000, limit: int | None = None) -> ReasonReport:
    """Run HermiT over the store's individuals (see the module docstring)."""
    started = time.perf_counter()
    report = ReasonReport()
    types = _individuals(store)
    focus_all = sorted(types)
    if limit is not None and len(focus_all) > limit:
        report.sampled_from = len(focus_all)
        step = len(focus_all) / limit
        focus_all = [focus_all[int(i * step)] for i in range(limit)]
    report.individuals = len(focus_all)
    hermit = _HermiT()
    bad: list[str] = []

    def check(focus: list[str]) -> None:
        triples = _chunk_triples(store, focus)
        ok, classes = hermit.run(triples)
        if ok:
            report.assertions += len(triples)
            for s in focus:
                new = sorted(c for c in classes.get(s, set()) - types.get(s, set())
                             if c.startswith(KGO) and c != OWL + "Thing")
                if new:
                    report.inferred[s] = new
            return
        if len(focus) == 1:
            report.assertions += len(triples)
            bad.append(focus[0])
            return
        half = len(focus) // 2
        check(focus[:half])
        check(focus[half:])

    for i in range(0, len(focus_all), chunk):
        check(focus_all[i:i + chunk])
    report.inconsistencies = [_evidence(store, s, types[s]) for s in bad]
    report.runs = hermit.runs
    report.seconds = time.perf_counter() - started
    return report


_WHERE = """
SELECT DISTINCT ?cls ?article WHERE {
  GRAPH ?g { ?x a ?cls } ?art kgo:namedGraph ?g ; kgo:articleId ?article .
  FILTER(STRSTARTS(STR(?cls), STR(kgo:)))
} ORDER BY ?cls ?article
"""
_SENTENCES = """
SELECT DISTINCT ?article ?sentence WHERE {
  ?thing kgo:source|kgo:target|kgo:speaker|kgo:stanceHolder|kgo:holder ?x ;
         kgo:evidence ?m .
  ?m kgo:inSentence/kgo:sentenceText ?sentence ; kgo:inArticle/kgo:articleId ?article .
} ORDER BY ?article ?sentence LIMIT 6
"""


def _evidence(store: Store, individual: str, classes: set[str]) -> Inconsistency:
    node = ox.NamedNode(individual)
    where: dict[str, list[str]] = defaultdict(list)
    for r in _select_with(store, _WHERE, node):
        where[r["cls"]].append(r["article"])
    sentences = [(r["article"], r["sentence"]) for r in _select_with(store, _SENTENCES, node)]
    return Inconsistency(individual, sorted(classes), dict(where), sentences)


def _select_with(store: Store, sparql: str, node: ox.NamedNode) -> list[dict[str, Any]]:
    """Run `sparql` with ?x bound to `node` (a VALUES block: selective)."""
    return store.select(sparql, {"x": node})


def write_inferred(store: Store, report: ReasonReport) -> int:
    """Store the inferred types as the named graph `kg.iri.inferred_graph_iri()`; returns the
    number of triples."""
    graph = iri.inferred_graph_iri()
    quads = [ox.Quad(ox.NamedNode(s), _TYPE, ox.NamedNode(c), ox.NamedNode(graph))
             for s, classes in sorted(report.inferred.items()) for c in classes]
    return store.replace_graph(graph, quads)


def _short(value: str) -> str:
    for prefix, ns in (("kgo:", KGO), ("kgid:", iri.ID)):
        if value.startswith(ns):
            return prefix + value[len(ns):]
    return value


def format_reason_report(report: ReasonReport, limit: int | None = 50) -> str:
    """The report as text: a summary line, then each inconsistency with its evidence."""
    sample = (f" (a sample of {report.individuals} of {report.sampled_from} individuals)"
              if report.sampled_from else "")
    lines = [f"HermiT: {report.individuals} individuals, {report.assertions} assertions, "
             f"{report.runs} runs, {report.seconds:.1f} s{sample}: "
             + ("consistent" if report.consistent else
                f"{len(report.inconsistencies)} inconsistent individuals")
             + f"; {sum(map(len, report.inferred.values()))} inferred types"]
    for inc in report.inconsistencies[:limit]:
        lines.append(f"inconsistent: {_short(inc.individual)} is "
                     + " and ".join(_short(c) for c in inc.classes))
        for cls, articles in inc.asserted_in.items():
            lines.append(f"  {_short(cls)} asserted in {', '.join(articles[:5])}"
                         + (f" (+{len(articles) - 5})" if len(articles) > 5 else ""))
        for article, sentence in inc.sentences:
            lines.append(f"  [{article}] {sentence}")
    if limit is not None and len(report.inconsistencies) > limit:
        lines.append(f"... {len(report.inconsistencies) - limit} more (--limit 0 shows all)")
    return "\n".join(lines) + "\n"
