"""The build pipeline: ingest -> nlp -> extract -> map to RDF -> store.

The per-article work (`article_to_nquads`) is a pure function of the article and the loaded
pipeline/knowledge, so it can run in worker processes (here) or on a distributed engine.
Input is streamed: at most a bounded window of articles is in flight, whatever the input size.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import iri, names
from kg.gazetteer import load_gazetteer
from kg.ingest import count_records, read_articles
from kg.nlp import BATCH_SIZE, DEFAULT_MODEL, load_pipeline, parse
from kg.resolve import MergeReport, PersonTable, merge_actors, person_rows, settle_countries
from kg.summary import SummarySeeds
from kg.types import Article, BadRecord

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

    from kg.store import Store

__all__ = ["BuildSummary", "ArticleResult", "build", "process_articles", "extract_article"]

#: articles (or bytes of N-Quads) written to the store at once; a batch is one journaled write.
#: The engine's bulk load holds about its batch's size again while it sorts: 8 MB batches
#: (about 30 VOA articles) keep the build's peak memory 100 MB under 16 MB ones, for the same
#: CPU (measured on 2,500 articles)
WRITE_BATCH = 64
WRITE_BATCH_BYTES = 8_000_000
#: how many times smaller the batches are once the workers hold the last articles
#: (`process_articles`' `on_drain`): the last batch is written after the last result, on the
#: build's critical path
DRAIN_DIVISOR = 4
#: batches written ahead of the store: parsing goes on while the writer thread writes
WRITE_QUEUE = 2
#: articles per task sent to a worker process: small, so that at the end of the input one
#: worker does not finish a long last chunk while the others idle (parsing is as fast in
#: chunks of 4 as of 16: measured on VOA)
CHUNK = 8
#: chunks of articles in flight per worker process (so that no worker waits for work)
WINDOW = 4
#: chunks a worker process does before the pool replaces it with a fresh fork of the server:
#: what a worker accumulates (the parser's string store, the heap's fragments, the coder's
#: caches) then never outgrows about this many articles (CHUNK x this), so its peak memory
#: does not grow with the input (2,500 VOA articles: the largest worker 1.11x that of 250 without,
#: 1.03-1.06x with); a VOA build (about 37 chunks over two workers) replaces none
WORKER_CHUNKS = 24


@dataclass(slots=True)
class BuildSummary:
    """What one build did."""

    articles: int = 0
    events: int = 0  # events read, one per article reporting it
    events_in_store: int = 0  # distinct event nodes in the store afterwards (as `kg stats`)
    actors: int = 0
    triples: int = 0
    skipped: int = 0
    merged: int = 0
    undated: int = 0  # articles built without a date (their events have no publication date)
    seconds: float = 0.0
    bad: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.articles} articles, {self.events_in_store} events in store "
            f"({self.events} read; an event reported by several articles is one event), "
            f"{self.actors} actors, "
            f"{self.triples} triples in store, {self.skipped} skipped, "
            f"{self.merged} actors merged, "
            + (f"{self.undated} articles without a date, " if self.undated else "")
            + f"{self.seconds:.1f} s"
        )


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """The output of the per-article function: the article's graph and a few counts."""

    article_id: str
    nquads: bytes
    events: int
    actors: tuple[str, ...]
    #: set when this article could not be built: the build reports it and goes on
    failure: BadRecord | None = None
    #: the event summary's lines of the graph's events as if it were the only graph
    #: (`kg.summary.article_seeds`): a new store's summary pass looks up only the rest
    seeds: bytes = b""
    #: what the graph says of its person nodes (`kg.resolve.person_rows`): a new store's
    #: actor merge reads them instead of the store (`kg.resolve.PersonTable`); None (a result
    #: made without them): not known, so the merge reads the store
    persons: tuple[tuple[str, int, str], ...] | None = None


def extract_article(article: Article, doc, nlp: Language | None = None):
    """Article + its parsed Doc -> `Extraction` (see `kg.extract`)."""
    from kg.extract import extract

    return extract(article, doc)


