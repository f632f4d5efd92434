"""Which tests' requests are sent ahead (``conformance.core.ahead``): a test whose function carries
``fixed_requests`` (the requests it will send, known before it runs), and those after it in the run's
order while they carry it too.  Under xdist a worker does not know which tests it gets next: each sends
only its own test's requests ahead."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest

from conformance.core.ahead import WINDOW, SendAhead
from conformance.plugin import stash
from conformance.plugin.options import is_worker

Test = TypeVar("Test", bound=Callable[..., Any])
#: ``(target, config, **the test's parameters) -> [(request, creates), ...]``, in the order it sends them.
Planner = Callable[..., Iterable[tuple[Any, bool]]]

# Seconds beyond the longest a sending may take before a test stops waiting for an answer sent ahead.
WAIT_SLACK = 5.0

_positions: pytest.StashKey[dict[str, int]] = pytest.StashKey()


def fixed_requests(planner: Planner) -> Callable[[Test], Test]:
    """Marks a test that sends fixed requests: ``planner`` lists them, and they may be sent ahead."""

    def mark(test: Test) -> Test:
        test.fixed_requests = planner  # type: ignore[attr-defined]
        return test

    return mark


def plan_ahead(item: pytest.Item) -> None:
    """Before ``item`` runs: against a far target, plan the requests of it and of the catalogue tests
    right after it, if that is not done yet."""
    target = item.config.stash.get(stash.TARGET, None)
    ahead = getattr(target, "ahead", None)
    if ahead is None or not ahead.far or ahead.planned(item.nodeid) or _planner(item) is None:
        return
    items = item.session.items
    if item.config.stash.get(_positions, None) is None:
        item.config.stash[_positions] = {each.nodeid: index for index, each in enumerate(items)}
    start = item.config.stash[_positions].get(item.nodeid)
    following = [item] if start is None or is_worker(item.config) else items[start:]
    for each in following:
        planner = _planner(each)
        if planner is None:
            break
        callspec = getattr(each, "callspec", None)
        params = callspec.params if callspec is not None else {}
        ahead.plan(each.nodeid, target.plan(each.nodeid, planner(target, each.config, **params)))


def finish_ahead(item: pytest.Item) -> None:
    target = item.config.stash.get(stash.TARGET, None)
    ahead = getattr(target, "ahead", None)
    if ahead is not None:
        ahead.finish(item.nodeid)


def _planner(item: pytest.Item) -> Planner | None:
    if any(item.iter_markers("skip")) or any(item.iter_markers("skipif")):
        return None
    return getattr(getattr(item, "function", None), "fixed_requests", None)


def send_ahead(target: Any) -> SendAhead:
    """The ``SendAhead`` of a target, waiting for each answer no longer than its sending may take: a
    whole timeout for each attempt, the run's time for 429 waits, and its place behind the rate limit."""
    client = target.client
    retries = client.throttle_retries if isinstance(client.throttle_retries, int) else 0
    bound = (
        client.timeout * (retries + 1)
        + client.throttle.budget
        + target.rate_limiter.interval * WINDOW
        + WAIT_SLACK
    )
    return SendAhead(target.spends_create, bound)
