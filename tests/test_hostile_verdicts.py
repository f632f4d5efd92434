"""Every verdict in bounded time: a target that is slow now and then, and the simplest broken mock, each
measured against the reference in the same test (the machine's speed cancels out of the ratio).

Before these bounds, a target that timed out on one request in seven took 316 s at --request-timeout 1 (every
test waited for its own time-outs), and a mock that answers every POST with a fresh id took 110 s and
14,657 requests (Hypothesis's explain phase replayed each failing example about a hundred times), against
~13 s and ~3,600 requests for the reference.
"""

from __future__ import annotations

import re
from pathlib import Path

from conformance.core.target import MAX_TIMEOUTS
from conformance.plugin.outcomes import FULL_REPORTS
from tests.hostile_servers import DOMAIN, RawServer, RecordingService, SlowEveryNth, fresh_ids, reference, run
from tests.suite_runner import SuiteRun

TIMEOUT = 1.0
# Each run may take at most this much longer than ``RATIO`` times the reference's run: start-up noise
# on two busy cores.
SLACK = 5.0
RATIO = 2.0


def suite(url: str, *args: str, storage: Path, only: tuple[str, ...] = ()) -> SuiteRun:
    done = run(
        "--target-url",
        url,
        "--domain",
        DOMAIN,
        "--request-timeout",
        f"{TIMEOUT:g}",
        *args,
        storage=storage,
        only=only,
        timeout=120,
    )
    print(f"run ended after {done.seconds:.1f} s, {done.requests_sent} requests, exit {done.returncode}")
    return done


def test_a_target_slow_on_one_request_in_seven_gets_its_verdict_in_bounded_time(tmp_path: Path) -> None:
    """Every seventh answer comes after the timeout: the run waits for ``MAX_TIMEOUTS`` of them, then
    stops with one line saying how many answers of each kind timed out, within twice the reference's
    run plus the time-outs it waited for."""
    only = ("test_invalid",)
    with reference(RecordingService()) as server:
        conforming = suite(server.url, storage=tmp_path / "conforming", only=only)
    assert conforming.returncode == 0, conforming.output[-3000:]
    slow = SlowEveryNth(7, TIMEOUT + 2)
    try:
        with reference(slow) as server:
            done = suite(server.url, storage=tmp_path / "slow", only=only)
    finally:
        slow.stopped.set()
    assert done.returncode == 1, done.output[-3000:]
    verdict = re.search(
        r"stopping: answers to (valid|other) requests time out: (\d+) of (\d+) after 1 s"
        r"(?:; to other requests: (\d+) of (\d+))?; the run waits for no more than (\d+) time-outs",
        done.output,
        re.MULTILINE,
    )
    assert verdict is not None, done.output[-3000:]
    timed_out = int(verdict[2]) + int(verdict[4] or 0)
    assert timed_out == MAX_TIMEOUTS == int(verdict[6])
    # The tests' time-outs, and at most as many again in the cleanup's deletes.
    assert slow.slowed <= 2 * MAX_TIMEOUTS
    assert done.seconds <= RATIO * conforming.seconds + slow.slowed * TIMEOUT + SLACK, (
        done.seconds,
        conforming.seconds,
    )
    for noise in ("Traceback", "Exception Group", "FlakyFailure", "INTERNALERROR"):
        assert noise not in done.output, done.output[-5000:]


def test_the_simplest_broken_mock_gets_its_verdict_as_fast_as_a_conforming_target(tmp_path: Path) -> None:
    """A mock that answers every POST 200 with a fresh id breaks nearly every constraint: every one still
    fails, each with a request to reproduce it (in JUnit; the first few in the terminal too), in at most
    twice the reference's requests and time, in output read in a minute (it was 3,690 lines)."""
    with reference(RecordingService()) as server:
        conforming = suite(server.url, storage=tmp_path / "conforming")
    assert conforming.returncode == 0, conforming.output[-3000:]
    with RawServer(fresh_ids()) as mock:
        done = suite(mock.url, "--junitxml", str(tmp_path / "junit.xml"), storage=tmp_path / "mock")
    assert done.returncode == 1
    failed = done.failed_tests
    assert len(failed) > 250, done.output[-3000:]  # every constraint a request can break, and more
    assert conforming.requests_sent is not None and done.requests_sent is not None
    assert done.requests_sent <= RATIO * conforming.requests_sent, (
        done.requests_sent,
        conforming.requests_sent,
    )
    assert done.seconds <= RATIO * conforming.seconds + SLACK, (done.seconds, conforming.seconds)
    # Readable: the first few reports in full, each later failing test one line of the short summary.
    assert done.output.count(", to reproduce:") == FULL_REPORTS, done.output[-3000:]
    assert f"conformance: {len(failed) - FULL_REPORTS} more failing tests are named" in done.output
    assert len(done.output.splitlines()) < len(failed) + 150, done.output[-3000:]
    junit = (tmp_path / "junit.xml").read_text()
    assert junit.count("<failure") == len(failed)
    assert junit.count("curl -sS -i -X POST") >= len(failed)  # each failure with its reproducer
