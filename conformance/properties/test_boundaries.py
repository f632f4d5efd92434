"""The edge cases of every constraint, the same on every run: valid at each bound, invalid just past it.

One test per constraint id, sending every edge of that constraint; a failure names the constraint in
its test id and each failing edge in its report.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from conformance import strategies
from conformance.core.checks import ConformanceFailure
from conformance.core.target import boundary_failure
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.ahead import fixed_requests
from conformance.spec.wire import BoundaryCase, Request

pytestmark = pytest.mark.boundaries


def _cases_by_constraint() -> dict[str, list[BoundaryCase]]:
    grouped: dict[str, list[BoundaryCase]] = defaultdict(list)
    for case in strategies.boundary_cases():
        grouped[case.constraint_id].append(case)
    return grouped


CASES = _cases_by_constraint()


def _unknown_domain(target: FlagshipTarget, case: BoundaryCase) -> bool:
    """A well-formed name of a domain that doesn't exist: valid, so not a 400, but not found."""
    return case.valid and case.request.domain is not None and case.request.domain != target.domain


def outgoing(target: FlagshipTarget, case: BoundaryCase) -> tuple[Request, bool]:
    """What ``check_case`` sends for ``case``, and whether it is meant to create a workflow."""
    if not case.valid or _unknown_domain(target, case):
        return case.request, False
    member = case.constraint_id.rsplit(".", 1)[0]
    return target.with_fixtures(case.request, about=member), True


def check_case(target: FlagshipTarget, send, case: BoundaryCase) -> None:  # noqa: ANN001 - the send fixture
    __tracebackhide__ = True
    if case.family:
        sized = case.request.body is not None and case.constraint_id == "Body.type"
        size = len(case.request.body_bytes()) if sized else None
        target.coverage.edge_family(case.family, case.valid, size)
    request, creates = outgoing(target, case)
    if not case.valid:
        target.expect_rejection(send(request), request, case.constraint_id, boundary=True, smithy=case.smithy)
    elif _unknown_domain(target, case):
        target.expect_unknown_domain(send(request), request, boundary_of=case.constraint_id)
    else:
        target.expect_success(send(request, creates=creates), request, boundary_of=case.constraint_id)


def _requests(target: FlagshipTarget, config: object, constraint_id: str) -> list[tuple[Request, bool]]:
    return [outgoing(target, case) for case in CASES[constraint_id]]


# Explicit ids: pytest 9 would replace a parameter over 100 characters by "constraint_idN".
@pytest.mark.parametrize("constraint_id", list(CASES), ids=str)
@fixed_requests(_requests)
def test_boundary_cases(target: FlagshipTarget, send, constraint_id: str) -> None:
    failures: list[tuple[BoundaryCase, ConformanceFailure]] = []
    for case in CASES[constraint_id]:
        try:
            check_case(target, send, case)
        except ConformanceFailure as failure:
            failures.append((case, failure))
    if failures:
        raise boundary_failure(constraint_id, len(CASES[constraint_id]), failures)
