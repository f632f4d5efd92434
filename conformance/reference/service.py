"""What the reference implementation decides, apart from how HTTP carries it.

``ReferenceService`` holds the behaviour of CreateIntegrationWorkflow as small methods, one decision
each, so that a deliberately broken variant (a "mutant" in the suite's own tests) is a subclass
overriding one method.  The ListWorkflows, GetWorkflow and DeleteWorkflow operations that let a test see
what it created, and the store they read, are mixed in from ``conformance.reference.lifecycle``, so their
decisions are methods of the same class; the decisions and answers both kinds of operation share
(Content-Type, DomainName, JSON text, errors) are here.  The HTTP plumbing in
``conformance.reference.server`` only frames, routes and writes what the service returns.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

from conformance.reference.lifecycle import WorkflowLifecycle, WorkflowRecord
from conformance.reference.messages import (
    ERROR_TYPE_HEADER,
    JSON_CONTENT_TYPE,
    PROTOCOL_ERROR_TYPES,
    REQUEST_ID_HEADER,
    HttpRequest,
    Reply,
    excerpt,
)
from conformance.spec import Contract, load_contract
from conformance.spec.validation import InvalidJSON, RequestValidator, Violation, parse_json

__all__ = ["HttpRequest", "ReferenceService", "Reply", "WorkflowRecord"]

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


class ReferenceService(WorkflowLifecycle):
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

    The lifecycle operations' decisions are listed in ``WorkflowLifecycle``.

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
        super().__init__()

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

    def _refused_outright(self, domain: str, content_type: str | None) -> Reply | None:
        """What a request with a body gets before its body is read: 415 for a Content-Type that is not
        JSON, 400 for a domain name that breaks its constraints; None when neither."""
        reason = self.content_type_violation(content_type)
        if reason is not None:
            return self.unsupported_media_type(reason)
        violations = self.domain_violations(domain)
        return self.validation_error(violations) if violations else None

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

    def new_workflow_id(self) -> str:
        return uuid.uuid4().hex

    def new_request_id(self) -> str:
        return str(uuid.uuid4())

    def success_message(self, domain: str, body: Any, workflow_id: str) -> str:
        # Kept short and free of user input so it always fits the contract's 1..255 characters.
        return f"Integration workflow {workflow_id} created."

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
        return self.not_found(f"Domain {domain!r} does not exist.")

    def not_found(self, message: str) -> Reply:
        """The contract's not-found error: an unknown domain, or a workflow the domain does not hold."""
        return self.error_response(
            self.status_of(self.not_found_error_type), self.not_found_error_type, message
        )

    def unsupported_media_type(self, reason: str) -> Reply:
        return self.error_response(415, PROTOCOL_ERROR_TYPES[415], reason)

    def internal_error(self) -> Reply:
        return self.error_response(
            self.status_of(self.internal_error_type),
            self.internal_error_type,
            "The reference implementation failed unexpectedly; see its log.",
        )

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
