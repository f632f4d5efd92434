"""A long run says what it is doing: a line now and then while one test runs long (``progress``)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from conformance.plugin.progress import Progress, duration
from conformance.reference import start_server
from tests.suite_runner import run_suite
from tests.zoo import DOMAIN, ignoring

TEST = "conformance/properties/test_invalid.py::test_invalid_request_is_rejected[RoleArn.pattern]"


def _target(failed_at: float | None = None, shrink: float | None = None, median: float | None = 0.044):
    return SimpleNamespace(
        requests_sent=5210,
        shrink_seconds=shrink,
        failed_at=lambda test: failed_at,
        median_answer=lambda: median,
    )


def test_the_line_names_the_test_its_shrinking_the_requests_and_the_pace() -> None:
    progress = Progress(print, lambda: _target(failed_at=60.0), interval=15)
    progress.started(TEST)
    start = progress.since
    assert progress.line(start + 14) is None  # not long yet
    assert progress.line(start + 130) is not None
    line = Progress(print, lambda: _target(failed_at=start + 90, shrink=None), interval=15)
    line.test, line.since = TEST, start
    assert line.line(start + 130) == (
        "conformance: test_invalid_request_is_rejected[RoleArn.pattern] has run 2 min 10 s; making its "
        "failing request smaller for 40 s (no bound; --shrink-time sets one); 5,210 requests so far; median "
        "answer 44 ms, so every 1,000 requests one after another take at least 44 s"
    )
    quiet = Progress(print, lambda: _target(median=None, shrink=30), interval=15)
    quiet.test, quiet.since = TEST, start
    assert quiet.line(start + 20) == (
        "conformance: test_invalid_request_is_rejected[RoleArn.pattern] has run 20 s; 5,210 requests so far"
    )
    quiet.finished()
    assert quiet.line(start + 200) is None
    assert duration(59.9) == "59 s" and duration(3600) == "60 min 0 s"


def test_a_long_shrink_against_a_slow_target_is_told_as_it_goes(tmp_path: Path) -> None:
    """A target 100 ms away that takes any RoleArn: the property fails, and while it shrinks, the line says
    so (looked at every half second here)."""
    with start_server(ignoring("RoleArn.pattern")(), delay=0.1) as server:
        run = run_suite(
            "--target-url", server.url, "--domain", DOMAIN, "-q", "-k", "invalid and RoleArn.pattern",
            storage=tmp_path, env={"CONFORMANCE_PROGRESS_EVERY": "0.5"}, timeout=300,
        )  # fmt: skip
    assert run.returncode == 1, run.output[-3000:]
    lines = [line for line in run.output.splitlines() if "has run" in line]
    assert lines, run.output[-3000:]
    assert any("making its failing request smaller for" in line for line in lines), lines
    assert all(
        line.startswith("conformance: test_invalid_request_is_rejected[RoleArn.pattern] has run")
        for line in lines
    )
    assert any("ms, so every 1,000 requests" in line for line in lines), lines
    # Written as the test runs, past pytest's capture of it: before the failure's report, never in the
    # test's captured output.
    failures = run.output.index("FAILURES")
    assert "has run" in run.output[:failures], run.output[:failures][-3000:]
    assert "Captured stdout" not in run.output or all(
        "has run" not in section.split("\n=", 1)[0] for section in run.output.split("Captured stdout")[1:]
    ), run.output[failures:][-3000:]
