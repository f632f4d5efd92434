"""Smithy's restJson1 malformed-request tests applied to this operation's members, in valid requests.

Each Smithy case (``spec.smithy``) says "this request must get 400".  Its value goes into an otherwise
valid request, so that a lenient parser or a coercing deserializer that accepts the malformation sees a
valid request and answers 200:

* values that are JSON but of the wrong type (``"true"`` for a boolean, ``"123"`` or ``1.001`` for a long,
  ``"1985-04-12T23:20:50Z"`` for a timestamp, ``null`` as a list item or map value) break the member's
  ``.type`` constraint; integers past a long's range break its ``.minimum`` or ``.maximum``;
* values that are not JSON at all (``True``, ``0x42``, ``NaN``, ``1515531081ABC``) and bodies with one
  syntax fault (a comment, a trailing comma, single quotes, a form feed, garbage around the text) break
  ``Body.json``; a JSON text that is not an object breaks ``Body.type``;
* the validation cases (length, pattern, range, enum, required) are the constraint catalogue's own edges:
  each such case id is attached to the edges of the constraints of its kind (``validation_ids``).

The suite adds some of its own next to Smithy's (leading zeros and ``+`` in numbers, unquoted keys, a raw
control character inside a string, 64-bit wrap-around): those carry no Smithy id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from conformance.spec import Constraint, Member
from conformance.spec.paths import ITEM, is_item, is_key, is_value, steps
from conformance.spec.smithy import SmithyCase, smithy_catalogue

NOT_JSON: Any = type("NotJson", (), {"__repr__": lambda self: "NOT_JSON"})()
# Stands for a member's value in a body's JSON text until a literal that is not JSON takes its place.
PLACEHOLDER = "\u2063member-value\u2063"

# Values of the suite's own, next to Smithy's: what lenient number parsers take.
OWN_LONG_LITERALS = ("010", "+10", "1_000")
OWN_TIMESTAMP_LITERALS = ("+1700000000", "01700000000")
# Integers a parser that wraps at 64 bits would read as 1000: past the long's range for every reading.
WRAPPING_LONGS = (2**64 + 1000, -(2**64) + 1000)


@dataclass(frozen=True)
class SmithyValue:
    """One JSON text a Smithy case puts where a member's value goes, with every case that sends it."""

    text: str
    smithy_ids: tuple[str, ...]

    @property
    def value(self) -> Any:
        """The JSON value of the text, or ``NOT_JSON``."""
        return parse_strict(self.text)

    def label(self) -> str:
        return f"{self.text} (Smithy {', '.join(self.smithy_ids)})" if self.smithy_ids else self.text


def escaped(text: str) -> str:
    """``text`` with its control characters written as escapes, for ids and reasons."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda match: f"\\x{ord(match.group()):02x}", text)


def parse_strict(text: str) -> Any:
    """JSON as RFC 8259 has it (no ``NaN``, ``Infinity``), or ``NOT_JSON``."""

    def reject(name: str) -> Any:
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=reject)
    except ValueError:
        return NOT_JSON


def _body_cases(target: str) -> list[SmithyCase]:
    return [c for c in smithy_catalogue().applying() if c.binding == "body" and c.target == target]


@cache
def values_for(member_type: str) -> tuple[SmithyValue, ...]:
    """Every value Smithy's body cases send for a member of ``member_type``, each text once."""
    ids: dict[str, list[str]] = {}
    for case in _body_cases(member_type):
        if case.constraint is not None:
            continue
        for text in case.values:
            ids.setdefault(text, []).append(case.id)
    return tuple(SmithyValue(text, tuple(found)) for text, found in ids.items())


def _wrong_type(member: Member, value: Any) -> bool:
    """Whether a JSON value is of another type than ``member`` takes (not a long out of range)."""
    if member.type == "boolean":
        return not isinstance(value, bool)
    if member.type == "long":
        return isinstance(value, bool) or not isinstance(value, int)
    if member.type == "timestamp":
        return isinstance(value, bool) or not isinstance(value, int | float)
    raise ValueError(f"no Smithy values for {member.type} members")


def wrong_type_values(member: Member) -> tuple[SmithyValue, ...]:
    """Smithy's values that are JSON of the wrong type for ``member``: they break ``<member>.type``."""
    if member.type not in ("boolean", "long", "timestamp"):
        return ()
    return tuple(
        v for v in values_for(member.type) if v.value is not NOT_JSON and _wrong_type(member, v.value)
    )


def literal_values(member: Member) -> tuple[SmithyValue, ...]:
    """Texts that are no JSON value at all in the member's place (they break ``Body.json``): Smithy's,
    then the suite's own for numbers."""
    if member.type not in ("boolean", "long", "timestamp"):
        return ()
    own = {"long": OWN_LONG_LITERALS, "timestamp": OWN_TIMESTAMP_LITERALS}.get(member.type, ())
    smithy = [v for v in values_for(member.type) if v.value is NOT_JSON]
    return (*smithy, *(SmithyValue(text, ()) for text in own))


