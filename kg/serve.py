"""A read-only SPARQL 1.1 Protocol endpoint over a kg store, with a query page.

Built on uvicorn (HTTP, listen backlog, graceful SIGTERM) and Starlette (routing, CORS).
Queries run in worker processes, each holding the store open read-only; a query still running
at the time limit has its process killed and replaced, so the work really stops. Requests wait
in a queue for a free worker (up to `QUEUE_WAIT` seconds, at most `max_queue` of them) instead
of being refused at once.

Answers are cached (the 256 most recent up to 1 MiB each): the store is opened read-only, so
the same query gets the same answer; `cache=False` (`--no-cache`) turns that off, and the
workers' use of the store's result cache (`kg.results`) too. Cache or not,
requests for a query that is running at that moment wait for its answer instead of running it
again.

Routes:
- `/sparql`: GET `?query=`, POST form or `application/sparql-query`; SELECT/ASK as SPARQL
  JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples, N-Quads, JSON-LD, RDF/XML
  (by `Accept` or `format=`). Without a query: the SPARQL service description (Turtle).
- `/queries`: the saved research queries (name, question, columns, parameters) as JSON;
  `/queries/NAME?param=value&format=json|csv` runs one with its parameters bound as terms.
- `/` the query page (`kg/data/endpoint.html`), `/health`.

Refused: updates in any form (403); SERVICE unless `allow_service` (400); query text nested too
deeply to parse safely (400, see `kg.sparqltext`); bodies over `MAX_BODY` whatever the headers
say (413); bytes that are not UTF-8 (400); a `Host` header that is not the bind address or
an `allow_hosts` name (403, against DNS rebinding). CORS headers only for `cors` origins.

>>> endpoint = Endpoint("voa.kg", port=0)   # doctest: +SKIP
>>> endpoint.start(); print(endpoint.url); endpoint.stop()   # doctest: +SKIP
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.resources
import ipaddress
import io
import json
import multiprocessing
import os
import re
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.sparqltext import check_query, is_update, strip_comments
from kg.store import with_values  # one binding path for kg query, the endpoint and remotes
from kg.vocab import PREFIXES

__all__ = [
    "Endpoint",
    "serve",
    "negotiate",
    "is_update",
    "with_values",
    "service_description",
    "RESULT_TYPES",
    "GRAPH_TYPES",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 1 << 20  # 1 MiB of query text is more than any real query
MAX_RESULT = 256 << 20  # refuse results past 256 MiB
BACKLOG = 1024  # connections the kernel holds before accept
QUEUE_WAIT = 30.0  # seconds a request may wait for a free worker
SHUTDOWN_GRACE = 3.0  # seconds running requests get after SIGTERM
CACHE_ENTRY = 1 << 20  # answers up to 1 MiB are kept (256 of them at most)
WORKER_JOBS = 200  # a worker is replaced after this many queries (its caches only grow)

#: media type -> results format, for SELECT and ASK (the first is the default)
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: media type -> RDF format name, for CONSTRUCT and DESCRIBE (the first is the default)
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/n-quads": "nq",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
#: `format=` parameter values -> media type, per result kind
_FORMAT_PARAM = {
    "results": {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"},
    "graph": {"ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
              "ntriples": "application/n-triples", "nq": "application/n-quads",
              "nquads": "application/n-quads", "jsonld": "application/ld+json",
              "json": "application/ld+json", "rdfxml": "application/rdf+xml",
              "xml": "application/rdf+xml"},
}
_RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "nq": ox.RdfFormat.N_TRIPLES,  # a triple line is an N-Quads line
                "rdfxml": ox.RdfFormat.RDF_XML}
_CHARSET = {"text/csv", "text/tab-separated-values", "text/turtle", "text/plain",
            "application/n-triples", "application/n-quads"}
_READ_ONLY = ("updates are not allowed: this endpoint is read-only "
              "(change the store with `kg build` / `kg remove`)")


class HttpError(Exception):
    """An HTTP error answer: status and a one-line plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = int(status)
        self.message = message


