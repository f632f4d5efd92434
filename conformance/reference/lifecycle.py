"""The reference's ListWorkflows, GetWorkflow and DeleteWorkflow: what lets a test see what it created.

``WorkflowLifecycle`` is mixed into ``ReferenceService`` rather than held by it, so that each of its
decisions stays one overridable method of the service: a mutant in the suite's own tests is still a
subclass of ``ReferenceService`` that overrides one of them, and these methods reach the decisions and
answers every operation shares (``_refused_outright``, ``domain_violations``, ``parsed_json``,
``domain_exists``, ``validation_error``, ``domain_not_found``, ``not_found``, ``json_response``) through
``self``: a mutant of one of those changes every operation that asks it.

It also holds the store the operations read, which CreateIntegrationWorkflow writes through
``record_workflow``; the lock guards every read and write of ``_workflows``.  Inputs are judged by
their shapes in botocore's model (``conformance.reference.shapes``); success statuses come from
``spec.lifecycle``.  A NextToken is signed with a key of the service's own, so a token names one
domain and one set of filters, and one the service did not issue (or another instance did) fails to
verify.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from conformance.reference.messages import Reply, excerpt
from conformance.reference.shapes import body_members, lifecycle_operation, query_value, shape_violations
from conformance.spec import load_lifecycle
from conformance.spec import patterns as regex
from conformance.spec.validation import Violation


@dataclass(frozen=True)
class WorkflowRecord:
    domain: str
    workflow_id: str
    body: Any
    created_at: float
    sequence: int = 0  # creation order, which ListWorkflows pages through


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _workflow_type(record: WorkflowRecord) -> str:
    """The request's WorkflowType; a mutant that skips validation may have recorded another value."""
    allowed = lifecycle_operation("GetWorkflow").output_shape.members["WorkflowType"].enum
    given = record.body.get("WorkflowType") if isinstance(record.body, dict) else None
    return given if given in allowed else allowed[0]


def _success_status(operation: str) -> int:
    return load_lifecycle().operations[operation].success_status


