"""The flagship's answer ledger: the properties its reference page documents for every answer, judged by
``conformance.flagship.judge``.

A rejection is 400 with the error type an SDK resolves to ``BadRequestException``, a JSON object body and
a string ``Message``; a success is 200, JSON, with a ``WorkflowId`` of 32 hex digits (one of its own: no
id is returned twice) and a ``Message`` of 1 to 255 code points; a valid request on a domain that doesn't
exist gets 404 ``ResourceNotFoundException``.  The tallies, merging and verdicts are
``conformance.core.ledger``'s.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from conformance.core.checks import Problem, error_body_problems
from conformance.core.exchange import Exchange
from conformance.core.ledger import Kind, Ledger
from conformance.flagship.errors import NOT_FOUND
from conformance.flagship.judge import created_id, error_problems, success_problems
from conformance.spec import Contract

# Each property, and the answers it is about (the noun of its verdict).
PROPERTIES: dict[str, str] = {
    "error.status": "rejections of invalid requests",
    "error.type": "rejections of invalid requests",
    "error.body": "error answers",
    "error.Message": "error answers",
    "not_found.status": "rejections of valid requests on domains that don't exist",
    "not_found.type": "rejections of valid requests on domains that don't exist",
    "success.status": "successes",
    "success.content_type": "successes",
    "Response.type": "successes",
    "Response.WorkflowId.required": "successes",
    "Response.WorkflowId.type": "successes",
    "Response.WorkflowId.pattern": "successes",
    "Response.Message.required": "successes",
    "Response.Message.type": "successes",
    "Response.Message.minLength": "successes",
    "Response.Message.maxLength": "successes",
    "success.WorkflowId.unique": "successes",
}
_SUCCESS = [name for name, about in PROPERTIES.items() if about == "successes"]
_UNIQUE = "success.WorkflowId.unique"
_UNIQUE_PROBLEM = ("each workflow created gets a WorkflowId of its own", "WorkflowId {} was returned before")


class AnswerLedger(Ledger):
    """Every property of the answers, with the answers it applied to and those that broke it."""

    def __init__(self, contract: Contract) -> None:
        super().__init__(contract, PROPERTIES)

    # -- recording --------------------------------------------------------------------------------------
    def rejection(
        self, exchange: Exchange, kind: Kind, statuses: Collection[int], types: Collection[str] | None
    ) -> None:
        """An answer to an invalid request (the case of ``kind``): judged if the target rejected it."""
        if exchange.status < 400:
            return
        if exchange.status < 500:
            problems = error_problems(exchange, self.contract, statuses, types)
            self._judge(["error.status", "error.type"], problems, kind, exchange, kind.constraint)
        self._judge(
            ["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, kind.constraint
        )

    def unknown_domain(self, exchange: Exchange, kind: Kind) -> None:
        if exchange.status < 400:
            return
        if exchange.status < 500:
            status = self.contract.status_of(NOT_FOUND)
            problems = error_problems(exchange, self.contract, status, NOT_FOUND, prefix="not_found")
            self._judge(["not_found.status", "not_found.type"], problems, kind, exchange, "domain existence")
        self._judge(["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, None)

    def throttled(self, exchange: Exchange, kind: Kind) -> None:
        """A 429: only the error's body is judged (the request was not processed)."""
        self._judge(["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, None)

    def success(self, exchange: Exchange, kind: Kind) -> None:
        """An answer to a valid request on the existing domain: judged as a success if it is one."""
        if exchange.status >= 400:
            self._judge(["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, None)
            return
        if not 200 <= exchange.status < 300:
            return
        problems = success_problems(exchange, self.contract)
        workflow_id = created_id(exchange)
        if workflow_id is not None:
            if workflow_id in self.seen_ids:
                problems.append(Problem(_UNIQUE, _UNIQUE_PROBLEM[0], _UNIQUE_PROBLEM[1].format(workflow_id)))
            self.seen_ids.add(workflow_id)
        self._judge(_SUCCESS, problems, kind, exchange, None)

    def repeated_across_processes(self, workflow_ids: Iterable[str]) -> None:
        """WorkflowIds that more than one xdist worker saw: only the controller can tell."""
        for _ in workflow_ids:
            tally = self.tallies[_UNIQUE]
            tally.broken[Kind("valid").key()] += 1
            tally.requirement = _UNIQUE_PROBLEM[0]
