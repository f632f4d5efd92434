"""A create refused because what it names exists already: the one refusal of a valid request that a
correct target owes, where the client names what it makes (``CreateSchedule``'s ``Name``) and a run draws
the same name twice, or two xdist workers do.

The refusal is taken as due only when it says so and the target agrees: its error is one the model lists
for the operation and is named for a conflict (``ConflictException``, ``...AlreadyExistsException``,
``ResourceInUseException``), and the resource's read (``conformance.spec.resources``), sent with the
identifiers the create named, answers a success: the resource is there.  Where the model has no read, or
names the resource by what the create answers, nothing can show it, and the refusal fails as before.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from conformance.core import judge
from conformance.core.exchange import Exchange, TargetError
from conformance.spec.wire import WireRequest

_CONFLICT = re.compile(r"Conflict|AlreadyExists|InUse|Duplicate", re.IGNORECASE)
# A store that shows a new resource late (another worker's create) is read again, this long at most.
READ_TRIES = 3
READ_PAUSE = 0.5


def says_it_exists(contract: Any, exchange: Exchange) -> bool:
    """Whether the answer is a client error the model lists for the operation, named for a conflict."""
    if not 400 <= exchange.status < 500:
        return False
    found = judge.error_type(contract, exchange)
    if found is None or not _CONFLICT.search(found):
        return False
    return any(found in (error.name, error.code) for error in contract.errors)


def member_value(contract: Any, request: WireRequest, name: str) -> Any:
    """The value a top-level input member has in ``request``, read where the operation binds it (a label,
    the query, a header, the JSON body); None where the request does not carry it."""
    try:
        member = contract.member(name)
    except KeyError:
        return None
    wire = member.on_the_wire
    if member.location == "uri":
        labels = judge.label_values(contract, request.path)
        return None if labels is None else labels.get(wire)
    if member.location == "querystring":
        return next((value for key, value in request.query if key == wire), None)
    if member.location == "header":
        return request.header(wire)
    try:
        body = json.loads(request.body) if request.body else None
    except ValueError:
        return None
    return body.get(wire) if isinstance(body, dict) else None


def read_request(contract: Any, request: WireRequest) -> WireRequest | None:
    """The read of what ``request`` (a create) names, with the identifiers it took; None where the model
    has no such read, or the read needs what only the create's answer says."""
    from conformance.spec.operation import load_operation
    from conformance.spec.resources import resource
    from conformance.strategies.operation.wire import to_wire

    try:
        found = resource(contract.service, contract.operation)
    except Exception:  # noqa: BLE001 - an operation that makes no resource this suite can read
        return None
    if not found.has("read"):
        return None
    params: dict[str, Any] = {}
    for identifier in found.identifiers.get("read", ()):
        if identifier.source != "input" or len(identifier.path) != 1:
            if identifier.optional:
                continue
            return None
        value = member_value(contract, request, identifier.path[0])
        if value is None:
            if identifier.optional:
                continue
            return None
        params[identifier.member] = value
    try:
        read = load_operation(f"{contract.service}:{found.operations['read']}")
        return to_wire(read, params)
    except Exception:  # noqa: BLE001 - values the read's serializer does not take: nothing to show
        return None


def exists(send: Any, read: WireRequest) -> bool:
    """Whether the read answers a success, looked at again a little later where it does not at once."""
    for attempt in range(READ_TRIES):
        try:
            answer = send(read)
        except TargetError:
            return False
        if 200 <= answer.status < 300:
            return True
        if attempt < READ_TRIES - 1:
            time.sleep(READ_PAUSE)
    return False
