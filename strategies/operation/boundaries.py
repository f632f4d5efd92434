"""The deterministic edges of every breakable constraint of any operation: the value at the bound
(valid) and one past it (invalid), each enum value as the model spells it, each valid example of a
pattern beside its near misses, a required member present and absent, and every wrong-kind value.

Each case starts from the same canonical parameters (the pinned values in place), so that a case differs
from a valid request in the one member it is about.
"""

from __future__ import annotations

import datetime
import email.utils
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from conformance.spec.contract import Constraint, Contract, Member
from conformance.spec.paths import item_of, key_of, parent_path, value_of
from conformance.spec.types import INTEGER_RANGES, timestamp_format
from conformance.spec.wire import BoundaryCase
from conformance.strategies.boundaries import LARGE_BODY_BYTES, valid_neighbours
from conformance.strategies.canonical import letters_key
from conformance.strategies.catalogue import (
    CASE_SENSITIVE_NAMES,
    EXACT_NAMES,
    LARGEST_BODIES,
    TIMESTAMP_EDGES,
    VALID_EDGES,
    VALUE_RANGES,
    foreign_value,
    name_variants,
)
from conformance.strategies.operation import readings
from conformance.strategies.operation.canonical import (
    CannotDraw,
    binding_safe,
    canonical_value,
    distinct_keys,
    readable_grammar,
    shared_canonical_value,
    string_examples,
    string_length_bounds,
)
from conformance.strategies.operation.faults import (
    MOST_ITEMS_FAULT,
    Variant,
    describe,
    text_of_length,
    top_location,
)
from conformance.strategies.operation.invalid import put_on_wire, realize
from conformance.strategies.operation.placement import json_steps, place, remove_at, set_at, value_at
from conformance.strategies.operation.values import header_safe
from conformance.strategies.operation.wire import replace_json, to_wire
from conformance.strategies.text import canonical_text


class Edge(NamedTuple):
    """A valid value at an edge of a constraint: its label in the case id, the value (a parameter as
    botocore takes it, or with ``wire`` the JSON value or text put into the serialized request, for
    values botocore cannot write), and the family the coverage report counts it in."""

    label: str
    value: Any
    family: str = ""
    wire: bool = False
    why: str = ""  # why the value is valid, where the edge of a constraint is not the reason


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
        for edge in _valid_edges(contract, member, constraint):
            case = _valid_case(contract, base, constraint, Edge(*edge))
            if case is not None:
                cases.append(case)
        if constraint.kind == "type":
            case = _named_alike(contract, base, constraint, member)
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
                    family=EXACT_NAMES if variant.action == "rename" else "",
                )
            )
    return _unique(cases)


def _named_alike(
    contract: Contract, base: dict[str, Any], constraint: Constraint, member: Member
) -> BoundaryCase | None:
    """An optional member of a JSON object left out, and beside it a member whose name differs from its own
    in case only holding a value the member never takes: an unknown member, which a correct implementation
    ignores, and which one that matches names case-insensitively reads as the member and refuses."""
    parent = parent_path(member.path)
    if member.required or parent is None or top_location(contract, member.path) != "body":
        return None
    if contract.member(parent).type != "structure" or member.recursive:  # a union takes one member
        return None
    taken = {child.on_the_wire for child in contract.children(parent)}
    names = [name for name in name_variants(member.on_the_wire) if name not in taken]
    if not names:
        return None
    value = foreign_value(member.json_type or "")
    try:
        params, steps = place(contract, base, member.path)
        remove_at(params, steps)
        beside = [*json_steps(contract, steps)[:-1], names[0]]
        request = replace_json(to_wire(contract, params), beside, value)
    except (CannotDraw, KeyError, IndexError, TypeError, ValueError):
        return None
    reason = (
        f"{member.path} left out, and {names[0]!r} beside it holding {json.dumps(value)}: an unknown member, "
        f"to be ignored; {CASE_SENSITIVE_NAMES}"
    )
    case_id = f"{constraint.id}[{names[0]} beside no {member.on_the_wire}]"
    return BoundaryCase(case_id, constraint.id, request, True, reason, family=EXACT_NAMES)


