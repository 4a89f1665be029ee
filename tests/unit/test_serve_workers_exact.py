"""emkg.serve_workers in this process (the worker loop normally runs in spawned processes, out of mutmut's
sight): content negotiation, the worker loop's replies over a pipe, the row cap, and the pool's mapping of
replies and failures to errors, each with its whole message."""

from __future__ import annotations

import multiprocessing
import threading

import pyoxigraph as ox
import pytest

from emkg import serve_guard, serve_workers
from emkg.serve_workers import (
    Answer,
    NotAcceptable,
    QueryFailed,
    QueryTimeout,
    ServerBusy,
    TooManyResults,
    WorkerPool,
    negotiate,
)

EX = "http://example.org/"
SELECT_TYPES = ("application/sparql-results+json, application/json, text/csv, text/tab-separated-values, "
                "application/sparql-results+xml")
GRAPH_TYPES = "text/turtle, application/n-triples, application/rdf+xml"


@pytest.mark.parametrize(("accept", "form", "media_type"), [
    (None, "SELECT", "application/sparql-results+json"),
    ("", "ASK", "application/sparql-results+json"),
    (None, "CONSTRUCT", "text/turtle"),
    (None, "DESCRIBE", "text/turtle"),
    ("text/csv", "SELECT", "text/csv"),
    ("TEXT/CSV", "SELECT", "text/csv"),
    ("text/tab-separated-values", "SELECT", "text/tab-separated-values"),
    ("application/sparql-results+xml", "ASK", "application/sparql-results+xml"),
    ("application/json", "SELECT", "application/json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "SELECT", "application/sparql-results+xml"),
    ("text/csv ; q=0.9 , text/tab-separated-values;q=0.8", "SELECT", "text/csv"),
    ("text/csv, text/tab-separated-values", "SELECT", "text/csv"),  # equal quality: the first listed
    ("text/tab-separated-values, text/csv", "SELECT", "text/tab-separated-values"),
    ("text/csv;q=0, */*;q=0.1", "SELECT", "application/sparql-results+json"),
    ("text/csv;q=abc, text/tab-separated-values;q=0.1", "SELECT", "text/tab-separated-values"),
    ("text/*", "SELECT", "text/csv"),
    ("text/*", "ASK", None),  # CSV and TSV do not carry a boolean
    ("text/*", "CONSTRUCT", "text/turtle"),
    ("application/*", "CONSTRUCT", "application/n-triples"),
    ("application/rdf+xml;level=1", "DESCRIBE", "application/rdf+xml"),
    ("text/csv;charset=utf-8", "SELECT", "text/csv"),
    ("text/turtle", "SELECT", None),
    ("text/csv", "CONSTRUCT", None),
    ("*/*;q=0", "SELECT", None),
    ("image/png, text/html;q=0.9", "SELECT", None),
    ("text/csv;Q=0.5;x=q=1, application/json;q=0.4", "SELECT", "text/csv"),
])
def test_negotiate_honours_accept_and_q_values(accept, form, media_type):
    if media_type is not None:
        assert negotiate(accept, form) == media_type
        return
    offered = {"SELECT": SELECT_TYPES, "ASK": "application/sparql-results+json, application/json, "
               "application/sparql-results+xml"}.get(form, GRAPH_TYPES)
    with pytest.raises(NotAcceptable) as error:
        negotiate(accept, form)
    assert str(error.value) == f"no acceptable result format for {form}; this endpoint offers {offered}"


@pytest.fixture
def store(tmp_path):
    folder = tmp_path / "store"
    db = ox.Store(str(folder))
    db.extend([ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(v))
               for s, v in (("a", "1"), ("b", "é"), ("c", "3"))])
    db.flush()
    del db
    return folder


