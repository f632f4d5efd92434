"""The success answer of any restJson1 operation: a conforming output, serialized as its bindings say.

Every required member (at every depth) and every optional top-level member gets a value: the request's
own where the output has a member of the same name and type and the value stays valid there (a ``Name``
in, the same ``Name`` out), else the canonical value of ``conformance.strategies.operation.canonical``.
The output then travels as the model binds it: headers (HTTP-date timestamps, base64 JSON for a
``jsonvalue``, lists comma-separated), prefix headers, the status code member as the status, a payload
member as the whole body, or the JSON body by wire names with epoch-seconds timestamps and base64 blobs.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
from collections.abc import Callable
from email.utils import format_datetime
from typing import Any

from conformance.reference.operation_checks import ConstraintChecker
from conformance.reference.operation_parse import header_prefix
from conformance.spec.contract import Contract, Member
from conformance.spec.paths import item_of, value_of
from conformance.spec.types import timestamp_format

JSON_CONTENT_TYPE = "application/json"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# What a header value may hold and still reach a client unchanged: the server writes headers as latin-1
# and turns line breaks into spaces, so a value with anything else is not echoed into a header.
_HEADER_SAFE = frozenset(chr(code) for code in range(0x20, 0x7F))

CanonicalValue = Callable[[Contract, str], Any]


def _fallback_canonical(contract: Contract, path: str) -> Any:
    """Used only where ``conformance.strategies.operation.canonical`` is not installed: the simplest value
    of each type, which the answer's own check then keeps or drops (an optional member) as it is valid."""
    member = contract.member(path)
    kind = member.type
    if kind == "string":
        enum = member.get("enum")
        return enum[0] if enum else "a" * max(member.get("minLength") or 0, 1)
    if kind in ("structure", "union"):
        children = contract.children(path)
        if kind == "union":
            return {children[0].name: _fallback_canonical(contract, children[0].path)} if children else {}
        return {c.name: _fallback_canonical(contract, c.path) for c in children if c.required}
    if kind == "list":
        return [_fallback_canonical(contract, item_of(path)) for _ in range(member.get("minItems") or 0)]
    if kind == "map":
        return {}
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    if kind == "blob":
        return b"a" * max(member.get("minLength") or 0, 1)
    if kind == "document":
        return {}
    low = member.get("minimum")
    value = 0 if low is None or low <= 0 else low
    return float(value) if kind in ("float", "double") else int(value)


def default_canonical() -> CanonicalValue:
    try:
        from conformance.strategies.operation.canonical import canonical_value
    except ImportError:  # the strategies of other operations are not there: the simplest values instead
        return _fallback_canonical
    return canonical_value


def as_read(contract: Contract, path: str, value: Any) -> Any:
    """A value as a botocore caller writes it (datetimes, str or bytes for blobs) in the form the reader
    gives (epoch seconds, bytes), so canonical values and request values are judged and written alike."""
    member = contract.member(path)
    if value is None:
        return None
    if member.type == "timestamp" and isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        seconds = (moment - EPOCH).total_seconds()
        return int(seconds) if seconds == int(seconds) else seconds
    if member.type == "blob" and isinstance(value, str):
        return value.encode("utf-8")
    if member.type in ("structure", "union") and not member.recursive and isinstance(value, dict):
        children = {child.name: child.path for child in contract.children(path)}
        return {k: as_read(contract, children[k], v) for k, v in value.items() if k in children}
    if member.type == "list" and isinstance(value, list):
        return [as_read(contract, item_of(path), item) for item in value]
    if member.type == "map" and isinstance(value, dict):
        return {k: as_read(contract, value_of(path), v) for k, v in value.items()}
    return value


class OutputBuilder:
    """The output of one operation: its canonical part built once, the request's values echoed in."""

    def __init__(
        self, contract: Contract, checker: ConstraintChecker, canonical: CanonicalValue | None = None
    ) -> None:
        self.contract = contract
        self.checker = checker
        self.members = contract.children("Response")
        self._canonical_value = canonical or default_canonical()
        self.canonical = self._canonical_output()

    def _canonical_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {}
        for member in self.members:
            if member.location == "statusCode":
                continue  # the status code member is the answer's status, written by the serializer
            value = self._valid_value(member)
            if value is not None:
                output[member.name] = value
            elif member.required:
                raise ValueError(f"no valid value for the required output member {member.path}")
        return output

    def _valid_value(self, member: Member) -> Any:
        """The canonical value of ``member`` where it is valid and travels unchanged, else the simplest
        one; None where neither is (an optional member is then left out)."""
        for make in (self._canonical_value, _fallback_canonical):
            try:
                value = as_read(self.contract, member.path, make(self.contract, member.path))
            except Exception:  # noqa: BLE001 - CannotDraw, or a pattern a regex engine cannot compile
                continue
            if member.json_value and not _is_json_text(value):
                value = json.dumps(value)  # a jsonvalue header carries a JSON text, which a client parses
            if not self.checker.violations(member.path, value) and self._travels(member, value):
                return value
        return None

    def output(self, request_values: dict[str, Any], request_members: dict[str, Member]) -> dict[str, Any]:
        """The canonical output with each request value echoed where the output has its name and type."""
        output = dict(self.canonical)
        for member in self.members:
            sent = request_members.get(member.name)
            if sent is None or member.name not in request_values or member.location == "statusCode":
                continue
            if sent.type != member.type or (
                sent.type in ("structure", "union", "list", "map") and sent.shape != member.shape
            ):
                continue
            value = request_values[member.name]
            if not self.checker.violations(member.path, value) and self._travels(member, value):
                output[member.name] = value
        return output

    def _travels(self, member: Member, value: Any) -> bool:
        """Whether ``value`` reaches the client unchanged where ``member`` travels."""
        try:
            if member.location not in ("header", "headers"):
                to_json(self.contract, member, value)  # a timestamp past a date library's range fails here
                return True
            texts = list(header_values(self.contract, member, value).values())
        except (ValueError, OverflowError):
            return False
        return all(_HEADER_SAFE.issuperset(text) for text in texts)


