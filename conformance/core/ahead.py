"""Sending the deterministic catalogue ahead of the tests that judge it, for a target far away.

A boundary test sends fixed requests, decided before the run, and needs no answer to know what it sends
next; so against a slow target (an answer takes more than ``SLOW_SECONDS``, as from another region)
the requests of the tests about to run are sent ahead, ``IN_FLIGHT`` at a time over as many keep-alive
connections, while each test still judges its own answers, in its own order, exactly as when it sends
them itself.  Against a target nearby nothing is sent ahead: the tests send, as they always did.

What is sent ahead is bounded: at most ``WINDOW`` answers wait to be judged, and only the tests of one
run of catalogue tests in a row are sent ahead (never past a test that draws its requests or looks at
what the target stored), so a run that stops early has sent at most ``WINDOW`` requests it did not need.
Each request sent ahead is paced by the run's rate limit, spends the --max-creates budget in the order
the tests would have (a budget spent stops the sending ahead, and the tests meet the budget themselves),
and counts as sent; what it creates is deleted at the end as everything else.  Its transport failure is
booked when its test takes the answer, so the run stops after the same failures in a row as before.
"""

from __future__ import annotations

import statistics
import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from conformance.core.exchange import Exchange, TargetTimeout

# The median answer time over which a target counts as far away.  A local target answers in about a
# millisecond (3 ms at times on a loaded machine); a neighbouring region takes 10 to 20.
SLOW_SECONDS = 0.005
# Answers the median is taken over, the first of the run.
SAMPLE = 9
IN_FLIGHT = 12  # requests on the wire at once (the client keeps that many connections and more)
WINDOW = 48  # answers sent ahead and not yet judged, at most


@dataclass(frozen=True)
class Planned:
    """One request a test will send: its test, what tells it apart among the test's requests, and the
    sending (paced, counted and booked by the target; a ``TargetError`` for no answer, None when the run
    stopped before it went out)."""

    test_id: str
    key: Hashable
    send: Callable[[], Exchange | None]
    creates: bool


class SendAhead:
    """The requests of the tests about to run, in flight while the tests before them are judged."""

    def __init__(
        self,
        spend_create: Callable[[], bool],
        wait_bound: float,
        in_flight: int = IN_FLIGHT,
        window: int = WINDOW,
    ) -> None:
        self._spend_create = spend_create  # False: the budget is spent
        self._wait_bound = wait_bound
        self._in_flight = in_flight
        self._window = window
        self.latencies: list[float] = []
        self._queue: deque[Planned] = deque()
        self._ready: dict[str, dict[Hashable, deque[Future[Exchange | None]]]] = {}
        self._waiting = 0  # futures submitted and not yet taken
        self._planned_tests: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.sent_ahead = 0
        self.taken = 0  # answers sent ahead that a test took

    # -- whether to --------------------------------------------------------------------------------------
    def note(self, elapsed: float) -> None:
        """The time one answer took (the first ``SAMPLE`` are kept)."""
        if len(self.latencies) < SAMPLE:
            self.latencies.append(elapsed)

    @property
    def far(self) -> bool:
        """Whether the target is slow enough for sending ahead to pay."""
        return len(self.latencies) >= SAMPLE and statistics.median(self.latencies) > SLOW_SECONDS

    # -- planning and taking -------------------------------------------------------------------------------
    def planned(self, test_id: str) -> bool:
        return test_id in self._planned_tests

    def plan(self, test_id: str, requests: Iterable[Planned]) -> None:
        """The requests ``test_id`` will send, in order; sent as room in the window allows."""
        self._planned_tests.add(test_id)
        self._queue.extend(requests)
        self._top_up()

    def take(self, test_id: str, key: Hashable) -> Callable[[], Exchange | None] | None:
        """The answer to a request sent ahead (waited for when called), or None: not sent ahead."""
        with self._lock:
            futures = self._ready.get(test_id, {}).get(key)
            if not futures:
                return None
            future = futures.popleft()
            self._waiting -= 1
            self.taken += 1
        self._top_up()
        return lambda: self._result(future)

    def finish(self, test_id: str) -> None:
        """``test_id`` is over: answers it did not take no longer hold a place in the window."""
        with self._lock:
            left = self._ready.pop(test_id, {})
            self._waiting -= sum(len(futures) for futures in left.values())
        self._top_up()

    def stop(self) -> None:
        """Send nothing more ahead (the run stops, or the budget is spent)."""
        with self._lock:
            self._queue.clear()

    def close(self) -> None:
        self.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _result(self, future: Future[Exchange | None]) -> Exchange | None:
        try:
            return future.result(timeout=self._wait_bound)
        except FutureTimeout:
            raise TargetTimeout(
                f"no answer to a request sent ahead within {self._wait_bound:g} s", ""
            ) from None

    def _top_up(self) -> None:
        with self._lock:
            while self._queue and self._waiting < self._window:
                planned = self._queue[0]
                if planned.creates and not self._spend_create():
                    self._queue.clear()  # the tests meet the spent budget themselves, in their order
                    return
                self._queue.popleft()
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self._in_flight, thread_name_prefix="conformance-ahead")
                future = self._pool.submit(planned.send)
                self._ready.setdefault(planned.test_id, {}).setdefault(planned.key, deque()).append(future)
                self._waiting += 1
                self.sent_ahead += 1
