"""A read-only SPARQL 1.1 Protocol endpoint over a kg store, with a small query page.

Routes: `/sparql` (GET `?query=`, POST form or `application/sparql-query`; results negotiated
by `Accept` or a `format` parameter), `/` (the HTML query page, `kg/data/endpoint.html`),
`/queries` (the saved research queries as JSON) and `/health`.

Updates are refused (403). Every query runs in a worker thread under a time limit: a query
that streams its results stops at the limit; one that must finish a computation before its
first result (ORDER BY, aggregates) answers 503 at the limit while its thread runs the
computation to the end in the background and then drops it. At most `max_running` queries run
at once (timed-out ones included), so a burst of runaway queries cannot take the machine; past
that the endpoint answers 503 until one finishes.

>>> server = make_server(Store.memory(), port=0)       # doctest: +SKIP
>>> threading.Thread(target=server.serve_forever).start()  # doctest: +SKIP
"""
from __future__ import annotations

import importlib.resources
import io
import json
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, is_dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.store import Store
from kg.vocab import PREFIXES

__all__ = [
    "EndpointServer",
    "make_server",
    "serve",
    "negotiate",
    "is_update",
    "with_values",
    "RESULT_TYPES",
    "GRAPH_TYPES",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 1 << 20  # 1 MiB of query text is more than any real query
MAX_RESULT = 256 << 20  # stop serialising a result past 256 MiB

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
              "ntriples": "application/n-triples", "jsonld": "application/ld+json",
              "json": "application/ld+json", "rdfxml": "application/rdf+xml",
              "xml": "application/rdf+xml"},
}
_RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "rdfxml": ox.RdfFormat.RDF_XML}
_CHARSET = {"text/csv", "text/tab-separated-values", "text/turtle", "text/plain",
            "application/n-triples"}