def out_of_range_values(member: Member, kind: str) -> tuple[SmithyValue, ...]:
    """Integers past a long's ``minimum`` or ``maximum`` far enough that no 64-bit integer holds them:
    Smithy's underflow and overflow values, and two that a 64-bit wrap would bring into range."""
    if member.type != "long":
        return ()
    bound = member.get(kind)
    past = (lambda v: v < bound) if kind == "minimum" else (lambda v: v > bound)
    smithy = [v for v in values_for("long") if isinstance(v.value, int) and past(v.value)]
    own = [SmithyValue(str(v), ()) for v in WRAPPING_LONGS if past(v)]
    return (*smithy, *own)


def with_literal(body: dict, place: Callable[[dict, Any], dict], text: str) -> bytes:
    """The JSON text of ``place(body, PLACEHOLDER)`` with ``text`` written where the placeholder is."""
    placed = json.dumps(place(body, PLACEHOLDER), ensure_ascii=False, separators=(",", ":"))
    marker = json.dumps(PLACEHOLDER, ensure_ascii=False)
    if placed.count(marker) != 1:
        raise AssertionError("the placeholder must stand exactly once in the body")
    return placed.replace(marker, text).encode("utf-8")


# -- collections: null items and values, an unclosed list, a null key ---------------------------------------
NULL_ITEM = "RestJsonBodyMalformedListNullItem"
UNCLOSED_LIST = "RestJsonBodyMalformedListUnclosed"
NULL_MAP_VALUE = "RestJsonBodyMalformedMapNullValue"
NULL_MAP_KEY = "RestJsonBodyMalformedMapNullKey"
UNCLOSED_LIST_TEXT = '["a", "b", "c"'
NULL_KEY_TEXT = '{ null: "abc" }'


def null_ids(member: Member) -> tuple[str, ...]:
    """The Smithy case that sends ``null`` as ``member`` (a list item or a map value), if there is one."""
    if is_item(member.path):
        return (NULL_ITEM,)
    if is_value(member.path):
        return (NULL_MAP_VALUE,)
    return ()


# -- whole bodies -------------------------------------------------------------------------------------------
INVALID_JSON = "RestJsonInvalidJsonBody"
NOT_AN_OBJECT = "RestJsonTechnicallyValidJsonBody"


def _members_text(body: dict, key: Callable[[str], str] = json.dumps) -> list[str]:
    return [f"{key(name)}:{json.dumps(value, ensure_ascii=False)}" for name, value in body.items()]


def _after_first(body: dict, insert: str) -> str:
    members = _members_text(body)
    return "{" + members[0] + "," + insert + ",".join(members[1:]) + "}"


def _before_first_value(body: dict, whitespace: str) -> str:
    members = _members_text(body)
    name, _, value = members[0].partition(":")
    return "{" + ",".join([f"{name}:{whitespace}{value}", *members[1:]]) + "}"


