"""Smithy's restJson1 malformed-request cases (``spec/smithy_malformed.json``) for any operation: each case
sent wherever the operation has the binding (a path label, a query parameter, a header, a body member, the
whole body) and the type the case is about, in an otherwise valid request.

The catalogue's ``applies`` is the flagship's verdict; here a case applies by what the operation has.  Each
value a case sends is judged on its own, against the member it goes into:

* a text in a label, a query value or a header breaks the member's ``.type`` (and its ``minimum`` or
  ``maximum`` where an integer past the type's range is also past the member's bounds);
* a JSON text of the wrong kind in the body (``"123"`` for an integer, ``null`` as a dense list's item)
  breaks ``.type``; a text that is no JSON value at all (``0x42``, ``NaN``, an unclosed list) breaks
  ``Body.json``; a body that is JSON but no object breaks ``Body.type``;
* a value the member takes (a JSON number for an epoch-seconds timestamp, ``"NaN"`` for a float) is not
  sent: it is valid there.

Cases never sent, with why, are in ``LEFT_OUT``; values left out of a case that is sent, in
``VALUES_LEFT_OUT``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

from conformance.spec.contract import Contract, Member
from conformance.spec.paths import is_item, item_of, value_of
from conformance.spec.smithy import SmithyCase, smithy_catalogue
from conformance.spec.types import INTEGER_RANGES
from conformance.spec.wire import WireRequest
from conformance.strategies.operation.placement import chain
from conformance.strategies.smithy import BODY_FAULTS, NOT_JSON, escaped, parse_strict

BODY_JSON = "Body.json"
NUMBERS = (*INTEGER_RANGES, "float", "double")
# The format a timestamp takes where the model names none, by where it travels (Smithy's defaults).
DEFAULT_FORMAT = {"uri": "iso8601", "querystring": "iso8601", "header": "rfc822", "body": "unixTimestamp"}
# A case id's word for the format its member declares; "Default" is the location's own.
CASE_FORMATS = {"DateTime": "iso8601", "HttpDate": "rfc822", "Epoch": "unixTimestamp"}
BINDINGS = {"path": ("uri",), "query": ("querystring",), "header": ("header",), "body": ("body", "payload")}

LEFT_OUT: dict[str, str] = {
    "RestJsonHeaderMalformedStringInvalidBase64MediaType": (
        "a @mediaType string header is base64 on the wire, and the contract does not carry the mediaType "
        "trait: no member can be told apart as one"
    ),
    "RestJsonMalformedUnionKnownAndUnknownFieldsSet": (
        "a union with one known and one unknown member is valid to a server that ignores unknown members, "
        "which the contract leaves open"
    ),
    "RestJsonMalformedUnionUnknownMember": (
        "an unknown union member is read as a variant unknown to this version by some readings (clients "
        "must accept it), so a 400 is not the only answer the contract allows"
    ),
    "RestJsonMalformedRecursiveStructures": "valid requests leave recursive members out; no case is built",
}
VALUES_LEFT_OUT: dict[str, str] = {
    '"xyz"': "unpadded base64: Java's and other common decoders read it as bytes",
    '"YmxvYg="': "short padding: decoders that stop at '=' read it as bytes",
    '"-_=="': "the URL-safe alphabet: a URL-safe decoder reads it as bytes",
}
# Smithy's union cases send no values in the file: what each sends, for a union at ``path``.
UNION_CASES = {
    "RestJsonMalformedUnionMultipleFieldsSet": "two members",
    "RestJsonMalformedUnionNoFieldsSet": "a member set to null",
    "RestJsonMalformedUnionEmptyObjectNoFieldsSet": "{}",
    "RestJsonMalformedUnionValueIsArray": "an array",
}


@dataclass(frozen=True)
class SmithyFault:
    """One text of one or more Smithy cases in the place of the member at ``path`` (``Body``: the whole
    body), breaking ``constraint_id``: ``text`` is JSON text in the body, plain text elsewhere."""

    case_ids: tuple[str, ...]
    constraint_id: str
    path: str
    text: str
    also_breaks: frozenset[str]

    @property
    def label(self) -> str:
        where = "" if self.path == "Body" else f"{self.path} "
        return f"Smithy {where}{escaped(self.text)}"

    def reason(self) -> str:
        # The Smithy case ids travel in ``InvalidRequest.smithy``; the reports name them from there.
        if self.path == "Body":
            if self.constraint_id == BODY_JSON:
                return f"the body is a valid body with a {self.text}: no JSON text"
            return f"the body is {escaped(self.text)}: JSON, but no object"
        if not self.text:
            return f"{self.path} is a union with two members set"
        if self.constraint_id == BODY_JSON:
            return f"{self.path} is {escaped(self.text)} in the body: no JSON value"
        return f"{self.path} is {escaped(self.text)} on the wire: a value of another kind than its type"


def _case_format(case: SmithyCase, location: str) -> str | None:
    for word, form in CASE_FORMATS.items():
        if f"Timestamp{word}" in case.id:
            return form
    return DEFAULT_FORMAT.get(location) if "TimestampDefault" in case.id else None


@cache
def _members_by_kind(contract: Contract) -> dict[tuple[str, str], tuple[Member, ...]]:
    """The request's members by (the location of their top-level ancestor, their type), outside recursive
    members, found in one pass: an operation may have 55,000 members and the catalogue 200 cases."""
    found: dict[tuple[str, str], list[Member]] = {}
    for member in contract.members.values():
        steps = chain(member.path)
        if not steps or member.path.startswith("Response"):
            continue
        top = contract.member(steps[0])
        if top.location in ("response", ""):
            continue
        # Recursive members are left out of valid requests; an event stream's events are no JSON body.
        if any(contract.member(p).recursive or contract.member(p).event_stream for p in steps):
            continue
        found.setdefault((top.location, member.type), []).append(member)
    return {key: tuple(members) for key, members in found.items()}


def _targets(contract: Contract, case: SmithyCase) -> list[Member]:
    """The members a value case goes into: the binding's location and the case's type (for a query or
    header list, its items), outside recursive members."""
    found = []
    for top in BINDINGS.get(case.binding, ()):
        for member in _members_by_kind(contract).get((top, case.target), ()):
            steps = chain(member.path)
            depth = len(steps)
            if case.binding != "body" and not (depth == 1 or (depth == 2 and is_item(member.path))):
                continue
            if top == "payload" and contract.member(steps[0]).type not in ("structure", "union"):
                continue
            if member.type == "timestamp":
                location = "body" if top == "payload" else top
                if _case_format(case, location) != (member.timestamp_format or DEFAULT_FORMAT[location]):
                    continue
            found.append(member)
    return found


def _json_fits(member: Member, value: Any) -> bool:
    """Whether a JSON value is one ``member`` takes as its type (bounds aside)."""
    kind = member.type
    if kind in INTEGER_RANGES:
        return type(value) is int
    if kind in ("float", "double"):
        return type(value) in (int, float) or value in ("NaN", "Infinity", "-Infinity")
    if kind == "boolean":
        return type(value) is bool
    if kind == "timestamp":
        if member.timestamp_format in ("iso8601", "rfc822"):
            return isinstance(value, str)  # a string of another format: judged by the case, never sent valid
        return type(value) in (int, float)
    if kind == "blob":
        return isinstance(value, str)
    return False


def _past_range(member: Member, value: Any) -> tuple[bool, frozenset[str]]:
    """For an integer: whether ``value`` is past its type's own range, and which of its bounds it breaks."""
    if member.type not in INTEGER_RANGES or type(value) is not int:
        return False, frozenset()
    low, high = INTEGER_RANGES[member.type]
    also = set()
    if member.get("minimum") is not None and value < member.get("minimum"):
        also.add(f"{member.path}.minimum")
    if member.get("maximum") is not None and value > member.get("maximum"):
        also.add(f"{member.path}.maximum")
    return not low <= value <= high, frozenset(also)