def _is_json_text(value: Any) -> bool:
    try:
        json.loads(value)
    except (TypeError, ValueError):
        return False
    return True


# -- writing ----
def _timestamp(member: Member, seconds: float, where: str) -> Any:
    form = timestamp_format(member, where)
    if form == "unixTimestamp":
        return seconds if where == "json" else _number_text(seconds)
    moment = EPOCH + datetime.timedelta(seconds=seconds)
    if form == "rfc822":
        return format_datetime(moment.replace(microsecond=0), usegmt=True)
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _number_text(value: float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return repr(value) if isinstance(value, float) else str(value)


def _header_text(member: Member, value: Any) -> str:
    if member.type == "timestamp":
        return _timestamp(member, value, "header")
    if member.type == "boolean":
        return "true" if value else "false"
    if member.type in ("float", "double", "byte", "short", "integer", "long"):
        return _number_text(value)
    if member.type == "blob":
        return base64.b64encode(value).decode("ascii")
    if member.json_value:
        return base64.b64encode(value.encode("utf-8")).decode("ascii")
    return str(value)


def _quoted(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def header_values(contract: Contract, member: Member, value: Any) -> dict[str, str]:
    """The headers that carry ``member``'s value: one, or one per entry of a prefix-header map."""
    if member.location == "headers":
        entry = contract.member(value_of(member.path))
        prefix = header_prefix(contract, member)
        return {prefix + key: _header_text(entry, text) for key, text in value.items()}
    if member.type == "list":
        item = contract.member(item_of(member.path))
        texts = [_header_text(item, entry) for entry in value]
        if item.type == "string":
            texts = [_quoted(text) for text in texts]
        return {member.on_the_wire: ",".join(texts)}
    return {member.on_the_wire: _header_text(member, value)}


def to_json(contract: Contract, member: Member, value: Any) -> Any:
    """A value as restJson1 writes it in a JSON body: wire names, epoch seconds, base64 blobs."""
    kind = member.type
    if value is None or kind == "document" or member.recursive:
        return value
    if kind in ("structure", "union"):
        children = {child.name: child for child in contract.children(member.path)}
        return {
            children[name].on_the_wire: to_json(contract, children[name], item)
            for name, item in value.items()
            if name in children and item is not None
        }
    if kind == "list":
        item = contract.member(item_of(member.path))
        return [to_json(contract, item, entry) for entry in value]
    if kind == "map":
        entry = contract.member(value_of(member.path))
        return {key: to_json(contract, entry, item) for key, item in value.items()}
    if kind == "timestamp":
        return _timestamp(member, value, "json")
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind in ("float", "double") and not math.isfinite(value):
        return _number_text(value)
    return value


def serialize_output(
    contract: Contract, output: dict[str, Any], status: int
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of the answer that carries ``output``."""
    headers: dict[str, str] = {}
    body_members: dict[str, Any] = {}
    body: bytes | None = None
    for member in contract.children("Response"):
        value = output.get(member.name)
        if member.location == "statusCode":
            continue
        if value is None:
            continue
        if member.location in ("header", "headers"):
            headers.update(header_values(contract, member, value))
        elif member.location == "payload":
            if member.type == "blob":
                body, headers["Content-Type"] = value, "application/octet-stream"
            elif member.type == "string":
                body, headers["Content-Type"] = value.encode("utf-8"), "text/plain; charset=utf-8"
            else:
                body = json.dumps(to_json(contract, member, value), separators=(",", ":")).encode("ascii")
                headers["Content-Type"] = JSON_CONTENT_TYPE
        else:
            body_members[member.on_the_wire] = to_json(contract, member, value)
    if body is None:
        payload = any(member.location == "payload" for member in contract.children("Response"))
        if payload:
            body = b""
        else:
            body = json.dumps(body_members, separators=(",", ":")).encode("ascii")
            headers["Content-Type"] = JSON_CONTENT_TYPE
    return status, headers, body
