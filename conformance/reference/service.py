"""What the reference implementation decides, apart from how HTTP carries it.

``ReferenceService`` holds the behaviour of CreateIntegrationWorkflow (and of the ListWorkflows,
GetWorkflow and DeleteWorkflow operations that let a test see what it created) as small methods, one
decision each, so that a deliberately broken variant (a "mutant" in the suite's own tests) is a subclass
overriding one method.  The HTTP plumbing in ``conformance.reference.server`` only frames, routes and
writes what the service returns.

``spec/`` holds the contract of CreateIntegrationWorkflow alone; the lifecycle operations are judged by
their shapes in botocore's copy of the official model (``lifecycle_operation``), read through
``shape_violations``, so that no length, range or pattern of theirs is written down here.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from functools import cache
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from spec import Contract, load_contract
from spec import patterns as regex
from spec.botocore_model import SERVICE
from spec.validation import InvalidJSON, RequestValidator, Violation, parse_json

JSON_CONTENT_TYPE = "application/json"
REQUEST_ID_HEADER = "x-amzn-RequestId"
ERROR_TYPE_HEADER = "X-Amzn-Errortype"
# Protocol-level error types, outside the operation's contract: restJson1 services and Smithy's
# server framework use these names, and botocore falls back to them when it meets the status alone.
UNKNOWN_OPERATION = "UnknownOperationException"
UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaTypeException"
# A violation message quotes the offending value; a 2 MiB string must not come back as a 2 MiB message.
MESSAGE_EXCERPT = 200


class Reply(NamedTuple):
    """One HTTP answer before framing; the plumbing adds Content-Length and Connection."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class HttpRequest:
    """What ``before_response`` gets to see of the request being answered."""

    method: str
    path: str
    headers: Message  # http.server's parsed headers: case-insensitive get(), get_all(), items()
    body: bytes


@dataclass(frozen=True)
class WorkflowRecord:
    domain: str
    workflow_id: str
    body: Any
    created_at: float
    sequence: int = 0  # creation order, which ListWorkflows pages through


@cache
def lifecycle_operation(name: str) -> Any:
    """botocore's model of ``name`` (ListWorkflows, GetWorkflow, DeleteWorkflow), read once per process."""
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE).operation_model(name)


# botocore shape type -> the Python types its JSON value may have (bool is an int to Python: kept apart).
_WIRE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "timestamp": (int, float),  # restJson1 body timestamps are epoch seconds, a JSON number
    "boolean": (bool,),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}
_INTEGER_TEXT = re.compile(r"-?[0-9]+", re.ASCII)


def _is_wire_type(type_name: str, value: Any) -> bool:
    types = _WIRE_TYPES.get(type_name)
    return types is None or (isinstance(value, types) and isinstance(value, bool) == (bool in types))


def shape_violations(
    shape: Any, value: Any, path: str, where: str, matches: Callable[[str, str], bool], prefix: str = ""
) -> list[Violation]:
    """The constraints of a botocore shape that a JSON value breaks, with ids ``<path>.<kind>`` as in
    ``spec/``.  Structure members bound outside the body (URI, query) and ``null`` members are not
    judged (Smithy reads ``null`` as absent); lists and maps are judged by type only (no lifecycle
    input has one).  ``prefix`` is the path of a structure's members, ``path`` by default."""
    if not _is_wire_type(shape.type_name, value):
        return [Violation(f"{path}.type", f"{excerpt(repr(value), 100)} is no {shape.type_name}", where)]
    meta, found = shape.metadata, []
    if shape.type_name == "structure":
        members = {name: m for name, m in shape.members.items() if "location" not in m.serialization}
        for name, member in members.items():
            child = f"{prefix or path}.{name}"
            if value.get(name) is not None:
                found += shape_violations(member, value[name], child, f"{where}.{name}", matches)
            elif name in shape.required_members:
                found.append(Violation(f"{child}.required", f"{name!r} is required", where))
        return found
    # Lengths count code points, as Smithy does (and Python's len).
    size, what = (len(value), "length") if isinstance(value, str) else (value, "value")
    low, high = ("minLength", "maxLength") if isinstance(value, str) else ("minimum", "maximum")
    if isinstance(size, int | float) and "min" in meta and size < meta["min"]:
        found.append(Violation(f"{path}.{low}", f"{what} {size} is below the minimum {meta['min']}", where))
    if isinstance(size, int | float) and "max" in meta and size > meta["max"]:
        found.append(Violation(f"{path}.{high}", f"{what} {size} is above the maximum {meta['max']}", where))
    if isinstance(value, str) and "pattern" in meta and not matches(meta["pattern"], value):
        found.append(
            Violation(f"{path}.pattern", f"{excerpt(value, 100)!r} does not match {meta['pattern']!r}", where)
        )
    if "enum" in meta and value not in meta["enum"]:
        found.append(
            Violation(f"{path}.enum", f"{excerpt(repr(value), 100)} is not one of {meta['enum']}", where)
        )
    return found


