"""Requests that break exactly one constraint, each labelled with the constraint id and a reason.

``InvalidRequests.for_constraint(id)`` is the strategy for one constraint (the suite parametrizes its
property by id, so a failure's test id names the constraint); ``InvalidRequests.any()`` mixes them all.
The bad value goes into a valid body (the canonical minimal or full one, or one of a random shape);
ancestors the body lacks are filled in with canonical valid values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from spec import Constraint, Contract, Member, load_contract
from spec import patterns as dialects
from strategies import faults
from strategies.bodies import CanonicalValues, ValueStrategies
from strategies.drawing import Drawer, drawn, index_drawer, one_of, unwrapped
from strategies.paths import copy_json, delete_member, set_member
from strategies.requests import InvalidRequest, Request

# Characters a domain may not contain that survive percent-encoding and routing in every HTTP stack:
# no "/", ".", "\\", "%", "?", "#" (path structure) and no control characters (rejected by some front ends
# before the implementation sees them).
DOMAIN_FORBIDDEN = " !$&'()*+,:;=@[]^`{|}~\"<>éü中😀"

# Ways a body can fail to be one JSON text; ``{body}`` is a valid body's JSON.
MALFORMED_BODIES: dict[str, str] = {
    "empty": "",
    "truncated": "{body}\0",  # marker: cut in half, see _malformed
    "trailing garbage": "{body}}}",
    "two texts": "{body} {body}",
    "single quotes": "{'WorkflowType': 'APPFLOW_INTEGRATION'}",
    "trailing comma": '{"WorkflowType": "APPFLOW_INTEGRATION",}',
    "unquoted key": '{WorkflowType: "APPFLOW_INTEGRATION"}',
    "NaN": '{"WorkflowType": "APPFLOW_INTEGRATION", "x": NaN}',
    "comment": '{"WorkflowType": "APPFLOW_INTEGRATION" /* comment */}',
    "bare word": "APPFLOW_INTEGRATION",
}


def malformed_body(kind: str, body: dict) -> bytes:
    text = json.dumps(body, ensure_ascii=False)
    if kind == "truncated":
        return text[: len(text) // 2].encode("utf-8")
    if kind == "invalid UTF-8":
        return (
            text.replace("APPFLOW_INTEGRATION", "APPFLOW_\xff", 1)
            .encode("utf-8")
            .replace(b"\xc3\xbf", b"\xff")
        )
    return MALFORMED_BODIES[kind].replace("{body}", text).encode("utf-8")


MALFORMED_KINDS = (*MALFORMED_BODIES, "invalid UTF-8")


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
        self._unexpressible: dict[str, str] | None = None
        self._enum_values = sorted(
            {v for c in self.contract.request_constraints() if c.kind == "enum" for v in c.value}
        )

    def _on_base(
        self, name: str, part: st.SearchStrategy[Any], build: Callable[[tuple[Any, dict]], InvalidRequest]
    ) -> st.SearchStrategy[InvalidRequest]:
        """``build((part, base body))`` in one composite; a ``st.tuples(...).map(...)`` would add two spans
        and a ``.map()``, which costs Hypothesis more than a draw."""
        part = unwrapped(part)
        return drawn(lambda draw: build((draw(part), self._base(draw))), name)

    def fill(self, path: str) -> Any:
        """A canonical valid value for ``path``, worked out once: a fresh copy, since the caller edits it."""
        if path not in self._filled:
            self._filled[path] = self.canonical.value(path)
        return copy_json(self._filled[path])

    # -- which constraints can be broken -----
    def unexpressible(self) -> dict[str, str]:
        """Request constraint id -> why no request can break it (alone, under every reading)."""
        if self._unexpressible is None:
            self._unexpressible = self._reasons_unexpressible()
        return dict(self._unexpressible)

    def _reasons_unexpressible(self) -> dict[str, str]:
        reasons = {}
        for c in self.contract.request_constraints():
            if c.kind == "type" and (c.path.endswith(".<key>") or c.path == "DomainName"):
                reasons[c.id] = "JSON object keys and URI labels are always strings"
            elif c.id == "DomainName.required":
                reasons[c.id] = "the URI label is always there; an empty one breaks DomainName.minLength"
            elif c.kind == "pattern" and dialects.matches_empty(c.value):
                reasons[c.id] = (
                    "the pattern matches the empty string, so searched it matches every value; only the "
                    "full-match reading can break it (search_only_requests)"
                )
        return reasons

    def ids(self) -> list[str]:
        skip = self.unexpressible()
        return [c.id for c in self.contract.request_constraints() if c.id not in skip]

    # -- strategies -----
    def any(self, ids: list[str] | None = None) -> st.SearchStrategy[InvalidRequest]:
        """One constraint drawn, then a request breaking it; not a flatmap, whose every draw would build
        the constraint's strategy anew (Hypothesis then validates it again, which costs more than a draw)."""
        which = unwrapped(st.sampled_from(ids or self.ids()))
        return drawn(lambda draw: draw(self.for_constraint(draw(which))), "invalid request")

    def for_constraint(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        if constraint_id not in self._strategies:
            self._strategies[constraint_id] = self._for_constraint(constraint_id)
        return self._strategies[constraint_id]

    def _for_constraint(self, constraint_id: str) -> st.SearchStrategy[InvalidRequest]:
        constraint = self.contract.constraints[constraint_id]
        reasons = self.unexpressible()
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
                lambda pair: InvalidRequest(
                    Request(pair[0][0], pair[1]), constraint.id, pair[0][1], pair[0][2]
                ),
            )
        return self._on_base(
            constraint.id,
            fault,
            lambda pair: InvalidRequest(
                Request(None, set_member(pair[1], member.path, pair[0][0], self.fill)),
                constraint.id,
                f"{member.path}: {pair[0][1]}",
                pair[0][2],
            ),
        )

    def _fault(self, constraint: Constraint, member: Member) -> st.SearchStrategy[faults.Fault]:
        kind = constraint.kind
        if kind == "type":
            return faults.wrong_type(member, null_is_type_error=member.path.endswith(("[]", ".<value>")))
        if kind == "minLength":
            return faults.below_min_length(member)
        if kind == "maxLength":
            return faults.above_max_length(member)
        if kind == "pattern":
            strategy = faults.pattern_mismatch(member)
            if member.path == "DomainName":
                strategy = self._bad_domain(member)
            assert strategy is not None
            return strategy
        if kind == "enum":
            return faults.enum_near_miss(member, self._enum_values)
        if kind in ("minimum", "maximum"):
            return faults.out_of_range(member, kind)
        if kind in ("minItems", "maxItems"):
            entries = (self.values.of(member.path + ".<key>"), self.values.of(member.path + ".<value>"))
            keys, filler = self.contract.member(member.path + ".<key>"), self.fill(member.path + ".<value>")
            return faults.too_few_or_many(member, kind, entries, keys, filler)
        raise ValueError(f"no fault for {constraint.id}")

    def _bad_domain(self, member: Member) -> st.SearchStrategy[faults.Fault]:
        pattern = member.get("pattern")
        valid = self.values.domain()
        bad = st.text(DOMAIN_FORBIDDEN, min_size=1, max_size=3)
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
        how = st.sampled_from(["missing", "null"])

        def build(pair: tuple[str, dict]) -> InvalidRequest:
            mode, base = pair
            if mode == "missing":
                body = delete_member(base, member.path, self.fill)
                reason = f"{member.path} is required and missing"
            else:
                body = set_member(base, member.path, None, self.fill)
                reason = f"{member.path} is required and null (restJson1 reads null as absent)"
            return InvalidRequest(Request(None, body), constraint.id, reason)

        return self._on_base(constraint.id, how, build)

    def _malformed(self, constraint: Constraint) -> st.SearchStrategy[InvalidRequest]:
        return self._on_base(
            constraint.id,
            st.sampled_from(MALFORMED_KINDS),
            lambda pair: InvalidRequest(
                Request(None, raw_body=malformed_body(pair[0], pair[1])),
                constraint.id,
                f"the body is not one JSON text ({pair[0]})",
            ),
        )

    def _not_an_object(self, constraint: Constraint) -> st.SearchStrategy[InvalidRequest]:
        kinds = ["array", "string", "integer", "fraction", "boolean", "null"]
        return one_of(
            [
                faults.json_of_type(kind).map(
                    lambda value, kind=kind: InvalidRequest(
                        Request(None, value), constraint.id, f"the body is a JSON {kind}, not an object"
                    )
                )
                for kind in kinds
            ],
            "a body of another type",
        )

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
        return self._on_base(
            f"search-only {constraint.id}",
            value,
            lambda pair: InvalidRequest(
                Request(None, set_member(pair[1], member.path, pair[0][0], self.fill)),
                constraint.id,
                f"{member.path}: {pair[0][1]}",
            ),
        )
