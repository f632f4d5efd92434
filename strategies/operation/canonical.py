"""One deterministic valid value for any member of any restJson1 operation, as the parameters a botocore
client takes: strings of the shortest allowed length (at least 1 where allowed) that fully match their
pattern under every reading, the first enum value, numbers in range (0 where allowed), ``True``, a UTC
datetime, bytes, collections at their smallest size (at least one entry where allowed), structures with
their required members, unions with one member, ``{}`` for documents; recursive members left out.

The embedded reference builds success answers from these values, and the strategies start their faults
from them, so nothing here draws: the same contract gives the same values in every process.
"""

from __future__ import annotations

import copy
import datetime
import re
from functools import cache
from typing import Any

from botocore.serialize import HOST_PREFIX_RE

from conformance.spec.contract import Contract, Member
from conformance.spec.paths import item_of, key_of, parent_path, value_of
from conformance.spec.patterns import DIALECTS
from conformance.spec.types import INTEGER_RANGES
from conformance.strategies.grammar import Grammar, UnsupportedPattern, parse
from conformance.strategies.operation import readings
from conformance.strategies.operation.regex_sampler import candidates
from conformance.strategies.text import canonical_text, length_range

CANONICAL_DATETIME = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
# An idempotency token where the model's pattern and lengths take one (SDKs fill in a uuid4 themselves).
CANONICAL_TOKEN = "00000000-0000-4000-8000-000000000000"
# How many distinct valid strings a pattern's search keeps: enough for a map's smallest key set and the
# variety of a few draws.
EXAMPLES_KEPT = 8
# The longest string drawn where the model sets no maximum, and the longest looked for.
UNBOUNDED_TEXT = 64
SEARCH_LENGTH_MAX = 4096


class CannotDraw(ValueError):
    """No valid value can be built for the member at ``path``: ``reason`` says why in one sentence."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def string_length_bounds(member: Member) -> tuple[int, int]:
    """The code-point lengths the member's own bounds allow (the maximum capped where there is none)."""
    low = member.get("minLength") or 0
    high = member.get("maxLength")
    return low, UNBOUNDED_TEXT if high is None else high


@cache
def pattern_examples(pattern: str | None, low: int, high: int, *, search: bool = True) -> tuple[str, ...]:
    """Distinct strings of ``low`` to ``high`` code points that fully match ``pattern`` under every reading,
    shortest first (a non-empty one before the empty one), cached per pattern and bounds.  Without
    ``search`` only the grammar is asked (cheap), not the regex walk (some 100 ms a pattern)."""
    if high < low:
        return ()
    if pattern is None:
        sizes = sorted({max(low, 1) if high >= 1 else low, low, min(high, low + 1), high})
        return tuple("a" * size for size in sizes if low <= size <= high)
    found: set[str] = set()
    grammar = readable_grammar(pattern)
    if grammar is not None:
        lo, hi = length_range(grammar, low, high)
        for size in sorted({max(lo, 1), lo, lo + 1, hi}):
            if lo <= size <= hi:
                try:
                    value = canonical_text(pattern, size)
                except (ValueError, IndexError):
                    continue
                if readings.is_valid(pattern, value):
                    found.add(value)
    if not found and search:
        for value in candidates(pattern, low, high):
            if low <= len(value) <= high and readings.is_valid(pattern, value):
                found.add(value)
                if len(found) >= EXAMPLES_KEPT:
                    break
    return tuple(sorted(found, key=lambda v: (len(v) == 0, len(v), v))[:EXAMPLES_KEPT])


def readable_grammar(pattern: str) -> Grammar | None:
    """The flagship's grammar of ``pattern`` where it reads it and every dialect compiles the pattern (its
    alphabets ask every dialect); None where the pattern needs the regex walk instead."""
    if readings.readable_dialects(pattern) != DIALECTS:
        return None
    try:
        grammar = parse(pattern)
    except (UnsupportedPattern, ValueError, re.error):
        return None
    # A segment no character satisfies in every dialect (``[\s]`` alone) leaves nothing to draw from.
    return grammar if all(segment.agreed for segment in grammar.segments) else None


