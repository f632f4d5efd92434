"""The create must really create: what GetWorkflow, ListWorkflows and DeleteWorkflow say of the
workflows the run made.

A target can validate every request and answer a well-formed ``WorkflowId`` without storing anything; only
the operations that read and remove workflows can tell.  ``Lifecycle`` sends them (through the target, so
the rate limit, the transport handling and the redaction are those of every request) and holds their
answers to the model of each operation (``spec.lifecycle``) and to what the create asked for.  Every check
raises a ``ConformanceFailure`` that names its property: a constraint id of an operation's output
(``GetWorkflow.Response.Status.enum``) or a property of the lifecycle (``lifecycle.get.RoleArn``).

Which of the operations the target has is found out once per process (``probe``): an answer that says
the operation does not exist (405, 501, a 404 that is not ``ResourceNotFoundException``) means "not
implemented", and the checks that need it are skipped, or failed with ``--lifecycle required``.

A little over 400 lines: the checks of the three operations share the sending, the second look at a
store that settles and the paging, and read best next to them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.core.checks import ConformanceFailure
from conformance.core.errors import Due, named
from conformance.core.exchange import Exchange, TargetError
from conformance.core.ledger import Kind
from conformance.core.report import REDACTOR, describe_value, to_curl
from conformance.core.sdk import resolve_error_type, summarize_error
from conformance.flagship.errors import INVALID, NOT_FOUND
from conformance.flagship.judge import error_problems
from conformance.flagship.target import FlagshipTarget, operation_missing
from conformance.spec.lifecycle import Lifecycle as LifecycleContract
from conformance.spec.lifecycle import load_lifecycle

OPERATIONS = ("GetWorkflow", "ListWorkflows", "DeleteWorkflow")
_FLOW = ("IntegrationConfig", "AppflowIntegration", "FlowDefinition", "SourceFlowConfig")
# A list of a domain's workflows is paged through at most this far: a target whose pages never end
# would otherwise keep a test for ever.  The full pass asks for the model's largest page.
MAX_PAGES = 200
SMALL_PAGES = 10  # the pages of one item each that are checked one by one
# A store that is eventually consistent may not show a workflow created (or deleted) a moment ago: a
# check that finds it missing (or still there) looks once more after this long before it fails.
SETTLE = 1.0


def dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


# A path no operation of the service has: how the target answers it says what its "not found" means.
NO_SUCH_OPERATION = "conformance-no-such-operation"


def probe(
    send: Callable[[str, str, bytes | None], Exchange],
    domain: str,
    workflow_id: str | None = None,
    *,
    delete: bool = True,
) -> dict[str, str | None]:
    """Which operations the target has: name -> None, or the answer that says it has not (``405``,
    ``404 UnknownOperationException``).  ``send(method, path, body)`` sends; ``workflow_id`` is one that
    exists, when the caller has one, for GetWorkflow (else a well-formed id nobody created).  DeleteWorkflow
    is asked of an id nobody created, unless ``delete`` is off: a caller that deletes its own workflow
    classifies that answer with ``classify``."""
    contract = load_lifecycle()
    some_id = workflow_id or uuid.uuid4().hex
    get = contract.operations["GetWorkflow"]
    try:
        nowhere = send("GET", f"{get.path(domain, some_id)}/{NO_SUCH_OPERATION}", None)
    except TargetError:
        nowhere = None
    missing: dict[str, str | None] = {"_nowhere": _signature(nowhere)}
    for name in OPERATIONS:
        operation = contract.operations[name]
        if name == "DeleteWorkflow" and not delete:
            continue
        target_id = uuid.uuid4().hex if name == "DeleteWorkflow" else some_id
        path = operation.path(domain, target_id) + (
            f"?{operation.query['MaxResults']}=1" if name == "ListWorkflows" else ""
        )
        body = b"{}" if operation.method == "POST" else None
        try:
            answer = send(operation.method, path, body)
        except TargetError as error:
            missing[name] = f"no answer: {error}"
            continue
        missing[name] = classify(answer, missing["_nowhere"])
    return missing


def _signature(exchange: Exchange | None) -> str | None:
    """How an answer to a path no operation has looks, if it does not say so itself (a 404 typed
    ResourceNotFoundException, a 400, a 200): then the same answer elsewhere says nothing either."""
    if exchange is None or operation_missing(exchange) is not None:
        return None
    error_type = resolve_error_type(exchange.status, exchange.headers, exchange.body)
    return f"{exchange.status} {error_type or 'no error type'}"


def classify(exchange: Exchange, nowhere: str | None) -> str | None:
    """None if ``exchange`` shows the operation is there; else the answer that says it is not, or that
    cannot tell (the same answer the target gives to a path no operation has)."""
    missing = operation_missing(exchange)
    if missing is not None:
        return missing
    if nowhere is not None and _signature(exchange) == nowhere:
        return f"{nowhere}, as it answers a path no operation has, so it cannot be told apart"
    return None


def lacking(support: dict[str, str | None]) -> dict[str, str]:
    """The operations a probe found missing, with the answer that says so."""
    return {name: why for name, why in support.items() if not name.startswith("_") and why is not None}


@dataclass
class Lifecycle:
    """The lifecycle operations as one test uses them; ``missing`` says which the target lacks."""

    target: FlagshipTarget
    test_id: str
    mode: str
    missing: dict[str, str | None]
    contract: LifecycleContract = field(default_factory=load_lifecycle)

    def __repr__(self) -> str:
        return "lifecycle"

    # -- what the test needs ---------------------------------------------------------------------------
    def unmet(self, *names: str) -> tuple[str, bool] | None:
        """Why the test can't run on this target, if it can't: the operation of ``names`` that the target
        lacks (or ``--lifecycle off``), and whether that fails the test (``--lifecycle required``) rather
        than skips it.  The test's module says it to pytest."""
        if self.mode == "off":
            return "--lifecycle off: GetWorkflow, ListWorkflows and DeleteWorkflow are not sent", False
        for name in names:
            reason = lacking(self.missing).get(name)
            if reason is not None:
                message = f"the target has no {name} (it answered {reason})"
                if self.mode == "required":
                    return f"{message}, and --lifecycle required asks for it", True
                return message, False
        return None

    def has(self, name: str) -> bool:
        return self.mode != "off" and name not in lacking(self.missing)

    # -- sending ---------------------------------------------------------------------------------------
    def _send(self, name: str, workflow_id: str | None = None, query: str = "", body: bytes | None = None):
        __tracebackhide__ = True
        operation = self.contract.operations[name]
        path = operation.path(self.target.domain, workflow_id) + query
        if operation.method == "POST" and body is None:
            body = b"{}"
        return self.target.send_raw(operation.method, path, body, self.test_id)

    def get(self, workflow_id: str) -> Exchange:
        return self._send("GetWorkflow", workflow_id)

    def delete(self, workflow_id: str) -> Exchange:
        exchange = self._send("DeleteWorkflow", workflow_id)
        if 200 <= exchange.status < 300:
            self.target.forget_created(workflow_id)
        return exchange

    def list_page(self, max_results: int | None = None, next_token: str | None = None) -> Exchange:
        query = self.contract.operations["ListWorkflows"].query
        params = []
        if max_results is not None:
            params.append(f"{query['MaxResults']}={max_results}")
        if next_token is not None:
            from urllib.parse import quote

            params.append(f"{query['NextToken']}={quote(next_token, safe='', errors='surrogatepass')}")
        return self._send("ListWorkflows", query="?" + "&".join(params) if params else "")

    def settle(self) -> bool:
        """Wait ``SETTLE`` for the target's store to settle, before looking again; True if it waited.
        Each process waits this way until a second look finds what the first found: then the target is
        taken not to settle, and a check fails at once (a target that stores nothing would otherwise
        cost every example of every property a second)."""
        if self.target.settled is False:
            return False
        time.sleep(SETTLE)
        self.target.settled = False  # until a second look finds otherwise
        return True

    def settled(self) -> None:
        """A second look found what the first did not: waiting helps with this target."""
        self.target.settled = True

    # -- checks ----------------------------------------------------------------------------------------
    def fail(self, property: str, requirement: str, exchange: Exchange, observed: str, case: str) -> None:
        __tracebackhide__ = True
        if self.target.coverage is not None:
            self.target.coverage.lifecycle(property, broken=True)
        self.target._noting_failure()
        raise ConformanceFailure(property, requirement, exchange, observed, case)

    def passed(self, *properties: str) -> None:
        if self.target.coverage is not None:
            for name in properties:
                self.target.coverage.lifecycle(name)

    def expect_ok(self, name: str, exchange: Exchange, property: str, requirement: str, case: str) -> Any:
        """A 200 (the operation's success) whose body is what the operation's output model says; the
        parsed body."""
        __tracebackhide__ = True
        success = self.contract.operations[name].success_status
        if exchange.status != success:
            self.fail(property, requirement, exchange, summarize_error(exchange), case)
        body = exchange.json()
        violations = self.contract.output_violations(name, body)
        checked = [cid for cid in self.contract.constraint_ids() if cid.startswith(f"{name}.Response.")]
        broken = {violation.constraint_id for violation in violations}
        self.passed(property, *(cid for cid in checked if cid not in broken))
        if violations:
            first = violations[0]
            self.fail(
                first.constraint_id,
                f"{name}'s answer is what its output model says ({first.constraint_id})",
                exchange,
                REDACTOR.clean(first.message),
                case,
            )
        return body

    def expect_not_found(self, exchange: Exchange, property: str, requirement: str, case: str) -> None:
        __tracebackhide__ = True
        contract = self.target.contract
        problems = error_problems(
            exchange, contract, contract.status_of(NOT_FOUND), NOT_FOUND, prefix=property
        )
        if problems:
            self.fail(property, requirement, exchange, problems[0][2], case)
        self.passed(property)

    def expect_gone(self, workflow_id: str, case: str) -> None:
        """GetWorkflow of a workflow just deleted answers 404 (looked at twice, for a store that settles)."""
        __tracebackhide__ = True
        not_found = self.target.contract.status_of(NOT_FOUND)
        got = self.get(workflow_id)
        if got.status != not_found and self.settle():
            got = self.get(workflow_id)
            if got.status == not_found:
                self.settled()
        self.expect_not_found(
            got,
            "lifecycle.delete.gone",
            "GetWorkflow of a workflow DeleteWorkflow removed answers "
            + named(self.target.contract, NOT_FOUND),
            case,
        )

    def expect_invalid(self, exchange: Exchange, constraint_id: str, case: str) -> None:
        """A malformed WorkflowId is refused as invalid: a client error that is not a 404 (which says the
        id was looked up, not checked).  How the refusal looks (400 BadRequestException, a JSON body) is
        the answer ledger's business, as for every invalid request: one deviation, one verdict."""
        __tracebackhide__ = True
        due = Due.of(self.target.contract, INVALID)
        self.target.answers.rejection(exchange, Kind("invalid", constraint_id), due.statuses, due.types)
        looked_up = exchange.status == self.target.contract.status_of(NOT_FOUND)
        if not 400 <= exchange.status < 500 or looked_up:
            self.fail(
                constraint_id,
                f"a request that breaks {constraint_id} is rejected as invalid ({due.text()})",
                exchange,
                summarize_error(exchange) + (": the id was looked up, not checked" if looked_up else ""),
                case,
            )
        self.passed(constraint_id)

    def expect_read_back(self, got: Exchange, workflow_id: str, body: Any, created: Exchange) -> None:
        """GetWorkflow of a workflow just created: 200, the model's output, and what the create asked for."""
        __tracebackhide__ = True
        case = "GetWorkflow of a workflow the create just made"
        not_found = self.target.contract.status_of(NOT_FOUND)
        if got.status == not_found and self.settle():
            got = self.get(workflow_id)
            if got.status != not_found:
                self.settled()
        try:
            answer = self.expect_ok(
                "GetWorkflow", got, "lifecycle.get.status",
                "GetWorkflow of a WorkflowId a create returned answers 200", case,
            )  # fmt: skip
            self._agrees(got, answer, workflow_id, body, case)
        except ConformanceFailure as failure:
            failure.add_note("Created by:\n  " + to_curl(created))
            raise

    def _agrees(self, got: Exchange, answer: dict, workflow_id: str, body: Any, case: str) -> None:
        __tracebackhide__ = True
        # The output model requires none of GetWorkflow's top-level members, and of the attributes only
        # SourceConnectorType and ConnectorProfileName: each is held to the request where it is there.
        source = dig(body, *_FLOW)
        source = source if isinstance(source, dict) else {}
        attributes = dig(answer, "Attributes", "AppflowIntegration")
        asked = body if isinstance(body, dict) else {}
        checks = []
        if "WorkflowId" in answer:
            checks.append(("lifecycle.get.WorkflowId", "the WorkflowId the create returned",
                           answer["WorkflowId"], workflow_id))  # fmt: skip
        if "WorkflowType" in answer:
            checks.append(("lifecycle.get.WorkflowType", "the request's WorkflowType",
                           answer["WorkflowType"], asked.get("WorkflowType")))  # fmt: skip
        if isinstance(attributes, dict):
            if "ConnectorType" in source:
                checks.append(("lifecycle.get.SourceConnectorType", "the request's ConnectorType",
                               attributes.get("SourceConnectorType"), source["ConnectorType"]))  # fmt: skip
            if "ConnectorProfileName" in source:
                checks.append(("lifecycle.get.ConnectorProfileName", "the request's ConnectorProfileName",
                               attributes.get("ConnectorProfileName"),
                               source["ConnectorProfileName"]))  # fmt: skip
            if "RoleArn" in attributes:  # may be left out: it holds at most 255 characters, the request 512
                checks.append(("lifecycle.get.RoleArn", "the request's RoleArn, when the answer has one",
                               attributes["RoleArn"], asked.get("RoleArn")))  # fmt: skip
        for property, what, value, wanted in checks:
            if value != wanted:
                self.fail(
                    property,
                    f"GetWorkflow's {property.rsplit('.', 1)[1]} is {what}: {describe_value(wanted)}",
                    got,
                    f"it is {describe_value(value)}",
                    case,
                )
            self.passed(property)

    def list_all(
        self, max_results: int | None, case: str, pages: int = MAX_PAGES
    ) -> tuple[list[str], int, Exchange]:
        """Every WorkflowId ListWorkflows gives, page by page with ``max_results`` a page, each page
        checked (200, the model's output, no longer than asked, no id twice, tokens that move on), for at
        most ``pages`` pages; the ids, the number of pages read and the last page's exchange."""
        __tracebackhide__ = True
        seen: list[str] = []
        where: dict[str, int] = {}
        tokens: set[str] = set()
        token: str | None = None
        for page in range(1, pages + 1):
            exchange = self.list_page(max_results, token)
            answer = self.expect_ok(
                "ListWorkflows", exchange, "lifecycle.list.status",
                "ListWorkflows on the domain answers 200", case,
            )  # fmt: skip
            items = answer.get("Items") or []
            if max_results is not None and len(items) > max_results:
                self.fail(
                    "lifecycle.list.MaxResults",
                    f"a page of ListWorkflows holds at most max-results={max_results} items",
                    exchange,
                    f"page {page} holds {len(items)}",
                    case,
                )
            self.passed("lifecycle.list.MaxResults")
            for item in items:
                workflow_id = item.get("WorkflowId") if isinstance(item, dict) else None
                if not isinstance(workflow_id, str):
                    continue  # the output model's check said so already
                if workflow_id in where:
                    self.fail(
                        "lifecycle.list.once",
                        "paging through ListWorkflows gives each workflow once",
                        exchange,
                        f"WorkflowId {describe_value(workflow_id, length=False)} is on page "
                        f"{where[workflow_id]} and again on page {page}",
                        case,
                    )
                where[workflow_id] = page
                seen.append(workflow_id)
            token = answer.get("NextToken")
            if not token:
                self.passed("lifecycle.list.once", "lifecycle.list.ends")
                return seen, page, exchange
            if token in tokens:
                self.fail(
                    "lifecycle.list.ends",
                    "paging through ListWorkflows ends: each NextToken leads on",
                    exchange,
                    f"page {page} gives a NextToken an earlier page gave: the pages go round",
                    case,
                )
            tokens.add(token)
        return seen, pages, exchange

    def expect_listed(self, wanted: list[str], case: str) -> None:
        """Every id of ``wanted`` is listed once, paging with the model's largest page; and, on a domain
        with few workflows, paging one item at a time gives the same."""
        __tracebackhide__ = True
        largest = self.largest_page()
        seen, pages, last = self.list_all(largest, case)
        if set(wanted) - set(seen) and self.settle():
            seen, pages, last = self.list_all(largest, case)
            if not set(wanted) - set(seen):
                self.settled()
        if pages == MAX_PAGES:
            return  # too many workflows to page through: nothing to say of what is listed
        absent = [workflow_id for workflow_id in wanted if workflow_id not in seen]
        if absent:
            self.fail(
                "lifecycle.list.contains",
                "ListWorkflows lists every workflow the run created and has not deleted",
                last,
                f"{len(absent)} of the {len(wanted)} just created are not listed, among them "
                f"{describe_value(absent[0], length=False)} ({len(seen)} listed in all)",
                case,
            )
        self.passed("lifecycle.list.contains")
        # Pages of one item, the first few of them on a domain of many workflows: each no longer
        # than asked and no id twice; on a domain of few, they list every workflow as well.
        one_by_one, pages, last = self.list_all(1, case, pages=SMALL_PAGES)
        missing = [workflow_id for workflow_id in wanted if workflow_id not in one_by_one]
        if len(seen) < SMALL_PAGES and missing:
            self.fail(
                "lifecycle.list.contains",
                "paging one workflow at a time lists every workflow the run created",
                last,
                f"{describe_value(missing[0], length=False)} is not on any page of one",
                case,
            )

    def expect_unlisted(self, workflow_id: str, case: str) -> None:
        """A deleted workflow is on no page of ListWorkflows (looked at twice, for a store that settles)."""
        __tracebackhide__ = True
        seen, pages, last = self.list_all(self.largest_page(), case)
        if workflow_id in seen and self.settle():
            seen, pages, last = self.list_all(self.largest_page(), case)
            if workflow_id not in seen:
                self.settled()
        if workflow_id in seen:
            self.fail(
                "lifecycle.delete.unlisted",
                "a deleted workflow is no longer listed by ListWorkflows",
                last,
                f"WorkflowId {describe_value(workflow_id, length=False)} is still listed",
                case,
            )
        self.passed("lifecycle.delete.unlisted")

    def largest_page(self) -> int:
        """The model's largest ListWorkflows page (MaxResults' maximum)."""
        return int(self.contract.constraints["ListWorkflows.MaxResults.maximum"]["value"])


def unknown_workflow_ids() -> list[str]:
    """Well-formed WorkflowIds that no target made: random ones, and the smallest."""
    return [uuid.uuid4().hex, "0" * 32]
