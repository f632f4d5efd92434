"""The target under test as the properties see it, for any operation: where it is, how to send to it, and
what becomes of a request that gets no answer.

One ``Target`` per test session (per xdist worker).  Sending goes through ``TargetClient``; a transport
error (timeout, refused connection, reset) fails the test with the client's one-line message, and once a
test has met one, its later examples fail at once with the same message instead of waiting again, so
Hypothesis's shrinking doesn't multiply a timeout.  Five transport failures, or five 429s, in a row stop
the run, and so do ten time-outs in all (``MAX_TIMEOUTS``), with a line that says how many answers timed
out.  What each kind of request is due is a subclass's: ``OperationTarget`` for any operation
(``conformance.core.operation_target``), the flagship's in ``conformance.flagship.target``.

Nothing here knows pytest: a test's fate is said with the module's own exceptions (``TransportFailure``,
``CreateBudgetSpent``) and the ``on_stop`` callback, and the plugin turns them into a failure, a skip and the
end of the run.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, NoReturn

from conformance.core.ahead import SendAhead
from conformance.core.client import TargetClient
from conformance.core.coverage import Coverage
from conformance.core.exchange import Exchange, TargetError, TargetTimeout
from conformance.core.ledger import Kind, Ledger
from conformance.core.report import REDACTOR, escape_controls
from conformance.core.throttle import RateLimiter
from conformance.spec import Contract

PATTERN_SEMANTICS = ("strict", "search", "fullmatch")
# The status of a request the target had no capacity for, and did not process.  Throttling is a protocol
# fact, not every model's: an operation that lists no ThrottlingException still may be answered 429.
THROTTLED_STATUS = 429
# After this many requests in a row without a usable answer (timed out, refused, reset, cut short), the
# target is taken to be down and the run stops (in each xdist worker):
# otherwise a hung target would cost every remaining test a full timeout.
CONSECUTIVE_TRANSPORT_FAILURES = 5
# After this many requests in all that got no complete answer within --request-timeout, the run waits for
# no more (in each xdist worker): it stops, saying how many answers of each kind timed out.  Each time-out
# costs a whole --request-timeout, and a target that is slow now and then (one answer in seven) would
# otherwise make every test wait for its own: at the default 10 s, most of an hour.  Ten bounds the waiting
# at ten timeouts (100 s at the default) and gives a rate worth stating; a target that times out once in
# thousands of requests, a network's glitch, still runs to its end (a nightly run sends ~35,000 requests).
MAX_TIMEOUTS = 10
# After this many answers in a row that are 429 (once the client's retries, or its time for waiting on
# 429s, are spent), the target is taken to throttle everything and the run stops: every later answer
# would be another 429, and no property could be judged.
CONSECUTIVE_THROTTLED = 5


@dataclass
class Target:
    client: TargetClient
    contract: Contract
    answers: Ledger
    semantics: str = "strict"
    embedded: bool = False
    expect: str = "strict"  # or "lenient": a valid request may get any documented error, never a 5xx
    creates_left: int | None = None  # --max-creates budget of this process; None is no limit
    rate_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(None))
    coverage: Coverage | None = None
    requests_sent: int = 0
    first_failure_after: int | None = None  # requests sent when the first contract failure was seen
    # Seconds a test may spend shrinking after its first failure (--shrink-time); None: no bound.
    shrink_seconds: float | None = None
    _current_test: str = ""
    _failed_at: dict[str, float] = field(default_factory=dict)  # test id -> when it first failed
    _broken_by: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: str | None = None  # why the run stops: every later request fails at once with it
    on_stop: Callable[[str], None] | None = None
    _failures_in_a_row: int = 0
    _throttled_in_a_row: int = 0
    # kind of request ("valid", "other") -> [requests that timed out, requests sent]
    timeouts: dict[str, list[int]] = field(default_factory=dict)
    # Sends the catalogue's requests ahead of their tests when the target is far (``conformance.core.ahead``).
    ahead: SendAhead | None = None
    # How long the latest answers took (seconds), for the run's progress line.
    _answer_times: deque[float] = field(default_factory=lambda: deque(maxlen=101))

    @property
    def url(self) -> str:
        return self.client.base_url

    def __repr__(self) -> str:
        # Short: Hypothesis prints a failing test's arguments, this fixture among them, field by field
        # for a dataclass unless it has _repr_pretty_.  No URL, which may carry credentials.
        return f"<target of {self.contract.service}:{self.contract.operation}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _spend_create(self, message: str) -> None:
        """One request meant to create something spends the --max-creates budget; none left: not sent."""
        if self.creates_left is None:
            return
        with self._lock:
            if self.creates_left <= 0:
                raise CreateBudgetSpent(message)
            self.creates_left -= 1

    def spends_create(self) -> bool:
        """``_spend_create`` for a request sent ahead: False when no budget is left (then it is not sent)."""
        try:
            self._spend_create("")
        except CreateBudgetSpent:
            return False
        return True

    def _send_ahead(self, send: Callable[[], Exchange]) -> Exchange | None:
        """Send one request ahead of its test (in another thread): paced and counted as every request; None
        if the run stopped before it went out.  A ``TargetError`` is booked when the test takes it."""
        if self.stopped is not None:
            return None
        self.rate_limiter.wait()
        with self._lock:
            self.requests_sent += 1
        return send()

    def _before_sending(self, test_id: str) -> None:
        __tracebackhide__ = True
        if self.stopped is not None:
            _transport_failure(self.stopped)
        if test_id in self._broken_by:
            _transport_failure(self._broken_by[test_id])
        self._current_test = test_id
        failed_at = self._failed_at.get(test_id)
        if failed_at is not None and self.shrink_seconds is not None and _shrinking():
            if time.monotonic() - failed_at > self.shrink_seconds:
                # The shrinker has had its time: what it tries now is not sent, so the smallest failing
                # request found so far is the one reported (Hypothesis replays it, and that is sent).
                from hypothesis import reject

                reject()

    def _exchange(
        self,
        send: Callable[[], Exchange | None],
        curl: Callable[[], str],
        test_id: str,
        *,
        valid: bool = False,
        sent_ahead: bool = False,
    ) -> Exchange:
        """``send`` the request (or, ``sent_ahead``, take the answer to one already sent, paced and
        counted then) and book what came of it; ``valid`` says the request is a valid one (for the
        time-outs' line)."""
        __tracebackhide__ = True
        if not sent_ahead:
            self.rate_limiter.wait()
        counts = self.timeouts.setdefault("valid" if valid else "other", [0, 0])
        with self._lock:
            if not sent_ahead:
                self.requests_sent += 1
            counts[1] += 1
        try:
            exchange = send()
        except TargetError as error:
            message = REDACTOR.clean(f"{error}\nRequest, to reproduce:\n{curl()}")
            last_error = REDACTOR.clean(str(error))
            timed_out = isinstance(error, TargetTimeout)
        else:
            if exchange is None:  # sent ahead, and not sent: the run stopped first
                _transport_failure(self.stopped or "the run stopped")
            self._failures_in_a_row = 0
            self._answer_times.append(exchange.elapsed)
            if self.ahead is not None:
                self.ahead.note(exchange.elapsed)
            self._note_throttled(exchange)
            return exchange
        # Failed outside the except block: with the TargetError as its context, Hypothesis would take the
        # replays that fail at once above for a different failure, and report a "FlakyFailure" group.
        if test_id:
            self._broken_by[test_id] = message
        if timed_out:
            with self._lock:
                counts[0] += 1
            if self.timed_out() >= MAX_TIMEOUTS:
                self._stop(
                    f"stopping: {timeouts_line(self.timeouts, self.client.timeout)}; the run waits for no "
                    f"more than {MAX_TIMEOUTS} time-outs (a target that is slow but answers: raise "
                    "--request-timeout)"
                )
        self._failures_in_a_row += 1
        if self._failures_in_a_row >= CONSECUTIVE_TRANSPORT_FAILURES:
            self._stop(
                f"stopping: {self._failures_in_a_row} requests in a row failed in transport; "
                f"last: {last_error}"
            )
        _transport_failure(message)

    def median_answer(self) -> float | None:
        """The median time of the latest answers, in seconds; None before any."""
        times = list(self._answer_times)
        return statistics.median(times) if times else None

    def failed_at(self, test_id: str) -> float | None:
        """When (``time.monotonic``) the test first failed, if it has."""
        return self._failed_at.get(test_id)

    def timed_out(self) -> int:
        """How many requests of this process got no complete answer within the timeout."""
        return sum(timed_out for timed_out, _ in self.timeouts.values())

    def throttled_status(self) -> int:
        """The status of an answer that says the target had no capacity for the request."""
        return THROTTLED_STATUS

    def _note_throttled(self, exchange: Exchange) -> None:
        if exchange.status != self.throttled_status():
            self._throttled_in_a_row = 0
            return
        self._throttled_in_a_row += 1
        if self._throttled_in_a_row >= CONSECUTIVE_THROTTLED:
            self._stop(
                f"stopping: the target answered 429 to {self._throttled_in_a_row} requests in a row "
                f"({self.client.throttle.account()}); lower --rate-limit, or run when it is less busy"
            )

    def _stop(self, message: str) -> NoReturn:
        """The target can't be judged any further: this test fails with ``message``, and so does every
        later request at once (Hypothesis's replays of this test see the same failure, not a flaky one);
        ``on_stop`` ends the run after this test."""
        __tracebackhide__ = True
        self.stopped = REDACTOR.clean(message)
        if self.ahead is not None:
            self.ahead.stop()
        if self.on_stop is not None:
            self.on_stop(self.stopped)
        _transport_failure(self.stopped)

    def _noting_failure(self) -> None:
        if self.first_failure_after is None:
            self.first_failure_after = self.requests_sent
        self._failed_at.setdefault(self._current_test, time.monotonic())

    def _throttled(self, exchange: Exchange, kind: Kind) -> bool:
        """A 429 (still, after the client's retries) says nothing of the request, which was not processed:
        only its body is judged (a JSON object, a string Message), and the request is not counted as
        exercised.  Five in a row stop the run (``_note_throttled``)."""
        __tracebackhide__ = True
        if exchange.status != self.throttled_status():
            return False
        self.answers.throttled(exchange, kind)
        return True


def timeouts_line(timeouts: dict[str, list[int]], timeout: float) -> str:
    """What timed out, of each kind of request: "answers to valid requests time out: 6 of 40 after 10 s;
    to other requests: 4 of 33" (``timeouts`` as ``Target.timeouts``)."""
    parts = [
        f"to {kind} requests{' time out' if not index else ''}: {timed_out} of {sent}"
        for index, (kind, (timed_out, sent)) in enumerate(
            (kind, timeouts[kind]) for kind in ("valid", "other") if timeouts.get(kind, [0])[0]
        )
    ]
    if not parts:
        return "no answer timed out"
    parts[0] += f" after {timeout:g} s"
    return "answers " + "; ".join(parts)


def describe_fault(reason: str, smithy: Collection[str] = ()) -> str:
    """What is wrong with an invalid request, in one line (and the Smithy cases it is an instance of)."""
    text = f"Fault: {escape_controls(reason)}"
    return text + (f" (Smithy: {', '.join(smithy)})" if smithy else "")


def boundary_failure(constraint_id: str, total: int, failures: list[tuple[Any, Any]]) -> Any:
    """The one failure a boundary test of ``constraint_id`` raises, from its failing (case, failure)
    pairs out of ``total`` edges: a failure of the constraint itself first, with notes naming its edge,
    what the edge was and every failing edge.  Where the first broke another property (a valid edge
    refused as a domain that does not exist, say), its report's first line says what the test is about
    and why another property is what broke."""
    failures = sorted(failures, key=lambda failed: failed[1].property != constraint_id)
    case, first = failures[0]
    if first.property != constraint_id:
        side = "valid" if case.valid else "invalid"
        first.about = (
            f"the edges of {constraint_id}: its {side} edge {case.case_id} was answered in a way that "
            f"breaks {first.property}, which this test checks on every answer it gets"
        )
    edges = ", ".join(f"[{c.case_id.removeprefix(constraint_id)[1:-1]}]" for c, _ in failures)
    first.add_note(f"Edge: {case.case_id}")
    first.add_note(describe_fault(case.reason, case.smithy) if not case.valid else f"Valid: {case.reason}")
    first.add_note(f"Failing edges of {constraint_id}: {len(failures)} of {total}: {edges}")
    return first


class TransportFailure(Exception):
    """A test failed because the target could not be talked to (or the run stops): its message is the
    whole report, and the plugin reports it as the test's failure, even inside a Hypothesis exception
    group."""


class CreateBudgetSpent(Exception):
    """A request meant to create something would go beyond the --max-creates budget: not sent, and the
    plugin skips the test."""


def _shrinking() -> bool:
    """Whether the request is one of Hypothesis's tries after a failure, not its final replay of the
    failing example (nor a test outside Hypothesis, such as the boundary catalogue)."""
    from hypothesis.control import _current_build_context

    context = _current_build_context.value
    return context is not None and not context.is_final


def _transport_failure(message: str) -> NoReturn:
    """One place that fails a test for a transport error: the first failure and Hypothesis's replays of
    it (which fail at once) then come from the same line, so Hypothesis sees one bug, not two."""
    __tracebackhide__ = True
    raise TransportFailure(message)
