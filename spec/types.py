"""The ranges Smithy's integer types hold on their own, before any ``@range`` trait narrows them.

One place for the fact: the strategies (valid draws, faults past a type's range) and the embedded
reference (which rejects what no such type holds) read the same numbers.
"""

from __future__ import annotations

# Smithy type -> (lowest, highest), two's complement of 8, 16, 32 and 64 bits.
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}

__all__ = ["INTEGER_RANGES"]
