"""Options are checked before the first request: a bad one ends the run with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suite_runner import run_suite

TARGET = ("--target-url", "http://127.0.0.1:9", "--domain", "d")

CASES = {
    "a timeout that is not a number": (("--request-timeout", "nan"), "--request-timeout must be a positive"),
    "an endless timeout": (("--request-timeout", "inf"), "--request-timeout must be a positive"),
    "a rate that is not a number": (("--rate-limit", "nan"), "--rate-limit must be a positive"),
    "a negative budget of creates": (("--max-creates", "-1"), "--max-creates must be at least 1"),
    "an unclosed IPv6 host": (("--target-url", "http://[::1", "--domain", "d"), "is not a URL the suite"),
    "a port that is not a number": (
        ("--target-url", "http://h:abc", "--domain", "d"),
        "is not a URL the suite",
    ),
    "a port past 65535": (("--target-url", "http://h:99999", "--domain", "d"), "is not a URL the suite"),
    "a URL with a query": (("--target-url", "http://h:1/p?x=1", "--domain", "d"), "has a query or fragment"),
    "a URL with a fragment": (("--target-url", "http://h:1/#x", "--domain", "d"), "has a query or fragment"),
    "a domain that breaks its pattern": ((*TARGET[:2], "--domain", "my.domain"), "is no valid domain name"),
    "a domain that is too long": ((*TARGET[:2], "--domain", "d" * 65), "is no valid domain name"),
    "an empty domain with the embedded target": (("--domain", ""), "is no valid domain name"),
    "a misspelt profile": (
        ("--hypothesis-profile=nigthly",),
        "no such profile; the suite's are dev, ci, nightly",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_option_ends_the_run_before_anything_is_sent(name: str, tmp_path: Path) -> None:
    args, says = CASES[name]
    run = run_suite(*args, "-q", storage=tmp_path, timeout=60)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.output[-2000:]
    assert says in run.output, run.output[-2000:]
    for noise in ("Traceback", "INTERNALERROR", "passed", "failed"):
        assert noise not in run.output, run.output[-2000:]
    assert len(run.output.strip().splitlines()) <= 3, run.output


def test_a_report_that_cannot_be_written_is_refused_first(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = run_suite(f"--conformance-report={blocker}/report", "-q", storage=tmp_path, timeout=60)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.output[-2000:]
    assert "--conformance-report=" in run.output and "cannot make the folder" in run.output
    assert "passed" not in run.output
