"""The HTTP client that talks to the target: one keep-alive session, a deadline per answer, clear errors.

A conformance run sends thousands of requests to implementations that may be broken in any way: slow,
silent, chatty, or cutting answers short.  So the client bounds every exchange by a deadline for the
whole answer (not per socket read, which a server trickling one byte at a time never trips), reads at
most ``max_response_bytes`` of a body, sends the request bytes exactly as the strategies made them, and
turns every transport failure into one of four ``TargetError`` exceptions whose message is one sentence.
What an exchange is lives in ``conformance.core.exchange``, the deadline in ``conformance.core.deadline``
and the resending of throttled requests in ``conformance.core.throttle``; what remains, a little over 400
lines, is the sending and the translation of each way a transport fails into its sentence, which read
best as one.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from importlib import metadata
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from urllib3.connectionpool import HTTPConnectionPool

from conformance.core.deadline import Deadline, Watchdog, WatchedAdapter, current
from conformance.core.exchange import (
    Exchange,
    TargetError,
    TargetProtocolError,
    TargetTimeout,
    TargetTLSError,
    TargetUnreachable,
)
from conformance.core.report import REDACTOR
from conformance.core.throttle import ThrottleWaits, throttle_retry
from conformance.spec.wire import Request

MiB = 1024 * 1024
# The most of an answer's body the client reads: far more than any JSON answer to the suite's requests
# (the largest valid bodies it sends are about 1.5 MiB, and an answer may echo what it was sent), and a
# bound on what a target that never stops sending can make it hold.
MAX_RESPONSE_BYTES = 8 * MiB
POOL_SIZE = 16  # the connections kept: the requests a run has in flight at once (core.ahead), and more
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


# Methods sent without a Content-Length when they have no body (as requests does).
_METHODS_WITHOUT_BODY = ("GET", "HEAD")

_TRANSPORT_ERRORS = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)

# -- the client -----------------------------------------------------------------------------------------


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
        max_response_bytes: int = MAX_RESPONSE_BYTES,
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
        self._watchdog = Watchdog()
        adapter = WatchedAdapter(
            pool_connections=POOL_SIZE,
            pool_maxsize=POOL_SIZE,
            max_retries=throttle_retry(throttle_retries, self.throttle),
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
        """POST one ``Request`` (a body, and a label of the path: ``existing_domain`` unless the request
        names one); ``headers`` override the defaults (None drops one)."""
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
        """Any request, ``path`` relative to the base URL."""
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
        deadline = Deadline(self._watchdog, self.timeout)
        current.deadline = deadline
        response: urllib3.BaseHTTPResponse | None = None
        try:
            # Straight to the connection pool that requests' adapter set up for this URL (TLS settings,
            # proxy, our watched connections, the throttle Retry): what ``HTTPAdapter.send`` does, less
            # its per-request work that a conformance client must not do anyway (keep cookies from one
            # answer for the next request, add ~/.netrc credentials, normalise the path), which against a
            # local target is much of the client's own time per request.
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
            current.deadline = None
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
