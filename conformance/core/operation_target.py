"""The target as the properties of any operation other than the flagship see it: ``Target``'s sending,
transport handling, rate limit and stopping, with requests of any restJson1 operation (``WireRequest``)
and what each kind of request is due judged by that operation's own model.

A constraint's test asks one question, as the flagship's do: is the constraint enforced (any 4xx is a
rejection; a 2xx or a 5xx fails the test)?  How the answers look is the answer ledger's business
(``conformance.core.ledger``), reported once per property of the answers.  Nothing here knows pytest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from conformance.core import conflicts, judge
from conformance.core.ahead import Planned
from conformance.core.checks import ConformanceFailure, check_no_server_error, check_rejected
from conformance.core.client import TargetClient
from conformance.core.exchange import Exchange
from conformance.core.ledger import Kind
from conformance.core.report import to_curl
from conformance.core.sdk import summarize_error
from conformance.core.target import Target, describe_fault
from conformance.spec.wire import BoundaryCase, InvalidRequest, WireRequest


def wire_headers(request: WireRequest) -> dict[str, str | None]:
    """The request's own headers over the client's defaults; no Content-Type without a body, as botocore
    sends none."""
    headers: dict[str, str | None] = dict(request.headers)
    if not request.body and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = None
    return headers


def send_wire(client: TargetClient, request: WireRequest) -> Exchange:
    """One request of any operation, exactly as the strategies built it."""
    return client.send_raw(request.method, request.target(), request.body or None, wire_headers(request))


@dataclass(repr=False)
class OperationTarget(Target):
    """``Target`` for any operation: ``send_wire`` and the ``expect_*`` of valid and invalid requests."""

    # The resources this process's resource properties made (``conformance.core.resources.Made``), which
    # the cleanup deletes at the end of the session; and which of the operations around the create the
    # target has (role -> None, or the answer that says it has not), once probed.
    made: list[Any] = field(default_factory=list)
    resource_support: dict[str, str | None] | None = None

    def send_wire(self, request: WireRequest, test_id: str = "", *, creates: bool = False) -> Exchange:
        """Send one request; a transport failure fails the test (and the rest of its examples) clearly.
        ``creates`` marks a valid request (it may create something), which spends --max-creates."""
        __tracebackhide__ = True
        self._before_sending(test_id)

        def curl() -> str:
            return unanswered_curl(self.client, request)

        if self.ahead is not None and self.ahead.planned(test_id):
            answer = self.ahead.take(test_id, _ahead_key(request))
            if answer is not None:  # sent ahead: the budget was spent then
                return self._exchange(answer, curl, test_id, valid=creates, sent_ahead=True)
        if creates:
            self._spend_create("--max-creates reached: no more valid requests in this run")
        return self._exchange(lambda: send_wire(self.client, request), curl, test_id, valid=creates)

    def plan(self, test_id: str, requests: Iterable[tuple[WireRequest, bool]]) -> list[Planned]:
        """The requests (and whether each creates) that ``test_id`` sends with ``send_wire``, to send
        ahead (``conformance.core.ahead``)."""
        return [
            Planned(
                test_id,
                _ahead_key(request),
                partial(self._send_ahead, partial(send_wire, self.client, request)),
                creates,
            )
            for request, creates in requests
        ]

    # -- what is due ---------------------------------------------------------------------------------
    def expect_accepted(
        self, exchange: Exchange, request: WireRequest, *, boundary_of: str | None = None
    ) -> None:
        """A valid request is accepted (2xx); with --expect lenient it may instead get an error the model
        lists, with its status, never a 5xx.  How the success looks is the answer ledger's business."""
        __tracebackhide__ = True
        kind = Kind("valid", boundary_of or "", boundary_of is not None)
        if self._throttled(exchange, kind):
            return
        success = self.contract.success["status"]
        if self.coverage is not None:
            self.coverage.valid_wire_request(request, boundary_of=boundary_of)
            if exchange.status == success:
                self.coverage.success_answer()
        self.answers.success(exchange, kind)
        if 200 <= exchange.status < 300:
            return
        if 400 <= exchange.status < 500 and carries_page_token(self.contract, request):
            # A page token is the target's own: one made up here, however well-formed, is none it issued,
            # and a service refuses it (ValidationException, InvalidToken).  How the refusal looks is still
            # the answer ledger's business.
            return
        if not judge.routes(self.contract, request.path) and exchange.status < 500:
            # No SDK sends an empty URI label: such a request is no valid one to hold the target to,
            # whatever the strategies say; a router's refusal is no fault.
            return
        if self._exists_already(exchange, request):
            return  # the name was taken (by this run, another worker, another client): a due refusal
        if self.expect == "lenient":
            try:
                check_no_server_error(exchange)
            except ConformanceFailure:
                self._noting_failure()
                raise
            problems = judge.documented_problems(self.contract, exchange)
            if not problems:
                return  # a documented refusal: no failure to note (nor to shrink)
            self._noting_failure()
            raise ConformanceFailure(*problems[0][:2], exchange, problems[0][2])
        self._noting_failure()
        raise ConformanceFailure(
            "success.status",
            f"a valid request is accepted ({success})",
            exchange,
            f"it was refused: {summarize_error(exchange)}",
        )

    def _exists_already(self, exchange: Exchange, request: WireRequest) -> bool:
        """A create refused as a conflict, and the resource's read finds what it names
        (``conformance.core.conflicts``)."""
        if not conflicts.says_it_exists(self.contract, exchange):
            return False
        read = conflicts.read_request(self.contract, request)
        if read is None:
            return False

        def send(outgoing: WireRequest) -> Exchange:
            self.rate_limiter.wait()
            with self._lock:
                self.requests_sent += 1
            return send_wire(self.client, outgoing)

        return conflicts.exists(send, read)

    def expect_rejected(
        self, exchange: Exchange, case: InvalidRequest | BoundaryCase, *, boundary: bool = False
    ) -> None:
        """The constraint is enforced: the request that breaks it is rejected with a client error (4xx).
        Whether the rejection is 400 with the validation error is the answer ledger's business.  A failure
        says what is wrong with the request (a boundary case's test says it after the edge's name)."""
        __tracebackhide__ = True
        constraint_id = case.constraint_id
        kind = Kind("invalid", constraint_id, boundary)
        if self._throttled(exchange, kind):
            return
        if self.coverage is not None:
            self.coverage.invalid_request(constraint_id, boundary=boundary, smithy=case.smithy)
        request: Any = case.request
        statuses = judge.rejection_statuses(self.contract, constraint_id, request.path)
        types = judge.validation_errors(self.contract, constraint_id)
        if self.expect == "lenient":
            # A target with checks of its own (a name already taken, a resource that must exist) may run
            # them before it validates: which comes first is not in the model, so any client error the
            # model lists is a rejection as due (its status is still held to the model's).
            statuses, types = judge.with_client_errors(self.contract, statuses, types)
        self.answers.rejection(exchange, kind, statuses, types)
        due = f"{' or '.join(map(str, sorted(statuses)))} {' or '.join(sorted(types))}"
        try:
            check_rejected(exchange, self.contract, constraint_id, due)
        except ConformanceFailure as failure:
            self._noting_failure()
            if not boundary:
                failure.add_note(describe_fault(case.reason, case.smithy))
            raise


