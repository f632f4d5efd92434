"""Mutants of the workflow lifecycle: a target that validates every create and answers a well-formed
WorkflowId, but stores, reads back, lists or deletes wrong.

Written from how mocks and emulators of a create/read/list/delete API are commonly built, not from what
the lifecycle checks send: a handler stub that never wired up its store, a read path that copies the
documentation's example or the wrong key, a database column shorter than the model's member, an ORM that
writes dates as ISO strings, paging code one off at an edge, a soft delete that one query forgets, a
DELETE that is "idempotent".  Each is the reference with one method overridden, and names in ``breaks``
the one property a lifecycle check must name first (its other deviations, where it has any, are listed
in ``tests/test_zoo_lifecycle.py``, which shows each deviation by direct HTTP).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from conformance.reference import ReferenceService, Reply, WorkflowRecord
from conformance.spec.validation import Violation
from tests.zoo import DOMAIN, Mutant

GET_RESPONSE = "GetWorkflow.Response"
APPFLOW_RESPONSE = f"{GET_RESPONSE}.Attributes.AppflowIntegration"
# A VARCHAR(128) for the role: long enough for every ARN in the documentation's examples.
ROLE_COLUMN = 128
# What a version-4 UUID validator takes, written without dashes as the service issues its ids.
UUID4 = re.compile(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", re.ASCII)


def _appflow(description: dict[str, Any]) -> dict[str, Any] | None:
    """The AppflowIntegration attributes of a GetWorkflow answer (absent when no connector type fits)."""
    return description.get("Attributes", {}).get("AppflowIntegration")


def _with_source(body: Any, **members: Any) -> Any:
    """A copy of a recorded body with members of its SourceFlowConfig replaced."""
    if not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    flow = body.get("IntegrationConfig", {}).get("AppflowIntegration", {}).get("FlowDefinition", {})
    if isinstance(flow.get("SourceFlowConfig"), dict):
        flow["SourceFlowConfig"].update(members)
    return body


# -- the create stores wrong ---------------------------------------------------------------------------------
class StoresNothing(ReferenceService):
    """Validates, answers a fresh WorkflowId, and keeps nothing: a stub whose store was never wired up."""

    def record_workflow(self, domain: str, workflow_id: str, body: Any) -> None:
        return None


class RoleArnColumn(ReferenceService):
    """Stores RoleArn in a 128-character column that truncates silently (MySQL outside strict mode), so
    a longer ARN reads back cut short; a value that still fits the output is answered as stored."""

    def record_workflow(self, domain: str, workflow_id: str, body: Any) -> None:
        if isinstance(body, dict) and isinstance(body.get("RoleArn"), str):
            body = {**body, "RoleArn": body["RoleArn"][:ROLE_COLUMN]}
        super().record_workflow(domain, workflow_id, body)


# -- GetWorkflow reads back wrong ----------------------------------------------------------------------------
class FreshIdOnRead(ReferenceService):
    """Builds GetWorkflow's answer with the create handler's code, which mints a WorkflowId of its own."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        return {**super().workflow_description(record), "WorkflowId": self.new_workflow_id()}


class AlwaysSalesforce(ReferenceService):
    """Answers the SourceConnectorType of the documentation's example, whatever the request's was."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        description = super().workflow_description(record)
        appflow = _appflow(description)
        if appflow is not None:
            appflow["SourceConnectorType"] = "Salesforce"
        return description


class ProfileFromFlowName(ReferenceService):
    """Reads ConnectorProfileName from FlowDefinition.FlowName: two names side by side, the wrong key.
    A FlowName always fits the output's ConnectorProfileName, so only the value is wrong."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        body = record.body if isinstance(record.body, dict) else {}
        flow = body.get("IntegrationConfig", {}).get("AppflowIntegration", {}).get("FlowDefinition", {})
        flow_name = flow.get("FlowName") if isinstance(flow, dict) else None
        misread = _with_source(body, ConnectorProfileName=flow_name)
        return super().workflow_description(dataclasses.replace(record, body=misread))


