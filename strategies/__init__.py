"""Hypothesis strategies built from ``spec``: valid requests, requests that break exactly one constraint
(labelled with its id), the search-only zone of the patterns, and the deterministic boundary catalogue.

Strategies never send anything; the suite in ``conformance`` does.  What they build (``Request``,
``InvalidRequest``, ``BoundaryCase``) is defined in ``spec.wire``, where the client reads it too.  The
submodules load on first use: the pytest plugin imports this package while pytest starts, and
Hypothesis warns about strategies built then.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from conformance.spec import Contract, load_contract
from conformance.spec.unbreakable import breakable_ids, unbreakable
from conformance.spec.wire import BoundaryCase, InvalidRequest, Request

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from conformance.strategies.bodies import ValueStrategies
    from conformance.strategies.invalid import InvalidRequests


@cache
def _values(contract: Contract) -> ValueStrategies:
    from conformance.strategies.bodies import ValueStrategies

    return ValueStrategies(contract)


@cache
def _invalid(contract: Contract) -> InvalidRequests:
    from conformance.strategies.invalid import InvalidRequests

    return InvalidRequests(contract)


def boundary_cases(contract: Contract | None = None) -> tuple[BoundaryCase, ...]:
    """The deterministic catalogue of edge cases (``strategies.boundaries``)."""
    from conformance.strategies.boundaries import boundary_cases as catalogue

    return catalogue(contract)


def valid_requests(
    contract: Contract | None = None, domains: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Request]:
    """Complete valid requests; without ``domains`` they go to the target's existing domain."""
    return _values(contract or load_contract()).requests(domains)


def valid_domain_names(contract: Contract | None = None) -> st.SearchStrategy[str]:
    return _values(contract or load_contract()).domain()


def invalid_constraint_ids(contract: Contract | None = None) -> list[str]:
    """Request constraints that some request breaks alone, under every reading (``spec.unbreakable``)."""
    return breakable_ids(contract or load_contract())


def unexpressible_constraints(contract: Contract | None = None) -> dict[str, str]:
    """Request constraints no request can break alone, with the reason (``spec.unbreakable``)."""
    return unbreakable(contract or load_contract())


def invalid_requests(
    constraint_id: str | None = None, contract: Contract | None = None
) -> st.SearchStrategy[InvalidRequest]:
    """Requests breaking ``constraint_id``, or any one constraint when it is None."""
    invalid = _invalid(contract or load_contract())
    return invalid.any() if constraint_id is None else invalid.for_constraint(constraint_id)


def search_only_constraint_ids(contract: Contract | None = None) -> list[str]:
    return _invalid(contract or load_contract()).search_only_ids()


def search_only_requests(
    constraint_id: str | None = None, contract: Contract | None = None
) -> st.SearchStrategy[InvalidRequest]:
    """The ambiguous zone: valid if patterns are searched (Smithy), invalid if they must match whole."""
    from hypothesis import strategies as st

    invalid = _invalid(contract or load_contract())
    if constraint_id is None:
        return st.sampled_from(invalid.search_only_ids()).flatmap(invalid.search_only)
    return invalid.search_only(constraint_id)


def canonical_body(contract: Contract | None = None, *, full: bool = False) -> dict:
    from conformance.strategies.canonical import CanonicalValues

    canonical = CanonicalValues(contract or load_contract())
    return canonical.full_body() if full else canonical.minimal_body()


__all__ = [
    "BoundaryCase",
    "InvalidRequest",
    "Request",
    "boundary_cases",
    "canonical_body",
    "invalid_constraint_ids",
    "invalid_requests",
    "search_only_constraint_ids",
    "search_only_requests",
    "unexpressible_constraints",
    "valid_domain_names",
    "valid_requests",
]