def _body_fault(case: SmithyCase, member: Member, text: str) -> SmithyFault | None:
    value = parse_strict(text)
    if value is NOT_JSON:
        return SmithyFault((case.id,), BODY_JSON, member.path, text, frozenset())
    if _json_fits(member, value):
        past, also = _past_range(member, value)
        if not past:
            return None  # a value the member takes (or only its own bounds break: the catalogue's edges)
        return SmithyFault((case.id,), f"{member.path}.type", member.path, text, also)
    return SmithyFault((case.id,), f"{member.path}.type", member.path, text, frozenset())


def _text_fault(case: SmithyCase, member: Member, text: str) -> SmithyFault | None:
    text = unquote(text)
    if is_item(member.path) and "," in text and member.location == "header":
        return None  # a comma splits a header list's items: the value would be read as two
    also: frozenset[str] = frozenset()
    if member.type in INTEGER_RANGES:
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is not None:
            past, also = _past_range(member, number)
            if not past:
                return None
    return SmithyFault((case.id,), f"{member.path}.type", member.path, text, also)


def _union_faults(contract: Contract, case_id: str) -> list[SmithyFault]:
    found = []
    kinds = _members_by_kind(contract)
    for member in (*kinds.get(("body", "union"), ()), *kinds.get(("payload", "union"), ())):
        children = [c for c in contract.children(member.path) if not c.recursive]
        if not children:
            continue
        first = children[0].on_the_wire
        texts = {
            "RestJsonMalformedUnionMultipleFieldsSet": None,  # built from valid values at send time
            "RestJsonMalformedUnionNoFieldsSet": json.dumps({first: None}),
            "RestJsonMalformedUnionEmptyObjectNoFieldsSet": "{}",
            "RestJsonMalformedUnionValueIsArray": json.dumps([]),
        }
        if case_id == "RestJsonMalformedUnionMultipleFieldsSet":
            if len(children) >= 2:
                found.append(SmithyFault((case_id,), f"{member.path}.union", member.path, "", frozenset()))
            continue
        kind = "type" if case_id == "RestJsonMalformedUnionValueIsArray" else "union"
        found.append(
            SmithyFault((case_id,), f"{member.path}.{kind}", member.path, texts[case_id] or "", frozenset())
        )
    return found