def article_to_result(article: Article, doc) -> ArticleResult:
    """The pure per-article function: article and its parse in, its graph out."""
    from kg.mapping import actor_node, article_graph
    from kg.summary import SEED_PREDICATES, article_seeds

    extraction = extract_article(article, doc)
    nquads, read = article_graph(extraction, SEED_PREDICATES)
    return ArticleResult(
        article_id=article.id,
        nquads=nquads,
        events=len(extraction.events),
        actors=tuple(actor_node(a.key, a.kind).value for a in extraction.actors),
        seeds=article_seeds(nquads, read),
        persons=person_rows(nquads),
    )


def _failed(article: Article, stage: str, err: BaseException) -> ArticleResult:
    """The result of an article that could not be built: a bad record naming it, no graph."""
    why = (f"article {article.id!r}: {stage} failed ({type(err).__name__}: {err}); the rest of "
           "the input is built; please report this record as a bug")
    return ArticleResult(article.id, b"", 0, (), failure=BadRecord(article.origin, why))


def _one_article(nlp: Language, article: Article, doc=None) -> ArticleResult:
    """One article through parse (unless `doc` is given) and extraction, its failure caught."""
    try:
        if doc is None:
            doc = next(iter(parse(nlp, [article.text], batch_size=1)))
    except Exception as err:  # one article's parse must not abort the build
        return _failed(article, "parsing", err)
    try:
        return article_to_result(article, doc)
    except Exception as err:  # nor a coder bug on one article: reported, skipped
        return _failed(article, "extraction", err)


def run_chunk(nlp: Language, articles: list[Article]) -> list[ArticleResult]:
    """A batch of articles through the loaded pipeline (also the task of `kg.cluster`).

    An article whose parse or extraction raises becomes a result with a `failure` (reported
    and skipped by `build`); when the batched parse fails, each article is parsed alone so
    that only the culprit is lost."""
    try:
        docs = list(parse(nlp, (a.text for a in articles), batch_size=BATCH_SIZE))
    except Exception:  # find the culprit: one article at a time
        return [_one_article(nlp, a) for a in articles]
    return [_one_article(nlp, a, d) for a, d in zip(articles, docs)]



_WORKER_NLP: Language | None = None
_WORKER_ERROR: Exception | None = None
_WORKER_MODEL: str | None = None
#: the environment variable naming the pipeline the workers' fork server loads (`kg._preload`)
PRELOAD_ENV = "KG_PRELOAD_MODEL"
#: a short article run through the loaded pipeline and the coder once in the fork server: the
#: data the coder reads on first use (lexicons, tables) is then read once, not once per worker
_WARM_UP = Article(id="kg-warm-up", date=dt.date(2020, 1, 6), origin="kg.pipeline",
                   text="On Monday, the French president met Russian officials in Moscow. "
                        "He said that Paris would impose new sanctions.")


def _init_worker(model: str) -> None:
    """Load the pipeline (and the gazetteer the coder reads) once per worker process, unless
    the fork server it was forked from has loaded it. A failure is kept and raised by the
    first task, so the build stops with its message (an initializer that raised would be
    restarted by the pool for ever)."""
    global _WORKER_NLP, _WORKER_ERROR, _WORKER_MODEL
    if _WORKER_MODEL == model:
        return  # loaded (or failed) in the fork server
    _WORKER_MODEL, _WORKER_NLP, _WORKER_ERROR = model, None, None
    try:
        _WORKER_NLP = load_pipeline(model)
        load_gazetteer()
    except Exception as err:
        _WORKER_ERROR = err


def preload_worker(model: str) -> None:
    """What the fork server of the worker processes does once (`kg._preload`): load the
    pipeline and the gazetteer, and run the coder on a short article so that its data is
    read; each worker forked from the server starts with all of it."""
    _init_worker(model)
    if _WORKER_NLP is not None:
        run_chunk(_WORKER_NLP, [_WARM_UP])


def _worker_chunk(articles: list[Article]) -> list[ArticleResult]:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    assert _WORKER_NLP is not None
    return run_chunk(_WORKER_NLP, articles)


