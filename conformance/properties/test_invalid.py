"""Every request that breaks one constraint gets 400 BadRequestException: never 2xx, never 5xx.

One test per constraint id, so a failure's test id names the constraint it breaks; the failure also says
what exactly is wrong with the request (the value, the character and its position, the list item).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance import strategies
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings

pytestmark = pytest.mark.invalid


# The property is the parametrized test itself, drawing from the constraint's strategy through st.data():
# Hypothesis's pytest plugin then keys the example database by test id, so each constraint's failures
# are kept apart and replayed first by the next run (a @given function nested in the test would share
# one key across all ids, and each passing id would delete the failures the others saved).
@pytest.mark.parametrize("constraint_id", strategies.invalid_constraint_ids(), ids=str)
@suite_settings()
@given(data=st.data())
def test_invalid_request_is_rejected(
    target: FlagshipTarget, send, constraint_id: str, data: st.DataObject
) -> None:
    case = data.draw(strategies.invalid_requests(constraint_id), label="case")
    target.expect_invalid_rejected(send(case.request), case)
