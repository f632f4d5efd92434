"""The ambiguous zone: values a pattern matches somewhere but not as a whole.

Smithy searches patterns, so such values are valid by the model; some services match whole values.
The suite asserts nothing here unless asked: ``--pattern-semantics search`` expects 200,
``--pattern-semantics fullmatch`` expects 400.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance import strategies
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings

pytestmark = pytest.mark.ambiguous


# Drawn through st.data() in the parametrized test itself, so that each id keeps its own failures in the
# example database (see test_invalid.py).
@pytest.mark.parametrize("constraint_id", strategies.search_only_constraint_ids(), ids=str)
@suite_settings()
@given(data=st.data())
def test_search_only_value(target: FlagshipTarget, send, constraint_id: str, data: st.DataObject) -> None:
    if target.semantics == "strict":
        pytest.skip("ambiguous zone: choose a reading with --pattern-semantics search|fullmatch")
    case = data.draw(strategies.search_only_requests(constraint_id), label="case")
    if target.semantics == "search":
        target.expect_success(send(case.request, creates=True), case.request)
    else:
        target.expect_rejection(send(case.request), case.request, case.constraint_id)