def _valid_case(
    contract: Contract, base: dict[str, Any], constraint: Constraint, edge: Edge
) -> BoundaryCase | None:
    member = contract.member(constraint.path)
    value = edge.value
    if isinstance(value, str) and not edge.wire and not _string_fits(member, value):
        return None
    try:
        params, steps = place(contract, base, constraint.path)
    except CannotDraw:
        return None
    if edge.wire:
        request = put_on_wire(contract, to_wire(contract, params), steps, value)
    else:
        if steps:
            set_at(params, steps, value)
        request = to_wire(contract, params)
    where = " on the wire" if edge.wire else ""
    why = edge.why or f"at the edge of {constraint.id}"
    reason = f"{constraint.path} is {describe(value)}{where}: valid, {why}"
    return BoundaryCase(
        f"{constraint.id}[{edge.label}]", constraint.id, request, True, reason, family=edge.family
    )


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
        edges += [(edge, value, VALID_EDGES) for edge, value, _ in found[:NEIGHBOURS_MOST]]
    return edges


def _type_edge(contract: Contract, member: Member, constraint: Constraint) -> list[Edge]:
    """Every value a type allows, each in a valid request every run: both booleans (``false`` is no absent
    member), an integer type's ends where the model sets no bound, and timestamps over the whole range
    their format carries (written on the wire: botocore takes only what a datetime holds)."""
    if member.type == "boolean":
        why = "a boolean as due (false is no absent member)"
        return [Edge("false", False, VALUE_RANGES, why=why), Edge("true", True, VALUE_RANGES, why=why)]
    if member.type in INTEGER_RANGES:
        low, high = INTEGER_RANGES[member.type]
        why = f"a {member.type} holds it and the model sets no bound on that side"
        edges = []
        if member.get("minimum") is None:
            edges.append(Edge(f"the least {member.type}", low, VALUE_RANGES, why=why))
        if member.get("maximum") is None:
            edges.append(Edge(f"the greatest {member.type}", high, VALUE_RANGES, why=why))
        return edges
    if member.type == "timestamp":
        return [
            Edge(
                f"timestamp {label}",
                value,
                VALUE_RANGES,
                True,
                f"{label}: the model puts no range on a timestamp",
            )
            for label, value in _timestamps(contract, member)
        ]
    return []


# Timestamps as text (Smithy's date-time, RFC 3339 with Z and optional fractional seconds; its
# http-date, RFC 7231's IMF-fixdate) past the limits implementations put on them: year 1 and year 9999,
# before 1970, a fraction of a second.
DATE_TIME_EDGES = (
    ("year 1", "0001-01-01T00:00:00Z"),
    ("year 9999", "9999-12-31T23:59:59Z"),
    ("before 1970", "1969-12-31T23:59:59Z"),
    ("a fraction", "2023-11-14T22:13:20.5Z"),
)
HTTP_DATE_EDGES = tuple(
    (label, email.utils.format_datetime(moment, usegmt=True))
    for label, moment in (
        ("year 1", datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)),
        ("year 9999", datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)),
        ("before 1970", datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)),
    )
)


def _timestamps(contract: Contract, member: Member) -> list[tuple[str, Any]]:
    """The valid timestamp edges of ``member`` as its format and location carry them: epoch seconds as a
    JSON number in a JSON body (``TIMESTAMP_EDGES``, the doubles' ends included) or as plain decimal text
    elsewhere, else date-time or http-date text."""
    top = top_location(contract, member.path)
    where = "json" if top in ("body", "payload") else "header" if top in ("header", "headers") else "text"
    form = timestamp_format(member, where)
    if form == "unixTimestamp":
        if where == "json":
            return list(TIMESTAMP_EDGES)
        return [(label, str(value)) for label, value in TIMESTAMP_EDGES if "e" not in str(value)]
    return list(DATE_TIME_EDGES if form == "iso8601" else HTTP_DATE_EDGES)


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
    "type": _type_edge,
}


def _unique(cases: list[BoundaryCase]) -> list[BoundaryCase]:
    """Case ids are test ids: the first of two cases that would share one is kept."""
    seen: dict[str, BoundaryCase] = {}
    for case in cases:
        seen.setdefault(case.case_id, case)
    return list(seen.values())


