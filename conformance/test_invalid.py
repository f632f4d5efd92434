"""Every request that breaks one constraint gets 400 BadRequestException: never 2xx, never 5xx.

One test per constraint id, so a failure's test id names the constraint it breaks.
"""

from __future__ import annotations

import pytest
from hypothesis import given

import strategies
from conformance.target import Target
from strategies.requests import InvalidRequest

pytestmark = pytest.mark.invalid


@pytest.mark.parametrize("constraint_id", strategies.invalid_constraint_ids(), ids=str)
def test_invalid_request_is_rejected(target: Target, send, constraint_id: str) -> None:
    @given(case=strategies.invalid_requests(constraint_id))
    def property(case: InvalidRequest) -> None:
        __tracebackhide__ = True
        exchange = send(case.request)
        target.expect_rejection(exchange, case.request, case.constraint_id)

    property()
