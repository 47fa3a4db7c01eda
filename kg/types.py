"""The records that flow between the pipeline stages.

ingest -> `Article` | `BadRecord`; extract/resolve -> `Extraction` (actors, events, stances,
quotes of one article); mapping turns an `Extraction` into quads. All records are frozen and
slotted so that they are cheap, hashable and safe to send between processes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "Article",
    "BadRecord",
    "DateValue",
    "Place",
    "Evidence",
    "Role",
    "Actor",
    "Event",
    "Stance",
    "Quote",
    "Extraction",
    "ACTOR_KINDS",
    "MODALITIES",
    "STANCE_KINDS",
]

#: Actor kinds; each maps to one ontology class (see `kg.vocab.ACTOR_CLASS`).
ACTOR_KINDS = (
    "person",
    "state",
    "government",
    "military",
    "police",
    "judiciary",
    "legislature",
    "party",
    "criminal",
    "armed_group",
    "media",
    "igo",
    "ngo",
    "company",
    "organisation",
    "group",  # a generic group typed by sector: "protesters", "drug cartels"
)

#: Modalities of an event, as in the ontology's `kgo:Modality` individuals.
MODALITIES = (
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

STANCE_KINDS = ("warning", "red_line", "support", "opposition", "criticism")


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from the input.

    `origin` is where it came from (`file:line`), used in messages.
    """

    id: str
    text: str
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class BadRecord:
    """An input record that was skipped, with the reason (`file:line: why`)."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class DateValue:
    """A resolved date or date range; `text` is its ISO 8601 form.

    A day is `2026-01-08`; a range `2026-01-03/2026-01-04`; a month `2024-10` (begin and end
    are the month's first and last day). `is_start` marks a date that opens an open-ended
    period ("since October 2024"). `basis` says where an event's date came from: "stated" (a
    time expression of the text) or "publication" (the article's date, when the text gives none).
    """

    begin: dt.date
    end: dt.date
    text: str
    is_start: bool = False
    basis: str = "stated"


@dataclass(frozen=True, slots=True)
class Place:
    """A GeoNames place (`kg.places`): `country` is ISO 3166 alpha-3; `kind` one of "city",
    "region", "country"; coordinates are WGS 84 degrees (None for regions and countries)."""

    geonames_id: int
    name: str
    country: str
    kind: str
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact was read: the sentence and the character offsets in the article text."""

    sentence: str
    sent_start: int
    sent_end: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Role:
    """An office held: `post` ("President"), `of` (ISO3 state or actor key), term dates."""

    post: str
    of: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved actor. `key` is its canonical identity, stable across articles."""

    key: str
    label: str
    kind: str
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    mentions: int = 1


@dataclass(frozen=True, slots=True)
class Event:
    """A coded event. `source`/`target` hold actor keys; `parent` another event's `id`.

    `cameo`/`plover` are None on events a coder would not code (nested content already covered
    by the parent's code, verbs of saying that only report); `event_class` is the ontology class
    local name (e.g. "Threat").
    """

    id: str
    event_class: str
    trigger: str
    evidence: Evidence
    cameo: str | None = None
    plover: str | None = None
    modality: str = "actual"
    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    location: str | None = None
    date: DateValue | None = None
    parent: str | None = None
    confidence: float = 0.5
    base_code: str | None = None  # the CAMEO code of the action even when not coded
    place: Place | None = None  # the GeoNames place the event is said to happen in


@dataclass(frozen=True, slots=True)
class Stance:
    """A stance: `holder` takes `kind` with `polarity` toward an actor or a kind of action."""

    id: str
    holder: str
    kind: str
    polarity: int
    evidence: Evidence
    target: str | None = None
    target_action: str | None = None
    target_event: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: `speaker` (actor key) said `text`; `events` are the event ids it asserts."""

    id: str
    speaker: str | None
    text: str
    evidence: Evidence
    events: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one article: the input of the RDF mapping."""

    article: Article
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    stances: tuple[Stance, ...] = ()
    quotes: tuple[Quote, ...] = ()
    locations: tuple[str, ...] = field(default=())
    places: tuple[Place, ...] = ()  # the GeoNames places the article names
