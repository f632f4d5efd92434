"""Strategies for any restJson1 operation, read from its ``Contract`` (``spec.operation.load_operation``):
valid parameters and wire requests, requests that break exactly one constraint, the deterministic
boundary catalogue and whole-body faults.  Nothing here names an operation.

Modules by role: ``canonical`` (one deterministic valid value per member), ``values`` (the strategies of
valid values), ``wire`` (botocore's serializer and the wire edits), ``placement`` (where in the
parameters a fault goes), ``faults`` (the near misses of each constraint, or why there are none),
``invalid`` (faults made into requests), ``boundaries`` (the deterministic catalogue).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from hypothesis import strategies as st

from conformance.spec.contract import Contract
from conformance.spec.paths import ROOTS, collection_of, is_key, parent_path
from conformance.spec.wire import BoundaryCase, InvalidRequest, WireRequest
from conformance.strategies.drawing import Drawer, drawn, one_of, pick, unwrapped
from conformance.strategies.operation.canonical import CannotDraw, canonical_value, distinct_keys
from conformance.strategies.operation.faults import Unbreakable, Variant, variants
from conformance.strategies.operation.invalid import BODY_JSON, FaultCase, malformed, put_on_wire, realize
from conformance.strategies.operation.placement import POSITIONS, json_steps, place, set_at
from conformance.strategies.operation.smithy import (
    SmithyFault,
    smithy_faults_by_constraint,
    whole_body,
    with_text,
)
from conformance.strategies.operation.values import ValueStrategies
from conformance.strategies.operation.wire import to_wire

__all__ = ["CannotDraw", "FaultCase", "OperationStrategies", "canonical_value", "to_wire"]


class OperationStrategies:
    """Every strategy and catalogue of one operation.  ``pinned`` maps member paths (``Name``,
    ``Target.Arn``) to values every request carries (an existing resource's name); a fault on a pinned
    member replaces its value.  Built lazily: constructing it costs nothing, and each member's strategy
    is built the first time a draw reaches it."""

    def __init__(self, contract: Contract, pinned: Mapping[str, Any] | None = None) -> None:
        self.contract = contract
        self.pinned = dict(pinned or {})
        self._values = ValueStrategies(contract, self.pinned)
        self._variants: dict[str, list[Variant] | str] = {}
        self._reach: dict[str, str | None] = {}
        self._smithy: dict[str, list[SmithyFault]] = {}
        self._full: dict[str, Any] | None = None
        self._bases: st.SearchStrategy[dict[str, Any]] | None = None
        self._invalid: dict[str, st.SearchStrategy[InvalidRequest]] = {}

    # -- valid -------------------------------------------------------------------------------------------
    @cached_property
    def cannot_draw_valid(self) -> str | None:
        """Why no valid request can be built (a required member nothing satisfies), else None."""
        try:
            self.base_params()
        except CannotDraw as error:
            return str(error)
        if not self._values.drawable("Body"):
            return "a required member has no value the strategies can draw"
        return None

    def base_params(self) -> dict[str, Any]:
        """The canonical parameters with the pinned values in place: where boundary cases start."""
        return copy.deepcopy(self._base)

    @cached_property
    def _base(self) -> dict[str, Any]:
        params = canonical_value(self.contract, "Body")
        for path, value in self.pinned.items():
            params, steps = place(self.contract, params, path)
            set_at(params, steps, value)
        return params

    def valid_params(self) -> st.SearchStrategy[dict[str, Any]]:
        """Complete valid parameter dicts, as a botocore client takes them."""
        if self.cannot_draw_valid:
            return st.nothing()
        return self._values.of("Body")

    def valid_requests(self) -> st.SearchStrategy[WireRequest]:
        return self.valid_params().map(lambda params: to_wire(self.contract, params))

    # -- invalid -----------------------------------------------------------------------------------------
    def _variants_of(self, constraint_id: str) -> list[Variant] | str:
        """The constraint's variants, or the sentence that says why no request breaks it alone."""
        if constraint_id not in self._variants:
            self._variants[constraint_id] = self._work_out(constraint_id)
        return self._variants[constraint_id]

    def _work_out(self, constraint_id: str) -> list[Variant] | str:
        if self.cannot_draw_valid:
            return f"no valid request can be built to put the fault in: {self.cannot_draw_valid}"
        constraint = self.contract.constraints[constraint_id]
        if constraint.kind == "json":  # the body as a whole: malformed_requests breaks it
            return [] if self.malformed_requests() else "the operation has no JSON body"
        try:
            found = variants(self.contract, constraint)
        except Unbreakable as reason:
            return str(reason)
        unreachable = self._unreachable(parent_path(constraint.path) or "Body")
        if unreachable:
            return f"the member cannot be reached with valid values: {unreachable}"
        if any(variant.action in ("wire", "rename") for variant in found):
            # A fault on the wire stands in for a valid value that is serialized first: where the member
            # has none (a structure with a member no value is found for), only the other faults remain.
            missing = self._unreachable(constraint.path)
            if missing:
                found = [variant for variant in found if variant.action not in ("wire", "rename")]
                if not found:
                    return f"no valid value to put a fault on the wire in place of: {missing}"
        return found

    def _unreachable(self, path: str) -> str | None:
        """Why no valid value holds the member at ``path`` (its own value, or an ancestor's), else None:
        worked out once per path, since a big operation asks it for tens of thousands of members."""
        if path in ROOTS:
            return None
        if path not in self._reach:
            reason = self._unreachable(parent_path(path) or "Body")
            if reason is None:
                try:
                    if is_key(path):
                        distinct_keys(self.contract, collection_of(path), 1)
                    else:
                        canonical_value(self.contract, path)
                except CannotDraw as error:
                    reason = str(error)
            self._reach[path] = reason
        return self._reach[path]

    def unbreakable(self) -> dict[str, str]:
        """Request constraint id -> one sentence on why no request breaks it alone, under every reading."""
        out = {}
        for constraint in self.contract.request_constraints():
            found = self._variants_of(constraint.id)
            if isinstance(found, str):
                out[constraint.id] = found
        return out

    def invalid_ids(self) -> list[str]:
        """The request constraints some request breaks alone, in contract order."""
        return [
            c.id for c in self.contract.request_constraints() if not isinstance(self._variants_of(c.id), str)
        ]

    def fault_cases(self, constraint_id: str) -> st.SearchStrategy[FaultCase]:
        """Faults of ``constraint_id`` with what they are made of (for checks of the faults themselves)."""
        return drawn(self._fault_drawer(constraint_id), f"fault of {constraint_id}")

    def _fault_drawer(self, constraint_id: str) -> Drawer[FaultCase]:
        found = self._variants_of(constraint_id)
        if isinstance(found, str):
            raise ValueError(f"{constraint_id} cannot be broken alone: {found}")

        def build(base: dict[str, Any], position: str, variant: Variant) -> FaultCase:
            try:
                return realize(self.contract, constraint_id, variant, base, position)
            except CannotDraw:  # the draw's values leave no room: the canonical ones do
                return realize(self.contract, constraint_id, variant, self.base_params(), position)

        bases = unwrapped(self.fault_bases())
        position, variant = pick(list(POSITIONS)), pick(found)
        return lambda draw: build(draw(bases), position(draw), variant(draw))

    def fault_bases(self) -> st.SearchStrategy[dict[str, Any]]:
        """The valid parameters a fault goes into, a third of the time each, as the flagship's faults go
        into its minimal, full and random-shape bodies: the canonical ones (the fewest members; the
        shrinking target), the canonical ones with every optional body member at its canonical value, and
        ones of a drawn shape (which optional members, union branches and enum values, how many items and
        entries), whose leaves are canonical.  The shape decides which of a target's checks run and
        where; a leaf's own value does not (valid requests draw every leaf), and drawing the leaves too
        took twice as long, most of what an invalid request cost."""
        if self._bases is None:
            branches = [st.just(self._base), st.just(self.full_params())]
            shapes = ValueStrategies(self.contract, self.pinned, canonical_leaves=True)
            if not self.cannot_draw_valid and shapes.drawable("Body"):
                branches.append(shapes.of("Body"))
            self._bases = one_of(branches, "fault base")
        return self._bases

    def full_params(self) -> dict[str, Any]:
        """The canonical parameters with every optional member of the JSON body at its canonical value
        (shared: never changed in place; ``placement.place`` copies what it changes)."""
        if self._full is None:
            params = dict(self._base)
            for child in self.contract.children("Body"):
                if child.name in params or child.location != "body" or child.recursive:
                    continue
                try:
                    params[child.name] = canonical_value(self.contract, child.path)
                except CannotDraw:
                    continue
            self._full = params
        return self._full

    def invalid_requests(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        """Requests that break exactly ``constraint_id`` (and only what no value can avoid with it): one
        strategy per constraint, kept (a test draws it in every example, and Hypothesis validates each new
        strategy it is given)."""
        if constraint_id not in self._invalid:
            self._invalid[constraint_id] = self._invalid_requests(constraint_id)
        return self._invalid[constraint_id]

    def _invalid_requests(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        branches = []
        if constraint_id == BODY_JSON or self._variants_of(constraint_id) == []:
            malformed_bodies = self.malformed_requests()
            if malformed_bodies:
                branches.append(st.sampled_from(malformed_bodies))
        else:
            fault = self._fault_drawer(constraint_id)
            branches.append(drawn(lambda draw: fault(draw).invalid_request(), f"fault of {constraint_id}"))
        smithy = self._smithy_faults(constraint_id)
        if smithy is not None:
            branches.append(smithy)
        return one_of(branches, f"invalid {constraint_id}") if branches else st.nothing()

    def boundary_cases(self, constraint_id: str | None = None) -> list[BoundaryCase]:
        """The deterministic edges of every breakable constraint, or of ``constraint_id`` alone (the
        biggest operations have some 300,000 edges: a caller that runs one constraint builds its own)."""
        from conformance.strategies.operation.boundaries import boundary_cases, large_bodies

        if self.cannot_draw_valid:
            return []
        ids = self.invalid_ids() if constraint_id is None else [constraint_id]
        breakable = {cid: self._variants_of(cid) for cid in ids if cid != BODY_JSON}
        breakable = {cid: found for cid, found in breakable.items() if not isinstance(found, str)}
        cases = boundary_cases(self.contract, self.base_params(), breakable)  # type: ignore[arg-type]
        if constraint_id in (None, BODY_JSON) and self.malformed_requests():  # a JSON object body
            cases += large_bodies(self.contract, self._base, self.pinned)
        # Smithy's whole-body cases and its texts that are no JSON value break the body's syntax: with
        # the whole catalogue, under ``Body.json`` too.
        for cid in dict.fromkeys(ids if constraint_id is not None else [*ids, BODY_JSON]):
            for fault in self._smithy_of(cid):
                request = self._smithy_request(fault, self.base_params())
                if request is not None:
                    case_id = f"{cid}[{fault.label}]"
                    cases.append(
                        BoundaryCase(
                            case_id,
                            cid,
                            request.request,
                            False,
                            request.reason,
                            fault.also_breaks,
                            fault.case_ids,
                        )
                    )
        return cases

    # -- Smithy's malformed-request cases ---------------------------------------------------------------
    @cached_property
    def _smithy_grouped(self) -> dict[str, tuple[SmithyFault, ...]]:
        """Constraint id -> the Smithy values that break it, before checking that each can be sent."""
        if self.cannot_draw_valid:
            return {}
        body_required = any(
            c.required and c.location in ("body", "payload") for c in self.contract.children("Body")
        )
        return smithy_faults_by_constraint(self.contract, body_required)

    def _smithy_of(self, constraint_id: str) -> list[SmithyFault]:
        """The Smithy values sent under ``constraint_id``: those a valid request can carry, worked out per
        constraint on first use (the biggest operations have thousands)."""
        if constraint_id not in self._smithy:
            faults = self._smithy_grouped.get(constraint_id, ())
            if faults and constraint_id == BODY_JSON:
                breakable = bool(self.malformed_requests())
            else:
                breakable = bool(faults) and not isinstance(self._variants_of(constraint_id), str)
            self._smithy[constraint_id] = [
                fault
                for fault in (faults if breakable else ())
                if self._smithy_request(fault, self.base_params()) is not None
            ]
        return self._smithy[constraint_id]

    def smithy_cases_applying(self) -> dict[str, list[str]]:
        """Smithy case id -> the constraint ids its values are sent under in this operation."""
        out: dict[str, set[str]] = {}
        for constraint_id in self._smithy_grouped:
            for fault in self._smithy_of(constraint_id):
                for case_id in fault.case_ids:
                    out.setdefault(case_id, set()).add(constraint_id)
        return {case_id: sorted(ids) for case_id, ids in sorted(out.items())}

    def _smithy_faults(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest] | None:
        """The constraint's Smithy values, each put into a base as the faults are (the canonical body where
        the base leaves it no room); None where Smithy has none for it."""
        faults = self._smithy_of(constraint_id)
        if not faults:
            return None
        bases, which = unwrapped(self.fault_bases()), pick(faults)

        def build(draw: st.DrawFn) -> InvalidRequest:
            fault = which(draw)
            built = self._smithy_request(fault, draw(bases))
            return built if built is not None else self._smithy_request(fault, self.base_params())  # type: ignore[return-value]

        return drawn(build, f"smithy {constraint_id}")

    def _smithy_request(self, fault: SmithyFault, params: dict[str, Any]) -> InvalidRequest | None:
        """``fault`` put into the valid parameters ``params``: None where they leave it no place."""
        contract = self.contract
        try:
            if fault.path == "Body":
                request = whole_body(to_wire(contract, params), fault)
            else:
                placed, steps = place(contract, params, fault.path)
                if not fault.text:  # a union with two members set, from valid values
                    set_at(placed, steps, _two_members(contract, fault.path))
                    request = to_wire(contract, placed)
                elif contract.member(steps[0].path).location in ("body", "payload"):
                    request = with_text(to_wire(contract, placed), json_steps(contract, steps), fault.text)
                else:
                    request = put_on_wire(contract, to_wire(contract, placed), steps, fault.text)
        except (CannotDraw, KeyError, ValueError, IndexError, TypeError):
            return None
        if request is None:
            return None
        return InvalidRequest(request, fault.constraint_id, fault.reason(), fault.also_breaks, fault.case_ids)

    def malformed_requests(self) -> list[InvalidRequest]:
        """Whole-body faults under ``Body.json``, for operations whose body is a JSON object."""
        if self.cannot_draw_valid:
            return []
        return malformed(self.contract, to_wire(self.contract, self.base_params()))


def _two_members(contract: Contract, union_path: str) -> dict[str, Any]:
    """A union with its first two members that have valid values set (Smithy's MultipleFieldsSet)."""
    values: dict[str, Any] = {}
    for child in contract.children(union_path):
        try:
            values[child.name] = canonical_value(contract, child.path)
        except CannotDraw:
            continue
        if len(values) == 2:
            return values
    raise CannotDraw(union_path, "fewer than two members have valid values")
