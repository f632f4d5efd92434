"""Hypothesis strategies of valid parameter values for any member, built lazily per member path (an
operation such as QuickSight's CreateAnalysis has tens of thousands of paths, of which a draw visits a
few dozen).

Each type is drawn over its range with its bounds drawn often: strings of every allowed code-point length
(the flagship's ``strategies.text`` where the pattern parses, found examples where it does not), integers
at both ends, finite floats of the member's width, UTC datetimes whole to the second (representable as
epoch seconds, ISO 8601 and HTTP-date), collections at their bounds and a few sizes between.  Optional
members appear less often the deeper they sit, so that a draw stays small and shrinks well.
"""

from __future__ import annotations

import datetime
import json
import struct
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from hypothesis import strategies as st

from conformance.spec.contract import Contract, Member
from conformance.spec.paths import ROOTS, depth_of, item_of, key_of, parent_path, value_of
from conformance.spec.types import INTEGER_RANGES
from conformance.strategies.operation import readings
from conformance.strategies.operation.canonical import (
    CannotDraw,
    binding_safe,
    bound_examples,
    canonical_value,
    readable_grammar,
    string_examples,
    string_length_bounds,
)
from conformance.strategies.text import length_choices, texts_of_lengths

EARLIEST = datetime.datetime(1970, 1, 1)
LATEST = datetime.datetime(2100, 1, 1)
# Sizes drawn for a collection whose model sets no maximum, by depth: a few items near the top, fewer below.
UNBOUNDED_ITEMS = (3, 2, 1)
# The most items drawn even where the model allows more: scalar items cost little, structures a lot.
SCALAR_ITEMS_MAX = 64
STRUCTURED_ITEMS_MAX = 4
# Optional members drawn per structure, by depth (0: the input's top level); deeper ones stay out.
OPTIONAL_BY_DEPTH = (12, 6, 3, 2, 1, 1)
# The characters a header value or name may carry as-is on every HTTP stack: printable ASCII, no space.
HEADER_SAFE = frozenset(chr(c) for c in range(0x21, 0x7F))
HEADER_NAME_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
BLOB_MAX = 64
# The longest string drawn where the model's maximum is longer: the catalogue sends the maximum itself.
DRAWN_TEXT_MAX = 2048
# What one drawn request's values may cost, in bytes of JSON text: once spent, every later string and blob
# is its member's shortest valid value and every later collection its smallest size, so that nested
# unbounded lists of long strings stay far under 1 MiB (some operations drew tens of MB).
BODY_BUDGET = 128 * 1024
JSON_SCALARS = (
    st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=8)
)


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


# Any JSON value, null included: what a document holds.
JSON_VALUES = st.recursive(st.none() | JSON_SCALARS, _json_containers, max_leaves=6)
# A document itself is never null: botocore leaves out a member whose value is None, a nested member that
# is null reads as absent in restJson1, and a null item or value of a list or map not marked sparse is a
# type fault; so a required document would go missing.  Nulls inside it are its own values.
DOCUMENTS = JSON_SCALARS | _json_containers(JSON_VALUES)


# The item types whose null botocore's rest-json serializer writes as ``null`` (it assigns them as they come);
# a null float, double, timestamp, blob, structure, list or map makes it raise (``float(None)``...), so a
# sparse collection of those gets no null item in a drawn request.  The reference's reading of a null item
# is checked by the faults and Smithy's cases, which write the JSON themselves.
NULL_SERIALIZED = frozenset({"string", "boolean", "byte", "short", "integer", "long", "document"})


def header_safe(value: str) -> bool:
    return all(c in HEADER_SAFE for c in value)