def carries_page_token(contract: Any, request: WireRequest) -> bool:
    """Whether ``request`` carries the input token of the operation's paginator (botocore's
    ``paginators-1.json``), which only an earlier answer of the target can give."""
    from conformance.spec.resources import _paging

    paging = _paging(contract.service, contract.operation)
    if paging is None:
        return False
    try:
        member = contract.member(paging.input_token)
    except KeyError:
        return False
    name = member.on_the_wire
    if member.location == "querystring":
        return any(key == name for key, _ in request.query)
    if member.location == "header":
        return request.header(name) is not None
    if member.location == "uri":
        return True
    try:
        body = json.loads(request.body) if request.body else None
    except ValueError:
        return False
    return isinstance(body, dict) and name in body


def _ahead_key(request: WireRequest) -> tuple[Any, ...]:
    """What tells one request apart from another of its test: all that goes on the wire."""
    return (
        request.method,
        request.target(),
        request.body or b"",
        tuple(sorted(wire_headers(request).items(), key=str)),
    )


def unanswered_curl(client: TargetClient, request: WireRequest) -> str:
    """A curl line for a request that got no answer (there is no exchange to render)."""
    headers = {name: value for name, value in wire_headers(request).items() if value is not None}
    if request.body and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    exchange = Exchange(
        method=request.method,
        url=client.url_for(request.target()),
        request_headers=headers,
        request_body=request.body,
        request=None,
        status=0,
        reason="",
        headers={},  # type: ignore[arg-type]
        body=b"",
    )
    return to_curl(exchange)
