"""Pictures of the example articles: a dyad's history, an actor's timeline, the network page.

Run: python examples/plot.py [OUTPUT_DIR]   (default: a new temporary directory)
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import kg
import kg.networks
from kg import plot, viz

ARTICLES = Path(__file__).resolve().parent / "news" / "articles.jsonl"


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    graph = kg.build([ARTICLES])  # in memory
    events = graph.events()
    dated = events[events["date"].notna()]
    dyads = kg.networks.dyad_graph(dated)  # dyads of dated events only
    if dyads.number_of_edges():
        # the busiest dyad, and the timeline of its source
        s, t, _ = max(dyads.edges(data=True), key=lambda e: (e[2]["count"], e[0], e[1]))
        fig = plot.dyad_figure(dated, s, t, freq="D")
        print(f"wrote {plot.save_figure(fig, out_dir / 'dyad.png')}")
        fig = plot.timeline_figure(dated, s)
        print(f"wrote {plot.save_figure(fig, out_dir / 'timeline.png')}")
    page = viz.store_viz(graph.store, out_dir / "graph.html", title="Example articles")
    print(f"wrote {page} (open it in a browser; it works offline)")
    graph.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="kg-plots-")))
