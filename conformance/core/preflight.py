"""Before any test of an operation other than the flagship: one valid request to the user's target, so
that a target that does not answer, refuses the credentials, or does not implement the operation at all
is told in one sentence instead of failing every test.

"Does not implement" is read from the answer: a 405 or 501, a 404 that is no error the model lists, or
the very answer a path no operation has gets (status and error type alike).
"""

from __future__ import annotations

import uuid
from typing import Any

from conformance.core import judge
from conformance.core.client import TargetClient
from conformance.core.exchange import Exchange, TargetError
from conformance.core.operation_target import send_wire
from conformance.core.report import REDACTOR, escape_controls
from conformance.core.sdk import resolve_error_type
from conformance.spec import Contract
from conformance.spec.wire import WireRequest

# Method Not Allowed, Not Implemented: no such operation here, whatever the model lists.
_NO_SUCH_OPERATION = (405, 501)
#: What a problem says when the target does not have the operation (a whole-service run lists it).
NOT_IMPLEMENTED = "does not implement"
# The statuses that say the credentials were not let in.
_REFUSED = (401, 403)


def canonical_request(contract: Contract, pinned: dict[str, Any]) -> WireRequest:
    """One deterministic valid request: the strategies' canonical parameters with the --value pins, as
    botocore's serializer puts them on the wire."""
    from conformance.strategies.operation.canonical import canonical_value
    from conformance.strategies.operation.wire import to_wire

    params = canonical_value(contract, "Body")
    for path, value in pinned.items():
        *parents, name = path.split(".")
        node = params
        for parent in parents:
            node = node.setdefault(parent, {})
        node[name] = value
    return to_wire(contract, params)


def operation_preflight(client: TargetClient, contract: Contract, request: WireRequest) -> str | None:
    """Why the run can't start against the client's target, or None: one valid request, and where its
    answer is an error, one to a path no operation has, to compare."""
    url, name = client.base_url, f"{contract.service}:{contract.operation}"
    try:
        exchange = send_wire(client, request)
    except TargetError as error:
        return str(error)
    status = exchange.status
    if 200 <= status < 300:
        return None
    if status == 429:
        return (
            f"{url} throttled the first request: {answer_in_brief(exchange)}, "
            f"{client.throttle.account()}. Lower --rate-limit, or run when the target is less busy."
        )
    if 300 <= status < 400:
        location = escape_controls(REDACTOR.clip(exchange.headers.get("Location", "nowhere"), 300))
        return (
            f"{url} answered the first request with {status}, redirecting to {location}; the suite "
            "follows no redirects: use that address as --target-url."
        )
    found = judge.error_type(contract, exchange)
    modelled = judge.modelled_status(contract, found) == status
    missing = f"{url} {NOT_IMPLEMENTED} {name} ({contract.method} {contract.uri}): a valid request"
    if status in _NO_SUCH_OPERATION and not modelled:
        return f"{missing} was answered {answer_in_brief(exchange)}. Check --operation and --target-url."
    if status in _REFUSED and not modelled:
        return (
            f"{url} refused the first request: {answer_in_brief(exchange)}. "
            "Check the credentials, --aws-sigv4 and --aws-region."
        )
    nowhere = _nowhere(client, contract)
    if nowhere is not None and not modelled and _same_answer(contract, exchange, nowhere):
        return (
            f"{missing} got the same answer as a path no operation has ({answer_in_brief(exchange)}). "
            "Check --operation and --target-url."
        )
    if status == 404 and not modelled:
        return f"{missing} was answered {answer_in_brief(exchange)}. Check --operation and --target-url."
    return None


def _nowhere(client: TargetClient, contract: Contract) -> Exchange | None:
    """The answer to the operation's method on a path that no AWS operation has."""
    path = f"/conformance-no-such-operation-{uuid.uuid4().hex}"
    try:
        return client.send_raw(contract.method, path, b"{}" if contract.method != "GET" else None)
    except TargetError:
        return None


def _same_answer(contract: Contract, one: Exchange, other: Exchange) -> bool:
    return one.status == other.status and judge.error_type(contract, one) == judge.error_type(contract, other)


def answer_in_brief(exchange: Any) -> str:
    error_type = resolve_error_type(exchange.status, exchange.headers, exchange.body)
    if error_type in (None, str(exchange.status)):
        error_type = "no error type"
    body = exchange.json()
    message = (body.get("Message") or body.get("message")) if isinstance(body, dict) else None
    shown = f": {escape_controls(REDACTOR.clip(str(message), 200))!r}" if message else ""
    return f"{exchange.status} {escape_controls(error_type)}{shown}"
