"""A zoo of deliberately broken variants of the reference implementation ("mutants").

Each departs from the contract in exactly one way and names what it breaks: a constraint id, or a
property of the answers (``Response.WorkflowId.pattern``, ``success.status``, ``error.type``...).  A mutant
is the reference with one hook changed: a contract with one constraint moved, one decision method
overridden, or one answer rewritten.  ``tests/test_zoo.py`` runs the suite against each and requires it to
fail naming what the mutant breaks; ``tests/kill_matrix.py`` prints the figures.
"""

from __future__ import annotations

import copy
import datetime
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.reference import HttpRequest, ReferenceService, Reply
from conformance.spec import Contract, load_contract
from conformance.spec.contract import strings_in
from conformance.spec.validation import Violation

FLOW = "IntegrationConfig.AppflowIntegration.FlowDefinition"
SOURCE = f"{FLOW}.SourceFlowConfig"
SCHEDULED = f"{FLOW}.TriggerConfig.TriggerProperties.Scheduled"
DOMAIN = "zoo-domain"


@dataclass(frozen=True)
class Mutant:
    name: str
    category: str
    breaks: str  # what a failure must name: a constraint id or a response property
    service: Callable[[], ReferenceService]
    request_timeout: float | None = None  # for the slow ones


# -- building blocks ----------------------------------------------------------------------------------------
def with_value(name: str, category: str, constraint_id: str, value: Any) -> Mutant:
    """A mutant validating one constraint with another value, which a failure must name."""
    return Mutant(name, category, constraint_id, moved(constraint_id, value))


def not_checking(name: str, constraint_id: str) -> Mutant:
    """A mutant that never checks one constraint, which a failure must name."""
    return Mutant(name, "accepts invalid", constraint_id, ignoring(constraint_id))


def moved(constraint_id: str, value: Any) -> Callable[[], ReferenceService]:
    """The reference validating against a contract where one constraint has another value."""

    def build() -> ReferenceService:
        data = copy.deepcopy(load_contract().data)
        for record in data["constraints"]:
            if record["id"] == constraint_id:
                record["value"] = value
                break
        else:
            raise KeyError(constraint_id)
        return ReferenceService(domains=[DOMAIN], contract=Contract(data))

    return build


def ignoring(constraint_id: str) -> Callable[[], ReferenceService]:
    """The reference with one constraint not enforced at all."""

    class Ignoring(ReferenceService):
        def domain_violations(self, domain: str) -> list[Violation]:
            return [v for v in super().domain_violations(domain) if v.constraint_id != constraint_id]

        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            kept = [v for v in violations if v.constraint_id != constraint_id]
            if body is None and not kept and constraint_id == "Body.json":
                body = {}  # a lenient parser that reads garbage as an empty object... and creates anyway
            return body, kept

    return lambda: Ignoring(domains=[DOMAIN])


def overriding(**methods: Callable[..., Any]) -> Callable[[], ReferenceService]:
    """The reference with methods (or class attributes) replaced."""
    cls = type("Mutant", (ReferenceService,), methods)
    return lambda: cls(domains=[DOMAIN])


def _strings_with_limits(body: Any, schema: dict) -> list[tuple[str, int]]:
    return [(value, sub["maxLength"]) for _, value, sub in strings_in(body, schema) if "maxLength" in sub]


