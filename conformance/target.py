"""The target under test as the properties see it: where it is, which domain exists, how to send, and
what answer each kind of request is due.

One ``Target`` per test session (per xdist worker).  Sending goes through ``TargetClient``; a transport
error (timeout, refused connection, reset) fails the test with the client's one-line message, and once a
test has met one, its later examples fail at once with the same message instead of waiting again, so
Hypothesis's shrinking doesn't multiply a timeout.

Nothing here knows pytest: a test's fate is said with the module's own exceptions (``TransportFailure``,
``CreateBudgetSpent``) and the ``on_stop`` callback, and the plugin turns them into a failure, a skip and the
end of the run.  The module runs a little over 400 lines: sending, and what each kind of request is due,
are the one object the properties are written against.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from conformance.answers import AnswerLedger, Kind
from conformance.aws import apply_fixtures
from conformance.checks import (
    ConformanceFailure,
    check_accepted,
    check_documented,
    check_domain_not_refused,
    check_no_server_error,
    check_rejected,
    check_validated_domain,
    length_units_hint,
)
from conformance.client import Exchange, TargetClient, TargetError
from conformance.coverage import Coverage
from conformance.errors import INVALID, NOT_FOUND, THROTTLED, due_rejection, named
from conformance.report import REDACTOR, escape_controls, to_curl
from conformance.sdk import resolve_error_type
from conformance.spec import Contract, load_contract
from conformance.spec.contract import strings_in
from conformance.spec.wire import InvalidRequest, Request
from conformance.throttle import RateLimiter

PATTERN_SEMANTICS = ("strict", "search", "fullmatch")
# After this many requests in a row without a usable answer (timed out, refused, reset, cut short), the
# target is taken to be down and the run stops (in each xdist worker):
# otherwise a hung target would cost every remaining test a full timeout.
CONSECUTIVE_TRANSPORT_FAILURES = 5
# After this many answers in a row that are 429 (once the client's retries, or its time for waiting on
# 429s, are spent), the target is taken to throttle everything and the run stops: every later answer
# would be another 429, and no property could be judged.
CONSECUTIVE_THROTTLED = 5


@dataclass
class Target:
    client: TargetClient
    domain: str
    contract: Contract
    semantics: str = "strict"
    embedded: bool = False
    expect: str = "strict"  # or "lenient": a valid request may get any documented error, never a 5xx
    fixtures: Mapping[str, str] = field(default_factory=dict)
    creates_left: int | None = None  # --max-creates budget of this process; None is no limit
    rate_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(None))
    coverage: Coverage | None = None
    answers: AnswerLedger = field(default_factory=lambda: AnswerLedger(load_contract()))
    created: list[str] = field(default_factory=list)  # WorkflowIds to delete at the end
    requests_sent: int = 0
    deleted_by_tests: int = 0  # workflows the lifecycle properties deleted themselves
    settled: bool | None = None  # whether looking again after a wait found what a first look had not
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

    @property
    def url(self) -> str:
        return self.client.base_url

    def __repr__(self) -> str:
        # Short: Hypothesis prints a failing test's arguments, this fixture among them, field by field
        # for a dataclass unless it has _repr_pretty_.  No URL, which may carry credentials.
        return f"<target, domain {self.domain!r}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def send(self, request: Request, test_id: str = "", *, creates: bool = False) -> Exchange:
        """Send one request; a transport failure fails the test (and the rest of its examples) clearly.

        ``creates`` marks a request meant to create a workflow, which spends the --max-creates budget.
        """
        __tracebackhide__ = True
        self._before_sending(test_id)
        if creates and self.creates_left is not None:
            with self._lock:
                if self.creates_left <= 0:
                    raise CreateBudgetSpent(
                        "--max-creates reached: no more workflow-creating requests in this run"
                    )
                self.creates_left -= 1
        exchange = self._exchange(
            lambda: self.client.send(request),
            lambda: unanswered_curl(
                self.client,
                self.contract.method,
                request.path(self.client.existing_domain),
                request.body_bytes(),
                request,
            ),
            test_id,
        )
        self._remember_created(exchange)
        return exchange

    def send_raw(self, method: str, path: str, body: bytes | None = None, test_id: str = "") -> Exchange:
        """Another operation's request (GetWorkflow, ListWorkflows, DeleteWorkflow), with the rate limit
        and the transport handling of ``send``."""
        __tracebackhide__ = True
        self._before_sending(test_id)
        headers = {"Content-Type": "application/json"} if body is not None else None
        return self._exchange(
            lambda: self.client.send_raw(method, path, body, headers),
            lambda: unanswered_curl(self.client, method, path, body),
            test_id,
        )

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

    def _exchange(self, send: Callable[[], Exchange], curl: Callable[[], str], test_id: str) -> Exchange:
        __tracebackhide__ = True
        self.rate_limiter.wait()
        with self._lock:
            self.requests_sent += 1
        try:
            exchange = send()
        except TargetError as error:
            message = REDACTOR.clean(f"{error}\nRequest, to reproduce:\n{curl()}")
            last_error = REDACTOR.clean(str(error))
        else:
            self._failures_in_a_row = 0
            self._note_throttled(exchange)
            return exchange
        # Failed outside the except block: with the TargetError as its context, Hypothesis would take the
        # replays that fail at once above for a different failure, and report a "FlakyFailure" group.
        if test_id:
            self._broken_by[test_id] = message
        self._failures_in_a_row += 1
        if self._failures_in_a_row >= CONSECUTIVE_TRANSPORT_FAILURES:
            self._stop(
                f"stopping: {self._failures_in_a_row} requests in a row failed in transport; "
                f"last: {last_error}"
            )
        _transport_failure(message)

    def _note_throttled(self, exchange: Exchange) -> None:
        if exchange.status != self.contract.status_of(THROTTLED):
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
        if self.on_stop is not None:
            self.on_stop(self.stopped)
        _transport_failure(self.stopped)

    def _remember_created(self, exchange: Exchange) -> None:
        """Any success with a WorkflowId made a workflow (even for a request that should have failed)."""
        if exchange.status != self.contract.success["status"]:
            return
        body = exchange.json()
        workflow_id = body.get("WorkflowId") if isinstance(body, dict) else None
        if isinstance(workflow_id, str) and workflow_id:
            with self._lock:
                self.created.append(workflow_id)

    def with_fixtures(self, request: Request, about: str = "") -> Request:
        """The request with --fixtures values in place of generated ones (not the member ``about``)."""
        if not self.fixtures or request.body is None:
            return request
        return replace(request, body=apply_fixtures(request.body, self.fixtures, skip=about))

    def clean_up(self) -> tuple[int, list[str], str | None, list[str]]:
        """Delete every workflow this process created: (deleted, ids that could not be deleted, why none
        could be: the target answered that it has no DeleteWorkflow operation, after which nothing more
        is sent; ids whose delete was answered 404 ResourceNotFoundException: the target did not keep a
        workflow it said it created)."""
        deleted, failed, lost = 0, [], []
        for index, workflow_id in enumerate(self.created):
            path = workflow_path(self.domain, workflow_id)
            self.rate_limiter.wait()
            try:
                exchange = self.client.send_raw("DELETE", path)
            except TargetError:
                failed.append(workflow_id)
                continue
            if 200 <= exchange.status < 300:
                deleted += 1
                continue
            missing = operation_missing(exchange)
            if missing is not None:
                return deleted, failed + self.created[index:], missing, lost
            failed.append(workflow_id)
            if exchange.status == self.contract.status_of(NOT_FOUND):
                lost.append(workflow_id)
        return deleted, failed, None, lost

    def forget_created(self, workflow_id: str) -> None:
        """A workflow a test deleted itself: not one for the cleanup."""
        with self._lock:
            if workflow_id in self.created:
                self.created.remove(workflow_id)
                self.deleted_by_tests += 1

    # -- what is due ---------------------------------------------------------------------------------
    def _noting_failure(self) -> None:
        if self.first_failure_after is None:
            self.first_failure_after = self.requests_sent
        self._failed_at.setdefault(self._current_test, time.monotonic())

    def expect_success(self, exchange: Exchange, request: Request, *, boundary_of: str | None = None) -> None:
        """A valid request is accepted (2xx); on a 400, say if the target seems to count lengths another
        way.  How the success looks is the answer ledger's business."""
        __tracebackhide__ = True
        kind = _kind("valid", boundary_of)
        if self._throttled(exchange, kind):
            return
        success = self.contract.success["status"]
        if self.coverage is not None:
            self.coverage.valid_request(request.domain is not None, request.body, boundary_of=boundary_of)
            if exchange.status == success:
                self.coverage.success_answer()
        self.answers.success(exchange, kind)
        try:
            if self.expect == "lenient" and exchange.status != success:
                # The real service without fixtures may refuse a valid request for reasons of its own
                # (a role it can't assume); it must still answer as documented.
                check_no_server_error(exchange)
                check_documented(exchange, self.contract)
                return
            check_accepted(exchange)
        except ConformanceFailure as failure:
            self._noting_failure()
            hint = self.length_hint(request) if exchange.status == self.contract.status_of(INVALID) else None
            if hint is None:
                raise
            raise ConformanceFailure(
                failure.property, failure.requirement, exchange, f"{failure.observed}\n{hint}", failure.case
            ) from None

    def expect_rejection(
        self,
        exchange: Exchange,
        request: Request,
        constraint_id: str,
        *,
        boundary: bool = False,
        smithy: Collection[str] = (),
    ) -> None:
        """The constraint is enforced: a request that breaks ``constraint_id`` (an instance of the Smithy
        malformed-request cases ``smithy``) is rejected with a client error.  Whether the rejection is
        400 with the documented error type is the answer ledger's business."""
        __tracebackhide__ = True
        kind = Kind("invalid", constraint_id, boundary)
        if self._throttled(exchange, kind):
            return
        if self.coverage is not None:
            self.coverage.invalid_request(constraint_id, boundary=boundary, smithy=smithy)
        due = due_rejection(self.contract, constraint_id, request)
        self.answers.rejection(exchange, kind, due.statuses, due.types)
        try:
            check_rejected(exchange, self.contract, constraint_id, due.text())
            if request.domain and exchange.status == self.contract.status_of(NOT_FOUND):
                # An invalid domain goes to a domain that can't exist: a 404 says the name was looked up,
                # not checked (an empty one may fail routing, and may have its 404).
                check_validated_domain(exchange, constraint_id, due.text())
        except ConformanceFailure:
            self._noting_failure()
            raise

    def expect_invalid_rejected(self, exchange: Exchange, case: InvalidRequest) -> None:
        """``expect_rejection`` for a drawn invalid request; a failure also says what is wrong with it."""
        __tracebackhide__ = True
        try:
            self.expect_rejection(exchange, case.request, case.constraint_id, smithy=case.smithy)
        except ConformanceFailure as failure:
            failure.add_note(describe_fault(case.reason, case.smithy))
            raise

    def expect_unknown_domain(
        self, exchange: Exchange, request: Request, *, boundary_of: str | None = None
    ) -> None:
        __tracebackhide__ = True
        kind = _kind("unknown domain", boundary_of)
        if self._throttled(exchange, kind):
            return
        if self.coverage is not None:
            self.coverage.valid_request(True, request.body, boundary_of=boundary_of)
        self.answers.unknown_domain(exchange, kind)
        try:
            check_rejected(exchange, self.contract, "domain existence", named(self.contract, NOT_FOUND))
            if exchange.status == self.contract.status_of(INVALID):
                check_domain_not_refused(exchange, self.contract, boundary_of or "DomainName")
        except ConformanceFailure:
            self._noting_failure()
            raise

    def _throttled(self, exchange: Exchange, kind: Kind) -> bool:
        """A 429 (still, after the client's retries) says nothing of the request, which was not processed:
        only its body is judged (a JSON object, a string Message), and the request is not counted as
        exercised.  Five in a row stop the run (``_note_throttled``)."""
        __tracebackhide__ = True
        if exchange.status != self.contract.status_of(THROTTLED):
            return False
        self.answers.throttled(exchange, kind)
        return True

    def length_hint(self, request: Request) -> str | None:
        """For a valid request refused with 400: a string at its maximum counted in UTF-16 or UTF-8?"""
        for path, value, limit in self._strings_with_limits(request):
            hint = length_units_hint(value, limit)
            if hint:
                return f"{path}: {hint}"
        return None

    def _strings_with_limits(self, request: Request) -> list[tuple[str, str, int]]:
        return [
            (where, value, schema["maxLength"])
            for where, value, schema in strings_in(request.body, self.contract.body_schema())
            if "maxLength" in schema
        ]


