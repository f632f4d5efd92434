"""The HTTP client that talks to the target: one keep-alive session, a deadline per answer, clear errors.

A conformance run sends thousands of requests to implementations that may be broken in any way: slow,
silent, chatty, or cutting answers short.  So the client bounds every exchange by a deadline for the
whole answer (not per socket read, which a server trickling one byte at a time never trips), reads at
most ``max_response_bytes`` of a body, sends the request bytes exactly as the strategies made them, and
turns every transport failure into one of four ``TargetError`` exceptions whose message is one sentence.
"""

from __future__ import annotations

import base64
import enum
import http.client
import json
import socket
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import Retry

from conformance.report import REDACTOR
from strategies.requests import Request

MiB = 1024 * 1024
POOL_SIZE = 8
_CHUNK = 64 * 1024

#: A signer gets the request about to be sent and returns the headers to send (SigV4 adds its own).
Signer = Callable[[str, str, Mapping[str, str], bytes], Mapping[str, str]]


def _version() -> str:
    try:
        return metadata.version("customer-profiles-conformance")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "dev"


USER_AGENT = f"customer-profiles-conformance/{_version()}"
DEFAULT_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    # Asking for no compression keeps what the target sent and what a curl replay shows the same bytes.
    "Accept-Encoding": "identity",
    "User-Agent": USER_AGENT,
}


class _NotJSON(enum.Enum):
    """What :meth:`Exchange.json` returns for a body that is not JSON (``None`` is JSON's ``null``)."""

    NOT_JSON = "NOT_JSON"

    def __bool__(self) -> bool:
        return False