def _query_value(shape: Any, text: str) -> Any:
    """A query-string value as its shape's type (``None`` if it isn't one): Smithy takes only decimal
    digits for an integer, so ``1.0``, ``0x1`` and ``1e2`` are malformed."""
    if shape.type_name in ("integer", "long"):
        return int(text) if _INTEGER_TEXT.fullmatch(text) and len(text) < 4000 else None
    return text if shape.type_name == "string" else None


# A number that parses to infinity has an exponent or hundreds of digits.
_HUGE_NUMBER = re.compile(rb"[0-9][eE]|[0-9]{300}")


def _may_be_malformed(raw: bytes, max_depth: int) -> bool:
    """Whether ``malformed_text`` could find anything: byte scans, so typical bodies skip the walk.

    A lone surrogate can only arrive as a ``\\u`` escape (UTF-8 can't encode one), nesting needs one
    bracket a level, and infinity needs a huge number.
    """
    return (
        b"\\u" in raw or raw.count(b"[") + raw.count(b"{") > max_depth or _HUGE_NUMBER.search(raw) is not None
    )


def excerpt(text: str, limit: int = MESSAGE_EXCERPT) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more characters)"


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
    return int(lifecycle_operation(operation).http.get("responseCode", 200))


class ReferenceService:
    """CreateIntegrationWorkflow exactly as the contract says, with every decision overridable.

    A mutant is a subclass that overrides one of these.  ``create_integration_workflow`` asks, in order:

    ``content_type_violation(content_type)``
        ``None`` when the Content-Type is acceptable (absent, or ``application/json`` with any
        parameters), else the reason, answered by ``unsupported_media_type(reason)`` (415).
    ``domain_violations(domain)``
        constraint violations of the percent-decoded DomainName label.
    ``body_violations(raw) -> (body, violations)``
        parse and validate the raw body; a body that is no acceptable JSON text (not UTF-8, not JSON,
        NaN, or what ``malformed_text(body)`` finds: too deep, a lone surrogate, an infinite number)
        breaks ``Body.json`` only.
    ``domain_exists(domain)``
        whether the domain is one this service holds, else ``domain_not_found(domain)`` (404).
    ``new_workflow_id()``, ``success_message(domain, body, workflow_id)``, ``record_workflow(...)``,
    ``success_response(workflow_id, message) -> Reply``
        the 200 answer and what it remembers for GetWorkflow (``workflow_description``) and
        DeleteWorkflow.

    ``list_workflows`` asks ``content_type_violation``, ``domain_violations``, then
    ``list_query_violations(query)`` (``max-results``, ``next-token``), ``list_filter_violations(raw)``
    (the JSON body's filters), ``domain_exists``, ``token_position(domain, filters, token)`` (``None`` for
    a token it did not issue), ``page_size(parameters)``, ``workflow_matches(record, filters)``,
    ``next_token(domain, filters, after)``, ``list_item(record)`` and ``list_response(items, token)``.
    GetWorkflow and DeleteWorkflow ask ``domain_violations``, ``workflow_id_violations(operation, id)``
    and ``domain_exists``; ``workflow_status(record)`` and ``status_description(record)`` say where a
    workflow stands.  Patterns of the lifecycle operations are read by ``pattern_matches``.

    Violations become ``validation_error(violations)``: status ``validation_status`` (by default the
    contract's status of ``validation_error_type``; a class attribute overrides it) and the message of
    ``violation_message(violations)``, which names every broken constraint id.  Every error goes through
    ``error_response(status, error_type, message) -> Reply`` and every answer through ``json_response``,
    which adds ``new_request_id()``; a handler that raises becomes ``internal_error()`` (500).  Last, the
    plumbing passes each reply, protocol errors included, through ``before_response(request, reply)``,
    where a mutant can sleep, drop a header or rewrite the body.  ``MAX_BODY_BYTES``, ``MAX_JSON_DEPTH``
    and ``MAX_WORKFLOWS`` are the limits.
    """

    DEFAULT_DOMAIN = "conformance-domain"
    # AWS answers bodies over its limits with 413 before reading them; 2 MiB is far above any valid body.
    MAX_BODY_BYTES = 2 * 1024 * 1024
    # The deepest valid body nests about ten levels; a limit keeps recursive code (repr, jsonschema)
    # far from Python's recursion limit whatever unknown members carry.
    MAX_JSON_DEPTH = 100
    # Oldest workflows are forgotten past this many, so a long fuzzing run can't grow memory forever.
    MAX_WORKFLOWS = 10_000
    # GetWorkflow's output requires a ConnectorProfileName, which the request may leave out.
    UNNAMED_CONNECTOR_PROFILE = "unnamed-connector-profile"

    validation_error_type = "BadRequestException"
    not_found_error_type = "ResourceNotFoundException"
    internal_error_type = "InternalServerException"

    def __init__(
        self,
        domains: Iterable[str] | None = None,
        semantics: str = "search",
        contract: Contract | None = None,
        dialect: str = "ecma",
        validator: RequestValidator | None = None,
    ) -> None:
        """``dialect`` and ``semantics`` are how the patterns are read (``spec.validation``); a ready
        ``validator`` (one that asks another regex engine, say) takes the place of both."""
        self.contract = contract or load_contract()
        self.validator = validator or RequestValidator(self.contract, semantics=semantics, dialect=dialect)
        self.semantics = semantics
        self.domains: frozenset[str] = frozenset((self.DEFAULT_DOMAIN,) if domains is None else domains)
        self._workflows: dict[tuple[str, str], WorkflowRecord] = {}
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)
        self._token_key = secrets.token_bytes(32)  # NextTokens are signed: one not issued here won't verify

    # -- operations (called by the plumbing once a request is routed) ------------------------------------
    def create_integration_workflow(self, domain: str, content_type: str | None, raw_body: bytes) -> Reply:
        refused = self._refused_outright(domain, content_type)
        if refused is not None:
            return refused
        body, violations = self.body_violations(raw_body)
        if violations:
            return self.validation_error(violations)
        if not self.domain_exists(domain):
            return self.domain_not_found(domain)
        workflow_id = self.new_workflow_id()
        message = self.success_message(domain, body, workflow_id)
        self.record_workflow(domain, workflow_id, body)
        return self.success_response(workflow_id, message)

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

    def _refused_outright(self, domain: str, content_type: str | None) -> Reply | None:
        """What a request with a body gets before its body is read: 415 for a Content-Type that is not
        JSON, 400 for a domain name that breaks its constraints; None when neither."""
        reason = self.content_type_violation(content_type)
        if reason is not None:
            return self.unsupported_media_type(reason)
        violations = self.domain_violations(domain)
        return self.validation_error(violations) if violations else None

    def _find_workflow(self, operation: str, domain: str, workflow_id: str) -> WorkflowRecord | Reply:
        violations = self.domain_violations(domain) + self.workflow_id_violations(operation, workflow_id)
        if violations:
            return self.validation_error(violations)
        if not self.domain_exists(domain):
            return self.domain_not_found(domain)
        with self._lock:
            record = self._workflows.get((domain, workflow_id))
        if record is None:
            return self.error_response(
                self.status_of(self.not_found_error_type),
                self.not_found_error_type,
                f"Workflow {excerpt(workflow_id, 64)!r} does not exist in domain {domain!r}.",
            )
        return record

    # -- decisions, one each ------------------------------------------------------------------------------
    def content_type_violation(self, content_type: str | None) -> str | None:
        if content_type is None:
            return None  # botocore always sends one; Smithy's rules don't require it for a JSON body
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type == JSON_CONTENT_TYPE:
            return None
        return f"Content-Type {excerpt(content_type, 100)!r} is not supported; send {JSON_CONTENT_TYPE}."

    def domain_violations(self, domain: str) -> list[Violation]:
        return self.validator.domain_violations(domain)

    def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
        """Parse, then check what JSON allows but Unicode text and numbers don't, then validate.

        ``spec.validation.parse_json`` takes ``"\\ud800"`` (a lone surrogate, no Unicode text) and
        ``1e400`` (infinity); both are malformed input here, judged before validation so that the
        validator never sees them.
        """
        body, violations = self.parsed_json(raw)
        if violations:
            return None, violations
        return body, self.validator.body_violations(body)

    def parsed_json(self, raw: bytes) -> tuple[Any, list[Violation]]:
        """The JSON text of a body, or why it is none (``Body.json``): every operation reads bodies so."""
        try:
            body = parse_json(raw)
        except InvalidJSON as error:
            return None, [Violation("Body.json", str(error), "body")]
        malformed = self.malformed_text(body) if _may_be_malformed(raw, self.MAX_JSON_DEPTH) else None
        if malformed is not None:
            return None, [Violation("Body.json", malformed, "body")]
        return body, []

    def malformed_text(self, body: Any) -> str | None:
        """Why a parsed body is no acceptable JSON text (too deep, lone surrogate, infinite number)."""
        stack: list[tuple[Any, int]] = [(body, 1)]
        while stack:
            value, depth = stack.pop()
            if isinstance(value, dict):
                if depth > self.MAX_JSON_DEPTH:
                    return f"body nests deeper than {self.MAX_JSON_DEPTH} levels"
                for key, item in value.items():
                    stack.append((key, depth))
                    stack.append((item, depth + 1))
            elif isinstance(value, list):
                if depth > self.MAX_JSON_DEPTH:
                    return f"body nests deeper than {self.MAX_JSON_DEPTH} levels"
                stack.extend((item, depth + 1) for item in value)
            elif isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as error:
                    code = ord(value[error.start])
                    return f"body holds a lone surrogate \\u{code:04x}, which is not Unicode text"
            elif isinstance(value, float) and value in (float("inf"), float("-inf")):
                return "body holds a number too large for a double"
        return None

    def domain_exists(self, domain: str) -> bool:
        return domain in self.domains

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
            value = _query_value(shape, values[0]) if len(values) == 1 else None
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
        names = [name for name, m in shape.members.items() if "location" not in m.serialization]
        return {name: body[name] for name in names if body.get(name) is not None}, []

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

    def new_workflow_id(self) -> str:
        return uuid.uuid4().hex

    def new_request_id(self) -> str:
        return str(uuid.uuid4())

    def success_message(self, domain: str, body: Any, workflow_id: str) -> str:
        # Kept short and free of user input so it always fits the contract's 1..255 characters.
        return f"Integration workflow {workflow_id} created."

    def record_workflow(self, domain: str, workflow_id: str, body: Any) -> None:
        with self._lock:
            record = WorkflowRecord(domain, workflow_id, body, time.time(), next(self._sequence))
            self._workflows[(domain, workflow_id)] = record
            while len(self._workflows) > self.MAX_WORKFLOWS:
                del self._workflows[next(iter(self._workflows))]  # dicts keep insertion order

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

    def workflow_count(self) -> int:
        with self._lock:
            return len(self._workflows)

    # -- answers ------------------------------------------------------------------------------------------
    def status_of(self, error_type: str) -> int:
        """The contract's status for one of the operation's errors: one place for each status code."""
        return self.contract.error_named(error_type).status

    @property
    def validation_status(self) -> int:
        return self.status_of(self.validation_error_type)

    def validation_error(self, violations: list[Violation]) -> Reply:
        return self.error_response(
            self.validation_status, self.validation_error_type, self.violation_message(violations)
        )

    def violation_message(self, violations: list[Violation]) -> str:
        """Every broken constraint id with what it requires; repeats of one id are counted, not listed."""
        by_id: dict[str, list[Violation]] = {}
        for violation in violations:
            by_id.setdefault(violation.constraint_id, []).append(violation)
        parts = []
        for constraint_id, found in by_id.items():
            first = found[0]
            part = f"{constraint_id}: {excerpt(first.message)} (at {excerpt(first.location, 100)})"
            if len(found) > 1:
                part += f" and {len(found) - 1} more"
            parts.append(part)
        return "; ".join(parts)

    def domain_not_found(self, domain: str) -> Reply:
        return self.error_response(
            self.status_of(self.not_found_error_type),
            self.not_found_error_type,
            f"Domain {domain!r} does not exist.",
        )

    def unsupported_media_type(self, reason: str) -> Reply:
        return self.error_response(415, UNSUPPORTED_MEDIA_TYPE, reason)

    def internal_error(self) -> Reply:
        return self.error_response(
            self.status_of(self.internal_error_type),
            self.internal_error_type,
            "The reference implementation failed unexpectedly; see its log.",
        )

    def list_response(self, items: list[dict[str, Any]], next_token: str | None) -> Reply:
        payload: dict[str, Any] = {"Items": items}
        if next_token is not None:
            payload["NextToken"] = next_token
        return self.json_response(_success_status("ListWorkflows"), payload)

    def success_response(self, workflow_id: str, message: str) -> Reply:
        return self.json_response(
            self.contract.success["status"], {"WorkflowId": workflow_id, "Message": message}
        )

    def error_response(self, status: int, error_type: str, message: str) -> Reply:
        return self.json_response(status, {"Message": message}, {ERROR_TYPE_HEADER: error_type})

    def json_response(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
        # ASCII escapes: a message that quotes a client's value can't fail to encode.
        body = json.dumps(payload, separators=(",", ":")).encode("ascii")
        return Reply(
            status,
            {"Content-Type": JSON_CONTENT_TYPE, REQUEST_ID_HEADER: self.new_request_id(), **(headers or {})},
            body,
        )

    def before_response(self, request: HttpRequest, reply: Reply) -> Reply:
        return reply
