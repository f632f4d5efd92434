"""Every valid request on the existing domain gets a conforming 200."""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance import strategies
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings
from conformance.spec.wire import Request

pytestmark = pytest.mark.valid


@suite_settings(10)
@given(request=strategies.valid_requests())
def test_valid_request_is_accepted(target: FlagshipTarget, send, request: Request) -> None:
    request = target.with_fixtures(request)
    exchange = send(request, creates=True)
    target.expect_success(exchange, request)