def string_examples(member: Member) -> tuple[str, ...]:
    """Valid values of a string member, the canonical one first; empty where none can be found."""
    if member.get("enum"):
        return tuple(member.get("enum"))
    low = member.get("minLength") or 0
    high = member.get("maxLength")
    # Where the model sets no maximum the search goes further than draws do: some ARNs need 100 characters.
    examples = pattern_examples(member.get("pattern"), low, SEARCH_LENGTH_MAX if high is None else high)
    if member.idempotency_token and _token_fits(member):
        return (CANONICAL_TOKEN, *examples)
    return examples


def label_safe(value: str, greedy: bool = False) -> bool:
    """A URI label every HTTP stack keeps as it is and every router takes for the operation's: not empty
    (Smithy's httpLabel members are non-empty, and no SDK sends an empty one) and not a dot segment that
    paths normalise; in a greedy label, no segment empty or a dot segment (``a//b``, ``/a``, ``a/..``)."""
    segments = value.split("/") if greedy else [value]
    return all(segment not in ("", ".", "..") for segment in segments)


def host_label_safe(value: str) -> bool:
    """A value botocore takes for a label of the model's host prefix: it refuses to send any other (and a
    real endpoint would not be found)."""
    return HOST_PREFIX_RE.match(value) is not None


def binding_safe(member: Member, value: str) -> bool:
    """Whether a value the member's constraints allow fits its bindings too: a URI label (``label_safe``),
    a label of the host prefix (``host_label_safe``)."""
    if member.host_label and not host_label_safe(value):
        return False
    return member.location != "uri" or label_safe(value, member.greedy)


def bound_examples(member: Member, examples: tuple[str, ...]) -> tuple[str, ...]:
    """The examples that fit the member's bindings: all of them where it is no URI or host label."""
    if member.location != "uri" and not member.host_label:
        return examples
    return tuple(v for v in examples if binding_safe(member, v))


def _token_fits(member: Member) -> bool:
    low, high = string_length_bounds(member)
    pattern = member.get("pattern")
    return low <= len(CANONICAL_TOKEN) <= high and (
        pattern is None or readings.is_valid(pattern, CANONICAL_TOKEN)
    )


def number_in_range(member: Member) -> int | float:
    """0 where the range takes it, else the bound nearest to it."""
    integral = member.type in INTEGER_RANGES
    low, high = INTEGER_RANGES.get(member.type, (None, None))
    low = member.get("minimum", low)
    high = member.get("maximum", high)
    value: int | float = 0
    if low is not None and value < low:
        value = low
    elif high is not None and value > high:
        value = high
    return int(value) if integral else float(value)


def collection_size(member: Member) -> int:
    """A list's or map's smallest size, at least one entry where that is allowed."""
    low = member.get("minItems") or 0
    high = member.get("maxItems")
    return max(low, 1) if high is None or high >= 1 else low


def distinct_keys(contract: Contract, map_path: str, count: int) -> list[str]:
    """``count`` distinct valid keys of the map at ``map_path``, or CannotDraw."""
    keys = contract.member(key_of(map_path))
    if keys.get("enum"):
        pool = list(keys.get("enum"))
    else:
        low, high = string_length_bounds(keys)
        pool = list(string_examples(keys))
        # More keys than the search kept: longer values of the same pattern, then letter variants.
        for size in range(max(low, 1), min(high, max(low, 1) + 16) + 1):
            if len(pool) >= count:
                break
            pool += [v for v in pattern_examples(keys.get("pattern"), size, size) if v not in pool]
    if len(pool) < count:
        raise CannotDraw(map_path, f"needs {count} distinct valid keys; only {len(pool)} were found")
    return pool[:count]