class WorkflowLifecycle:
    """ListWorkflows, GetWorkflow and DeleteWorkflow, with every decision overridable.

    ``list_workflows`` asks ``content_type_violation`` and ``domain_violations`` (as
    CreateIntegrationWorkflow does), then ``list_query_violations(query)`` (``max-results``,
    ``next-token``), ``list_filter_violations(raw)`` (the JSON body's filters), ``domain_exists``,
    ``token_position(domain, filters, token)`` (``None`` for a token it did not issue),
    ``page_size(parameters)``, ``workflow_matches(record, filters)``, ``next_token(domain, filters,
    after)``, ``list_item(record)`` and ``list_response(items, token)``.

    ``get_workflow`` and ``delete_workflow`` ask ``domain_violations``, ``workflow_id_violations(operation,
    id)`` and ``domain_exists``; GetWorkflow answers ``workflow_description(record)``.
    ``workflow_status(record)`` and ``status_description(record)`` say where a workflow stands.  Patterns
    of the lifecycle operations are read by ``pattern_matches``.  ``MAX_WORKFLOWS`` bounds the store.
    """

    # Oldest workflows are forgotten past this many, so a long fuzzing run can't grow memory forever.
    MAX_WORKFLOWS = 10_000
    # GetWorkflow's output requires a ConnectorProfileName, which the request may leave out.
    UNNAMED_CONNECTOR_PROFILE = "unnamed-connector-profile"

    def __init__(self) -> None:
        self._workflows: dict[tuple[str, str], WorkflowRecord] = {}
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)
        self._token_key = secrets.token_bytes(32)  # NextTokens are signed: one not issued here won't verify

    # -- operations (called by the plumbing once a request is routed) ------------------------------------
    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        refused = self._refused_outright(domain, content_type)
        if refused is not None:
            return refused
        parameters, violations = self.list_query_violations(query)
        if violations:
            return self.validation_error(violations)
        filters, violations = self.list_filter_violations(raw_body)
        if violations:
            return self.validation_error(violations)
        if not self.domain_exists(domain):
            return self.domain_not_found(domain)
        token = parameters.get("NextToken")
        after = 0 if token is None else self.token_position(domain, filters, token)
        if after is None:
            message = "was not issued by this service for this domain and these filters"
            return self.validation_error([Violation("ListWorkflows.NextToken.issued", message, "next-token")])
        with self._lock:
            later = [r for (d, _), r in self._workflows.items() if d == domain and r.sequence > after]
        matching = sorted((r for r in later if self.workflow_matches(r, filters)), key=lambda r: r.sequence)
        page = matching[: self.page_size(parameters)]
        more = len(matching) > len(page)
        next_token = self.next_token(domain, filters, page[-1].sequence) if more and page else None
        return self.list_response([self.list_item(record) for record in page], next_token)

    def get_workflow(self, domain: str, workflow_id: str) -> Reply:
        found = self._find_workflow("GetWorkflow", domain, workflow_id)
        if isinstance(found, Reply):
            return found
        return self.json_response(_success_status("GetWorkflow"), self.workflow_description(found))

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        found = self._find_workflow("DeleteWorkflow", domain, workflow_id)
        if isinstance(found, Reply):
            return found
        with self._lock:
            self._workflows.pop((domain, workflow_id), None)
        return self.json_response(_success_status("DeleteWorkflow"), {})

    def _find_workflow(self, operation: str, domain: str, workflow_id: str) -> WorkflowRecord | Reply:
        violations = self.domain_violations(domain) + self.workflow_id_violations(operation, workflow_id)
        if violations:
            return self.validation_error(violations)
        if not self.domain_exists(domain):
            return self.domain_not_found(domain)
        with self._lock:
            record = self._workflows.get((domain, workflow_id))
        if record is None:
            return self.not_found(
                f"Workflow {excerpt(workflow_id, 64)!r} does not exist in domain {domain!r}."
            )
        return record

    # -- the store ----------------------------------------------------------------------------------------
    def record_workflow(self, domain: str, workflow_id: str, body: Any) -> None:
        with self._lock:
            record = WorkflowRecord(domain, workflow_id, body, time.time(), next(self._sequence))
            self._workflows[(domain, workflow_id)] = record
            while len(self._workflows) > self.MAX_WORKFLOWS:
                del self._workflows[next(iter(self._workflows))]  # dicts keep insertion order

    def workflow_count(self) -> int:
        with self._lock:
            return len(self._workflows)

    # -- decisions, one each ------------------------------------------------------------------------------
    def pattern_matches(self, pattern: str, value: str) -> bool:
        """A lifecycle pattern read as the validator reads CreateIntegrationWorkflow's."""
        fullmatch = self.validator.semantics == "fullmatch"
        return regex.matches(pattern, value, dialect=self.validator.dialect, fullmatch=fullmatch)

    def workflow_id_violations(self, operation: str, workflow_id: str) -> list[Violation]:
        """Each operation's own shape: GetWorkflow's WorkflowId is a ``uuid`` (a pattern), DeleteWorkflow's
        only a bounded string, so a malformed id for one may be a well-formed one for the other."""
        shape = lifecycle_operation(operation).input_shape.members["WorkflowId"]
        return shape_violations(
            shape, workflow_id, f"{operation}.WorkflowId", "WorkflowId", self.pattern_matches
        )

    def list_query_violations(self, query: str) -> tuple[dict[str, Any], list[Violation]]:
        """ListWorkflows' query-string members (MaxResults, NextToken) by name, and what they break; other
        query parameters mean nothing here and are ignored."""
        fields = parse_qs(query, keep_blank_values=True)
        parameters: dict[str, Any] = {}
        violations: list[Violation] = []
        for name, shape in lifecycle_operation("ListWorkflows").input_shape.members.items():
            key = shape.serialization.get("name", name)
            if shape.serialization.get("location") != "querystring" or key not in fields:
                continue
            path, values = f"ListWorkflows.{name}", fields[key]
            value = query_value(shape, values[0]) if len(values) == 1 else None
            if value is None:
                problem = (
                    f"given {len(values)} times; it takes one {shape.type_name}"
                    if len(values) > 1
                    else f"{excerpt(repr(values[0]), 100)} is no {shape.type_name}"
                )
                violations.append(Violation(f"{path}.type", problem, key))
                continue
            violations += shape_violations(shape, value, path, key, self.pattern_matches)
            parameters[name] = value
        return parameters, violations

    def list_filter_violations(self, raw: bytes) -> tuple[dict[str, Any], list[Violation]]:
        """ListWorkflows' body members (the filters) that are set, and what they break; no body at all is
        an empty one, as botocore's ``{}`` is."""
        body, violations = self.parsed_json(raw) if raw else ({}, [])
        if violations:
            return {}, violations
        shape = lifecycle_operation("ListWorkflows").input_shape
        violations = shape_violations(
            shape, body, "ListWorkflows.Body", "body", self.pattern_matches, "ListWorkflows"
        )
        if violations:
            return {}, violations
        return {name: body[name] for name in body_members(shape) if body.get(name) is not None}, []

    def workflow_matches(self, record: WorkflowRecord, filters: dict[str, Any]) -> bool:
        """The reference runs no flow, so a workflow starts and ends (as far as it ever does) when it is
        created: both dates bound the creation time."""
        start, end = filters.get("QueryStartDate"), filters.get("QueryEndDate")
        return (
            filters.get("WorkflowType", _workflow_type(record)) == _workflow_type(record)
            and filters.get("Status", self.workflow_status(record)) == self.workflow_status(record)
            and (start is None or record.created_at >= start)
            and (end is None or record.created_at <= end)
        )

    def page_size(self, parameters: dict[str, Any]) -> int:
        """MaxResults, else the most the model allows."""
        most = lifecycle_operation("ListWorkflows").input_shape.members["MaxResults"].metadata["max"]
        return int(parameters.get("MaxResults", most))

    def next_token(self, domain: str, filters: dict[str, Any], after: int) -> str:
        """Where the next page starts (after the workflow of sequence ``after``), signed so that a token
        names one domain and one set of filters, and one the service did not issue fails."""
        return f"{after}.{self._token_signature(domain, filters, after)}"

    def token_position(self, domain: str, filters: dict[str, Any], token: str) -> int | None:
        """The sequence a ``next_token`` of this service names, or ``None`` for any other text."""
        position, _, signature = token.partition(".")
        if not (position.isascii() and position.isdigit() and str(int(position)) == position):
            return None
        expected = self._token_signature(domain, filters, int(position))
        return int(position) if hmac.compare_digest(signature.encode(), expected.encode()) else None

    def _token_signature(self, domain: str, filters: dict[str, Any], after: int) -> str:
        text = json.dumps([domain, filters, after], sort_keys=True)
        return hmac.new(self._token_key, text.encode(), hashlib.sha256).hexdigest()[:32]

    def workflow_status(self, record: WorkflowRecord) -> str:
        return "NOT_STARTED"  # the reference runs no flow

    def status_description(self, record: WorkflowRecord) -> str:
        return "The reference implementation runs no flow; the workflow has not started."

    # -- answers ------------------------------------------------------------------------------------------
    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        """GetWorkflow's answer: the request's connector type, connector profile and role, each only if it
        fits the output's shape (whose RoleArn is shorter than the request's may be).

        The output requires a ConnectorProfileName that the request may leave out: then it is
        ``UNNAMED_CONNECTOR_PROFILE``.  Read defensively: a mutant that skips validation may have recorded
        any body at all, and without a usable connector type the optional attributes are left out.
        """
        body = record.body if isinstance(record.body, dict) else {}
        source = _dig(body, "IntegrationConfig", "AppflowIntegration", "FlowDefinition", "SourceFlowConfig")
        output = lifecycle_operation("GetWorkflow").output_shape
        appflow = output.members["Attributes"].members["AppflowIntegration"]
        attributes = {"ConnectorProfileName": self.UNNAMED_CONNECTOR_PROFILE}
        for name, value in (
            ("SourceConnectorType", _dig(source, "ConnectorType")),
            ("ConnectorProfileName", _dig(source, "ConnectorProfileName")),
            ("RoleArn", body.get("RoleArn")),
        ):
            if value is not None and not shape_violations(
                appflow.members[name], value, name, name, self.pattern_matches
            ):
                attributes[name] = value
        return {
            "WorkflowId": record.workflow_id,
            "WorkflowType": _workflow_type(record),
            "Status": self.workflow_status(record),
            "StartDate": record.created_at,
            "LastUpdatedAt": record.created_at,
            "Attributes": {"AppflowIntegration": attributes} if "SourceConnectorType" in attributes else {},
        }

    def list_item(self, record: WorkflowRecord) -> dict[str, Any]:
        return {
            "WorkflowType": _workflow_type(record),
            "WorkflowId": record.workflow_id,
            "Status": self.workflow_status(record),
            "StatusDescription": self.status_description(record),
            "CreatedAt": record.created_at,
            "LastUpdatedAt": record.created_at,
        }

    def list_response(self, items: list[dict[str, Any]], next_token: str | None) -> Reply:
        payload: dict[str, Any] = {"Items": items}
        if next_token is not None:
            payload["NextToken"] = next_token
        return self.json_response(_success_status("ListWorkflows"), payload)