class _TooLarge(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    """A finished HTTP answer."""

    status: int
    content_type: str
    body: bytes


# -- content negotiation and VALUES ---------------------------------------------------------------
def _parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q values, best first (stable)."""
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return sorted(ranges, key=lambda r: -r[1])


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered on ties or when
    there is no header), or None when it accepts none of them.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", list(RESULT_TYPES))
    'application/sparql-results+xml'
    >>> negotiate("image/png", list(RESULT_TYPES)) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    for media, q in _parse_accept(accept):
        if q <= 0:
            continue
        if media in ("*/*", "*"):
            return offered[0]
        if media.endswith("/*"):
            prefix = media[:-1]
            for o in offered:
                if o.startswith(prefix):
                    return o
        elif media in offered:
            return media
    return None


# -- the service description ----------------------------------------------------------------------
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS_NS = "http://www.w3.org/ns/formats/"
_SD_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
               "SPARQL_Results_TSV", "Turtle", "N-Triples", "N-Quads", "JSON-LD", "RDF_XML")


def service_description(endpoint_url: str) -> bytes:
    """The SPARQL 1.1 service description of the endpoint at `endpoint_url`, as Turtle."""
    sd = lambda name: ox.NamedNode(_SD + name)  # noqa: E731
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.NamedNode(endpoint_url)
    triples = [ox.Triple(service, rdf_type, sd("Service")),
               ox.Triple(service, sd("endpoint"), service),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("feature"), sd("UnionDefaultGraph"))]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS_NS + f))
                for f in _SD_FORMATS]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sd": _SD})


# -- the worker processes -------------------------------------------------------------------------
class _SizedSink(io.RawIOBase):
    """A byte sink that refuses to grow past `MAX_RESULT`."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.buffer.tell() + len(data) > MAX_RESULT:
            raise _TooLarge
        return self.buffer.write(data)


def _jsonld(nt: bytes) -> bytes:
    import rdflib  # only for JSON-LD

    graph = rdflib.Graph()
    graph.parse(data=nt.decode("utf-8"), format="nt")
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), indent=2, auto_compact=True)
    return text.encode("utf-8") if isinstance(text, str) else text


def _choose(kind: str, accept: str | None, fmt: str | None) -> str:
    offered = list(GRAPH_TYPES if kind == "graph" else RESULT_TYPES)
    if fmt:
        media = _FORMAT_PARAM[kind].get(fmt.lower())
        if media is None:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown format {fmt!r} for this query; "
                            "valid: " + ", ".join(_FORMAT_PARAM[kind]))
        return media
    media = negotiate(accept, offered)
    if media is None:
        raise HttpError(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer this query as {accept!r}; "
                        "available: " + ", ".join(offered))
    return media


def _run_sparql(store: Any, job: dict[str, Any]) -> Answer:
    try:
        result = store.query(job["query"])
    except QueryError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, str(err)) from err
    kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
    media = _choose(kind, job.get("accept"), job.get("format"))
    sink = _SizedSink()
    try:
        if kind == "results":
            result.serialize(sink, RESULT_TYPES[media])
            body = sink.buffer.getvalue()
        else:
            name = GRAPH_TYPES[media]
            rdf_format = _RDF_FORMATS.get(name, ox.RdfFormat.N_TRIPLES)
            # kgid: would need escaped local names: resource IRIs are written in full instead
            prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else {
                p: ns for p, ns in PREFIXES.items() if p != "kgid"}
            ox.serialize(result, sink, rdf_format, prefixes=prefixes)
            body = sink.buffer.getvalue()
            if name == "jsonld":
                body = _jsonld(body)
    except _TooLarge as err:
        raise HttpError(HTTPStatus.INSUFFICIENT_STORAGE,
                        f"result larger than {MAX_RESULT >> 20} MiB; add a LIMIT") from err
    except (OSError, RuntimeError, ValueError) as err:  # evaluation errors met while streaming
        raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                        f"the query failed while running: {err}") from err
    ctype = media + ("; charset=utf-8" if media in _CHARSET or "json" in media
                     or "xml" in media else "")
    return Answer(200, ctype, body)


