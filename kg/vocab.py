"""Vocabulary: the namespaces and the ontology terms the builder writes.

Every class and property used by `kg.mapping` is named here, and `tests/test_ontology.py`
checks each is declared in `ontology/kg.ttl`. Nothing else in `kg` spells a vocabulary IRI.
"""
from __future__ import annotations

from typing import Final

__all__ = [
    "BASE",
    "KGO",
    "ID",
    "CAMEO",
    "PLOVER",
    "PREFIXES",
    "ACTOR_CLASS",
    "STANCE_CLASS",
    "EVENT_CLASSES",
    "CLASSES",
    "PROPERTIES",
    "sparql_prologue",
]

BASE: Final = "https://w3id.org/kg-news/"
KGO: Final = BASE + "ontology#"
ID: Final = BASE + "id/"
CAMEO: Final = BASE + "cameo/"
PLOVER: Final = BASE + "plover/"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
PROV: Final = "http://www.w3.org/ns/prov#"
ORG: Final = "http://www.w3.org/ns/org#"
SEM: Final = "http://semanticweb.cs.vu.nl/2009/11/sem/"
SCHEMA: Final = "https://schema.org/"
DCT: Final = "http://purl.org/dc/terms/"
WD: Final = "http://www.wikidata.org/entity/"
GEO: Final = "http://www.w3.org/2003/01/geo/wgs84_pos#"

PREFIXES: Final[dict[str, str]] = {
    "kgo": KGO,
    "kgid": ID,
    "cameo": CAMEO,
    "plover": PLOVER,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "prov": PROV,
    "org": ORG,
    "sem": SEM,
    "schema": SCHEMA,
    "dct": DCT,
    "wd": WD,
    "geo": GEO,
}

#: actor kind (kg.types.ACTOR_KINDS) -> kgo class local name
ACTOR_CLASS: Final[dict[str, str]] = {
    "person": "Person",
    "state": "State",
    "government": "GovernmentBody",
    "military": "MilitaryForce",
    "police": "PoliceForce",
    "judiciary": "Judiciary",
    "legislature": "Legislature",
    "party": "PoliticalParty",
    "criminal": "CriminalOrganisation",
    "armed_group": "ArmedGroup",
    "media": "MediaOrganisation",
    "igo": "IntergovernmentalOrganisation",
    "ngo": "NonGovernmentalOrganisation",
    "company": "Company",
    "organisation": "Organisation",
    "group": "GenericGroup",
}

#: stance kind (kg.types.STANCE_KINDS) -> kgo class local name
STANCE_CLASS: Final[dict[str, str]] = {
    "warning": "Warning",
    "red_line": "RedLine",
    "support": "SupportStance",
    "opposition": "OppositionStance",
    "criticism": "CriticismStance",
}

#: Event classes (local names, all subclasses of kgo:Event). The lexicon names one per entry.
EVENT_CLASSES: Final[tuple[str, ...]] = (
    "Event",
    "Statement",
    "Comment",
    "Appeal",
    "Request",
    "Directive",
    "IntentToCooperate",
    "Consultation",
    "Contact",
    "Meeting",
    "Visit",
    "Negotiation",
    "DiplomaticCooperation",
    "Agreement",
    "Support",
    "MaterialCooperation",
    "SecurityCooperation",
    "Aid",
    "Yield",
    "Release",
    "Withdrawal",
    "Ceasefire",
    "Investigation",
    "Demand",
    "Disapproval",
    "Criticism",
    "Accusation",
    "Rejection",
    "Denial",
    "Threat",
    "Ultimatum",
    "Protest",
    "Demonstration",
    "ForcePosture",
    "Mobilization",
    "ReduceRelations",
    "Sanction",
    "Expulsion",
    "Coercion",
    "Arrest",
    "Capture",
    "Seizure",
    "Assault",
    "Attack",
    "Killing",
    "Bombing",
    "MilitaryOperation",
    "Strike",
    "Offensive",
    "Fight",
    "Occupation",
    "MassViolence",
)

MODALITY_INDIVIDUALS: Final[tuple[str, ...]] = (
    "actual",
    "threatened",
    "directed",
    "requested",
    "planned",
    "conditional",
    "hypothetical",
    "predicted",
    "negated",
)

#: Every class the builder writes (prefixed names).
CLASSES: Final[tuple[str, ...]] = (
    *(f"kgo:{c}" for c in ACTOR_CLASS.values()),
    "kgo:Actor",
    *(f"kgo:{c}" for c in STANCE_CLASS.values()),
    "kgo:Stance",
    *(f"kgo:{c}" for c in EVENT_CLASSES),
    "kgo:Modality",
    "kgo:Mention",
    "kgo:Sentence",
    "kgo:Quotation",
    "kgo:OfficeTerm",
    "kgo:Article",
    "org:Post",
    "schema:NewsArticle",
    "schema:Organization",
    "schema:Place",
)

#: Every property the builder writes (prefixed names).
PROPERTIES: Final[tuple[str, ...]] = (
    # actors
    "rdfs:label",
    "skos:altLabel",
    "kgo:country",
    "kgo:countryCode",
    "kgo:sector",
    "kgo:actorCode",
    "kgo:wikidata",
    "kgo:mentionedIn",
    "kgo:mentionCount",
    "org:holds",
    "org:postIn",
    "kgo:postTitle",
    "kgo:holder",
    "kgo:post",
    "kgo:startDate",
    "kgo:endDate",
    "kgo:term",
    # events
    "kgo:cameoCode",
    "kgo:ploverType",
    "kgo:goldstein",
    "kgo:quadClass",
    "kgo:modality",
    "kgo:source",
    "kgo:target",
    "sem:hasActor",
    "sem:hasPlace",
    "sem:hasTimeStamp",
    "sem:hasBeginTimeStamp",
    "sem:hasEndTimeStamp",
    "kgo:dateText",
    "kgo:dateBasis",
    "kgo:isStartDate",
    "kgo:day",
    "kgo:parentEvent",
    "kgo:confidence",
    "kgo:trigger",
    "kgo:evidence",
    "kgo:baseCode",
    # the event summary (kg.summary)
    "kgo:firstMention",
    "kgo:firstArticleId",
    "kgo:firstStart",
    "kgo:firstEnd",
    "kgo:firstSentenceText",
    "kgo:reportCount",
    "kgo:articleCount",
    "kgo:sourceList",
    "kgo:targetList",
    "kgo:typeName",
    "kgo:leastBegin",
    "kgo:leastEnd",
    "kgo:leastDateBasis",
    "kgo:mentionTotal",
    "kgo:mentionArticleCount",
    # stances
    "kgo:stanceHolder",
    "kgo:stanceTarget",
    "kgo:targetAction",
    "kgo:targetEvent",
    "kgo:polarity",
    # quotations
    "kgo:speaker",
    "kgo:quotedText",
    "kgo:asserts",
    # provenance
    "kgo:inArticle",
    "kgo:inSentence",
    "kgo:sentenceText",
    "kgo:sentenceStart",
    "kgo:sentenceEnd",
    "kgo:startOffset",
    "kgo:endOffset",
    # articles
    "schema:headline",
    "schema:url",
    "schema:datePublished",
    "schema:publisher",
    "schema:name",
    "kgo:articleId",
    "kgo:namedGraph",
    # places (GeoNames)
    "schema:location",
    "schema:containedInPlace",
    "geo:lat",
    "geo:long",
)


def sparql_prologue() -> str:
    """The PREFIX lines for every namespace above, to prepend to a SPARQL query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def expand(curie: str) -> str:
    """`"kgo:Threat"` -> the full IRI string."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local
