"""Targets that misbehave, for the suite's own end-to-end tests: raw-socket servers that answer badly in
one way each, and variants of the reference service that check signatures, throttle, refuse or count.

Every server listens on 127.0.0.1 only and stops by itself: on leaving its ``with`` block, and in any case
after ``LIFETIME`` seconds, so a test that fails half-way leaves no thread or process serving behind.
"""

from __future__ import annotations

import calendar
import gzip
import hmac
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from conformance.reference import (
    HttpRequest,
    ReferenceHTTPServer,
    ReferenceService,
    Reply,
    RunningServer,
    start_server,
)
from tests.suite_runner import SuiteRun, run_suite

LIFETIME = 90.0  # seconds; no server here outlives this, whatever the test that started it does
DOMAIN = "hostile-domain"
MiB = 1024 * 1024


SUITE = Path(__file__).resolve().parents[1] / "conformance" / "properties"


def run(*args: str, storage: Path, only: tuple[str, ...] = (), timeout: float = 60) -> SuiteRun:
    """``run_suite`` with ``--lifecycle off`` (unless ``args`` say otherwise), with plain asserts: the
    suite's failures are its own reports, not assert rewrites,
    and rewriting ~100 modules in every subprocess costs a second where bytecode is not cached.

    ``only`` names the property modules to collect (``"test_responses"``); the others are not even
    imported, which saves another half second a run.  Select within them with ``-m``/``-k`` as usual.
    """
    ignored = [
        f"--ignore={path}" for path in sorted(SUITE.glob("test_*.py")) if only and path.stem not in only
    ]
    # These targets are about transport, signing and politeness: the preflight's lifecycle probes would
    # only add requests to the counts they pin (tests/test_lifecycle_runs.py is about those).
    lifecycle = () if any(arg.startswith("--lifecycle") for arg in args) else ("--lifecycle", "off")
    return run_suite(*ignored, *args, *lifecycle, storage=storage, timeout=timeout)


# -- raw-socket servers --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RawRequest:
    at: float  # time.monotonic() when the request was read
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


#: Answers one request on ``conn``; returns True to keep the connection for another request.
Handler = Callable[["RawServer", socket.socket, RawRequest], bool]


class RawServer:
    """A TCP server that reads HTTP/1.1 requests and lets ``handler`` answer them, byte by byte if it likes.

    ``requests`` lists what it read; ``sent`` counts the bytes each answer got out before the client hung up
    (what a streaming handler records with ``count_sent``).
    """

    def __init__(self, handler: Handler, *, lifetime: float = LIFETIME) -> None:
        self.handler = handler
        self.requests: list[RawRequest] = []
        self.sent: list[int] = []
        self.stopped = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._listener.settimeout(0.1)  # the accept loop looks at ``stopped`` this often
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._thread = threading.Thread(target=self._accept, name="raw-server", daemon=True)

    def __enter__(self) -> RawServer:
        self._timer.start()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopped.set()
        self._timer.cancel()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)
        self._listener.close()

    def count_sent(self, size: int) -> None:
        with self._lock:
            self.sent.append(size)

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._serve, args=(conn,), name="raw-connection", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)
        try:
            reader = conn.makefile("rb")
            while not self.stopped.is_set():
                request = read_request(reader)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                if not self.handler(self, conn, request):
                    return
        except OSError:  # the client hung up, as some tests want
            return
        finally:
            with self._lock:
                self._connections.discard(conn)
            try:
                conn.close()
            except OSError:
                pass


def read_request(reader: Any) -> RawRequest | None:
    """One request (head and Content-Length body) from a buffered reader; None at the end of the stream."""
    line = reader.readline(65537)
    if not line:
        return None
    method, path, *_ = line.decode("latin-1").split(" ") + ["", ""]
    headers: dict[str, str] = {}
    while True:
        line = reader.readline(65537)
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0") or 0))
    return RawRequest(time.monotonic(), method, path, headers, body)


def head(status: str, headers: dict[str, str]) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"HTTP/1.1 {status}\r\n{lines}\r\n".encode("latin-1")


def answer(status: str = "200 OK", body: bytes = b"{}", headers: dict[str, str] | None = None) -> Handler:
    """A complete, well-framed answer, the same to every request (the connection is kept)."""
    all_headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        conn.sendall(head(status, all_headers) + body)
        return True

    return handler


