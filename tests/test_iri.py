"""IRI minting: deterministic, injective, always valid."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from kg import iri


@given(st.text())
@settings(max_examples=300)
def test_any_text_gives_a_valid_deterministic_iri(text: str) -> None:
    a = iri.actor_iri(text)
    assert a == iri.actor_iri(text)
    NamedNode(a)  # raises on an invalid IRI
    NamedNode(iri.article_iri(text))
    NamedNode(iri.mention_iri(text, 0, 5))
    Literal(text)


@given(st.text(), st.text())
def test_different_keys_never_share_an_iri(a: str, b: str) -> None:
    if a != b:
        assert iri.actor_iri(a) != iri.actor_iri(b)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("donald-trump", "donald-trump"), ("sinaloa-cartel", "sinaloa-cartel")],
)
def test_slug_keys_stay_readable(key: str, expected: str) -> None:
    assert iri.actor_iri(key).endswith("/actor/" + expected)


def test_state_iri_rejects_non_iso_codes() -> None:
    assert iri.state_iri("MEX").endswith("/state/MEX")
    with pytest.raises(ValueError, match="ISO 3166"):
        iri.state_iri("Mexico")
