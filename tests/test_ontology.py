"""The ontology (ontology/kg.ttl), the generated code schemes and the SHACL shapes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.compare import isomorphic

from kg import codes, vocab

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
KGO = rdflib.Namespace(vocab.KGO)
KGID = rdflib.Namespace(vocab.ID)
DECLARED_AS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def _iri(curie: str) -> URIRef:
    return URIRef(vocab.expand(curie))


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "kg.ttl")


@pytest.fixture(scope="module")
def onto_and_schemes() -> rdflib.Graph:
    g = rdflib.Graph()
    for name in ("kg.ttl", "cameo.ttl", "plover.ttl"):
        g.parse(ONTOLOGY / name)
    return g


# --- (a), (b): the ontology declares every term kg writes -----------------------------------

def test_ontology_header(onto: rdflib.Graph) -> None:
    head = URIRef("https://w3id.org/kg-news/ontology")
    assert (head, RDF.type, OWL.Ontology) in onto
    assert onto.value(head, OWL.versionInfo) is not None
    assert onto.value(head, RDFS.label) is not None


@pytest.mark.parametrize("curie", sorted(set(vocab.CLASSES)))
def test_every_class_is_declared(onto: rdflib.Graph, curie: str) -> None:
    assert (_iri(curie), RDF.type, OWL.Class) in onto, f"{curie} is not declared as owl:Class"


@pytest.mark.parametrize("curie", sorted(set(vocab.PROPERTIES)))
def test_every_property_is_declared(onto: rdflib.Graph, curie: str) -> None:
    kinds = set(onto.objects(_iri(curie), RDF.type)) & set(DECLARED_AS[1:])
    assert len(kinds) == 1, f"{curie} must be declared as exactly one kind of property: {kinds}"


def test_kgo_terms_have_labels_and_comments(onto: rdflib.Graph) -> None:
    kgo_terms = {
        s for s, o in onto.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(s).startswith(vocab.KGO)
        and o in (*DECLARED_AS, OWL.NamedIndividual)
    }
    assert _iri("kgo:Threat") in kgo_terms
    unlabelled = sorted(str(t) for t in kgo_terms if onto.value(t, RDFS.label) is None)
    uncommented = sorted(str(t) for t in kgo_terms if onto.value(t, RDFS.comment) is None)
    assert unlabelled == [] and uncommented == []


def _superclasses(g: rdflib.Graph, cls: URIRef) -> set[URIRef]:
    return set(g.transitive_objects(cls, RDFS.subClassOf)) - {cls}


@pytest.mark.parametrize("name", [c for c in vocab.EVENT_CLASSES if c != "Event"])
def test_event_classes_are_events(onto: rdflib.Graph, name: str) -> None:
    assert KGO.Event in _superclasses(onto, KGO[name])


def test_event_hierarchy_follows_meaning(onto: rdflib.Graph) -> None:
    assert {KGO.Attack, KGO.Assault} <= _superclasses(onto, KGO.Strike)
    assert KGO.Assault in _superclasses(onto, KGO.Bombing)
    assert KGO.MilitaryOperation in _superclasses(onto, KGO.Offensive)
    assert KGO.Coercion in _superclasses(onto, KGO.Arrest)
    assert KGO.Coercion in _superclasses(onto, KGO.Capture)
    assert {KGO.Threat, KGO.VerbalConflictEvent} <= _superclasses(onto, KGO.Ultimatum)
    assert KGO.Request in _superclasses(onto, KGO.Directive)
    assert _iri("sem:Event") in _superclasses(onto, KGO.Threat)
    assert KGO.Assault not in _superclasses(onto, KGO.Threat)


def test_standard_vocabularies_are_reused(onto: rdflib.Graph) -> None:
    assert {_iri("sem:Actor"), _iri("prov:Agent")} <= _superclasses(onto, KGO.Actor)
    assert {KGO.Actor, _iri("schema:Country")} <= _superclasses(onto, KGO.State)
    assert _iri("schema:Person") in _superclasses(onto, KGO.Person)
    assert _iri("org:Organization") in _superclasses(onto, KGO.GovernmentBody)
    assert _iri("prov:Entity") in _superclasses(onto, KGO.Mention)
    assert _iri("schema:NewsArticle") in _superclasses(onto, KGO.Article)
    for prop in (KGO.source, KGO.target):
        assert (prop, RDFS.subPropertyOf, _iri("sem:hasActor")) in onto
    assert (KGO.evidence, RDFS.subPropertyOf, _iri("prov:wasDerivedFrom")) in onto
    assert (KGO.target, RDFS.range, KGO.Actor) in onto
    assert (KGO.Person, OWL.disjointWith, KGO.Organisation) in onto


def test_actor_and_stance_classes(onto: rdflib.Graph) -> None:
    for name in vocab.ACTOR_CLASS.values():
        assert KGO.Actor in _superclasses(onto, KGO[name]), name
    for name in vocab.STANCE_CLASS.values():
        assert KGO.Stance in _superclasses(onto, KGO[name]), name


def test_modality_individuals_are_pairwise_different(onto: rdflib.Graph) -> None:
    wanted = {KGO[m] for m in vocab.MODALITY_INDIVIDUALS}
    assert wanted == set(onto.subjects(RDF.type, KGO.Modality))
    members = [
        set(rdflib.collection.Collection(onto, lst))
        for node in onto.subjects(RDF.type, OWL.AllDifferent)
        for lst in onto.objects(node, OWL.distinctMembers)
    ]
    assert wanted in members


def test_event_classes_link_to_existing_codes(onto: rdflib.Graph) -> None:
    cameo, plover = codes.load_cameo(), codes.load_plover()
    assert onto.value(KGO.Threat, KGO.cameoConcept) == URIRef(vocab.CAMEO + "13")
    for cls, concept in onto.subject_objects(KGO.cameoConcept):
        assert str(concept).removeprefix(vocab.CAMEO) in cameo, (cls, concept)
    for cls, concept in onto.subject_objects(KGO.ploverConcept):
        assert str(concept).removeprefix(vocab.PLOVER) in plover, (cls, concept)
    # a class's PLOVER concept agrees with the table's mapping of its CAMEO concept
    for cls, concept in onto.subject_objects(KGO.ploverConcept):
        code = onto.value(cls, KGO.cameoConcept)
        if code is not None:
            mapped = cameo[str(code).removeprefix(vocab.CAMEO)].plover
            assert mapped == str(concept).removeprefix(vocab.PLOVER), cls


# --- the SKOS schemes are in sync with the csv tables ----------------------------------------

@pytest.mark.parametrize(
    ("name", "build"),
    [("cameo.ttl", codes.build_cameo_scheme), ("plover.ttl", codes.build_plover_scheme)],
)
def test_checked_in_schemes_match_the_tables(name: str, build) -> None:  # type: ignore[no-untyped-def]
    on_disk = rdflib.Graph().parse(ONTOLOGY / name)
    assert isomorphic(on_disk, build()), f"ontology/{name} is stale: run python -m kg.codes ontology/"


def test_write_schemes_round_trips(tmp_path: Path) -> None:
    cameo_path, plover_path = codes.write_schemes(tmp_path)
    cameo = rdflib.Graph().parse(cameo_path)
    c138 = URIRef(vocab.CAMEO + "138")
    assert (c138, SKOS.broader, URIRef(vocab.CAMEO + "13")) in cameo
    assert (c138, KGO.ploverType, URIRef(vocab.PLOVER + "THREATEN")) in cameo
    assert cameo.value(c138, KGO.goldstein) == Literal("-7.0", datatype=rdflib.XSD.decimal)
    plover = rdflib.Graph().parse(plover_path)
    assert len(set(plover.subjects(RDF.type, SKOS.Concept))) == len(codes.load_plover())


# --- (c), (d): owlready2 and HermiT ----------------------------------------------------------

def _load_world(graph: rdflib.Graph, tmp_path: Path):  # type: ignore[no-untyped-def]
    owlready2 = pytest.importorskip("owlready2")
    path = tmp_path / "kg.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()
    return owlready2, world, ontology


def test_loads_in_owlready2(onto_and_schemes: rdflib.Graph, tmp_path: Path) -> None:
    _, world, _ = _load_world(onto_and_schemes, tmp_path)
    kgo = world.get_namespace(vocab.KGO)
    assert kgo.Threat is not None and kgo.VerbalConflictEvent in kgo.Threat.is_a
    assert kgo.Event in kgo.Strike.ancestors()
    assert kgo.actual in list(kgo.Modality.instances())
    concept = world["http://www.w3.org/2004/02/skos/core#Concept"]
    c138 = world[vocab.CAMEO + "138"]
    assert c138 in list(concept.instances())
    assert world[vocab.PLOVER + "THREATEN"] in c138.ploverType
    assert world["http://semanticweb.cs.vu.nl/2009/11/sem/hasActor"] in kgo.source.is_a


needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="HermiT needs a Java runtime (java not on PATH)"
)


@needs_java
def test_hermit_finds_the_ontology_and_a_threat_consistent(
    onto_and_schemes: rdflib.Graph, tmp_path: Path
) -> None:
    owlready2, world, ontology = _load_world(onto_and_schemes, tmp_path)
    kgo = world.get_namespace(vocab.KGO)
    with ontology:
        trump = kgo.Person("trump")
        mexico = kgo.State("mexico")
        threat = kgo.Threat("threat")
        threat.source = [trump]
        threat.target = [mexico]
        threat.modality = [kgo.threatened]
        threat.cameoCode = [world[vocab.CAMEO + "138"]]
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []
    assert kgo.Actor in mexico.is_a or kgo.Actor in mexico.INDIRECT_is_a


@needs_java
def test_hermit_detects_a_person_that_is_an_organisation(
    onto_and_schemes: rdflib.Graph, tmp_path: Path
) -> None:
    owlready2, world, ontology = _load_world(onto_and_schemes, tmp_path)
    kgo = world.get_namespace(vocab.KGO)
    with ontology:
        odd = kgo.Person("odd")
        odd.is_a.append(kgo.GovernmentBody)
        with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0)


@needs_java
def test_hermit_finds_the_sample_graph_consistent(
    onto_and_schemes: rdflib.Graph, sample_graph_nquads: bytes, tmp_path: Path
) -> None:
    data = _union(sample_graph_nquads)
    owlready2, world, ontology = _load_world(onto_and_schemes + data, tmp_path)
    with ontology:  # xsd:date is outside the OWL 2 datatype map that HermiT supports
        owlready2.sync_reasoner(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    assert list(world.inconsistent_classes()) == []


# --- (e): SHACL shapes -----------------------------------------------------------------------

def _union(nquads: bytes) -> rdflib.Graph:
    """One graph holding the triples of all the named graphs."""
    import pyoxigraph as ox

    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)]
    return rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "shapes.ttl")


def _validate(data: rdflib.Graph, shapes: rdflib.Graph, ont: rdflib.Graph,
              inference: str = "none") -> tuple[bool, rdflib.Graph]:
    pyshacl = pytest.importorskip("pyshacl")
    # the ontology is added by a plain union: pySHACL's own ont_graph mixing clones the
    # graph node by node and takes minutes on the CAMEO scheme
    combined = rdflib.Graph()
    for triple in data:
        combined.add(triple)
    for triple in ont:
        combined.add(triple)
    conforms, report, _ = pyshacl.validate(combined, shacl_graph=shapes, inference=inference)
    return conforms, report


def _violations(report: rdflib.Graph) -> set[tuple[str, str]]:
    """(focus node, path or constraint) of each violation."""
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out = set()
    for result in report.subjects(RDF.type, sh.ValidationResult):
        focus = str(report.value(result, sh.focusNode))
        path = report.value(result, sh.resultPath)
        what = str(path) if path is not None else str(report.value(result, sh.sourceConstraintComponent))
        out.add((focus, what))
    return out


MINIMAL = """
@prefix kgo: <https://w3id.org/kg-news/ontology#> .
@prefix article: <https://w3id.org/kg-news/id/article/> .
@prefix mention: <https://w3id.org/kg-news/id/mention/a1/> .
@prefix actor: <https://w3id.org/kg-news/id/actor/> .
@prefix state: <https://w3id.org/kg-news/id/state/> .
@prefix event: <https://w3id.org/kg-news/id/event/> .
@prefix stance: <https://w3id.org/kg-news/id/stance/a1/> .
@prefix cameo: <https://w3id.org/kg-news/cameo/> .
@prefix plover: <https://w3id.org/kg-news/plover/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

