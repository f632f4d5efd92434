"""The edge cases of every constraint, the same on every run: valid at each bound, invalid just past it."""

from __future__ import annotations

import pytest

import strategies
from conformance.target import Target
from strategies.requests import BoundaryCase

pytestmark = pytest.mark.boundaries


@pytest.mark.parametrize("case", strategies.boundary_cases(), ids=lambda case: case.case_id)
def test_boundary_case(target: Target, send, case: BoundaryCase) -> None:
    exchange = send(case.request)
    if not case.valid:
        target.expect_rejection(exchange, case.request, case.constraint_id)
    elif case.request.domain is not None and case.request.domain != target.domain:
        # A well-formed name of a domain that doesn't exist: valid, so not a 400, but not found.
        target.expect_unknown_domain(exchange)
    else:
        target.expect_success(exchange, case.request)
