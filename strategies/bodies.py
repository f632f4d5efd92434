"""Valid values for every member of the contract, drawn at random or built deterministically.

Everything is derived from ``spec``: a structure becomes a fixed dictionary whose optional members are
sometimes there and sometimes not, a list a list, a map a dictionary whose size reaches its bounds, a
string an exact-length full match of its pattern (``strategies.text``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st

from spec import Contract, Member, load_contract
from strategies.grammar import parse
from strategies.text import canonical_text, lengths, valid_text

# Lists have no bounds in the model; a few items reach "several" (Batches, Tasks) without bloating requests.
LIST_MAX = 4
# Epoch seconds from 1970 to 2100: every reading takes them (restJson1 timestamps are JSON numbers).
TIMESTAMP_MAX = 4_102_444_800
UNBOUNDED_STRING_MAX = 64


def string_bounds(member: Member) -> tuple[int, int]:
    pattern = member.get("pattern")
    grammar = parse(pattern) if pattern else None
    low = max(member.get("minLength", 0), grammar.min_length if grammar else 0)
    high = member.get("maxLength", UNBOUNDED_STRING_MAX)
    if grammar is not None:
        high = min(high, grammar.max_length)
    return low, high


def timestamps() -> st.SearchStrategy[float | int]:
    """Whole seconds, or milliseconds as a fraction (as botocore sends them), in one draw."""
    return st.integers(0, TIMESTAMP_MAX * 1000).map(lambda ms: ms // 1000 if ms % 2 else ms / 1000)


def structures(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict]:
    """Like ``st.fixed_dictionaries(required, optional=optional)``, with one draw for which optional
    members are present instead of one per member: a body has some thirty optional members, and the
    number of draws is what sets generation speed.  Shrinks to no optional member at all."""
    names = list(optional)
    presence = st.integers(0, (1 << len(names)) - 1) if names else st.just(0)

    @st.composite
    def build(draw: st.DrawFn) -> dict:
        mask = draw(presence)
        value = {name: draw(strategy) for name, strategy in required.items()}
        for bit, name in enumerate(names):
            if mask >> bit & 1:
                value[name] = draw(optional[name])
        return value

    return build()


class ValueStrategies:
    """Hypothesis strategies for valid values of each member, built once per contract."""

    def __init__(self, contract: Contract | None = None) -> None:
        self.contract = contract or load_contract()

    @cache  # noqa: B019 - one instance per contract, kept for the process
    def of(self, path: str) -> st.SearchStrategy[Any]:
        member = self.contract.member(path)
        kind = member.type
        if kind == "string":
            if member.get("enum"):
                return st.sampled_from(member.get("enum"))
            low, high = string_bounds(member)
            return valid_text(member.get("pattern"), low, high)
        if kind == "boolean":
            return st.booleans()
        if kind in ("long", "integer"):
            low, high = member.get("minimum", -(2**53)), member.get("maximum", 2**53)
            return st.one_of(st.sampled_from([low, high]), st.integers(low, high))
        if kind == "timestamp":
            return timestamps()
        if kind == "list":
            return st.lists(
                self.of(path + "[]"),
                min_size=member.get("minItems", 0),
                max_size=member.get("maxItems", LIST_MAX),
            )
        if kind == "map":
            return self._map(member)
        if kind == "structure":
            children = [c for c in self.contract.children(path) if c.location == "body"]
            return structures(
                {c.name: self.of(c.path) for c in children if c.required},
                {c.name: self.of(c.path) for c in children if not c.required},
            )
        raise ValueError(f"no strategy for {kind} member {path}")

    def _map(self, member: Member) -> st.SearchStrategy[dict]:
        keys = self.contract.member(member.path + ".<key>")
        low, high = member.get("minItems", 0), member.get("maxItems", LIST_MAX)
        if keys.get("enum"):
            high = min(high, len(keys.get("enum")))

        entries = (self.of(keys.path), self.of(member.path + ".<value>"))
        return lengths(low, high, typical=3).flatmap(
            lambda size: st.dictionaries(*entries, min_size=size, max_size=size)
        )

    def body(self) -> st.SearchStrategy[dict]:
        return self.of("Body")

    def domain(self) -> st.SearchStrategy[str]:
        return self.of("DomainName")


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
            return 1_700_000_000
        if kind == "list":
            return [self.value(path + "[]", full=full)]
        if kind == "map":
            key = self.contract.member(path + ".<key>")
            key_value = key.get("enum")[0] if key.get("enum") else canonical_text(key.get("pattern"), 3)
            return (
                {key_value: self.value(path + ".<value>", full=full)}
                if full or member.get("minItems")
                else {}
            )
        if kind == "structure":
            return {
                child.name: self.value(child.path, full=full)
                for child in self.contract.children(path)
                if child.location == "body" and (full or child.required)
            }
        raise ValueError(f"no canonical value for {kind} member {path}")

    def minimal_body(self) -> dict:
        return self.value("Body")

    def full_body(self) -> dict:
        """Every member at every depth present once: the base that boundary cases change one value of."""
        return self.value("Body", full=True)