article:a1 a kgo:Article ; kgo:articleId "a1" .
mention:10-20 a kgo:Mention ; kgo:inArticle article:a1 ;
    kgo:inSentence <https://w3id.org/kg-news/id/sentence/a1/0-24> ;
    kgo:startOffset 6 ; kgo:endOffset 16 .
<https://w3id.org/kg-news/id/sentence/a1/0-24> a kgo:Sentence ;
    kgo:sentenceText "Trump threatened Mexico." ; kgo:sentenceStart 0 ; kgo:sentenceEnd 24 .
actor:trump a kgo:Person ; rdfs:label "Donald Trump" ; kgo:countryCode "USA" .
state:MEX a kgo:State ; rdfs:label "Mexico" ; kgo:countryCode "MEX" .
event:e1 a kgo:Threat ;
    kgo:cameoCode cameo:138 ; kgo:ploverType plover:THREATEN ;
    kgo:goldstein -7.0 ; kgo:quadClass 3 ;
    kgo:modality kgo:actual ;
    kgo:source actor:trump ; kgo:target state:MEX ;
    kgo:evidence mention:10-20 .
stance:s1 a kgo:RedLine ; kgo:stanceHolder state:MEX ; kgo:polarity -1 ;
    kgo:evidence mention:10-20 .
