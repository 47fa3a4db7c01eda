"""Network analysis of the example articles: rankings, communities, dyads, escalations.

Run: python examples/analyse.py
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import kg
import kg.networks
from kg import analytics

ARTICLES = Path(__file__).resolve().parent / "news" / "articles.jsonl"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        graph = kg.build([ARTICLES], Path(tmp) / "store")
        events = graph.events()

        # Who matters: PageRank and betweenness on the actor -> actor event network.
        actors = graph.to_networkx("actors")
        print(f"actor network: {actors.number_of_nodes()} actors, "
              f"{actors.number_of_edges()} coded events between them")
        ranked = analytics.rank_actors(actors)
        print(ranked.reset_index(drop=True).head(8).round(3).to_string(index=False))

        # Dyads: who does what to whom, on balance.
        dyads = graph.to_networkx("dyads")
        print("\nDyads (count, Goldstein sum, cooperation - conflict balance):")
        for s, t, d in sorted(dyads.edges(data=True), key=lambda e: -e[2]["count"])[:8]:
            print(f"  {dyads.nodes[s]['label']} -> {dyads.nodes[t]['label']}: {d['count']}, "
                  f"{d['goldstein_sum']:+.1f}, {d['balance']:+.2f}")

        # Communities of the cooperation network, and the signed graph of relations.
        for i, members in enumerate(analytics.communities(events), 1):
            names = sorted(actors.nodes[m]["label"] for m in members)
            print(f"community {i}: {', '.join(names)}")
        signed = analytics.signed_graph(events)
        hostile = [(signed.nodes[a]["label"], signed.nodes[b]["label"])
                   for a, b, d in signed.edges(data=True) if d["sign"] < 0]
        print(f"\nhostile pairs: {hostile}")

        # A dyad's history per day, an actor's timeline and escalations.
        dated = kg.networks.dyad_graph(events[events["date"].notna()])
        if dated.number_of_edges():  # the busiest dyad with dated events
            s, t, _ = max(dated.edges(data=True), key=lambda e: (e[2]["count"], e[0], e[1]))
            print(f"\n{dyads.nodes[s]['label']} -> {dyads.nodes[t]['label']} per day:")
            print(analytics.dyad_series(events, s, t, freq="D").to_string())
            print(f"\ntimeline of {dyads.nodes[s]['label']}:")
            print(analytics.timeline(events, s)[["date", "role", "other", "cameo",
                                                 "modality"]].to_string(index=False))
            ego = analytics.ego_network(actors, s)
            print(f"\n{dyads.nodes[s]['label']}'s neighbourhood: "
                  f"{sorted(ego.nodes[n]['label'] for n in ego)}")
        print("\nescalations (Goldstein sum drops by more than 5 from one day to the next):")
        print(analytics.escalations(events, threshold=-5.0, freq="D").to_string(index=False))
        graph.close()


if __name__ == "__main__":
    main()