class ValueStrategies:
    """Strategies of valid values per member path, each built on first use and kept."""

    def __init__(self, contract: Contract, pinned: Mapping[str, Any] | None = None) -> None:
        self.contract = contract
        self.pinned = dict(pinned or {})
        # The pinned members' ancestors are always drawn, so that every request carries the pinned value.
        self.forced = {a for p in self.pinned for a in _ancestors(p)}
        self._built: dict[str, st.SearchStrategy[Any]] = {}
        self._spent = 0  # the budget spent by the draw under way (draws of one instance never interleave)

    def of(self, path: str) -> st.SearchStrategy[Any]:
        """Valid values of the member at ``path``; ``st.nothing()`` where none can be built."""
        if path not in self._built:
            self._built[path] = st.deferred(lambda: self._build(path))
        return self._built[path]

    @cache  # noqa: B019 - one instance per contract and pin set, kept as long as the contract
    def drawable(self, path: str) -> bool:
        """Whether a valid value of the member exists, worked out without drawing."""
        member = self.contract.member(path)
        if path in self.pinned:
            return True
        if member.recursive:
            return False
        if member.type == "string":
            return bool(self._string_pool(member)) or self._grammar(member) is not None
        if member.type == "structure":
            return all(self.drawable(c.path) for c in self.contract.children(path) if self._needed(c))
        if member.type == "union":
            return any(self.drawable(c.path) for c in self.contract.children(path))
        if member.type in ("list", "map"):
            inner = item_of(path) if member.type == "list" else value_of(path)
            keys_ok = member.type == "list" or self.drawable(key_of(path))
            return not member.get("minItems") or (self.drawable(inner) and keys_ok)
        return True

    def _needed(self, child: Member) -> bool:
        return child.required or child.path in self.forced or child.path in self.pinned

    def _build(self, path: str) -> st.SearchStrategy[Any]:
        if path in self.pinned:
            return st.just(self.pinned[path])
        member = self.contract.member(path)
        if not self.drawable(path):
            return st.nothing()
        builder = getattr(self, f"_{member.type}", None)
        if builder is None:
            raise CannotDraw(path, f"no strategy for type {member.type}")
        if path in ROOTS:
            return self._budgeted(builder(member))
        return builder(member)

    # -- the budget --------------------------------------------------------------------------------------
    def _budgeted(self, whole: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        """``whole`` with the budget reset at the start of each draw."""

        @st.composite
        def budgeted(draw: st.DrawFn) -> Any:
            self._spent = 0
            return draw(whole)

        return budgeted()

    def _spend(self, value: Any, cheapest: Any) -> Any:
        """``value``, or ``cheapest`` where the draw's budget cannot pay for ``value``; spent either way."""
        cost = _cost(value)
        if self._spent + cost > BODY_BUDGET and cheapest is not None:
            value, cost = cheapest, _cost(cheapest)
        self._spent += cost
        return value

    def over_budget(self) -> bool:
        return self._spent >= BODY_BUDGET

    # -- scalars -----------------------------------------------------------------------------------------
    def _grammar(self, member: Member) -> Any:
        pattern = member.get("pattern")
        if member.get("enum") or member.location in ("header", "headers"):
            return None
        if pattern is None:
            return "unconstrained"
        return readable_grammar(pattern)

    def _string_pool(self, member: Member) -> tuple[str, ...]:
        least = _least_size(member)
        pool = tuple(v for v in string_examples(member) if len(v) >= least)
        if member.location in ("header", "headers"):
            pool = tuple(v for v in pool if header_safe(v))
        return bound_examples(member, pool)

    def _string(self, member: Member) -> st.SearchStrategy[str]:
        if member.get("enum"):
            return st.sampled_from(member.get("enum"))
        pool = self._string_pool(member)
        grammar = self._grammar(member)
        cheapest = min(pool, key=len) if pool else None
        if grammar is None:
            return st.sampled_from(pool).map(lambda value: self._spend(value, cheapest))
        low, high = string_length_bounds(member)
        low = max(low, _least_size(member))
        high = max(low, min(high, DRAWN_TEXT_MAX))
        if grammar == "unconstrained":
            texts = texts_of_lengths(None, tuple(length_choices(low, high)))
        else:
            low, high = max(low, grammar.min_length), min(high, grammar.max_length)
            if high < low:
                return st.sampled_from(pool) if pool else st.nothing()
            pattern = member.get("pattern")
            texts = texts_of_lengths(grammar, tuple(length_choices(low, high))).filter(
                lambda v: readings.is_valid(pattern, v)
            )
        if member.location == "uri" or member.host_label:
            texts = texts.filter(lambda v: binding_safe(member, v))
        strategy = texts
        if member.idempotency_token:
            token = st.uuids(version=4).map(str)
            if all(_fits(member, v) for v in ("00000000-0000-4000-8000-000000000000",)):
                strategy = token | texts
        return strategy.map(lambda value: self._spend(value, cheapest))

    def _number(self, member: Member) -> st.SearchStrategy[Any]:
        if member.type in INTEGER_RANGES:
            low, high = INTEGER_RANGES[member.type]
            low = int(member.get("minimum", low))
            high = int(member.get("maximum", high))
            return st.sampled_from(sorted({low, high})) | st.integers(low, high)
        low, high = member.get("minimum"), member.get("maximum")
        width = 32 if member.type == "float" else 64
        if width == 32:  # a bound a 32-bit float cannot hold: the nearest one inside the range
            low = None if low is None else _float32_inward(low, up=True)
            high = None if high is None else _float32_inward(high, up=False)
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False, width=width)
        ends = [float(b) for b in (low, high) if b is not None]
        return st.sampled_from(ends) | floats if ends else floats

    _byte = _short = _integer = _long = _float = _double = _number

    def _boolean(self, member: Member) -> st.SearchStrategy[bool]:
        return st.booleans()

    def _timestamp(self, member: Member) -> st.SearchStrategy[datetime.datetime]:
        # Whole seconds: an epoch-seconds integer, ISO 8601 and an HTTP-date all carry them exactly.
        return st.datetimes(EARLIEST, LATEST, timezones=st.just(datetime.UTC)).map(
            lambda moment: moment.replace(microsecond=0)
        )

    def _blob(self, member: Member) -> st.SearchStrategy[bytes]:
        low = _least_size(member)
        high = member.get("maxLength")
        top = BLOB_MAX if high is None else min(high, BLOB_MAX)
        sized = st.binary(min_size=low, max_size=max(low, top))
        if high is not None and high > top and high <= 4 * 1024:
            sized = sized | st.binary(min_size=high, max_size=high)
        return sized.map(lambda value: self._spend(value, b"a" * low))

    def _document(self, member: Member) -> st.SearchStrategy[Any]:
        return DOCUMENTS

    # -- collections -------------------------------------------------------------------------------------
    def _sizes(self, member: Member, item: Member) -> tuple[int, int]:
        low = member.get("minItems") or 0
        high = member.get("maxItems")
        scalar = item.type not in ("structure", "union", "list", "map", "document")
        cap = SCALAR_ITEMS_MAX if scalar else STRUCTURED_ITEMS_MAX
        if high is None:
            depth = min(depth_of(member.path), len(UNBOUNDED_ITEMS) - 1)
            high = low + UNBOUNDED_ITEMS[depth]
        else:
            high = min(high, max(low, cap))
        if member.location in ("querystring", "header") and low == 0:
            low = 1  # an empty list leaves the member out of the query or the headers
        return low, high

    def _list(self, member: Member) -> st.SearchStrategy[list]:
        item = self.contract.member(item_of(member.path))
        if not self.drawable(item.path):
            return st.just([])
        items = self.of(item.path)
        if member.sparse and item.type in NULL_SERIALIZED:
            items = st.none() | items
        sizes = self._sizes(member, item)
        return self._within_budget(
            _sized(sizes, lambda low, high: st.lists(items, min_size=low, max_size=high)),
            st.lists(items, min_size=sizes[0], max_size=sizes[0]),
        )

    def _map(self, member: Member) -> st.SearchStrategy[dict]:
        value = self.contract.member(value_of(member.path))
        keys = self.contract.member(key_of(member.path))
        if not self.drawable(value.path) or not self.drawable(keys.path):
            return st.just({})
        key_strategy = self.of(keys.path)
        if member.location == "headers":
            key_strategy = key_strategy.filter(lambda k: bool(k) and set(k) <= HEADER_NAME_SAFE)
        if member.location == "querystring":
            taken = {c.on_the_wire for c in self.contract.children("Body") if c.location == "querystring"}
            key_strategy = key_strategy.filter(lambda k: k not in taken)
        values = self.of(value.path)
        if member.sparse and value.type in NULL_SERIALIZED:
            values = st.none() | values
        sizes = self._sizes(member, value)
        if keys.get("enum"):
            sizes = (min(sizes[0], len(keys.get("enum"))), min(sizes[1], len(keys.get("enum"))))
        entries = st.tuples(key_strategy, values)
        return self._within_budget(
            _sized(
                sizes,
                lambda low, high: st.lists(entries, min_size=low, max_size=high, unique_by=_key).map(dict),
            ),
            st.lists(entries, min_size=sizes[0], max_size=sizes[0], unique_by=_key).map(dict),
        )

    def _within_budget(
        self, collection: st.SearchStrategy[Any], smallest: st.SearchStrategy[Any]
    ) -> st.SearchStrategy[Any]:
        """``collection``, or its smallest size once the draw's budget is spent."""

        @st.composite
        def sized(draw: st.DrawFn) -> Any:
            return draw(smallest if self.over_budget() else collection)

        return sized()

    # -- structures --------------------------------------------------------------------------------------
    def _structure(self, member: Member) -> st.SearchStrategy[dict]:
        children = [
            c for c in self.contract.children(member.path) if not c.recursive or c.path in self.pinned
        ]
        needed = {c.name: self.of(c.path) for c in children if self._needed(c)}
        optional = [c for c in children if not self._needed(c) and self.drawable(c.path)]
        depth = depth_of(member.path) + (0 if member.path in ROOTS else 1)
        most = OPTIONAL_BY_DEPTH[depth] if depth < len(OPTIONAL_BY_DEPTH) else 0
        if not optional or not most:
            return st.fixed_dictionaries(needed)
        by_name = {c.name: c for c in optional}

        required = st.fixed_dictionaries(needed)
        chosen = st.lists(st.sampled_from(sorted(by_name)), unique=True, max_size=most)

        @st.composite
        def structure(draw: st.DrawFn) -> dict:
            value = draw(required)
            names = draw(chosen)
            for name in names:
                value[name] = draw(self.optional(by_name[name]))
            return value

        return structure()

    def optional(self, child: Member) -> st.SearchStrategy[Any]:
        if child.idempotency_token:
            return self.of(child.path)  # drawn when chosen; SDKs fill it in when it is left out
        return self.of(child.path)

    def _union(self, member: Member) -> st.SearchStrategy[dict]:
        choices = [
            st.fixed_dictionaries({c.name: self.of(c.path)})
            for c in self.contract.children(member.path)
            if not c.recursive and self.drawable(c.path)
        ]
        return st.one_of(choices) if choices else st.nothing()


