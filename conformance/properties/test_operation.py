"""The properties of any restJson1 operation other than the flagship (``--operation SERVICE:OPERATION``),
read from its botocore model: valid requests are accepted, every breakable constraint's invalid requests
are rejected (one test per constraint id), the deterministic edge cases of each constraint (one test per
constraint id), and whole-body faults are rejected.  How the answers look (400 with the validation error,
a conforming success) is judged on every exchange and reported once per property of the answers
(``conformance/properties/answers.py::test_answers[...]``).

The flagship has its own, deeper properties (the other ``test_*.py``); this module stands aside for it.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.core.checks import ConformanceFailure
from conformance.core.operation_target import OperationTarget
from conformance.core.target import boundary_failure
from conformance.plugin.ahead import fixed_requests
from conformance.plugin.operation_run import operation_strategies
from conformance.plugin.profiles import suite_settings
from conformance.spec.wire import BoundaryCase, InvalidRequest
from conformance.strategies.catalogue import LARGEST_BODIES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per constraint id, read from the run's operation (known only once the options are)."""
    if "constraint_id" not in metafunc.fixturenames:
        return
    strategies = operation_strategies(metafunc.config)
    if metafunc.function.__name__ == "test_invalid_request_is_rejected":
        ids = list(strategies.invalid_ids())
    else:
        ids = list(_boundaries(strategies))
    # Explicit ids: pytest 9 would replace a parameter over 100 characters by "constraint_idN".
    metafunc.parametrize("constraint_id", ids, ids=str)


@cache  # one catalogue per run's strategies: collection and every boundary test read the same one
def _boundaries(strategies: Any) -> dict[str, list[BoundaryCase]]:
    grouped: dict[str, list[BoundaryCase]] = defaultdict(list)
    for case in strategies.boundary_cases():
        grouped[case.constraint_id].append(case)
    return grouped


@pytest.mark.valid
@suite_settings(10)
@given(data=st.data())
def test_valid_request_is_accepted(
    target: OperationTarget, send, strategies: Any, data: st.DataObject
) -> None:
    if strategies.cannot_draw_valid:
        pytest.skip(f"no valid request can be built: {strategies.cannot_draw_valid}")
    request = data.draw(strategies.valid_requests(), label="request")
    target.expect_accepted(send(request, creates=True), request)


# Drawn through st.data() in the parametrized test itself, so that each id keeps its own failures in the
# example database (see test_invalid.py).
@pytest.mark.invalid
@suite_settings()
@given(data=st.data())
def test_invalid_request_is_rejected(
    target: OperationTarget, send, strategies: Any, constraint_id: str, data: st.DataObject
) -> None:
    case: InvalidRequest = data.draw(strategies.invalid_requests(constraint_id), label="case")
    target.expect_rejected(send(case.request), case)


def _check_case(target: OperationTarget, send, case: BoundaryCase) -> None:  # noqa: ANN001 - the fixture
    __tracebackhide__ = True
    if case.family and target.coverage is not None:
        sized = case.family == LARGEST_BODIES
        target.coverage.edge_family(case.family, case.valid, len(case.request.body) if sized else None)
    if case.valid:
        target.expect_accepted(send(case.request, creates=True), case.request, boundary_of=case.constraint_id)
    else:
        target.expect_rejected(send(case.request), case, boundary=True)


def _requests(target: OperationTarget, config: pytest.Config, constraint_id: str) -> list[tuple[Any, bool]]:
    """What ``test_boundary_cases`` sends for ``constraint_id``, and whether each is a valid request."""
    return [(case.request, case.valid) for case in _boundaries(operation_strategies(config))[constraint_id]]


@pytest.mark.boundaries
@fixed_requests(_requests)
def test_boundary_cases(target: OperationTarget, send, strategies: Any, constraint_id: str) -> None:
    cases = _boundaries(strategies)[constraint_id]
    failures: list[tuple[BoundaryCase, ConformanceFailure]] = []
    for case in cases:
        try:
            _check_case(target, send, case)
        except ConformanceFailure as failure:
            failures.append((case, failure))
    if failures:
        raise boundary_failure(constraint_id, len(cases), failures)


@pytest.mark.errors
def test_malformed_body_is_rejected(target: OperationTarget, send, strategies: Any) -> None:
    cases: list[InvalidRequest] = list(strategies.malformed_requests())
    if not cases:
        pytest.skip("the operation has no JSON body to break")
    failures: list[ConformanceFailure] = []
    for case in cases:
        try:
            target.expect_rejected(send(case.request), case)
        except ConformanceFailure as failure:
            failures.append(failure)
    if failures:
        failures[0].add_note(f"Failing whole-body faults: {len(failures)} of {len(cases)}")
        raise failures[0]
