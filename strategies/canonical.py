"""Deterministic valid values: the canonical value of every member (the smallest body, required members
only, and the fullest, every member at every depth once), and the fixed map keys that the random maps,
the faults and the boundary catalogue share.  Nothing here draws.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from conformance.spec import Contract, Member, load_contract
from conformance.spec import patterns as dialects
from conformance.spec.paths import item_of, key_of, value_of
from conformance.strategies.grammar import parse
from conformance.strategies.text import UNBOUNDED_STRING_MAX, canonical_text, length_range

# A timestamp every reading takes (restJson1 timestamps are epoch seconds as JSON numbers).
CANONICAL_TIMESTAMP = 1_700_000_000


def string_bounds(member: Member) -> tuple[int, int]:
    """The lengths a value of ``member`` can have under its length bounds and its pattern."""
    pattern = member.get("pattern")
    return length_range(parse(pattern) if pattern else None, member.get("minLength"), member.get("maxLength"))


def letters_key(index: int) -> str:
    """ka, kb, ..., kz, kba, ...: distinct map keys of letters only."""
    out = ""
    while True:
        out = chr(ord("a") + index % 26) + out
        index //= 26
        if not index:
            return "k" + out


def fixed_keys(keys: Member, count: int) -> list[str]:
    """``count`` distinct valid keys for a map whose keys are ``keys`` (fewer if its enum has fewer): the
    enum's values, or letter keys (ka, kb, ...) where those satisfy the keys' length and pattern; none
    otherwise."""
    if keys.get("enum"):
        return list(keys.get("enum"))[:count]
    pattern = keys.get("pattern")
    low, high = keys.get("minLength", 0), keys.get("maxLength", UNBOUNDED_STRING_MAX)
    letters = [letters_key(i) for i in range(count)]
    valid = all(
        low <= len(key) <= high and (pattern is None or dialects.valid_in_every_reading(pattern, key))
        for key in letters
    )
    return letters if valid else []


def largest_keys(keys: Member, count: int) -> list[str]:
    """``count`` distinct valid keys at the keys' maximum length where the pattern allows (a full match
    ending in a letter key), else the shorter ``fixed_keys``."""
    if keys.get("enum"):
        return list(keys.get("enum"))[:count]
    pattern = keys.get("pattern")
    high = keys.get("maxLength")
    if high is not None:
        filler = canonical_text(pattern, high, astral=True)
        # The letter key last: 'a...aka', 'a...akb' (first, 'kaa...' and 'kba...' would be one key twice).
        padded = [filler[: max(0, high - len(letters_key(i)))] + letters_key(i) for i in range(count)]
        if len(set(padded)) == count and all(
            pattern is None or dialects.valid_in_every_reading(pattern, key) for key in padded
        ):
            return padded
    return fixed_keys(keys, count)


def new_map_key(contract: Contract, map_path: str, taken: Collection[str]) -> str | None:
    """A valid key for the map at ``map_path`` that isn't taken, if the map may hold one more entry: where
    a fault placed in a map's second entry gets its first."""
    highest = contract.member(map_path).get("maxItems")
    if highest is not None and len(taken) >= highest:
        return None
    keys = fixed_keys(contract.member(key_of(map_path)), len(taken) + 1)
    return next((key for key in keys if key not in taken), None)


class CanonicalValues:
    """Deterministic valid values: the smallest (required members only) and the fullest (every member)."""

    def __init__(self, contract: Contract | None = None) -> None:
        self.contract = contract or load_contract()

    def string(self, member: Member, size: int | None = None, *, astral: bool = False) -> str:
        if member.get("enum"):
            return member.get("enum")[0]
        low, _ = string_bounds(member)
        return canonical_text(member.get("pattern"), low if size is None else size, astral=astral)

    def value(self, path: str, *, full: bool = False) -> Any:
        member = self.contract.member(path)
        kind = member.type
        if kind == "string":
            return self.string(member)
        if kind == "boolean":
            return True
        if kind in ("long", "integer"):
            return member.get("minimum", 0)
        if kind == "timestamp":
            return CANONICAL_TIMESTAMP
        if kind == "list":
            return [self.value(item_of(path), full=full)]
        if kind == "map":
            key = self.contract.member(key_of(path))
            key_value = key.get("enum")[0] if key.get("enum") else canonical_text(key.get("pattern"), 3)
            return (
                {key_value: self.value(value_of(path), full=full)} if full or member.get("minItems") else {}
            )
        if kind == "structure":
            return {
                child.name: self.value(child.path, full=full)
                for child in self.contract.children(path)
                if child.location == "body" and (full or child.required)
            }
        raise ValueError(f"no canonical value for {kind} member {path}")

    def largest(self, path: str) -> Any:
        """Every member at every depth present at its largest at once: strings at their maximum length
        (astral characters where the pattern takes them), the longest enum value, numbers at their
        maximum, maps at their most entries (every enum key; keys and values at their largest), lists at
        their most items; a list or map with no maximum holds one item or entry (``grown`` adds more)."""
        member = self.contract.member(path)
        kind = member.type
        if kind == "string":
            if member.get("enum"):
                return max(member.get("enum"), key=len)
            if member.get("maxLength") is None:
                return self.string(member)
            return self.string(member, string_bounds(member)[1], astral=True)
        if kind in ("long", "integer"):
            return member.get("maximum", member.get("minimum", 0))
        if kind == "list":
            return [self.largest(item_of(path))] * (member.get("maxItems") or 1)
        if kind == "map":
            keys = self.contract.member(key_of(path))
            count = len(keys.get("enum")) if keys.get("enum") else member.get("maxItems") or 1
            return dict.fromkeys(largest_keys(keys, count), self.largest(value_of(path)))
        if kind == "structure":
            return {
                child.name: self.largest(child.path)
                for child in self.contract.children(path)
                if child.location == "body"
            }
        return self.value(path, full=True)

    def minimal_body(self) -> dict:
        return self.value("Body")

    def full_body(self) -> dict:
        """Every member at every depth present once: the base that boundary cases change one value of."""
        return self.value("Body", full=True)