def _run_saved(store: Any, job: dict[str, Any]) -> Answer:
    from kg import query

    try:
        saved = query.load_saved(job["name"])
    except QueryError as err:
        raise HttpError(HTTPStatus.NOT_FOUND, str(err)) from err
    result = query.run(store, saved, job["params"], timeout=None)  # the pool kills at the limit
    if job["format"] == "csv":
        return Answer(200, "text/csv; charset=utf-8", query.format_csv(result).encode("utf-8"))
    rows = [{c: (None if v is None else str(v) if not isinstance(v, (int, float, bool)) else v)
             for c, v in row.items()} for row in result.values()]
    kinds = {c: ("iri" if any(isinstance(r.get(c), ox.NamedNode) for r in result.rows)
                 else "literal") for c in result.columns}
    body = json.dumps({"columns": result.columns, "kinds": kinds, "rows": rows},
                      ensure_ascii=False)
    return Answer(200, "application/json; charset=utf-8", body.encode("utf-8"))


def _answer(store: Any, job: dict[str, Any], allow_service: bool) -> Answer:
    kind = job["kind"]
    if kind == "health":
        return Answer(200, "application/json", json.dumps(
            {"articles": len(store.article_ids())}).encode())
    text = job["query"] if kind == "sparql" else ""
    try:
        if kind == "sparql":
            check_query(text, allow_service=allow_service)
            return _run_sparql(store, job)
        return _run_saved(store, job)
    except HttpError:
        raise
    except KGError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, str(err)) from err