NOT_JSON = _NotJSON.NOT_JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@dataclass(frozen=True)
class Exchange:
    """One request and the target's answer to it, as bytes on the wire, for checks and reports."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes
    request: Request | None
    status: int
    reason: str
    headers: CaseInsensitiveDict[str]
    body: bytes
    truncated: bool = False
    elapsed: float = 0.0
    # Bytes received for a body the target encoded (gzip...) although the client asked for identity.
    decoded_from: int | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    def json(self) -> Any:
        """The parsed body, or ``NOT_JSON`` when it is not strict JSON text in UTF-8 (parsed once: several
        checks read it; don't change what it returns).

        Strict: ``NaN``/``Infinity`` and a byte order mark are not JSON (RFC 8259), so they do not pass.
        """
        return self._reading[0]

    @property
    def json_problem(self) -> str | None:
        """Why :meth:`json` is ``NOT_JSON``, in a few words: ``not JSON (Expecting value at character
        0)``, or JSON that this client's parser cannot represent (say what, the body is not to blame)."""
        return self._reading[1]

    @cached_property
    def _reading(self) -> tuple[Any, str | None]:
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as error:
            return NOT_JSON, f"not UTF-8 text (byte {error.start} is {self.body[error.start]:#04x})"
        try:
            return json.loads(text, parse_constant=_reject_constant), None
        except json.JSONDecodeError as error:
            return NOT_JSON, f"not JSON ({error.msg} at character {error.pos})"
        except RecursionError:
            return NOT_JSON, (
                "JSON nested deeper than the client's JSON parser (Python's) follows "
                f"(about {sys.getrecursionlimit()} levels)"
            )
        except ValueError as error:
            if "integer string conversion" in str(error):
                return NOT_JSON, (
                    "JSON holding an integer of more digits than the client's JSON parser (Python's) "
                    f"reads ({sys.get_int_max_str_digits()})"
                )
            return NOT_JSON, f"not JSON ({error})"  # NaN, Infinity

    def text(self, limit: int | None = None) -> str:
        """The body as text (undecodable bytes escaped), cut to ``limit`` characters."""
        text = self.body.decode("utf-8", errors="backslashreplace")
        return text if limit is None or len(text) <= limit else text[:limit]


class TargetError(Exception):
    """The target could not be talked to; the message is one sentence meant for the user."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class TargetTimeout(TargetError):
    """No complete answer within the timeout: nothing, or a body still trickling in."""


class TargetUnreachable(TargetError):
    """No connection: refused, unresolvable host, or no TCP handshake within the timeout."""


class TargetProtocolError(TargetError):
    """An answer that is not well-formed HTTP: cut short, reset, bad chunking, a bad status line."""


class TargetTLSError(TargetError):
    """The TLS handshake failed, often on a certificate the client cannot verify."""


# Methods sent without a Content-Length when they have no body (as requests does).
_METHODS_WITHOUT_BODY = ("GET", "HEAD")

_TRANSPORT_ERRORS = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)

# -- the deadline ---------------------------------------------------------------------------------------
# A per-read socket timeout cannot bound a whole answer, so a watchdog shuts the socket of an exchange
# down at its deadline; the blocked read then returns and the client reports a timeout.  The connection
# classes below tell the watchdog which socket belongs to the exchange of the current thread.  One
# watchdog thread serves every exchange of a client: a thread started per request cost more than the
# rest of the client's own work for a request to a local target.

_current = threading.local()


class _Watchdog:
    """One daemon thread that sleeps until the earliest deadline due and shuts down the socket of every
    exchange past its time.  It is woken only when a deadline comes due before the time it sleeps until,
    so a run of requests that each answer in time costs it no wake-up at all."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self._active: set[_Deadline] = set()
        self._wake_at: float | None = None  # when the thread next looks; None: not until woken
        self._running = False  # set and cleared under ``lock``, so no deadline is left unwatched
        self._closed = False

    def due(self, deadline: _Deadline) -> None:
        """``deadline`` (its time just set) is to be watched; called with ``lock`` held."""
        self._active.add(deadline)
        self._closed = False
        if not self._running:
            self._running = True
            threading.Thread(target=self._run, name="conformance-deadlines", daemon=True).start()
        elif deadline.due_at is not None and (self._wake_at is None or deadline.due_at < self._wake_at):
            self.lock.notify()

    def forget(self, deadline: _Deadline) -> None:
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


class _Deadline:
    """The time one answer may take: each attempt (a throttled request is sent again) gets the whole
    timeout from the moment it goes out; the wait between attempts that a Retry-After asks for does not
    count, it is not the target being slow."""

    def __init__(self, watchdog: _Watchdog, timeout: float) -> None:
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
    """Mixed into urllib3's connections: tells the deadline of the current thread which one it uses."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        # A new dict: urllib3's default is module-level state shared with every other PoolManager.
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPConnectionPool,
            "https": _WatchedHTTPSConnectionPool,
        }


# -- the client -----------------------------------------------------------------------------------------


# Longest Retry-After honoured on a 429; a longer one is waited this long.
RETRY_AFTER_MAX = 30


class ThrottleWaits:
    """The time a process may spend waiting to resend throttled (429) requests, all told: a target that
    throttles everything would otherwise cost each request its retries' waits (90 s with Retry-After: 30)
    and the run would look hung.  Once spent, a 429 is the answer at once."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.waited = 0.0
        self.retries = 0
        self.spent = False  # a wait was refused for want of time
        self._lock = threading.Lock()

    def take(self, seconds: float) -> bool:
        with self._lock:
            if self.waited + seconds > self.budget:
                self.spent = True
                return False
            self.waited += seconds
            self.retries += 1
            return True


class _ThrottleRetry(Retry):
    """urllib3's ``Retry``, except that ``Retry-After: 0`` means "retry now" (urllib3 takes a zero for no
    header at all and backs off instead, 1 s, then 2 s, which the target did not ask for), and each wait
    is taken from the process's ``ThrottleWaits``: with none left, the 429 is the answer."""

    def __init__(self, *args: Any, waits: ThrottleWaits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waits = waits

    def new(self, **kw: Any) -> _ThrottleRetry:
        kw.setdefault("waits", self.waits)
        return super().new(**kw)

    def increment(self, method: Any = None, url: Any = None, *args: Any, **kwargs: Any) -> _ThrottleRetry:
        retry = super().increment(method, url, *args, **kwargs)
        response = kwargs.get("response", args[0] if args else None)
        if response is not None and self.waits is not None:
            if not self.waits.take(retry._wait_for(response)):
                raise urllib3.exceptions.MaxRetryError(
                    kwargs.get("_pool"), url, urllib3.exceptions.ResponseError("no time left for 429 waits")
                )
        return retry

    def _wait_for(self, response: Any) -> float:
        try:
            retry_after = self.get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:
            retry_after = None
        return self.get_backoff_time() if retry_after is None else retry_after

    def sleep(self, response: Any = None) -> None:
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.pause()  # the next attempt gets a whole timeout of its own
        super().sleep(response)

    def sleep_for_retry(self, response: Any) -> bool:
        try:
            retry_after = self.get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:  # a Retry-After that is no number or date: back off
            return False
        if retry_after is None:
            return False
        if retry_after > 0:
            time.sleep(retry_after)
        return True


def _throttle_retry(retries: int, waits: ThrottleWaits | None) -> Retry | int:
    """Retry a request answered 429 (it was not processed, so even a POST is safe to resend), honouring
    Retry-After, backing off otherwise, while ``waits`` has time left; after the last retry the 429 itself
    is the answer.  Nothing else is retried: every successful request creates a workflow."""
    if not retries:
        return 0
    return _ThrottleRetry(
        total=retries,
        connect=0,
        read=0,
        other=0,
        redirect=0,
        status=retries,
        status_forcelist=[429],
        allowed_methods=None,
        backoff_factor=0.5,
        backoff_max=RETRY_AFTER_MAX,
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX,
        raise_on_status=False,
        raise_on_redirect=False,
        waits=waits,
    )


class TargetClient:
    """Sends requests to the target under test and records each exchange.

    ``base_url`` may carry a path prefix (``http://host:port/prefix``), kept in front of every path, and a
    user and password, sent as HTTP Basic authorization (as curl does) and kept out of every URL shown.
    Redirects are not followed: a 3xx is the target's answer.  Only a 429 is resent (see
    ``_throttle_retry``), because every successful request creates a workflow on the target.
    """

    def __init__(
        self,
        base_url: str,
        existing_domain: str,
        timeout: float = 10.0,
        max_response_bytes: int = MiB,
        signer: Signer | None = None,
        verify_tls: bool = True,
        throttle_retries: int = 0,
        throttle_wait: float = 60.0,
    ) -> None:
        self.base_url, self._basic_auth = _without_userinfo(base_url.rstrip("/"))
        self.existing_domain = existing_domain
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.signer = signer
        self.verify_tls = verify_tls
        self._session = requests.Session()
        # The headers sent are exactly the ones built in _exchange (plus Content-Length), no python-requests
        # defaults: what the report shows as the request is what went out.
        self._session.headers.clear()
        self.throttle_retries = throttle_retries
        self.throttle = ThrottleWaits(throttle_wait)
        self._settings: dict[str, Any] | None = None
        self._watchdog = _Watchdog()
        adapter = _WatchedAdapter(
            pool_connections=POOL_SIZE,
            pool_maxsize=POOL_SIZE,
            max_retries=_throttle_retry(throttle_retries, self.throttle),
        )
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._adapter = adapter
        self._pool: HTTPConnectionPool | None = None
        self._timeouts = urllib3.Timeout(connect=timeout, read=timeout)
        if not verify_tls:
            # The user asked for --insecure; a warning per request would bury the results.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    def __enter__(self) -> TargetClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()
        self._pool = None
        self._watchdog.close()

    def url_for(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def send(self, request: Request, headers: Mapping[str, str | None] | None = None) -> Exchange:
        """POST one CreateIntegrationWorkflow request; ``headers`` override the defaults (None drops one)."""
        return self._exchange(
            "POST", request.path(self.existing_domain), request.body_bytes(), headers, request
        )

    def send_raw(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str | None] | None = None,
    ) -> Exchange:
        """Any other request (GetWorkflow, DeleteWorkflow...), ``path`` relative to the base URL."""
        if not body and (headers is None or "Content-Type" not in headers):
            # An SDK sends no Content-Type on a request without a body.
            headers = {"Content-Type": None, **(headers or {})}
        return self._exchange(method, path, body or b"", headers, None)

    def _exchange(
        self,
        method: str,
        path: str,
        body: bytes,
        extra_headers: Mapping[str, str | None] | None,
        request: Request | None,
    ) -> Exchange:
        url = self.url_for(path)
        merged: CaseInsensitiveDict[str | None] = CaseInsensitiveDict(DEFAULT_HEADERS)
        merged.update(extra_headers or {})
        headers = {name: value for name, value in merged.items() if value is not None}
        if self._basic_auth and "Authorization" not in merged:
            headers["Authorization"] = self._basic_auth
        if self.signer is not None:
            headers = dict(self.signer(method, url, headers, body))

        if body or method not in _METHODS_WITHOUT_BODY:
            headers["Content-Length"] = str(len(body))
        pool, target = self._route(url)

        started = time.monotonic()
        deadline = _Deadline(self._watchdog, self.timeout)
        _current.deadline = deadline
        response: urllib3.BaseHTTPResponse | None = None
        try:
            # Straight to the connection pool that requests' adapter set up for this URL (TLS settings,
            # proxy, our watched connections, the throttle Retry): what ``HTTPAdapter.send`` does, less
            # its per-request work that a conformance client must not do anyway (keep cookies from one
            # answer for the next request, add ~/.netrc credentials, normalise the path).  About half the
            # client's time per request against a local target.
            response = pool.urlopen(
                method,
                target,
                body=body or None,
                headers=headers,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                retries=self._adapter.max_retries,
                timeout=self._timeouts,
            )
            answer, truncated, decoded_from = self._read_body(response)
        except Exception as error:
            expired = deadline.finish()
            if response is not None:
                _discard(response)
            if not expired and not isinstance(error, _TRANSPORT_ERRORS):
                raise  # a bug of the suite's own, not the target's
            raise self._translate(error, url, expired) from None
        finally:
            deadline.finish()
            _current.deadline = None
        elapsed = time.monotonic() - started
        if deadline.finish():
            _discard(response)
            raise TargetTimeout(self._timeout_message(url), url)
        if truncated:
            _discard(response)  # the unread rest must not leak into the next answer
        else:
            response.release_conn()  # read to the end: the connection goes back to the pool
        return Exchange(
            method=method,
            url=url,
            request_headers=CaseInsensitiveDict(headers),
            request_body=body,
            request=request,
            status=response.status,
            reason=response.reason or "",
            headers=CaseInsensitiveDict(dict(response.headers)),
            body=answer,
            truncated=truncated,
            elapsed=elapsed,
            decoded_from=decoded_from,
        )

    def _environment_settings(self) -> dict[str, Any]:
        """Proxies and CA bundle from the environment, read once: every request goes to one base URL, and
        reading them costs a scan of the environment per request."""
        if self._settings is None:
            self._settings = self._session.merge_environment_settings(
                self.base_url, {}, True, self.verify_tls, None
            )
        return self._settings

    def _route(self, url: str) -> tuple[HTTPConnectionPool, str]:
        """The connection pool for ``url`` and the request target to send on it, as requests' adapter
        works them out (proxy or not, TLS verification and client certificate); every URL shares the
        base URL's scheme, host and port, so the pool is looked up once."""
        settings = self._environment_settings()
        routing = requests.PreparedRequest()
        routing.url = url  # all the adapter reads; no prepare(), which would normalise the path
        if self._pool is None:
            pool = self._adapter.get_connection_with_tls_context(
                routing, settings["verify"], proxies=settings["proxies"], cert=settings["cert"]
            )
            self._adapter.cert_verify(pool, url, settings["verify"], settings["cert"])
            self._pool = pool
        return self._pool, self._adapter.request_url(routing, settings["proxies"])

    def _read_body(self, response: urllib3.BaseHTTPResponse) -> tuple[bytes, bool, int | None]:
        """At most ``max_response_bytes`` of the body, whether there was more, and for a body the target
        encoded with gzip or deflate (although the client asked for identity) how many bytes came over
        the wire.  Both what is read and what is decoded are capped, so neither a compression bomb nor an
        endless stream of empty gzip members costs more than the cap (urllib3's own decoding reads on
        until it has decoded as much as asked, which an empty member never gives).  Other encodings are
        left as they came: the report shows the Content-Encoding."""
        chunks: list[bytes] = []
        size = 0
        truncated = False
        for chunk in response.stream(_CHUNK, decode_content=False):
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_response_bytes:
                truncated = True
                break
        raw = b"".join(chunks)[: self.max_response_bytes]
        encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
        if encoding not in _DECODED:
            return raw, truncated, None
        decoded, cut = _decode(raw, encoding, self.max_response_bytes)
        return decoded, truncated or cut, len(raw)

    # -- errors -------------------------------------------------------------------------------------------
    def _timeout_message(self, url: str) -> str:
        return f"no complete answer from {url}: timed out after {self.timeout:g} s"

    def _translate(self, error: BaseException, url: str, expired: bool) -> TargetError:
        """One sentence for the user about what went wrong, classified by the deepest cause."""
        if expired:
            return TargetTimeout(self._timeout_message(url), url)
        causes = list(_causes(error))

        def first(*types: type[BaseException]) -> BaseException | None:
            return next((cause for cause in causes if isinstance(cause, types)), None)

        if cert := first(ssl.SSLCertVerificationError):
            detail = getattr(cert, "verify_message", None) or str(cert)
            return TargetTLSError(
                f"TLS with {url} failed: certificate verify failed ({detail}); "
                "pass --insecure to skip certificate checks",
                url,
            )
        if tls := first(ssl.SSLError, urllib3.exceptions.SSLError, requests.exceptions.SSLError):
            return TargetTLSError(f"TLS with {url} failed: {_innermost(tls)}", url)
        if first(ConnectionRefusedError):
            return TargetUnreachable(f"no answer from {url}: connection refused", url)
        if first(socket.gaierror, urllib3.exceptions.NameResolutionError):
            return TargetUnreachable(f"no answer from {url}: the host name does not resolve", url)
        if connect := first(urllib3.exceptions.NewConnectionError):
            return TargetUnreachable(f"no answer from {url}: {_innermost(connect)}", url)
        if first(requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError):
            return TargetUnreachable(
                f"no answer from {url}: could not connect within {self.timeout:g} s", url
            )
        if first(requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
            return TargetTimeout(self._timeout_message(url), url)
        return TargetProtocolError(f"broken answer from {url}: {_protocol_detail(causes)}", url)


# Content-Encodings decoded (as an SDK's HTTP client decodes them), with zlib's window bits for each.
_DECODED = {"gzip": 31, "x-gzip": 31, "deflate": 15}


def _decode(data: bytes, encoding: str, limit: int) -> tuple[bytes, bool]:
    """``data`` decoded, at most ``limit`` bytes of it, and whether there was more; every member of a
    multi-member gzip stream.  A stream cut short decodes as far as it goes."""
    out: list[bytes] = []
    size = 0
    wbits = _DECODED[encoding]
    while data:
        decompressor = zlib.decompressobj(wbits)
        try:
            piece = decompressor.decompress(data, limit - size + 1)
        except zlib.error:
            if wbits == 15 and not out:  # "deflate" sent as a raw deflate stream, as some servers do
                wbits = -15
                continue
            raise requests.exceptions.ContentDecodingError(f"the body is not {encoding}") from None
        out.append(piece)
        size += len(piece)
        if size > limit or decompressor.unconsumed_tail:
            return b"".join(out)[:limit], True
        data = decompressor.unused_data if decompressor.eof else b""
    return b"".join(out), False


def _without_userinfo(url: str) -> tuple[str, str | None]:
    """The URL without ``user:password@``, and the HTTP Basic authorization they stand for (both parts
    registered as secrets: neither is printed)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    REDACTOR.add(password, parts.password, token)
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl(), f"Basic {token}"


def _discard(response: urllib3.BaseHTTPResponse) -> None:
    """Close the connection of an answer not read to its end, and hand the slot back to the pool."""
    response.close()
    response.release_conn()


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and everything it wraps (``reason``, ``args``, ``__cause__``, ``__context__``)."""
    seen: set[int] = set()
    stack: list[Any] = [error]
    while stack:
        current = stack.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(
            [getattr(current, "reason", None), *current.args, current.__cause__, current.__context__]
        )


def _innermost(error: BaseException) -> str:
    innermost = list(_causes(error))[-1]
    text = getattr(innermost, "strerror", None) or str(innermost) or type(innermost).__name__
    return REDACTOR.clip(str(text), 200).rstrip(".")


def _protocol_detail(causes: list[BaseException]) -> str:
    for cause in causes:
        if isinstance(cause, urllib3.exceptions.InvalidChunkLength):
            return "bad chunked encoding (a chunk size that is not a hex number)"
        if isinstance(cause, http.client.IncompleteRead):
            # urllib3 counts the bytes received, http.client keeps them.
            received = cause.partial if isinstance(cause.partial, int) else len(cause.partial)
            more = "" if cause.expected is None else f", {cause.expected} more announced by the headers"
            return f"the body ended early: {received} bytes received{more}"
    for cause in causes:
        if isinstance(cause, http.client.RemoteDisconnected):  # a ConnectionResetError too: first
            return "the target closed the connection without answering"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset in the middle of the answer"
        if isinstance(cause, http.client.BadStatusLine):
            return f"the status line is not HTTP: {REDACTOR.clip(str(cause), 80)!r}"
        if isinstance(cause, http.client.LineTooLong):
            return f"a header line is too long ({cause})"
        if isinstance(cause, requests.exceptions.ContentDecodingError):
            return f"the body does not decode as its Content-Encoding says ({cause})"
    return _innermost(causes[0])
