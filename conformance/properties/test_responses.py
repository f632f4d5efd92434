"""Properties of success answers across requests: every workflow gets an id of its own."""

from __future__ import annotations

import pytest

from conformance.flagship.target import FlagshipTarget
from conformance.plugin.ahead import fixed_requests
from conformance.spec.wire import Request
from conformance.strategies import canonical_body

pytestmark = pytest.mark.responses


IDENTICAL = 5


def _identical(target: FlagshipTarget) -> Request:
    return target.with_fixtures(Request(None, canonical_body()))


@fixed_requests(lambda target, config: [(_identical(target), True)] * IDENTICAL)
def test_identical_requests_get_distinct_workflow_ids(target: FlagshipTarget, send) -> None:
    request = _identical(target)
    for _ in range(IDENTICAL):
        target.expect_success(send(request, creates=True), request)