class RoleArnCopiedWhole(ReferenceService):
    """Copies the request's RoleArn (up to 512 characters) into an output member that holds 255."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        description = super().workflow_description(record)
        appflow = _appflow(description)
        role_arn = record.body.get("RoleArn") if isinstance(record.body, dict) else None
        if appflow is not None and isinstance(role_arn, str):
            appflow["RoleArn"] = role_arn
        return description


class StatusCreated(ReferenceService):
    """Answers its own state name, ``CREATED``, which the model's Status enum lacks (GetWorkflow only:
    the list's items go through a mapping that is right)."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        return {**super().workflow_description(record), "Status": "CREATED"}


class LastUpdatedIso(ReferenceService):
    """Writes LastUpdatedAt as an ISO 8601 string (an ORM's ``updated_at`` through its default JSON
    encoder) where restJson1 sends epoch seconds; StartDate, written by hand, is a number."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        written = datetime.fromtimestamp(record.created_at, UTC).isoformat()
        return {**super().workflow_description(record), "LastUpdatedAt": written}


class GetIdAsUuid4(ReferenceService):
    """Parses GetWorkflow's id as a version-4 UUID (pydantic's ``UUID4``, a ``uuid4`` regex): ids it issued
    pass, a well-formed id that is no version-4 UUID, such as 32 zeros, is refused 400 instead of 404."""

    def workflow_id_violations(self, operation: str, workflow_id: str) -> list[Violation]:
        violations = super().workflow_id_violations(operation, workflow_id)
        if operation != "GetWorkflow" or violations:
            return violations
        if not UUID4.fullmatch(workflow_id):
            return [Violation(f"{operation}.WorkflowId.uuid4", "is not a version-4 UUID", "WorkflowId")]
        return violations


class GetIdUnvalidated(ReferenceService):
    """Looks GetWorkflow's id up without validating it: a malformed id is one it doesn't have (404)."""

    def workflow_id_violations(self, operation: str, workflow_id: str) -> list[Violation]:
        return [] if operation == "GetWorkflow" else super().workflow_id_violations(operation, workflow_id)


# -- ListWorkflows pages wrong -------------------------------------------------------------------------------
class ItemsWithoutStatusDescription(ReferenceService):
    """Leaves StatusDescription out of the list's items, a member the output model requires."""

    def list_item(self, record: WorkflowRecord) -> dict[str, Any]:
        item = super().list_item(record)
        del item["StatusDescription"]
        return item


class LastPageOneShort(ReferenceService):
    """Ends the last page one item short (``items[offset:total - 1]``): the newest workflow is never
    listed."""

    def list_response(self, items: list[dict[str, Any]], next_token: str | None) -> Reply:
        return super().list_response(items if next_token is not None else items[:-1], next_token)


class IgnoresMaxResults(ReferenceService):
    """Reads no max-results: every page is as long as the model allows."""

    def page_size(self, parameters: dict[str, Any]) -> int:
        return super().page_size({})


class FirstPageTwice(ReferenceService):
    """Counts pages from 1 in its tokens but calls the first page 0, so the first page's NextToken leads
    to the first page again; from there on the pages move on and end."""

    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        reply = super().list_workflows(domain, content_type, query, raw_body)
        parameters, _ = self.list_query_violations(query)
        if reply.status != 200 or "NextToken" in parameters:
            return reply
        page = json.loads(reply.body)
        if "NextToken" not in page:
            return reply
        filters, _ = self.list_filter_violations(raw_body)
        return self.list_response(page["Items"], self.next_token(domain, filters, 0))


class NeverEnds(ReferenceService):
    """Always answers a NextToken, the cursor of the newest workflow: the page after the last is empty
    and carries the same token again, so a client that follows tokens never stops."""

    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        reply = super().list_workflows(domain, content_type, query, raw_body)
        if reply.status != 200:
            return reply
        page = json.loads(reply.body)
        if "NextToken" in page:
            return reply
        filters, _ = self.list_filter_violations(raw_body)
        with self._lock:
            newest = max((r.sequence for (d, _), r in self._workflows.items() if d == domain), default=0)
        return self.list_response(page["Items"], self.next_token(domain, filters, newest))