def _worker_main(conn: Any, store_path: str, allow_service: bool, result_cache: bool = True
                 ) -> None:
    """A worker process: open the store read-only, answer jobs until the pipe closes
    (`result_cache`: slow answers read from and kept in the store's result cache)."""
    from kg.store import Store

    try:
        store = Store.open(store_path, read_only=True)
        store.use_result_cache = store.use_result_cache and result_cache
    except KGError as err:
        conn.send(("failed", str(err)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        try:
            answer = _answer(store, job, allow_service)
            reply = (answer.status, answer.content_type, answer.body)
        except HttpError as err:
            reply = (err.status, "text/plain; charset=utf-8", (err.message + "\n").encode())
        except Exception as err:  # a bug: logged with its traceback, answered 500
            traceback.print_exc()
            reply = (500, "text/plain; charset=utf-8",
                     f"internal error: {type(err).__name__}: {err}\n".encode())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            break
    store.close()


class _Worker:
    def __init__(self, context: Any, store_path: str, allow_service: bool,
                 result_cache: bool = True) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, name="kg-query-worker",
                                       args=(child, store_path, allow_service, result_cache),
                                       daemon=True)
        self.process.start()
        child.close()
        self.jobs = 0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.conn.close()


class QueryPool:
    """Worker processes holding the store open read-only; queries wait for a free one."""

    def __init__(self, store_path: str, size: int, timeout: float, max_queue: int,
                 allow_service: bool, cache_size: int = 256) -> None:
        self.store_path = store_path
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[Answer]] = {}  # job -> its answer to come
        self.shared = 0  # requests answered by a run another request started
        self._slots: asyncio.Semaphore | None = None
        self.size = size
        self.timeout = timeout
        self.max_queue = max_queue
        self.allow_service = allow_service
        self.waiting = 0
        self.running = 0
        self.killed = 0
        self._context = multiprocessing.get_context("spawn")
        self._threads = concurrent.futures.ThreadPoolExecutor(size * 2 + 2, "kg-pipe")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._closed = False

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        self._slots = asyncio.Semaphore(self.size)
        workers = [self._spawn() for _ in range(self.size + 1)]
        await asyncio.gather(*(self._ready(w) for w in workers))

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.store_path, self.allow_service,
                         result_cache=self.cache_size > 0)
        self._all.add(worker)
        return worker

    async def _ready(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        try:
            status, detail = await loop.run_in_executor(self._threads, worker.conn.recv)
        except (EOFError, OSError):
            status, detail = "failed", "the worker process ended while starting"
        if status != "ready":
            self._discard(worker)
            raise KGError(f"cannot start a query worker: {detail}")
        assert self._idle is not None
        self._idle.put_nowait(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        threading.Thread(target=worker.process.join, daemon=True).start()  # reap it

    async def _replace(self) -> None:
        if self._closed:
            return
        try:
            await self._ready(self._spawn())
        except KGError as err:
            print(f"kg serve: {err}", file=sys.stderr)

    async def run(self, job: dict[str, Any]) -> Answer:
        """Run `job` in a free worker under the time limit (answers from the cache when the
        same job was answered before: the store is read-only).

        The same job asked again while it runs waits for that run instead of starting another
        one, cache or not: fifty clients sending one saved query at once cost one run."""
        key = json.dumps(job, sort_keys=True)
        cached = self._cache.get(key) if self.cache_size else None
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        running = self._inflight.get(key)
        if running is not None:
            self.shared += 1
            return await asyncio.shield(running)
        running = asyncio.get_running_loop().create_future()
        self._inflight[key] = running
        try:
            answer = await self._run_once(job, key)
        except BaseException as err:  # the waiting requests get the same error
            running.set_exception(err if isinstance(err, Exception) else HttpError(
                HTTPStatus.SERVICE_UNAVAILABLE, "the server is stopping; retry later"))
            running.exception()  # retrieved, even when nobody else waited
            raise
        else:
            running.set_result(answer)
            return answer
        finally:
            del self._inflight[key]

    async def _run_once(self, job: dict[str, Any], key: str) -> Answer:
        assert self._idle is not None and self._slots is not None
        if self.waiting >= self.max_queue:
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"server busy: {self.max_queue} requests are waiting; retry later")
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), QUEUE_WAIT)
        except TimeoutError as err:
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"server busy: no worker free within {QUEUE_WAIT:g} s; retry later"
                            ) from err
        finally:
            self.waiting -= 1
        try:
            answer = await self._run_in_worker(job)
        finally:
            self._slots.release()
        if self.cache_size and answer.status == 200 and len(answer.body) <= CACHE_ENTRY:
            self._cache[key] = answer
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return answer

    async def _run_in_worker(self, job: dict[str, Any]) -> Answer:
        assert self._idle is not None
        # `size` queries run at once, `size + 1` workers exist: after the time limit killed
        # every running query, the spare one answers at once while the others restart
        worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        self.running += 1
        try:
            def exchange() -> Any:
                worker.conn.send(job)
                return worker.conn.recv()

            reply = await asyncio.wait_for(loop.run_in_executor(self._threads, exchange),
                                           self.timeout)
        except TimeoutError:
            self.killed += 1
            self._discard(worker)
            loop.create_task(self._replace())
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"query exceeded {self.timeout:g} s and was stopped; narrow it "
                            "or add a LIMIT") from None
        except (EOFError, OSError) as err:  # the worker died (out of memory, a crash)
            self._discard(worker)
            loop.create_task(self._replace())
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                            "the query worker ended without an answer (out of memory?)"
                            ) from err
        except asyncio.CancelledError:
            self._discard(worker)
            if not self._closed:
                loop.create_task(self._replace())
            raise
        finally:
            self.running -= 1
        worker.jobs += 1
        if worker.jobs >= WORKER_JOBS and not self._closed:  # memory back to a fresh worker's
            self._discard(worker)
            loop.create_task(self._replace())
        else:
            self._idle.put_nowait(worker)
        return Answer(*reply)

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            worker.process.join(5)
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)


# -- the HTTP application -------------------------------------------------------------------------
def _read_page() -> bytes:
    return importlib.resources.files("kg").joinpath("data/endpoint.html").read_bytes()


def _saved_listing() -> list[dict[str, Any]]:
    from kg.query import list_saved

    return [{"name": q.name, "question": q.question, "columns": list(q.columns),
             "params": [{"name": p.name, "type": p.type, "default": p.default, "doc": p.doc}
                        for p in q.params],
             "query": _without_comments(q.text)} for q in list_saved()]


def _without_comments(text: str) -> str:
    lines = [line.rstrip() for line in strip_comments(text).split("\n")]
    return "\n".join(line for line in lines if line.strip()) + "\n"


