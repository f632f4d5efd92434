"""The client against tiny local servers that misbehave in one way each: slow, silent, chatty, cut short."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance.core.client import USER_AGENT, TargetClient
from conformance.core.exchange import (
    NOT_JSON,
    Exchange,
    TargetProtocolError,
    TargetTimeout,
    TargetTLSError,
    TargetUnreachable,
)
from conformance.spec.wire import Request

Handler = Callable[[socket.socket, bytes], None]
VALID = Request(domain=None, body={"WorkflowType": "APPFLOW_INTEGRATION"})


def read_request(conn: socket.socket) -> bytes:
    """The whole request (head and Content-Length body), so that the client is never cut off mid-send."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [
        line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    ]
    length = int(lengths[0]) if lengths else 0
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextmanager
def serve(handler: Handler, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that runs ``handler`` for each request; yields its URL and the requests seen."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    seen: list[bytes] = []
    stop = threading.Event()

    def connection(conn: socket.socket) -> None:
        if tls is not None:
            try:
                conn = tls.wrap_socket(conn, server_side=True)
            except OSError:  # the client refused the certificate
                conn.close()
                return
        with conn:
            while not stop.is_set():
                try:
                    request = read_request(conn)
                    if not request:
                        return
                    seen.append(request)
                    handler(conn, request)
                except OSError:  # the client hung up, as some tests want it to
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=connection, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        stop.set()
        listener.close()


def answer(status: str = "200 OK", body: bytes = b"{}", headers: dict[str, str] | None = None) -> Handler:
    head = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}

    def handler(conn: socket.socket, request: bytes) -> None:
        lines = "".join(f"{name}: {value}\r\n" for name, value in head.items())
        conn.sendall(f"HTTP/1.1 {status}\r\n{lines}\r\n".encode() + body)

    return handler


def client(url: str, **kwargs: object) -> TargetClient:
    return TargetClient(url, "my-domain", **kwargs)  # type: ignore[arg-type]


def test_a_normal_answer_is_recorded_on_both_sides() -> None:
    body = json.dumps({"WorkflowId": "a" * 32, "Message": "ok"}).encode()
    with serve(answer(body=body, headers={"x-amzn-RequestId": "r-1"})) as (url, seen):
        exchange = client(url).send(VALID)
    assert isinstance(exchange, Exchange)
    assert (exchange.status, exchange.reason) == (200, "OK")
    assert exchange.json() == {"WorkflowId": "a" * 32, "Message": "ok"}
    assert exchange.headers["X-AMZN-REQUESTID"] == "r-1"  # case-insensitive
    assert not exchange.truncated and exchange.elapsed > 0
    assert exchange.method == "POST" and exchange.request is VALID
    assert exchange.url == f"{url}/domains/my-domain/workflows/integrations"
    assert exchange.request_body == VALID.body_bytes()
    wire = seen[0]
    assert wire.startswith(b"POST /domains/my-domain/workflows/integrations HTTP/1.1\r\n")
    assert wire.endswith(b"\r\n\r\n" + VALID.body_bytes())
    head = wire.split(b"\r\n\r\n")[0].decode().lower()
    assert "content-type: application/json" in head
    assert "accept: application/json" in head
    assert f"user-agent: {USER_AGENT}".lower() in head
    assert "python-requests" not in head


