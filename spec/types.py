"""The ranges Smithy's integer types hold on their own, before any ``@range`` trait narrows them, and the
formats restJson1 gives a timestamp that names none.

One place for the facts: the strategies (valid draws, faults past a type's range, timestamp edges) and
the embedded reference (which rejects what no such type holds, and reads and writes timestamps) read the
same ones.
"""

from __future__ import annotations

from typing import Any

# Smithy type -> (lowest, highest), two's complement of 8, 16, 32 and 64 bits.
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}

# Where the protocol puts a timestamp that names no format (restJson1): the JSON body, labels and the query
# string, headers.
DEFAULT_TIMESTAMP_FORMATS = {"json": "unixTimestamp", "text": "iso8601", "header": "rfc822"}


def timestamp_format(member: Any, where: str) -> str:
    """The format of ``member``'s timestamps (a ``Member``) where it sits (``json``, ``text``, ``header``)."""
    return member.timestamp_format or DEFAULT_TIMESTAMP_FORMATS[where]


__all__ = ["DEFAULT_TIMESTAMP_FORMATS", "INTEGER_RANGES", "timestamp_format"]
