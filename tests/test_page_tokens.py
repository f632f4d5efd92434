"""A page token is the target's own: a valid request that carries one the suite made up may be refused
(``carries_page_token``), and nothing else is excused by it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.core.operation_target import carries_page_token
from conformance.reference import start_server
from conformance.reference.operation import OperationService
from conformance.spec.operation import load_operation
from conformance.spec.validation import Violation
from conformance.spec.wire import WireRequest
from tests.suite_runner import run_suite

LIST = "scheduler:ListSchedules"
# The properties of valid requests only: the made-up tokens go in some of them.
VALID = ("-m", "valid and not boundaries", "--hypothesis-profile", "ci")


def test_the_token_is_found_where_the_operation_binds_it() -> None:
    schedules, channels = load_operation(LIST), load_operation("ivs:ListChannels")
    assert carries_page_token(schedules, WireRequest("GET", "/schedules", (("NextToken", "x"),)))
    assert not carries_page_token(schedules, WireRequest("GET", "/schedules", (("MaxResults", "3"),)))
    assert carries_page_token(channels, WireRequest("POST", "/ListChannels", body=b'{"nextToken": "a"}'))
    assert not carries_page_token(channels, WireRequest("POST", "/ListChannels", body=b'{"maxResults": 3}'))
    assert not carries_page_token(
        load_operation("scheduler:CreateSchedule"), WireRequest("POST", "/schedules/a")
    )


class RefusesTokensItDidNotIssue(OperationService):
    """As a service does: a NextToken it never gave out is refused with its validation error."""

    def violations(self, values: dict[str, Any]) -> list[Violation]:
        found = super().violations(values)
        if "NextToken" in values:
            found.append(Violation("NextToken.issued", "a token this service did not issue", "NextToken"))
        return found


class RefusesAGroupName(OperationService):
    """Refuses every valid request that names a GroupName: a fault, token or none."""

    def violations(self, values: dict[str, Any]) -> list[Violation]:
        found = super().violations(values)
        if "GroupName" in values:
            found.append(Violation("GroupName.refused", "refused", "GroupName"))
        return found


def _run(service: OperationService, tmp_path: Path) -> Any:
    with start_server(service) as server:
        return run_suite("--operation", LIST, "--target-url", server.url, *VALID, storage=tmp_path)


def test_a_target_that_refuses_made_up_tokens_passes(tmp_path: Path) -> None:
    run = _run(RefusesTokensItDidNotIssue(load_operation(LIST)), tmp_path)
    assert run.returncode == 0, run.output[-3000:]


def test_a_refusal_of_a_request_without_a_token_still_fails(tmp_path: Path) -> None:
    run = _run(RefusesAGroupName(load_operation(LIST)), tmp_path)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output[-3000:]
    assert "Broken: success.status" in run.output