def test_no_state_is_carried_from_one_request_to_the_next(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A cookie the target sets is not sent back, and ~/.netrc credentials are never sent: each request
    is exactly the one the suite built."""
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login someone password hunter2\n")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    monkeypatch.setenv("HOME", str(tmp_path))
    with serve(answer(headers={"Set-Cookie": "session=abc; Path=/"})) as (url, seen):
        target = client(url)
        target.send(VALID)
        target.send(VALID)
    assert len(seen) == 2
    for wire in seen:
        head = wire.split(b"\r\n\r\n")[0].decode().lower()
        assert "cookie:" not in head and "authorization:" not in head, head


def test_a_proxy_from_the_environment_is_used(monkeypatch) -> None:  # noqa: ANN001
    """HTTP_PROXY is honoured as requests honours it: the request goes to the proxy, in absolute form."""
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with serve(answer()) as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("http_proxy", proxy)
        exchange = client("http://target.invalid:8080/prefix").send(VALID)
    assert exchange.status == 200
    assert seen[0].startswith(
        b"POST http://target.invalid:8080/prefix/domains/my-domain/workflows/integrations HTTP/1.1\r\n"
    ), seen[0][:120]


def test_the_base_url_prefix_and_the_exact_path_are_kept() -> None:
    with serve(answer()) as (url, seen):
        target = client(url + "/prefix/")
        target.send(VALID)
        target.send(Request(domain="a/b c"))
        target.send(Request(domain=".."))
    assert seen[0].startswith(b"POST /prefix/domains/my-domain/workflows/integrations ")
    assert seen[1].startswith(b"POST /prefix/domains/a%2Fb%20c/workflows/integrations ")
    # requests would remove the dot segment; the target must see the path the strategy wrote
    assert seen[2].startswith(b"POST /prefix/domains/../workflows/integrations ")


def test_connections_are_kept_alive() -> None:
    connections: set[int] = set()

    def handler(conn: socket.socket, request: bytes) -> None:
        connections.add(conn.fileno())
        answer()(conn, request)

    with serve(handler) as (url, _):
        target = client(url)
        for _ in range(3):
            target.send(VALID)
    assert len(connections) == 1


def test_send_raw_headers_override_and_drop_and_the_signer_is_called() -> None:
    calls: list[tuple[str, str, bytes]] = []

    def signer(method: str, url: str, headers: object, body: bytes) -> dict[str, str]:
        calls.append((method, url, body))
        return {**dict(headers), "Authorization": "AWS4-HMAC-SHA256 sig"}  # type: ignore[call-overload]

    with serve(answer()) as (url, seen):
        target = client(url, signer=signer)
        target.send_raw("GET", "/domains/d/workflows/w")
        target.send(VALID, headers={"content-type": "text/plain", "Accept": None})
    get_head = seen[0].decode().lower()
    assert get_head.startswith("get /domains/d/workflows/w ")
    assert "content-type" not in get_head and "authorization: aws4-hmac-sha256 sig" in get_head
    post_head = seen[1].decode().lower()
    assert "content-type: text/plain" in post_head and "application/json" not in post_head
    assert calls == [("GET", f"{url}/domains/d/workflows/w", b""), ("POST", calls[1][1], VALID.body_bytes())]


def test_a_redirect_is_not_followed() -> None:
    with serve(answer("307 Temporary Redirect", headers={"Location": "/elsewhere"})) as (url, seen):
        exchange = client(url).send(VALID)
    assert exchange.status == 307 and len(seen) == 1


def test_a_server_that_never_answers_times_out() -> None:
    with serve(lambda conn, request: time.sleep(5)) as (url, _):
        started = time.monotonic()
        with pytest.raises(TargetTimeout, match=r"timed out after 1 s") as caught:
            client(url, timeout=1.0).send(VALID)
    assert time.monotonic() - started < 1.5
    assert url in str(caught.value) and caught.value.__cause__ is None


@pytest.mark.parametrize("where", ["body", "status line"])
def test_an_answer_that_trickles_in_past_the_deadline_times_out(where: str) -> None:
    """Every byte comes well within a per-read timeout; only the whole answer is late."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"

    def trickle(conn: socket.socket, request: bytes) -> None:
        if where == "body":
            conn.sendall(head)
        for byte in (head if where == "status line" else b"") + b"x" * 40:
            conn.sendall(bytes([byte]))
            time.sleep(0.2)

    with serve(trickle) as (url, _):
        started = time.monotonic()
        with pytest.raises(TargetTimeout):
            client(url, timeout=1.0).send(VALID)
    assert time.monotonic() - started < 1.5


def test_after_a_timeout_the_client_still_works() -> None:
    calls = []

    def slow_then_fine(conn: socket.socket, request: bytes) -> None:
        calls.append(1)
        if len(calls) == 1:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{")
            time.sleep(1)
        else:
            answer()(conn, request)

    with serve(slow_then_fine) as (url, _):
        target = client(url, timeout=0.5)
        with pytest.raises(TargetTimeout):
            target.send(VALID)
        assert target.send(VALID).status == 200


def test_connection_refused_names_the_url() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(TargetUnreachable, match="connection refused") as caught:
        client(url).send(VALID)
    assert str(caught.value).startswith(f"no answer from {url}/domains/")
    assert "\n" not in str(caught.value) and caught.value.__cause__ is None


def test_a_huge_body_is_cut_at_max_response_bytes() -> None:
    huge = b"[" + b"1," * (5 * 1024 * 1024 // 2) + b"1]"
    answers = iter([answer(body=huge), answer(body=b"[2]")])
    with serve(lambda conn, request: next(answers)(conn, request)) as (url, _):
        target = client(url, max_response_bytes=1024 * 1024)
        exchange = target.send(VALID)
        assert exchange.truncated and len(exchange.body) == 1024 * 1024
        assert exchange.json() is NOT_JSON
        # the unread rest went away with its connection instead of being read as the next answer
        assert target.send(VALID).json() == [2]
    with serve(answer(body=b"[1]")) as (url, _):
        exchange = client(url, max_response_bytes=3).send(VALID)
    assert not exchange.truncated and exchange.json() == [1]


def test_a_body_shorter_than_its_content_length_is_a_protocol_error() -> None:
    def short(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"a": 1}')
        conn.shutdown(socket.SHUT_RDWR)

    with serve(short) as (url, _):
        with pytest.raises(TargetProtocolError, match="ended early: 8 bytes received") as caught:
            client(url).send(VALID)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "chunked"),
        (b"", "closed the connection without answering"),
        (b"SPDY/9 200 OK\r\n\r\n", "status line"),
    ],
)
def test_broken_answers_are_protocol_errors(reply: bytes, detail: str) -> None:
    def broken(conn: socket.socket, request: bytes) -> None:
        conn.sendall(reply)
        conn.shutdown(socket.SHUT_RDWR)

    with serve(broken) as (url, _):
        with pytest.raises(TargetProtocolError, match=detail):
            client(url).send(VALID)


def test_json_is_strict_and_text_is_cut() -> None:
    with serve(answer(body=b'{"a": NaN}')) as (url, _):
        exchange = client(url).send(VALID)
    assert exchange.json() is NOT_JSON and not NOT_JSON
    assert exchange.text(4) == '{"a"'
    with serve(answer(body=b"\xef\xbb\xbf{}")) as (url, _):
        assert client(url).send(VALID).json() is NOT_JSON  # a byte order mark is not JSON
    with serve(answer(body=b"null")) as (url, _):
        assert client(url).send(VALID).json() is None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_an_unverifiable_certificate_is_a_tls_error_unless_insecure(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve(answer(), tls=context) as (url, _):
        with pytest.raises(TargetTLSError, match="certificate verify failed.*--insecure"):
            client(url).send(VALID)
        assert client(url, verify_tls=False).send(VALID).status == 200
