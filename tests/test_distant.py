"""A target far away: the reference's --delay puts it there, and the suite sends its catalogue ahead.

``python -m conformance.reference --delay 0.02`` answers every request 20 ms late, as a service in another
region would; these tests run part of the suite against it and against the same reference nearby.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from conformance.core.ahead import SLOW_SECONDS
from conformance.reference import OperationService, ReferenceService, start_server
from conformance.reference.__main__ import parser
from conformance.spec.operation import load_operation
from tests.suite_runner import SuiteRun, run_suite
from tests.zoo import DOMAIN as ZOO_DOMAIN
from tests.zoo import ignoring

DOMAIN = "distant-domain"
DELAY = 0.02
# The boundary tests of four members: some 770 requests, 15 s of waiting at 20 ms each, one after another.
SUBSET = ("-m", "boundaries", "-k", "Tasks or Tags or RoleArn or Trigger")


def test_delayed_reference_answers_late() -> None:
    with start_server(ReferenceService(domains=[DOMAIN]), delay=0.05) as server:
        url = f"{server.url}/domains/{DOMAIN}/workflows/integrations"
        with requests.Session() as session:
            started = time.monotonic()
            answer = session.post(url, data=b"{}", headers={"Content-Type": "application/json"}, timeout=10)
            elapsed = time.monotonic() - started
    assert answer.status_code == 400
    assert elapsed >= 0.05


def test_delay_option_takes_seconds() -> None:
    assert parser().parse_args(["--delay", "0.02"]).delay == 0.02
    assert parser().parse_args([]).delay == 0
    with pytest.raises(SystemExit):
        parser().parse_args(["--delay", "-1"])


def _run(delay: float, storage: Path, *args: str) -> tuple[float, str]:
    with start_server(ReferenceService(domains=[DOMAIN]), delay=delay) as server:
        run = run_suite(*SUBSET, "--target-url", server.url, "--domain", DOMAIN, *args, storage=storage)
    assert run.returncode == 0, run.output[-3000:]
    return run.seconds, run.output


def test_catalogue_is_sent_ahead_to_a_distant_target(tmp_path: Path) -> None:
    assert DELAY > SLOW_SECONDS
    nearby, nearby_output = _run(0, tmp_path / "nearby")
    distant, distant_output = _run(DELAY, tmp_path / "distant")
    sent = [run.splitlines() for run in (nearby_output, distant_output)]
    assert [line for line in sent[0] if "requests sent" in line][0].split(" to ")[0] == (
        [line for line in sent[1] if "requests sent" in line][0].split(" to ")[0]
    )
    # One after another, the 20 ms of each answer would add some 15 s to the few seconds of the nearby run.
    assert distant < 2.0 * nearby, (nearby, distant)


def test_rate_limit_holds_while_sending_ahead(tmp_path: Path) -> None:
    storage = tmp_path / "rate"
    with start_server(ReferenceService(domains=[DOMAIN]), delay=DELAY) as server:
        run = run_suite(
            "-m",
            "boundaries",
            "-k",
            "RoleArn",
            "--target-url",
            server.url,
            "--domain",
            DOMAIN,
            "--rate-limit",
            "100",
            storage=storage,
        )
    assert run.returncode == 0, run.output[-3000:]
    assert run.requests_sent is not None and run.requests_sent > 50
    # At 100 a second the requests need this long at least, however many are in flight.
    assert run.seconds >= run.requests_sent / 100


# Hypothesis properties of two members: every example's request is drawn as the test runs.
PROPERTIES = ("-m", "invalid", "-k", "Tags or RoleArn", "--hypothesis-profile", "ci")
# Farther than DELAY: what sending ahead saves then stands well clear of a loaded machine's noise, while
# the rehearsal's drawing costs what it costs at any distance.
FAR = 0.2
AHEAD_LINE = re.compile(r"(\d+) requests went out ahead of the tests that judge them, (\d+) of them judged")


def _properties(service: ReferenceService, delay: float, storage: Path, domain: str = DOMAIN) -> SuiteRun:
    with start_server(service, delay=delay) as server:
        return run_suite(*PROPERTIES, "--target-url", server.url, "--domain", domain, storage=storage)


def test_properties_are_rehearsed_and_their_requests_sent_ahead(tmp_path: Path) -> None:
    """Drawn alike with the same (derandomized) seed, the properties send the same requests near and far;
    far, each was drawn in a rehearsal, sent ahead and its answer judged by the test."""
    nearby = _properties(ReferenceService(domains=[DOMAIN]), 0, tmp_path / "nearby")
    distant = _properties(ReferenceService(domains=[DOMAIN]), FAR, tmp_path / "distant")
    for run in (nearby, distant):
        assert run.returncode == 0, run.output[-3000:]
    assert nearby.requests_sent == distant.requests_sent, (nearby.output[-1500:], distant.output[-1500:])
    found = AHEAD_LINE.search(distant.output)
    assert found is not None, distant.output[-3000:]
    sent_ahead, judged = int(found.group(1)), int(found.group(2))
    assert sent_ahead == judged > 0.8 * distant.requests_sent, distant.output[-3000:]
    # One after another, the requests would wait FAR each; sent ahead, most of that wait is gone.
    assert distant.seconds < nearby.seconds + 0.5 * FAR * distant.requests_sent, (
        nearby.seconds,
        distant.seconds,
    )


def test_a_rehearsed_property_finds_and_shrinks_as_it_does_nearby(tmp_path: Path) -> None:
    """A target that takes any RoleArn: far, the property fails with the same minimal request as nearby
    (the rehearsal's answers are judged as the test's own, and the shrinking sends its own)."""
    runs = [
        _properties(ignoring("RoleArn.pattern")(), delay, tmp_path / str(delay), ZOO_DOMAIN)
        for delay in (0, DELAY)
    ]
    for run in runs:
        assert run.returncode == 1, run.output[-3000:]
    nearby, distant = runs
    assert nearby.failed_tests == distant.failed_tests
    assert [t.split("[", 1)[1] for t in distant.failed_tests] == ["RoleArn.pattern]"], distant.output[-3000:]

    def failures(run: SuiteRun) -> str:
        # The failure's report, up to the run's totals (far, the shrinking may spend its time on fewer).
        section = run.output[run.output.index("FAILURES") :].split("\nconformance: ")[0]
        section = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32}", "<id>", section)  # what the target made
        section = re.sub(r"127\.0\.0\.1:\d+", "<target>", section)
        return re.sub(r"\d+(\.\d+)? ?(ms|s)\b", "", section)

    assert failures(nearby) == failures(distant)


def test_any_operation_is_sent_ahead_to_a_distant_target(tmp_path: Path) -> None:
    """Any operation's catalogue and properties go out ahead too: the same requests near and far, each
    judged, in much less than the time they would take one after another."""
    runs = []
    for delay in (0, FAR):
        with start_server(OperationService(load_operation("amp:CreateWorkspace")), delay=delay) as server:
            runs.append(
                run_suite(
                    "--operation",
                    "amp:CreateWorkspace",
                    "--hypothesis-profile",
                    "ci",
                    "--target-url",
                    server.url,
                    storage=tmp_path / str(delay),
                )  # fmt: skip
            )
    nearby, distant = runs
    for run in runs:
        assert run.returncode == 0, run.output[-3000:]
    assert nearby.requests_sent == distant.requests_sent
    found = AHEAD_LINE.search(distant.output)
    assert found is not None, distant.output[-3000:]
    # All but the first answers (which tell the target is far) and a few tests that send on their own.
    assert int(found.group(1)) == int(found.group(2)) > 0.5 * distant.requests_sent, distant.output[-3000:]
    assert distant.seconds < nearby.seconds + 0.5 * FAR * distant.requests_sent, (
        nearby.seconds,
        distant.seconds,
    )
