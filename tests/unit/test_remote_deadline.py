"""remote._with_deadline: the worker thread, its deadline and the one-line errors it turns failures into."""

from __future__ import annotations

import socket
import threading

import pytest

from emkg.remote import RemoteError, _with_deadline


def _worker():
    (thread,) = [t for t in threading.enumerate() if t.name == "emkg-remote"]
    return thread


def test_the_answer_is_returned():
    assert _with_deadline(lambda sockets: 42, 5, "the endpoint") == 42


def test_a_hung_exchange_is_abandoned_in_a_daemon_thread_and_its_socket_shut():
    ours, theirs = socket.socketpair()
    read = []

    def work(sockets):
        sockets.append(ours)
        read.append(ours.recv(10))  # nothing is ever sent: only the shutdown ends this

    with pytest.raises(RemoteError) as error:
        _with_deadline(work, 0.2, "https://example.org/sparql")
    assert str(error.value) == "https://example.org/sparql did not answer within 0.2 s (--timeout)"
    worker = next((t for t in threading.enumerate() if t.name == "emkg-remote"), None)
    if worker is not None:  # a hung thread must never keep the program from exiting
        assert worker.daemon is True
        worker.join(5)
    assert read == [b""]
    ours.close()
    theirs.close()


def test_a_thread_that_stays_hung_is_a_daemon():
    release = threading.Event()
    with pytest.raises(RemoteError, match=r"^the endpoint did not answer within 0\.1 s \(--timeout\)$"):
        _with_deadline(lambda sockets: release.wait(10), 0.1, "the endpoint")
    worker = _worker()
    try:
        assert worker.daemon is True
    finally:
        release.set()
        worker.join(5)


def _raising(exc):
    def work(sockets):
        raise exc
    return work


@pytest.mark.parametrize(("exc", "message"), [
    (TimeoutError("timed out"), "the endpoint did not answer within 3 s (--timeout)"),
    (ConnectionRefusedError("[Errno 111] Connection refused"),
     "cannot reach the endpoint: [Errno 111] Connection refused"),
    (socket.gaierror(), "cannot reach the endpoint: gaierror"),
    (ConnectionResetError("reset\nby peer"), "cannot query the endpoint: reset by peer"),
    (EOFError(), "cannot query the endpoint: EOFError"),
    (RemoteError("as it was"), "as it was"),
])
def test_failures_become_one_line_remote_errors(exc, message):
    with pytest.raises(RemoteError) as error:
        _with_deadline(_raising(exc), 3, "the endpoint")
    assert str(error.value) == message


def test_a_programming_error_is_not_disguised():
    with pytest.raises(KeyError):
        _with_deadline(_raising(KeyError("x")), 3, "the endpoint")