def never_answer() -> Handler:
    """Reads the request and says nothing, until the client gives up or the server stops."""

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        conn.settimeout(0.1)
        while not server.stopped.is_set():
            try:
                if not conn.recv(1024):
                    return False  # the client hung up
            except TimeoutError:
                continue
        return False

    return handler


def trickle(interval: float = 0.3) -> Handler:
    """A well-formed answer sent one byte every ``interval`` seconds, status line first."""
    body = b'{"WorkflowId":"' + b"a" * 32 + b'","Message":"Integration workflow created."}'
    whole = head("200 OK", {"Content-Type": "application/json", "Content-Length": str(len(body))}) + body

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        for index in range(len(whole)):
            if server.stopped.wait(interval):
                return False
            conn.sendall(whole[index : index + 1])  # raises once the client has hung up
        return True

    return handler


def stream_body(size: int, chunk: int = 256 * 1024) -> Handler:
    """A 200 announcing ``size`` bytes of body and streaming them, counting what gets out."""
    block = b"x" * chunk

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        sent = 0
        try:
            conn.sendall(head("200 OK", {"Content-Type": "application/json", "Content-Length": str(size)}))
            while sent < size and not server.stopped.is_set():
                piece = block[: size - sent]
                conn.sendall(piece)
                sent += len(piece)
        except OSError:
            pass
        server.count_sent(sent)
        return False

    return handler


def cut_short(announced: int, body: bytes) -> Handler:
    """A 200 whose body is shorter than its Content-Length; then the connection closes."""

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        conn.sendall(head("200 OK", {"Content-Type": "application/json", "Content-Length": str(announced)}))
        conn.sendall(body)
        conn.shutdown(socket.SHUT_WR)
        return False

    return handler


def reset_mid_answer(body: bytes) -> Handler:
    """Half an answer, then a TCP reset (SO_LINGER with a zero timeout turns close into RST)."""

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body) * 2)}
        conn.sendall(head("200 OK", headers) + body)
        time.sleep(0.05)  # let the bytes arrive first, so the client is mid-body when the reset comes
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()
        return False

    return handler


def redirect(location: str, status: str = "307 Temporary Redirect") -> Handler:
    return answer(status, b"", {"Location": location})


SUCCESS_BODY = b'{"WorkflowId":"%s","Message":"Integration workflow created."}'


