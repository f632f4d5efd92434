"""The ambiguous zone: values a pattern matches somewhere but not as a whole.

Smithy searches patterns, so such values are valid by the model; some services match whole values.
The suite asserts nothing here unless asked: ``--pattern-semantics search`` expects 200,
``--pattern-semantics fullmatch`` expects 400.
"""

from __future__ import annotations

import pytest
from hypothesis import given

import strategies
from conformance.target import Target
from strategies.requests import InvalidRequest

pytestmark = pytest.mark.ambiguous


@pytest.mark.parametrize("constraint_id", strategies.search_only_constraint_ids(), ids=str)
def test_search_only_value(target: Target, send, constraint_id: str) -> None:
    if target.semantics == "strict":
        pytest.skip("ambiguous zone: choose a reading with --pattern-semantics search|fullmatch")

    @given(case=strategies.search_only_requests(constraint_id))
    def property(case: InvalidRequest) -> None:
        __tracebackhide__ = True
        if target.semantics == "search":
            target.expect_success(send(case.request, creates=True), case.request)
        else:
            target.expect_rejection(send(case.request), case.request, case.constraint_id)

    property()
