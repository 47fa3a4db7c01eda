"""The event summary (`kg.summary`): per-event columns computed from all the article graphs,
kept right by incremental writes, removals and a writer killed before it refreshed them."""
from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox

from conftest import SAMPLE, _graph1, _graph2
from kg.store import SUMMARY_STALE, Store
from kg.summary import BUCKETS, is_summary_graph, summary_graph, summary_nquads
from kg.vocab import ID, KGO, SEM, XSD


def _summary(store: Store) -> dict[str, dict[str, object]]:
    """event IRI -> {summary property local name: python value}."""
    out: dict[str, dict[str, object]] = {}
    for q in store.quads():
        if is_summary_graph(q.graph_name.value):
            value = q.object.value
            if isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("integer"):
                value = int(value)
            out.setdefault(q.subject.value, {})[q.predicate.value[len(KGO):]] = value
    return out


def _summary_nquads(store: Store) -> bytes:
    """The summary graphs as the engine writes them, graph by graph in IRI order (an in-memory
    store writes a graph's triples in the order they came: those are sorted)."""
    dumps = [store.inner.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.NamedNode(g))
             for g in store.graphs() if is_summary_graph(g)]
    if store.path is None:
        dumps = [b"".join(sorted(d.splitlines(keepends=True))) for d in dumps]
    return b"".join(dumps)


def _store(*graphs: tuple[str, list], path: Path | None = None) -> Store:
    store = Store.memory() if path is None else Store.open(path, create=True)
    for g, quads in graphs:
        store.replace_graph(g, quads)
    store.refresh_summary()
    return store


def test_an_event_two_articles_report_counts_both(sample_store):
    threat = _summary(sample_store)[SAMPLE.threat]
    assert threat["reportCount"] == 2 and threat["articleCount"] == 2
    # the first mention: voa-001's (article ids compared before offsets)
    assert threat["firstMention"].startswith(ID + "mention/voa-001/")
    assert threat["sourceList"] == SAMPLE.trump
    assert threat["typeName"] == "Threat"


def test_an_event_one_article_reports(sample_store):
    strike = _summary(sample_store)[SAMPLE.strike]
    assert strike["reportCount"] == 1 and strike["articleCount"] == 1
    assert strike["firstMention"].startswith(ID + "mention/voa-001/")


def _dated(quads: list[ox.Quad], begin: str, end: str, basis: str) -> list[ox.Quad]:
    """An article graph whose report of the threat has these days and date basis."""
    dated = (SEM + "hasBeginTimeStamp", SEM + "hasEndTimeStamp", KGO + "dateBasis")
    out = [q for q in quads
           if not (q.subject.value == SAMPLE.threat and q.predicate.value in dated)]
    threat, day = ox.NamedNode(SAMPLE.threat), ox.NamedNode(XSD + "date")
    return out + [ox.Quad(threat, ox.NamedNode(p), value, quads[0].graph_name) for p, value in zip(
        dated, (ox.Literal(begin, datatype=day), ox.Literal(end, datatype=day), ox.Literal(basis)))]


def test_an_events_least_days_and_date_basis_are_over_all_its_reports(tmp_path):
    """`kgo:leastBegin`/`kgo:leastEnd`/`kgo:leastDateBasis`: the least of the event's values
    over every graph (what event_details.rq grouped for), absent for an undated event, and
    kept right by a rewrite that changes only a day."""
    store = _store((SAMPLE.g1, _dated(_graph1(), "2026-01-08", "2026-01-09", "stated")),
                   (SAMPLE.g2, _dated(_graph2(), "2026-01-07", "2026-01-12", "publication")),
                   path=tmp_path / "store")
    threat = _summary(store)[SAMPLE.threat]
    assert (threat["leastBegin"], threat["leastEnd"], threat["leastDateBasis"]) == (
        "2026-01-07", "2026-01-09", "publication")
    assert not {"leastBegin", "leastEnd", "leastDateBasis"} & set(_summary(store)[SAMPLE.strike])
    store.replace_graph(SAMPLE.g2, _dated(_graph2(), "2026-01-10", "2026-01-12", "stated"))
    store.refresh_summary()
    threat = _summary(store)[SAMPLE.threat]
    assert (threat["leastBegin"], threat["leastEnd"], threat["leastDateBasis"]) == (
        "2026-01-08", "2026-01-09", "stated")
    fresh = _store((SAMPLE.g1, _dated(_graph1(), "2026-01-08", "2026-01-09", "stated")),
                   (SAMPLE.g2, _dated(_graph2(), "2026-01-10", "2026-01-12", "stated")),
                   path=tmp_path / "fresh")
    assert _summary_nquads(store) == _summary_nquads(fresh)
    store.close()
    fresh.close()