"""


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_a_minimal_valid_graph_conforms(
    shapes: rdflib.Graph, onto_and_schemes: rdflib.Graph, inference: str
) -> None:
    data = rdflib.Graph().parse(data=MINIMAL, format="turtle")
    conforms, report = _validate(data, shapes, onto_and_schemes, inference)
    assert conforms, report.serialize(format="turtle")


def test_the_shared_sample_graph_conforms(
    shapes: rdflib.Graph, onto_and_schemes: rdflib.Graph, sample_graph_nquads: bytes
) -> None:
    conforms, report = _validate(_union(sample_graph_nquads), shapes, onto_and_schemes)
    assert conforms, report.serialize(format="turtle")


def test_the_code_schemes_conform(shapes: rdflib.Graph, onto: rdflib.Graph) -> None:
    schemes = rdflib.Graph()
    for name in ("cameo.ttl", "plover.ttl"):
        schemes.parse(ONTOLOGY / name)
    conforms, report = _validate(schemes, shapes, onto)
    assert conforms, report.serialize(format="turtle")
    bad = rdflib.Graph().parse(ONTOLOGY / "cameo.ttl")
    bad.set((URIRef(vocab.CAMEO + "138"), KGO.quadClass, Literal(7)))
    assert not _validate(bad, shapes, onto)[0]


def _broken(turtle_edit: tuple[str, str]) -> rdflib.Graph:
    old, new = turtle_edit
    assert old in MINIMAL
    return rdflib.Graph().parse(data=MINIMAL.replace(old, new), format="turtle")


E1 = str(KGID["event/e1"])
CASES = [
    # event without evidence
    (("kgo:evidence mention:10-20 .\nstance:", ".\nstance:"), (E1, str(KGO.evidence))),
    # bad country code
    (('kgo:countryCode "MEX"', 'kgo:countryCode "Mex"'), (str(KGID["state/MEX"]), str(KGO.countryCode))),
    # modality that is not one of the nine
    (("kgo:modality kgo:actual", "kgo:modality kgo:maybe"), (E1, str(KGO.modality))),
    # CAMEO code outside the cameo: namespace
    (("kgo:cameoCode cameo:138", "kgo:cameoCode plover:THREATEN"), (E1, str(KGO.cameoCode))),
    (("kgo:ploverType plover:THREATEN", "kgo:ploverType cameo:138"), (E1, str(KGO.ploverType))),
    # Goldstein out of range, quad class out of range
    (("kgo:goldstein -7.0", "kgo:goldstein -70.0"), (E1, str(KGO.goldstein))),
    (("kgo:quadClass 3", "kgo:quadClass 5"), (E1, str(KGO.quadClass))),
    # offsets the wrong way round
    (("kgo:startOffset 6 ; kgo:endOffset 16", "kgo:startOffset 16 ; kgo:endOffset 6"),
     (str(KGID["mention/a1/10-20"]), str(KGO.startOffset))),
    # offsets as strings
    (("kgo:endOffset 16", 'kgo:endOffset "16"'), (str(KGID["mention/a1/10-20"]), str(KGO.endOffset))),
    # mention without article
    (("kgo:inArticle article:a1 ;", ""), (str(KGID["mention/a1/10-20"]), str(KGO.inArticle))),
    # actor without a label
    (('rdfs:label "Donald Trump" ;', ""), (str(KGID["actor/trump"]), str(RDFS.label))),
    # target that is not an actor
    (("kgo:target state:MEX", "kgo:target article:a1"), (E1, str(KGO.target))),
    # stance without holder
    (("kgo:stanceHolder state:MEX ;", ""), (str(KGID["stance/a1/s1"]), str(KGO.stanceHolder))),
]


@pytest.mark.parametrize(("edit", "expected"), CASES)
def test_broken_graphs_give_violations(
    shapes: rdflib.Graph, onto_and_schemes: rdflib.Graph,
    edit: tuple[str, str], expected: tuple[str, str],
) -> None:
    conforms, report = _validate(_broken(edit), shapes, onto_and_schemes)
    assert not conforms
    assert expected in _violations(report), _violations(report)


def test_an_event_with_two_event_classes_is_a_violation(
    shapes: rdflib.Graph, onto_and_schemes: rdflib.Graph
) -> None:
    data = _broken(("event:e1 a kgo:Threat ;", "event:e1 a kgo:Threat, kgo:Attack ;"))
    conforms, report = _validate(data, shapes, onto_and_schemes, "rdfs")
    assert not conforms
    assert any(focus == E1 and "SPARQL" in what for focus, what in _violations(report))
    # a class and its own superclass is still one most specific class
    ok = _broken(("event:e1 a kgo:Threat ;", "event:e1 a kgo:Threat, kgo:Event ;"))
    assert _validate(ok, shapes, onto_and_schemes, "rdfs")[0]
