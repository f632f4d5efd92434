"""A successful create creates: GetWorkflow reads the workflow back as it was asked for, ListWorkflows
lists it, DeleteWorkflow removes it; ids nobody created are not found, malformed ones are refused.  And what
holds beyond each single answer: creates sent at once each make their own workflow, the times the server
sets are plausible, filters and pages hold on a domain of many workflows, a rejected create leaves no
workflow behind.

Skipped for a target without these operations (``--lifecycle required`` fails instead, ``--lifecycle off``
sends none of them).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from hypothesis import given

from conformance import strategies
from conformance.core.exchange import Exchange
from conformance.core.target import CreateBudgetSpent
from conformance.flagship.fixtures import FIXTURE_MEMBERS
from conformance.flagship.judge import created_id
from conformance.flagship.lifecycle import BURST, MAX_PAGES, Lifecycle, dig, unknown_workflow_ids
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings
from conformance.spec import load_contract
from conformance.spec.lifecycle import load_lifecycle
from conformance.spec.wire import Request
from conformance.strategies import boundary_cases, canonical_body

pytestmark = pytest.mark.lifecycle


def require(lifecycle: Lifecycle, *operations: str) -> None:
    """Skip the test (fail it, with --lifecycle required) unless the target has every operation."""
    __tracebackhide__ = True
    unmet = lifecycle.unmet(*operations)
    if unmet is not None:
        message, fails = unmet
        if fails:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


_SOURCE = "IntegrationConfig.AppflowIntegration.FlowDefinition.SourceFlowConfig"
CONNECTOR_TYPES = load_contract().constraints[f"{_SOURCE}.ConnectorType.enum"].value
# GetWorkflow's RoleArn holds at most 255 characters, the request's 512: a RoleArn on each side.
ROLE_LENGTHS = (255, 256, 512)
LISTED = 3  # workflows the list property creates


def role_arn(length: int) -> str:
    prefix = "arn:aws:iam::123456789012:role/"
    return prefix + "r" * (length - len(prefix))


def create(target: FlagshipTarget, send: Any, request: Request) -> tuple[Exchange, str | None]:
    request = target.with_fixtures(request)
    exchange = send(request, creates=True)
    target.expect_success(exchange, request)
    return exchange, created_id(exchange)


def create_listed(target: FlagshipTarget, send: Any) -> list[str]:
    """The ids of ``LISTED`` canonical workflows, one create after another."""
    ids = []
    for _ in range(LISTED):
        _, workflow_id = create(target, send, Request(None, canonical_body()))
        if workflow_id is not None:
            ids.append(workflow_id)
    return ids


@suite_settings(1)
@given(request=strategies.valid_requests())
def test_a_created_workflow_reads_back_as_created(
    target: FlagshipTarget, send: Any, lifecycle: Lifecycle, request: Request
) -> None:
    require(lifecycle, "GetWorkflow")
    created, workflow_id = create(target, send, request)
    if workflow_id is not None:
        sent = created.request.body if created.request is not None else request.body
        lifecycle.expect_read_back(lifecycle.get(workflow_id), workflow_id, sent, created)


@pytest.mark.parametrize("role_length", ROLE_LENGTHS)
@pytest.mark.parametrize("connector_type", CONNECTOR_TYPES)
def test_each_connector_type_reads_back(
    target: FlagshipTarget, send: Any, lifecycle: Lifecycle, connector_type: str, role_length: int
) -> None:
    require(lifecycle, "GetWorkflow")
    body = copy.deepcopy(canonical_body(full=True))
    dig(body, *_SOURCE.split("."))["ConnectorType"] = connector_type
    body["RoleArn"] = role_arn(role_length)
    created, workflow_id = create(target, send, Request(None, body))
    if workflow_id is not None:
        sent = created.request.body if created.request is not None else body
        lifecycle.expect_read_back(lifecycle.get(workflow_id), workflow_id, sent, created)


def test_list_workflows_lists_each_created_workflow_once(
    target: FlagshipTarget, send: Any, lifecycle: Lifecycle
) -> None:
    require(lifecycle, "ListWorkflows")
    ids = create_listed(target, send)
    case = f"ListWorkflows after {LISTED} creates"
    walk = lifecycle.expect_listed(ids, case)
    lifecycle.expect_list_agrees(walk, ids, case)


def test_a_deleted_workflow_is_gone(target: FlagshipTarget, send: Any, lifecycle: Lifecycle) -> None:
    require(lifecycle, "DeleteWorkflow", "GetWorkflow")
    _, workflow_id = create(target, send, Request(None, canonical_body()))
    if workflow_id is None:
        return
    case = "DeleteWorkflow of a workflow the create just made"
    deleted = lifecycle.delete(workflow_id)
    lifecycle.expect_ok(
        "DeleteWorkflow", deleted, "lifecycle.delete.status",
        "DeleteWorkflow of a WorkflowId a create returned answers 200", case,
    )  # fmt: skip
    lifecycle.expect_gone(workflow_id, case)
    if lifecycle.has("ListWorkflows"):
        lifecycle.expect_unlisted(workflow_id, case)


@pytest.mark.parametrize("operation", ["GetWorkflow", "DeleteWorkflow"])
def test_a_workflow_never_created_is_not_found(lifecycle: Lifecycle, operation: str) -> None:
    require(lifecycle, operation)
    short = "get" if operation == "GetWorkflow" else "delete"
    for workflow_id in unknown_workflow_ids():
        exchange = lifecycle.get(workflow_id) if short == "get" else lifecycle.delete(workflow_id)
        lifecycle.expect_not_found(
            exchange,
            f"lifecycle.{short}.unknown",
            f"{operation} of a well-formed WorkflowId that was never created answers 404 "
            "ResourceNotFoundException",
            f"{operation} of a WorkflowId nobody created",
        )


MALFORMED = [
    (operation, value, constraint_id)
    for operation in ("GetWorkflow", "DeleteWorkflow")
    for value, constraint_id in load_lifecycle().malformed_workflow_ids(operation)
]


@pytest.mark.parametrize(
    ("operation", "workflow_id", "constraint_id"),
    MALFORMED,
    ids=[f"{constraint_id}" for _, _, constraint_id in MALFORMED],
)
def test_a_malformed_workflow_id_is_rejected(
    lifecycle: Lifecycle, operation: str, workflow_id: str, constraint_id: str
) -> None:
    require(lifecycle, operation)
    exchange = lifecycle.get(workflow_id) if operation == "GetWorkflow" else lifecycle.delete(workflow_id)
    lifecycle.expect_invalid(
        exchange, constraint_id, f"{operation} of a WorkflowId that breaks {constraint_id}"
    )


def affordable(target: FlagshipTarget, wanted: int) -> int:
    """How many of ``wanted`` creates one property may spend: all of them, unless --max-creates bounds the
    run, then at most a quarter of what is left (the valid properties need the rest)."""
    if target.creates_left is None:
        return wanted
    return min(wanted, target.creates_left // 4)


def _burst(lifecycle: Lifecycle, count: int, label: str) -> list[tuple[Request, Exchange]]:
    """``count`` creates sent at once, each of its own ConnectorProfileName: the requests as sent, with
    their exchanges (the test is skipped where --max-creates leaves too few)."""
    run = uuid.uuid4().hex[:8]
    requests = []
    for index in range(count):
        body = copy.deepcopy(canonical_body(full=True))
        dig(body, *_SOURCE.split("."))["ConnectorProfileName"] = f"{label}-{run}-{index}"
        requests.append(Request(None, body))
    try:
        exchanges = lifecycle.create_at_once(requests)
    except CreateBudgetSpent as spent:
        pytest.skip(str(spent))
    return [
        (exchange.request or request, exchange) for request, exchange in zip(requests, exchanges, strict=True)
    ]


def test_creates_sent_at_once_each_make_their_own_workflow(
    target: FlagshipTarget, lifecycle: Lifecycle
) -> None:
    """BURST creates in flight at once over several connections: each is answered as a create is, with a
    WorkflowId of its own; each reads back as it was asked for, and is listed once."""
    require(lifecycle)
    count = affordable(target, BURST)
    if count < 2:
        pytest.skip(f"--max-creates leaves too few creates for {BURST} sent at once")
    case = f"{count} creates sent at the same time"
    sent = _burst(lifecycle, count, "burst")
    for request, exchange in sent:
        target.expect_success(exchange, request)
    ids = lifecycle.expect_own_ids([exchange for _, exchange in sent], case)
    if lifecycle.has("GetWorkflow"):
        by_id = {created_id(exchange): (request, exchange) for request, exchange in sent}
        for workflow_id in ids:
            request, exchange = by_id[workflow_id]
            lifecycle.expect_read_back(lifecycle.get(workflow_id), workflow_id, request.body, exchange)
    if lifecycle.has("ListWorkflows"):
        lifecycle.expect_listed(ids, case)


def test_every_page_of_a_busy_domain_lists_each_workflow_once(
    target: FlagshipTarget, lifecycle: Lifecycle
) -> None:
    """On a domain of more workflows than the model's largest page (the run creates what it lacks, at
    once), pages of several small sizes list every workflow the run created and has not deleted exactly
    once: an item lost or repeated at a page's edge shows only where pages have edges."""
    require(lifecycle, "ListWorkflows")
    case = "ListWorkflows in small pages on a domain of many workflows"
    largest = lifecycle.largest_page()
    walk = lifecycle.walk(largest, case)
    if walk.pages == MAX_PAGES:
        pytest.skip(f"the domain holds more than {MAX_PAGES} pages of {largest} workflows: too many to walk")
    short = largest + 1 - len(walk.ids)
    if short > affordable(target, short):
        pytest.skip(
            f"the domain holds {len(walk.ids)} workflows; one of more than a page of {largest} needs {short} "
            "more, and --max-creates leaves too few of them (raise it to run this check)"
        )
    if short > 0:
        for request, exchange in _burst(lifecycle, short, "busy"):
            target.expect_success(exchange, request)
    wanted = list(target.created)
    lifecycle.expect_every_page(wanted, max(len(walk.ids), largest + 1), case)