_UPDATE_KEYWORD = re.compile(
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s*[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*",
                       re.IGNORECASE)


class HttpError(Exception):
    """An HTTP error answer: status and a one-line plain-text message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Expired(Exception):
    """Raised inside a serialisation when the deadline passed or the result is too large."""


def strip_comments(text: str) -> str:
    """`text` without SPARQL `#` comments (a `#` inside an IRI or a string is kept)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            j = text.find(">", i)
            if j != -1 and not re.search(r"\s", text[i:j]):
                out.append(text[i:j + 1])
                i = j + 1
                continue
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
            continue
        elif c == "#":
            j = text.find("\n", i)
            i = n if j == -1 else j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def is_update(text: str) -> bool:
    """Whether `text` is a SPARQL update (its first keyword after the prologue is one).

    >>> is_update("PREFIX x: <http://x#> # note\\nINSERT DATA { x:a x:b x:c }")
    True
    >>> is_update("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    body = strip_comments(text)
    m = _PROLOGUE.match(body)
    rest = body[m.end():] if m else body
    return bool(_UPDATE_KEYWORD.match(rest))


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


def _term_sparql(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be bound in a VALUES clause")
    return str(term)


def with_values(query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """`query` with `VALUES (?a ?b) { (t1 t2) }` as the first element of its WHERE group:
    the bindings as a portable SPARQL text, for engines without pyoxigraph's substitutions.

    The values are joined with the whole top-level group, so its FILTERs see them (filters in
    nested groups or sub-SELECTs do not: the saved queries keep parameter filters top-level).

    >>> with_values("SELECT ?x ?a WHERE { ?x ?p ?a }", {"a": ox.Literal("1")})
    'SELECT ?x ?a WHERE { VALUES (?a) { ("1") } ?x ?p ?a }'
    """
    if not bindings:
        return query
    if any(isinstance(v, (list, tuple)) for v in bindings.values()):
        # a name bound to several nodes (kg.query "named"/"place" parameters): one VALUES
        # block per variable, as the embedded store binds them
        from kg.store import with_values as values_per_variable

        return values_per_variable(strip_comments(query), bindings)
    body = strip_comments(query)
    # position of the first "{" outside IRIs and strings, in the comment-free text; map it
    # back by searching the same structural position in the original text
    index = _first_brace(body)
    if index is None:
        raise QueryError("the query has no WHERE group to add VALUES to")
    names = " ".join(f"?{k}" for k in bindings)
    row = " ".join(_term_sparql(v) for v in bindings.values())
    return f"{body[:index + 1]} VALUES ({names}) {{ ({row}) }}{body[index + 1:]}"


def _first_brace(text: str) -> int | None:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            j = text.find(">", i)
            if j != -1 and not re.search(r"\s", text[i:j]):
                i = j + 1
                continue
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        elif c == "{":
            return i
        i += 1
    return None


@dataclass(frozen=True, slots=True)
class Answer:
    """A finished HTTP answer."""

    status: int
    content_type: str
    body: bytes


class _DeadlineWriter(io.RawIOBase):
    """A byte sink that aborts the serialisation writing into it past a deadline or a size."""

    def __init__(self, deadline: float, cancelled: threading.Event) -> None:
        self.buffer = io.BytesIO()
        self.deadline = deadline
        self.cancelled = cancelled

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.cancelled.is_set() or time.monotonic() > self.deadline:
            raise _Expired("time limit")
        if self.buffer.tell() + len(data) > MAX_RESULT:
            raise _Expired("size limit")
        return self.buffer.write(data)


def _json(data: object, status: int = 200) -> Answer:
    body = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    return Answer(status, "application/json; charset=utf-8", body)


def _jsonld(nt: bytes) -> bytes:
    import rdflib  # only for JSON-LD

    graph = rdflib.Graph()
    graph.parse(data=nt.decode("utf-8"), format="nt")
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), indent=2, auto_compact=True)
    return text.encode("utf-8") if isinstance(text, str) else text


class EndpointServer(ThreadingHTTPServer):
    """The HTTP server: holds the store, the time limit and the running-query slots."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], store: Store, *, timeout: float = 10.0,
                 max_running: int = 4, quiet: bool = False,
                 saved_queries: Callable[[], list[Any]] | None = None) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.query_timeout = timeout
        self.slots = threading.BoundedSemaphore(max_running)
        self.max_running = max_running
        self.running = 0  # queries whose worker thread is still computing (timed out included)
        self._count_lock = threading.Lock()
        self.quiet = quiet
        self.saved_queries = saved_queries or _saved_queries
        self.page = _read_page()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    # -- answering -------------------------------------------------------------------------
    def run_query(self, text: str, accept: str | None, fmt: str | None) -> Answer:
        """Run `text` under the time limit and serialise it as negotiated."""
        if is_update(text):
            raise HttpError(HTTPStatus.FORBIDDEN,
                            "updates are not allowed: this endpoint is read-only "
                            "(change the store with `kg build` / `kg remove`)")
        if not self.slots.acquire(blocking=False):
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"server busy: {self.max_running} queries are running; retry later")
        deadline = time.monotonic() + self.query_timeout
        cancelled = threading.Event()
        box: dict[str, Any] = {}
        with self._count_lock:
            self.running += 1

        def work() -> None:
            # Only plain data leaves this thread: pyoxigraph result objects must be dropped by
            # the thread that made them, so no exception (whose traceback holds them) escapes.
            try:
                box["answer"] = self._evaluate(text, accept, fmt, deadline, cancelled)
            except _Expired as err:
                box["expired"] = str(err)
            except HttpError as err:
                box["error"] = (err.status, err.message)
            except KGError as err:
                box["error"] = (HTTPStatus.BAD_REQUEST, str(err))
            except Exception as err:  # a bug: logged with its traceback, answered 500
                traceback.print_exc()
                box["error"] = (HTTPStatus.INTERNAL_SERVER_ERROR,
                                f"internal error: {type(err).__name__}: {err}")
            finally:
                with self._count_lock:
                    self.running -= 1
                self.slots.release()

        worker = threading.Thread(target=work, name="kg-query", daemon=True)
        worker.start()
        worker.join(self.query_timeout)
        if worker.is_alive() or box.get("expired") == "time limit":
            cancelled.set()
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"query exceeded {self.query_timeout:g} s; narrow it or add a LIMIT "
                            "(a computation that had not yet produced results may still finish "
                            "in the background)")
        if "expired" in box:
            raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE,
                            f"result larger than {MAX_RESULT >> 20} MiB; add a LIMIT")
        if "error" in box:
            raise HttpError(*box["error"])
        return box["answer"]

    def _evaluate(self, text: str, accept: str | None, fmt: str | None, deadline: float,
                  cancelled: threading.Event) -> Answer:
        try:
            result = self.store.query(text)
        except QueryError as err:
            raise HttpError(HTTPStatus.BAD_REQUEST, str(err)) from err
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        offered = list(GRAPH_TYPES if kind == "graph" else RESULT_TYPES)
        if fmt:
            media = _FORMAT_PARAM[kind].get(fmt.lower())
            if media is None:
                raise HttpError(HTTPStatus.BAD_REQUEST,
                                f"unknown format {fmt!r} for this query; valid: "
                                + ", ".join(_FORMAT_PARAM[kind]))
        else:
            media = negotiate(accept, offered)
            if media is None:
                raise HttpError(HTTPStatus.NOT_ACCEPTABLE,
                                f"cannot answer this query as {accept!r}; available: "
                                + ", ".join(offered))
        sink = _DeadlineWriter(deadline, cancelled)
        try:
            body = self._serialize(result, kind, media, sink, deadline, cancelled)
        except (OSError, RuntimeError, ValueError) as err:  # evaluation errors met while streaming
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR,
                            f"the query failed while running: {err}") from err
        ctype = media + ("; charset=utf-8" if media in _CHARSET or "json" in media
                         or "xml" in media else "")
        return Answer(200, ctype, body)

    @staticmethod
    def _serialize(result: Any, kind: str, media: str, sink: _DeadlineWriter, deadline: float,
                   cancelled: threading.Event) -> bytes:
        if kind == "results":
            result.serialize(sink, RESULT_TYPES[media])
            body = sink.buffer.getvalue()
        else:
            name = GRAPH_TYPES[media]
            rdf_format = _RDF_FORMATS.get(name, ox.RdfFormat.N_TRIPLES)
            # kgid: would need escaped local names ("kgid:event\/9c"), which some stores keep:
            # resource IRIs are written in full instead (results are streamed, not scanned)
            prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else {
                p: ns for p, ns in PREFIXES.items() if p != "kgid"}
            ox.serialize(_checked(result, deadline, cancelled), sink, rdf_format,
                         prefixes=prefixes)
            body = sink.buffer.getvalue()
            if name == "jsonld":
                body = _jsonld(body)
        return body


