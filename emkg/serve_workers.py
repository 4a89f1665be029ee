"""Worker processes that check and run queries for `emkg serve`, so a query past its timeout is really cut.

pyoxigraph evaluates a query inside one native call that cannot be interrupted from another Python
thread, so each query runs in a worker process (spawned, each with its own read-only store handle);
one that overruns its timeout is killed and replaced, and the other workers go on answering.
The check (emkg.serve_guard, rdflib's parser) runs in the worker too: pyparsing is not thread-safe,
and rdflib takes 0.1 to 0.5 s to parse a stored query, so a huge query's parse is bounded by the same
timeout; each worker remembers the verdicts on the last query texts it checked. Stored queries from
the catalogue (repository files, SELECT, parameters bound as validated RDF terms) are not user text
and skip the check.

Results are serialised by pyoxigraph's own serialisers in the worker. The row cap is checked by a
counting pass first: pyoxigraph's serialisers take a whole QuerySolutions iterator and one cannot be
rebuilt from collected rows, so a result within the cap is evaluated a second time to serialise it
(both passes inside the one timeout).
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

RESULT_FORMATS = {  # media type -> pyoxigraph format name, for SELECT and ASK
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "text/csv": "CSV", "text/tab-separated-values": "TSV", "application/sparql-results+xml": "XML",
}
GRAPH_FORMATS = {  # media type -> pyoxigraph format name, for CONSTRUCT and DESCRIBE
    "text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML",
}


class QueryTimeout(RuntimeError):
    """The query ran past the timeout; its worker was killed."""


class ServerBusy(RuntimeError):
    """No worker became free within the timeout."""


class TooManyResults(ValueError):
    """The result has more rows (or triples) than the cap."""


class QueryFailed(ValueError):
    """pyoxigraph rejected or failed the query (message is pyoxigraph's)."""


class NotAcceptable(ValueError):
    """No result format the client accepts fits the query form."""


def negotiate(accept: str | None, form: str) -> str:
    """The media type to answer with, from the Accept header (q-values honoured; default first)."""
    offered = list(RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS)
    if form == "ASK":
        offered = [m for m in offered if m not in ("text/csv", "text/tab-separated-values")]
    if not accept:
        return offered[0]
    ranges = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((quality, -position, fields[0].lower()))
    for quality, _, media_range in sorted(ranges, reverse=True):
        if quality <= 0:
            continue
        for media_type in offered:
            if media_range in (media_type, "*/*", f"{media_type.split('/')[0]}/*"):
                return media_type
    raise NotAcceptable(f"no acceptable result format for {form}; this endpoint offers {', '.join(offered)}")


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes


def _serve_queries(store_dir: str, conn) -> None:
    """Worker main loop: (query, Accept, max rows) in; ("ok", media type, bytes) or (error kind, message, b"")."""
    from functools import lru_cache

    import pyoxigraph as ox

    from emkg import serve_guard

    check = lru_cache(maxsize=256)(serve_guard.check)
    try:
        store = ox.Store.read_only(store_dir)
    except (OSError, RuntimeError) as exc:  # a corrupt or unreadable store: tell the server why, in one line
        conn.send(("failed", " ".join(str(exc).split()) or type(exc).__name__, b""))
        return
    conn.send(("ready", "", b""))
    while True:
        try:
            text, accept, max_rows, stored = conn.recv()
        except EOFError:
            return
        try:
            media_type = negotiate(accept, "SELECT" if stored else check(text).form)
            conn.send(("ok", media_type, _evaluate(ox, store, text, media_type, max_rows)))
        except serve_guard.QueryRefused as exc:
            conn.send(("refused", str(exc), b""))
        except serve_guard.QuerySyntaxError as exc:
            conn.send(("syntax", str(exc), b""))
        except NotAcceptable as exc:
            conn.send(("not-acceptable", str(exc), b""))
        except TooManyResults as exc:
            conn.send(("too-many", str(exc), b""))
        except (SyntaxError, ValueError, OSError, TypeError) as exc:
            conn.send(("failed", str(exc), b""))


def _evaluate(ox, store, text: str, media_type: str, max_rows: int) -> bytes:
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=getattr(ox.QueryResultsFormat, RESULT_FORMATS[media_type]))
    for count, _ in enumerate(result, start=1):
        if count > max_rows:
            unit = "rows" if isinstance(result, ox.QuerySolutions) else "triples"
            raise TooManyResults(f"the result has more than {max_rows} {unit} (the server's cap); "
                                 "narrow the query or add LIMIT")
    result = store.query(text)
    if isinstance(result, ox.QuerySolutions):
        return result.serialize(format=getattr(ox.QueryResultsFormat, RESULT_FORMATS[media_type]))
    return result.serialize(format=getattr(ox.RdfFormat, GRAPH_FORMATS[media_type]))


class _Worker:
    def __init__(self, context, store_dir: Path, start_timeout: float = 60.0):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve_queries, args=(str(store_dir), child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(start_timeout):
            self.stop()
            raise RuntimeError("a query worker did not start")
        kind, message, _ = self.conn.recv()
        if kind != "ready":
            self.stop()
            raise RuntimeError(f"a query worker failed to start: {message}")

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of query workers. `run` waits for a free worker (at most `queue_timeout`: queueing
    behind other clients is normal under load), then gives the query at most `timeout` to finish."""

    def __init__(self, store_dir: Path, size: int, timeout: float, max_rows: int, queue_timeout: float = 30.0):
        self.store_dir, self.timeout, self.max_rows = store_dir, timeout, max_rows
        self.queue_timeout = queue_timeout
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._add(_Worker(self._context, store_dir))

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        # the new worker starts in the background so the timed-out request is answered at once
        threading.Thread(target=lambda: self._add(_Worker(self._context, self.store_dir)), daemon=True).start()

    def run(self, text: str, accept: str | None, stored: bool = False) -> Answer:
        """Check (unless `stored`: a catalogue query) and run a query; raise this module's errors or serve_guard's."""
        from emkg import serve_guard

        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise ServerBusy(f"no query worker became free within {self.queue_timeout:g} s") from None
        try:
            worker.conn.send((text, accept, self.max_rows, stored))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran past the timeout ({self.timeout:g} s) and was stopped")
            kind, media_type, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryFailed("the query worker stopped unexpectedly") from None
        self._idle.put(worker)
        if kind == "ok":
            return Answer(media_type, payload)
        errors = {"refused": serve_guard.QueryRefused, "syntax": serve_guard.QuerySyntaxError,
                  "not-acceptable": NotAcceptable, "too-many": TooManyResults}
        raise errors.get(kind, QueryFailed)(media_type)  # the message travels in the media type's place

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()
