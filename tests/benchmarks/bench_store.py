"""Benchmark of store engines for kg (a script, not a test): which backend should hold the graph?

Builds one synthetic dataset in the shape of ontology/MODEL.md (one named graph per article:
article, actors and states shared across articles, offices, coded and nested events with
mentions) and, for each engine, times loading it, three typical queries and serialisation,
and reports the peak resident memory. Each engine runs in its own child process (so that peak
RSS is its own); ratios are printed against pyoxigraph measured in the same run.

Engines: (a) pyoxigraph on disk through `kg.store.Store` (one `replace_graph` per article, as
`kg build` does), (b) an rdflib `Dataset` in memory persisted as TriG (write + reload),
(c) rdflib's BerkeleyDB store when the `berkeleydb` module is importable, else skipped.

    python tests/benchmarks/bench_store.py [--articles 1000] [--only ENGINE]
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kg import iri  # noqa: E402
from kg.vocab import (  # noqa: E402
    CAMEO, KGO, ORG, PLOVER, PREFIXES, RDF, RDFS, SCHEMA, SEM, SKOS, XSD)

ENGINES = ("pyoxigraph", "rdflib", "rdflib-berkeleydb")

# (CAMEO code, PLOVER type, goldstein, quad class, kgo class)
CODES = [("138", "THREATEN", -7.0, 3, "Threat"), ("195", "ASSAULT", -10.0, 4, "Strike"),
         ("042", "CONSULT", 1.9, 1, "Visit"), ("111", "DISAPPROVE", -2.0, 3, "Criticism"),
         ("154", "MOBILIZE", -7.2, 4, "Directive"), ("057", "AGREE", 8.0, 1, "Agreement"),
         ("173", "ARREST", -5.0, 4, "Arrest"), ("163", "SANCTION", -8.0, 4, "Sanction")]
STATES = ["USA", "MEX", "VEN", "COL", "CHN", "RUS", "UKR", "IRN", "ISR", "FRA", "DEU", "GBR"]
SECTORS = ["GOV", "MIL", "COP", "OPP", "JUD"]
KINDS = ["Person", "GovernmentBody", "MilitaryForce", "PoliceForce", "ArmedGroup"]

Q_EVENT_TABLE = """
SELECT ?event ?type ?cameo ?date ?source ?target ?text WHERE {
  ?event kgo:modality ?m ; a ?type ; kgo:evidence ?mention .
  ?mention kgo:inSentence/kgo:sentenceText ?text .
  OPTIONAL { ?event kgo:cameoCode ?cameo }
  OPTIONAL { ?event kgo:dateText ?date }
  OPTIONAL { ?event kgo:source ?source }
  OPTIONAL { ?event kgo:target ?target }
}"""
Q_ACTOR_WINDOW = """
SELECT DISTINCT ?event ?begin ?actor WHERE {
  ?event kgo:source|kgo:target ?actor ;
         sem:hasBeginTimeStamp ?begin ; sem:hasEndTimeStamp ?end .
  FILTER(?end >= "2026-02-01"^^xsd:date && ?begin <= "2026-03-31"^^xsd:date)
}"""
Q_ROOTS = """
SELECT ?root (COUNT(DISTINCT ?event) AS ?n) WHERE {
  ?event kgo:cameoCode ?code .
  BIND(SUBSTR(STRAFTER(STR(?code), STR(cameo:)), 1, 2) AS ?root)
} GROUP BY ?root ORDER BY ?root"""
QUERIES = {"event table": Q_EVENT_TABLE, "actor in window": Q_ACTOR_WINDOW,
           "count per CAMEO root": Q_ROOTS}
ACTOR_OF_INTEREST = iri.state_iri("MEX")


def synthetic_graphs(n_articles: int, seed: int = 7) -> list[tuple[str, list[ox.Quad]]]:
    """(graph IRI, quads) per article, in the shape of MODEL.md."""
    rnd = random.Random(seed)
    people = [f"person-{i}" for i in range(400)]
    out = []
    for a in range(n_articles):
        aid = f"bench-{a:05d}"
        art, graph = iri.article_iri(aid), iri.graph_iri(aid)
        g = ox.NamedNode(graph)
        quads: list[ox.Quad] = []

        def add(s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
            quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p),
                                 ox.NamedNode(o) if isinstance(o, str) else o, g))

        def lit(v: object, t: str | None = None) -> ox.Literal:
            return ox.Literal(str(v), datatype=ox.NamedNode(XSD + t)) if t else ox.Literal(str(v))

        day = f"2026-{rnd.randint(1, 6):02d}-{rnd.randint(1, 28):02d}"
        add(art, RDF + "type", SCHEMA + "NewsArticle")
        add(art, RDF + "type", KGO + "Article")
        add(art, KGO + "articleId", lit(aid))
        add(art, SCHEMA + "headline", lit(f"Headline of article {a}"))
        add(art, SCHEMA + "datePublished", lit(day, "date"))
        add(art, KGO + "namedGraph", graph)
        actors = []
        for iso in rnd.sample(STATES, 2):
            s = iri.state_iri(iso)
            actors.append(s)
            for p, o in ((RDF + "type", KGO + "State"), (RDFS + "label", lit(f"State {iso}")),
                         (KGO + "countryCode", lit(iso)), (KGO + "actorCode", lit(iso)),
                         (KGO + "mentionedIn", art),
                         (KGO + "mentionCount", lit(rnd.randint(1, 5), "integer"))):
                add(s, p, o)
        for key in rnd.sample(people, 3):
            p_iri = iri.actor_iri(key)
            n = int(key.split("-")[1])
            iso, sector = STATES[n % len(STATES)], SECTORS[n % len(SECTORS)]
            actors.append(p_iri)
            for p, o in ((RDF + "type", KGO + KINDS[n % len(KINDS)]),
                         (RDFS + "label", lit(f"Actor {n}")), (SKOS + "altLabel", lit(f"A{n}")),
                         (KGO + "country", iri.state_iri(iso)), (KGO + "countryCode", lit(iso)),
                         (KGO + "sector", lit(sector)), (KGO + "actorCode", lit(iso + sector)),
                         (KGO + "mentionedIn", art),
                         (KGO + "mentionCount", lit(rnd.randint(1, 5), "integer"))):
                add(p_iri, p, o)
            if n % 10 == 0:
                post = iri.post_iri("Minister", iso)
                add(p_iri, ORG + "holds", post)
                add(post, RDF + "type", ORG + "Post")
                add(post, KGO + "postTitle", lit("Minister"))
                add(post, ORG + "postIn", iri.state_iri(iso))
        parent = None
        for e in range(5):
            code, plover, gold, quad, cls = rnd.choice(CODES)
            ev = iri.event_iri(f"{aid}|{e}")
            start = 40 * e + 10
            m = iri.mention_iri(aid, start, start + 8)
            add(ev, RDF + "type", KGO + cls)
            nested = parent is not None and e % 2 == 0
            if not nested:
                add(ev, KGO + "cameoCode", CAMEO + code)
                add(ev, KGO + "ploverType", PLOVER + plover)
            else:
                add(ev, KGO + "parentEvent", parent)
            add(ev, KGO + "baseCode", CAMEO + code)
            add(ev, KGO + "goldstein", lit(gold, "decimal"))
            add(ev, KGO + "quadClass", lit(quad, "integer"))
            add(ev, KGO + "modality", KGO + ("threatened" if nested else "actual"))
            src, tgt = rnd.sample(actors, 2)
            for p, o in ((KGO + "source", src), (KGO + "target", tgt), (SEM + "hasActor", src),
                         (SEM + "hasActor", tgt), (SEM + "hasBeginTimeStamp", lit(day, "date")),
                         (SEM + "hasEndTimeStamp", lit(day, "date")),
                         (SEM + "hasTimeStamp", lit(day, "date")), (KGO + "dateText", lit(day)),
                         (KGO + "confidence", lit("0.7", "decimal")),
                         (KGO + "trigger", lit("threatened")), (KGO + "evidence", m)):
                add(ev, p, o)
            sent = iri.sentence_iri(aid, start - 10, start + 60)
            for p, o in ((RDF + "type", KGO + "Mention"), (KGO + "inArticle", art),
                         (KGO + "inSentence", sent),
                         (KGO + "startOffset", lit(start, "integer")),
                         (KGO + "endOffset", lit(start + 8, "integer"))):
                add(m, p, o)
            for p, o in ((RDF + "type", KGO + "Sentence"),
                         (KGO + "sentenceText", lit(f"Sentence {e} of article {a} about {code}.")),
                         (KGO + "sentenceStart", lit(start - 10, "integer")),
                         (KGO + "sentenceEnd", lit(start + 60, "integer"))):
                add(sent, p, o)
            parent = ev
        out.append((graph, quads))
    return out


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_pyoxigraph(graphs: list[tuple[str, list[ox.Quad]]], tmp: Path) -> dict[str, Any]:
    from kg.query import load_saved
    from kg.store import Store

    res: dict[str, Any] = {}
    store = Store.open(tmp / "ox-store", create=True)
    res["load"], _ = _timed(lambda: [store.replace_graph(g, q) for g, q in graphs])
    res["quads"] = sum(len(q) for _, q in graphs)
    res["queries"] = {}
    for name, text in QUERIES.items():
        res["queries"][name], rows = _timed(lambda: store.select(text))
        res.setdefault("rows", {})[name] = len(rows)
    res["queries"]["events.rq (full event table)"], rows = _timed(
        lambda: store.select(load_saved("events").text))
    res["serialise"], _ = _timed(lambda: store.export(tmp / "ox.trig", "trig"))
    res["reload"] = None  # on disk already: opening is instant
    store.close()
    res["reopen"], s2 = _timed(lambda: Store.open(tmp / "ox-store"))
    s2.close()
    files = [f for f in (tmp / "ox-store").rglob("*") if f.is_file()]
    res["disk_mb"] = sum(f.stat().st_size for f in files) / 2**20
    res["peak_rss_mb"] = _peak_rss_mb()
    return res


def _rdflib_bench(graphs: list[tuple[str, list[ox.Quad]]], tmp: Path, store: str) -> dict[str, Any]:
    import rdflib

    res: dict[str, Any] = {}
    nquads = {g: ox.serialize(q, format=ox.RdfFormat.N_QUADS).decode() for g, q in graphs}
    if store == "BerkeleyDB":
        ds = rdflib.Dataset(store="BerkeleyDB", default_union=True)
        ds.open(str(tmp / "bdb"), create=True)
    else:
        ds = rdflib.Dataset(default_union=True)
    for p, ns in PREFIXES.items():
        ds.bind(p, ns)

    def load() -> None:
        for g, text in nquads.items():
            ds.remove_graph(rdflib.URIRef(g))
            ds.parse(data=text, format="nquads")

    res["load"], _ = _timed(load)
    res["quads"] = sum(len(q) for _, q in graphs)
    init_ns = {p: rdflib.Namespace(ns) for p, ns in PREFIXES.items()}
    res["queries"] = {}
    for name, text in QUERIES.items():
        res["queries"][name], rows = _timed(lambda: list(ds.query(text, initNs=init_ns)))
        res.setdefault("rows", {})[name] = len(rows)
    res["serialise"], _ = _timed(lambda: ds.serialize(destination=str(tmp / "rdflib.trig"),
                                                      format="trig"))

    def reload() -> None:
        d2 = rdflib.Dataset()
        d2.parse(str(tmp / "rdflib.trig"), format="trig")

    res["reopen"], _ = _timed(reload)
    res["disk_mb"] = (tmp / "rdflib.trig").stat().st_size / 2**20
    res["peak_rss_mb"] = _peak_rss_mb()
    if store == "BerkeleyDB":
        ds.close()
    return res


def run_engine(engine: str, n_articles: int) -> dict[str, Any]:
    graphs = synthetic_graphs(n_articles)
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as d:
        tmp = Path(d)
        if engine == "pyoxigraph":
            return bench_pyoxigraph(graphs, tmp)
        if engine == "rdflib":
            return _rdflib_bench(graphs, tmp, "Memory")
        try:
            import berkeleydb  # noqa: F401
        except ImportError:
            return {"skipped": "the berkeleydb module is not installed"}
        return _rdflib_bench(graphs, tmp, "BerkeleyDB")


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return ""
    return f"x{value / base:,.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles (~200 quads each)")
    parser.add_argument("--only", choices=ENGINES, help="run one engine here and print JSON")
    args = parser.parse_args(argv)
    if args.only:
        print(json.dumps(run_engine(args.only, args.articles)))
        return 0
    results = {}
    for engine in ENGINES:
        proc = subprocess.run([sys.executable, __file__, "--only", engine,
                               "--articles", str(args.articles)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            results[engine] = {"skipped": proc.stderr.strip().splitlines()[-1]}
        else:
            results[engine] = json.loads(proc.stdout)
    base = results["pyoxigraph"]
    print(f"synthetic graph: {args.articles} articles, {base['quads']:,} quads "
          f"(one named graph per article)\n")
    rows: list[tuple[str, Callable[[dict[str, Any]], float | None]]] = [
        ("load (per-article graph replace)", lambda r: r["load"])]
    for q in base["queries"]:
        rows.append((f"query: {q}", lambda r, q=q: r["queries"].get(q)))
    rows += [("serialise TriG", lambda r: r["serialise"]),
             ("reopen from disk", lambda r: r["reopen"]),
             ("disk size (MB)", lambda r: r["disk_mb"]),
             ("peak RSS (MB)", lambda r: r["peak_rss_mb"])]
    engines = [e for e in ENGINES if "skipped" not in results[e]]
    print(f"{'measure':<38}" + "".join(f"{e:>22}" for e in engines))
    for label, get in rows:
        cells = []
        for e in engines:
            v = get(results[e])
            unit = "" if "MB" in label else " s"
            cells.append("" if v is None else
                         f"{v:,.3f}{unit} {_ratio(v, get(base)) if e != 'pyoxigraph' else ''}")
        print(f"{label:<38}" + "".join(f"{c:>22}" for c in cells))
    for e in ENGINES:
        if "skipped" in results[e]:
            print(f"\n{e}: skipped ({results[e]['skipped']})")
    print("\nrows per query: " + json.dumps({e: results[e].get("rows") for e in engines}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