def _checked(triples: ox.QueryTriples, deadline: float, cancelled: threading.Event):
    """The triples, stopping with `_Expired` past the deadline."""
    for i, triple in enumerate(triples):
        if i % 256 == 0 and (cancelled.is_set() or time.monotonic() > deadline):
            raise _Expired("time limit")
        yield triple


def _saved_queries() -> list[Any]:
    from kg.query import list_saved

    return list(list_saved())


def _describe_saved(saved: object) -> dict[str, Any]:
    def plain(value: object) -> object:
        if is_dataclass(value) and not isinstance(value, type):
            return asdict(value)
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return str(value)

    return {key: plain(getattr(saved, key, None))
            for key in ("name", "question", "columns", "params", "text")}


def _read_page() -> bytes:
    return importlib.resources.files("kg").joinpath("data/endpoint.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    server_version = "kg-sparql/0.1"

    # -- plumbing ------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        if not self.server.quiet:
            sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")

    def _send(self, answer: Answer, head_only: bool = False) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head_only:
            self.wfile.write(answer.body)

    def _error(self, status: int, message: str) -> None:
        self._send(Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")))

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            if url.path == "/sparql":
                self._send(self._sparql(method, url.query))
            elif method == "POST":
                raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, "POST is only for /sparql")
            elif url.path in ("/", "/index.html"):
                self._send(Answer(200, "text/html; charset=utf-8", self.server.page))
            elif url.path == "/queries":
                self._send(_json([_describe_saved(q) for q in self.server.saved_queries()]))
            elif url.path == "/health":
                self._send(_json({"status": "ok", "articles": len(self.server.store.article_ids()),
                                  "running": self.server.running,
                                  "timeout_s": self.server.query_timeout}))
            else:
                raise HttpError(HTTPStatus.NOT_FOUND,
                                f"no such page {url.path!r}; try / , /sparql, /queries or /health")
        except HttpError as err:
            self._error(err.status, err.message)
        except KGError as err:
            self._error(HTTPStatus.BAD_REQUEST, str(err))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    # -- /sparql -------------------------------------------------------------------------------
    def _sparql(self, method: str, query_string: str) -> Answer:
        params = parse_qs(query_string, keep_blank_values=True)
        if method == "POST":
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            body = self._body()
            if ctype == "application/x-www-form-urlencoded":
                for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                params.setdefault("query", []).append(body.decode("utf-8"))
            elif ctype == "application/sparql-update":
                raise HttpError(HTTPStatus.FORBIDDEN,
                                "updates are not allowed: this endpoint is read-only")
            else:
                raise HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                f"unsupported Content-Type {ctype!r}; send "
                                "application/x-www-form-urlencoded or application/sparql-query")
        if "update" in params:
            raise HttpError(HTTPStatus.FORBIDDEN,
                            "updates are not allowed: this endpoint is read-only")
        for key in ("default-graph-uri", "named-graph-uri"):
            if params.get(key):
                raise HttpError(HTTPStatus.BAD_REQUEST,
                                f"{key} is not supported: queries always run over the union of "
                                "the article graphs; use GRAPH ?g {{ ... }} to select graphs")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HttpError(HTTPStatus.BAD_REQUEST,
                            "give exactly one non-empty `query` (GET ?query=, or POST a form "
                            "field or an application/sparql-query body)")
        fmt = (params.get("format") or [None])[0]
        return self.server.run_query(queries[0], self.headers.get("Accept"), fmt)

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as err:
            raise HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from err
        if length > MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"request body over {MAX_BODY >> 10} KiB")
        return self.rfile.read(length)