def _fork_server(model: str) -> tuple[Any, bool]:
    """The multiprocessing context of the worker processes, and whether this call started its
    server: workers fork from a server process that loaded the pipeline once (`kg._preload`)
    instead of each starting Python and loading spaCy and kg's data (about 1.5 CPU s each);
    the server never opens the store, so no process that holds RocksDB is forked."""
    if "forkserver" not in mp.get_all_start_methods():  # Windows: each worker loads it
        return mp.get_context("spawn"), False
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    started = getattr(forkserver._forkserver, "_forkserver_pid", 0) is None
    if started:
        ctx.set_forkserver_preload(["kg._preload"])
        before = os.environ.get(PRELOAD_ENV)
        os.environ[PRELOAD_ENV] = model  # read by the server as it starts (it gets a copy)
        try:
            forkserver.ensure_running()
        finally:
            if before is None:
                del os.environ[PRELOAD_ENV]
            else:
                os.environ[PRELOAD_ENV] = before
    return ctx, started


def _stop_fork_server() -> None:
    """Stop the fork server this build started: it holds a loaded pipeline (a few hundred MB)
    that nothing needs once the pool is closed."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


def _chunks(items: Iterable[Article], size: int, last: int = 0) -> Iterator[list[Article]]:
    """`items` in lists of `size`; the last `last` items (read ahead) in lists of a quarter of
    that, so that at the end of the input the workers finish together."""
    it = iter(items)
    ahead: deque[Article] = deque(islice(it, last))
    for item in it:
        ahead.append(item)
        if len(ahead) >= last + size:
            yield [ahead.popleft() for _ in range(size)]
    while len(ahead) > last:
        yield [ahead.popleft() for _ in range(min(size, len(ahead) - last))]
    small = max(1, size // 4)
    while ahead:
        yield [ahead.popleft() for _ in range(min(small, len(ahead)))]


def process_articles(
    articles: Iterable[Article], *, model: str = DEFAULT_MODEL, workers: int = 1,
    nlp: Language | None = None, cluster: str | None = None,
    on_drain: Callable[[], None] | None = None,
) -> Iterator[ArticleResult]:
    """Parse and extract articles in order, with `workers` processes, streaming; `cluster`
    (`local:N` or a Dask scheduler address) runs them on a Dask cluster (`kg.cluster`).
    `on_drain` is called once every article has been handed to the workers (the results
    still to come are those of the last tasks)."""
    if cluster is not None:
        from kg.cluster import connect, process_on_cluster

        with connect(cluster) as client:
            yield from process_on_cluster(articles, client, model=model)
        return
    if workers <= 1:
        nlp = nlp or load_pipeline(model)
        for chunk in _chunks(articles, BATCH_SIZE):
            yield from run_chunk(nlp, chunk)
        return
    # the workers' fork server loads the pipeline (a missing model stops the build at the first
    # result, with its message): the main process never loads spaCy
    ctx, started = _fork_server(model)
    try:
        # (spawned workers load the pipeline themselves: replacing one would cost seconds)
        recycle = WORKER_CHUNKS if ctx.get_start_method() == "forkserver" else None
        with ctx.Pool(workers, initializer=_init_worker, initargs=(model,),
                      maxtasksperchild=recycle) as pool:
            pending: deque = deque()
            for chunk in _chunks(articles, CHUNK, last=CHUNK * workers):
                pending.append(pool.apply_async(_worker_chunk, (chunk,)))
                while len(pending) >= WINDOW * workers:
                    yield from pending.popleft().get()
            if on_drain is not None:
                on_drain()
            while pending:
                yield from pending.popleft().get()
    finally:
        if started:
            _stop_fork_server()


class _Background:
    """`fn()` run on a daemon thread; `result()` waits for it (and raises its error)."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._box: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._box["value"] = fn()
        except BaseException as err:  # handed over by result()
            self._box["error"] = err

    def result(self) -> Any:
        self._thread.join()
        if "error" in self._box:
            raise self._box["error"]
        return self._box["value"]