def test_list_filters_hold(target: FlagshipTarget, send: Any, lifecycle: Lifecycle) -> None:
    """ListWorkflows under each Status and WorkflowType lists only workflows that have it, and the run's
    own that have it; under a QueryStartDate a day ahead, none of the run's new ones."""
    require(lifecycle, "ListWorkflows")
    ids = create_listed(target, send)
    lifecycle.expect_filters(ids, f"ListWorkflows' filters after {LISTED} creates")


# Members a marker can go in (GetWorkflow shows each), the first one no fixture pins is used.
_MARKED = (f"{_SOURCE}.ConnectorProfileName", "RoleArn")
# Rejected creates sent: one invalid edge of each of these kinds, of members away from the marker.
_REJECTED_KINDS = ("pattern", "enum", "maxLength", "required", "type")


def _rejected_cases(marked: str) -> list[Any]:
    """Invalid edges of the catalogue whose body keeps the marked member's place: one of each kind."""
    chosen: dict[str, Any] = {}
    for case in boundary_cases():
        kind = case.constraint_id.rsplit(".", 1)[1]
        if case.valid or kind in chosen or kind not in _REJECTED_KINDS:
            continue
        request = case.request
        if not isinstance(request, Request) or request.domain is not None or request.raw_body is not None:
            continue
        member = case.constraint_id.rsplit(".", 1)[0]
        if marked.startswith(member) or member.startswith(marked):
            continue
        *parents, _ = marked.split(".")
        if not isinstance(dig(request.body, *parents), dict):
            continue
        chosen[kind] = case
    return list(chosen.values())