# -- DeleteWorkflow deletes wrong ----------------------------------------------------------------------------
class Delete204(ReferenceService):
    """Deletes, and answers the REST habit, 204 No Content, where the model says 200."""

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        reply = super().delete_workflow(domain, workflow_id)
        if reply.status != 200:
            return reply
        headers = {k: v for k, v in reply.headers.items() if k.lower() != "content-type"}
        return Reply(204, headers, b"")


class _SoftDelete(ReferenceService):
    """Deletes, then puts back what ``left_behind`` makes of the deleted record: a soft delete."""

    def left_behind(self, domain: str, workflow_id: str, record: Any) -> tuple[tuple[str, str], Any]:
        raise NotImplementedError

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        with self._lock:
            record = self._workflows.get((domain, workflow_id))
        reply = super().delete_workflow(domain, workflow_id)
        if reply.status == 200 and record is not None:
            key, kept = self.left_behind(domain, workflow_id, record)
            with self._lock:
                self._workflows[key] = kept
        return reply


class SoftDeleteStillReadable(_SoftDelete):
    """Soft-deletes: marks the workflow deleted, which ListWorkflows' query skips and GetWorkflow's
    lookup forgets to, so the workflow reads back 200 after its delete.  (In the reference's terms the
    record stays, at listing position 0, before every page.)"""

    def left_behind(self, domain: str, workflow_id: str, record: Any) -> tuple[tuple[str, str], Any]:
        return (domain, workflow_id), dataclasses.replace(record, sequence=0)


class TombstoneStillListed(_SoftDelete):
    """Soft-deletes the other way round: re-keys the workflow as a tombstone (``deleted:<id>``), which
    lookups miss, but ListWorkflows walks every record, tombstones included."""

    def left_behind(self, domain: str, workflow_id: str, record: Any) -> tuple[tuple[str, str], Any]:
        return (domain, f"deleted:{workflow_id}"), record


class IdempotentDelete(ReferenceService):
    """Treats DELETE as idempotent: a well-formed id it does not have is "already deleted", 200."""

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        reply = super().delete_workflow(domain, workflow_id)
        if reply.status == 404 and self.domain_exists(domain):
            return self.json_response(200, {})
        return reply


class DeleteIdUnbounded(ReferenceService):
    """Checks no length of DeleteWorkflow's id (its model has no pattern, which it took for no rule at
    all): an id too long is looked up and not found (404) instead of refused."""

    def workflow_id_violations(self, operation: str, workflow_id: str) -> list[Violation]:
        return [] if operation == "DeleteWorkflow" else super().workflow_id_violations(operation, workflow_id)


# -- what holds beyond each answer ----------------------------------------------------------------------
class UnlockedCounter(ReferenceService):
    """Numbers its workflows from a counter it reads, then writes back once the record is built (a
    ``SELECT MAX(id)`` and an ``INSERT`` with no transaction between them): two creates at once get the
    same WorkflowId, and the second overwrites the first."""

    _last = 0x0C0FFEE000

    def new_workflow_id(self) -> str:
        number = self._last + 1
        time.sleep(0.003)  # building the record, between the read and the write
        self._last = number
        return f"{number:032x}"


class StartDateInMilliseconds(ReferenceService):
    """Writes GetWorkflow's dates as JavaScript's ``Date.now()`` gives them, milliseconds, where the
    protocol's timestamps are epoch seconds: a number all the same, 1000 times too large."""

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        description = super().workflow_description(record)
        for name in ("StartDate", "LastUpdatedAt"):
            description[name] = int(description[name] * 1000)
        return description


class ListTimesLocal(ReferenceService):
    """Lists a workflow's dates from a naive local time (UTC-5) that is taken for UTC when it is turned
    into epoch seconds: five hours behind."""

    def list_item(self, record: WorkflowRecord) -> dict[str, Any]:
        item = super().list_item(record)
        for name in ("CreatedAt", "LastUpdatedAt"):
            item[name] = item[name] - 5 * 3600
        return item


class StatusFilterIgnored(ReferenceService):
    """Parses ListWorkflows' Status filter, checks it against the enum, and never applies it."""

    def workflow_matches(self, record: WorkflowRecord, filters: dict[str, Any]) -> bool:
        return super().workflow_matches(record, {k: v for k, v in filters.items() if k != "Status"})