def _first_mention_columns(store: Store) -> dict[str, tuple]:
    """event -> its first mention's (article id, start, end, sentence text), looked up."""
    rows = store.select("""SELECT ?e ?aid ?start ?end ?text WHERE {
        ?e kgo:firstMention ?m . ?m kgo:inArticle/kgo:articleId ?aid ;
        kgo:startOffset ?start ; kgo:endOffset ?end .
        OPTIONAL { ?m kgo:inSentence/kgo:sentenceText ?text } }""")
    return {r["e"]: (r["aid"], r["start"], r["end"], r["text"]) for r in rows}


def test_the_first_mentions_article_offsets_and_sentence_are_on_the_event(tmp_path):
    """`kgo:firstArticleId`/`firstStart`/`firstEnd`/`firstSentenceText`: what the event table
    shows of the first mention, kept right when only a sentence's text is rewritten."""
    store = _store((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()), path=tmp_path / "store")
    looked_up = _first_mention_columns(store)
    summary = _summary(store)
    assert looked_up and {e: (summary[e]["firstArticleId"], summary[e]["firstStart"],
                              summary[e]["firstEnd"], summary[e].get("firstSentenceText"))
                          for e in looked_up} == looked_up
    # a rewrite of voa-001 that changes only the text of the threat's first sentence
    first = summary[SAMPLE.threat]["firstSentenceText"]
    text = ox.NamedNode(KGO + "sentenceText")
    changed = [ox.Quad(q.subject, q.predicate, ox.Literal("Changed."), q.graph_name)
               if q.predicate == text and q.object.value == first else q for q in _graph1()]
    assert changed != _graph1()
    store.replace_graph(SAMPLE.g1, changed)
    store.refresh_summary()
    assert _summary(store)[SAMPLE.threat]["firstSentenceText"] == "Changed."
    fresh = _store((SAMPLE.g1, changed), (SAMPLE.g2, _graph2()), path=tmp_path / "fresh")
    assert _summary_nquads(store) == _summary_nquads(fresh)
    store.close()
    fresh.close()


def test_every_event_with_evidence_has_one_summary_in_its_bucket(sample_store):
    events, actors = ({q.subject.value for q in sample_store.inner.quads_for_pattern(
        None, ox.NamedNode(KGO + p), None, ox.DefaultGraph())}
        for p in ("modality", "mentionCount"))
    summary = _summary(sample_store)
    assert set(summary) == events | actors and not events & actors
    assert all(set(summary[a]) == {"mentionTotal", "mentionArticleCount"} for a in actors)
    for q in sample_store.quads():
        if is_summary_graph(q.graph_name.value):
            assert q.graph_name.value == summary_graph(q.subject.value)
    assert all(0 <= int(summary_graph(e)[-2:]) < BUCKETS for e in events)


def test_an_actor_sums_its_mentions_over_the_article_graphs(sample_store):
    summary = _summary(sample_store)
    # Trump: 2 mentions in voa-001, 1 in voa-002; Mexico 2 and 3; the army only in voa-002
    assert (summary[SAMPLE.trump]["mentionTotal"], summary[SAMPLE.trump]["mentionArticleCount"]
            ) == (3, 2)
    assert (summary[SAMPLE.mex]["mentionTotal"], summary[SAMPLE.mex]["mentionArticleCount"]
            ) == (5, 2)
    assert (summary[SAMPLE.army]["mentionTotal"], summary[SAMPLE.army]["mentionArticleCount"]
            ) == (1, 1)