def _sized(
    bounds: tuple[int, int], collection: Callable[[int, int], st.SearchStrategy[Any]]
) -> st.SearchStrategy[Any]:
    """Collections near the smallest size most of the time, at the largest now and then: built once, so
    that a draw creates no strategy (Hypothesis spends more on a new strategy than on a draw)."""
    low, high = bounds
    near = collection(low, min(high, low + 3))
    return near if high <= low + 3 else near | collection(high, high) | collection(low, high)


def _float32_inward(bound: float, *, up: bool) -> float:
    """The 32-bit float nearest ``bound`` on the side ``up`` (at or above it) or not (at or below it)."""
    value = struct.unpack("<f", struct.pack("<f", bound))[0]
    if (up and value < bound) or (not up and value > bound):
        if value == 0:
            return 1e-45 if up else -1e-45
        bits = struct.unpack("<i", struct.pack("<f", value))[0]
        bits += 1 if (value > 0) == up else -1
        value = struct.unpack("<f", struct.pack("<i", bits))[0]
    return value


def _least_size(member: Member) -> int:
    """The fewest characters or bytes of a valid string or blob: the model's minimum, and at least one
    where the member is a required payload (an empty body reads as no payload: the member left out)."""
    low = member.get("minLength") or 0
    return max(low, 1) if member.location == "payload" and member.required else low


def _cost(value: Any) -> int:
    """About what a value costs in a JSON body: its JSON text (a blob's base64 is 4/3 of it)."""
    if isinstance(value, bytes):
        return len(value) * 4 // 3 + 4
    if isinstance(value, str):
        return len(json.dumps(value))
    return 8


def _key(entry: tuple[Any, Any]) -> Any:
    return entry[0]


def _fits(member: Member, value: str) -> bool:
    low, high = string_length_bounds(member)
    pattern = member.get("pattern")
    return low <= len(value) <= high and (pattern is None or readings.is_valid(pattern, value))


def _ancestors(path: str) -> list[str]:
    out = []
    parent = parent_path(path)
    while parent is not None:
        out.append(parent)
        parent = parent_path(parent)
    return out


def canonical_or_none(contract: Contract, path: str) -> Any:
    try:
        return canonical_value(contract, path)
    except CannotDraw:
        return None
