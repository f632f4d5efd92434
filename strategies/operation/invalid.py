"""Faults made into requests: a valid set of parameters, the member placed (first, second or last item
of every collection on the way), the variant applied, and the request serialized by botocore with the
wrong-kind values then put into the wire.  Also the whole-body faults of ``Body.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.spec.contract import Contract
from conformance.spec.wire import InvalidRequest, WireRequest
from conformance.strategies.operation.faults import Variant, describe
from conformance.strategies.operation.placement import Step, json_steps, place, remove_at, set_at
from conformance.strategies.operation.wire import (
    replace_header,
    replace_json,
    replace_label,
    replace_query,
    to_wire,
)

ABSENT = object()
# The restJson1 rule the whole-body faults break: the body is one JSON object.
BODY_JSON = "Body.json"


@dataclass(frozen=True)
class FaultCase:
    """A built fault with what it is made of, so that a test can check it independently: the parameters
    (with the fault in them, unless the fault went into the wire), the steps to the member, and the value
    that stands there (``ABSENT`` for a member left out)."""

    constraint_id: str
    params: dict[str, Any]
    steps: tuple[Step, ...]
    value: Any
    on_wire: bool
    request: WireRequest
    reason: str
    also_breaks: frozenset[str]

    def invalid_request(self) -> InvalidRequest:
        return InvalidRequest(self.request, self.constraint_id, self.reason, self.also_breaks)


def realize(
    contract: Contract, constraint_id: str, variant: Variant, base: dict[str, Any], position: str = "first"
) -> FaultCase:
    """``variant`` of ``constraint_id`` applied to a copy of the valid parameters ``base``."""
    path = contract.constraints[constraint_id].path
    params, steps = place(contract, base, path, position)
    where = _where(steps, path)
    if variant.action == "remove":
        remove_at(params, steps)
        request = to_wire(contract, params)
        value: Any = ABSENT
        reason = f"{where} is left out: {variant.why}"
    elif variant.action == "set":
        set_at(params, steps, variant.value)
        request = to_wire(contract, params)
        value = variant.value
        reason = f"{where} is {describe(variant.value)}: {variant.why}"
    elif variant.action == "rename":
        request = replace_json(
            to_wire(contract, params), json_steps(contract, steps), None, rename=variant.value
        )
        value = ABSENT
        reason = f"{where} is {variant.why}"
    else:
        request = put_on_wire(contract, to_wire(contract, params), steps, variant.value)
        value = variant.value
        reason = f"{where} is {describe(variant.value)} on the wire: {variant.why}"
    return FaultCase(
        constraint_id,
        params,
        tuple(steps),
        value,
        variant.action in ("wire", "rename"),
        request,
        reason,
        variant.also_breaks,
    )


def _where(steps: list[Step], path: str) -> str:
    """The member as a reason names it: its path, with the item or entry the fault is in."""
    if not steps:
        return "the body"
    out = ""
    for step in steps:
        if step.kind == "member":
            out += ("." if out else "") + str(step.at)
        elif step.kind == "item":
            out += f"[{step.at}]"
        elif step.kind == "value":
            out += f"[{step.at!r}]"
        else:
            out += f" key {step.at!r}"
    return out


def put_on_wire(contract: Contract, request: WireRequest, steps: list[Step], value: Any) -> WireRequest:
    """The serialized request with ``value`` where ``steps`` lead: a JSON value in the body, or a text
    in a label, a query value or a header."""
    if not steps:
        return replace_json(request, [], value)
    top = contract.member(steps[0].path)
    if top.location in ("body", "payload"):
        return replace_json(request, json_steps(contract, steps), value)
    text = str(value)
    if top.location == "uri":
        return replace_label(contract, request, top.on_the_wire, text)
    if top.location == "querystring":
        if top.type == "list":
            return replace_query(request, top.on_the_wire, steps[1].at, text)
        if top.type == "map":
            return replace_query(request, steps[1].at, 0, text)
        return replace_query(request, top.on_the_wire, 0, text)
    if top.location == "header":
        return replace_header(request, top.on_the_wire, text)
    if top.location == "headers":
        return replace_header(request, top.on_the_wire + steps[1].at, text)
    raise ValueError(f"no wire fault for a member in the {top.location}")


# Whole-body faults: each a sentence and a change to the body bytes of a valid request.
MALFORMED = (
    ("not JSON", lambda body: b"not json"),
    ("a JSON array instead of an object", lambda body: b"[" + body + b"]"),
    ("a JSON string instead of an object", lambda body: b'"body"'),
    ("a JSON number instead of an object", lambda body: b"1"),
    ("trailing garbage after the object", lambda body: body + b"x"),
    ("a trailing comma in the object", lambda body: body[:-1] + b",}" if body != b"{}" else b'{"a":1,}'),
    ("the object cut short", lambda body: body[:-1]),
)


def malformed(contract: Contract, base: WireRequest) -> list[InvalidRequest]:
    """The whole-body faults of a valid request whose body is a JSON object, under ``Body.json``."""
    from dataclasses import replace

    if not base.body.startswith(b"{"):
        return []
    return [
        InvalidRequest(replace(base, body=change(base.body)), BODY_JSON, f"the body is {sentence}")
        for sentence, change in MALFORMED
    ]
