"""Which tests' requests are sent ahead (``conformance.core.ahead``): a test whose function carries
``fixed_requests`` (the requests it will send, known before it runs), and those after it in the run's
order while they carry it too.  Under xdist a worker does not know which tests it gets next: each sends
only its own test's requests ahead.

A Hypothesis property draws its requests as it runs, but against a target that answers every request as
it should, what it draws does not depend on the answers: with the same seed, Hypothesis draws the same
examples in the same order.  So against a far target such a test is first rehearsed (``rehearse``): run
once with the seed it will run with, its ``send`` recording each example's request instead of sending it,
and with no example database (a rehearsal neither replays nor deletes what earlier runs saved).  The
requests recorded are sent ahead, and the test then runs as ever, taking each answer sent ahead for the
very request it sends, and sending itself whatever was not (an example replayed from the database, the
requests of a shrinking after a failure, an example's second request).  Each answer is judged by the test,
in its order, exactly as when it sends the request itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest
from hypothesis import settings

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


class Rehearsed(Exception):  # noqa: N818 - not an error: how a rehearsal leaves an example
    """Raised by a test's ``send`` in a rehearsal, once it has recorded the request."""


def rehearse(item: pytest.Item, send: Any) -> Callable[[], None] | None:
    """Against a far target, before a Hypothesis property ``item`` runs: draw its examples once without
    sending (``send`` records), and send the requests recorded ahead.  Returns what puts the test's seed
    back once the test is over, or None when nothing was rehearsed."""
    target = item.config.stash.get(stash.TARGET, None)
    ahead = getattr(target, "ahead", None)
    function = getattr(item, "obj", None)
    handle = getattr(function, "hypothesis", None)
    if ahead is None or not ahead.far or ahead.planned(item.nodeid) or handle is None:
        return None
    if not callable(getattr(target, "plan", None)):  # a target that cannot send ahead
        return None
    seed = _seed(function, handle.inner_test)
    if seed is None:
        return None
    own_seed = function._hypothesis_internal_use_seed
    own_settings = function._hypothesis_internal_use_settings
    inner = handle.inner_test
    recorded: list[tuple[Any, bool]] = []

    def record(outgoing: Any, creates: bool = False) -> Any:
        recorded.append((outgoing, creates))
        raise Rehearsed

    def rehearsal(*args: Any, **kwargs: Any) -> None:
        try:
            inner(*args, **kwargs)
        except Rehearsed:
            pass
        except Exception:  # noqa: BLE001 - an example that fails before it sends is the test's own to report
            pass

    function._hypothesis_internal_use_seed = seed
    function._hypothesis_internal_use_settings = settings(own_settings, database=None)
    handle.inner_test = rehearsal
    send.rehearse = record
    try:
        function(**{name: item.funcargs[name] for name in item._fixtureinfo.argnames})  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - a skip, a failure: the test itself runs next and says what
        recorded.clear()
    finally:
        send.rehearse = None
        handle.inner_test = inner
        function._hypothesis_internal_use_settings = own_settings
    ahead.plan(item.nodeid, target.plan(item.nodeid, recorded))

    def restore() -> None:
        function._hypothesis_internal_use_seed = own_seed

    return restore


def _seed(function: Any, inner: Any) -> int | None:
    """The seed the test's next run draws with, fixed so that the rehearsal and the run draw alike: its
    own (``@seed``), the one ``--hypothesis-seed`` forces, the one of a derandomized profile, else a new
    one; None when it cannot be known."""
    import random

    from hypothesis import core

    if function._hypothesis_internal_use_seed is not None:
        return function._hypothesis_internal_use_seed
    if function._hypothesis_internal_use_settings.derandomize:
        try:
            from hypothesis.internal.compat import int_from_bytes
            from hypothesis.internal.reflection import function_digest
        except ImportError:
            return None
        return int_from_bytes(function_digest(inner))
    forced = getattr(core, "global_force_seed", None)
    if forced is not None:
        return forced
    return random.getrandbits(128)
