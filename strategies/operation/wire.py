"""Parameters to the wire and faults into the wire.

``to_wire`` hands the parameters to botocore's rest-json serializer, so labels, greedy labels, query lists
and maps, headers and prefix headers, JSON names, payload members, timestamp formats per location, base64
blobs and JSON-value headers are botocore's work; the model's host prefix is not (the target's URL is the
host).  The ``replace_*`` helpers put one fault into a serialized valid request (a JSON value, a query
value, a header, a label), for the faults no parameter value can express: a value of the wrong kind.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from conformance.spec.contract import Contract
from conformance.spec.operation import operation_model
from conformance.spec.wire import WireRequest

# JSON steps into the body: an object member's wire name, or a list index.
JsonStep = str | int
_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")


@cache
def _serializer() -> Any:
    from botocore.serialize import create_serializer

    serializer = create_serializer("rest-json", include_validation=False)
    # Its host-label check (a member the model puts into the hostname: neptune-graph's graphIdentifier) is
    # parameter validation like the rest that is off here, and it guards a hostname the suite never builds:
    # the request goes to the target's URL, and the member travels in its own binding (a header, the body)
    # as well, where the target reads it.  Left on, an invalid value or a missing member there raised.
    serializer._expand_host_prefix = _no_host_prefix
    return serializer


def _no_host_prefix(parameters: dict[str, Any], operation_model: Any) -> None:
    return None


def botocore_operation(contract: Contract) -> Any:
    """botocore's OperationModel of the contract's operation."""
    return operation_model(contract.service, contract.operation)


def serialize(contract: Contract, params: dict[str, Any]) -> dict[str, Any]:
    """botocore's request dict (url_path, query_string, headers, body) for ``params``."""
    return _serializer().serialize_to_request(params, botocore_operation(contract))


def to_wire(contract: Contract, params: dict[str, Any]) -> WireRequest:
    """The request botocore sends for ``params``: no ``Content-Type`` and an empty body where the
    operation has no body members (botocore's choice; ``{}`` where it has body members left out)."""
    return from_serialized(serialize(contract, params))


def from_serialized(serialized: dict[str, Any]) -> WireRequest:
    path, _, literal = serialized["url_path"].partition("?")
    # A literal query in the requestUri (``?x-id=Foo``) comes first, as botocore appends the rest to it.
    query: list[tuple[str, str]] = parse_qsl(literal, keep_blank_values=True)
    for key, value in (serialized.get("query_string") or {}).items():
        for item in value if isinstance(value, list) else [value]:
            query.append((key, str(item)))
    body = serialized.get("body") or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read() if hasattr(body, "read") else bytes(body)
    headers = tuple((name, str(value)) for name, value in serialized.get("headers", {}).items())
    return WireRequest(serialized["method"], path, tuple(query), headers, body)


def replace_json(
    request: WireRequest, steps: list[JsonStep], value: Any, *, rename: str | None = None
) -> WireRequest:
    """The request with the JSON value at ``steps`` replaced by ``value`` (or, with ``rename``, the object
    key at ``steps`` renamed): every other byte's meaning kept."""
    document = json.loads(request.body) if request.body else {}
    if not steps:
        document = value
    else:
        holder = document
        for step in steps[:-1]:
            holder = holder[step]
        last = steps[-1]
        if rename is not None:
            holder[rename] = holder.pop(last)
        else:
            holder[last] = value
    body = json.dumps(document).encode("utf-8")
    return _with(request, body=body)


def replace_query(request: WireRequest, key: str, index: int, text: str) -> WireRequest:
    """The request with the ``index``-th value of query key ``key`` replaced by ``text``."""
    seen = -1
    query = []
    for name, value in request.query:
        if name == key:
            seen += 1
            if seen == index:
                value = text
        query.append((name, value))
    if seen < index:
        raise KeyError(f"no query value {key}[{index}] in {request.target()}")
    return _with(request, query=tuple(query))


def replace_header(request: WireRequest, name: str, text: str) -> WireRequest:
    if request.header(name) is None:
        raise KeyError(f"no header {name} in the request")
    headers = tuple((key, text if key.lower() == name.lower() else value) for key, value in request.headers)
    return _with(request, headers=headers)


def replace_label(contract: Contract, request: WireRequest, label: str, text: str) -> WireRequest:
    """The request with URI label ``label`` holding ``text``, percent-encoded as botocore encodes it."""
    from botocore.utils import percent_encode

    template = contract.uri.partition("?")[0]
    names = [(name, plus) for name, plus in _LABEL.findall(template)]
    parts = _LABEL.split(template)  # literal, name, plus, literal, name, plus, ..., literal
    regex = "^" + re.escape(parts[0])
    for i in range(1, len(parts), 3):
        regex += f"(?P<{parts[i]}>.*)" if parts[i + 1] else f"(?P<{parts[i]}>[^/]*)"
        regex += re.escape(parts[i + 2])
    found = re.match(regex + "$", request.path)
    if found is None:
        raise ValueError(f"{request.path} does not follow {template}")
    encoded = found.groupdict()
    greedy = dict(names)[label] == "+"
    encoded[label] = percent_encode(text, safe="/~" if greedy else "")
    path = parts[0] + "".join(encoded[parts[i]] + parts[i + 2] for i in range(1, len(parts), 3))
    return _with(request, path=path)


def _with(request: WireRequest, **changes: Any) -> WireRequest:
    from dataclasses import replace

    return replace(request, **changes)
