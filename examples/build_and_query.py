"""Build the graph of the example articles in a temporary store and query it.

Run: python examples/build_and_query.py
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import kg

ARTICLES = Path(__file__).resolve().parent / "news" / "articles.jsonl"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # Build: parse, extract and store every article (one named graph per article).
        graph = kg.build([ARTICLES], Path(tmp) / "store")
        print(f"{len(graph.article_ids())} articles: {', '.join(graph.article_ids())}")

        # The event table: one row per event, source/target as lists of actor dicts.
        events = graph.events()
        print(f"\n{len(events)} events; the coded ones:")
        coded = events[events["cameo"].notna()]
        for row in coded.itertuples():
            source = ", ".join(a["label"] for a in row.source) or "?"
            target = ", ".join(a["label"] for a in row.target) or "?"
            date = row.date if isinstance(row.date, str) else "undated"
            print(f"  {date:10}  {row.cameo:>4} {row.type:<20} "
                  f"{source} -> {target}  [{row.modality}]")

        # Filters: threats only (CAMEO root 13).
        threats = graph.events(cameo_root="13")
        print(f"\n{len(threats)} threats (CAMEO 13x)")

        # The actor table.
        actors = graph.actors()
        print("\nMost mentioned actors:")
        print(actors[["label", "type", "country", "code", "mentions"]].head(8).to_string(
            index=False))

        # A saved query by name (see `kg query --list`) and an inline SPARQL query.
        stances = graph.query_df("stances")
        print(f"\n{len(stances)} stances")
        for row in stances.itertuples():
            about = row.target_label or row.target_action
            print(f"  {row.holder_label}: {row.kind} about {about}")
        rows = graph.query("""
            SELECT ?label (COUNT(DISTINCT ?event) AS ?n) WHERE {
              ?event kgo:source ?actor . ?actor rdfs:label ?label .
            } GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 3""")
        print("\nMost active sources:", ", ".join(f"{r['label']} ({r['n']})" for r in rows))

        # The same graph as rdflib, for any other RDF tool.
        dataset = graph.to_rdflib()
        print(f"\nrdflib: {len(dataset)} triples in the default graph, "
              f"{sum(1 for _ in dataset.quads())} quads in all")
        graph.close()


if __name__ == "__main__":
    main()
