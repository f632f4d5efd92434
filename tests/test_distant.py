"""A target far away: the reference's --delay puts it there, and the suite sends its catalogue ahead.

``python -m conformance.reference --delay 0.02`` answers every request 20 ms late, as a service in another
region would; these tests run part of the suite against it and against the same reference nearby.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from conformance.core.ahead import SLOW_SECONDS
from conformance.reference import ReferenceService, start_server
from conformance.reference.__main__ import parser
from tests.suite_runner import run_suite

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
