"""A description of a store's dataset in VoID and DCAT, with its build provenance in PROV-O.

`kg build` appends one line per run to `STORE/builds.jsonl` (`record_build`): kg version, spaCy
model and version, start and end time, article count. `describe(store)` turns the store's counts
and these runs into triples: the dataset is a `void:Dataset` and `dcat:Dataset` (title, licence,
triple/entity/document counts, one `void:classPartition` per class used, the vocabularies), and
`prov:wasGeneratedBy` each build, a `prov:Activity` associated with kg (a `prov:SoftwareAgent`)
that used the spaCy model. `kg export --format void` writes it as Turtle.

>>> from kg.store import Store
>>> any(t.predicate.value.endswith("#triples") for t in describe(Store.memory()))
True
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import iri
from kg.store import Store
from kg.vocab import CAMEO, DCT, KGO, PLOVER, PROV, RDF, RDFS, XSD

__all__ = ["record_build", "read_builds", "describe", "write_description", "DEFAULT_LICENSE", "BUILD_LOG"]

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
BUILD_LOG = "builds.jsonl"
#: the licence stated when none is given: kg's own (MIT); give your sources' terms instead
DEFAULT_LICENSE = "https://spdx.org/licenses/MIT"
_PREFIXES = {"void": VOID, "dcat": DCAT, "prov": PROV, "dct": DCT, "xsd": XSD, "kgo": KGO,
             "rdfs": RDFS, "kgid": iri.ID}


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        try:
            return metadata.version(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            return None


def record_build(store_dir: str | Path, *, model: str, started: dt.datetime,
                 ended: dt.datetime, articles: int, cluster: str | None = None) -> None:
    """Append one build run to `STORE/builds.jsonl`."""
    import kg

    entry = {"kg": kg.__version__, "model": model, "model_version": _package_version(model),
             "spacy": _package_version("spacy"), "started": started.isoformat(timespec="seconds"),
             "ended": ended.isoformat(timespec="seconds"), "articles": articles,
             "cluster": cluster}
    with (Path(store_dir) / BUILD_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def read_builds(store: Store) -> list[dict[str, Any]]:
    """The build runs recorded for `store` (none for an in-memory store); a line that cannot
    be read is skipped."""
    if store.path is None or not (store.path / BUILD_LOG).is_file():
        return []
    runs = []
    for line in (store.path / BUILD_LOG).read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue
    return runs


def _lit(value: object, dtype: str | None = None) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + dtype) if dtype else None)


def describe(store: Store, *, license: str = DEFAULT_LICENSE, title: str | None = None,
             endpoint: str | None = None) -> list[ox.Triple]:
    """The VoID/DCAT/PROV description of `store` (see the module docstring)."""
    import kg

    n = ox.NamedNode
    ds = n(iri.dataset_iri())
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, n(p), o))

    stats = store.stats()
    add(ds, RDF + "type", n(VOID + "Dataset"))
    add(ds, RDF + "type", n(DCAT + "Dataset"))
    add(ds, DCT + "title", ox.Literal(title or "kg knowledge graph of news events"))
    add(ds, DCT + "description", ox.Literal(
        f"{stats['articles']} news articles coded as CAMEO/PLOVER events, actors and stances; "
        "one named graph per article, the default graph their union."))
    add(ds, DCT + "license", n(license))
    add(ds, VOID + "triples", _lit(stats["triples"], "integer"))
    add(ds, VOID + "documents", _lit(stats["articles"], "integer"))
    add(ds, VOID + "entities", _lit(stats["events"] + stats["actors"], "integer"))
    add(ds, VOID + "uriSpace", ox.Literal(iri.ID))
    for vocab in (KGO, CAMEO, PLOVER):
        add(ds, VOID + "vocabulary", n(vocab))
    if endpoint:
        add(ds, VOID + "sparqlEndpoint", n(endpoint))
    classes: Mapping[str, int] = {**stats["events_by_class"], **stats["actors_by_type"]}
    for local, count in sorted(classes.items()):
        part = n(iri.dataset_iri(local))
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", n(KGO + local))
        add(part, VOID + "entities", _lit(count, "integer"))
    agent = n(iri.software_iri("kg", kg.__version__))
    add(agent, RDF + "type", n(PROV + "SoftwareAgent"))
    add(agent, RDFS + "label", ox.Literal(f"kg {kg.__version__}"))
    add(agent, DCT + "hasVersion", ox.Literal(kg.__version__))
    runs = read_builds(store)
    for run in runs:
        activity = n(iri.build_iri(run["started"]))
        add(ds, PROV + "wasGeneratedBy", activity)
        add(activity, RDF + "type", n(PROV + "Activity"))
        add(activity, RDFS + "label", ox.Literal(f"kg build of {run['articles']} articles"))
        add(activity, PROV + "startedAtTime", _lit(run["started"], "dateTime"))
        add(activity, PROV + "endedAtTime", _lit(run["ended"], "dateTime"))
        add(activity, PROV + "wasAssociatedWith", agent)
        model = n(iri.software_iri(run["model"], run.get("model_version")))
        add(activity, PROV + "used", model)
        add(model, RDF + "type", n(PROV + "Entity"))
        add(model, RDFS + "label", ox.Literal(
            f"spaCy pipeline {run['model']} {run.get('model_version') or ''}".strip()
            + (f" (spaCy {run['spacy']})" if run.get("spacy") else "")))
    if runs:
        add(ds, DCT + "modified", _lit(runs[-1]["ended"], "dateTime"))
    return out


def write_description(store: Store, out: Any, **options: Any) -> None:
    """`describe(store)` as Turtle to a binary stream or path."""
    from kg.store import plain_prefixes

    triples = sorted(describe(store, **options), key=lambda t: (str(t.subject), t.predicate.value))
    prefixes = plain_prefixes(triples) | {p: ns for p, ns in _PREFIXES.items() if p != "kgid"}
    ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=prefixes)