def test_a_mention_count_outside_an_article_graph_is_not_summed(tmp_path):
    """Only the graphs a kgo:namedGraph triple names are article graphs (as actors.rq reads
    them): a count in another graph (a copy, a union graph) adds nothing, incrementally or not."""
    other = ID + "graph/other"
    extra = [ox.Quad(ox.NamedNode(SAMPLE.trump), ox.NamedNode(KGO + "mentionCount"),
                     ox.Literal("40", datatype=ox.NamedNode(XSD + "integer")), ox.NamedNode(other))]
    store = _store((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()), path=tmp_path / "s")
    full = _summary_nquads(store)
    store.replace_graph(other, extra)
    store.refresh_summary()
    assert _summary(store)[SAMPLE.trump]["mentionTotal"] == 3
    assert _summary_nquads(store) == full
    fresh = _store((other, extra), (SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()),
                   path=tmp_path / "fresh")
    assert _summary_nquads(fresh) == full
    store.close()
    fresh.close()


def test_removing_an_article_gives_the_summary_of_the_rest(sample_store):
    sample_store.remove_articles([SAMPLE.a1])
    only_second = _store((SAMPLE.g2, _graph2()))
    assert _summary_nquads(sample_store) == _summary_nquads(only_second)
    threat = _summary(sample_store)[SAMPLE.threat]
    assert threat["reportCount"] == 1 and threat["firstMention"].startswith(
        ID + "mention/voa-002/")
    assert SAMPLE.strike not in _summary(sample_store)
    trump = _summary(sample_store)[SAMPLE.trump]
    assert (trump["mentionTotal"], trump["mentionArticleCount"]) == (1, 1)


def test_incremental_writes_give_the_full_recompute_byte_for_byte(tmp_path):
    fresh = _store((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()), path=tmp_path / "full")
    full = _summary_nquads(fresh)
    # the same articles written the other way round, one rewritten, one removed and restored
    store = _store((SAMPLE.g2, _graph2()), path=tmp_path / "incremental")
    store.replace_graph(SAMPLE.g1, _graph1()[:10])
    store.refresh_summary()
    store.replace_graph(SAMPLE.g1, _graph1())
    store.remove_articles([SAMPLE.a2])
    store.replace_graph(SAMPLE.g2, _graph2())
    assert _summary_nquads(store) == full
    # and what the store holds is what the pass computes
    computed = {g: t for g, t in summary_nquads(store).items() if t}
    assert sorted(computed) == [g for g in store.graphs() if is_summary_graph(g)]
    assert summary_nquads(store) == summary_nquads(fresh)
    assert _exported(store) == _exported(fresh)
    store.close()
    fresh.close()


def _exported(store: Store) -> bytes:
    """The store's N-Quads export."""
    buf = io.BytesIO()
    store.export(buf, "nq")
    return buf.getvalue()


def test_the_summary_is_the_same_whatever_its_write_batches(tmp_path, monkeypatch):
    """A first write goes in batches bounded by bytes (bulk-loaded past `BULK_BYTES`): one
    graph per batch, each bulk-loaded, gives the same store as the default batches."""
    import kg.store
    from kg import summary

    graphs = ((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()))
    default = _store(*graphs, path=tmp_path / "default")
    monkeypatch.setattr(summary, "WRITE_BYTES", 1)
    monkeypatch.setattr(kg.store, "BULK_BYTES", 0)
    loaded: list[int] = []
    small = _store(path=tmp_path / "small")
    monkeypatch.setattr(small, "inner", _Spy(small.inner, loaded))
    for g, quads in graphs:
        small.replace_graph(g, quads)
    small.refresh_summary()
    assert len(loaded) > 2  # the articles, then the summary graphs one by one
    assert _summary_nquads(small) == _summary_nquads(default) != b""
    default.close()
    small.close()