# -- the largest valid bodies ------------------------------------------------------------------------------
# The longest string or blob the largest body holds at its maximum; one whose maximum is longer keeps its
# canonical value (a few such members would make a body of megabytes, which the grown bodies send anyway).
LARGEST_TEXT = 64 * 1024
# The most items or entries of a list or map at its maximum in the largest body.
LARGEST_ITEMS = 100
# What the largest body may cost, in about bytes of JSON text: once spent, later strings keep their
# canonical values and later optional members are left out (QuickSight's definitions have 50,000 members).
LARGEST_BUDGET = 1024 * 1024


class _Largest:
    """Every member of the JSON body at every depth at its largest at once: strings at their maximum length
    (astral characters where the pattern takes them), the longest enum value, integers at their maximum
    (the type's where the model sets none), blobs at their maximum, lists and maps at their most items and
    entries (keys at their largest too), capped by ``LARGEST_TEXT``, ``LARGEST_ITEMS`` and the budget."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.spent = 0

    def value(self, path: str) -> Any:
        member = self.contract.member(path)
        if member.recursive:
            raise CannotDraw(path, "a structure inside itself")
        if self.spent > LARGEST_BUDGET:
            return shared_canonical_value(self.contract, path)
        kind = member.type
        if kind == "string":
            value: Any = self._string(member)
        elif kind == "blob":
            high = member.get("maxLength")
            fits = high is not None and high <= LARGEST_TEXT
            value = b"a" * high if fits else shared_canonical_value(self.contract, path)
        elif kind in INTEGER_RANGES:
            value = int(member.get("maximum", INTEGER_RANGES[kind][1]))
        elif kind in ("float", "double") and member.get("maximum") is not None:
            value = float(member.get("maximum"))
        elif kind == "list":
            return self._list(member)
        elif kind == "map":
            return self._map(member)
        elif kind in ("structure", "union"):
            return self._structure(member)
        else:
            return shared_canonical_value(self.contract, path)
        # What it costs on the wire: a JSON string's escapes (an astral character is twelve bytes), a
        # blob's base64.
        self.spent += (
            len(json.dumps(value))
            if isinstance(value, str)
            else len(value) * 4 // 3
            if isinstance(value, bytes)
            else 8
        )
        return value

    def _string(self, member: Member) -> str:
        if member.get("enum"):
            return max(member.get("enum"), key=len)
        high = member.get("maxLength")
        if high is not None and high <= LARGEST_TEXT:
            for value in self._texts(member, high):
                if len(value) == high and _string_fits(member, value):
                    return value
        return shared_canonical_value(self.contract, member.path)

    @staticmethod
    def _texts(member: Member, size: int) -> list[str]:
        """Candidates of ``size`` code points: astral ones first where the pattern takes them."""
        pattern = member.get("pattern")
        found = []
        if pattern is None or readable_grammar(pattern) is not None:
            try:
                found.append(canonical_text(pattern, size, astral=True))
            except (ValueError, IndexError):
                pass
        return [*found, text_of_length(member, size)]

    def _count(self, member: Member) -> int:
        low, high = member.get("minItems") or 0, member.get("maxItems")
        return max(low, min(high if high is not None else 1, LARGEST_ITEMS))

    def _list(self, member: Member) -> list:
        count = self._count(member)
        before = self.spent
        try:
            item = self.value(item_of(member.path))
        except CannotDraw:
            if member.get("minItems"):
                raise
            return []
        count = self._affordable(member, count, self.spent - before)
        self.spent += (self.spent - before) * (count - 1)
        return [item] * count

    def _affordable(self, member: Member, count: int, cost: int) -> int:
        """``count`` items of ``cost`` each, fewer (not fewer than the minimum) where the budget is spent."""
        left = max(0, LARGEST_BUDGET - self.spent + cost)
        return max(member.get("minItems") or 0, min(count, left // max(1, cost)))

    def _map(self, member: Member) -> dict:
        keys = self.contract.member(key_of(member.path))
        count = self._count(member)
        if keys.get("enum"):
            names = sorted(keys.get("enum"), key=len, reverse=True)[:count]
        else:
            names = self._keys(keys, count)
        before = self.spent
        entry = self.value(value_of(member.path)) if names else None
        cost = self.spent - before + (len(names[0]) if names else 0)
        names = names[: self._affordable(member, len(names), cost)]
        self.spent += cost * (len(names) - 1)
        return dict.fromkeys(names, entry)

    def _keys(self, keys: Member, count: int) -> list[str]:
        """``count`` distinct keys at their largest (the largest key with a letter key at its end), or the
        shortest distinct valid keys."""
        largest = self._string(keys)
        padded = [
            largest[: max(0, len(largest) - len(letters_key(i)))] + letters_key(i) for i in range(count)
        ]
        if count == 1:
            padded = [largest]
        if len(set(padded)) == count and all(_string_fits(keys, key) for key in padded):
            return padded
        return distinct_keys(self.contract, parent_path(keys.path) or "", count)

    def _structure(self, member: Member) -> dict:
        children = [
            c
            for c in self.contract.children(member.path)
            if not c.recursive and (member.path != "Body" or c.location == "body")
        ]
        if member.type == "union":
            for child in children:
                try:
                    return {child.name: self.value(child.path)}
                except CannotDraw:
                    continue
            raise CannotDraw(member.path, "no member of the union has a value")
        value = {}
        for child in children:
            if self.spent > LARGEST_BUDGET and not child.required:
                continue
            try:
                value[child.name] = self.value(child.path)
            except CannotDraw:
                if child.required:
                    raise
        return value


def large_bodies(contract: Contract, base: dict[str, Any], pinned: dict[str, Any]) -> list[BoundaryCase]:
    """Valid bodies past the limits servers put before their handlers (a common framework default is
    100 KiB, another 1 MiB), under ``Body.json``: every member of the JSON body at its largest at once, the
    canonical body grown to about 128 KiB, and the largest one grown to about 1.5 MiB (where the model
    leaves a list or a string unbounded to grow).  The members bound elsewhere (labels, query, headers)
    keep the canonical values."""
    if not _body_names(contract):
        return []
    try:
        largest = {**base, **_Largest(contract).value("Body")}
    except CannotDraw:
        return []
    for path, value in pinned.items():
        largest, steps = place(contract, largest, path)
        set_at(largest, steps, value)
    bodies = [("every member at its largest", largest)]
    for label, body, size in (
        ("about 128 KiB", base, LARGE_BODY_BYTES[0]),
        ("every member at its largest, about 1.5 MiB", largest, LARGE_BODY_BYTES[1]),
    ):
        grown = _grown(contract, body, size)
        if grown is not None:
            bodies.append((label, grown))
    cases = []
    for label, body in bodies:
        request = to_wire(contract, body)
        reason = (
            f"{label}: a valid body of {len(request.body):,} bytes; the model sets no limit on a body's "
            "size, so a refusal (a 413 included) is no answer the contract allows"
        )
        cases.append(
            BoundaryCase(f"Body.json[{label}]", "Body.json", request, True, reason, family=LARGEST_BODIES)
        )
    return cases


def _grown(contract: Contract, body: dict[str, Any], size: int) -> dict[str, Any] | None:
    """``body`` with the first list of the JSON body the model sets no maximum on (else a string with no
    maximum and no pattern) grown until the body's JSON text is about ``size`` bytes; None where there is
    neither, or where the body is that large already."""
    members = [
        m for m in contract.members.values() if not m.recursive and top_location(contract, m.path) == "body"
    ]
    lists = [m for m in members if m.type == "list" and m.get("maxItems") is None]
    strings = [
        m
        for m in members
        if m.type == "string" and m.get("maxLength") is None and not m.get("pattern") and not m.get("enum")
    ]
    for member in lists[:1] or strings[:1]:
        try:
            grown, steps = place(contract, body, member.path)
            now = len(to_wire(contract, grown).body)
            if now >= size:
                return None
            if member.type == "string":
                set_at(grown, steps, "a" * max(1, size - now))
                return grown
            items = list(value_at(grown, steps) or [shared_canonical_value(contract, item_of(member.path))])
        except CannotDraw:
            return None
        set_at(grown, steps, [*items, items[0]])  # what one more item adds to the wire (a blob's base64...)
        item_bytes = max(1, len(to_wire(contract, grown).body) - now)
        set_at(grown, steps, [*items, *[items[0]] * max(1, -(-(size - now) // item_bytes))])
        return grown
    return None


def _body_names(contract: Contract) -> list[str]:
    return [c.path for c in contract.children("Body") if c.location == "body"]
