"""Duplicate actors in a store (a script, not a test): issue 3's measure of false splits.

Counts pairs of actor nodes of the same type and the same country (an unknown country matches
only an unknown country) whose names match, and prints each pair:
- same name: a label of one is a label of the other (case and accents folded);
- surname/full name (people only): one node's label is a shorter form of the other's
  (`kg.resolve.is_shorter_form`: "Clinton" / "Hillary Clinton", "Hillary Clinton" /
  "Hillary Rodham Clinton");
- alias: one node's label is one of the other's `skos:altLabel`s (case and accents folded).
States are left out (one IRI per ISO code), and so are the article-scoped groups unless
`--groups` is given: "troops" or "officers" of no known country are scoped to their article by
design (`ActorTable.group` in kg/extract/actors.py), so two such nodes of the same name are two
groups, not a split. `--loose` also pairs a known country with an unknown
one, as `kg.resolve.merge_actors` does. The second figure counts the pairs whose two nodes are
both named in two articles or more (the issue's target: 0 false splits among them), then the pairs
of people of which one node at least is named in two articles or more, and the pairs per type.

    python tests/benchmarks/bench_duplicates.py STORE_DIR [--loose] [--groups] [--quiet]
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kg.resolve import is_shorter_form, name_tokens  # noqa: E402
from kg.store import Store  # noqa: E402

_ACTORS = """
SELECT ?a ?type (SAMPLE(?c) AS ?country) (COUNT(DISTINCT ?art) AS ?articles)
       (GROUP_CONCAT(DISTINCT ?l; separator="\\u001f") AS ?labels)
       (GROUP_CONCAT(DISTINCT ?alt; separator="\\u001f") AS ?aliases)
WHERE {
  ?a kgo:mentionedIn ?art ; a ?cls ; rdfs:label ?l .
  FILTER(STRSTARTS(STR(?cls), STR(kgo:)) && ?cls != kgo:Actor && ?cls != kgo:State)
  BIND(STRAFTER(STR(?cls), STR(kgo:)) AS ?type)
  OPTIONAL { ?a kgo:countryCode ?c }
  OPTIONAL { ?a skos:altLabel ?alt }
} GROUP BY ?a ?type
"""


@dataclass(frozen=True, slots=True)
class Node:
    iri: str
    type: str
    country: str | None
    articles: int
    labels: frozenset[tuple[str, ...]]
    aliases: frozenset[tuple[str, ...]]
    label_text: str


def _split(text: str | None) -> list[str]:
    return [t for t in (text or "").split("\x1f") if t]


def read_nodes(store: Store) -> list[Node]:
    """The non-state actor nodes of `store` with their folded labels and aliases."""
    nodes = []
    for r in store.select(_ACTORS):
        labels = _split(r["labels"])
        nodes.append(Node(
            iri=r["a"], type=r["type"], country=r["country"], articles=r["articles"],
            labels=frozenset(t for t in map(name_tokens, labels) if t),
            aliases=frozenset(t for t in map(name_tokens, _split(r["aliases"])) if t),
            label_text=" / ".join(sorted(labels))))
    return sorted(nodes, key=lambda n: n.iri)


def _article_scoped(node: Node) -> bool:
    key = node.iri.rsplit("/actor/", 1)[-1]
    return key.startswith("group-") and "-in-" in key


def match(a: Node, b: Node) -> str | None:
    """How the names of `a` and `b` match ("surname", "same name", "alias") or None."""
    for x in a.labels:
        for y in b.labels:
            if x == y:
                return "same name"
            if a.type == "Person" and (is_shorter_form(x, y) or is_shorter_form(y, x)):
                return "surname"
    if a.labels & b.aliases or b.labels & a.aliases:
        return "alias"
    return None


def duplicate_pairs(nodes: list[Node], loose: bool = False) -> list[tuple[Node, Node, str]]:
    """Pairs of nodes of the same type and country whose names match, sorted."""
    groups: dict[str, list[Node]] = defaultdict(list)
    for n in nodes:
        groups[n.type].append(n)
    pairs = []
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                same_country = a.country == b.country or (
                    loose and (a.country is None or b.country is None))
                if same_country and (how := match(a, b)):
                    pairs.append((a, b, how))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="a kg store directory")
    parser.add_argument("--loose", action="store_true",
                        help="also pair a known country with an unknown one")
    parser.add_argument("--groups", action="store_true",
                        help="also pair generic groups (article-scoped by design)")
    parser.add_argument("--quiet", action="store_true", help="print only the counts")
    args = parser.parse_args(argv)
    with Store.open(args.store, read_only=True) as store:
        nodes = [n for n in read_nodes(store) if args.groups or not _article_scoped(n)]
    pairs = duplicate_pairs(nodes, loose=args.loose)
    if not args.quiet:
        for a, b, how in pairs:
            print(f"{a.type}\t{a.country or '-'}\t{how}\t{a.label_text} ({a.articles}) "
                  f"<{a.iri}>\t{b.label_text} ({b.articles}) <{b.iri}>")
    named_twice = [p for p in pairs if p[0].articles >= 2 and p[1].articles >= 2]
    people = [p for p in pairs if p[0].type == "Person"]
    people_twice = [p for p in people if max(p[0].articles, p[1].articles) >= 2]
    by_type: dict[str, int] = defaultdict(int)
    for a, _, _ in pairs:
        by_type[a.type] += 1
    print(f"{len(nodes)} actor nodes; {len(pairs)} duplicate pairs ({len(people)} of people); "
          f"{len(named_twice)} pairs of nodes each named in 2+ articles; "
          f"{len(people_twice)} pairs of people with a node named in 2+ articles")
    print("pairs by type: " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