class LaterPagesSkipOne(ReferenceService):
    """Its NextToken points one past the last item of the page (``offset + limit + 1``), so each page
    after the first leaves out the workflow that should open it."""

    def next_token(self, domain: str, filters: dict[str, Any], after: int) -> str:
        return super().next_token(domain, filters, after + 1)


class WritesBeforeValidating(ReferenceService):
    """Stores the workflow as soon as the body parses, then validates: a request it rejects with 400
    has left a workflow behind."""

    def create_integration_workflow(self, domain: str, content_type: str | None, raw_body: bytes) -> Reply:
        try:
            body = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            body = None
        if isinstance(body, dict) and self.domain_exists(domain):
            reply = super().create_integration_workflow(domain, content_type, raw_body)
            if reply.status != 200:
                self.record_workflow(domain, self.new_workflow_id(), body)
            return reply
        return super().create_integration_workflow(domain, content_type, raw_body)


def _lifecycle(name: str, breaks: str, service: type[ReferenceService]) -> Mutant:
    return Mutant(name, "lifecycle", breaks, lambda: service(domains=[DOMAIN]))


LIFECYCLE_MUTANTS: list[Mutant] = [
    _lifecycle("create stores nothing", "lifecycle.get.status", StoresNothing),
    _lifecycle("GetWorkflow mints a new WorkflowId", "lifecycle.get.WorkflowId", FreshIdOnRead),
    _lifecycle(
        "SourceConnectorType always Salesforce", "lifecycle.get.SourceConnectorType", AlwaysSalesforce
    ),
    _lifecycle(
        "ConnectorProfileName read from FlowName", "lifecycle.get.ConnectorProfileName", ProfileFromFlowName
    ),
    _lifecycle("RoleArn in a 128-character column", "lifecycle.get.RoleArn", RoleArnColumn),
    _lifecycle("RoleArn copied past 255", f"{APPFLOW_RESPONSE}.RoleArn.maxLength", RoleArnCopiedWhole),
    _lifecycle("Status CREATED", f"{GET_RESPONSE}.Status.enum", StatusCreated),
    _lifecycle("LastUpdatedAt as an ISO string", f"{GET_RESPONSE}.LastUpdatedAt.type", LastUpdatedIso),
    _lifecycle("GetWorkflow ids read as UUID4", "lifecycle.get.unknown", GetIdAsUuid4),
    _lifecycle("GetWorkflow ids not validated", "GetWorkflow.WorkflowId.pattern", GetIdUnvalidated),
    _lifecycle(
        "list items without StatusDescription",
        "ListWorkflows.Response.Items[].StatusDescription.required",
        ItemsWithoutStatusDescription,
    ),
    _lifecycle("last list page one short", "lifecycle.list.contains", LastPageOneShort),
    _lifecycle("list ignores max-results", "lifecycle.list.MaxResults", IgnoresMaxResults),
    _lifecycle("first list page twice", "lifecycle.list.once", FirstPageTwice),
    _lifecycle("list pages never end", "lifecycle.list.ends", NeverEnds),
    _lifecycle("DeleteWorkflow answers 204", "lifecycle.delete.status", Delete204),
    _lifecycle("soft delete still readable", "lifecycle.delete.gone", SoftDeleteStillReadable),
    _lifecycle("tombstone still listed", "lifecycle.delete.unlisted", TombstoneStillListed),
    _lifecycle("DeleteWorkflow of an unknown id answers 200", "lifecycle.delete.unknown", IdempotentDelete),
    _lifecycle("DeleteWorkflow ids not bounded", "DeleteWorkflow.WorkflowId.maxLength", DeleteIdUnbounded),
    _lifecycle("ids from an unlocked counter", "lifecycle.create.concurrent", UnlockedCounter),
    _lifecycle("GetWorkflow dates in milliseconds", "lifecycle.get.times", StartDateInMilliseconds),
    _lifecycle("list dates in local time", "lifecycle.list.times", ListTimesLocal),
    _lifecycle("Status filter ignored", "lifecycle.list.filters", StatusFilterIgnored),
    _lifecycle("later list pages skip one", "lifecycle.list.contains", LaterPagesSkipOne),
    _lifecycle("stores before validating", "lifecycle.rejected.untraced", WritesBeforeValidating),
]
