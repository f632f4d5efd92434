"""HTTP plumbing for the reference service: framing, limits, routing and one write per response.

Built on ``http.server`` so the reference needs nothing beyond the standard library, with the changes a
conformance target needs:

* every response (status line, headers, body) leaves in one ``sendall`` and every accepted socket has
  ``TCP_NODELAY``: with ``http.server``'s separate header and body writes, Nagle's algorithm and the
  client's delayed ACK would hold each keep-alive response back until the delayed-ACK timer fires;
* bodies are bounded (413 before reading an oversized one), a connection that stalls mid-request times
  out, and whatever goes wrong answers in JSON the way a restJson1 service does, never with a traceback;
* ``conformance.reference.routing`` matches a request against the model's bindings and names the
  service method that answers it; the service decides, and this module never looks inside a body;
* an ``OperationService`` (any one operation of any restJson1 model) routes for itself: the plumbing
  hands its ``dispatch`` the whole request instead.
"""

from __future__ import annotations

import logging
import re
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any
from urllib.parse import urlsplit

from conformance.reference.messages import PROTOCOL_ERROR_TYPES, HttpRequest, Reply
from conformance.reference.operation import OperationService
from conformance.reference.routing import OPERATIONS, RoutedRequest, Router
from conformance.reference.service import ReferenceService
from conformance.spec import load_lifecycle

logger = logging.getLogger("conformance.reference")

# What the plumbing serves: the flagship and its lifecycle, or any one operation of any restJson1 model.
Service = ReferenceService | OperationService
CONNECTION_TIMEOUT = 30.0  # seconds a connection may sit idle or half-sent before it is dropped
MAX_LINE = 65536  # longest request, chunk-size or trailer line read
MAX_TRAILERS = 100
_DECIMAL = re.compile(r"[0-9]{1,18}")  # 18 digits can't overflow, and no body is that long
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,15}")