def test_a_summary_pass_that_reopens_the_engine_after_each_batch_writes_the_same(
        tmp_path, monkeypatch):
    """`write_summary` releases the engine's memory after each write batch (`Store.release_memory`:
    the engine closed and reopened): one graph per batch gives the same summary, and the store
    reads and writes as before."""
    import kg.store
    from kg import summary

    graphs = ((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()))
    default = _store(*graphs, path=tmp_path / "default")
    default.refresh_summary()
    monkeypatch.setattr(summary, "WRITE_BYTES", 1)
    monkeypatch.setattr(kg.store, "RELEASE_BYTES", 0)  # as if the store were large
    small = Store.open(tmp_path / "small", create=True)
    for g, quads in graphs:
        small.replace_graph(g, quads)  # the summary is computed by the refresh below
    opened: list[Path] = []
    open_inner = Store._open_inner

    def counted(root: Path, read_only: bool) -> ox.Store:
        opened.append(root)
        return open_inner(root, read_only)

    monkeypatch.setattr(Store, "_open_inner", staticmethod(counted))
    small.refresh_summary()
    assert len(opened) > 2  # the engine reopened after each batch
    assert _summary_nquads(small) == _summary_nquads(default) != b""
    small.remove_articles([SAMPLE.a2])
    small.replace_graph(SAMPLE.g2, _graph2())
    assert _exported(small) == _exported(default)
    default.close()
    small.close()


def test_an_engine_held_elsewhere_or_small_is_not_reopened(tmp_path, monkeypatch):
    import kg.store

    store = _store((SAMPLE.g1, _graph1()), path=tmp_path / "held")
    engine = store.inner
    store.release_memory()  # a small store: its caches are small, nothing to gain
    assert store.inner is engine
    del engine
    monkeypatch.setattr(kg.store, "RELEASE_BYTES", 0)
    held = store.inner
    store.release_memory()  # another holder keeps RocksDB's lock: only the freed memory goes
    assert store.inner is held
    assert len(store) > 0
    del held
    store.close()
    memory = Store.memory()
    engine = memory.inner
    memory.release_memory()  # nothing to reopen
    assert memory.inner is engine


