"""A strict, model-driven mock of any one restJson1 operation: the embedded reference for ``--operation``.

``OperationService(contract)`` answers the one operation that ``contract`` (``spec.operation.load_operation``)
describes, as its model says: it routes by the method and ``requestUri`` template, reads every member
from its binding (``operation_parse``), judges every constraint (``operation_checks``) and answers a
conforming output (``operation_answers``).  It plugs into the same HTTP plumbing as the flagship's
``ReferenceService`` through ``dispatch``: the server hands it the whole request and writes what it returns.

Its answers, in order:

* a path the template does not match (or that lacks the template's literal query, ``?x-id=Foo``): 404
  ``UnknownOperationException``; the right path with another method: 405 with ``Allow``, as the flagship's;
  a label takes no empty segment (``/schedules/``): Smithy forbids empty labels, and its routers match none;
* a JSON body sent with a Content-Type that is not JSON: 415, as the flagship's;
* a value that cannot be read as its type, or a body that is not one JSON object: 400
  ``SerializationException`` (Smithy's server frameworks answer so), naming each ``<path>.type``;
* a broken constraint: 400 with the operation's validation error (``validation_error_of``), its message
  naming every broken constraint id;
* else the model's ``responseCode`` with a conforming output.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import unquote, urlsplit

from conformance.reference.messages import (
    ERROR_TYPE_HEADER,
    JSON_CONTENT_TYPE,
    PROTOCOL_ERROR_TYPES,
    REQUEST_ID_HEADER,
    HttpRequest,
    Reply,
    excerpt,
)
from conformance.reference.operation_answers import OutputBuilder, serialize_output
from conformance.reference.operation_checks import ConstraintChecker
from conformance.reference.operation_parse import RequestReader, Unreadable
from conformance.spec.contract import Contract, ErrorSpec
from conformance.spec.validation import Violation

SERIALIZATION_ERROR = "SerializationException"
VALIDATION_ERROR = "ValidationException"
# Modelled 400 errors that say the input is bad, the likeliest first: what an SDK user catches for a
# broken constraint where the operation does not model ValidationException.
BAD_INPUT_ERRORS = (
    "BadRequestException",
    "InvalidRequestException",
    "InvalidParameterValueException",
    "InvalidParameterException",
    "InvalidInputException",
    "InvalidArgumentException",
    "InvalidParameterCombinationException",
)
# Any other modelled error whose name says so: InvalidRequestContentException, BadRequest, ...
_BAD_INPUT_NAME = re.compile(r"(Invalid\w*(Request|Parameter|Input|Argument)|BadRequest|Validation)\w*")
# A label's name may hold what a regex group name may not (``{template-name}``): groups are numbered.
_LABEL = re.compile(r"\{([^{}+]+)(\+?)\}")


class UriTemplate:
    """A model's ``requestUri``: literal text, ``{Label}`` (one non-empty segment) and ``{Label+}`` (one or
    more segments), matched against the raw path, each label percent-decoded after the match (so an encoded
    ``/`` stays inside its label); and the query part the template itself requires (``?x-id=Foo``)."""

    def __init__(self, uri: str) -> None:
        path, _, query = uri.partition("?")
        parts: list[str] = []
        self.names: list[str] = []
        at = 0
        for found in _LABEL.finditer(path):
            parts.append(re.escape(path[at : found.start()]))
            name, greedy = found.groups()
            self.names.append(name)
            parts.append("(.+)" if greedy else "([^/]+)")
            at = found.end()
        parts.append(re.escape(path[at:]))
        self.path = re.compile("".join(parts))
        self.literal_query = tuple(
            (key, value) for key, _, value in (item.partition("=") for item in query.split("&") if item)
        )
        self.literal_keys = frozenset(key for key, _ in self.literal_query)

    def labels(self, path: str) -> dict[str, str] | None:
        found = self.path.fullmatch(path)
        if found is None:
            return None
        return {name: unquote(text) for name, text in zip(self.names, found.groups(), strict=True)}

    def query_fits(self, query: list[tuple[str, str]]) -> bool:
        """Whether the query holds the template's literal part: each key, with its value where it has one."""
        sent: dict[str, set[str]] = {}
        for key, value in query:
            sent.setdefault(key, set()).add(value)
        return all(key in sent and (not value or value in sent[key]) for key, value in self.literal_query)


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The query string's (key, value) pairs in order, percent-decoded; ``+`` is a plus, as RFC 3986 reads
    it and botocore writes a space (``%20``)."""
    pairs = []
    for item in query.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def validation_error_of(contract: Contract) -> ErrorSpec:
    """The error a broken constraint gets: ValidationException where modelled, else a modelled 400 whose
    name says the input is bad, else an unmodelled ValidationException (400)."""
    by_name = {error.name: error for error in contract.errors}
    if VALIDATION_ERROR in by_name:
        return by_name[VALIDATION_ERROR]
    for name in BAD_INPUT_ERRORS:
        if name in by_name and by_name[name].status == 400:
            return by_name[name]
    for error in contract.errors:
        if error.status == 400 and _BAD_INPUT_NAME.fullmatch(error.name):
            return error
    return ErrorSpec(VALIDATION_ERROR, 400, "")


def _message_member(contract: Contract, error: str) -> str:
    """``message`` or ``Message``, as the error's shape spells it (botocore reads a modelled error's
    fields by their names); ``message`` where the model does not say."""
    try:
        from conformance.spec.operation import operation_model

        shapes = operation_model(contract.service, contract.operation).error_shapes
    except Exception:  # a contract that botocore does not hold (a file of one's own): the common spelling
        return "message"
    for shape in shapes:
        if shape.name == error:
            names = set(shape.members)
            return "Message" if "Message" in names and "message" not in names else "message"
    return "message"


class OperationService:
    """One restJson1 operation as its model says, each decision a method a mutant may override."""

    # No model states a body limit, and an operation's large valid bodies (lists and strings near their
    # maximum) pass the flagship's 2 MiB: the limit here guards memory, far above any body a client means.
    MAX_BODY_BYTES = 32 * 1024 * 1024
    internal_error_type = "InternalServerException"
    internal_error_status = 500

    def __init__(
        self,
        contract: Contract,
        pattern_semantics: str = "search",
        dialect: str = "ecma",
        canonical: Callable[[Contract, str], Any] | None = None,
    ) -> None:
        """``canonical(contract, path)`` gives the output's values (by default the strategies' canonical
        values); ``pattern_semantics`` and ``dialect`` are how patterns are read (``spec.patterns``)."""
        self.contract = contract
        self.semantics = pattern_semantics
        self.template = UriTemplate(contract.uri)
        self.reader = RequestReader(contract)
        self.checker = ConstraintChecker(contract, pattern_semantics, dialect)
        self.validation_error_spec = validation_error_of(contract)
        self.input_members = {member.name: member for member in contract.children("Body")}
        self.output_builder = OutputBuilder(contract, self.checker, canonical)
        internal = next((error for error in contract.errors if error.status >= 500), None)
        if internal is not None:  # the operation's own server error, as an SDK user would catch it
            self.internal_error_type = internal.code or internal.name
            self.internal_error_status = internal.status

    @property
    def name(self) -> str:
        return f"{self.contract.service}:{self.contract.operation}"

    # -- the one entry point the plumbing calls ---------------------------------------------------------
    def dispatch(self, request: HttpRequest) -> Reply:
        path, query = _split_target(request.path)
        labels = self.template.labels(path)
        pairs = query_pairs(query)
        if labels is None or not self.template.query_fits(pairs):
            return self.protocol_error(404, f"No operation serves {request.method} {request.path[:200]}.")
        if request.method != self.contract.method:
            reply = self.protocol_error(
                405, f"Method {request.method} is not allowed here; use {self.contract.method}."
            )
            reply.headers["Allow"] = self.contract.method
            return reply
        values = self.valid_values(request, labels, pairs)
        return values if isinstance(values, Reply) else self.success(values)

    def valid_values(
        self, request: HttpRequest, labels: dict[str, str], pairs: list[tuple[str, str]]
    ) -> dict[str, Any] | Reply:
        """The request's values, read and validated as the model says; or the answer that refuses them (a
        media type that is not JSON, a body or value that cannot be read, a constraint broken)."""
        refused = self.content_type_violation(request.headers.get("Content-Type"))
        if refused is not None:
            return self.protocol_error(415, refused)
        try:
            values = self.reader.read(
                labels, pairs, request.headers, request.body, self.template.literal_keys
            )
        except Unreadable as unreadable:
            return self.serialization_error(unreadable.violations)
        violations = self.violations(values)
        if violations:
            return self.validation_error(violations)
        return values

    # -- decisions ------------------------------------------------------------------------------------------
    @cached_property
    def _binds_content_type(self) -> bool:
        return any(
            m.location == "header" and m.on_the_wire.lower() == "content-type"
            for m in self.input_members.values()
        )

    def content_type_violation(self, content_type: str | None) -> str | None:
        """A JSON body under a media type that is not JSON is refused (415), as Smithy's tests require."""
        if content_type is None or not self.reader.json_body or self._binds_content_type:
            return None
        if content_type.split(";", 1)[0].strip().lower() == JSON_CONTENT_TYPE:
            return None
        return f"Content-Type {excerpt(content_type, 100)!r} is not supported; send {JSON_CONTENT_TYPE}."

    def violations(self, values: dict[str, Any]) -> list[Violation]:
        return self.checker.violations("Body", values, "input")

    def success(self, values: dict[str, Any]) -> Reply:
        output = self.output_builder.output(values, self.input_members)
        status, headers, body = serialize_output(self.contract, output, self.contract.success["status"])
        return Reply(status, {**headers, REQUEST_ID_HEADER: self.new_request_id()}, body)

    # -- answers --------------------------------------------------------------------------------------------
    def violation_message(self, violations: list[Violation]) -> str:
        """Every broken constraint id, where and why (``Name.maxLength at Name: ...``); repeats counted."""
        by_id: dict[str, list[Violation]] = {}
        for violation in violations:
            by_id.setdefault(violation.constraint_id, []).append(violation)
        parts = []
        for constraint_id, found in by_id.items():
            first = found[0]
            part = f"{constraint_id} at {excerpt(first.location, 100)}: {excerpt(first.message)}"
            parts.append(part + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""))
        return "; ".join(parts)

    def validation_error(self, violations: list[Violation]) -> Reply:
        error = self.validation_error_spec
        return self.error_response(error.status, error.code or error.name, self.violation_message(violations))

    def serialization_error(self, violations: list[Violation]) -> Reply:
        return self.error_response(400, SERIALIZATION_ERROR, self.violation_message(violations))

    def protocol_error(self, status: int, message: str) -> Reply:
        return self.error_response(
            status, PROTOCOL_ERROR_TYPES.get(status, self.internal_error_type), message
        )

    def internal_error(self) -> Reply:
        return self.error_response(
            self.internal_error_status,
            self.internal_error_type,
            "The reference implementation failed; see its log.",
        )

    @cached_property
    def _message_members(self) -> dict[str, str]:
        return {
            error.code or error.name: _message_member(self.contract, error.name)
            for error in self.contract.errors
        }

    def error_response(self, status: int, error_type: str, message: str) -> Reply:
        """An error as AWS writes one: the type in ``X-Amzn-Errortype``, a JSON body with its message."""
        key = self._message_members.get(error_type, "message")
        return self.json_response(status, {key: message}, {ERROR_TYPE_HEADER: error_type})

    def json_response(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
        body = json.dumps(payload, separators=(",", ":")).encode("ascii")
        return Reply(
            status,
            {"Content-Type": JSON_CONTENT_TYPE, REQUEST_ID_HEADER: self.new_request_id(), **(headers or {})},
            body,
        )

    def new_request_id(self) -> str:
        return str(uuid.uuid4())

    def before_response(self, request: HttpRequest, reply: Reply) -> Reply:
        return reply

    def __repr__(self) -> str:
        return f"<OperationService {self.name} {self.contract.method} {self.contract.uri}>"


def _split_target(target: str) -> tuple[str, str]:
    """The request target's path and query string, in origin form or absolute form."""
    if target.startswith("/"):
        path, _, query = target.partition("?")
        return path, query
    parts = urlsplit(target)
    return parts.path or "/", parts.query
