"""Read a restJson1 request as the model binds it: every input member from its URI label, query key,
header, prefix of headers, payload or JSON body member, converted to its type.

The result is the operation's input as a caller would have written it for an SDK: a dict of member name
to value, strings as ``str``, blobs as ``bytes``, timestamps as epoch seconds (a number: a date library's
range would refuse valid timestamps past year 9999), lists, maps and structures as lists and dicts keyed
by member name.  A value that cannot be read as its type is an ``Unreadable`` naming the broken
``<path>.type`` constraints: Smithy's server frameworks answer those 400 ``SerializationException``
before any validation, so nothing here judges lengths, patterns or required members
(``conformance.reference.operation_checks`` does).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from conformance.spec.contract import NON_FINITE, Contract, Member
from conformance.spec.validation import InvalidJSON, Violation, parse_json

# The ranges of Smithy's integer types; a value outside its type's range cannot be read as that type.
INTEGER_RANGES = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
# Python's float() would also take "1_0", " 1", "nan" and "infinity": the wire takes none of them.
_FLOAT_TEXT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HTTP_DATE = re.compile(
    rf"(?:{'|'.join(_DAYS)}), ([0-9]{{2}}) ({'|'.join(_MONTHS)}) ([0-9]{{4}}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)? GMT"
)
# Where the protocol puts a timestamp that names no format (restJson1): the body, labels and query, headers.
DEFAULT_TIMESTAMP_FORMATS = {"json": "unixTimestamp", "text": "iso8601", "header": "rfc822"}
# Locations whose members travel in the JSON body (of the request, or of a structure payload).
JSON_LOCATIONS = ("body", "payload")


class Unreadable(Exception):
    """Values that cannot be read as their types: the request is answered ``SerializationException``."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(str(v) for v in violations))
        self.violations = violations


class _Fault(Exception):
    """One value that cannot be read: carried up to the member whose ``.type`` it breaks."""


def _timestamp_format(member: Member, where: str) -> str:
    return member.timestamp_format or DEFAULT_TIMESTAMP_FORMATS[where]