def _kind(request: str, boundary_of: str | None) -> Kind:
    """The kind of a valid request's exchange: drawn, or a boundary case of ``boundary_of``."""
    return Kind(request, boundary_of or "", boundary_of is not None)


# Statuses that say the method or the operation is not there at all: Method Not Allowed, Not Implemented.
_NO_SUCH_OPERATION = (405, 501)


def operation_missing(exchange: Exchange) -> str | None:
    """Why an answer says the operation does not exist (405, 501, or a status of the model's not-found
    error without its type: a route that isn't there), or None."""
    error_type = resolve_error_type(exchange.status, exchange.headers, exchange.body)
    if (
        exchange.status in _NO_SUCH_OPERATION
        or exchange.status == load_contract().status_of(NOT_FOUND)
        and error_type != NOT_FOUND
    ):
        shown = "" if error_type in (None, str(exchange.status)) else f" {escape_controls(error_type)}"
        return f"{exchange.status}{shown}"
    return None


def workflow_path(domain: str, workflow_id: str) -> str:
    """The path of one workflow (DeleteWorkflow's, GetWorkflow's), both labels percent-encoded as botocore
    encodes them.  A WorkflowId is the target's, and may hold anything JSON can: a lone surrogate goes as
    the bytes it would be in UTF-8 (no text encoding takes it), so that deleting it is still tried."""
    from conformance.spec.lifecycle import load_lifecycle

    return load_lifecycle().operations["DeleteWorkflow"].path(domain, workflow_id)


def describe_fault(reason: str, smithy: Collection[str] = ()) -> str:
    """What is wrong with an invalid request, in one line (and the Smithy cases it is an instance of)."""
    text = f"Fault: {escape_controls(reason)}"
    return text + (f" (Smithy: {', '.join(smithy)})" if smithy else "")


class TransportFailure(Exception):
    """A test failed because the target could not be talked to (or the run stops): its message is the
    whole report, and the plugin reports it as the test's failure, even inside a Hypothesis exception
    group."""


class CreateBudgetSpent(Exception):
    """A request would create a workflow beyond the --max-creates budget: not sent, and the plugin skips
    the test."""


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


def unanswered_curl(
    client: TargetClient, method: str, path: str, body: bytes | None, request: Request | None = None
) -> str:
    """A curl line for a request that got no answer (there is no exchange to render)."""
    exchange = Exchange(
        method=method,
        url=client.url_for(path),
        request_headers={"Content-Type": "application/json"} if body is not None else {},
        request_body=body or b"",
        request=request,
        status=0,
        reason="",
        headers={},
        body=b"",
    )
    return to_curl(exchange)