def _split_host(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Endpoint:
    """The HTTP endpoint: a listening socket, the worker pool and the ASGI application."""

    def __init__(self, store_path: str | Path, host: str = DEFAULT_HOST,
                 port: int = DEFAULT_PORT, *, timeout: float = 10.0, workers: int = 4,
                 max_queue: int = 512, allow_service: bool = False,
                 allow_hosts: Sequence[str] = (), cors: Sequence[str] = (),
                 cache: bool = True, quiet: bool = False) -> None:
        from kg.store import Store

        if timeout <= 0:
            raise QueryError(f"the time limit must be positive, got {timeout}")
        if workers < 1:
            raise QueryError(f"at least one worker is needed, got {workers}")
        with Store.open(store_path, read_only=True):  # a clear error now, not in each worker
            pass
        self.store_path = str(store_path)
        self.timeout = timeout
        self.quiet = quiet
        self.cors = list(cors)
        self.pool = QueryPool(self.store_path, workers, timeout, max_queue, allow_service,
                              cache_size=256 if cache else 0)
        self.page = _read_page()
        self.socket = self._listen(host, port)
        self.host, self.port = self.socket.getsockname()[:2]
        wildcard = host in ("", "0.0.0.0", "::")
        self.any_ip = wildcard
        names = {h.lower() for h in allow_hosts}
        if host in LOOPBACK or wildcard:
            names |= set(LOOPBACK)
        names.add(host.lower())
        self.allowed_hosts = names
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _listen(host: str, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            sock.listen(BACKLOG)
        except OSError as err:
            sock.close()
            raise KGError(f"cannot listen on {host}:{port}: {err.strerror or err}; "
                          "choose another --port or stop the program using it") from err
        sock.setblocking(False)
        return sock

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def host_allowed(self, header: str | None) -> bool:
        if header is None:  # HTTP/1.0 without Host: no browser sends that
            return True
        name = _split_host(header)
        return name in self.allowed_hosts or (self.any_ip and _is_ip(name))

    # -- the ASGI app ------------------------------------------------------------------------
    def app(self) -> Any:
        from contextlib import asynccontextmanager

        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.routing import Route

        @asynccontextmanager
        async def lifespan(_app: Any):
            await self.pool.start()
            try:
                yield
            finally:
                self.pool.close()

        methods = ["GET", "POST", "OPTIONS"]
        routes = [Route("/sparql", self._sparql, methods=methods),
                  Route("/", self._page, methods=methods),
                  Route("/index.html", self._page, methods=methods),
                  Route("/queries", self._queries, methods=methods),
                  Route("/queries/{name}", self._saved, methods=methods),
                  Route("/health", self._health, methods=methods)]
        middleware = [Middleware(_Guard, endpoint=self)]
        if self.cors:
            middleware.append(Middleware(
                CORSMiddleware, allow_origins=self.cors, allow_methods=["GET", "POST", "HEAD"],
                allow_headers=["Accept", "Content-Type"], max_age=600))
        return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                         exception_handlers={404: self._not_found, 405: self._not_allowed})

    @staticmethod
    def _respond(answer: Answer, headers: dict[str, str] | None = None) -> Any:
        from starlette.responses import Response

        return Response(answer.body, status_code=answer.status, media_type=None, headers={
            "Content-Type": answer.content_type, "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff", **(headers or {})})

    def _error(self, status: int, message: str) -> Any:
        return self._respond(Answer(status, "text/plain; charset=utf-8",
                                    (message + "\n").encode("utf-8")))

    async def _not_found(self, request: Any, _exc: Exception) -> Any:
        return self._error(404, f"no such page {request.url.path!r}; try / , /sparql, "
                                "/queries or /health")

    async def _not_allowed(self, request: Any, _exc: Exception) -> Any:
        return self._error(405, f"{request.method} is not allowed on {request.url.path}")

    def _options(self, allow: str) -> Any:
        from starlette.responses import Response

        return Response(status_code=204, headers={"Allow": allow})

    async def _page(self, request: Any) -> Any:
        if request.method == "OPTIONS":
            return self._options("GET, HEAD, OPTIONS")
        if request.method == "POST":
            return self._error(405, "POST is only for /sparql")
        return self._respond(Answer(200, "text/html; charset=utf-8", self.page), {
            "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                       "script-src 'self' 'unsafe-inline'; img-src 'self' data:"})

    async def _queries(self, request: Any) -> Any:
        if request.method == "OPTIONS":
            return self._options("GET, HEAD, OPTIONS")
        if request.method == "POST":
            return self._error(405, "POST is only for /sparql")
        body = json.dumps(_saved_listing(), ensure_ascii=False, indent=1).encode("utf-8")
        return self._respond(Answer(200, "application/json; charset=utf-8", body))

    async def _saved(self, request: Any) -> Any:
        if request.method == "OPTIONS":
            return self._options("GET, HEAD, OPTIONS")
        if request.method == "POST":
            return self._error(405, "POST is only for /sparql")
        try:
            params = _query_params(request.scope.get("query_string", b""))
            values = {k: v[-1] for k, v in params.items() if k not in ("format", "download")
                      and v and v[-1] != ""}
            fmt = (params.get("format") or ["json"])[-1]
            if fmt not in ("json", "csv"):
                raise HttpError(400, f"unknown format {fmt!r}; valid: json, csv")
            answer = await self.pool.run({"kind": "saved", "name": request.path_params["name"],
                                          "params": values, "format": fmt})
        except HttpError as err:
            return self._error(err.status, err.message)
        headers = {}
        if "download" in params and answer.status == 200:
            name = re.sub(r"[^\w.-]", "_", request.path_params["name"])
            headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return self._respond(answer, headers)

    async def _health(self, request: Any) -> Any:
        if request.method == "OPTIONS":
            return self._options("GET, HEAD, OPTIONS")
        try:
            answer = await self.pool.run({"kind": "health"})
        except HttpError as err:
            return self._error(err.status, err.message)
        data = json.loads(answer.body)
        data.update(status="ok", running=self.pool.running, waiting=self.pool.waiting,
                    timeout_s=self.timeout, workers=self.pool.size)
        return self._respond(Answer(200, "application/json; charset=utf-8",
                                    json.dumps(data).encode()))

    async def _sparql(self, request: Any) -> Any:
        if request.method == "OPTIONS":
            return self._options("GET, HEAD, POST, OPTIONS")
        try:
            params = _query_params(request.scope.get("query_string", b""))
            if request.method == "POST":
                await self._post_params(request, params)
            if "update" in params:
                raise HttpError(HTTPStatus.FORBIDDEN, _READ_ONLY)
            for key in ("default-graph-uri", "named-graph-uri"):
                if params.get(key):
                    raise HttpError(HTTPStatus.BAD_REQUEST,
                                    f"{key} is not supported: queries always run over the union "
                                    "of the article graphs; use GRAPH ?g { ... } to select graphs")
            queries = params.get("query", [])
            if not queries and request.method != "POST":
                return self._respond(Answer(200, "text/turtle; charset=utf-8",
                                            service_description(f"{self.url}sparql")))
            if len(queries) != 1 or not queries[0].strip():
                raise HttpError(HTTPStatus.BAD_REQUEST,
                                "give exactly one non-empty `query` (GET ?query=, or POST a form "
                                "field or an application/sparql-query body)")
            text = queries[0]
            if is_update(text):
                raise HttpError(HTTPStatus.FORBIDDEN, _READ_ONLY)
            check_query(text, allow_service=self.pool.allow_service)
            fmt = (params.get("format") or [None])[0]
            answer = await self.pool.run({"kind": "sparql", "query": text, "format": fmt,
                                          "accept": request.headers.get("accept")})
        except HttpError as err:
            return self._error(err.status, err.message)
        except QueryError as err:
            return self._error(HTTPStatus.BAD_REQUEST, str(err))
        headers = {}
        if "download" in params and answer.status == 200:
            ext = (params.get("format") or ["txt"])[0]
            headers["Content-Disposition"] = f'attachment; filename="results.{ext}"'
        return self._respond(answer, headers)

    async def _post_params(self, request: Any, params: dict[str, list[str]]) -> None:
        ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HttpError(HTTPStatus.FORBIDDEN, _READ_ONLY)
        if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            f"unsupported Content-Type {ctype!r}; send "
                            "application/x-www-form-urlencoded or application/sparql-query")
        body = await _read_body(request)
        if ctype == "application/x-www-form-urlencoded":
            for key, values in _query_params(body).items():
                params.setdefault(key, []).extend(values)
        else:
            try:
                params.setdefault("query", []).append(body.decode("utf-8"))
            except UnicodeDecodeError as err:
                raise HttpError(HTTPStatus.BAD_REQUEST,
                                f"the body is not UTF-8 (byte {err.start}); send UTF-8") from err

    # -- running ---------------------------------------------------------------------------
    def _config(self) -> Any:
        import uvicorn

        return uvicorn.Config(self.app(), http="h11", lifespan="on", access_log=not self.quiet,
                              log_level="warning" if self.quiet else "info",
                              timeout_graceful_shutdown=SHUTDOWN_GRACE, backlog=BACKLOG,
                              server_header=False, h11_max_incomplete_event_size=64 << 10)

    def serve(self) -> None:
        """Serve until SIGINT or SIGTERM (in the main thread: uvicorn handles the signals)."""
        import uvicorn

        self._server = uvicorn.Server(self._config())
        try:
            self._server.run(sockets=[self.socket])
        finally:
            self.socket.close()
            self.pool.close()

    def start(self) -> None:
        """Serve in a background thread (tests); returns when the workers are ready."""
        import uvicorn

        self._server = uvicorn.Server(self._config())
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self.socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise KGError("the endpoint did not start (see the messages above)")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(30)
        self.socket.close()
        self.pool.close()


class _Guard:
    """ASGI middleware: Host check and body limit before anything else runs."""

    def __init__(self, app: Any, endpoint: Endpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if not self.endpoint.host_allowed(headers.get("host")):
            await _plain(send, 403, f"Host {headers.get('host')!r} is not served here; start "
                                    "kg serve with --allow-host NAME to accept it")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            status = 413 if length.isdigit() else 400
            await _plain(send, status, f"request body over {MAX_BODY >> 10} KiB" if status == 413
                         else f"bad Content-Length {length!r}")
            return
        await self.app(scope, receive, send)


async def _plain(send: Any, status: int, message: str) -> None:
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(request: Any) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"request body over {MAX_BODY >> 10} KiB")
        chunks.append(chunk)
    return b"".join(chunks)


def _query_params(raw: bytes) -> dict[str, list[str]]:
    """Form or query-string fields, decoded as strict UTF-8 (400 otherwise)."""
    fields: dict[str, list[str]] = {}
    try:
        # latin-1 maps bytes to code points one for one: decode percent-escapes to bytes, then
        # the bytes as strict UTF-8
        for key, values in parse_qs(raw.decode("latin-1"), keep_blank_values=True,
                                    encoding="latin-1").items():
            fields[_utf8(key)] = [_utf8(v) for v in values]
    except UnicodeDecodeError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST,
                        "the request has bytes that are not UTF-8; send UTF-8, percent-encoded"
                        ) from err
    except ValueError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"bad form data: {err}") from err
    return fields


def _utf8(text: str) -> str:
    return text.encode("latin-1").decode("utf-8")


def serve(store_path: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          timeout: float = 10.0, workers: int = 4, allow_service: bool = False,
          allow_hosts: Sequence[str] = (), cors: Sequence[str] = (), cache: bool = True) -> None:
    """Serve the store read-only until SIGINT/SIGTERM."""
    if host not in LOOPBACK:
        print(f"kg serve: warning: listening on {host}, not loopback: anyone who can reach this "
              "machine can query the store (there is no authentication)", file=sys.stderr)
    endpoint = Endpoint(store_path, host, port, timeout=timeout, workers=workers,
                        allow_service=allow_service, allow_hosts=allow_hosts, cors=cors,
                        cache=cache)
    print(f"kg serve: {endpoint.url} (SPARQL at {endpoint.url}sparql; {workers} workers, time "
          f"limit {timeout:g} s); Ctrl-C to stop", file=sys.stderr)
    endpoint.serve()
