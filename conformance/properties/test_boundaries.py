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
from conformance.spec.wire import BoundaryCase

pytestmark = pytest.mark.boundaries


def _cases_by_constraint() -> dict[str, list[BoundaryCase]]:
    grouped: dict[str, list[BoundaryCase]] = defaultdict(list)
    for case in strategies.boundary_cases():
        grouped[case.constraint_id].append(case)
    return grouped


CASES = _cases_by_constraint()


def check_case(target: FlagshipTarget, send, case: BoundaryCase) -> None:  # noqa: ANN001 - the send fixture
    __tracebackhide__ = True
    if case.family:
        sized = case.request.body is not None and case.constraint_id == "Body.type"
        size = len(case.request.body_bytes()) if sized else None
        target.coverage.edge_family(case.family, case.valid, size)
    if not case.valid:
        target.expect_rejection(
            send(case.request), case.request, case.constraint_id, boundary=True, smithy=case.smithy
        )
    elif case.request.domain is not None and case.request.domain != target.domain:
        # A well-formed name of a domain that doesn't exist: valid, so not a 400, but not found.
        target.expect_unknown_domain(send(case.request), case.request, boundary_of=case.constraint_id)
    else:
        member = case.constraint_id.rsplit(".", 1)[0]
        request = target.with_fixtures(case.request, about=member)
        target.expect_success(send(request, creates=True), request, boundary_of=case.constraint_id)


# Explicit ids: pytest 9 would replace a parameter over 100 characters by "constraint_idN".
@pytest.mark.parametrize("constraint_id", list(CASES), ids=str)
def test_boundary_cases(target: FlagshipTarget, send, constraint_id: str) -> None:
    failures: list[tuple[BoundaryCase, ConformanceFailure]] = []
    for case in CASES[constraint_id]:
        try:
            check_case(target, send, case)
        except ConformanceFailure as failure:
            failures.append((case, failure))
    if failures:
        raise boundary_failure(constraint_id, len(CASES[constraint_id]), failures)
