"""Scalars as restJson1 writes them: from the text of a URI label, a query value or a header, and from
a JSON body; each read as its member's type or refused with ``Unfit``, the reason in one line.

Numbers are read exactly (``1.0`` is no integer, ``1_0`` and `` 1`` are no numbers, ``"NaN"``,
``"Infinity"`` and ``"-Infinity"`` are the only non-finite floats), booleans are ``true`` and ``false``
only, timestamps by their format (an explicit ``timestampFormat``, else epoch seconds in a JSON body,
ISO 8601 in labels and the query, HTTP-date in headers) and become epoch seconds, blobs are base64.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from conformance.spec.contract import NON_FINITE, Member

# A value outside its type's range cannot be read as that type.
from conformance.spec.types import INTEGER_RANGES, timestamp_format

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


class Unfit(Exception):
    """One value that cannot be read as its type: the member's ``.type`` constraint is broken."""


def _epoch(moment: datetime, fraction: str | None) -> float | int:
    seconds = int((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
    return seconds + float(fraction) if fraction else seconds


def read_date_time(text: str) -> float | int:
    """An RFC 3339 date-time (Smithy's ``date-time``) as epoch seconds."""
    found = _DATE_TIME.fullmatch(text)
    if found is None:
        raise Unfit(f"{text[:80]!r} is no ISO 8601 date-time")
    year, month, day, hour, minute, second = (int(found.group(i)) for i in range(1, 7))
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as error:
        raise Unfit(f"{text[:80]!r} is no date-time: {error}") from None
    if found.group(9):
        offset = (int(found.group(10)) * 60 + int(found.group(11))) * 60
        return _epoch(moment, found.group(7)) - (offset if found.group(9) == "+" else -offset)
    return _epoch(moment, found.group(7))


def read_http_date(text: str) -> float | int:
    """An IMF-fixdate (RFC 7231's HTTP-date) as epoch seconds."""
    found = _HTTP_DATE.fullmatch(text)
    if found is None:
        raise Unfit(f"{text[:80]!r} is no HTTP-date")
    day, month, year, hour, minute, second = found.group(1, 2, 3, 4, 5, 6)
    try:
        moment = datetime(
            int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
    except ValueError as error:
        raise Unfit(f"{text[:80]!r} is no date: {error}") from None
    return _epoch(moment, found.group(7))


def _number_text(text: str) -> float | int:
    if _INTEGER_TEXT.fullmatch(text):
        return int(text)
    if _FLOAT_TEXT.fullmatch(text):
        return float(text)
    raise Unfit(f"{text[:80]!r} is no number")


def _timestamp_text(member: Member, text: str, where: str) -> float | int:
    kind = timestamp_format(member, where)
    if kind == "iso8601":
        return read_date_time(text)
    if kind == "rfc822":
        return read_http_date(text)
    value = _number_text(text)
    if not math.isfinite(value):
        raise Unfit(f"{text[:80]!r} is no finite number of seconds")
    return value


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise Unfit(f"{text[:80]!r} is not base64") from None


def _integer(member: Member, value: int) -> int:
    low, high = INTEGER_RANGES[member.type]
    if not low <= value <= high:
        # Past the type's range is no value of the type (Smithy: SerializationException); where the model
        # bounds the member too, the message names that bound as well, as a validator would.
        bound = member.constraints.get("minimum" if value < low else "maximum")
        if bound is not None:  # kept short: the message is cut at 200 characters, and the id is long
            raise Unfit(f"{str(value)[:40]} is past a {member.type}'s range; it breaks {bound.id} as well")
        raise Unfit(f"{str(value)[:40]} is outside the range of a {member.type} ({low} to {high})")
    return value


def read_text(member: Member, text: str, where: str = "text") -> Any:
    """A scalar from a URI label, a query value or a header (``where`` is ``text`` or ``header``)."""
    kind = member.type
    if kind == "string":
        if member.json_value:
            try:
                json.loads(_base64(text).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise Unfit(f"{text[:80]!r} is not base64 of a JSON text") from None
            return _base64(text).decode("utf-8")
        return text
    if kind in INTEGER_RANGES:
        if not _INTEGER_TEXT.fullmatch(text):
            raise Unfit(f"{text[:80]!r} is no {kind}")
        return _integer(member, int(text))
    if kind in ("float", "double"):
        if text in NON_FINITE:
            return float(text.lower().replace("infinity", "inf"))
        value = _number_text(text)
        if not math.isfinite(value):
            raise Unfit(f"{text[:80]!r} is too large for a {kind}")
        return float(value)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise Unfit(f"{text[:80]!r} is neither true nor false")
        return text == "true"
    if kind == "timestamp":
        return _timestamp_text(member, text, where)
    if kind == "blob":
        return _base64(text)
    raise Unfit(f"a {kind} cannot travel outside the body")


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
                raise Unfit(f"{text[:80]!r} has an unterminated quoted item")
            items.append("".join(item))
            rest = text.find(",", j + 1)
            if text[j + 1 : len(text) if rest < 0 else rest].strip():
                raise Unfit(f"{text[:80]!r} has text after a quoted item")
            i = len(text) + 1 if rest < 0 else rest + 1
        else:
            rest = text.find(",", i)
            items.append(text[i : len(text) if rest < 0 else rest].strip())
            i = len(text) + 1 if rest < 0 else rest + 1
    return items


def read_json_scalar(member: Member, value: Any) -> Any:
    """A scalar from the JSON body, as restJson1 writes ``member``'s type there."""
    kind = member.type
    if kind == "string":
        if not isinstance(value, str):
            raise Unfit(f"a string must be a JSON string, not {json_name(value)}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Unfit("the string holds a lone surrogate, which is not Unicode text") from None
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise Unfit(f"a boolean must be true or false, not {json_name(value)}")
        return value
    if kind in INTEGER_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Unfit(f"a {kind} must be a JSON integer, not {json_name(value)}")
        return _integer(member, value)
    if kind in ("float", "double"):
        if isinstance(value, str) and value in NON_FINITE:
            return float(value.lower().replace("infinity", "inf"))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Unfit(f"a {kind} must be a JSON number, not {json_name(value)}")
        if not math.isfinite(value):
            raise Unfit(f"the number is too large for a {kind}")
        return float(value)
    if kind == "timestamp":
        form = timestamp_format(member, "json")
        if form == "unixTimestamp":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise Unfit(f"a timestamp must be a number of epoch seconds, not {json_name(value)}")
            return value
        if not isinstance(value, str):
            raise Unfit(f"a {form} timestamp must be a JSON string, not {json_name(value)}")
        return read_date_time(value) if form == "iso8601" else read_http_date(value)
    if kind == "blob":
        if not isinstance(value, str):
            raise Unfit(f"a blob must be base64 in a JSON string, not {json_name(value)}")
        return _base64(value)
    raise Unfit(f"no reading for a {kind}")


def json_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"[:60]
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return "an array" if isinstance(value, list) else "an object"
