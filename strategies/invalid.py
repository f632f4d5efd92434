"""Requests that break exactly one constraint, each labelled with the constraint id and a reason.

``InvalidRequests.for_constraint(id)`` is the strategy for one constraint (the suite parametrizes its
property by id, so a failure's test id names the constraint); ``InvalidRequests.any()`` mixes them all.
The bad value goes into a valid body (the canonical minimal or full one, or one of a random shape);
ancestors the body lacks are filled in with canonical valid values.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from conformance.spec import Constraint, Contract, Member, load_contract
from conformance.spec import patterns as dialects
from conformance.spec.paths import in_collection, key_of, value_of
from conformance.spec.unbreakable import breakable_ids, unbreakable
from conformance.spec.wire import InvalidRequest, Request
from conformance.strategies import faults, smithy
from conformance.strategies.bodies import ValueStrategies
from conformance.strategies.canonical import CanonicalValues, new_map_key
from conformance.strategies.catalogue import (
    CASE_SENSITIVE_NAMES,
    DOMAIN_FORBIDDEN,
    DOMAIN_UNSENDABLE,
    MALFORMED_KINDS,
    NON_OBJECT_BODIES,
    malformed_body,
    name_variants,
)
from conformance.strategies.drawing import Drawer, drawn, index_drawer, one_of, unwrapped
from conformance.strategies.paths import (
    FIRST,
    MEMBER_ORDERS,
    PLACEMENTS,
    copy_json,
    place_member,
    remove_member,
    rename_member,
    reordered,
)


class InvalidRequests:
    """Strategies of requests that break one named constraint."""

    def __init__(self, contract: Contract | None = None) -> None:
        self.contract = contract or load_contract()
        self.values = ValueStrategies(self.contract)
        self.canonical = CanonicalValues(self.contract)
        self.minimal_body = self.canonical.minimal_body()
        self.full_body = self.canonical.full_body()
        # The body a fault goes into, in one draw: the minimal one (the shrinking target: the fault alone),
        # the full one (every member present, so the fault sits among all its siblings), or one of a
        # random shape: which optional members are there, how many tasks, batches and tags, which enum
        # values (the connector type, the trigger type...).  Those decide which of an implementation's
        # checks run and where; the leaves' own values don't (no constraint of the contract ties one
        # member's value to another's, and valid requests draw every leaf), so the random body's leaves
        # are canonical: half the draws of a body with drawn leaves, which was half of all the time spent
        # generating invalid requests.
        which_base = index_drawer(3)
        random_body = ValueStrategies(self.contract, canonical_leaves=True).drawer("Body")

        def base(draw: st.DrawFn) -> dict:
            which = which_base(draw)
            return self.minimal_body if which == 0 else self.full_body if which == 1 else random_body(draw)

        self._base: Drawer[dict] = base
        self._strategies: dict[str, st.SearchStrategy[InvalidRequest]] = {}
        self._filled: dict[str, Any] = {}
        self._enum_values = sorted(
            {v for c in self.contract.request_constraints() if c.kind == "enum" for v in c.value}
        )

    def _on_base(
        self,
        name: str,
        part: st.SearchStrategy[Any],
        build: Callable[[Any, dict, str], InvalidRequest],
        *,
        placed: bool = False,
    ) -> st.SearchStrategy[InvalidRequest]:
        """``build(part, base body, placement)`` in one composite, the body's members then put in a drawn
        order (JSON member order carries no meaning, and real clients send any).  With ``placed`` (a
        member inside a list or map) the placement is drawn too: the fault in the first item or entry,
        the second of two, or the last.  A ``st.tuples(...).map(...)`` would add two spans and a ``.map()``,
        which costs Hypothesis more than a draw."""
        part = unwrapped(part)
        placements = index_drawer(len(PLACEMENTS)) if placed else None
        orders = index_drawer(len(MEMBER_ORDERS))

        def draw_case(draw: st.DrawFn) -> InvalidRequest:
            value, base = draw(part), self._base(draw)
            case = build(value, base, PLACEMENTS[placements(draw)] if placements else FIRST)
            return in_member_order(case, orders(draw))

        return drawn(draw_case, name)

    def new_key(self, map_path: str, taken: Collection[str]) -> str | None:
        return new_map_key(self.contract, map_path, taken)

    def fill(self, path: str) -> Any:
        """A canonical valid value for ``path``, worked out once: a fresh copy, since the caller edits it."""
        if path not in self._filled:
            self._filled[path] = self.canonical.value(path)
        return copy_json(self._filled[path])

    # -- strategies -----
    def any(self, ids: list[str] | None = None) -> st.SearchStrategy[InvalidRequest]:
        """One constraint drawn, then a request breaking it; not a flatmap, whose every draw would build
        the constraint's strategy anew (Hypothesis then validates it again, which costs more than a draw)."""
        which = unwrapped(st.sampled_from(ids or breakable_ids(self.contract)))
        return drawn(lambda draw: draw(self.for_constraint(draw(which))), "invalid request")

    def for_constraint(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        if constraint_id not in self._strategies:
            self._strategies[constraint_id] = self._for_constraint(constraint_id)
        return self._strategies[constraint_id]

    def _for_constraint(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        constraint = self.contract.constraints[constraint_id]
        reasons = unbreakable(self.contract)
        if constraint_id in reasons:
            raise ValueError(f"{constraint_id} can't be broken: {reasons[constraint_id]}")
        if constraint_id == "Body.json":
            return self._malformed(constraint)
        if constraint_id == "Body.type":
            return self._not_an_object(constraint)
        member = self.contract.member(constraint.path)
        if constraint.kind == "required":
            return self._missing(constraint, member)
        fault = self._fault(constraint, member)
        if member.path == "DomainName":
            return self._on_base(
                constraint.id,
                fault,
                lambda fault, base, _: InvalidRequest(Request(fault[0], base), constraint.id, *fault[1:]),
            )

        def build(fault: faults.Fault, base: dict, placement: str) -> InvalidRequest:
            value, reason, also = fault
            body, where = place_member(base, member.path, value, self.fill, placement, self.new_key)
            return InvalidRequest(Request(None, body), constraint.id, f"{where}: {reason}", also)

        return self._on_base(constraint.id, fault, build, placed=in_collection(member.path))

    def _fault(self, constraint: Constraint, member: Member) -> st.SearchStrategy[faults.Fault]:
        kind = constraint.kind
        if kind == "type":
            wrong = faults.wrong_type(member)
            coerced = smithy.wrong_type_values(member)
            if not coerced:
                return wrong
            listed = st.sampled_from(coerced).map(
                lambda v: (
                    v.value,
                    f"{v.label()}: a value some parsers coerce to a {member.type}",
                    faults.NOTHING,
                )
            )
            return one_of([wrong, listed], f"a wrong type for {member.path}")
        if kind == "minLength":
            return faults.below_min_length(member)
        if kind == "maxLength":
            return faults.above_max_length(member)
        if kind == "pattern":
            if member.path == "DomainName":
                near = faults.pattern_mismatch(member, DOMAIN_UNSENDABLE.characters)
                far = self._bad_domain(member)
                return far if near is None else one_of([near, near, far], "a domain that breaks its pattern")
            strategy = faults.pattern_mismatch(member)
            assert strategy is not None
            return strategy
        if kind == "enum":
            return faults.enum_near_miss(member, self._enum_values)
        if kind in ("minimum", "maximum"):
            near = faults.out_of_range(member, kind)
            past = smithy.out_of_range_values(member, kind)
            if not past:
                return near
            beyond = st.sampled_from(past).map(
                lambda v: (v.value, f"{v.label()}: past any 64-bit integer", faults.NOTHING)
            )
            return one_of([near, beyond], f"out of range {member.path}")
        if kind in ("minItems", "maxItems"):
            entries = (self.values.of(key_of(member.path)), self.values.of(value_of(member.path)))
            keys, filler = self.contract.member(key_of(member.path)), self.fill(value_of(member.path))
            return faults.too_few_or_many(member, kind, entries, keys, filler)
        raise ValueError(f"no fault for {constraint.id}")

    def _bad_domain(self, member: Member) -> st.SearchStrategy[faults.Fault]:
        pattern = member.get("pattern")
        valid = self.values.domain()
        bad = st.text(DOMAIN_FORBIDDEN.characters, min_size=1, max_size=3)
        return (
            st.builds(
                lambda v, i, b: (v[:i] + b + v[i:])[: member.get("maxLength")], valid, st.integers(0, 64), bad
            )
            .filter(lambda v: dialects.invalid_in_every_reading(pattern, v))
            .map(
                lambda v: (
                    v,
                    f"{v!r} has characters outside {pattern} (sent percent-encoded)",
                    faults.NOTHING,
                )
            )
        )

    def _missing(self, constraint: Constraint, member: Member) -> st.SearchStrategy[InvalidRequest]:
        # Left out, null, or carried only under a name that differs from its own in case only.
        how = st.sampled_from(["missing", "null", *name_variants(member.name)])

        def build(mode: str, base: dict, placement: str) -> InvalidRequest:
            if mode == "missing":
                body, where = remove_member(base, member.path, self.fill, placement, self.new_key)
                reason = f"{where} is required and missing"
            elif mode == "null":
                body, where = place_member(base, member.path, None, self.fill, placement, self.new_key)
                reason = f"{where} is required and null (restJson1 reads null as absent)"
            else:
                body, where = rename_member(base, member.path, mode, self.fill, placement, self.new_key)
                reason = f"{where} is required and carried only as {mode!r}: {CASE_SENSITIVE_NAMES}"
            return InvalidRequest(Request(None, body), constraint.id, reason)

        return self._on_base(constraint.id, how, build, placed=in_collection(member.path))

    def _malformations(self) -> list[Callable[[dict, str], tuple[bytes, str, tuple[str, ...]]]]:
        """Ways to make a body no JSON text, each ``(base body, placement) -> (raw body, reason, Smithy
        cases)``: the whole-body kinds, a valid body with one syntax fault, and a valid body with a text
        that is no JSON value in one member's place (``strategies.smithy``)."""
        ways: list[Callable[[dict, str], tuple[bytes, str, tuple[str, ...]]]] = []
        for kind in MALFORMED_KINDS:
            ways.append(lambda base, _, kind=kind: (malformed_body(kind, base), f"the body is {kind}", ()))
        for fault in smithy.BODY_FAULTS:
            ways.append(
                lambda base, _, fault=fault: (
                    fault.body(base),
                    f"a valid body with one syntax fault: {fault.name}",
                    fault.smithy_ids,
                )
            )
        for member in self.contract.members.values():
            for value in (*smithy.literal_values(member), *smithy.structural_literals(member)):
                ways.append(self._literal_way(member.path, value.text, value.smithy_ids))
        return ways

    def _literal_way(
        self, path: str, text: str, ids: tuple[str, ...]
    ) -> Callable[[dict, str], tuple[bytes, str, tuple[str, ...]]]:
        def way(base: dict, placement: str) -> tuple[bytes, str, tuple[str, ...]]:
            def place(body: dict, value: Any) -> dict:
                return place_member(body, path, value, self.fill, placement, self.new_key)[0]

            reason = f"{path} is {smithy.escaped(text)}, which is no JSON value"
            return smithy.with_literal(base, place, text), reason, ids

        return way

    def _malformed(self, constraint: Constraint) -> st.SearchStrategy[InvalidRequest]:
        ways = self._malformations()

        def build(index: int, base: dict, placement: str) -> InvalidRequest:
            raw, reason, ids = ways[index](base, placement)
            return InvalidRequest(Request(None, raw_body=raw), constraint.id, reason, smithy=ids)

        return self._on_base(constraint.id, st.integers(0, len(ways) - 1), build, placed=True)

    def _not_an_object(self, constraint: Constraint) -> st.SearchStrategy[InvalidRequest]:
        others = [
            faults.json_of_type(kind).map(
                lambda value, kind=kind, ids=ids: InvalidRequest(
                    Request(None, value),
                    constraint.id,
                    f"the body is a JSON {kind}, not an object",
                    smithy=ids,
                )
            )
            for kind, ids in NON_OBJECT_BODIES
        ]
        wrapped = self._on_base(
            constraint.id,
            st.just(None),
            lambda _, base, __: InvalidRequest(
                Request(None, [base]),
                constraint.id,
                "the body is an array holding a valid body",
                smithy=(smithy.NOT_AN_OBJECT,),
            ),
        )
        return one_of([*others, wrapped], "a body of another type")

    # -- the ambiguous zone -----
    def search_only_ids(self) -> list[str]:
        return [
            c.id
            for c in self.contract.request_constraints()
            if c.kind == "pattern" and faults.search_only_value(self.contract.member(c.path)) is not None
        ]

    def search_only(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        """Requests valid when patterns are searched (Smithy), invalid when they must match whole values."""
        key = f"search-only {constraint_id}"
        if key not in self._strategies:
            self._strategies[key] = self._search_only(constraint_id)
        return self._strategies[key]

    def _search_only(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        constraint = self.contract.constraints[constraint_id]
        member = self.contract.member(constraint.path)
        value = faults.search_only_value(member)
        if value is None:
            raise ValueError(f"{constraint_id}: search and full match agree on every value")

        def build(fault: faults.Fault, base: dict, placement: str) -> InvalidRequest:
            body, where = place_member(base, member.path, fault[0], self.fill, placement, self.new_key)
            return InvalidRequest(Request(None, body), constraint.id, f"{where}: {fault[1]}")

        return self._on_base(f"search-only {constraint.id}", value, build, placed=in_collection(member.path))


def in_member_order(case: InvalidRequest, order: int) -> InvalidRequest:
    """``case`` with its body's members in the order ``MEMBER_ORDERS[order]`` (0: as built)."""
    body = case.request.body
    if not order or not isinstance(body, dict):
        return case
    return replace(case, request=replace(case.request, body=reordered(body, *MEMBER_ORDERS[order])))