def test_evaluate_serialises_each_form_with_pyoxigraph_and_caps_rows(store):
    db = ox.Store.read_only(str(store))
    evaluate = serve_workers._evaluate
    select = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
    assert evaluate(ox, db, select, "text/csv", 3) == "s,o\r\nhttp://example.org/a,1\r\nhttp://example.org/b,é\r\nhttp://example.org/c,3\r\n".encode()
    assert evaluate(ox, db, select + " LIMIT 1", "text/tab-separated-values", 1) == b"?s\t?o\n<http://example.org/a>\t\"1\"\n"
    assert evaluate(ox, db, "ASK { ?s ?p ?o }", "application/sparql-results+json", 0) == b'{"head":{},"boolean":true}'
    assert evaluate(ox, db, f"CONSTRUCT WHERE {{ <{EX}a> ?p ?o }}", "application/n-triples", 1) == \
        b'<http://example.org/a> <http://example.org/p> "1" .\n'
    with pytest.raises(TooManyResults) as error:
        evaluate(ox, db, select, "text/csv", 2)
    assert str(error.value) == "the result has more than 2 rows (the server's cap); narrow the query or add LIMIT"
    with pytest.raises(TooManyResults) as error:
        evaluate(ox, db, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", 2)
    assert str(error.value) == "the result has more than 2 triples (the server's cap); narrow the query or add LIMIT"


def _loop(store_dir):
    """The worker loop in a thread of this process, behind a pipe; returns our end and the thread."""
    ours, theirs = multiprocessing.Pipe()
    thread = threading.Thread(target=serve_workers._serve_queries, args=(str(store_dir), theirs), daemon=True)
    thread.start()
    return ours, thread


def _reply(conn):
    """The worker's next reply; a worker that died or hung fails the test instead of blocking it."""
    assert conn.poll(10), "the worker loop sent nothing"
    return conn.recv()


def test_the_worker_loop_says_ready_then_answers_each_request_in_turn(store):
    conn, thread = _loop(store)
    assert _reply(conn) == ("ready", "", b"")
    requests = [
        (("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv", 10, False), ("ok", "text/csv", b"n\r\n3\r\n")),
        (("SELECT ?s WHERE { ?s ?p ?o }", None, 2, False),
         ("too-many", "the result has more than 2 rows (the server's cap); narrow the query or add LIMIT", b"")),
        (("SELECT ?s WHERE { ?s ?p ?o }", "text/turtle", 10, False),
         ("not-acceptable", "no acceptable result format for SELECT; this endpoint offers " + SELECT_TYPES, b"")),
        (("SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "text/turtle", 10, True),  # stored: never
         ("not-acceptable", "no acceptable result format for SELECT; this endpoint offers " + SELECT_TYPES, b"")),
        (("SELECT * WHERE { ?s ?p ?o }", "text/csv;q=0.1, text/turtle", 10, True), ("ok", "text/csv", None)),
        (("ASK { ?s ?p ?o }", "application/sparql-results+xml", 10, False), ("ok", "application/sparql-results+xml",
                                                                            None)),
    ]
    for request, expected in requests:
        conn.send(request)
        reply = _reply(conn)
        if expected[2] is None:
            assert reply[:2] == expected[:2] and reply[2]
        else:
            assert reply == expected
    conn.send(("SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }", None, 10, False))
    kind, message, body = _reply(conn)
    with pytest.raises(serve_guard.QueryRefused) as refused:
        serve_guard.check("SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    assert (kind, message, body) == ("refused", str(refused.value), b"")
    conn.send(("SELECT ?s WHERE {", None, 10, False))
    kind, message, body = _reply(conn)
    with pytest.raises(serve_guard.QuerySyntaxError) as syntax:
        serve_guard.check("SELECT ?s WHERE {")
    assert (kind, message, body) == ("syntax", str(syntax.value), b"")
    conn.send(("SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?x HAVING (", None, 10, True))  # unchecked, pyoxigraph fails
    kind, message, body = _reply(conn)
    assert (kind, body) == ("failed", b"") and message
    conn.close()
    thread.join(5)
    assert not thread.is_alive()  # the loop ends when the server's end closes


def test_a_worker_on_an_unreadable_store_says_why_in_one_line(tmp_path):
    (tmp_path / "CURRENT").write_text("junk\n", encoding="utf-8")
    conn, thread = _loop(tmp_path)
    assert _reply(conn) == ("failed", "Corruption: CURRENT file corrupted", b"")
    thread.join(5)
    assert not thread.is_alive()


class _FakeWorker:
    """A worker whose pipe end is ours: `replies` are what it sends back (None: nothing, a timeout)."""

    def __init__(self, replies):
        self.conn, self.other = multiprocessing.Pipe()
        self.replies, self.stopped, self.sent = list(replies), False, []

    def answer(self):
        request = self.other.recv()
        self.sent.append(request)
        reply = self.replies.pop(0)
        if reply == "close":
            self.other.close()
        elif reply is not None:
            self.other.send(reply)

    def stop(self):
        self.stopped = True


def _pool(workers, timeout=5.0, queue_timeout=0.05, max_rows=7):
    pool = WorkerPool.__new__(WorkerPool)  # no processes: the workers are stand-ins
    import queue

    pool.store_dir, pool.timeout, pool.max_rows, pool.queue_timeout = "store", timeout, max_rows, queue_timeout
    pool._context, pool._idle, pool._all, pool._lock, pool._closed = None, queue.Queue(), set(), threading.Lock(), False
    for worker in workers:
        pool._add(worker)
    return pool


def _run(pool, worker, *args):
    responder = threading.Thread(target=worker.answer, daemon=True)
    responder.start()
    try:
        return pool.run(*args)
    finally:
        responder.join(5)


@pytest.mark.parametrize(("reply", "error"), [
    (("refused", "SERVICE is refused", b""), serve_guard.QueryRefused),
    (("syntax", "line 1: bad", b""), serve_guard.QuerySyntaxError),
    (("not-acceptable", "no format", b""), NotAcceptable),
    (("too-many", "more than 7 rows", b""), TooManyResults),
    (("failed", "pyoxigraph says no", b""), QueryFailed),
    (("anything else", "odd", b""), QueryFailed),
])
def test_the_pool_raises_the_workers_refusal_with_its_message_and_keeps_the_worker(reply, error):
    worker = _FakeWorker([reply])
    pool = _pool([worker])
    with pytest.raises(error) as raised:
        _run(pool, worker, "Q", "text/csv")
    assert type(raised.value) is error and str(raised.value) == reply[1]
    assert worker.sent == [("Q", "text/csv", 7, False)]
    assert pool._idle.get_nowait() is worker and not worker.stopped


def test_the_pool_returns_the_answer_and_sends_the_stored_flag():
    worker = _FakeWorker([("ok", "text/csv", b"n\r\n")])
    pool = _pool([worker])
    assert _run(pool, worker, "Q", None, True) == Answer("text/csv", b"n\r\n")
    assert worker.sent == [("Q", None, 7, True)]
    assert pool._idle.get_nowait() is worker


def test_a_query_past_the_timeout_stops_its_worker_and_starts_another(monkeypatch):
    started = threading.Event()

    class Replacement:
        def __init__(self, context, store_dir):
            assert store_dir == "store"
            started.set()

        def stop(self):
            pass

    monkeypatch.setattr(serve_workers, "_Worker", Replacement)
    worker = _FakeWorker([None])
    pool = _pool([worker], timeout=0.2)
    with pytest.raises(QueryTimeout) as error:
        _run(pool, worker, "Q", None)
    assert str(error.value) == "the query ran past the timeout (0.2 s) and was stopped"
    assert worker.stopped and worker not in pool._all
    assert started.wait(5)
    assert isinstance(pool._idle.get(timeout=5), Replacement)


def test_a_worker_that_dies_is_replaced_and_the_query_fails(monkeypatch):
    monkeypatch.setattr(serve_workers, "_Worker", lambda context, store_dir: _FakeWorker([]))
    worker = _FakeWorker(["close"])
    pool = _pool([worker])
    with pytest.raises(QueryFailed) as error:
        _run(pool, worker, "Q", None)
    assert str(error.value) == "the query worker stopped unexpectedly"
    assert worker.stopped
    assert pool._idle.get(timeout=5) is not worker


def test_no_free_worker_within_the_queue_timeout_is_busy():
    pool = _pool([], queue_timeout=0.05)
    with pytest.raises(ServerBusy) as error:
        pool.run("Q", None)
    assert str(error.value) == "no query worker became free within 0.05 s"


def test_close_stops_every_worker_and_a_late_worker_is_stopped_at_once():
    first, second, late = _FakeWorker([]), _FakeWorker([]), _FakeWorker([])
    pool = _pool([first, second])
    pool.close()
    assert first.stopped and second.stopped and pool._all == set()
    pool._add(late)
    assert late.stopped and pool._all == set()


@pytest.mark.parametrize(("error", "said"), [(OSError(), "OSError"), (RuntimeError("IO error:\n  lock  held"),
                                                                    "IO error: lock held")])
def test_a_store_that_cannot_be_opened_is_named_in_one_line(monkeypatch, tmp_path, error, said):
    class Unopenable:
        @staticmethod
        def read_only(path):
            assert path == str(tmp_path)
            raise error

    monkeypatch.setattr(ox, "Store", Unopenable)
    conn, thread = _loop(tmp_path)
    assert _reply(conn) == ("failed", said, b"")
    thread.join(5)
