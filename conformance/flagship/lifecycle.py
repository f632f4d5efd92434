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

import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import quote

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
# Page sizes a domain of more than one page is walked with, besides the model's largest (each raised
# where the domain holds so many workflows that the walk would pass MAX_PAGES).
SMALL_PAGE_SIZES = (7, 3)
# Creates sent at once, and the connections they go over, where a property sends many at the same time.
BURST = 32
BURST_CONNECTIONS = 8


class Walk(NamedTuple):
    """Every page of ListWorkflows, followed to its end (or to the page bound)."""

    ids: list[str]  # every WorkflowId listed, in the order of the pages
    pages: int  # pages read
    last: Exchange  # the last page's exchange
    items: dict[str, dict[str, Any]]  # each id's item (the first, where a faulty target lists one twice)


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

    def list_page(
        self,
        max_results: int | None = None,
        next_token: str | None = None,
        filters: dict[str, Any] | None = None,
    ) -> Exchange:
        """One page of ListWorkflows; ``filters`` are its body's members (Status, WorkflowType, dates)."""
        query = self.contract.operations["ListWorkflows"].query
        params = []
        if max_results is not None:
            params.append(f"{query['MaxResults']}={max_results}")
        if next_token is not None:
            params.append(f"{query['NextToken']}={quote(next_token, safe='', errors='surrogatepass')}")
        body = json.dumps(filters, separators=(",", ":")).encode() if filters else None
        return self._send("ListWorkflows", query="?" + "&".join(params) if params else "", body=body)

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
        self.expect_times(got, answer, ("StartDate", "LastUpdatedAt"), "lifecycle.get.times", case)

    # -- the times the server sets -----------------------------------------------------------------------
    def window(self) -> tuple[float, float]:
        """When a workflow the run created can have been created, started or updated: from the run's start
        to now, each widened by the clock-skew allowance."""
        skew = self.target.clock_skew
        return self.target.started_at - skew, time.time() + skew

    def expect_times(
        self, exchange: Exchange, answer: Any, names: tuple[str, str], property: str, case: str
    ) -> None:
        """The times ``names`` (the earlier one first) of a workflow the run created, where the answer has
        them as numbers (the output model's check says the rest): each within the run's window, and the
        later not before the earlier."""
        __tracebackhide__ = True
        if not isinstance(answer, dict):
            return
        low, high = self.window()
        skew = self.target.clock_skew
        values = {name: answer.get(name) for name in names}
        for name, value in values.items():
            if _is_number(value) and not low <= value <= high:
                self.fail(
                    property,
                    f"the {name} the server sets for a workflow the run created lies between the run's "
                    f"start and now (each widened by --clock-skew {skew:g} s)",
                    exchange,
                    f"{name} is {value!r} ({when(value)}), outside {when(low)} to {when(high)}"
                    + _reading(value, low, high),
                    case,
                )
        first, later = (values[name] for name in names)
        if _is_number(first) and _is_number(later) and later < first:
            self.fail(
                property,
                f"a workflow's {names[1]} is not before its {names[0]}",
                exchange,
                f"{names[1]} is {later!r} ({when(later)}), {first - later:g} s before {names[0]} {first!r}",
                case,
            )
        self.passed(property)

    def expect_list_agrees(self, walk: Walk, wanted: list[str], case: str) -> None:
        """Each workflow of ``wanted`` that is listed: its item's times are plausible, and it reads the
        same through GetWorkflow (its type; its dates within the clock-skew allowance)."""
        __tracebackhide__ = True
        skew = self.target.clock_skew
        for workflow_id in wanted:
            item = walk.items.get(workflow_id)
            if not isinstance(item, dict):
                continue
            self.expect_times(walk.last, item, ("CreatedAt", "LastUpdatedAt"), "lifecycle.list.times", case)
            if not self.has("GetWorkflow"):
                continue
            got = self.get(workflow_id)
            if got.status != self.contract.operations["GetWorkflow"].success_status:
                continue  # read back's own check says what is wrong with it
            answer = got.json()
            answer = answer if isinstance(answer, dict) else {}
            pairs = [("WorkflowType", "WorkflowType", 0.0), ("CreatedAt", "StartDate", skew)]
            pairs.append(("LastUpdatedAt", "LastUpdatedAt", skew))
            for listed_name, read_name, allowance in pairs:
                listed, read = item.get(listed_name), answer.get(read_name)
                if listed is None or read is None:
                    continue
                same = (
                    abs(listed - read) <= allowance
                    if _is_number(listed) and _is_number(read)
                    else listed == read
                )
                if not same:
                    within = f" (within --clock-skew {skew:g} s)" if allowance else ""
                    self.fail(
                        "lifecycle.list.times",
                        f"ListWorkflows' {listed_name} of a workflow agrees with GetWorkflow's {read_name}"
                        + within,
                        got,
                        f"ListWorkflows says {describe_value(listed)}, GetWorkflow {describe_value(read)}",
                        case,
                    )
            self.passed("lifecycle.list.times")

    def list_all(
        self, max_results: int | None, case: str, pages: int = MAX_PAGES
    ) -> tuple[list[str], int, Exchange]:
        """Every WorkflowId ListWorkflows gives (``walk``): the ids, the pages read and the last page."""
        __tracebackhide__ = True
        walk = self.walk(max_results, case, pages)
        return walk.ids, walk.pages, walk.last

    def walk(
        self,
        max_results: int | None,
        case: str,
        pages: int = MAX_PAGES,
        filters: dict[str, Any] | None = None,
    ) -> Walk:
        """Every item ListWorkflows gives under ``filters``, page by page with ``max_results`` a page, each
        page checked (200, the model's output, no longer than asked, no id twice, tokens that move on),
        for at most ``pages`` pages."""
        __tracebackhide__ = True
        seen: list[str] = []
        where: dict[str, int] = {}
        items_by_id: dict[str, dict[str, Any]] = {}
        tokens: set[str] = set()
        token: str | None = None
        for page in range(1, pages + 1):
            exchange = self.list_page(max_results, token, filters)
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
                items_by_id[workflow_id] = item
            token = answer.get("NextToken")
            if not token:
                self.passed("lifecycle.list.once", "lifecycle.list.ends")
                return Walk(seen, page, exchange, items_by_id)
            if token in tokens:
                self.fail(
                    "lifecycle.list.ends",
                    "paging through ListWorkflows ends: each NextToken leads on",
                    exchange,
                    f"page {page} gives a NextToken an earlier page gave: the pages go round",
                    case,
                )
            tokens.add(token)
        return Walk(seen, pages, exchange, items_by_id)

    def walk_until_listed(self, max_results: int, wanted: list[str], case: str) -> Walk:
        """``walk``; where an id of ``wanted`` is not listed, once more after the store had time to settle."""
        __tracebackhide__ = True
        walk = self.walk(max_results, case)
        if set(wanted) - set(walk.ids) and self.settle():
            walk = self.walk(max_results, case)
            if not set(wanted) - set(walk.ids):
                self.settled()
        return walk

    def expect_listed(self, wanted: list[str], case: str) -> Walk:
        """Every id of ``wanted`` is listed once, paging with the model's largest page; and, on a domain
        with few workflows, paging one item at a time gives the same.  The walk of the largest pages."""
        __tracebackhide__ = True
        walk = self.walk_until_listed(self.largest_page(), wanted, case)
        if walk.pages == MAX_PAGES:
            return walk  # too many workflows to page through: nothing to say of what is listed
        absent = [workflow_id for workflow_id in wanted if workflow_id not in walk.items]
        if absent:
            self.fail(
                "lifecycle.list.contains",
                "ListWorkflows lists every workflow the run created and has not deleted",
                walk.last,
                f"{len(absent)} of the {len(wanted)} just created are not listed, among them "
                f"{describe_value(absent[0], length=False)} ({len(walk.ids)} listed in all)",
                case,
            )
        self.passed("lifecycle.list.contains")
        # Pages of one item, the first few of them on a domain of many workflows: each no longer
        # than asked and no id twice; on a domain of few, they list every workflow as well.
        one_by_one, pages, last = self.list_all(1, case, pages=SMALL_PAGES)
        missing = [workflow_id for workflow_id in wanted if workflow_id not in one_by_one]
        if len(walk.ids) < SMALL_PAGES and missing:
            self.fail(
                "lifecycle.list.contains",
                "paging one workflow at a time lists every workflow the run created",
                last,
                f"{describe_value(missing[0], length=False)} is not on any page of one",
                case,
            )
        return walk

    def expect_every_page(self, wanted: list[str], total: int, case: str) -> None:
        """Walked with each of ``SMALL_PAGE_SIZES`` (raised where ``total`` workflows would take more than
        ``MAX_PAGES`` pages), every page of the domain together lists each id of ``wanted`` exactly once:
        an item lost or repeated at a page's edge shows on a domain of many pages."""
        __tracebackhide__ = True
        for small in SMALL_PAGE_SIZES:
            size = min(self.largest_page(), max(small, math.ceil((total + 1) / (MAX_PAGES - 1))))
            walk = self.walk_until_listed(size, wanted, case)
            if walk.pages == MAX_PAGES:
                continue  # the domain grew past the bound meanwhile: nothing to say of this walk
            absent = [workflow_id for workflow_id in wanted if workflow_id not in walk.items]
            if absent:
                self.fail(
                    "lifecycle.list.contains",
                    "paging through ListWorkflows lists every workflow the run created and has not "
                    "deleted, on a domain of many pages",
                    walk.last,
                    f"with max-results={size}, {len(absent)} of the {len(wanted)} are on no page of the "
                    f"{walk.pages}, among them {describe_value(absent[0], length=False)} "
                    f"({len(walk.ids)} listed in all)",
                    case,
                )
            self.passed("lifecycle.list.contains")

    # -- many at once ------------------------------------------------------------------------------------
    def create_at_once(self, requests: list[Any]) -> list[Exchange]:
        """Send the creates ``requests`` concurrently, ``BURST_CONNECTIONS`` in flight over as many
        connections; their exchanges in the order of ``requests``.  A transport failure or a spent
        --max-creates budget is raised as it is for one request."""
        __tracebackhide__ = True
        from concurrent.futures import ThreadPoolExecutor

        target = self.target

        def create(request: Any) -> Exchange:
            return target.send(target.with_fixtures(request), self.test_id, creates=True)

        with ThreadPoolExecutor(max_workers=BURST_CONNECTIONS, thread_name_prefix="burst") as pool:
            futures = [pool.submit(create, request) for request in requests]
            return [future.result() for future in futures]

    def expect_own_ids(self, exchanges: list[Exchange], case: str) -> list[str]:
        """Creates answered at the same time each made a workflow of their own: no WorkflowId twice.  The
        ids, in the order of ``exchanges`` (those that created one)."""
        __tracebackhide__ = True
        from conformance.flagship.judge import created_id

        first: dict[str, int] = {}
        ids = []
        for index, exchange in enumerate(exchanges, 1):
            workflow_id = created_id(exchange)
            if workflow_id is None:
                continue
            if workflow_id in first:
                self.fail(
                    "lifecycle.create.concurrent",
                    "creates sent at the same time each get a WorkflowId of their own",
                    exchange,
                    f"WorkflowId {describe_value(workflow_id, length=False)} answered the creates "
                    f"{first[workflow_id]} and {index} of {len(exchanges)} sent at once",
                    case,
                )
            first[workflow_id] = index
            ids.append(workflow_id)
        self.passed("lifecycle.create.concurrent")
        return ids

    # -- filters -----------------------------------------------------------------------------------------
    def expect_filters(self, created: list[str], case: str) -> None:
        """ListWorkflows' filters hold: under a Status, every item has it, and a workflow of the run whose
        Status stays put while it is listed is listed; under the WorkflowType, every item has it and every
        workflow the run just created is listed; under a QueryStartDate a day ahead, none of them is."""
        __tracebackhide__ = True
        largest = self.largest_page()
        statuses = self.contract.constraints["ListWorkflows.Status.enum"]["value"]
        types = self.contract.constraints["ListWorkflows.WorkflowType.enum"]["value"]
        status_now = {}
        if self.has("GetWorkflow"):
            for workflow_id in created:
                answer = self.get(workflow_id).json()
                if isinstance(answer, dict) and answer.get("Status") in statuses:
                    status_now[workflow_id] = answer["Status"]
        for name, values in (("Status", statuses), ("WorkflowType", types)):
            for value in values:
                walk = self.walk(largest, f"{case}, {name} {value}", filters={name: value})
                for workflow_id, item in walk.items.items():
                    if isinstance(item, dict) and item.get(name) != value:
                        self.fail(
                            "lifecycle.list.filters",
                            f"every workflow ListWorkflows lists under the filter {name} {value} has it",
                            walk.last,
                            f"WorkflowId {describe_value(workflow_id, length=False)} is listed with "
                            f"{name} {describe_value(item.get(name))}",
                            f"{case}, {name} {value}",
                        )
                if walk.pages == MAX_PAGES:
                    continue
                due = [i for i in created if name == "WorkflowType" or status_now.get(i) == value]
                missing = [i for i in due if i not in walk.items]
                if missing and name == "Status":
                    # A status moves on by itself: only one that still reads the same was left out.
                    missing = [i for i in missing if self._status(i) == value]
                if missing and self.settle():
                    walk = self.walk(largest, f"{case}, {name} {value}", filters={name: value})
                    missing = [i for i in missing if i not in walk.items]
                    if not missing:
                        self.settled()
                if missing:
                    self.fail(
                        "lifecycle.list.filters",
                        f"ListWorkflows under the filter {name} {value} lists the run's workflows that "
                        "have it",
                        walk.last,
                        f"WorkflowId {describe_value(missing[0], length=False)} has {name} {value} and "
                        "is not listed",
                        f"{case}, {name} {value}",
                    )
        # The model says QueryStartDate keeps the workflows "started after" it and QueryEndDate those
        # "ended after" it; a range of creation times is the other reading of the pair.  Both readings
        # agree only that a QueryStartDate in the future keeps none of the run's workflows.
        ahead = time.time() + self.target.clock_skew + 86_400
        for name in ("QueryStartDate",):
            walk = self.walk(largest, f"{case}, {name} a day ahead", filters={name: ahead})
            listed_ids = [i for i in created if i in walk.items]
            if listed_ids:
                self.fail(
                    "lifecycle.list.filters",
                    f"ListWorkflows under a {name} a day ahead ({when(ahead)}) lists no workflow the run "
                    "has just created",
                    walk.last,
                    f"{len(listed_ids)} of the {len(created)} are listed, among them "
                    f"{describe_value(listed_ids[0], length=False)}",
                    f"{case}, {name} {when(ahead)}",
                )
        self.passed("lifecycle.list.filters")

    def _status(self, workflow_id: str) -> Any:
        answer = self.get(workflow_id).json()
        return answer.get("Status") if isinstance(answer, dict) else None

    # -- what a rejected create leaves -------------------------------------------------------------------
    def expect_no_trace(self, before: set[str], rejected: dict[str, Exchange], case: str) -> None:
        """No workflow made from a rejected create: among the workflows listed now and not before
        (``before``), none that the run did not create holds one of the markers that ``rejected`` maps to
        the rejected exchange that carried it (as its ConnectorProfileName)."""
        __tracebackhide__ = True
        walk = self.walk(self.largest_page(), case)
        if walk.pages == MAX_PAGES:
            return
        own = set(self.target.created)
        fresh = [i for i in walk.ids if i not in before and i not in own]
        for workflow_id in fresh[:MAX_PAGES]:
            got = self.get(workflow_id)
            answer = got.json() if got.status == 200 else None
            profile = dig(answer, "Attributes", "AppflowIntegration", "ConnectorProfileName")
            if isinstance(profile, str) and profile in rejected:
                failure_exchange = rejected[profile]
                self.fail(
                    "lifecycle.rejected.untraced",
                    "a rejected create makes no workflow",
                    failure_exchange,
                    f"answered {failure_exchange.status}, and yet workflow "
                    f"{describe_value(workflow_id, length=False)} holds what it sent (its "
                    f"ConnectorProfileName {describe_value(profile, length=False)}): GetWorkflow answered "
                    f"{got.status}",
                    case,
                )
        self.passed("lifecycle.rejected.untraced")

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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def when(seconds: float) -> str:
    """Epoch seconds as a UTC time a person reads, where a datetime holds it."""
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return f"{seconds:g} s from 1970"


def _reading(value: float, low: float, high: float) -> str:
    """How an implausible time may have come about, where one reading explains it."""
    if low <= value / 1000 <= high:
        return ": read as milliseconds it lies in the window (epoch seconds are due)"
    middle = (low + high) / 2
    hours = round((value - middle) / 3600)
    if 1 <= abs(hours) <= 14 and low <= value - hours * 3600 <= high:
        return f": {abs(hours)} hours {'ahead' if hours > 0 else 'behind'}, as a local time taken for UTC is"
    return ""


def unknown_workflow_ids() -> list[str]:
    """Well-formed WorkflowIds that no target made: random ones, and the smallest."""
    return [uuid.uuid4().hex, "0" * 32]