class _StoreWriter:
    """Writes batches of article graphs on a thread of its own (the engine releases the GIL),
    at most `WRITE_QUEUE` batches behind, so the main thread goes on feeding the workers; in
    order, each batch one `Store.replace_graphs` call (journaled). An error stops the writer
    and is raised by the next `put` or by `close`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queue: queue.Queue = queue.Queue(maxsize=WRITE_QUEUE)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kg-store-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from kg.store import release_freed_memory

        while (item := self._queue.get()) is not None:
            batch, summary = item
            if self._error is None:
                try:
                    self.store.replace_graphs(batch, validate=False, summary=summary)
                except BaseException as err:  # raised in the main thread
                    self._error = err
                del batch, summary, item
                release_freed_memory()  # what the batch's load freed (else kept by malloc)

    def put(self, batch: list[tuple[str, bytes]], summary: bytes = b"") -> None:
        """Queue a batch of graphs (and the summary lines written with them, see
        `Store.replace_graphs`)."""
        if self._error is not None:
            self.close()
        self._queue.put((batch, summary))

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            err, self._error = self._error, None
            raise err


def _end_passes(store: Store, gazetteer, seeds: SummarySeeds | None = None,
                persons: PersonTable | None = None) -> tuple[MergeReport, dict[str, Any]]:
    """The passes over the whole store once every article is in: actor merge, countries,
    event summary, then compaction and statistics at once: the compaction (the engine's, which
    releases the GIL) on a thread of its own, on the core the workers left idle, while the
    counts are computed (they read; the store ends as compact as after a compaction alone,
    which the queries need: compacting before the summary's writes left VOA's saved queries
    15% slower). With `seeds` (every graph of the store written once by this build), the
    summary takes the workers' lines of the events only one graph states and that the passes
    did not rewrite, and looks up the others. With `persons` (the same condition), the actor
    merge takes the person nodes from it instead of scanning the store."""
    from kg.store import release_freed_memory

    if seeds is not None:
        store.track_touched()  # what the passes rewrite: looked up again
    # each pass starts with the engine's caches empty (`Store.release_memory`): they fill with
    # what a pass reads, so the passes' memory would otherwise grow with the store
    store.release_memory()
    # one node per person across the store
    merged = merge_actors(store, persons.nodes(store) if persons is not None and persons.complete
                          else None)
    store.release_memory()
    settle_countries(store, gazetteer)  # one country per actor, from all its evidence
    store.release_memory()
    store.refresh_summary(seeds)  # the per-event columns of the event table (`kg.summary`)
    store.release_memory()
    compaction = _Background(store.inner.optimize) if store.path is not None else None
    try:
        stats = store.stats()  # computed once here, cached for `kg stats`
        release_freed_memory()  # what the counts freed (the engine is compacting: not reopened)
        names.save(store)  # the name index too (`kg.names`; else the store's close does it)
    finally:
        if compaction is not None:
            compaction.result()
    store.checkpoint()
    return merged, stats


def build(
    sources: Iterable[str | Path],
    store: Store,
    *,
    model: str = DEFAULT_MODEL,
    workers: int = 1,
    default_date: dt.date | None = None,
    progress: bool = False,
    on_bad: Callable[[BadRecord], None] | None = None,
    nlp: Language | None = None,
    on_undated: Callable[[Article], None] | None = None,
    cluster: str | None = None,
) -> BuildSummary:
    """Build the graphs of all articles in `sources` into `store`; returns a summary.

    Bad records are passed to `on_bad` (default: printed to stderr as `file:line: why`) and
    skipped; building an article again replaces its graph. An article with no date (no "date"
    field, no dateline, no `default_date`) is built, and passed to `on_undated` (default: a
    warning line on stderr): only its stated dates can date its events. `cluster` runs the per-article
    work on a Dask cluster (`local:N` or `tcp://HOST:PORT`, see `kg.cluster`).
    """
    summary = BuildSummary()
    started = time.perf_counter()
    report = on_bad or (lambda bad: print(f"kg: skipped {bad}", file=sys.stderr))
    warn = on_undated or (lambda a: print(
        f"kg: warning: {a.origin}: article {a.id!r} has no date (no date field or dateline); "
        "its events get only the dates its text states: give one with --date YYYY-MM-DD",
        file=sys.stderr))

    def good_articles() -> Iterator[Article]:
        for record in read_articles(list(sources), default_date=default_date):
            if isinstance(record, BadRecord):
                summary.skipped += 1
                if bar is not None:
                    bar.update(1)  # counted in the total
                if len(summary.bad) < 1000:
                    summary.bad.append(str(record))
                report(record)
            else:
                if record.date is None:
                    summary.undated += 1
                    warn(record)
                yield record

    bar = None
    if progress:
        from tqdm import tqdm

        sources = list(sources)
        bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True,
                   total=count_records(sources))
    actors: set[str] = set()
    batch: list[tuple[str, bytes]] = []
    batch_bytes = 0
    # the resolver's gazetteer is read while the workers parse, not after them
    gazetteer = _Background(load_gazetteer)
    # a new store: the summary pass takes the workers' summary lines (`kg.summary.SummarySeeds`)
    # as long as no graph is written twice
    seeds = (SummarySeeds(store.path) if next(iter(store.inner.named_graphs()), None) is None
             else None)
    if seeds is not None:
        # the seeds' summary lines are written with their graphs, during the parse: the
        # summary pass writes only what differs from them (VOA: 53 k lines, 0.5-0.7 CPU s
        # and 1-2 s of a bulk load after the last result)
        seeds.written = True
    summary_lines: list[bytes] = []
    # a new store (as for the seeds): the actor merge takes the person nodes from the workers'
    # rows (`kg.resolve.PersonTable`), as the store's persons are those of the graphs written
    persons = PersonTable() if seeds is not None else None
    rewritten = store.rewritten
    in_batch: set[str] = set()
    store.keep_texts()  # the end passes read the graphs they rewrite from this spool
    writer = _StoreWriter(store)
    # once the workers hold the last articles, batches are a quarter as big: the last one,
    # written after the last result and before the end passes can start, is then small
    batch_limit = WRITE_BATCH_BYTES

    def drain() -> None:
        nonlocal batch_limit
        batch_limit = WRITE_BATCH_BYTES // DRAIN_DIVISOR

    def flush() -> None:
        nonlocal batch, batch_bytes
        if batch:
            lines = b"".join(summary_lines)
            if persons is not None:
                persons.add(person_rows(lines))  # none: the summary does not describe persons
            # one journaled write per batch, on the writer thread
            writer.put(batch, lines)
            batch = []
            batch_bytes = 0
            in_batch.clear()
            summary_lines.clear()

    try:
        for result in process_articles(good_articles(), model=model, workers=workers, nlp=nlp,
                                       cluster=cluster, on_drain=drain):
            if result.failure is not None:
                summary.skipped += 1
                if len(summary.bad) < 1000:
                    summary.bad.append(str(result.failure))
                report(result.failure)
                if bar is not None:
                    bar.update(1)
                continue
            graph = iri.graph_iri(result.article_id)
            if seeds is not None:
                if graph in in_batch:  # written twice: the seeds of the first are stale
                    seeds.close()
                    seeds = persons = None
                else:
                    in_batch.add(graph)
                    summary_lines.append(seeds.add(result.seeds))
                    if persons is not None:
                        persons.add(result.persons)
            batch.append((graph, result.nquads))
            batch_bytes += len(result.nquads)
            if len(batch) >= WRITE_BATCH or batch_bytes >= batch_limit:
                flush()
            summary.articles += 1
            summary.events += result.events
            actors.update(result.actors)
            if bar is not None:
                bar.update(1)
        flush()
    except BaseException:
        if seeds is not None:
            seeds.close()
        store.keep_texts(False)
        raise
    finally:
        writer.close()  # waits for the batches put so far; raises the writer's error
        if bar is not None:
            bar.close()
    try:
        if seeds is not None and store.rewritten != rewritten:
            seeds.close()  # a graph was written twice (in two batches): look everything up
            seeds = persons = None
        merged, stats = _end_passes(store, gazetteer.result(), seeds, persons)
    finally:
        if seeds is not None:
            seeds.close()
        store.keep_texts(False)
    summary.merged = len(merged)
    summary.actors = len(actors - {old for old, _ in merged.merged})
    summary.triples = stats["triples"]
    summary.events_in_store = stats["events"]  # the count `kg stats` prints
    summary.seconds = time.perf_counter() - started
    return summary