def _plain(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class BodyFault:
    """A valid body's JSON text with one syntax fault: a lenient parser reads the valid request."""

    name: str
    smithy_ids: tuple[str, ...]
    render: Callable[[dict], str]

    def body(self, body: dict) -> bytes:
        return self.render(body).encode("utf-8")


BODY_FAULTS: tuple[BodyFault, ...] = (
    BodyFault("line comment", (INVALID_JSON,), lambda b: _after_first(b, "// the workflow\n")),
    BodyFault("block comment", (INVALID_JSON,), lambda b: _after_first(b, "/* the workflow */")),
    BodyFault("form feed as whitespace", (INVALID_JSON,), lambda b: _before_first_value(b, "\f")),
    BodyFault(
        "single-quoted keys",
        (INVALID_JSON,),
        lambda b: "{" + ",".join(_members_text(b, lambda k: f"'{k}'")) + "}",
    ),
    BodyFault("trailing comma", (INVALID_JSON,), lambda b: _plain(b)[:-1] + ",}"),
    BodyFault("trailing garbage", (INVALID_JSON,), lambda b: _plain(b) + "abc"),
    BodyFault("leading garbage", (INVALID_JSON,), lambda b: "abc" + _plain(b)),
    BodyFault("opened and not closed", (INVALID_JSON,), lambda b: _plain(b)[:-1] + ",["),
    BodyFault("unquoted keys", (), lambda b: "{" + ",".join(_members_text(b, str)) + "}"),
    BodyFault("a non-breaking space as whitespace", (), lambda b: _before_first_value(b, "\u00a0")),
)

# A string with raw control characters, which JSON forbids inside strings: in place of a string member
# without a pattern, a lenient parser reads a valid value.
RAW_CONTROL_TEXT = '"tab\tand\x01"'


def structural_literals(member: Member) -> tuple[SmithyValue, ...]:
    """Texts that are no JSON value in the place of a list (unclosed), a map (a null key) or a string that
    takes any text (raw control characters inside it): what a lenient parser reads as a valid member."""
    if member.location != "body":
        return ()
    if member.type == "list":
        return (SmithyValue(UNCLOSED_LIST_TEXT, (UNCLOSED_LIST,)),)
    if member.type == "map":
        return (SmithyValue(NULL_KEY_TEXT, (NULL_MAP_KEY,)),)
    if member.type == "string" and not {"pattern", "enum"} & member.constraints.keys():
        return (SmithyValue(RAW_CONTROL_TEXT, ()),)
    return ()


# -- validation cases: the constraint catalogue's own edges ----------------------------------------------
def member_position(member: Member) -> str:
    """Where a member sits, as Smithy's validation cases tell them apart (they test body members)."""
    if member.location != "body":
        return member.location
    if is_key(member.path):
        return "map key"
    if is_value(member.path):
        return "map value"
    if is_item(member.path):
        return "list item"
    return {"map": "map", "list": "list", "long": "long"}.get(member.type, "member")


# Smithy validation case -> (the constraint kinds it tests, the member position it tests them at).
VALIDATION: dict[str, tuple[tuple[str, ...], str]] = {
    "RestJsonMalformedLengthString": (("minLength", "maxLength"), "member"),
    "RestJsonMalformedLengthStringOverride": (("minLength", "maxLength"), "member"),
    "RestJsonMalformedLengthMinString": (("minLength",), "member"),
    "RestJsonMalformedLengthMinStringOverride": (("minLength",), "member"),
    "RestJsonMalformedLengthMaxString": (("maxLength",), "member"),
    "RestJsonMalformedLengthMaxStringOverride": (("maxLength",), "member"),
    "RestJsonMalformedLengthListValue": (("maxLength",), "list item"),
    "RestJsonMalformedLengthMap": (("minItems", "maxItems"), "map"),
    "RestJsonMalformedLengthMapOverride": (("minItems", "maxItems"), "map"),
    "RestJsonMalformedLengthMapKey": (("minLength", "maxLength"), "map key"),
    "RestJsonMalformedPatternString": (("pattern",), "member"),
    "RestJsonMalformedPatternStringOverride": (("pattern",), "member"),
    "RestJsonMalformedPatternMapKey": (("pattern",), "map key"),
    "RestJsonMalformedPatternMapKeyOverride": (("pattern",), "map key"),
    "RestJsonMalformedPatternMapValue": (("pattern",), "map value"),
    "RestJsonMalformedPatternMapValueOverride": (("pattern",), "map value"),
    "RestJsonMalformedEnumString": (("enum",), "member"),
    "RestJsonMalformedEnumTraitString": (("enum",), "member"),
    "RestJsonMalformedEnumMapKey": (("enum",), "map key"),
    "RestJsonMalformedRangeLong": (("minimum", "maximum"), "long"),
    "RestJsonMalformedRangeLongOverride": (("minimum", "maximum"), "long"),
    "RestJsonMalformedRangeMinLong": (("minimum",), "long"),
    "RestJsonMalformedRangeMinLongOverride": (("minimum",), "long"),
    "RestJsonMalformedRangeMaxLong": (("maximum",), "long"),
    "RestJsonMalformedRangeMaxLongOverride": (("maximum",), "long"),
    "RestJsonMalformedRequiredBodyUnset": (("required",), "top level"),
    "RestJsonMalformedRequiredBodyExplicitNull": (("required",), "top level"),
    "RestJsonMalformedUniqueItemsStructureMissingKeyList": (("required",), "in a list item"),
}
# A long value that breaks a pattern at its very end: Smithy's ReDoS case sends one, to see that a
# backtracking engine gives up in time.  Attached to that edge alone.
REDOS = "RestJsonMalformedPatternReDOSString"


def validation_ids(constraint: Constraint, member: Member) -> tuple[str, ...]:
    """The Smithy validation cases whose kind of constraint and member ``constraint`` is."""
    position = member_position(member)
    if constraint.kind == "required":
        parts = steps(member.path)
        position = "in a list item" if ITEM in parts else "top level" if len(parts) == 1 else ""
    return tuple(
        case_id
        for case_id, (kinds, where) in VALIDATION.items()
        if constraint.kind in kinds and where == position
    )


def covered_ids() -> frozenset[str]:
    """Every applying Smithy case this module puts into requests (for the drift test)."""
    ids = {
        REDOS,
        NULL_ITEM,
        UNCLOSED_LIST,
        NULL_MAP_VALUE,
        NULL_MAP_KEY,
        INVALID_JSON,
        NOT_AN_OBJECT,
        *VALIDATION,
    }
    for member_type in ("boolean", "long", "timestamp"):
        ids.update(case_id for value in values_for(member_type) for case_id in value.smithy_ids)
    return frozenset(ids)


__all__ = [
    "BODY_FAULTS",
    "NOT_JSON",
    "SmithyValue",
    "covered_ids",
    "literal_values",
    "null_ids",
    "out_of_range_values",
    "parse_strict",
    "validation_ids",
    "with_literal",
    "wrong_type_values",
]
