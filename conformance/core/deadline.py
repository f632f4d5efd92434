"""The deadline of an answer: a watchdog that shuts the socket of an exchange down when its time is up.

A per-read socket timeout cannot bound a whole answer (a server trickling one byte at a time never trips
it), so the client gives each exchange a deadline, and urllib3's connections, watched, tell the deadline
which socket is theirs.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# A per-read socket timeout cannot bound a whole answer, so a watchdog shuts the socket of an exchange
# down at its deadline; the blocked read then returns and the client reports a timeout.  The connection
# classes below tell the watchdog which socket belongs to the exchange of the current thread.  One
# watchdog thread serves every exchange of a client: a thread started per request cost more than the
# rest of the client's own work for a request to a local target.

current = threading.local()


class Watchdog:
    """One daemon thread that sleeps until the earliest deadline due and shuts down the socket of every
    exchange past its time.  It is woken only when a deadline comes due before the time it sleeps until,
    so a run of requests that each answer in time costs it no wake-up at all."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self._active: set[Deadline] = set()
        self._wake_at: float | None = None  # when the thread next looks; None: not until woken
        self._running = False  # set and cleared under ``lock``, so no deadline is left unwatched
        self._closed = False

    def due(self, deadline: Deadline) -> None:
        """``deadline`` (its time just set) is to be watched; called with ``lock`` held."""
        self._active.add(deadline)
        self._closed = False
        if not self._running:
            self._running = True
            threading.Thread(target=self._run, name="conformance-deadlines", daemon=True).start()
        elif deadline.due_at is not None and (self._wake_at is None or deadline.due_at < self._wake_at):
            self.lock.notify()

    def forget(self, deadline: Deadline) -> None:
        """Called with ``lock`` held; no wake-up: the thread finds nothing due when it next looks."""
        self._active.discard(deadline)

    def close(self) -> None:
        with self.lock:
            self._closed = True
            self._active.clear()
            self.lock.notify()

    def _run(self) -> None:
        while True:
            with self.lock:
                if self._closed:
                    self._running = False
                    return
                now = time.monotonic()
                expired = [d for d in self._active if d.due_at is not None and d.due_at <= now]
                sockets = []
                for deadline in expired:
                    self._active.discard(deadline)
                    deadline.expired = True
                    if deadline.connection is not None and deadline.connection.sock is not None:
                        sockets.append(deadline.connection.sock)
                if not sockets:
                    pending = [d.due_at for d in self._active if d.due_at is not None]
                    self._wake_at = min(pending) if pending else None
                    self.lock.wait(None if self._wake_at is None else self._wake_at - now)
                    continue
            for sock in sockets:
                try:
                    # socket.socket's own shutdown, not SSLSocket's, which would tear down TLS state that
                    # the reading thread is still using; the reader only needs its recv() to return.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass


class Deadline:
    """The time one answer may take: each attempt (a throttled request is sent again) gets the whole
    timeout from the moment it goes out; the wait between attempts that a Retry-After asks for does not
    count, it is not the target being slow."""

    def __init__(self, watchdog: Watchdog, timeout: float) -> None:
        self.watchdog = watchdog
        self.timeout = timeout
        self.connection: HTTPConnection | None = None
        self.expired = False
        self.due_at: float | None = None  # None between attempts
        with watchdog.lock:
            self.due_at = time.monotonic() + timeout
            watchdog.due(self)

    def attach(self, connection: HTTPConnection) -> None:
        """Called as a request goes out on ``connection``; refuses to start once the deadline passed."""
        with self.watchdog.lock:
            self.connection = connection
            if self.expired:
                raise TimeoutError("the deadline passed before the request was sent")
            self.due_at = time.monotonic() + self.timeout
            self.watchdog.due(self)

    def pause(self) -> None:
        """Called before the wait between two attempts."""
        with self.watchdog.lock:
            self.due_at = None

    def finish(self) -> bool:
        """Stop the watchdog from acting; True if it already had."""
        with self.watchdog.lock:
            self.watchdog.forget(self)
            return self.expired


class _Watched:
    """Mixed into urllib3's connections: tells the deadline of the current thread which one it uses, and
    sends a request's head and its body's first bytes in one write.  ``http.client`` writes the head
    alone and urllib3 the body after it: two system calls, and against a target on the same machine
    two wake-ups of its reader, for every request.  The bytes on the wire are the same."""

    _held: list[bytes] | None = None  # the head, while a request is being written

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = getattr(current, "deadline", None)
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        self._held = []
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]
            if self._held:  # no body: the head goes alone
                head = self._held.pop()
                self._held = None
                super().send(head)  # type: ignore[misc]
        finally:
            self._held = None

    def send(self, data: bytes) -> None:
        held = self._held
        if held is None:
            super().send(data)  # type: ignore[misc]
        elif not held:
            held.append(data)  # the head: kept for the body's first bytes
        else:
            self._held = None
            head = held.pop()
            if isinstance(data, bytes):
                super().send(head + data)  # type: ignore[misc]
            else:  # a file or an iterable, which http.client sends as it reads it
                super().send(head)  # type: ignore[misc]
                super().send(data)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        # A new dict: urllib3's default is module-level state shared with every other PoolManager.
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPConnectionPool,
            "https": _WatchedHTTPSConnectionPool,
        }
