"""The deterministic edge cases of every constraint, so every run covers every edge whatever the draw.

Each case changes one value of the canonical full body (every member present once) or the domain:
valid at each bound, invalid just past it, every enum value and its near misses, every required member
missing or null, every wrong JSON type, astral-plane text at a length bound.  Case ids are
``<constraint id>[<edge>]``, so a failing parametrized test names both.

What the cases send is data (``strategies.catalogue``, ``strategies.near_misses``, ``strategies.smithy``);
what is left here is one method per constraint kind, a little over 400 lines that read best together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cache, partial
from typing import Any

from conformance.spec import Constraint, Contract, Member, load_contract
from conformance.spec import patterns as dialects
from conformance.spec.paths import in_collection, is_entry, is_item, is_key, item_of, key_of, value_of
from conformance.spec.unbreakable import unbreakable
from conformance.spec.wire import BoundaryCase, Request
from conformance.strategies import smithy as smithy_cases
from conformance.strategies.canonical import CanonicalValues, fixed_keys, new_map_key, string_bounds
from conformance.strategies.catalogue import (
    CASE_SENSITIVE_NAMES,
    DOMAIN_FORBIDDEN,
    DOMAIN_UNSENDABLE,
    EXACT_NAMES,
    JSON_KINDS,
    LARGEST_BODIES,
    MALFORMED_KINDS,
    NON_OBJECT_BODIES,
    TIMESTAMP_EDGES,
    VALID_EDGES,
    VALUE_RANGES,
    WRAPPED_IN_ARRAY,
    foreign_value,
    malformed_body,
    name_variants,
    wrong_kinds,
)
from conformance.strategies.grammar import UNBOUNDED, Grammar, parse
from conformance.strategies.near_misses import far_misses, near_misses
from conformance.strategies.paths import (
    FIRST,
    SECOND,
    get_member,
    place_member,
    remove_member,
    rename_member,
    reordered,
)
from conformance.strategies.text import canonical_text

# The sizes of the large valid bodies, in bytes of JSON text: past 100 KiB and past 1 MiB.
LARGE_BODY_BYTES = (128 * 1024, 3 * 512 * 1024)


class BoundaryCatalogue:
    def __init__(self, contract: Contract | None = None) -> None:
        self.contract = contract or load_contract()
        self.canonical = CanonicalValues(self.contract)
        self.unbreakable = unbreakable(self.contract)
        self.new_key = partial(new_map_key, self.contract)
        self.base = self.canonical.full_body()
        self._placement = FIRST  # where in lists and maps the edge goes (see _in_second_item)
        # The first member of each type, in contract order: it gets every Smithy value of its type, the
        # others one value of each Smithy case.
        self._first_of_each_type: dict[str, str] = {}
        for member in self.contract.members.values():
            self._first_of_each_type.setdefault(member.type, member.path)

    def fill(self, path: str) -> Any:
        return self.canonical.value(path)

    def cases(self) -> list[BoundaryCase]:
        out: list[BoundaryCase] = []
        for constraint in self.contract.request_constraints():
            out.extend(self._cases_for(constraint))
            if in_collection(constraint.path):
                out.extend(self._in_second_item(constraint))
        ids = [case.case_id for case in out]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise AssertionError(f"boundary case ids repeat: {sorted(duplicates)}")
        return out

    def _in_second_item(self, c: Constraint) -> Iterator[BoundaryCase]:
        """The first invalid edge of a constraint on a list item or map entry once more, with the fault
        in the second of two items (entries) of every list (map) on the way: a validator that checks only
        ``Tasks[0]`` or the first tag passes it."""
        self._placement = SECOND
        try:
            invalid = next((case for case in self._cases_for(c) if not case.valid), None)
        finally:
            self._placement = FIRST
        if invalid is not None:
            edge = invalid.case_id[len(c.id) + 1 : -1]
            yield replace(
                invalid,
                case_id=f"{c.id}[{edge}, second item]",
                reason=f"{invalid.reason}, in the second of two items or entries",
            )

    # -- building blocks -----
    def _case(
        self,
        c: Constraint,
        edge: str,
        value: Any,
        valid: bool,
        reason: str,
        also: frozenset[str] = frozenset(),
        smithy: tuple[str, ...] = (),
        family: str = "",
    ) -> BoundaryCase:
        if c.path == "DomainName":
            request = Request(value, self.base)
        else:
            request = Request(None, self._place(c.path, value))
        if not valid:
            smithy = (*smithy, *smithy_cases.validation_ids(c, self.contract.member(c.path)))
        return BoundaryCase(
            f"{c.id}[{edge}]", c.id, request, valid, reason, also, tuple(dict.fromkeys(smithy)), family
        )

    def _place(self, path: str, value: Any, body: dict | None = None) -> dict:
        """``body`` (the full body) with ``value`` at ``path``, in the item or entry of the placement."""
        body = self.base if body is None else body
        return place_member(body, path, value, self.fill, self._placement, self.new_key)[0]

    def _smithy_values(self, m: Member, values: tuple[smithy_cases.SmithyValue, ...]) -> list:
        if self._first_of_each_type.get(m.type) == m.path:
            return list(values)
        chosen, seen = [], set()
        for value in values:
            if not set(value.smithy_ids) <= seen or not value.smithy_ids and not chosen:
                chosen.append(value)
                seen.update(value.smithy_ids)
        return chosen

    def _cases_for(self, c: Constraint) -> Iterator[BoundaryCase]:
        if c.id == "Body.json":
            yield from self._malformed_bodies(c)
            return
        if c.id == "Body.type":
            for kind, ids in NON_OBJECT_BODIES:
                request = Request(None, JSON_KINDS[kind].sample)
                yield BoundaryCase(
                    f"{c.id}[{kind}]", c.id, request, False, f"the body is a JSON {kind}", smithy=ids
                )
            wrapped = Request(None, [self.base])
            yield BoundaryCase(
                f"{c.id}[{WRAPPED_IN_ARRAY}]",
                c.id,
                wrapped,
                False,
                "the body is an array holding a valid body",
                smithy=(smithy_cases.NOT_AN_OBJECT,),
            )
            yield BoundaryCase(
                f"{c.id}[object]", c.id, Request(None, self.base), True, "every member present"
            )
            rich = Request(None, self._several(self.base, "Body"))
            yield BoundaryCase(f"{c.id}[three of each]", c.id, rich, True, "every list and map three long")
            for edge, body in self._large_bodies():
                size = len(Request(None, body).body_bytes())
                reason = (
                    f"{edge}: a valid body of {size:,} bytes; the model sets no limit on a body's size, so "
                    "a refusal (a 413 included) is no answer the contract allows"
                )
                yield BoundaryCase(
                    f"{c.id}[{edge}]", c.id, Request(None, body), True, reason, family=LARGEST_BODIES
                )
            backwards = Request(None, reordered(self.base, 0, True))
            yield BoundaryCase(
                f"{c.id}[members reversed]", c.id, backwards, True, "every object's members in reverse order"
            )
            return
        member = self.contract.member(c.path)
        yield from getattr(self, "_" + c.kind)(c, member)

    def _malformed_bodies(self, c: Constraint) -> Iterator[BoundaryCase]:
        """Bodies that are no JSON text: the whole-body kinds, a valid body with one syntax fault, and a
        valid body with a text that is no JSON value in one member's place."""
        for kind in MALFORMED_KINDS:
            raw = malformed_body(kind, self.base)
            yield BoundaryCase(f"{c.id}[{kind}]", c.id, Request(None, raw_body=raw), False, f"body: {kind}")
        for fault in smithy_cases.BODY_FAULTS:
            request = Request(None, raw_body=fault.body(self.base))
            reason = f"a valid body with one syntax fault: {fault.name}"
            yield BoundaryCase(f"{c.id}[{fault.name}]", c.id, request, False, reason, smithy=fault.smithy_ids)
        for path, text, ids in self._literals():
            raw = smithy_cases.with_literal(
                self.base, lambda body, v, path=path: self._place(path, v, body), text
            )
            shown = smithy_cases.escaped(text)
            reason = f"{path} is {shown}, which is no JSON value"
            yield BoundaryCase(
                f"{c.id}[{path} = {shown}]", c.id, Request(None, raw_body=raw), False, reason, smithy=ids
            )

    def _literals(self) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        """(member path, a text that is no JSON value, its Smithy cases) for Body.json's edges."""
        # A list unclosed, a map with a null key, raw control characters in a string: once each, in the
        # first member they fit.
        sent: set[str] = set()
        for member in self.contract.members.values():
            for value in self._smithy_values(member, smithy_cases.literal_values(member)):
                yield member.path, value.text, value.smithy_ids
            for value in smithy_cases.structural_literals(member):
                if value.text not in sent:
                    sent.add(value.text)
                    yield member.path, value.text, value.smithy_ids

    def _large_bodies(self) -> list[tuple[str, dict]]:
        """Valid bodies past the limits servers put before their handlers (a common framework default is
        100 KiB, another 1 MiB): every member at its largest at once, the full body grown to about
        128 KiB, and the largest one grown to about 1.5 MiB."""
        largest = self.canonical.largest("Body")
        return [
            ("every member at its largest", largest),
            ("about 128 KiB", self._grown(self.base, LARGE_BODY_BYTES[0])),
            ("every member at its largest, about 1.5 MiB", self._grown(largest, LARGE_BODY_BYTES[1])),
        ]

    def _grown(self, body: dict, size: int) -> dict:
        """``body`` with the list the model sets no maximum on whose item is the largest repeated until the
        body's JSON text is about ``size`` bytes."""
        unbounded = [
            m.path
            for m in self.contract.members.values()
            if m.type == "list" and m.get("maxItems") is None and m.location == "body"
        ]
        sized = [(len(Request(None, get_member(body, path)[0]).body_bytes()), path) for path in unbounded]
        item_bytes, path = max(sized)
        item = get_member(body, path)[0]
        grown, count = body, len(get_member(body, path))
        while (now := len(Request(None, grown).body_bytes())) < size:
            count += -(-(size - now) // (item_bytes + 1))
            grown = self._place(path, [item] * count, body)
        return grown

    def _several(self, value: Any, path: str, count: int = 3) -> Any:
        """``value`` with every list repeated to ``count`` items and every map grown to ``count`` entries:
        the valid body on which code that handles only one Batch, Task or tag trips."""
        member = self.contract.member(path)
        if member.type == "list":
            item = self._several(value[0], item_of(path), count)
            return [item] * count
        if member.type == "map":
            names = fixed_keys(self.contract.member(key_of(path)), count)
            entry = next(iter(value.values()))
            return dict.fromkeys(names, entry)
        if member.type == "structure":
            children = {child.name: child.path for child in self.contract.children(path)}
            return {name: self._several(item, children[name], count) for name, item in value.items()}
        return value

    # -- one method per constraint kind -----
    def _type(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        yield self._case(c, m.json_type, self._sample(m), True, f"a JSON {m.json_type}, as due")
        yield from self._named_alike(c, m)
        if m.type == "boolean":  # both values in a valid request, every run (true is the sample above)
            yield self._case(
                c, "false", False, True, "false, a boolean as due (not an absent member)", family=VALUE_RANGES
            )
        if m.type == "timestamp":
            for edge, value in TIMESTAMP_EDGES:
                reason = f"{value!r} epoch seconds ({edge}): the model puts no range on a timestamp"
                yield self._case(c, f"timestamp {edge}", value, True, reason, family=VALUE_RANGES)
        if c.id in self.unbreakable:
            return
        for kind in wrong_kinds(m.json_type, m.path):
            ids = smithy_cases.null_ids(m) if kind == "null" else ()
            yield self._case(
                c,
                kind,
                JSON_KINDS[kind].sample,
                False,
                f"a JSON {kind} where a {m.json_type} is due",
                smithy=ids,
            )
        for value in self._smithy_values(m, smithy_cases.wrong_type_values(m)):
            reason = f"{value.text}, a JSON {type(value.value).__name__} where a {m.type} is due"
            yield self._case(c, f"smithy {value.text}", value.value, False, reason, smithy=value.smithy_ids)

    def _named_alike(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        """An optional member left out, and a member whose name differs from its own in case only holding
        a value the member never takes: an unknown member, which a correct implementation ignores, and
        one that matches names case-insensitively reads as the member and refuses."""
        if m.required or m.location != "body" or m.path == "Body" or is_item(m.path) or is_entry(m.path):
            return
        variant = name_variants(m.name)[0]
        value = foreign_value(m.json_type)
        body, where = rename_member(
            self.base, m.path, variant, self.fill, self._placement, self.new_key, value=value
        )
        reason = (
            f"{where} left out, and {variant!r} holding {value!r}: an unknown member, to be ignored; "
            f"{CASE_SENSITIVE_NAMES}"
        )
        yield BoundaryCase(
            f"{c.id}[{variant} beside no {m.name}]",
            c.id,
            Request(None, body),
            True,
            reason,
            family=EXACT_NAMES,
        )

    def _sample(self, m: Member) -> Any:
        if m.path == "DomainName":
            return canonical_text(m.get("pattern"), 1)
        if is_key(m.path):
            return self.canonical.string(m, 3) if not m.get("enum") else m.get("enum")[0]
        return self.canonical.value(m.path, full=True)

    def _required(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        if c.id in self.unbreakable:
            yield self._case(c, "present", self._sample(m), True, "the URI label is present")
            return
        body, _ = remove_member(self.base, m.path, self.fill, self._placement, self.new_key)
        ids = smithy_cases.validation_ids(c, m)
        yield BoundaryCase(
            f"{c.id}[missing]", c.id, Request(None, body), False, f"{m.path} missing", smithy=ids
        )
        yield self._case(c, "null", None, False, f"{m.path} null (read as absent)")
        for variant in name_variants(m.name):
            body, where = rename_member(self.base, m.path, variant, self.fill, self._placement, self.new_key)
            reason = f"{where} carried only as {variant!r}, so missing: {CASE_SENSITIVE_NAMES}"
            yield BoundaryCase(
                f"{c.id}[named {variant}]",
                c.id,
                Request(None, body),
                False,
                reason,
                smithy=ids,
                family=EXACT_NAMES,
            )

    def _minLength(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:  # noqa: N802
        low = c.value
        yield self._case(
            c, f"length {low}", self.canonical.string(m, low), True, f"{low} characters, the minimum"
        )
        astral = self._astral(m, low)
        if astral is not None:
            yield self._case(c, f"length {low} astral", astral, True, f"{low} astral-plane code points")
        size = low - 1
        grammar = parse(m.get("pattern")) if m.get("pattern") else None
        if grammar is None or grammar.min_length <= size:
            yield self._case(c, f"length {size}", self.canonical.string(m, size), False, f"{size} characters")
        else:
            also = frozenset({f"{m.path}.pattern"})
            yield self._case(
                c, f"length {size}", "", False, f"{size} characters (breaks the pattern too)", also
            )

    def _maxLength(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:  # noqa: N802
        high = c.value
        yield self._case(
            c, f"length {high}", self.canonical.string(m, high), True, f"{high} characters, the maximum"
        )
        astral = self._astral(m, high)
        if astral is not None:
            reason = f"{high} code points, {len(astral.encode('utf-16-le')) // 2} UTF-16 code units"
            yield self._case(c, f"length {high} astral", astral, True, reason)
        yield self._case(
            c, f"length {high + 1}", self.canonical.string(m, high + 1), False, f"{high + 1} characters"
        )

    def _astral(self, m: Member, size: int) -> str | None:
        """A valid value of ``size`` code points with astral-plane characters, if the pattern allows any."""
        if m.get("enum") or m.path == "DomainName":
            return None
        value = canonical_text(m.get("pattern"), size, astral=True)
        return value if any(ord(ch) > 0xFFFF for ch in value) else None

    def _pattern(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        low, high = string_bounds(m)
        yield self._case(c, "shortest match", self.canonical.string(m, low), True, "the shortest full match")
        every = self._every_character(m, low, high)
        if every is not None:
            yield self._case(
                c, "every character", every, True, "every character the pattern allows everywhere"
            )
        if not m.get("enum") and m.path != "DomainName":
            for edge, value, reason in valid_neighbours(parse(m.get("pattern")), low, high):
                yield self._case(c, edge, value, True, reason, family=VALID_EDGES)
        if c.id in self.unbreakable:
            return
        low, high = m.get("minLength", 0), m.get("maxLength", UNBOUNDED)
        unsendable = DOMAIN_UNSENDABLE.characters if m.path == "DomainName" else ""
        misses = near_misses(c.value, low, high, unsendable)
        for miss in misses:
            yield self._case(
                c, miss.edge, miss.value, False, f"{miss.reason}: no match for {c.value} anywhere"
            )
        near = {miss.value for miss in misses}
        for edge, value in self._mismatches(m):
            if value not in near:
                yield self._case(c, edge, value, False, f"{value!r}: no match for {c.value} anywhere")
        long_miss = self._long_miss(m, misses)
        if long_miss is not None:
            reason = (
                f"{len(long_miss)} characters whose last one breaks {c.value}: a backtracking engine "
                "must give up in time"
            )
            yield self._case(
                c, "long, broken at the end", long_miss, False, reason, smithy=(smithy_cases.REDOS,)
            )

    def _long_miss(self, m: Member, misses: tuple) -> str | None:
        """A value of the maximum length that only its last character breaks (Smithy's ReDoS case), if the
        pattern has one: the longest valid value with its last character replaced by a near miss's."""
        high = m.get("maxLength")
        last = [miss for miss in misses if miss.position == len(miss.value) - 1 and miss.position > 0]
        if high is None or not last:
            return None
        value = self.canonical.string(m, high)[:-1] + last[0].character
        return value if dialects.invalid_in_every_reading(m.get("pattern"), value) else None

    def _every_character(self, m: Member, low: int, high: int) -> str | None:
        """A full match that uses every character each class segment takes in every dialect (within the
        maximum length): the digits and ``;<`` in a tag key's ``+-=`` range, for one."""
        grammar = parse(m.get("pattern"))
        parts = []
        for segment in grammar.segments:
            if segment.is_literal:
                parts.append(segment.source)
            elif segment.wide:
                parts.append("é中😀e\u0301" + "a" * max(0, segment.min - 5))  # a combining mark too
            else:
                chars = "".join(ch for ch in sorted(segment.agreed) if ch.isprintable() or ch in " \t")
                parts.append(chars[: max(segment.max, 1)] if segment.max < len(chars) else chars)
        value = "".join(parts)[:high]
        return (
            value if len(value) >= low and dialects.valid_in_every_reading(m.get("pattern"), value) else None
        )

    def _mismatches(self, m: Member) -> list[tuple[str, str]]:
        grammar = parse(m.get("pattern"))
        low, high = m.get("minLength", 0), m.get("maxLength", UNBOUNDED)
        shortest = self.canonical.string(m, max(low, grammar.min_length))
        foreign = DOMAIN_FORBIDDEN.characters if m.path == "DomainName" else grammar.foreign_characters()
        return far_misses(m.get("pattern"), shortest, low, high, foreign)

    def _enum(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        for value in c.value:
            yield self._case(c, value, value, True, f"{value!r}, an allowed value")
        # Every value in the wrong case (a target that folds case takes them all, or just one), and the
        # first value padded, and nothing at all.
        misses: dict[str, str] = {}
        for value in c.value:
            misses[f"{value} lower case"] = value.lower()
            misses[f"{value} upper case"] = value.upper()
        misses["space around"] = f" {c.value[0]} "
        misses["empty"] = ""
        seen: set[str] = set()
        for edge, value in misses.items():
            if value not in c.value and value not in seen:
                seen.add(value)
                yield self._case(c, edge, value, False, f"{value!r} is not an allowed value")

    def _map_of(self, m: Member, size: int) -> dict:
        keys = fixed_keys(self.contract.member(key_of(m.path)), size)
        if len(keys) < size:
            raise ValueError(f"{m.path}: no {size} distinct valid keys to build a map of that size")
        return dict.fromkeys(keys, self.canonical.value(value_of(m.path)))

    def _minItems(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:  # noqa: N802
        yield self._case(
            c, f"{c.value} entries", self._map_of(m, c.value), True, f"{c.value} entries, the minimum"
        )
        yield self._case(
            c, f"{c.value - 1} entries", self._map_of(m, c.value - 1), False, "below the minimum"
        )

    def _maxItems(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:  # noqa: N802
        yield self._case(
            c, f"{c.value} entries", self._map_of(m, c.value), True, f"{c.value} entries, the maximum"
        )
        yield self._case(
            c, f"{c.value + 1} entries", self._map_of(m, c.value + 1), False, "above the maximum"
        )

    def _minimum(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        yield self._case(c, str(c.value), c.value, True, "the minimum")
        yield self._case(c, str(c.value - 1), c.value - 1, False, "one below the minimum")
        yield from self._out_of_range(c, m, "below the minimum, past any 64-bit integer")

    def _maximum(self, c: Constraint, m: Member) -> Iterator[BoundaryCase]:
        yield self._case(c, str(c.value), c.value, True, "the maximum")
        yield self._case(c, str(c.value + 1), c.value + 1, False, "one above the maximum")
        yield from self._out_of_range(c, m, "above the maximum, past any 64-bit integer")

    def _out_of_range(self, c: Constraint, m: Member, why: str) -> Iterator[BoundaryCase]:
        for value in smithy_cases.out_of_range_values(m, c.kind):
            yield self._case(
                c, value.text, value.value, False, f"{value.text}: {why}", smithy=value.smithy_ids
            )


def valid_neighbours(grammar: Grammar, low: int, high: int) -> list[tuple[str, str, str]]:
    """(edge, value, reason): valid values one step inside the pattern's edges, each a full match under
    every reading within ``low`` to ``high`` characters.

    For each class, a value whose part in that class is one character at an end of one of its ASCII
    ranges, in its first position and the next (``a``, ``z``, ``A``, ``Z``, ``0``, ``9`` of
    ``[a-zA-Z0-9]``): a regex one character too narrow (``[a-y]``, ``[1-9]``) refuses one.  And for each
    prefix a leading ``(?!prefix)`` rules out, the prefix cut short (``aws``), its last character changed
    (``aws-``) or pushed along (``awsx:``), and the prefix inside (``xaws:y``) or at the end
    (``a:aws:``): a reserved prefix tested by a substring search refuses some.  (Not ``AWS:``: the pattern
    allows it, but AWS documents its tag prefix as reserved in any case, and a service that says so is no
    fault worth a false alarm.)"""
    pattern = grammar.pattern
    out: dict[str, tuple[str, str]] = {}
    for index, segment in enumerate(grammar.segments):
        if segment.is_literal or segment.max == 0:
            continue
        for end in _ascii_range_ends(segment.agreed):
            parts = []
            for other, part in enumerate(grammar.segments):
                if part.is_literal:
                    parts.append(part.source)
                elif other == index:
                    parts.append(end * min(part.max, max(part.min, 2)))
                else:
                    parts.append(_first_printable(part.agreed) * part.min)
            value = "".join(parts)
            if (
                low <= len(value) <= high
                and value not in out
                and dialects.valid_in_every_reading(pattern, value)
            ):
                out[value] = (
                    f"range end {end!r} in part {index + 1}",
                    f"{value!r}: a full match with a class's range end",
                )
    for prefix in grammar.forbidden_prefixes:
        candidates = [prefix[:size] for size in range(1, len(prefix))]
        candidates += [prefix[:-1] + "-", prefix[:-1] + "x" + prefix[-1], "x" + prefix + "y", "a:" + prefix]
        for value in candidates:
            fits = low <= len(value) <= high and not value.startswith(prefix) and value not in out
            if fits and dialects.valid_in_every_reading(pattern, value):
                out[value] = (
                    f"valid beside (?!{prefix}) {value!r}",
                    f"{value!r}: a full match, next to the prefix (?!{prefix}) rules out",
                )
    return [(edge, value, reason) for value, (edge, reason) in out.items()]


def _ascii_range_ends(chars: str) -> list[str]:
    """The printable ASCII characters of ``chars`` at an end of a run of consecutive code points."""
    codes = {ord(ch) for ch in chars if 0x20 <= ord(ch) < 0x7F}
    return [chr(c) for c in sorted(codes) if c - 1 not in codes or c + 1 not in codes]


def _first_printable(chars: str) -> str:
    printable = sorted(ch for ch in chars if 0x20 < ord(ch) < 0x7F)
    return printable[0] if printable else (sorted(chars) or [""])[0]


@cache
def boundary_cases(contract: Contract | None = None) -> tuple[BoundaryCase, ...]:
    return tuple(BoundaryCatalogue(contract).cases())


__all__ = ["BoundaryCatalogue", "boundary_cases"]