class _Spy:
    """A pyoxigraph store that counts its bulk loads."""

    def __init__(self, inner: ox.Store, calls: list[int]) -> None:
        self._inner, self._calls = inner, calls

    def bulk_load(self, *args, **kwargs):
        self._calls.append(1)
        return self._inner.bulk_load(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def test_a_write_marks_the_summary_stale_until_it_is_refreshed(tmp_path):
    path = tmp_path / "store"
    store = Store.open(path, create=True)
    store.replace_graph(SAMPLE.g1, _graph1())
    assert (path / SUMMARY_STALE).is_file()  # written before the graph changed
    # the writer dies before its summary is written: the store is dropped, never closed
    store.inner = None  # type: ignore[assignment]
    del store
    with Store.open(path, read_only=True) as reopened:  # repaired on the way in
        assert not (path / SUMMARY_STALE).is_file()
        assert SAMPLE.strike in _summary(reopened)
    with Store.open(path) as store:
        store.replace_graph(SAMPLE.g2, _graph2())
        # a query of the writer sees the new article's events counted
        rows = store.select("SELECT ?n WHERE { ?e kgo:reportCount ?n }", {"e": ox.NamedNode(
            SAMPLE.threat)})
        assert rows == [{"n": 2}]
    assert not (path / SUMMARY_STALE).is_file()


def test_the_summary_properties_are_vocabulary_terms():
    from kg import summary, vocab

    assert {f"kgo:{p}" for p in summary.PROPERTIES} <= set(vocab.PROPERTIES)


def test_a_refresh_after_a_few_writes_recomputes_only_their_events(tmp_path, monkeypatch):
    import kg.summary as summary

    store = _store((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()), path=tmp_path / "store")
    full = _summary_nquads(store)
    # from now on a whole-store pass is an error: the touched events are known
    monkeypatch.setattr(summary, "iter_summary", lambda s: (_ for _ in ()).throw(
        AssertionError("whole-store pass")))
    # voa-001's events, and the actors it mentions (their totals change)
    touched_buckets = {summary_graph(e) for e in (SAMPLE.threat, SAMPLE.strike, SAMPLE.usa,
                                                  SAMPLE.mex, SAMPLE.trump)}
    written: list[str] = []
    replace = store.replace_graphs

    def spy(items, **kw):
        items = list(items)
        written.extend(g for g, _ in items if is_summary_graph(g))
        return replace(items, **kw)

    monkeypatch.setattr(store, "replace_graphs", spy)
    store.remove_articles([SAMPLE.a1])
    store.refresh_summary()
    assert set(written) <= touched_buckets and written
    assert SAMPLE.strike not in _summary(store)
    store.replace_graph(SAMPLE.g1, _graph1())
    store.refresh_summary()
    assert _summary_nquads(store) == full
    store.close()


def test_a_store_made_before_the_summary_gets_it_at_its_next_open(tmp_path):
    path = tmp_path / "old"
    store = Store.open(path, create=True)
    for graph, quads in ((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2())):
        # written as a store without the summary was: the graphs and their union only
        store.inner.extend([ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
                            for q in quads])
    store.rebuild_union()
    store.close()
    raw = ox.Store.read_only(str(path / "oxigraph"))
    assert not any(is_summary_graph(g.value) for g in raw.named_graphs())
    del raw
    with Store.open(path, read_only=True) as reopened:
        summary = _summary(reopened)
    assert summary[SAMPLE.threat]["reportCount"] == 2
    fresh = _store((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()))
    assert summary == _summary(fresh)


def test_a_summary_an_older_kg_wrote_is_computed_again_at_the_next_open(tmp_path):
    """A store whose summary has no actor totals (written before `kg.summary.VERSION` 2, its
    digests in `kg-summary.json`) gets them at its next open, even a read-only one."""
    from kg.store import SUMMARY_DIGESTS

    path = tmp_path / "old"
    store = _store((SAMPLE.g1, _graph1()), (SAMPLE.g2, _graph2()), path=path)
    want = _summary(store)
    for g in [g for g in store.graphs() if is_summary_graph(g)]:  # as version 1 wrote them
        for q in list(store.inner.quads_for_pattern(None, None, None, ox.NamedNode(g))):
            if q.predicate.value in (KGO + "mentionTotal", KGO + "mentionArticleCount"):
                store.inner.remove(q)
                store.inner.remove(ox.Quad(q.subject, q.predicate, q.object))
    store.close()
    (path / SUMMARY_DIGESTS).rename(path / "kg-summary.json")
    with Store.open(path, read_only=True) as reopened:
        assert _summary(reopened) == want
    assert (path / SUMMARY_DIGESTS).is_file()


def test_an_article_graphs_actor_seeds_are_what_the_aggregate_sums():
    """The workers' actor seeds (`_actor_seeds`): the sum of the integer mention counts of a
    graph that names itself; undecidable (`#?`) when the graph is not named in its own text or
    a count is not read; other datatypes left out, as `_ACTOR_TOTALS` leaves them."""
    from kg.summary import _actor_seeds

    g, other = f"<{ID}graph/a>", f"<{ID}graph/b>"
    count = f"<{KGO}mentionCount>"
    integer = f"^^<{XSD}integer>"

    def text(graph, *lines):
        return "".join(f"{line} {graph} .\n" for line in lines).encode()

    named = f"<{ID}article/a> <{KGO}namedGraph> {g}"
    seeds = _actor_seeds(text(g, named, f'<{ID}actor/x> {count} "3"{integer}',
                              f'<{ID}actor/x> {count} "+2"{integer}',
                              f'<{ID}actor/y> {count} "2"', f'<{ID}actor/z> {count} "2.0"{integer}'))
    assert seeds == {f"{ID}actor/x": "#5", f"{ID}actor/z": "#?"}
    assert _actor_seeds(text(other, named, f'<{ID}actor/x> {count} "3"{integer}')) == {
        f"{ID}actor/x": "#?"}
    assert _actor_seeds(text(g, named)) == {}
