"""A valid request on a well-formed domain that doesn't exist gets 404 ResourceNotFoundException.

Deselect with ``-m "not domains"`` for a target that models no domains.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given

from conformance import strategies
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings
from conformance.spec.wire import Request

pytestmark = pytest.mark.domains


@suite_settings(3)
@given(request=strategies.valid_requests(domains=strategies.valid_domain_names()))
def test_unknown_domain_is_not_found(target: FlagshipTarget, send, request: Request) -> None:
    assume(request.domain != target.domain)
    target.expect_unknown_domain(send(request), request)
