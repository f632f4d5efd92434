"""Mutants that are wrong only next to the contract: how real implementations go wrong.

Written from the contract and from the ways validators, parsers and deserializers are commonly built,
not from what the strategies generate: a character class one character too wide, a first position that
takes what only later ones may, a validator that looks at the first list item or tag only, a JSON parser
that takes comments or ``NaN``, a deserializer that coerces ``"true"`` to a boolean or wraps a long at 64
bits, code that expects the body's members in one order.  Each is the reference with one such habit;
``tests/test_zoo.py`` requires the suite to catch it and name what it breaks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from conformance.reference import ReferenceService, Reply
from conformance.spec import load_contract
from conformance.spec.paths import ITEM, KEY, VALUE, steps
from conformance.spec.validation import Violation, parse_json
from tests.zoo import DOMAIN, FLOW, MUTANTS, SCHEDULED, SOURCE, Mutant, with_value
from tests.zoo_lifecycle import LIFECYCLE_MUTANTS

TASKS = f"{FLOW}.Tasks"
BATCHES = "IntegrationConfig.AppflowIntegration.Batches"


# -- building blocks -----------------------------------------------------------------------------------------
def forgetting(keep: Callable[[Violation, Any], bool]) -> Callable[[], ReferenceService]:
    """The reference that forgets every member violation for which ``keep(violation, body)`` is false."""

    class Forgetting(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            if body is None:
                return body, violations
            return body, [v for v in violations if keep(v, body)]

    return lambda: Forgetting(domains=[DOMAIN])


def first_item_only(list_name: str) -> Callable[[], ReferenceService]:
    """Validates item 0 of every ``list_name`` list and no other (``for item in items[:1]``)."""
    later = re.compile(rf"\.{list_name}\[[1-9][0-9]*\]")
    return forgetting(lambda violation, body: not later.search(violation.location))


def _first_tag_only(violation: Violation, body: Any) -> bool:
    tags = body.get("Tags") if isinstance(body, dict) else None
    if not violation.location.startswith(("body.Tags[", "body.Tags key")) or not isinstance(tags, dict):
        return True
    first = next(iter(tags), None)
    return f"[{first!r}]" in violation.location or violation.location.endswith(f"key {first!r}")


def _places(body: Any, path: str) -> Iterator[tuple[Any, Any]]:
    """(container, key or index) of every value at a contract path in a parsed body (map keys aside)."""
    places: list[tuple[Any, Any]] = [({"": body}, "")]
    for part in steps(path):
        found: list[tuple[Any, Any]] = []
        for container, key in places:
            node = container[key]
            if part == ITEM and isinstance(node, list):
                found.extend((node, index) for index in range(len(node)))
            elif part == VALUE and isinstance(node, dict):
                found.extend((node, name) for name in node)
            elif part != KEY and isinstance(node, dict) and part in node:
                found.append((node, part))
        places = found
    yield from places


def converting(member_type: str, convert: Callable[[Any], Any]) -> Callable[[], ReferenceService]:
    """A deserializer that converts every value of a ``member_type`` member with ``convert`` before it
    validates: the coercions a lenient data binder makes."""
    paths = [m.path for m in load_contract().members.values() if m.type == member_type]

    class Converting(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            try:
                body = parse_json(raw)
            except ValueError:
                return super().body_violations(raw)
            for path in paths:
                for container, key in list(_places(body, path)):
                    container[key] = convert(container[key])
            return super().body_violations(json.dumps(body).encode())

    return lambda: Converting(domains=[DOMAIN])


def parsing(read: Callable[[str], Any]) -> Callable[[], ReferenceService]:
    """A service whose JSON parser is ``read`` (more lenient than RFC 8259) instead of a strict one."""

    class Lenient(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            try:
                body = read(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError, RecursionError):
                return super().body_violations(raw)
            return body, self.validator.body_violations(body)

    return lambda: Lenient(domains=[DOMAIN])


def _outside_strings(text: str, rewrite: Callable[[str], str]) -> str:
    """``rewrite`` applied to the parts of a JSON text that are not inside strings."""
    parts = re.split(r'("(?:[^"\\]|\\.)*")', text, flags=re.DOTALL)
    return "".join(part if index % 2 else rewrite(part) for index, part in enumerate(parts))


def _without_comments(text: str) -> Any:
    return json.loads(
        _outside_strings(text, lambda part: re.sub(r"//[^\n]*|/\*.*?\*/", "", part, flags=re.S))
    )


def _without_trailing_commas(text: str) -> Any:
    return json.loads(_outside_strings(text, lambda part: re.sub(r",(\s*[}\]])", r"\1", part)))


def _first_value(text: str) -> Any:
    return json.JSONDecoder().raw_decode(text.lstrip())[0]  # what follows the first value is ignored


def _form_feed_as_space(text: str) -> Any:
    return json.loads(_outside_strings(text, lambda part: part.replace("\f", " ")))


def _truthy(value: Any) -> Any:
    words = {"true": True, "yes": True, "y": True, "on": True, "1": True}
    words |= {"false": False, "no": False, "n": False, "off": False, "0": False}
    return words.get(value.strip().lower(), value) if isinstance(value, str) else value


def _numeric_string(value: Any) -> Any:
    return int(value) if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()) else value


def _truncated(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value == value and abs(value) < 1e18 else value


def _wrapped(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value + 2**63) % 2**64 - 2**63
    return value


def _date_time(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return value
    return value


def _epoch_string(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _without_nulls(container: str) -> Callable[[], ReferenceService]:
    """Reads ``null`` list items or map values as absent, and drops them."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            if container == "map":
                return {k: clean(v) for k, v in value.items() if v is not None}
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value if container != "list" or v is not None]
        return value

    class NullBlind(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            if body is None:
                return body, violations
            return body, self.validator.body_violations(clean(body))

    return lambda: NullBlind(domains=[DOMAIN])


def _case_blind_role_arn() -> Callable[[], ReferenceService]:
    """Compares the ARN's fixed prefix without case (``value.lower().startswith("arn:aws:iam:")``)."""
    pattern = load_contract().member("RoleArn").get("pattern")

    def keep(violation: Violation, body: Any) -> bool:
        role = body.get("RoleArn") if isinstance(body, dict) else None
        lowered = isinstance(role, str) and re.search(pattern, role.lower()) is not None
        return not (violation.constraint_id == "RoleArn.pattern" and lowered)

    return forgetting(keep)


def _order_bound() -> Callable[[], ReferenceService]:
    """Crashes unless WorkflowType comes before IntegrationConfig (a hand-written streaming reader)."""

    class OrderBound(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
            body, violations = super().body_violations(raw)
            if isinstance(body, dict) and "WorkflowType" in body and "IntegrationConfig" in body:
                names = list(body)
                if names.index("IntegrationConfig") < names.index("WorkflowType"):
                    raise RuntimeError("mutant: IntegrationConfig read before WorkflowType")
            return body, violations

    return lambda: OrderBound(domains=[DOMAIN])


def _typed_by_depth() -> Callable[[], ReferenceService]:
    """Answers ValidationException for violations inside FlowDefinition (a nested validator of its own),
    the right type for all others."""

    class Nested(ReferenceService):
        def validation_error(self, violations: list[Violation]) -> Reply:
            reply = super().validation_error(violations)
            if all(v.location.startswith(f"body.{FLOW}") for v in violations):
                return Reply(
                    reply.status, {**reply.headers, "X-Amzn-Errortype": "ValidationException"}, reply.body
                )
            return reply

    return lambda: Nested(domains=[DOMAIN])


def _untyped_malformed() -> Callable[[], ReferenceService]:
    """Answers a body it cannot parse without an error type (the parser's own 400), all else as due."""

    class Untyped(ReferenceService):
        def validation_error(self, violations: list[Violation]) -> Reply:
            reply = super().validation_error(violations)
            if any(v.constraint_id == "Body.json" for v in violations):
                headers = {k: v for k, v in reply.headers.items() if k != "X-Amzn-Errortype"}
                return Reply(reply.status, headers, reply.body)
            return reply

    return lambda: Untyped(domains=[DOMAIN])


def _message_with_object_type() -> Callable[[], ReferenceService]:
    """Puts the ObjectTypeName into the success Message, which then grows past 255 for long names."""

    class Chatty(ReferenceService):
        def success_message(self, domain: str, body: Any, workflow_id: str) -> str:
            return f"Integration workflow {workflow_id} created for object type {body.get('ObjectTypeName')}."

    return lambda: Chatty(domains=[DOMAIN])


NEAR_MUTANTS: list[Mutant] = [
    # -- a pattern one character off ----------------------------------------------------------------------
    with_value("DomainName class takes '.'", "near miss", "DomainName.pattern", "^[a-zA-Z0-9_.-]+$"),
    with_value(
        "ObjectTypeName may start with a digit",
        "near miss",
        "ObjectTypeName.pattern",
        "^[a-zA-Z_0-9][a-zA-Z_0-9-]*$",
    ),
    with_value("tag keys take a space", "near miss", "Tags.<key>.pattern", "^(?!aws:)[a-zA-Z+-=._:/ ]+$"),
    with_value(
        "FlowName checks its first character only", "near miss", f"{FLOW}.FlowName.pattern", "^[a-zA-Z0-9]."
    ),
    with_value(
        "ConnectorProfileName class takes a space",
        "near miss",
        f"{SOURCE}.ConnectorProfileName.pattern",
        "[\\w/!@#+=. -]+",
    ),
    with_value(
        "KmsArn account part takes any character",
        "near miss",
        f"{FLOW}.KmsArn.pattern",
        "arn:aws:kms:.*:.+:.*",
    ),
    with_value(
        "Salesforce Object splits on spaces only",
        "near miss",
        f"{SOURCE}.SourceConnectorProperties.Salesforce.Object.pattern",
        "[^ ]+",
    ),
    with_value(
        "TaskProperties values matched with DOTALL",
        "near miss",
        f"{TASKS}[].TaskProperties.<value>.pattern",
        "[\\s\\S]+",
    ),
    Mutant("RoleArn prefix without case", "near miss", "RoleArn.pattern", _case_blind_role_arn()),
    # -- the first item only --------------------------------------------------------------------------------
    Mutant("validates Tasks[0] only", "first item only", "second item", first_item_only("Tasks")),
    Mutant("validates Batches[0] only", "first item only", "second item", first_item_only("Batches")),
    Mutant(
        "validates SourceFields[0] only", "first item only", "second item", first_item_only("SourceFields")
    ),
    Mutant("validates the first tag only", "first item only", "second item", forgetting(_first_tag_only)),
    Mutant(
        "null list items read as absent", "nulls", "RestJsonBodyMalformedListNullItem", _without_nulls("list")
    ),
    Mutant(
        "null map values read as absent", "nulls", "RestJsonBodyMalformedMapNullValue", _without_nulls("map")
    ),
    # -- a coercing deserializer ----------------------------------------------------------------------------
    Mutant(
        "coerces string booleans",
        "coerces",
        "RestJsonBodyBooleanStringCoercion",
        converting("boolean", _truthy),
    ),
    Mutant(
        "coerces numeric strings to longs",
        "coerces",
        f"{SCHEDULED}.ScheduleOffset.type",
        converting("long", _numeric_string),
    ),
    Mutant(
        "truncates fractional longs",
        "coerces",
        f"{SCHEDULED}.ScheduleOffset.type",
        converting("long", _truncated),
    ),
    Mutant(
        "wraps longs at 64 bits",
        "coerces",
        f"{SCHEDULED}.ScheduleOffset.minimum",
        converting("long", _wrapped),
    ),
    Mutant(
        "reads date-time strings as timestamps", "coerces", "Time.type", converting("timestamp", _date_time)
    ),
    Mutant("reads stringified epoch seconds", "coerces", "Time.type", converting("timestamp", _epoch_string)),
    # -- a lenient JSON parser ------------------------------------------------------------------------------
    Mutant("JSON with comments", "lenient JSON", "Body.json", parsing(_without_comments)),
    Mutant("JSON with trailing commas", "lenient JSON", "Body.json", parsing(_without_trailing_commas)),
    Mutant("ignores what follows the JSON text", "lenient JSON", "Body.json", parsing(_first_value)),
    Mutant(
        "raw control characters in strings",
        "lenient JSON",
        "Body.json",
        parsing(lambda text: json.loads(text, strict=False)),
    ),
    Mutant("NaN and Infinity literals", "lenient JSON", "Body.json", parsing(json.loads)),
    Mutant("form feed as whitespace", "lenient JSON", "Body.json", parsing(_form_feed_as_space)),
    # -- answers wrong for some requests only ---------------------------------------------------------------
    Mutant("ValidationException for FlowDefinition faults", "some answers", "error.type", _typed_by_depth()),
    Mutant("no error type for unparseable bodies", "some answers", "error.type", _untyped_malformed()),
    Mutant(
        "Message holds the ObjectTypeName",
        "some answers",
        "Response.Message.maxLength",
        _message_with_object_type(),
    ),
    # -- member order ---------------------------------------------------------------------------------------
    Mutant("500 when IntegrationConfig comes first", "member order", "success.status", _order_bound()),
]

ALL_MUTANTS: list[Mutant] = [*MUTANTS, *NEAR_MUTANTS, *LIFECYCLE_MUTANTS]