def _epoch(moment: datetime, fraction: str | None) -> float | int:
    seconds = int((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
    return seconds + float(fraction) if fraction else seconds


def read_date_time(text: str) -> float | int:
    """An RFC 3339 date-time (Smithy's ``date-time``) as epoch seconds."""
    found = _DATE_TIME.fullmatch(text)
    if found is None:
        raise _Fault(f"{text[:80]!r} is no ISO 8601 date-time")
    year, month, day, hour, minute, second = (int(found.group(i)) for i in range(1, 7))
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as error:
        raise _Fault(f"{text[:80]!r} is no date-time: {error}") from None
    if found.group(9):
        offset = (int(found.group(10)) * 60 + int(found.group(11))) * 60
        return _epoch(moment, found.group(7)) - (offset if found.group(9) == "+" else -offset)
    return _epoch(moment, found.group(7))


def read_http_date(text: str) -> float | int:
    """An IMF-fixdate (RFC 7231's HTTP-date) as epoch seconds."""
    found = _HTTP_DATE.fullmatch(text)
    if found is None:
        raise _Fault(f"{text[:80]!r} is no HTTP-date")
    day, month, year, hour, minute, second = found.group(1, 2, 3, 4, 5, 6)
    try:
        moment = datetime(
            int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
    except ValueError as error:
        raise _Fault(f"{text[:80]!r} is no date: {error}") from None
    return _epoch(moment, found.group(7))


def _number_text(text: str) -> float | int:
    if _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if _FLOAT_TEXT.fullmatch(text):
        return float(text)
    raise _Fault(f"{text[:80]!r} is no number")


def _timestamp_text(member: Member, text: str, where: str) -> float | int:
    kind = _timestamp_format(member, where)
    if kind == "iso8601":
        return read_date_time(text)
    if kind == "rfc822":
        return read_http_date(text)
    value = _number_text(text)
    if not math.isfinite(value):
        raise _Fault(f"{text[:80]!r} is no finite number of seconds")
    return value


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _Fault(f"{text[:80]!r} is not base64") from None


def _integer(member: Member, value: int) -> int:
    low, high = INTEGER_RANGES[member.type]
    if not low <= value <= high:
        raise _Fault(f"{value} is outside the range of a {member.type} ({low} to {high})")
    return value


def read_text(member: Member, text: str, where: str = "text") -> Any:
    """A scalar from a URI label, a query value or a header (``where`` is ``text`` or ``header``)."""
    kind = member.type
    if kind == "string":
        if member.json_value:
            try:
                json.loads(_base64(text).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise _Fault(f"{text[:80]!r} is not base64 of a JSON text") from None
            return _base64(text).decode("utf-8")
        return text
    if kind in INTEGER_RANGES:
        if not _INTEGER_TEXT.fullmatch(text):
            raise _Fault(f"{text[:80]!r} is no {kind}")
        return _integer(member, int(text))
    if kind in ("float", "double"):
        if text in NON_FINITE:
            return float(text.lower().replace("infinity", "inf"))
        value = _number_text(text)
        if not math.isfinite(value):
            raise _Fault(f"{text[:80]!r} is too large for a {kind}")
        return float(value)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise _Fault(f"{text[:80]!r} is neither true nor false")
        return text == "true"
    if kind == "timestamp":
        return _timestamp_text(member, text, where)
    if kind == "blob":
        return _base64(text)
    raise _Fault(f"a {kind} cannot travel outside the body")


def split_header_list(text: str) -> list[str]:
    """A header's comma-separated items, each trimmed; a quoted item may hold commas and ``\\"``."""
    items: list[str] = []
    i = 0
    while i <= len(text):
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == '"':
            j, item = i + 1, []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                item.append(text[j])
                j += 1
            if j >= len(text):
                raise _Fault(f"{text[:80]!r} has an unterminated quoted item")
            items.append("".join(item))
            rest = text.find(",", j + 1)
            if text[j + 1 : len(text) if rest < 0 else rest].strip():
                raise _Fault(f"{text[:80]!r} has text after a quoted item")
            i = len(text) + 1 if rest < 0 else rest + 1
        else:
            rest = text.find(",", i)
            items.append(text[i : len(text) if rest < 0 else rest].strip())
            i = len(text) + 1 if rest < 0 else rest + 1
    return items


class RequestReader:
    """Reads the input members of one operation from a request's parts."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.top = contract.children("Body")
        self.payload = next((m for m in self.top if m.location == "payload"), None)
        self.body_members = [m for m in self.top if m.location == "body"]
        # A query map takes every key no other query member binds (botocore spreads a map's entries so).
        self.query_keys = {m.on_the_wire for m in self.top if m.location == "querystring" and m.type != "map"}

    @property
    def json_body(self) -> bool:
        """Whether the request body is a JSON object: body members, or a structure payload."""
        if self.payload is not None:
            return self.payload.type in ("structure", "union", "document")
        return bool(self.body_members)

    def read(
        self,
        labels: dict[str, str],
        query: Iterable[tuple[str, str]],
        headers: Message,
        body: bytes,
        literal_query: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """The input as member name -> value; ``Unreadable`` lists every value that is not its type;
        ``literal_query`` are the requestUri's own query keys, which no member reads."""
        values: dict[str, Any] = {}
        faults: list[Violation] = []
        pairs = [(key, value) for key, value in query if key not in literal_query]
        for member in self.top:
            try:
                found = self._member(member, labels, pairs, headers)
            except _Fault as fault:
                faults.append(Violation(f"{member.path}.type", str(fault), member.path))
                continue
            if found is not None:
                values[member.name] = found
        if self.payload is not None:
            found = self._payload(self.payload, body, faults)
            if found is not None:
                values[self.payload.name] = found
        elif self.body_members:
            document = self._json_object(body, faults)
            for member in self.body_members:
                item = document.get(member.on_the_wire)
                if item is not None:
                    found = self.json_value(member, item, member.path, faults)
                    if found is not None:
                        values[member.name] = found
        if faults:
            raise Unreadable(faults)
        return values

    # -- bindings outside the body ----
    def _member(
        self, member: Member, labels: dict[str, str], query: list[tuple[str, str]], headers: Message
    ) -> Any:
        if member.location == "uri":
            text = labels.get(member.on_the_wire)
            return None if text is None else read_text(member, text)
        if member.location == "querystring":
            return self._query(member, query)
        if member.location == "header":
            sent = headers.get_all(member.on_the_wire) or []
            if member.on_the_wire.lower() == "accept-encoding" and sent == ["identity"]:
                # What an HTTP client sends on its own (botocore always does): "no coding", not a value.
                return None
            return None if not sent else self._header(member, ", ".join(sent))
        if member.location == "headers":
            prefix = member.on_the_wire.lower()
            value_member = self.contract.member(member.path + ".<value>")
            found = {
                name[len(prefix) :]: read_text(value_member, text, "header")
                for name, text in headers.items()
                if name.lower().startswith(prefix)
            }
            return found or None
        return None

    def _query(self, member: Member, query: list[tuple[str, str]]) -> Any:
        if member.type == "map":
            value_member = self.contract.member(member.path + ".<value>")
            entries: dict[str, Any] = {}
            for key, text in query:
                if key in self.query_keys:
                    continue
                if value_member.type == "list":
                    item = self.contract.member(value_member.path + "[]")
                    entries.setdefault(key, []).append(read_text(item, text))
                elif key not in entries:  # the first of repeated keys, as a single-valued map reads them
                    entries[key] = read_text(value_member, text)
            return entries or None
        sent = [text for key, text in query if key == member.on_the_wire]
        if not sent:
            return None
        if member.type == "list":
            item = self.contract.member(member.path + "[]")
            return [read_text(item, text) for text in sent]
        if len(sent) > 1:
            raise _Fault(f"query key {member.on_the_wire!r} is sent {len(sent)} times for a single value")
        return read_text(member, sent[0])

    def _header(self, member: Member, text: str) -> Any:
        if member.type != "list":
            return read_text(member, text.strip(), "header")
        item = self.contract.member(member.path + "[]")
        parts = split_header_list(text)
        if item.type == "timestamp" and _timestamp_format(item, "header") == "rfc822":
            # An HTTP-date holds a comma of its own, and restJson1 sends them unquoted: pair them up.
            parts = [", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        return [read_text(item, part, "header") for part in parts]

    # -- the body ----
    def _parse(self, body: bytes) -> Any:
        try:
            return parse_json(body)
        except InvalidJSON as error:
            raise Unreadable([Violation("Body.json", str(error), "body")]) from None

    def _json_object(self, body: bytes, faults: list[Violation]) -> dict[str, Any]:
        if not body.strip():
            return {}  # no body: no members, which validation judges
        document = self._parse(body)
        if not isinstance(document, dict):
            raise Unreadable([Violation("Body.json", "the body is not a JSON object", "body")])
        return document

    def _payload(self, member: Member, body: bytes, faults: list[Violation]) -> Any:
        if member.type == "blob":
            return body or None
        if member.type == "string":
            try:
                return body.decode("utf-8") if body else None
            except UnicodeDecodeError:
                faults.append(Violation(f"{member.path}.type", "the payload is not UTF-8", member.path))
                return None
        if not body.strip():
            return None
        document = self._parse(body)
        if member.type != "document" and not isinstance(document, dict):
            raise Unreadable([Violation("Body.json", "the body is not a JSON object", "body")])
        return self.json_value(member, document, member.path, faults)

    def json_value(self, member: Member, value: Any, where: str, faults: list[Violation]) -> Any:
        """``value`` read from JSON as ``member``'s type; a fault is recorded and reads as None."""
        try:
            return self._json(member, value, where, faults)
        except _Fault as fault:
            faults.append(Violation(f"{member.path}.type", str(fault), where))
            return None

    def _json(self, member: Member, value: Any, where: str, faults: list[Violation]) -> Any:
        kind = member.type
        if kind == "document" or member.recursive:
            return value
        if kind in ("structure", "union"):
            if not isinstance(value, dict):
                raise _Fault(f"a {kind} must be a JSON object, not {_json_name(value)}")
            out: dict[str, Any] = {}
            for child in self.contract.children(member.path):
                item = value.get(child.on_the_wire)
                if item is not None:  # restJson1 reads a null member as an absent one
                    found = self.json_value(child, item, f"{where}.{child.name}", faults)
                    if found is not None:
                        out[child.name] = found
            return out
        if kind == "list":
            if not isinstance(value, list):
                raise _Fault(f"a list must be a JSON array, not {_json_name(value)}")
            item_member = self.contract.member(member.path + "[]")
            return [
                self._item(member, item_member, item, f"{where}[{index}]", faults)
                for index, item in enumerate(value)
            ]
        if kind == "map":
            if not isinstance(value, dict):
                raise _Fault(f"a map must be a JSON object, not {_json_name(value)}")
            value_member = self.contract.member(member.path + ".<value>")
            return {
                key: self._item(member, value_member, item, f"{where}[{key!r}]", faults)
                for key, item in value.items()
            }
        return self._json_scalar(member, value)

    def _item(self, holder: Member, member: Member, value: Any, where: str, faults: list[Violation]) -> Any:
        if value is None:
            if not holder.sparse:
                faults.append(
                    Violation(f"{member.path}.type", f"null in a {holder.type} that is not sparse", where)
                )
            return None
        return self.json_value(member, value, where, faults)

    def _json_scalar(self, member: Member, value: Any) -> Any:
        kind = member.type
        if kind == "string":
            if not isinstance(value, str):
                raise _Fault(f"a string must be a JSON string, not {_json_name(value)}")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _Fault("the string holds a lone surrogate, which is not Unicode text") from None
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _Fault(f"a boolean must be true or false, not {_json_name(value)}")
            return value
        if kind in INTEGER_RANGES:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _Fault(f"a {kind} must be a JSON integer, not {_json_name(value)}")
            return _integer(member, value)
        if kind in ("float", "double"):
            if isinstance(value, str) and value in NON_FINITE:
                return float(value.lower().replace("infinity", "inf"))
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _Fault(f"a {kind} must be a JSON number, not {_json_name(value)}")
            if not math.isfinite(value):
                raise _Fault(f"the number is too large for a {kind}")
            return float(value)
        if kind == "timestamp":
            form = _timestamp_format(member, "json")
            if form == "unixTimestamp":
                if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                    raise _Fault(f"a timestamp must be a number of epoch seconds, not {_json_name(value)}")
                return value
            if not isinstance(value, str):
                raise _Fault(f"a {form} timestamp must be a JSON string, not {_json_name(value)}")
            return read_date_time(value) if form == "iso8601" else read_http_date(value)
        if kind == "blob":
            if not isinstance(value, str):
                raise _Fault(f"a blob must be base64 in a JSON string, not {_json_name(value)}")
            return _base64(value)
        raise _Fault(f"no reading for a {kind}")


def _json_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"[:60]
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return "an array" if isinstance(value, list) else "an object"
