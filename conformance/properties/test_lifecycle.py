"""A successful create creates: GetWorkflow reads the workflow back as it was asked for, ListWorkflows
lists it, DeleteWorkflow removes it; ids nobody created are not found, malformed ones are refused.

Skipped for a target without these operations (``--lifecycle required`` fails instead, ``--lifecycle off``
sends none of them).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given

from conformance import strategies
from conformance.core.exchange import Exchange
from conformance.flagship.judge import created_id
from conformance.flagship.lifecycle import Lifecycle, dig, unknown_workflow_ids
from conformance.flagship.target import FlagshipTarget
from conformance.plugin.profiles import suite_settings
from conformance.spec import load_contract
from conformance.spec.lifecycle import load_lifecycle
from conformance.spec.wire import Request
from conformance.strategies import canonical_body

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
    ids = []
    for _ in range(LISTED):
        _, workflow_id = create(target, send, Request(None, canonical_body()))
        if workflow_id is not None:
            ids.append(workflow_id)
    lifecycle.expect_listed(ids, f"ListWorkflows after {LISTED} creates")


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