def canonical_value(contract: Contract, path: str) -> Any:
    """A deterministic valid value of the member at ``path`` (input or output), as botocore takes it; a
    fresh copy each time, so that a caller may change it."""
    return copy.deepcopy(_canonical(contract, path))


def shared_canonical_value(contract: Contract, path: str) -> Any:
    """The same value as ``canonical_value``, not copied: shared by every caller, so never to be changed
    in place (``placement.place`` copies what it changes)."""
    return _canonical(contract, path)


def outer_of(contract: Contract, path: str) -> str | None:
    """For a structure inside itself (a ``recursive`` leaf of the contract), the path where the same
    shape first appears on its way from the top: the one whose members and constraints it has."""
    shape = contract.member(path).shape
    outer = parent_path(path)
    while outer is not None and contract.member(outer).shape != shape:
        outer = parent_path(outer)
    return outer


# The canonical values being worked out: a structure that needs itself (a union whose first member holds
# the union again) finds its own path here and takes another way, as it would with no value at all.
_UNDER_WAY: set[tuple[Contract, str]] = set()


@cache
def _canonical(contract: Contract, path: str) -> Any:
    # Cached per contract and path: faults build the ancestors of thousands of members from these.
    _UNDER_WAY.add((contract, path))
    try:
        return _canonical_of(contract, path)
    finally:
        _UNDER_WAY.discard((contract, path))


def _canonical_of(contract: Contract, path: str) -> Any:
    member = contract.member(path)
    kind = member.type
    if member.recursive:
        # The structure inside itself: the value it has where it first appears on this path (its required
        # members only, so the recursion stops there), or none where that one needs itself again.
        outer = outer_of(contract, path)
        if outer is None or (contract, outer) in _UNDER_WAY:
            raise CannotDraw(path, "the structure holds itself here; a valid value leaves it out")
        return _canonical(contract, outer)
    if kind == "string":
        examples = bound_examples(member, string_examples(member))
        if not examples:
            raise CannotDraw(path, _no_string_reason(member))
        return examples[0]
    if kind in INTEGER_RANGES or kind in ("float", "double"):
        return number_in_range(member)
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return CANONICAL_DATETIME
    if kind == "blob":
        low = member.get("minLength") or 0
        high = member.get("maxLength")
        return b"a" * (max(low, 1) if high is None or high >= 1 else low)
    if kind == "document":
        return {}
    if kind in ("list", "map"):
        try:
            return _collection(contract, member, collection_size(member))
        except CannotDraw:
            if member.get("minItems"):
                raise
            return [] if kind == "list" else {}  # items that can't be drawn (recursive ones): none at all
    if kind == "structure":
        return {
            child.name: _canonical(contract, child.path)
            for child in contract.children(path)
            if child.required
        }
    if kind == "union":
        reasons = []
        for child in contract.children(path):
            try:
                return {child.name: _canonical(contract, child.path)}
            except CannotDraw as error:
                reasons.append(str(error))
        raise CannotDraw(path, "no member of the union has a valid value: " + "; ".join(reasons))
    raise CannotDraw(path, f"no valid value of type {kind}")


def _collection(contract: Contract, member: Member, size: int) -> Any:
    if member.type == "list":
        return [_canonical(contract, item_of(member.path)) for _ in range(size)] if size else []
    if not size:
        return {}
    keys = distinct_keys(contract, member.path, size)
    value = _canonical(contract, value_of(member.path))
    return {key: value for key in keys}


def _no_string_reason(member: Member) -> str:
    pattern = member.get("pattern")
    low, high = string_length_bounds(member)
    if member.host_label and string_examples(member):
        return "no valid value found has only the characters botocore takes in a host label"
    if member.location == "uri" and string_examples(member):
        return "every valid value found leaves the URI label empty or a dot segment"
    if pattern and not readings.readable_dialects(pattern):
        return f"the pattern {pattern!r} compiles in no regex reading the suite knows"
    if pattern:
        return f"no value of {low} to {high} characters found that fully matches {pattern!r} in every reading"
    return f"the length bounds {low}..{high} admit no value"
