"""The one place where resource IRIs are minted.

IRIs are deterministic (the same input gives the same IRI), readable where the key allows, and
always valid: any text is reduced to a slug of `[a-z0-9-]`, and a short hash of the original
is appended whenever the slug lost information, so two different keys never share an IRI.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from kg.vocab import ID

__all__ = [
    "slug",
    "article_iri",
    "graph_iri",
    "actor_iri",
    "state_iri",
    "place_iri",
    "event_iri",
    "mention_iri",
    "sentence_iri",
    "stance_iri",
    "quote_iri",
    "post_iri",
    "term_iri",
    "publisher_iri",
    "is_kg_iri",
]

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 60


def _digest(text: str, n: int = 10) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()[:n]


@functools.lru_cache(maxsize=4096)
def slug(text: str) -> str:
    """A readable, IRI-safe form of `text`; injective thanks to a hash suffix when lossy
    (memoised: an article's graph slugs its id once per mention and sentence).

    >>> slug("donald-trump")
    'donald-trump'
    >>> slug("Donald Trump")
    'donald-trump-59b7bd303d'
    """
    if text.isascii():  # nothing to decompose and no combining mark: only the case folds
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    s = _NON_SLUG.sub("-", folded).strip("-")[:_MAX_SLUG].strip("-")
    if s != text or not s:
        s = f"{s}-{_digest(text)}" if s else f"x{_digest(text)}"
    return s


def article_iri(article_id: str) -> str:
    return f"{ID}article/{slug(article_id)}"


def graph_iri(article_id: str) -> str:
    """The named graph holding one article's assertions."""
    return f"{ID}graph/{slug(article_id)}"


def actor_iri(key: str) -> str:
    return f"{ID}actor/{slug(key)}"


def place_iri(geonames_id: int) -> str:
    """A place is named by its GeoNames IRI (the Linked Data name GeoNames gives it)."""
    if not isinstance(geonames_id, int) or geonames_id <= 0:
        raise ValueError(f"not a GeoNames id: {geonames_id!r}")
    return f"https://sws.geonames.org/{geonames_id}/"


def state_iri(iso3: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", iso3):
        raise ValueError(f"not an ISO 3166 alpha-3 code: {iso3!r}")
    return f"{ID}state/{iso3}"


def event_iri(key: str) -> str:
    return f"{ID}event/{_digest(key, 16)}"


def mention_iri(article_id: str, start: int, end: int) -> str:
    return f"{ID}mention/{slug(article_id)}/{start}-{end}"


def sentence_iri(article_id: str, start: int, end: int) -> str:
    """The one stored copy of a sentence of an article (by its character offsets), which the
    mentions read in it point to."""
    return f"{ID}sentence/{slug(article_id)}/{start}-{end}"


def stance_iri(article_id: str, local: str) -> str:
    return f"{ID}stance/{slug(article_id)}/{slug(local)}"


def quote_iri(article_id: str, start: int, end: int) -> str:
    return f"{ID}quote/{slug(article_id)}/{start}-{end}"


def post_iri(title: str, of: str | None) -> str:
    return f"{ID}post/{slug(title)}" + (f"/{slug(of)}" if of else "")


def term_iri(holder: str, post: str, start: str | None) -> str:
    """An office term: of the holder's and the post's IRIs and its start, so that every
    article stating that term (and a merge of two names of its holder) names one node."""
    return f"{ID}term/{_digest('|'.join([holder, post, start or '']), 16)}"


def publisher_iri(name: str) -> str:
    return f"{ID}publisher/{slug(name)}"


def is_kg_iri(iri: str) -> bool:
    return iri.startswith(ID)


def dataset_iri(class_partition: str | None = None) -> str:
    """The dataset a store holds (`kg.dataset`, VoID/DCAT), or its partition of one class."""
    if class_partition is None:
        return f"{ID}dataset"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", class_partition):
        raise ValueError(f"not a class local name: {class_partition!r}")
    return f"{ID}dataset/class/{class_partition}"


def software_iri(name: str, version: str | None) -> str:
    """A program or model at one version (kg itself, a spaCy pipeline), as a PROV agent/entity."""
    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "unknown"

    return f"{ID}software/{clean(name)}/{clean(version or 'unknown')}"


def build_iri(started: str) -> str:
    """One `kg build` run (a prov:Activity), by its start time (ISO 8601, made UTC).

    >>> build_iri("2026-12-06T05:01:08+00:00").rsplit("/", 1)[1]
    '20261206T050108Z'
    """
    import datetime as dt

    when = dt.datetime.fromisoformat(started)
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    return f"{ID}build/{when:%Y%m%dT%H%M%S}Z"


def inferred_graph_iri() -> str:
    """The named graph of the types a reasoner inferred (`kg validate --reason --write`)."""
    return f"{ID}graph/inferred-types"