def test_a_rejected_create_leaves_no_workflow(
    target: FlagshipTarget, send: Any, lifecycle: Lifecycle
) -> None:
    """Creates that break one constraint each, each carrying a marker of its own where GetWorkflow shows it:
    none of the workflows that appear meanwhile, and that the run did not create, holds a marker."""
    require(lifecycle, "ListWorkflows", "GetWorkflow")
    marked = next((path for path in _MARKED if not _pinned(target, path)), None)
    if marked is None:
        pytest.skip("--fixtures pin both ConnectorProfileName and RoleArn: no member is left for a marker")
    case = "ListWorkflows and GetWorkflow after creates that were rejected"
    before = set(lifecycle.walk(lifecycle.largest_page(), case).ids)
    rejected = {}
    run = uuid.uuid4().hex[:12]
    for index, boundary in enumerate(_rejected_cases(marked)):
        body = copy.deepcopy(boundary.request.body)
        *parents, name = marked.split(".")
        marker = f"rejected-{run}-{index}"
        dig(body, *parents)[name] = (
            marker if name != "RoleArn" else f"arn:aws:iam::123456789012:role/{marker}"
        )
        request = target.with_fixtures(Request(None, body), about=marked)
        exchange = send(request, creates=True)
        target.expect_rejection(exchange, request, boundary.constraint_id)
        rejected[marker] = exchange
    lifecycle.expect_no_trace(before, rejected, case)


def _pinned(target: FlagshipTarget, path: str) -> bool:
    return any(target.fixtures.get(key) for key, member in FIXTURE_MEMBERS.items() if member == path)
