"""Properties of success answers across requests: every workflow gets an id of its own."""

from __future__ import annotations

import pytest

from conformance.flagship.target import FlagshipTarget
from conformance.spec.wire import Request
from conformance.strategies import canonical_body

pytestmark = pytest.mark.responses


def test_identical_requests_get_distinct_workflow_ids(target: FlagshipTarget, send) -> None:
    request = target.with_fixtures(Request(None, canonical_body()))
    for _ in range(5):
        target.expect_success(send(request, creates=True), request)
