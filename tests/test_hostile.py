"""The suite against targets that misbehave: nothing listening, silence, a trickle, broken or endless bodies,
a cut or reset connection, a redirect, an unverifiable certificate, and the reference under load.

Each case runs the suite as a user does (a subprocess) and checks what the user gets: a run that ends by
itself, in bounded time, with one clear sentence about the target and no wall of tracebacks.  The cases
after the preflight use servers that answer the preflight's create and delete properly first, so that the
misbehaviour meets the properties (``test_responses``, five identical valid requests) and not the preflight.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.client import TargetClient, TargetError
from strategies import canonical_body
from strategies.requests import Request
from tests.hostile_servers import (
    DOMAIN,
    Handler,
    MiB,
    RawServer,
    RecordingService,
    after_preflight,
    answer,
    cut_short,
    never_answer,
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
    # One message, which pytest.exit shows twice (its banner and stderr), and nothing else.
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert lines and all(message in line for line in lines), done.output
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
        ("the body is not JSON (cut short by the client)", "more than 1048576 bytes, cut by the client"),
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
    # A client that read the whole 50 MiB would have let the server send it all; it reads 1 MiB and hangs up
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
    """A fully hanging target would cost every test a timeout (309 tests at the default 10 s: 50 minutes);
    the run gives up after five requests in a row without an answer."""
    with RawServer(after_preflight(never_answer())) as server:
        done = suite(
            server.url, "-m", "boundaries", "-k", "Tags", storage=tmp_path, only=("test_boundaries",)
        )
    assert done.returncode == pytest.ExitCode.TESTS_FAILED
    assert "stopping: 5 requests in a row failed in transport; last: no complete answer from" in done.output
    assert "4 failed" in done.output  # the fifth test is cut short by the stop
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
