"""How a resource read back is compared with what its create sent, as the model types each member, and
the ids of resources nobody made, shaped after real ones (``conformance.core.resources`` uses both)."""

from __future__ import annotations

import datetime
import math
import uuid
from typing import Any

from conformance.core.report import describe_value


# -- comparing as the model types the members ---------------------------------------------------------------
def first_difference(shape: Any, sent: Any, read: Any, where: str) -> tuple[str, Any, Any] | None:
    """The first place where ``read`` (botocore's reading of the answer) differs from ``sent`` (the
    create's params), compared as the create's input shape types them: timestamps as instants, numbers
    as numbers; a structure's members the answer leaves out are not compared, a map may hold more."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(read, dict) or not isinstance(sent, dict):
            return (where, sent, read)
        for name, value in sent.items():
            if name in shape.members and read.get(name) is not None and value is not None:
                found = first_difference(shape.members[name], value, read[name], f"{where}.{name}")
                if found is not None:
                    return found
        return None
    if kind == "list":
        if not isinstance(read, list) or len(read) != len(sent):
            return (where, sent, read)
        for index, (one, other) in enumerate(zip(sent, read, strict=True)):
            found = first_difference(shape.member, one, other, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    if kind == "map":
        if not isinstance(read, dict):
            return (where, sent, read)
        for key, value in sent.items():
            if key not in read:
                return (f"{where}[{key!r}]", value, None)
            found = first_difference(shape.value, value, read[key], f"{where}[{key!r}]")
            if found is not None:
                return found
        return None
    if kind == "timestamp":
        return None if instant(sent) is not None and instant(sent) == instant(read) else (where, sent, read)
    if kind in ("float", "double", "integer", "long", "short", "byte"):
        if isinstance(read, bool) or not isinstance(read, int | float):
            return (where, sent, read)
        if isinstance(sent, float) and math.isnan(sent):
            return None if isinstance(read, float) and math.isnan(read) else (where, sent, read)
        return None if sent == read else (where, sent, read)
    if kind == "blob":
        sent_bytes = sent.encode("utf-8") if isinstance(sent, str) else sent
        return None if sent_bytes == read else (where, sent, read)
    return None if sent == read and type(sent) is type(read) else (where, sent, read)


def instant(value: Any) -> float | None:
    """A timestamp as epoch seconds: a datetime (naive ones are UTC, as botocore reads them) or a number."""
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        return moment.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def shown(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return f"{value.isoformat()} ({instant(value):g} s from 1970)"
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    return describe_value(value, length=False)


# The kinds of character an id's changed character keeps: each regex class an id's pattern may use holds
# every character of a kind or none of them.
_KINDS = ("0123456789", "abcdef", "ABCDEF", "ghijklmnopqrstuvwxyz", "GHIJKLMNOPQRSTUVWXYZ")


def reshaped(value: str, changes: int = 8) -> str | None:
    """``value`` with up to ``changes`` of its last letters and digits changed, each for a random one of
    its kind (a digit for a digit, a hexadecimal letter for one): an id of the same shape as a real one."""
    token = uuid.uuid4().int
    characters = list(value)
    changed = 0
    for index in range(len(characters) - 1, -1, -1):
        if changed == changes:
            break
        for kind in _KINDS:
            if characters[index] in kind:
                token, pick = divmod(token, len(kind))
                characters[index] = kind[pick]
                changed += 1
                break
    other = "".join(characters)
    return other if changed and other != value else None