def _collection_faults(contract: Contract, case: SmithyCase) -> list[SmithyFault]:
    found = []
    for member in _targets(contract, case):
        if member.sparse and case.id.endswith(("NullItem", "NullValue")):
            continue
        inner = item_of(member.path) if member.type == "list" else value_of(member.path)
        if case.id.endswith(("NullItem", "NullValue")):
            if case.id.endswith("NullItem") != (member.type == "list"):
                continue
            if contract.member(inner).type == "document":
                continue  # null is a document
            found.append(SmithyFault((case.id,), f"{inner}.type", inner, "null", frozenset()))
        elif case.id.endswith("ListUnclosed"):
            found.append(SmithyFault((case.id,), BODY_JSON, member.path, '["a", "b", "c"', frozenset()))
        elif case.id.endswith("MapNullKey"):
            found.append(SmithyFault((case.id,), BODY_JSON, member.path, '{ null: "abc" }', frozenset()))
    return found


@cache
def smithy_faults(contract: Contract, body_required: bool) -> tuple[SmithyFault, ...]:
    """Every Smithy value that applies to the operation, once per member and text (the ids of every case
    that sends it merged), in catalogue order.  ``body_required``: the body has a required member, so
    that a ``null`` body lacks it under every reading."""
    merged: dict[tuple[str, str, str], SmithyFault] = {}

    def add(fault: SmithyFault | None) -> None:
        if fault is None:
            return
        key = (fault.constraint_id, fault.path, fault.text)
        old = merged.get(key)
        ids = fault.case_ids if old is None else tuple(dict.fromkeys(old.case_ids + fault.case_ids))
        merged[key] = SmithyFault(ids, fault.constraint_id, fault.path, fault.text, fault.also_breaks)

    for case in smithy_catalogue().cases:
        if case.id in LEFT_OUT or case.constraint is not None:
            continue  # validation cases: the catalogue's own edges of each constraint kind
        if case.id in UNION_CASES:
            for fault in _union_faults(contract, case.id):
                add(fault)
        elif case.binding == "whole-body":
            for text in case.values if case.id.endswith("TechnicallyValidJsonBody") else ():
                if text != "null" or body_required:
                    add(SmithyFault((case.id,), "Body.type", "Body", text, frozenset()))
            if case.id.endswith("InvalidJsonBody"):
                for body_fault in BODY_FAULTS:
                    if case.id in body_fault.smithy_ids:
                        add(SmithyFault((case.id,), BODY_JSON, "Body", body_fault.name, frozenset()))
        elif case.binding == "body" and case.target in ("list", "map"):
            for fault in _collection_faults(contract, case):
                add(fault)
        elif case.binding in BINDINGS and case.target in (*NUMBERS, "boolean", "timestamp", "blob"):
            for member in _targets(contract, case):
                for text in case.values:
                    if case.binding == "body":
                        if text not in VALUES_LEFT_OUT:
                            add(_body_fault(case, member, text))
                    else:
                        add(_text_fault(case, member, text))
    return tuple(merged.values())


@cache
def smithy_faults_by_constraint(
    contract: Contract, body_required: bool
) -> dict[str, tuple[SmithyFault, ...]]:
    """``smithy_faults`` by the constraint each breaks."""
    grouped: dict[str, list[SmithyFault]] = {}
    for fault in smithy_faults(contract, body_required):
        grouped.setdefault(fault.constraint_id, []).append(fault)
    return {cid: tuple(faults) for cid, faults in grouped.items()}


def with_text(request: WireRequest, steps: list[Any], text: str) -> WireRequest:
    """The request with the JSON text ``text`` written where ``steps`` lead in its JSON body."""
    from dataclasses import replace

    marker = "\u2063smithy-value\u2063"
    document = json.loads(request.body) if request.body else {}
    if not steps:
        return replace(request, body=text.encode("utf-8"))
    holder = document
    for step in steps[:-1]:
        holder = holder[step]
    holder[steps[-1]] = marker
    placed = json.dumps(document, ensure_ascii=False)
    written = placed.replace(json.dumps(marker, ensure_ascii=False), text, 1)
    return replace(request, body=written.encode("utf-8"))


def whole_body(request: WireRequest, fault: SmithyFault) -> WireRequest | None:
    """A whole-body fault written over a valid request's body; None where the body leaves it no room
    (a syntax fault placed after a first member, in a body with none)."""
    from dataclasses import replace

    if fault.constraint_id == "Body.type":
        return replace(request, body=fault.text.encode("utf-8"))
    body = json.loads(request.body) if request.body else {}
    if not isinstance(body, dict):
        return None
    for body_fault in BODY_FAULTS:
        if body_fault.name == fault.text:
            try:
                written = body_fault.body(body)
            except IndexError:
                return None
            # On an empty object some faults write nothing wrong (no key to quote): those are not sent.
            return (
                replace(request, body=written) if parse_strict(written.decode("utf-8")) is NOT_JSON else None
            )
    return None
