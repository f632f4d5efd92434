"""The deterministic edges of every breakable constraint of any operation: the value at the bound
(valid) and one past it (invalid), each enum value as the model spells it, each valid example of a
pattern beside its near misses, a required member present and absent, and every wrong-kind value.

Each case starts from the same canonical parameters (the pinned values in place), so that a case differs
from a valid request in the one member it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.spec.contract import Constraint, Contract, Member
from conformance.spec.paths import item_of, value_of
from conformance.spec.types import INTEGER_RANGES
from conformance.spec.wire import BoundaryCase
from conformance.strategies.boundaries import valid_neighbours
from conformance.strategies.operation import readings
from conformance.strategies.operation.canonical import (
    CannotDraw,
    binding_safe,
    canonical_value,
    distinct_keys,
    readable_grammar,
    string_examples,
    string_length_bounds,
)
from conformance.strategies.operation.faults import MOST_ITEMS_FAULT, Variant, describe, text_of_length
from conformance.strategies.operation.invalid import realize
from conformance.strategies.operation.placement import place, set_at
from conformance.strategies.operation.values import header_safe
from conformance.strategies.operation.wire import to_wire


def boundary_cases(
    contract: Contract,
    base: dict[str, Any],
    breakable: dict[str, list[Variant]],
) -> list[BoundaryCase]:
    """The catalogue, in contract order: for each breakable constraint (id -> its variants) its valid
    edges, then its invalid ones."""
    cases: list[BoundaryCase] = []
    for constraint_id, found in breakable.items():
        constraint = contract.constraints[constraint_id]
        member = contract.member(constraint.path)
        for label, value in _valid_edges(contract, member, constraint):
            case = _valid_case(contract, base, constraint, label, value)
            if case is not None:
                cases.append(case)
        for variant in found:
            try:
                fault = realize(contract, constraint_id, variant, base)
            except (CannotDraw, KeyError, ValueError):
                continue
            cases.append(
                BoundaryCase(
                    f"{constraint_id}[{variant.label}]",
                    constraint_id,
                    fault.request,
                    False,
                    fault.reason,
                    variant.also_breaks,
                )
            )
    return _unique(cases)


def _valid_case(
    contract: Contract, base: dict[str, Any], constraint: Constraint, label: str, value: Any
) -> BoundaryCase | None:
    member = contract.member(constraint.path)
    if isinstance(value, str) and not _string_fits(member, value):
        return None
    try:
        params, steps = place(contract, base, constraint.path)
    except CannotDraw:
        return None
    if steps:
        set_at(params, steps, value)
    reason = f"{constraint.path} is {describe(value)}: valid at the edge of {constraint.id}"
    return BoundaryCase(f"{constraint.id}[{label}]", constraint.id, to_wire(contract, params), True, reason)


def _string_fits(member: Member, value: str) -> bool:
    """A valid edge meets every constraint of its member under every reading, and travels unchanged."""
    low, high = member.get("minLength") or 0, member.get("maxLength")
    pattern, enum = member.get("pattern"), member.get("enum")
    if len(value) < low or (high is not None and len(value) > high):
        return False
    if pattern and not readings.is_valid(pattern, value):
        return False
    if enum and value not in enum:
        return False
    if member.location in ("header", "headers") and not header_safe(value):
        return False
    return binding_safe(member, value)


def _valid_edges(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    edge = _EDGES.get(constraint.kind)
    if edge is None:
        return []
    try:
        return edge(contract, member, constraint)
    except CannotDraw:
        return []


def _length_edge(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    size = constraint.value
    if member.type == "blob":
        return [(f"{size} bytes", b"a" * size)]
    if member.get("enum") or size > MOST_ITEMS_FAULT * 25:
        return []
    return [(f"length {size}", text_of_length(member, size))]


def _items_edge(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    size = constraint.value
    if size > MOST_ITEMS_FAULT or (size == 0 and member.location in ("querystring", "header", "headers")):
        return []
    if member.type == "list":
        item = canonical_value(contract, item_of(member.path)) if size else None
        return [(f"{size} items", [item for _ in range(size)])]
    keys = distinct_keys(contract, member.path, size) if size else []
    entry = canonical_value(contract, value_of(member.path)) if size else None
    return [(f"{size} items", {key: entry for key in keys})]


def _number_edge(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    integral = member.type in INTEGER_RANGES
    value = int(constraint.value) if integral else float(constraint.value)
    return [(f"{constraint.value}", value)]


def _enum_edge(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    return [(str(value), value) for value in constraint.value]


# The most valid neighbours of a pattern's edges sent per pattern constraint (the flagship sends them all).
NEIGHBOURS_MOST = 12


def _pattern_edge(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    edges = [(f"valid {value!r}", value) for value in string_examples(member)[:3]]
    grammar = None if member.get("enum") else readable_grammar(constraint.value)
    if grammar is not None:
        low, high = string_length_bounds(member)
        found = valid_neighbours(grammar, low, high)
        # The reserved prefix's neighbours first: few, and the likelier fault.
        found.sort(key=lambda neighbour: not neighbour[0].startswith("valid beside"))
        edges += [(edge, value) for edge, value, _ in found[:NEIGHBOURS_MOST]]
    return edges


def _present_edge(contract: Contract, member: Member, constraint: Constraint) -> list[tuple[str, Any]]:
    return [("present", canonical_value(contract, member.path))]


_EDGES: dict[str, Callable[[Contract, Member, Constraint], list[tuple[str, Any]]]] = {
    "minLength": _length_edge,
    "maxLength": _length_edge,
    "minItems": _items_edge,
    "maxItems": _items_edge,
    "minimum": _number_edge,
    "maximum": _number_edge,
    "enum": _enum_edge,
    "pattern": _pattern_edge,
    "required": _present_edge,
    "union": _present_edge,
}


def _unique(cases: list[BoundaryCase]) -> list[BoundaryCase]:
    """Case ids are test ids: the first of two cases that would share one is kept."""
    seen: dict[str, BoundaryCase] = {}
    for case in cases:
        seen.setdefault(case.case_id, case)
    return list(seen.values())