class _Reject(Exception):
    """A request that can't be read to its end: answer it, then close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _ClientGone(Exception):
    """The client closed the connection mid-request: nobody is left to answer."""


class ReferenceRequestHandler(BaseHTTPRequestHandler):
    """One connection: reads requests in turn (keep-alive) and answers each through the service."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: ReferenceHTTPServer

    def setup(self) -> None:
        self.timeout = self.server.connection_timeout  # StreamRequestHandler.setup applies it
        super().setup()

    @property
    def service(self) -> Service:
        return self.server.service

    # -- one request --------------------------------------------------------------------------------------
    def handle_one_request(self) -> None:
        # BaseHTTPRequestHandler's version, with our dispatch in place of do_<METHOD> (so any method on a
        # known path gets 405, not 501) and socket failures treated as the end of the connection.
        try:
            self.raw_requestline = self.rfile.readline(MAX_LINE + 1)
            if len(self.raw_requestline) > MAX_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._serve()
        except OSError:  # timeout, reset, broken pipe: the connection is over, there is no one to tell
            self.close_connection = True

    def _serve(self) -> None:
        body = b""
        try:
            body = self._read_body()
            reply = self._dispatch(body)
        except _ClientGone:
            self.close_connection = True
            return
        except _Reject as reject:
            self.close_connection = True  # the rest of the body is unread: the stream is out of step
            reply = self._protocol_error(reject.status, reject.message)
        except OSError:
            raise  # the socket failed, not the service: handle_one_request ends the connection quietly
        except Exception:
            logger.exception("reference service failed on %s %s", self.command, self.path)
            self.close_connection = True
            reply = self.service.internal_error()
        request = HttpRequest(self.command, self.path, self.headers, body)
        try:
            reply = self.service.before_response(request, reply)
        except Exception:
            logger.exception("before_response failed on %s %s", self.command, self.path)
            reply = self.service.internal_error()
        self._write(reply)

    def _protocol_error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
        error_type = PROTOCOL_ERROR_TYPES.get(status, self.service.internal_error_type)
        reply = self.service.error_response(status, error_type, message)
        if headers:
            reply.headers.update(headers)
        return reply

    # -- body framing ---------------------------------------------------------------------------------------
    def _declared_length(self) -> int | None:
        values = {value.strip() for value in self.headers.get_all("Content-Length", [])}
        if not values:
            return None
        if len(values) > 1:
            raise _Reject(400, "Conflicting Content-Length headers.")
        (value,) = values
        if value.isascii() and value.isdigit() and not _DECIMAL.fullmatch(value):
            raise _Reject(
                413,
                f"A {len(value)}-digit Content-Length exceeds the limit of {self.service.MAX_BODY_BYTES}.",
            )
        if not _DECIMAL.fullmatch(value):
            raise _Reject(400, f"Content-Length {value[:40]!r} is not a number of bytes.")
        length = int(value)
        if length > self.service.MAX_BODY_BYTES:
            raise _Reject(413, f"Body of {length} bytes exceeds the limit of {self.service.MAX_BODY_BYTES}.")
        return length

    def _read_body(self) -> bytes:
        encodings = self.headers.get_all("Transfer-Encoding", [])
        if encodings:
            if self.headers.get("Content-Length") is not None:
                raise _Reject(400, "A request can't carry both Transfer-Encoding and Content-Length.")
            codings = [coding.strip().lower() for header in encodings for coding in header.split(",")]
            if codings != ["chunked"]:
                raise _Reject(501, f"Transfer-Encoding {', '.join(codings)[:80]!r} is not supported.")
            return self._read_chunked()
        length = self._declared_length()
        if length is None:
            # HTTP/1.1 reads no Content-Length as an empty body, but a POST without one is far more
            # likely a client that streams a body we can't delimit; 411 says so plainly.
            if self.command in ("POST", "PUT", "PATCH"):
                raise _Reject(411, "Send Content-Length (or Transfer-Encoding: chunked) with a body.")
            return b""
        return self._read_exactly(length)

    def _read_exactly(self, length: int) -> bytes:
        data = self.rfile.read(length)
        if len(data) < length:
            raise _ClientGone
        return data

    def _read_line(self) -> bytes:
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            raise _ClientGone
        if len(line) > MAX_LINE or not line.endswith(b"\n"):
            raise _Reject(400, "Malformed chunked body: line too long.")
        return line

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_text = self._read_line().split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise _Reject(400, "Malformed chunked body: bad chunk size.")
            size = int(size_text, 16)
            if size == 0:
                break
            if len(body) + size > self.service.MAX_BODY_BYTES:
                raise _Reject(413, f"Body exceeds the limit of {self.service.MAX_BODY_BYTES} bytes.")
            body += self._read_exactly(size)
            if self._read_line().strip():
                raise _Reject(400, "Malformed chunked body: chunk longer than its size.")
        for _ in range(MAX_TRAILERS):
            if not self._read_line().strip():
                return bytes(body)
        raise _Reject(400, "Malformed chunked body: too many trailer lines.")

    def handle_expect_100(self) -> bool:
        # A client that asks before sending hears 413 at once instead of a 100 that invites the upload.
        try:
            self._declared_length()
        except _Reject as reject:
            self.close_connection = True
            self._write(self._protocol_error(reject.status, reject.message))
            return False
        return super().handle_expect_100()

    # -- routing --------------------------------------------------------------------------------------------
    def _target(self) -> tuple[str, str]:
        """The request target's path and query string, in origin form or absolute form."""
        if self.path.startswith("/"):
            path, _, query = self.path.partition("?")
            return path, query
        parts = urlsplit(self.path)
        return parts.path or "/", parts.query

    def _dispatch(self, body: bytes) -> Reply:
        if self.server.router is None:  # a service that routes for itself
            return self.service.dispatch(HttpRequest(self.command, self.path, self.headers, body))
        path, query = self._target()
        found = self.server.router.match(path)
        if found is None:
            return self._protocol_error(404, f"No operation serves {self.command} {self.path[:200]}.")
        match = found.get(self.command)
        if match is None:
            allowed = ", ".join(sorted(found))
            return self._protocol_error(
                405, f"Method {self.command} is not allowed here; use {allowed}.", {"Allow": allowed}
            )
        request = RoutedRequest(self.headers.get("Content-Type"), query, body)
        return OPERATIONS[match.operation](self.service, match.labels, request)

    # -- writing --------------------------------------------------------------------------------------------
    def _write(self, reply: Reply) -> None:
        status, headers, body = reply
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [f"{self.protocol_version} {status} {phrase}", f"Date: {self.date_time_string()}"]
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection", "date"):
                lines.append(f"{name}: {_header_safe(str(value))}")
        lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        if self.server.delay:
            # A target far away (another region): every answer comes this much later.  A thread per
            # connection, so answers on other connections are not held up by it.
            time.sleep(self.server.delay)
        # One write, so the response leaves in as few segments as the kernel likes (see module doc).
        self.wfile.write(head if self.command == "HEAD" else head + body)
        self.log_request(status, len(body))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answers for requests ``http.server`` itself rejects (bad request line, headers too large)."""
        self.close_connection = True
        status = int(code)
        text = message or HTTPStatus(status).phrase
        try:
            self._write(self._protocol_error(status, f"{text}." if explain is None else f"{text}: {explain}"))
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - [{self.log_date_time_string()}] {format % args}\n")


def _header_safe(value: str) -> str:
    # A header value that carries a client's text must not split the response.
    return value.replace("\r", " ").replace("\n", " ")


class ReferenceHTTPServer(ThreadingHTTPServer):
    """A thread per connection; ``stop`` also ends connections still open, so no thread outlives it."""

    daemon_threads = True
    block_on_close = False  # stop() closes live connections itself instead of waiting on them
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        service: Service,
        *,
        verbose: bool = False,
        connection_timeout: float = CONNECTION_TIMEOUT,
        delay: float = 0.0,
    ) -> None:
        self.service = service
        self.delay = delay
        self.router = (
            None
            if isinstance(service, OperationService)
            else Router.from_model(service.contract, load_lifecycle())
        )
        self.verbose = verbose
        self.connection_timeout = connection_timeout
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, ReferenceRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's FQDN, which can stall on a machine without DNS.
        TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self._connections.add(sock)
        return sock, address

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the handler thread blocked in recv
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return  # a client that vanished is ordinary, not worth a traceback
        logger.exception("unexpected error on a connection from %s", client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


class RunningServer:
    """A reference server serving in a daemon thread; ``stop()`` or ``with`` ends it."""

    def __init__(self, httpd: ReferenceHTTPServer) -> None:
        self.httpd = httpd
        self.service = httpd.service
        self.url = httpd.url
        self.host = str(httpd.server_address[0])
        self.port = int(httpd.server_address[1])
        self._stopped = False
        # A short poll keeps stop() quick; the loop costs nothing measurable at this rate.
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="reference-server", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.close_connections()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        if isinstance(self.service, OperationService):
            return f"<RunningServer {self.url} {self.service.name}>"
        return f"<RunningServer {self.url} domains={sorted(self.service.domains)}>"


def start_server(
    service: Service | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    verbose: bool = False,
    connection_timeout: float = CONNECTION_TIMEOUT,
    delay: float = 0.0,
) -> RunningServer:
    """Bind (port 0 picks a free one) and serve in a daemon thread; returns once the socket listens.
    ``delay``: seconds every answer is held back, as if the server were far away."""
    httpd = ReferenceHTTPServer(
        (host, port),
        service or ReferenceService(),
        verbose=verbose,
        connection_timeout=connection_timeout,
        delay=delay,
    )
    return RunningServer(httpd)
