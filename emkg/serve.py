"""`emkg serve`: a read-only SPARQL 1.1 Protocol endpoint over the built store, and the web page at `/`.

Routes:
  /sparql                GET ?query=, POST form (query=) or application/sparql-query body
  /api/queries           the stored-query catalogue as JSON (name, summary, question, params, columns)
  /api/queries/NAME      runs a stored query with its parameters (?NAME=VALUE, typed and validated by
                         emkg.catalogue), answers like /sparql
  /                      the web page (emkg/web/index.html); /static/FILE and /vendor/FILE its files
Results by content negotiation (Accept): SPARQL JSON (default), CSV, TSV, XML for SELECT/ASK; Turtle
(default), N-Triples, RDF/XML for CONSTRUCT/DESCRIBE. Queries are checked (emkg.serve_guard) and run
in worker processes (emkg.serve_workers) that are killed past the timeout.
"""

from __future__ import annotations

import json
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from emkg import serve_guard, serve_workers

WEB_DIR = Path(__file__).parent / "web"
MAX_REQUEST_BYTES = 1_000_000
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml",
                ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8"}
# The page loads nothing from elsewhere: the browser itself refuses any other origin.
PAGE_POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


# Why a query was not answered -> the HTTP status it gets (each exception class exactly, no subclasses).
REFUSAL_STATUS: dict[type[Exception], HTTPStatus] = {
    serve_guard.QueryRefused: HTTPStatus.FORBIDDEN,
    serve_guard.QuerySyntaxError: HTTPStatus.BAD_REQUEST,
    serve_workers.NotAcceptable: HTTPStatus.NOT_ACCEPTABLE,
    serve_workers.QueryTimeout: HTTPStatus.SERVICE_UNAVAILABLE,
    serve_workers.ServerBusy: HTTPStatus.SERVICE_UNAVAILABLE,
    serve_workers.TooManyResults: HTTPStatus.INSUFFICIENT_STORAGE,
    serve_workers.QueryFailed: HTTPStatus.BAD_REQUEST,
}


class HttpError(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, pool: serve_workers.WorkerPool, verbose: bool = False):
        super().__init__(address, EndpointHandler)
        self.pool, self.verbose = pool, verbose


class EndpointHandler(BaseHTTPRequestHandler):
    server: EndpointServer
    server_version = "emkg-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            body = self._read_body() if method == "POST" else b""
            if url.path == "/sparql":
                self._sparql(method, url.query, body)
            elif url.path == "/api/queries" and method == "GET":
                self._send(HTTPStatus.OK, "application/json", json.dumps(_catalogue_json()).encode())
            elif url.path.startswith("/api/queries/") and method == "GET":
                self._stored_query(url.path.removeprefix("/api/queries/"), url.query)
            elif method == "GET":
                self._static(url.path)
            else:
                raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed on {url.path}")
        except HttpError as exc:
            self._send(exc.status, "text/plain; charset=utf-8", (str(exc) + "\n").encode())

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
        if length > MAX_REQUEST_BYTES:
            self.close_connection = True
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_REQUEST_BYTES} bytes")
        return self.rfile.read(length)

    def _sparql(self, method: str, query_string: str, body: bytes) -> None:
        params = parse_qs(query_string, keep_blank_values=True)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if method == "POST":
            if content_type == "application/x-www-form-urlencoded":
                params = {**params, **parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)}
            elif content_type == "application/sparql-query":
                params["query"] = [body.decode("utf-8", "replace")]
            elif content_type == "application/sparql-update":
                raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            else:
                raise HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "POST a form (query=...) or "
                                "application/sparql-query")
        if "update" in params:
            raise HttpError(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise HttpError(HTTPStatus.FORBIDDEN, "default-graph-uri / named-graph-uri are refused: the "
                            "endpoint queries the built graph only")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HttpError(HTTPStatus.BAD_REQUEST, "give exactly one query (query=... or a "
                            "application/sparql-query body)")
        self._run(queries[0])

    def _stored_query(self, name: str, query_string: str) -> None:
        from emkg import catalogue, store

        given = {k: v[-1] for k, v in parse_qs(query_string, keep_blank_values=True).items() if v[-1] != ""}
        try:
            stored = catalogue.get(name)
            text = store.bind_values(stored.text, stored.bindings(given))
        except (catalogue.CatalogueError, ValueError) as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        self._run(text, stored=True)

    def _run(self, text: str, stored: bool = False) -> None:
        try:
            answer = self.server.pool.run(text, self.headers.get("Accept"), stored)
        except tuple(REFUSAL_STATUS) as exc:
            raise HttpError(REFUSAL_STATUS[type(exc)], str(exc)) from None
        charset = "; charset=utf-8" if answer.media_type.startswith("text/") else ""
        self._send(HTTPStatus.OK, answer.media_type + charset, answer.body)

    def _static(self, path: str) -> None:
        if path in ("/", "/index.html"):
            file = WEB_DIR / "index.html"
        else:
            folder, _, name = path.lstrip("/").partition("/")
            allowed = {"static": WEB_DIR, "vendor": WEB_DIR / "vendor"}
            # only a plain file name that is really in the folder: no traversal, no sub-paths
            if folder not in allowed or name not in {p.name for p in allowed[folder].iterdir() if p.is_file()}:
                raise HttpError(HTTPStatus.NOT_FOUND, f"not found: {path}")
            file = allowed[folder] / name
        media_type = STATIC_TYPES.get(file.suffix, "application/octet-stream")
        self._send(HTTPStatus.OK, media_type, file.read_bytes())

    def _send(self, status: HTTPStatus, media_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", PAGE_POLICY)
        self.end_headers()
        self.wfile.write(body)


def _catalogue_json() -> list[dict]:
    from emkg import catalogue

    return [{"name": q.name, "summary": q.summary, "question": q.question, "tags": list(q.tags),
             "columns": list(q.columns),
             "params": [{"name": p.name, "type": p.type, "default": p.default, "allowed": list(p.allowed),
                         "doc": p.doc} for p in q.params]}
            for q in catalogue.catalogue().values()]


def make_server(store_dir: Path, host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0,
                max_rows: int = 10_000, workers: int = 2, verbose: bool = False) -> EndpointServer:
    """A server bound to (host, port) with its worker pool started; call serve_forever() then close()."""
    pool = serve_workers.WorkerPool(store_dir, size=workers, timeout=timeout, max_rows=max_rows)
    try:
        return EndpointServer((host, port), pool, verbose=verbose)
    except OSError:
        pool.close()
        raise


def close(server: EndpointServer) -> None:
    server.server_close()
    server.pool.close()


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def run(server: EndpointServer) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the workers."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        close(server)
