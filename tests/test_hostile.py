"""The suite against targets that misbehave: nothing listening, silence, a trickle, broken or endless bodies,
a cut or reset connection, a redirect, an unverifiable certificate, and the reference under load.

Each case runs the suite as a user does (a subprocess) and checks what the user gets: a run that ends by
itself, in bounded time, with one clear sentence about the target and no wall of tracebacks.  The cases
after the preflight use servers that answer the preflight's create and delete properly first, so that the
misbehaviour meets the properties (``test_responses``, five identical valid requests) and not the preflight.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from conformance.core.client import MAX_RESPONSE_BYTES, TargetClient
from conformance.core.exchange import TargetError
from conformance.spec.wire import Request
from conformance.strategies import canonical_body
from tests.hostile_servers import (
    DOMAIN,
    SUCCESS_BODY,
    AwsCredentials,
    Handler,
    MiB,
    RawRequest,
    RawServer,
    RecordingService,
    after_preflight,
    answer,
    cut_short,
    echoing,
    endless_gzip_members,
    every_nth_reset,
    gzip_bomb,
    never_answer,
    raw_status_line,
    redirect,
    reference,
    reference_process,
    reset_mid_answer,
    run,
    self_signed_certificate,
    stream_body,
    tls_reference,
    trickle,
)
from tests.suite_runner import SuiteRun

TIMEOUT = ("--request-timeout", "1")
RESPONSES = ("-m", "responses")
# Start-up (~2 s on two busy cores), the preflight, and one request that runs out its 1 s timeout, with room.
BOUND = 30.0


def suite(url: str, *args: str, storage: Path, only: tuple[str, ...] = ("test_responses",)) -> SuiteRun:
    done = run("--target-url", url, "--domain", DOMAIN, *TIMEOUT, *args, storage=storage, only=only)
    print(f"run ended after {done.seconds:.1f} s with exit code {done.returncode}")  # shown with -rP
    return done


def assert_clean(done: SuiteRun, *, max_lines: int = 60) -> None:
    """Ended by itself, in bounded time, without tracebacks or Hypothesis's exception groups."""
    assert done.seconds < BOUND, done.output[-3000:]
    for noise in ("Traceback", "Exception Group", "FlakyFailure", "During handling", "INTERNALERROR"):
        assert noise not in done.output, done.output[-5000:]
    assert len(done.output.splitlines()) < max_lines, done.output[-5000:]


