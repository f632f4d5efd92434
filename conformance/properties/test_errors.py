"""Whole-body faults get 400 with a well-formed error answer: malformed JSON (a valid body with one
syntax fault among them), JSON that is not an object, an empty body."""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance import strategies
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings
from conformance.spec.wire import InvalidRequest

pytestmark = pytest.mark.errors


@suite_settings(2)
@given(case=strategies.invalid_requests("Body.json"))
def test_malformed_body_is_rejected(target: FlagshipTarget, send, case: InvalidRequest) -> None:
    target.expect_invalid_rejected(send(case.request), case)


@suite_settings(2)
@given(case=strategies.invalid_requests("Body.type"))
def test_non_object_body_is_rejected(target: FlagshipTarget, send, case: InvalidRequest) -> None:
    target.expect_invalid_rejected(send(case.request), case)