def counting(units: Callable[[str], int], name: str) -> Callable[[], ReferenceService]:
    """The reference counting string lengths in other units than code points (refuses valid values)."""

    class Counting(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            if body is None or violations:
                return body, violations
            for value, limit in _strings_with_limits(body, self.validator.body_schema):
                if units(value) > limit:
                    return body, [Violation("length", f"longer than {limit} {name}", "body")]
            return body, violations

    return lambda: Counting(domains=[DOMAIN])


def crashing_when(condition: Callable[[Any], bool]) -> Callable[[], ReferenceService]:
    """The reference answering 500 for valid bodies that meet ``condition``."""

    class Crashing(ReferenceService):
        def success_message(self, domain: str, body: Any, workflow_id: str) -> str:
            if condition(body):
                raise RuntimeError("mutant crash")
            return super().success_message(domain, body, workflow_id)

    return lambda: Crashing(domains=[DOMAIN])


def rewriting_success(rewrite: Callable[[dict], Any], status: int = 200, content_type: str | None = None):
    def success_response(self: ReferenceService, workflow_id: str, message: str) -> Reply:
        reply = ReferenceService.success_response(self, workflow_id, message)
        payload = rewrite({"WorkflowId": workflow_id, "Message": message})
        headers = dict(reply.headers)
        body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
        headers["Content-Length"] = str(len(body))
        if content_type:
            headers["Content-Type"] = content_type
        return Reply(status, headers, body)

    return overriding(success_response=success_response)


def rewriting_errors(rewrite: Callable[[Reply], Reply]):
    def error_response(self: ReferenceService, status: int, error_type: str, message: str) -> Reply:
        return rewrite(ReferenceService.error_response(self, status, error_type, message))

    return overriding(error_response=error_response)


def _without_header(reply: Reply, name: str) -> dict[str, str]:
    return {k: v for k, v in reply.headers.items() if k.lower() != name.lower()}


def _with_body(reply: Reply, body: bytes, headers: dict[str, str] | None = None) -> Reply:
    headers = dict(reply.headers if headers is None else headers)
    headers["Content-Length"] = str(len(body))
    return Reply(reply.status, headers, body)


def slow_when(condition: Callable[[HttpRequest], bool], seconds: float) -> Callable[[], ReferenceService]:
    def before_response(self: ReferenceService, request: HttpRequest, reply: Reply) -> Reply:
        if condition(request):
            time.sleep(seconds)
        return reply

    return overriding(before_response=before_response)


def reading_names_case_insensitively() -> Callable[[], ReferenceService]:
    """The reference behind a JSON reader that takes a member under a name differing from its own in case
    only where the exact name is absent: Go's ``encoding/json`` by default, .NET's
    ``PropertyNameCaseInsensitive``, Jackson's ``ACCEPT_CASE_INSENSITIVE_PROPERTIES``."""
    contract = load_contract()
    names = {m.name.casefold(): m.name for m in contract.members.values() if m.location == "body"}

    def fold(value: Any) -> tuple[Any, bool]:
        if isinstance(value, list):
            items = [fold(item) for item in value]
            return [item for item, _ in items], any(changed for _, changed in items)
        if not isinstance(value, dict):
            return value, False
        out, changed = {}, False
        for key, item in value.items():
            known = names.get(key.casefold())
            if known is not None and known != key and known not in value:
                key, changed = known, True
            out[key], inner = fold(item)
            changed = changed or inner
        return out, changed

    class CaseInsensitive(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            try:
                folded, changed = fold(json.loads(raw))
            except ValueError:
                changed = False
            return super().body_violations(json.dumps(folded).encode() if changed else raw)

    return lambda: CaseInsensitive(domains=[DOMAIN])


def reserving_a_prefix_anywhere(prefix: str) -> Callable[[], ReferenceService]:
    """The reference refusing a tag key that holds ``prefix`` anywhere, not only at its start: the reserved
    prefix tested with ``prefix in key`` (or ``key.contains(prefix)``) instead of ``startswith``."""

    class Substring(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            tags = body.get("Tags") if isinstance(body, dict) else None
            if not violations and isinstance(tags, dict) and any(prefix in key for key in tags):
                return body, [Violation("Tags.<key>.pattern", f"a tag key holds {prefix!r}", "body")]
            return body, violations

    return lambda: Substring(domains=[DOMAIN])


_TIMESTAMPS = ("ScheduleStartTime", "ScheduleEndTime", "FirstExecutionFrom", "StartTime", "EndTime")


def _past_the_calendar(body: Any) -> bool:
    """Whether a timestamp in ``body`` is one a calendar-date type cannot hold (Python's ``datetime``:
    years 1 to 9999), which an implementation that converts every timestamp to a date crashes on."""
    if isinstance(body, list):
        return any(_past_the_calendar(item) for item in body)
    if not isinstance(body, dict):
        return False
    for key, value in body.items():
        if key in _TIMESTAMPS and isinstance(value, int | float):
            try:
                datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
            except (OverflowError, ValueError, OSError):
                return True
        elif _past_the_calendar(value):
            return True
    return False


def refusing_false() -> Callable[[], ReferenceService]:
    """The reference whose check of an optional boolean is a truthiness test (``if not value: refuse``
    where ``value is None`` was meant): a ``false`` is refused as if it were missing or of the wrong type."""

    def falsy(value: Any) -> bool:
        if isinstance(value, dict):
            return any(item is False or falsy(item) for item in value.values())
        return isinstance(value, list) and any(falsy(item) for item in value)

    class Truthy(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            if not violations and falsy(body):
                return body, [Violation("boolean", "a boolean member is not set", "body")]
            return body, violations

    return lambda: Truthy(domains=[DOMAIN])


def _flow(body: Any) -> dict:
    return (body or {}).get("IntegrationConfig", {}).get("AppflowIntegration", {}).get(
        "FlowDefinition", {}
    ) or {}


_REPEATED_ID = "0123456789abcdef0123456789abcdef"


MUTANTS: list[Mutant] = [
    # -- accepts invalid input ---------------------------------------------------------------------------
    not_checking("ignores RoleArn.required", "RoleArn.required"),
    not_checking("ignores KmsArn.required", f"{FLOW}.KmsArn.required"),
    not_checking(
        "ignores Batches[].EndTime.required",
        "IntegrationConfig.AppflowIntegration.Batches[].EndTime.required",
    ),
    with_value("KmsArn minimum 19", "accepts invalid", f"{FLOW}.KmsArn.minLength", 19),
    with_value("ObjectTypeName maximum 256", "accepts invalid", "ObjectTypeName.maxLength", 256),
    with_value("DomainName maximum 65", "accepts invalid", "DomainName.maxLength", 65),
    with_value(
        "BucketName minimum 2",
        "accepts invalid",
        f"{SOURCE}.SourceConnectorProperties.S3.BucketName.minLength",
        2,
    ),
    not_checking("ignores RoleArn.pattern", "RoleArn.pattern"),
    not_checking("ignores DomainName.pattern", "DomainName.pattern"),
    not_checking("ignores Tags.<key>.pattern", "Tags.<key>.pattern"),
    not_checking("ignores FlowName.pattern", f"{FLOW}.FlowName.pattern"),
    not_checking(
        "ignores Object.pattern (Salesforce)", f"{SOURCE}.SourceConnectorProperties.Salesforce.Object.pattern"
    ),
    not_checking("ignores WorkflowType.enum", "WorkflowType.enum"),
    Mutant(
        "TaskType enum takes lower case",
        "accepts invalid",
        f"{FLOW}.Tasks[].TaskType.enum",
        moved(
            f"{FLOW}.Tasks[].TaskType.enum",
            ["Arithmetic", "Filter", "Map", "Mask", "Merge", "Truncate", "Validate", "map"],
        ),
    ),
    not_checking("ignores ObjectTypeName.type", "ObjectTypeName.type"),
    not_checking("ignores ScheduleOffset.type", f"{SCHEDULED}.ScheduleOffset.type"),
    not_checking("ignores Tasks.type", f"{FLOW}.Tasks.type"),
    with_value("Tags maximum 51", "accepts invalid", "Tags.maxItems", 51),
    with_value("Tags minimum 0", "accepts invalid", "Tags.minItems", 0),
    not_checking("ignores Tags.<key>.maxLength", "Tags.<key>.maxLength"),
    with_value(
        "ScheduleOffset maximum 36001", "accepts invalid", f"{SCHEDULED}.ScheduleOffset.maximum", 36001
    ),
    with_value("ScheduleOffset minimum -1", "accepts invalid", f"{SCHEDULED}.ScheduleOffset.minimum", -1),
    not_checking("accepts malformed JSON", "Body.json"),
    Mutant(
        "reads member names case-insensitively (Go encoding/json)",
        "accepts invalid",
        "JSON member names are case-sensitive",
        reading_names_case_insensitively(),
    ),
    # -- rejects valid input ------------------------------------------------------------------------------
    with_value("DomainName maximum 63", "rejects valid", "DomainName.maxLength", 63),
    with_value("ObjectTypeName maximum 254", "rejects valid", "ObjectTypeName.maxLength", 254),
    with_value("Tags maximum 49", "rejects valid", "Tags.maxItems", 49),
    Mutant(
        "counts UTF-16 code units",
        "rejects valid",
        # The suite's hint, not the mutant's own message ("longer than 64 UTF-16 code units").
        "the target seems to count UTF-16 code units",
        counting(lambda s: len(s.encode("utf-16-le")) // 2, "UTF-16 code units"),
    ),
    Mutant(
        "counts UTF-8 bytes",
        "rejects valid",
        # The suite's hint; its first failure is at an astral value, longer in UTF-16 units as well, so
        # the hint names both ways of counting that would refuse it.
        "(or UTF-8 bytes); Smithy counts code points",
        counting(lambda s: len(s.encode("utf-8")), "UTF-8 bytes"),
    ),
    Mutant(
        "reserved tag prefix found anywhere in the key",
        "rejects valid",
        "Tags.<key>.pattern",
        reserving_a_prefix_anywhere("aws:"),
    ),
    with_value(
        "ObjectTypeName's first class one letter short ([a-yA-Z_])",
        "rejects valid",
        "ObjectTypeName.pattern",
        "^[a-yA-Z_][a-zA-Z_0-9-]*$",
    ),
    with_value(
        "FlowName's digits from 1 ([a-zA-Z1-9])",
        "rejects valid",
        f"{FLOW}.FlowName.pattern",
        "[a-zA-Z1-9][\\w!@#.-]+",
    ),
    Mutant(
        "refuses an optional false (a truthiness check)",
        "rejects valid",
        "false, a boolean as due",
        refusing_false(),
    ),
    with_value(
        "tag keys without digits", "rejects valid", "Tags.<key>.pattern", "^(?!aws:)[a-zA-Z+\\-=._:/]+$"
    ),
    with_value(
        "ConnectorType without S3",
        "rejects valid",
        f"{SOURCE}.ConnectorType.enum",
        ["Salesforce", "Marketo", "Zendesk", "Servicenow"],
    ),
    Mutant(
        "413 past 100 KiB (Express body-parser's default limit)",
        "rejects valid",
        "the model sets no limit on a body's size",
        overriding(MAX_BODY_BYTES=100 * 1024),
    ),
    Mutant(
        "413 past 1 MiB (nginx's default client_max_body_size)",
        "rejects valid",
        "the model sets no limit on a body's size",
        overriding(MAX_BODY_BYTES=1024 * 1024),
    ),
    # -- crashes on valid input -----------------------------------------------------------------------------
    Mutant(
        "500 when Description is present",
        "crashes",
        "success.status",
        crashing_when(lambda b: "Description" in _flow(b)),
    ),
    Mutant(
        "500 for non-ASCII tag values",
        "crashes",
        "success.status",
        crashing_when(lambda b: any(not v.isascii() for v in (b.get("Tags") or {}).values())),
    ),
    Mutant(
        "500 for a timestamp past year 9999 (converted to a calendar date)",
        "crashes",
        "the model puts no range on a timestamp",
        crashing_when(_past_the_calendar),
    ),
    Mutant(
        "500 for several Batches",
        "crashes",
        "success.status",
        crashing_when(
            lambda b: len(b.get("IntegrationConfig", {}).get("AppflowIntegration", {}).get("Batches", [])) > 1
        ),
    ),
    # -- wrong success answers ------------------------------------------------------------------------------
    Mutant(
        "WorkflowId upper case",
        "bad success",
        "Response.WorkflowId.pattern",
        rewriting_success(lambda p: {**p, "WorkflowId": p["WorkflowId"].upper()}),
    ),
    Mutant(
        "WorkflowId with dashes",
        "bad success",
        "Response.WorkflowId.pattern",
        rewriting_success(
            lambda p: {**p, "WorkflowId": "-".join([p["WorkflowId"][:8], p["WorkflowId"][8:]])}
        ),
    ),
    Mutant(
        "WorkflowId 31 characters",
        "bad success",
        "Response.WorkflowId.pattern",
        rewriting_success(lambda p: {**p, "WorkflowId": p["WorkflowId"][:31]}),
    ),
    Mutant(
        "WorkflowId repeated",
        "bad success",
        "success.WorkflowId.unique",
        rewriting_success(lambda p: {**p, "WorkflowId": _REPEATED_ID}),
    ),
    Mutant(
        "Message empty",
        "bad success",
        "Response.Message.minLength",
        rewriting_success(lambda p: {**p, "Message": ""}),
    ),
    Mutant(
        "Message 256 characters",
        "bad success",
        "Response.Message.maxLength",
        rewriting_success(lambda p: {**p, "Message": "m" * 256}),
    ),
    Mutant(
        "Message missing",
        "bad success",
        "Response.Message.required",
        rewriting_success(lambda p: {"WorkflowId": p["WorkflowId"]}),
    ),
    Mutant("status 201", "bad success", "success.status", rewriting_success(lambda p: p, status=201)),
    Mutant(
        "text/plain success",
        "bad success",
        "success.content_type",
        rewriting_success(lambda p: p, content_type="text/plain"),
    ),
    # -- wrong error answers --------------------------------------------------------------------------------
    Mutant("422 for invalid input", "bad error", "error.status", overriding(validation_status=422)),
    Mutant(
        "no error type",
        "bad error",
        "error.type",
        rewriting_errors(lambda r: Reply(r.status, _without_header(r, "X-Amzn-Errortype"), r.body)),
    ),
    Mutant(
        "ValidationException for invalid input",
        "bad error",
        "error.type",
        overriding(validation_error_type="ValidationException", validation_status=400),
    ),
    Mutant("empty error body", "bad error", "error.body", rewriting_errors(lambda r: _with_body(r, b""))),
    Mutant(
        "HTML error body",
        "bad error",
        "error.body",
        rewriting_errors(lambda r: _with_body(r, b"<html>bad request</html>")),
    ),
    Mutant("500 for invalid input", "bad error", "a server error instead", overriding(validation_status=500)),
    # -- slow ------------------------------------------------------------------------------------------------
    Mutant(
        "slow when Tags are present",
        "slow",
        "timed out after 1 s",
        slow_when(lambda r: b'"Tags"' in r.body, 1.5),
        request_timeout=1.0,
    ),
]
