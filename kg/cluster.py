"""Running the per-article function on a Dask cluster (`dask.distributed`).

`kg build --cluster tcp://HOST:8786` sends articles in batches to a running Dask cluster;
`--cluster local:N` starts a `LocalCluster` of N single-threaded worker processes for the
build. Each worker loads the spaCy pipeline once (the `PipelinePlugin` worker plugin, set up
again on a worker that restarts), parses and extracts its batch with the same pure function as
a local build (`kg.pipeline.article_to_result`) and sends back the compact results (N-Quads
bytes and counts). Results come back in input order, so the store is written exactly as a local
build writes it: the N-Quads export is byte-identical. A batch whose worker dies is re-run by
the scheduler on another worker (Dask reschedules the tasks of a lost worker); a batch that
raises is retried `RETRIES` times before the build stops with the worker's error.

Workers must run the same `kg` version with the same spaCy model installed (checked when the
plugin is set up: a mismatch is a clear error, not a silently different graph).

>>> parse_cluster("local:2")
('local', 2)
>>> parse_cluster("tcp://10.0.0.5:8786")
('address', 'tcp://10.0.0.5:8786')
"""
from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

import distributed
from distributed import Client, WorkerPlugin

from kg.errors import InputError, KGError
from kg.nlp import BATCH_SIZE, DEFAULT_MODEL

if TYPE_CHECKING:  # pragma: no cover

    from kg.pipeline import ArticleResult
    from kg.types import Article

__all__ = ["parse_cluster", "connect", "process_on_cluster", "PipelinePlugin", "ClusterError",
           "RETRIES"]

#: how often a batch that raised is tried again before the build fails
RETRIES = 2
#: articles sent to a worker in one task
CLUSTER_BATCH = BATCH_SIZE // 2
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://\S+$")
_LOCAL = re.compile(r"^local:(\d+)$")
_PLUGIN = "kg-pipeline"


class ClusterError(KGError):
    """The Dask cluster cannot be reached, or its workers cannot run kg."""


def parse_cluster(spec: str) -> tuple[str, Any]:
    """`local:N` -> ("local", N); a scheduler address `tcp://HOST:PORT` -> ("address", spec)."""
    spec = spec.strip()
    m = _LOCAL.match(spec)
    if m:
        n = int(m.group(1))
        if n < 1:
            raise InputError(f"--cluster {spec}: a local cluster needs at least 1 worker; give "
                             "local:N with N >= 1, or a scheduler address tcp://HOST:8786")
        return "local", n
    if _ADDRESS.match(spec):
        return "address", spec
    raise InputError(f"--cluster {spec!r}: give a scheduler address (tcp://HOST:8786) "
                     "or local:N to start N local workers")


@contextmanager
def connect(spec: str, *, timeout: float = 30) -> Iterator[Client]:
    """A `distributed.Client` for `spec` (see `parse_cluster`); a local cluster is shut down
    on exit, a remote one is left running."""
    kind, value = parse_cluster(spec)
    if kind == "local":
        cluster = distributed.LocalCluster(
            n_workers=value, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR)
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(value, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"--cluster {value}: no Dask scheduler answers there ({err}); start "
                           "one with `dask scheduler` and workers with `dask worker "
                           f"{value}`") from err
    with client:
        yield client


class PipelinePlugin(WorkerPlugin):
    """A Dask worker plugin: loads the spaCy pipeline once per worker process.

    The task function finds it as `get_worker().plugins["kg-pipeline"]`.
    """

    name = _PLUGIN

    def __init__(self, model: str, version: str) -> None:
        self.model = model
        self.version = version
        self.nlp = None

    def setup(self, worker: Any) -> None:
        import kg
        from kg.nlp import load_pipeline

        if kg.__version__ != self.version:
            raise ClusterError(f"worker {worker.address} runs kg {kg.__version__}, the client "
                               f"kg {self.version}; install the same kg on every worker")
        self.nlp = load_pipeline(self.model)
        from kg.gazetteer import load_gazetteer

        load_gazetteer()  # the coder's knowledge, read once here rather than by the first batch

    def teardown(self, worker: Any) -> None:
        self.nlp = None


def _run_batch(articles: list[Article]) -> list[ArticleResult]:
    """The task: one batch of articles through the worker's pipeline."""
    from distributed import get_worker

    from kg.pipeline import run_chunk

    plugin = get_worker().plugins[_PLUGIN]
    if plugin.nlp is None:  # pragma: no cover - setup failed
        raise ClusterError("the kg pipeline plugin is not set up on this worker")
    return run_chunk(plugin.nlp, articles)


def process_on_cluster(articles: Iterable[Article], client: Client, *,
                       model: str = DEFAULT_MODEL, batch: int = CLUSTER_BATCH,
                       window: int | None = None) -> Iterator[ArticleResult]:
    """Parse and extract `articles` on the cluster of `client`, yielding results in input order.

    At most `window` batches (default: 2 per worker thread, at least 4) are in flight, so input
    of any size streams through in bounded memory.
    """
    import kg

    workers = client.scheduler_info().get("workers", {})
    threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
    window = window or max(4, 2 * threads)
    try:
        client.register_plugin(PipelinePlugin(model, kg.__version__), name=_PLUGIN)
    except KGError:
        raise
    except Exception as err:  # a worker cannot load the model: its error, as one line
        raise ClusterError(f"a worker could not load the kg pipeline {model!r}: {err}; install "
                           f"kg and the model on every worker") from err
    pending: deque = deque()
    it = iter(articles)
    try:
        while chunk := list(islice(it, batch)):
            pending.append(client.submit(_run_batch, chunk, retries=RETRIES, pure=False))
            while len(pending) >= window:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        for future in pending:
            future.cancel()


def _result(future: Any) -> list[ArticleResult]:
    try:
        return future.result()
    except distributed.KilledWorker as err:
        raise ClusterError(f"a batch killed every worker it was sent to ({err}); the input "
                           "may hold an article too large for a worker's memory") from err
