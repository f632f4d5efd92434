"""The flagship's target: ``CreateIntegrationWorkflow`` on one existing domain, the workflows a run
creates (deleted again at the end), the fixtures a real service needs, and what each kind of request is due.

The sending, the transport failures, the throttling and the --max-creates budget are
``conformance.core.target``'s; this adds the flagship's requests (a body, and a domain in the path) and
the verdicts of its properties: a valid request is accepted, an invalid one rejected, a valid one on a
domain that does not exist is not found.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import NamedTuple

from conformance.core.ahead import IN_FLIGHT, Planned
from conformance.core.checks import (
    ConformanceFailure,
    check_no_server_error,
    check_rejected,
    length_units_hint,
)
from conformance.core.client import TargetClient
from conformance.core.errors import named
from conformance.core.exchange import Exchange, TargetError, TargetTimeout
from conformance.core.ledger import Kind
from conformance.core.report import escape_controls, to_curl
from conformance.core.sdk import resolve_error_type
from conformance.core.target import MAX_TIMEOUTS, Target, describe_fault
from conformance.flagship.errors import INVALID, NOT_FOUND, THROTTLED, due_rejection
from conformance.flagship.fixtures import apply_fixtures
from conformance.flagship.judge import (
    check_accepted,
    check_documented,
    check_domain_not_refused,
    check_validated_domain,
    created_id,
)
from conformance.spec import load_contract
from conformance.spec.contract import strings_in
from conformance.spec.wire import InvalidRequest, Request

# The URI label of the domain the requests go to.
DOMAIN = "DomainName"
# How far the target's clock may be from this machine's: a time the server sets (a workflow's StartDate,
# its CreatedAt) may lie this much outside the run's own window (--clock-skew).
DEFAULT_CLOCK_SKEW = 300.0


class Deletions(NamedTuple):
    """What deleting the workflows a process created came to."""

    deleted: int
    failed: list[str]  # ids that could not be deleted
    # Why none could be: the target answered that it has no DeleteWorkflow operation (then nothing more
    # is sent), or None.
    no_delete_operation: str | None
    # Ids whose delete was answered 404 ResourceNotFoundException: the target did not keep a workflow it
    # said it created.
    lost: list[str]


@dataclass(repr=False)
class FlagshipTarget(Target):
    domain: str = ""  # the existing domain the requests go to
    fixtures: Mapping[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)  # WorkflowIds to delete at the end
    deleted_by_tests: int = 0  # workflows the lifecycle properties deleted themselves
    settled: bool | None = None  # whether looking again after a wait found what a first look had not
    started_at: float = field(default_factory=time.time)  # when the run began, by this machine's clock
    clock_skew: float = DEFAULT_CLOCK_SKEW  # how far its clock may be from ours (--clock-skew)
    _cleanup_timeouts: int = 0  # deletes of the cleanup that timed out

    def __repr__(self) -> str:
        # Short, and no URL, which may carry credentials (see ``Target.__repr__``).
        return f"<target, domain {self.domain!r}>"

    def throttled_status(self) -> int:
        return self.contract.status_of(THROTTLED)

    def send(self, request: Request, test_id: str = "", *, creates: bool = False) -> Exchange:
        """Send one request; a transport failure fails the test (and the rest of its examples) clearly.

        ``creates`` marks a request meant to create a workflow, which spends the --max-creates budget.
        """
        __tracebackhide__ = True
        self._before_sending(test_id)

        def curl() -> str:
            path = request.path(self.client.existing_domain)
            return unanswered_curl(self.client, self.contract.method, path, request.body_bytes(), request)

        if self.ahead is not None and self.ahead.planned(test_id):
            answer = self.ahead.take(test_id, self._ahead_key(request))
            if answer is not None:  # sent ahead: the budget was spent and what it created noted then
                return self._exchange(answer, curl, test_id, valid=creates, sent_ahead=True)
        if creates:
            self._spend_create("--max-creates reached: no more workflow-creating requests in this run")
        exchange = self._exchange(lambda: self.client.send(request), curl, test_id, valid=creates)
        self._remember_created(exchange)
        return exchange

    def plan(self, test_id: str, requests: Iterable[tuple[Request, bool]]) -> list[Planned]:
        """The requests (and whether each creates) that ``test_id`` sends with ``send``, to send ahead."""
        return [
            Planned(test_id, self._ahead_key(request), partial(self._send_ahead_one, request), creates)
            for request, creates in requests
        ]

    def _ahead_key(self, request: Request) -> tuple[str, bytes]:
        return request.path(self.client.existing_domain), request.body_bytes()

    def _send_ahead_one(self, request: Request) -> Exchange | None:
        exchange = self._send_ahead(lambda: self.client.send(request))
        if exchange is not None:
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

    def _remember_created(self, exchange: Exchange) -> None:
        """Any answer that created a workflow (``created_id``), even to a request that should have failed,
        leaves one to delete."""
        workflow_id = created_id(exchange)
        if workflow_id is not None:
            with self._lock:
                self.created.append(workflow_id)

    def with_fixtures(self, request: Request, about: str = "") -> Request:
        """The request with --fixtures values in place of generated ones (not the member ``about``)."""
        if not self.fixtures or request.body is None:
            return request
        return replace(request, body=apply_fixtures(request.body, self.fixtures, skip=about))

    def clean_up(self) -> Deletions:
        """Delete every workflow this process created: the first alone (a target without DeleteWorkflow
        gets that one), the rest ``IN_FLIGHT`` at a time, each paced by the rate limit; after
        ``MAX_TIMEOUTS`` deletes that timed out, no more are sent (the rest are listed as not deleted)."""
        deleted, failed, lost = 0, [], []
        if not self.created:
            return Deletions(0, [], None, [])
        self._cleanup_timeouts = 0
        first, *rest = self.created
        answer = self._delete(first)
        if answer is not None and operation_missing(answer) is not None:
            rest = []  # booked below, with the rest of the ids, as not deleted
        with ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="conformance-cleanup") as pool:
            answers = [answer, *pool.map(self._delete, rest)]
        answers += [None] * (len(self.created) - len(answers))
        for index, (workflow_id, exchange) in enumerate(zip(self.created, answers, strict=True)):
            if exchange is None:
                failed.append(workflow_id)
                continue
            if 200 <= exchange.status < 300:
                deleted += 1
                continue
            missing = operation_missing(exchange)
            if missing is not None:
                return Deletions(deleted, failed + self.created[index:], missing, lost)
            failed.append(workflow_id)
            if exchange.status == self.contract.status_of(NOT_FOUND):
                lost.append(workflow_id)
        return Deletions(deleted, failed, None, lost)

    def _delete(self, workflow_id: str) -> Exchange | None:
        """DeleteWorkflow of one workflow; None for no answer (none is sent once ``MAX_TIMEOUTS`` timed out:
        waiting is bounded here too)."""
        if self._cleanup_timeouts >= MAX_TIMEOUTS:
            return None
        self.rate_limiter.wait()
        try:
            return self.client.send_raw("DELETE", workflow_path(self.domain, workflow_id))
        except TargetError as error:
            if isinstance(error, TargetTimeout):
                with self._lock:
                    self._cleanup_timeouts += 1
            return None

    def forget_created(self, workflow_id: str) -> None:
        """A workflow a test deleted itself: not one for the cleanup."""
        with self._lock:
            if workflow_id in self.created:
                self.created.remove(workflow_id)
                self.deleted_by_tests += 1

    # -- what is due ---------------------------------------------------------------------------------
    def expect_success(self, exchange: Exchange, request: Request, *, boundary_of: str | None = None) -> None:
        """A valid request is accepted (2xx); on a 400, say if the target seems to count lengths another
        way.  How the success looks is the answer ledger's business."""
        __tracebackhide__ = True
        kind = _kind("valid", boundary_of)
        if self._throttled(exchange, kind):
            return
        success = self.contract.success["status"]
        if self.coverage is not None:
            self.coverage.valid_request(_labels(request), request.body, boundary_of=boundary_of)
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
            self.coverage.valid_request([DOMAIN], request.body, boundary_of=boundary_of)
        self.answers.unknown_domain(exchange, kind)
        try:
            check_rejected(exchange, self.contract, "domain existence", named(self.contract, NOT_FOUND))
            if exchange.status == self.contract.status_of(INVALID):
                check_domain_not_refused(exchange, self.contract, boundary_of or "DomainName")
        except ConformanceFailure:
            self._noting_failure()
            raise

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


def _labels(request: Request) -> list[str]:
    """The URI labels a request carries a value of its own for: the domain, or none."""
    return [] if request.domain is None else [DOMAIN]


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