def make_server(store: Store, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                timeout: float = 10.0, max_running: int = 4, quiet: bool = False
                ) -> EndpointServer:
    """An endpoint server bound to `host:port` (port 0: a free port; see `.url`), not started:
    call `.serve_forever()` (in a thread for tests) and `.shutdown()`."""
    if timeout <= 0:
        raise QueryError(f"the time limit must be positive, got {timeout}")
    try:
        return EndpointServer((host, port), store, timeout=timeout, max_running=max_running,
                              quiet=quiet)
    except OSError as err:
        raise KGError(f"cannot listen on {host}:{port}: {err.strerror or err}; "
                      "choose another --port or stop the program using it") from err


def serve(store_path: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          timeout: float = 10.0, max_running: int = 4) -> None:
    """Open the store read-only and serve it until interrupted (Ctrl-C)."""
    if host not in LOOPBACK:
        print(f"kg serve: warning: listening on {host}, not loopback: anyone who can reach this "
              "machine can query the store (there is no authentication)", file=sys.stderr)
    with Store.open(store_path, read_only=True) as store:
        server = make_server(store, host, port, timeout=timeout, max_running=max_running)
        print(f"kg serve: {server.url} (SPARQL at {server.url}sparql; time limit "
              f"{timeout:g} s); Ctrl-C to stop", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