# -- at session start ----------------------------------------------------------------------------------------
def test_nothing_listening_stops_the_run_at_session_start(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    done = suite(url, *RESPONSES, storage=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    message = f"no answer from {url}/domains/{DOMAIN}/workflows/integrations: connection refused"
    # One message, said once ("ERROR: ..."), and nothing else.
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert lines == [f"ERROR: {message}"], done.output
    assert_clean(done)
    assert done.seconds < 15


def test_a_target_that_never_answers_the_preflight_stops_the_run(tmp_path: Path) -> None:
    with RawServer(never_answer()) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    message = f"no complete answer from {server.url}/domains/{DOMAIN}/workflows/integrations"
    assert f"{message}: timed out after 1 s" in done.output
    assert len(server.requests) == 1
    assert_clean(done)


# -- after the preflight: one case each ----------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    handler: Callable[[], Handler]
    says: tuple[str, ...]  # what the failure must say
    # Requests the server gets: the preflight's two, then one that fails in transport, or all five of
    # the test's own when the answers arrive (their shape is judged over all of them, once).
    requests: int = 3


CASES = {
    # A byte every 0.3 s never trips a per-read timeout: only a deadline on the whole answer ends it.
    "trickles a byte every 0.3 s": Case(lambda: after_preflight(trickle(0.3)), ("timed out after 1 s",)),
    "non-JSON success body": Case(
        lambda: after_preflight(answer(body=b"<html>Service Unavailable</html>")),
        ("Broken: Response.type", "the body is not JSON", "<html>Service Unavailable</html>"),
        requests=7,
    ),
    "truncated JSON": Case(
        lambda: after_preflight(answer(body=b'{"WorkflowId":"0123456789abcdef')),
        ("Broken: Response.type", "the body is not JSON", '{"WorkflowId":"0123456789abcdef'),
        requests=7,
    ),
    "a 50 MiB body": Case(
        lambda: after_preflight(stream_body(50 * MiB)),
        ("the body is not JSON (cut short by the client)", "more than 8388608 bytes, cut by the client"),
        requests=7,
    ),
    "a shorter body than its Content-Length": Case(
        lambda: after_preflight(cut_short(1000, b'{"WorkflowId":')),
        ("broken answer from", "the body ended early: 14 bytes received, 986 more announced by the headers"),
    ),
    "a reset mid-answer": Case(
        lambda: after_preflight(reset_mid_answer(b'{"WorkflowId":"' + b"a" * 4000)),
        ("broken answer from", "the connection was reset in the middle of the answer"),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_misbehaving_answer_fails_its_test_clearly(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    with RawServer(case.handler()) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == 1 and "1 failed" in done.output, done.output[-3000:]
    for words in case.says:
        assert words in done.output, f"{words!r} not in:\n{done.output[-3000:]}"
    assert "curl -sS -i -X POST" in done.output  # and the request, to reproduce
    assert len(server.requests) == case.requests
    # A client that read the whole 50 MiB would have let the server send it all; it reads 8 MiB and hangs up
    # (what the server gets out beyond that sat in socket buffers).
    assert all(sent < 25 * MiB for sent in server.sent), server.sent
    assert_clean(done)


def test_a_target_that_stops_answering_fails_each_test_once(tmp_path: Path) -> None:
    """Accepts, reads, never answers: each test fails after one timeout, a plain test and a Hypothesis
    property alike.  Hypothesis replays and shrinks a failing example; the test's later examples fail at
    once with the same sentence, without waiting again, and stay one failure, not a "Flaky" group."""
    with RawServer(after_preflight(never_answer())) as server:
        done = suite(
            server.url,
            "-m",
            "responses or errors",
            "-k",
            "identical or non_object",
            storage=tmp_path,
            only=("test_responses", "test_errors"),
        )
    assert done.returncode == 1 and "2 failed" in done.output, done.output[-3000:]
    message = (
        f"no complete answer from {server.url}/domains/{DOMAIN}/workflows/integrations: timed out after 1 s"
    )
    # Each test's report and its short summary line; at most three mentions a test, never a wall.
    assert 2 <= done.output.count(message) <= 6, done.output[-3000:]
    assert len(server.requests) == 2 + 2  # the preflight's, and one per test: no replay reached the target
    assert_clean(done)


def test_a_target_that_stays_silent_stops_the_run_after_five_timeouts(tmp_path: Path) -> None:
    """A fully hanging target would cost every test a timeout (335 tests at the default 10 s: nearly an hour);
    the run gives up after five requests in a row without an answer."""
    with RawServer(after_preflight(never_answer())) as server:
        done = suite(
            server.url, "-m", "boundaries", "-k", "Tags", storage=tmp_path, only=("test_boundaries",)
        )
    assert done.returncode == pytest.ExitCode.TESTS_FAILED
    assert "stopping: 5 requests in a row failed in transport; last: no complete answer from" in done.output
    # The fifth test fails with the stop's message, and the run ends after it.
    assert "5 failed" in done.output and "! stopping: 5 requests in a row failed in transport" in done.output
    assert len(server.requests) == 2 + 5
    assert_clean(done)


def test_a_trickle_is_cut_at_the_timeout_even_with_throttling_retries() -> None:
    """The client the plugin builds retries 429s; the time for those retries must not stretch the deadline
    of an answer that is merely slow (it once allowed 94 s for --request-timeout 1)."""
    with RawServer(trickle(0.3)) as server:
        with TargetClient(server.url, DOMAIN, timeout=1, throttle_retries=3) as client:
            started = time.monotonic()
            with pytest.raises(Exception, match="timed out after 1 s"):
                client.send(Request(None, canonical_body()))
            assert time.monotonic() - started < 2


def test_a_redirect_is_reported_not_followed(tmp_path: Path) -> None:
    elsewhere = RecordingService()
    with (
        reference(elsewhere) as other,
        RawServer(redirect(f"{other.url}/domains/{DOMAIN}/workflows/x")) as server,
    ):
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    # The preflight meets the redirect first and stops the run, saying where it pointed.
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "answered the first request with 307" in done.output
    assert f"redirecting to {other.url}/domains/{DOMAIN}/workflows/x" in done.output
    assert elsewhere.seen == []  # a client that followed it would have passed, on another host
    assert_clean(done)


# -- TLS -----------------------------------------------------------------------------------------------------
def test_a_self_signed_certificate_stops_the_run_unless_insecure(tmp_path: Path) -> None:
    made = self_signed_certificate(tmp_path)
    if made is None:
        pytest.skip("neither the cryptography package nor openssl is available to make a certificate")
    service = RecordingService()
    with tls_reference(service, *made) as (url, _):
        refused = suite(url, *RESPONSES, storage=tmp_path / "verify")
        insecure = suite(url, *RESPONSES, "--insecure", storage=tmp_path / "insecure")
    assert refused.returncode == pytest.ExitCode.USAGE_ERROR
    message = f"TLS with {url}/domains/{DOMAIN}/workflows/integrations failed: certificate verify failed"
    assert message in refused.output
    assert "pass --insecure to skip certificate checks" in refused.output
    assert_clean(refused)
    assert insecure.returncode == 0, insecure.output[-3000:]
    # The one property, and the eleven properties of success answers judged on its answers.
    assert "12 passed" in insecure.output and "InsecureRequestWarning" not in insecure.output
    assert service.workflow_count() == 0 and len(service.created_ids) == 6
    assert_clean(insecure)


# -- the reference under load --------------------------------------------------------------------------------
THREADS = 4
PER_THREAD = 500  # 2,000 requests in all
WARM_UP = 100  # requests per thread before the first measurement


def load_requests() -> list[tuple[bytes, int]]:
    """Bodies and the status each is due: valid (small, full, distinct) and invalid in several ways."""
    full = canonical_body(full=True)
    invalid_type = {**canonical_body(), "RoleArn": 123}
    missing = {key: value for key, value in canonical_body().items() if key != "WorkflowType"}
    too_long = {**canonical_body(), "RoleArn": "arn:aws:iam::0:" + "r" * 100_000}
    return [
        (json.dumps(canonical_body()).encode(), 200),
        (json.dumps(full).encode(), 200),
        (json.dumps(invalid_type).encode(), 400),
        (json.dumps(missing).encode(), 400),
        (json.dumps(too_long).encode(), 400),
        (b'{"WorkflowType":', 400),
    ]


def test_the_reference_answers_thousands_of_requests_from_many_connections(tmp_path: Path) -> None:
    cases = load_requests()
    wrong: list[str] = []
    warmed = threading.Barrier(THREADS + 1, timeout=120)
    measured = threading.Event()

    with reference_process(tmp_path / "stderr") as server:

        def client_thread(index: int) -> None:
            # One thread closes its connection after each answer, so connections come and go as well.
            headers = {"Connection": "close"} if index == 0 else {}
            path = f"/domains/{DOMAIN}/workflows/integrations"
            with TargetClient(server.url, DOMAIN, timeout=10) as client:
                for number in range(PER_THREAD):
                    if number == WARM_UP:
                        warmed.wait()
                        measured.wait(timeout=120)
                    body, status = cases[(index + number) % len(cases)]
                    if status == 200:  # a distinct workflow each time, as a long run stores them
                        body = body.replace(
                            b'"ObjectTypeName": "a"', f'"ObjectTypeName": "o{index}-{number}"'.encode()
                        )
                    try:
                        exchange = client.send_raw("POST", path, body, headers)
                    except TargetError as error:
                        wrong.append(str(error))
                        warmed.abort()  # nobody waits for a thread that has stopped
                        return
                    if exchange.status != status:
                        wrong.append(f"{exchange.status} for {body[:60]!r}")

        started = time.monotonic()
        threads = [threading.Thread(target=client_thread, args=(index,)) for index in range(THREADS)]
        for thread in threads:
            thread.start()
        try:
            warmed.wait()
        except threading.BrokenBarrierError:
            pass  # a client thread failed: ``wrong`` says how
        before = server.rss_bytes()
        measured.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - started
        after = server.rss_bytes()
        alive = server.process.poll() is None
        threads_left = server.thread_count()

    print(
        f"{THREADS * PER_THREAD} requests in {elapsed:.1f} s; RSS {before / MiB:.1f} -> {after / MiB:.1f} MiB"
    )
    assert not any(thread.is_alive() for thread in threads)
    assert wrong == []
    assert alive and server.stderr.read_text() == ""  # no crash, no traceback logged
    assert threads_left < 20  # no thread per finished connection left behind


# -- nothing secret or raw reaches the terminal ----------------------------------------------------------
CREDENTIALS = AwsCredentials(
    access_key="AKIDHOSTILE7EXAMPLE",
    secret_key="hostile/Secret+Key/wJalrXUtnFEMIK7MDENG",
    token="IQoJhostile//session+token/EXAMPLE==",
)
SIGNED = ("--aws-sigv4", "--aws-region", "us-east-1")
PASSWORD = "pa55word-hostile"


def forms(secret: str) -> list[str]:
    """A secret as an output might carry it: as is, JSON-escaped with ``\\/``, percent-encoded, and its first
    16 characters (what a cut before redaction left)."""
    return [secret, secret.replace("/", "\\/"), quote(secret, safe=""), secret[:16]]


def test_no_secret_a_target_echoes_reaches_any_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target that echoes every request header and the credentials in every place an answer has
    (status line, reason, headers, body, redirect Location, error types), met by the preflight and by the
    properties, signed and with a password in the URL, with every output turned up: none of the secrets,
    none of the signatures, in any form, appears in the terminal, JUnit, the captured logs or the report."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name, value in CREDENTIALS.environment().items():
        monkeypatch.setenv(name, value)
    known = (CREDENTIALS.secret_key, CREDENTIALS.token or "")  # what a signed run knows
    loud = ("--log-level=DEBUG", "-o", "junit_logging=all", "--tb=long", "-vv")
    everything = " ".join(known)
    outputs: dict[str, str] = {}
    servers: list[RawServer] = []

    def suite_run(name: str, handler: Handler, *args: str, url: str | None = None) -> SuiteRun:
        reports = tmp_path / name
        reports.mkdir()
        with RawServer(handler) as server:
            servers.append(server)
            done = suite(
                (url or server.url).replace("PORT", str(server.port)),
                "-m",
                "responses or errors",
                *loud,
                "--junitxml",
                str(reports / "junit.xml"),
                "--conformance-report",
                str(reports / "coverage"),
                *args,
                storage=tmp_path / f"{name}-hypothesis",
                only=("test_responses", "test_errors"),
            )
        outputs[name] = done.output
        for path in reports.rglob("*"):
            if path.is_file():
                outputs[f"{name}/{path.name}"] = path.read_text(errors="replace")
        return done

    echoed = suite_run("echoed", after_preflight(echoing(known)), *SIGNED)
    assert echoed.returncode == 1 and "Broken: success.status" in echoed.output, echoed.output[-3000:]
    assert "DEBUG" in echoed.output  # the logs were captured and shown
    refused = suite_run("refused", echoing(known, "403 Forbidden"), *SIGNED)
    assert (
        refused.returncode == pytest.ExitCode.USAGE_ERROR
        and "refused the first request: 403" in refused.output
    )
    status_line = suite_run(
        "status line", after_preflight(raw_status_line(f"HTTP/1.1 {everything} nope".encode())), *SIGNED
    )
    assert "the status line is not HTTP" in status_line.output
    moved = suite_run("moved", redirect(f"http://elsewhere.example/?t={quote(everything, safe='')}"), *SIGNED)
    assert "answered the first request with 307, redirecting to http://elsewhere.example/" in moved.output
    basic = suite_run(
        "basic", after_preflight(echoing((PASSWORD,))), url=f"http://tester:{PASSWORD}@127.0.0.1:PORT"
    )
    assert basic.returncode == 1 and "Broken: success.status" in basic.output
    assert "target http://tester:<redacted>@127.0.0.1:" in basic.output  # the header line
    sent = base64.b64encode(f"tester:{PASSWORD}".encode()).decode()
    assert servers[-1].requests[0].headers["authorization"] == f"Basic {sent}"  # sent, as curl sends it

    signatures = [
        request.headers["authorization"].rsplit("Signature=", 1)[1]
        for server in servers
        for request in server.requests
        if request.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256")
    ]
    assert len(signatures) > 10
    forbidden = [
        form for secret in (*known, PASSWORD, CREDENTIALS.access_key, sent) for form in forms(secret)
    ]
    forbidden += ["Credential=AKID", *signatures]
    for where, text in outputs.items():
        for secret in forbidden:
            assert secret not in text, f"{secret[:12]}... appears in {where}"
    assert "<redacted>" in outputs["echoed"] and "<redacted>" in outputs["refused"]


TERMINAL_ESCAPES = ("\x1b", "\x07", "\x9b", "\u202e", "\x08", "\r")


def test_control_characters_from_the_target_are_escaped_everywhere(tmp_path: Path) -> None:
    """A reason phrase that clears the screen and retitles the terminal, an error type and a body that
    recolour it, a C1 control (CSI) and a right-to-left override: shown as escapes, never sent raw."""
    hostile = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202eevil\x08\r"
    body = json.dumps({"Message": f"bad {hostile}", "WorkflowId": hostile}).encode()
    status = f"400 {hostile}"
    handler = answer(status.encode("utf-8").decode("latin-1"), body, {"X-Amzn-Errortype": "Bad\x1b[31mType"})
    with RawServer(after_preflight(handler)) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == 1 and "Broken: success.status" in done.output
    for char in TERMINAL_ESCAPES:
        assert char not in done.output, f"{char!r} reached the output"
    assert "\\x1b[2J\\x1b]0;owned\\x07" in done.output  # the reason phrase, escaped
    assert_clean(done)


def test_a_lone_surrogate_in_an_answer_crashes_nothing(tmp_path: Path) -> None:
    """JSON can carry a lone surrogate (``"\\udfff"``) that no text encoding writes: in the preflight's
    WorkflowId, in every WorkflowId and a long Message after it.  The run ends normally, deletes what it
    can (the id goes as the bytes it would be in UTF-8) and prints short lines."""
    odd = b'{"WorkflowId":"\\udfff%s","Message":"%s\\udfff"}'
    with RawServer(answer(body=odd % (b"a" * 31, b"m" * 20000))) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == 1, done.output[-3000:]
    assert "Broken: Response.WorkflowId.pattern" in done.output
    assert "\\udfff" in done.output
    assert "conformance: created 5 workflows, deleted 5" in done.output
    deletes = [request.path for request in server.requests if request.method == "DELETE"]
    assert len(deletes) == 6 and all(path.endswith("/workflows/%ED%BF%BF" + "a" * 31) for path in deletes)
    assert max(len(line) for line in done.output.splitlines()) < 1500
    assert_clean(done, max_lines=120)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"WorkflowId":' + b"9" * 5000 + b"}", "JSON holding an integer of more digits than the client's"),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "JSON nested deeper than the client's JSON parser (Python's) follows",
        ),
        (b'{"WorkflowId":"' + b"a" * 32 + b'"', "not JSON (Expecting ',' delimiter at character 48)"),
    ],
    ids=["a 5,000-digit integer", "nesting 100,000 deep", "one brace short"],
)
def test_a_body_the_client_cannot_read_says_what_it_is(body: bytes, says: str, tmp_path: Path) -> None:
    with RawServer(after_preflight(answer(body=body))) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == 1 and f"the body is {says}" in done.output, done.output[-3000:]
    assert_clean(done, max_lines=80)


def test_an_error_type_with_an_unreadable_body_says_both(tmp_path: Path) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    handler = answer("400 Bad Request", deep, {"X-Amzn-Errortype": "BadRequestException"})
    with RawServer(after_preflight(handler)) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == 1
    assert (
        "status 400, X-Amzn-Errortype BadRequestException, which botocore cannot read with this body "
        "(the body is JSON nested deeper" in done.output
    ), done.output[-3000:]
    assert_clean(done, max_lines=80)


def test_a_compressed_answer_is_reported_and_its_decoding_capped(tmp_path: Path) -> None:
    """The client asks for identity; a target that sends gzip anyway (here a 256 MiB bomb of zeros) is
    decoded no further than the 8 MiB the client reads of a body, and the report says what the target
    chose and shows a readable excerpt, not 2,400 characters of escapes."""
    bomb = gzip_bomb(256 * MiB)
    handler = answer(body=bomb, headers={"Content-Encoding": "gzip"})
    with RawServer(after_preflight(handler)) as server:
        done = suite(server.url, *RESPONSES, storage=tmp_path)
    assert done.returncode == 1, done.output[-3000:]
    assert "  Content-Encoding: gzip" in done.output
    assert "more than 8388608 bytes, cut by the client, decoded from" in done.output
    assert "bytes of gzip although the client asked for identity" in done.output
    body_lines = [line for line in done.output.splitlines() if line.lstrip().startswith("body (")]
    assert body_lines and all(len(line) < 800 for line in body_lines), body_lines[:1]
    assert_clean(done, max_lines=80)


def test_the_client_caps_what_it_decodes_and_what_it_reads() -> None:
    import tracemalloc

    bomb = gzip_bomb(256 * MiB)
    with RawServer(answer(body=bomb, headers={"Content-Encoding": "gzip"})) as server:
        with TargetClient(server.url, DOMAIN, timeout=10) as client:
            tracemalloc.start()
            exchange = client.send(Request(None, canonical_body()))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert exchange.truncated and len(exchange.body) == MAX_RESPONSE_BYTES
    # All of it read: the cap on decoding stopped it.
    assert exchange.decoded_from == len(bomb) < MAX_RESPONSE_BYTES
    assert peak < 40 * MiB, f"decoding took {peak / MiB:.0f} MiB"
    # Reading 8 MiB of empty members one small chunk at a time takes longer than the point needs: the cap
    # is the client's setting, here 1 MiB.
    with RawServer(endless_gzip_members()) as server:
        with TargetClient(server.url, DOMAIN, timeout=10, max_response_bytes=MiB) as client:
            started = time.monotonic()
            exchange = client.send(Request(None, canonical_body()))
    assert exchange.truncated and exchange.body == b"" and time.monotonic() - started < 5


def test_intermittent_resets_are_one_clear_line_per_test(tmp_path: Path) -> None:
    """A target that resets every fourth connection's request: each test that meets a reset fails with the
    client's one sentence, whatever Hypothesis replays, never a FlakyFailure exception group."""
    success = answer(body=SUCCESS_BODY % (b"0" * 32,))
    with RawServer(every_nth_reset(4, success)) as server:
        done = suite(
            server.url,
            "-m",
            "valid or responses",
            "-p",
            "no:randomly",
            storage=tmp_path,
            only=("test_valid", "test_responses"),
        )
    assert done.returncode == 1, done.output[-3000:]
    assert "the connection was reset" in done.output or "closed the connection" in done.output
    assert_clean(done, max_lines=120)


def test_a_reset_while_hypothesis_shrinks_a_contract_failure_is_one_clear_report(tmp_path: Path) -> None:
    """The first example finds a contract failure (a 400 to a valid request); every later request is
    reset, so Hypothesis's shrinking and its replay meet a transport failure instead: Hypothesis calls
    that flaky and raises an exception group, which the report renders as the one transport sentence."""
    refuse = answer("400 Bad Request", b'{"message":"no"}', {"X-Amzn-Errortype": "BadRequestException"})
    reset = every_nth_reset(1, refuse)

    def handler(server: RawServer, conn: socket.socket, request: RawRequest) -> bool:
        return (refuse if len(server.requests) == 3 else reset)(server, conn, request)

    with RawServer(after_preflight(handler)) as server:
        done = suite(server.url, "-m", "valid", storage=tmp_path, only=("test_valid",))
    assert done.returncode == 1 and "1 failed" in done.output, done.output[-3000:]
    assert "the connection was reset" in done.output
    assert_clean(done)


def test_a_target_that_throttles_everything_after_the_preflight_stops_the_run(tmp_path: Path) -> None:
    """Every request after the preflight answered 429 with Retry-After: 1: the waits stop at
    --max-throttle-wait, and five 429s in a row stop the run with one message."""
    throttled = answer("429 Too Many Requests", b'{"message":"slow down"}', {"Retry-After": "1"})
    with RawServer(after_preflight(throttled)) as server:
        done = suite(
            server.url,
            "-m",
            "responses or errors",
            "--max-throttle-wait",
            "2",
            storage=tmp_path,
            only=("test_responses", "test_errors"),
        )
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.output[-3000:]
    assert "stopping: the target answered 429 to 5 requests in a row (after 2 retries that waited 2 s" in (
        done.output
    )
    assert "all of the 2 s that --max-throttle-wait allows" in done.output
    assert done.seconds < BOUND
    assert_clean(done, max_lines=120)


def test_a_preflight_throttled_with_a_long_retry_after_waits_no_longer_than_allowed(tmp_path: Path) -> None:
    throttled = answer("429 Too Many Requests", b'{"message":"slow down"}', {"Retry-After": "30"})
    with RawServer(throttled) as server:
        done = suite(server.url, *RESPONSES, "--max-throttle-wait", "1", storage=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"{server.url} throttled the first request: 429 no error type: 'slow down'" in done.output
    assert (
        "after 0 retries that waited 0 s in all, all of the 1 s that --max-throttle-wait allows"
        in done.output
    )
    assert len(server.requests) == 1 and done.seconds < 15
    assert_clean(done)