def after_preflight(handler: Handler) -> Handler:
    """Answers the run's preflight (its create, then its delete) as a conforming target would, and every
    later request with ``handler``: so the misbehaviour meets the properties, not the preflight."""
    succeed = answer(body=SUCCESS_BODY % (b"0" * 32,))

    def wrapped(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        if len(server.requests) <= 2:
            return succeed(server, conn, request)
        return handler(server, conn, request)

    return wrapped


def echoing(secrets: tuple[str, ...], status: str = "400 Bad Request") -> Handler:
    """Answers every request with everything it was sent and every secret it knows, in every place an
    answer has: the reason phrase, the error type, a request id, a Location, headers named after the
    request's, and a body that echoes them as JSON (``/`` escaped as ``\\/`` in one copy, percent-encoded
    in another).  A target that logs or reflects its input does much of this."""

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        authorization = request.headers.get("authorization", "")
        everything = " ".join((authorization, *secrets))
        body = json.dumps(
            {
                "__type": f"BadRequestException:{everything}",
                "Message": f"rejected {everything}",
                "headers": request.headers,
                "escaped": everything,
                "encoded": quote(everything, safe=""),
            }
        ).replace('"escaped": "', '"escaped": "' + "".join(everything).replace("/", "\\/") + " ", 1)
        headers = {
            "Content-Type": "application/json",
            "X-Amzn-Errortype": f"BadRequestException:{everything}",
            "x-amzn-RequestId": everything,
            "Location": f"http://elsewhere.example/?t={quote(everything, safe='')}",
            **{f"X-Echo-{name}": value for name, value in request.headers.items()},
        }
        data = body.encode()
        headers["Content-Length"] = str(len(data))
        code, _, _ = status.partition(" ")
        line = f"HTTP/1.1 {code} {everything}\r\n".encode()
        conn.sendall(line + head(status, headers).split(b"\r\n", 1)[1] + data)
        return True

    return handler


def raw_status_line(line: bytes) -> Handler:
    """Answers with ``line`` where the status line goes, then closes."""

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        conn.sendall(line + b"\r\nContent-Length: 0\r\n\r\n")
        return False

    return handler


def every_nth_reset(n: int, handler: Handler) -> Handler:
    """Resets the connection instead of answering every ``n``-th request; ``handler`` answers the rest."""

    def wrapped(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        if len(server.requests) % n == 0:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()
            return False
        return handler(server, conn, request)

    return wrapped


def fresh_ids() -> Handler:
    """The simplest mock there is: every POST gets 200 with a fresh 32-hex WorkflowId, whatever it says;
    every other request gets 200 ``{}``.  It checks nothing, so it breaks nearly every constraint."""

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        body = SUCCESS_BODY % uuid.uuid4().hex.encode() if request.method == "POST" else b"{}"
        return answer(body=body)(server, conn, request)

    return handler


def gzip_bomb(decoded_size: int) -> bytes:
    """A gzip stream of ``decoded_size`` zero bytes (about a thousandth of that compressed)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    block = bytes(MiB)
    parts = [compressor.compress(block) for _ in range(decoded_size // MiB)]
    return b"".join(parts) + compressor.flush()


def endless_gzip_members() -> Handler:
    """A chunked 200 whose body is empty gzip members, one after another, without end: it decodes to
    nothing, so only a cap on the bytes read ends it."""
    member = gzip.compress(b"")

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Transfer-Encoding": "chunked",
        }
        try:
            conn.sendall(head("200 OK", headers))
            chunk = b"%x\r\n%s\r\n" % (len(member) * 256, member * 256)
            while not server.stopped.is_set():
                conn.sendall(chunk)
        except OSError:
            pass
        return False

    return handler


# -- reference variants --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seen:
    at: float
    method: str
    path: str
    status: int


class RecordingService(ReferenceService):
    """The reference, remembering each request it answered (time, method, path, final status).

    Subclasses change an answer in ``rewrite``; a rewritten success is taken back (``forget``), so the
    service's store holds exactly the workflows a client was told about.
    """

    def __init__(self, domains: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(domains=domains or [DOMAIN], **kwargs)
        self.seen: list[Seen] = []
        self.created_ids: list[str] = []  # every WorkflowId a client was told of, in order
        self._seen_lock = threading.Lock()

    def before_response(self, request: HttpRequest, reply: Reply) -> Reply:
        rewritten = self.rewrite(request, reply)
        if rewritten is not reply:
            self.forget(request, reply)
        with self._seen_lock:
            self.seen.append(Seen(time.monotonic(), request.method, request.path, rewritten.status))
            if is_create(request) and rewritten.status == 200:
                self.created_ids.append(json.loads(rewritten.body)["WorkflowId"])
        return rewritten

    def rewrite(self, request: HttpRequest, reply: Reply) -> Reply:
        return reply

    def forget(self, request: HttpRequest, reply: Reply) -> None:
        """Take back the workflow a success created (the client never hears of it)."""
        if request.method != "POST" or reply.status != 200:
            return
        workflow_id = json.loads(reply.body).get("WorkflowId")
        domain = unquote(request.path.split("/")[2])
        self.delete_workflow(domain, workflow_id)

    def creates(self, status: int | None = 200) -> list[Seen]:
        """The POSTs answered (with ``status``, or any status if None)."""
        with self._seen_lock:
            return [s for s in self.seen if s.method == "POST" and (status is None or s.status == status)]

    def deletes(self) -> list[Seen]:
        with self._seen_lock:
            return [s for s in self.seen if s.method == "DELETE"]


def is_create(request: HttpRequest) -> bool:
    return request.method == "POST" and request.path.endswith("/workflows/integrations")


class RefusingValid(RecordingService):
    """Answers every valid request (a 200 from the reference) with ``status`` and ``error_type`` instead,
    except the first ``spare`` of them."""

    def __init__(self, status: int, error_type: str, *, spare: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refusal = (status, error_type)
        self.spare = spare

    def rewrite(self, request: HttpRequest, reply: Reply) -> Reply:
        if not is_create(request) or reply.status != 200:
            return reply
        with self._seen_lock:
            if self.spare > 0:
                self.spare -= 1
                return reply
        status, error_type = self.refusal
        return self.error_response(status, error_type, "Refused by the test target.")


class Throttling(RecordingService):
    """Answers each create 429 ThrottlingException ``times`` times in a row (Retry-After: 0), then as the
    reference does; a retry is the same bytes again, so the attempts are counted per body."""

    def __init__(self, times: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.times = times
        self._attempts: dict[tuple[str, bytes], int] = {}

    def create_integration_workflow(self, domain: str, content_type: str | None, raw_body: bytes) -> Reply:
        key = (domain, raw_body)
        with self._seen_lock:
            attempt = self._attempts.get(key, 0) + 1
            self._attempts[key] = 0 if attempt > self.times else attempt
        if attempt <= self.times:
            reply = self.error_response(429, "ThrottlingException", "Rate exceeded.")
            return Reply(reply.status, {**reply.headers, "Retry-After": "0"}, reply.body)
        return super().create_integration_workflow(domain, content_type, raw_body)


class SlowEveryNth(RecordingService):
    """The reference, but every ``n``-th request it answers waits ``delay`` seconds first (longer than the
    client's timeout): a target that is slow now and then.  The request is processed as usual; only its
    answer comes too late.  ``slowed`` counts the answers held back."""

    def __init__(self, n: int, delay: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n, self.delay = n, delay
        self.answered = 0
        self.slowed = 0
        self.stopped = threading.Event()  # set to end every wait at once

    def before_response(self, request: HttpRequest, reply: Reply) -> Reply:
        reply = super().before_response(request, reply)
        with self._seen_lock:
            self.answered += 1
            slow = self.answered % self.n == 0
            self.slowed += slow
        if slow:
            self.stopped.wait(self.delay)
        return reply


class FailingDeletes(RecordingService):
    """DeleteWorkflow fails with 500 InternalServerException (and deletes nothing)."""

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        return self.internal_error()


class WithoutDeleteWorkflow(RecordingService):
    """A target that implements CreateIntegrationWorkflow but not DeleteWorkflow: every DELETE gets
    ``status`` (405, 501, or a 404 of an unknown route) with ``error_type``, if any."""

    def __init__(self, status: int, error_type: str | None) -> None:
        super().__init__()
        self.status, self.error_type = status, error_type

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        reply = self.error_response(self.status, self.error_type or "", "no such operation")
        headers = {k: v for k, v in reply.headers.items() if self.error_type or k != "X-Amzn-Errortype"}
        return Reply(reply.status, headers, reply.body)


# -- SigV4 ---------------------------------------------------------------------------------------------------
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/"
    r"aws4_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)
MAX_CLOCK_SKEW = 300  # seconds, as AWS allows


@dataclass(frozen=True)
class AwsCredentials:
    access_key: str
    secret_key: str
    token: str | None = None

    def environment(self) -> dict[str, str]:
        """The variables botocore's credential chain reads first."""
        env = {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}
        if self.token:
            env["AWS_SESSION_TOKEN"] = self.token
        return env


def signature_problem(
    request: HttpRequest, credentials: AwsCredentials, region: str, service: str = "profile"
) -> str | None:
    """Why ``request`` is not signed with ``credentials`` (SigV4), or None.

    The signature is recomputed with botocore from the request as it arrived: its own ``X-Amz-Date`` as the
    timestamp and only the headers ``SignedHeaders`` names, so nothing of the client's signing is reused.
    """
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    match = _AUTHORIZATION.fullmatch(request.headers.get("Authorization", ""))
    if match is None:
        return "Missing or malformed SigV4 Authorization header."
    if match["key"] != credentials.access_key:
        return "The security token included in the request is invalid."
    if (match["region"], match["service"]) != (region, service):
        return f"Credential should be scoped to region {region!r} and service {service!r}."
    amz_date = request.headers.get("X-Amz-Date", "")
    try:
        signed_at = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return "X-Amz-Date is missing or malformed."
    if amz_date[:8] != match["date"] or abs(time.time() - signed_at) > MAX_CLOCK_SKEW:
        return "Signature expired or X-Amz-Date outside the credential's date."
    if credentials.token and request.headers.get("X-Amz-Security-Token") != credentials.token:
        return "The security token included in the request is invalid."
    names = match["signed"].split(";")
    headers = {name: request.headers.get(name) for name in names}
    if None in headers.values() or "host" not in headers:
        return "SignedHeaders names a header the request does not carry (or leaves out host)."
    aws_request = AWSRequest(
        method=request.method,
        url=f"http://{headers['host']}{request.path}",
        data=request.body,
        headers=headers,
    )
    aws_request.context["timestamp"] = amz_date
    signer = SigV4Auth(
        Credentials(credentials.access_key, credentials.secret_key, credentials.token), service, region
    )
    if signer.signed_headers(signer.headers_to_sign(aws_request)) != match["signed"]:
        return "SignedHeaders does not list the headers signed."
    canonical = signer.canonical_request(aws_request)
    expected = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
    if not hmac.compare_digest(expected, match["signature"]):
        return (
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method."
        )
    return None


class SignatureChecking(RecordingService):
    """Answers 403 AccessDeniedException to every request not signed with ``credentials`` for ``region``;
    the reference (or the variant it is combined with, see ``signature_checking``) answers the rest."""

    def __init__(self, credentials: AwsCredentials, region: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.credentials = credentials
        self.region = region
        self.refused: list[str] = []  # why each refused request was refused
        self.authorizations: list[str] = []  # every Authorization header received

    def rewrite(self, request: HttpRequest, reply: Reply) -> Reply:
        with self._seen_lock:
            self.authorizations.append(request.headers.get("Authorization", ""))
        problem = signature_problem(request, self.credentials, self.region)
        if problem is None:
            return super().rewrite(request, reply)
        with self._seen_lock:
            self.refused.append(problem)
        return self.error_response(403, "AccessDeniedException", problem)


def signature_checking(base: type[RecordingService]) -> type[SignatureChecking]:
    """``SignatureChecking`` in front of another variant (``RefusingValid``...)."""
    return type(f"SignatureChecking{base.__name__}", (SignatureChecking, base), {})


# -- TLS -----------------------------------------------------------------------------------------------------
def self_signed_certificate(directory: Path) -> tuple[Path, Path] | None:
    """(certificate, key) for 127.0.0.1, made with ``cryptography`` or ``openssl``; None without either."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        from cryptography import x509  # noqa: F401
    except ImportError:
        pass
    else:
        return _with_cryptography(cert, key)
    if shutil.which("openssl") is None:
        return None
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _with_cryptography(cert: Path, key: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert, key


@contextmanager
def tls_reference(service: ReferenceService, cert: Path, key: Path) -> Iterator[tuple[str, RunningServer]]:
    """The reference behind TLS with the given certificate: yields its https:// URL and the server."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ReferenceHTTPServer(("127.0.0.1", 0), service, connection_timeout=5)
    # The handshake runs in accept(); one the client refuses is an OSError that the server shrugs off.
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    with _bounded(RunningServer(httpd)) as server:
        yield f"https://127.0.0.1:{server.port}", server


def reference(service: ReferenceService) -> AbstractContextManager[RunningServer]:
    """The reference (or a variant) on loopback, stopped after the block or after ``LIFETIME`` seconds."""
    return _bounded(start_server(service, connection_timeout=5))


@contextmanager
def _bounded(server: RunningServer) -> Iterator[RunningServer]:
    timer = threading.Timer(LIFETIME, server.stop)
    timer.daemon = True
    timer.start()
    try:
        yield server
    finally:
        timer.cancel()
        server.stop()


# -- a reference in a process of its own ---------------------------------------------------------------------
@dataclass
class ReferenceProcess:
    """``python -m tests.hostile_servers``: the reference in a subprocess, for measuring its memory."""

    process: subprocess.Popen[str]
    url: str
    stderr: Path  # what the server wrote there (it logs tracebacks of its own failures)
    domain: str = DOMAIN

    def _status(self, field: str) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(rf"^{field}:\s+(\d+)", status, re.MULTILINE).group(1))  # type: ignore[union-attr]

    def rss_bytes(self) -> int:
        return self._status("VmRSS") * 1024  # the kernel counts it in kB

    def thread_count(self) -> int:
        return self._status("Threads")


@contextmanager
def reference_process(stderr: Path, lifetime: float = LIFETIME) -> Iterator[ReferenceProcess]:
    """The reference serving in a process of its own until the block ends (its stdin closes) or
    ``lifetime`` seconds pass; its standard error goes to the file ``stderr``."""
    root = Path(__file__).resolve().parents[1]
    with stderr.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile_servers", str(lifetime)],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        )
    try:
        url = process.stdout.readline().strip()  # type: ignore[union-attr]
        if not url.startswith("http://"):
            raise RuntimeError(f"the reference process did not start: {url!r} {stderr.read_text()}")
        yield ReferenceProcess(process, url, stderr)
    finally:
        process.stdin.close()  # type: ignore[union-attr]  # the process stops when its stdin closes
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]


def _serve_until_stdin_closes(lifetime: float) -> None:
    with start_server(ReferenceService(domains=[DOMAIN])) as server:
        print(server.url, flush=True)
        done = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        done.wait(lifetime)


if __name__ == "__main__":
    _serve_until_stdin_closes(float(sys.argv[1]) if len(sys.argv) > 1 else LIFETIME)
