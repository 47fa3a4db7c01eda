"""SHACL validation (kg.validate) of the graph of ../shared/corpora/voa.jsonl: 250 real news
articles built with two workers (slow: about 40 s to build, 30 s to validate).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.pipeline import build
from kg.store import Store
from kg.validate import ValidationReport, format_report, validate_store
from conftest import shared_path  # $KG_SHARED or ../shared (tests/ is on sys.path)

pytestmark = pytest.mark.slow

VOA = shared_path("corpora", "voa.jsonl")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> ValidationReport:
    if not VOA.exists():
        pytest.skip(f"shared corpora absent ({VOA}; set KG_SHARED)")
    store = Store.open(tmp_path_factory.mktemp("voa") / "kg", create=True)
    try:
        summary = build([VOA], store, workers=2)
        assert summary.articles == 250 and summary.skipped == 0
        started = time.perf_counter()
        result = validate_store(store)
        print(f"\nVOA: {result.triples} triples, {result.counts()['Violation']} violations, "
              f"{time.perf_counter() - started:.0f} s to validate")
        return result
    finally:
        store.close()


def test_voa_graph_conforms(report) -> None:
    assert report.triples > 100_000  # the whole corpus was checked
    assert report.conforms, format_report(report, limit=10)
