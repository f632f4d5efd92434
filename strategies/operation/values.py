"""Hypothesis strategies of valid parameter values for any member, built lazily per member path (an
operation such as QuickSight's CreateAnalysis has tens of thousands of paths, of which a draw visits a
few dozen).

Each type is drawn over its range with its bounds drawn often: strings of every allowed code-point length
(the flagship's ``strategies.text`` where the pattern parses, found examples where it does not), integers
at both ends, finite floats of the member's width, UTC datetimes whole to the second (representable as
epoch seconds, ISO 8601 and HTTP-date), collections at their bounds and a few sizes between.  Optional
members appear less often the deeper they sit, so that a draw stays small and shrinks well.

Each member is a drawer (``strategies.drawing``), as the flagship's are: a structure, list or map is one
span (the shrinker can drop it whole, and Hypothesis's mutator copies it only over a span of the same
member), and its scalars, sizes, which optional members are there and which union branch are bare
choices inside it.  With ``canonical_leaves`` only a value's shape is drawn, the base a fault goes into.
"""

from __future__ import annotations

import datetime
import json
import struct
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from hypothesis import assume, reject
from hypothesis import strategies as st

from conformance.spec.contract import Contract, Member
from conformance.spec.paths import ROOTS, depth_of, item_of, key_of, parent_path, value_of
from conformance.spec.types import INTEGER_RANGES
from conformance.strategies.bodies import collection_sizes
from conformance.strategies.drawing import Drawer, drawn, index_drawer, pick, unwrapped
from conformance.strategies.operation import readings
from conformance.strategies.operation.canonical import (
    CannotDraw,
    binding_safe,
    bound_examples,
    canonical_value,
    readable_grammar,
    shared_canonical_value,
    string_examples,
    string_length_bounds,
)
from conformance.strategies.text import length_choices, shape_of_lengths

T = TypeVar("T")

# Timestamps drawn from 1970 to 2100, in whole seconds.
LATEST_SECONDS = int(datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC).timestamp())
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
    """Valid values per member path: a drawer of each (``strategies.drawing``), built on first use and
    kept, drawn inline in the span of the structure, list or map it sits in; each structure, list and map
    is a span of its own, so that the shrinker can drop it whole."""

    def __init__(
        self, contract: Contract, pinned: Mapping[str, Any] | None = None, *, canonical_leaves: bool = False
    ) -> None:
        self.contract = contract
        self.pinned = dict(pinned or {})
        # Only the shape drawn: which optional members, union branches and enum values, how many items and
        # entries; every other leaf (string, number, boolean, timestamp, blob) its canonical value, but a
        # map's keys, which must differ.  About half the draws of a body whose leaves are drawn.
        self.canonical_leaves = canonical_leaves
        self._drawn = ValueStrategies(contract, pinned) if canonical_leaves else self
        # The pinned members' ancestors are always drawn, so that every request carries the pinned value.
        self.forced = {a for p in self.pinned for a in _ancestors(p)}
        self._drawers: dict[str, Drawer[Any]] = {}
        self._spans: dict[str, st.SearchStrategy[Any]] = {}
        self._spent = 0  # the budget spent by the draw under way (draws of one instance never interleave)

    def of(self, path: str) -> st.SearchStrategy[Any]:
        """Valid values of the member at ``path``; ``st.nothing()`` where none can be built."""
        if not self.drawable(path):
            return st.nothing()
        if path not in self._spans:
            drawer = self.drawer(path)
            if path in ROOTS:
                drawer = self._budgeted(drawer)
            self._spans[path] = drawn(drawer, path)
        return self._spans[path]

    def drawer(self, path: str) -> Drawer[Any]:
        """Draws a valid value of the member at ``path`` inline (a structure, list or map in a span of its
        own), built on its first draw: an operation's tree of members is drawn a few dozen paths at a time."""
        found = self._drawers.get(path)
        if found is None:
            built: list[Drawer[Any]] = []

            def build_and_draw(draw: st.DrawFn) -> Any:
                if not built:
                    built.append(self._build(path))
                return built[0](draw)

            found = self._drawers[path] = build_and_draw
        return found

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

    def _build(self, path: str) -> Drawer[Any]:
        if path in self.pinned:
            value = self.pinned[path]
            return lambda draw: value
        member = self.contract.member(path)
        if not self.drawable(path):
            return _nothing
        builder = getattr(self, f"_{member.type}", None)
        if builder is None:
            raise CannotDraw(path, f"no strategy for type {member.type}")
        if self.canonical_leaves and member.type in CANONICAL_LEAVES and not member.get("enum"):
            try:
                leaf = shared_canonical_value(self.contract, path)
            except CannotDraw:  # no canonical value: a drawn one
                return self._drawn.drawer(path)
            return lambda draw: leaf
        built = builder(member)
        if member.type in SPANNED:
            span = drawn(built, path)
            return lambda draw: draw(span)
        return built

    # -- the budget --------------------------------------------------------------------------------------
    def _budgeted(self, whole: Drawer[Any]) -> Drawer[Any]:
        """``whole`` with the budget reset at the start of each draw."""

        def budgeted(draw: st.DrawFn) -> Any:
            self._spent = 0
            return whole(draw)

        return budgeted

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

    def _string(self, member: Member) -> Drawer[str]:
        if member.get("enum"):
            return pick(list(member.get("enum")))
        pool = self._string_pool(member)
        grammar = self._grammar(member)
        cheapest = min(pool, key=len) if pool else None
        spend = self._spend
        if grammar is None:
            examples = pick(list(pool))
            return lambda draw: spend(examples(draw), cheapest)
        low, high = string_length_bounds(member)
        low = max(low, _least_size(member))
        high = max(low, min(high, DRAWN_TEXT_MAX))
        checks: list[Callable[[str], bool]] = []
        if grammar == "unconstrained":
            texts = shape_of_lengths(None, tuple(length_choices(low, high))).drawer()
        else:
            low, high = max(low, grammar.min_length), min(high, grammar.max_length)
            if high < low:
                return pick(list(pool)) if pool else _nothing
            pattern = member.get("pattern")
            texts = shape_of_lengths(grammar, tuple(length_choices(low, high))).drawer()
            checks.append(lambda v: readings.is_valid(pattern, v))
        if member.location == "uri" or member.host_label:
            checks.append(lambda v: binding_safe(member, v))
        if checks:
            texts = _until(texts, lambda v: all(check(v) for check in checks))
        if member.idempotency_token and _fits(member, "00000000-0000-4000-8000-000000000000"):
            token, which = unwrapped(st.uuids(version=4)), index_drawer(2)
            plain = texts
            texts = lambda draw: str(draw(token)) if which(draw) == 0 else plain(draw)  # noqa: E731
        return lambda draw: spend(texts(draw), cheapest)

    def _number(self, member: Member) -> Drawer[Any]:
        if member.type in INTEGER_RANGES:
            low, high = INTEGER_RANGES[member.type]
            low = int(member.get("minimum", low))
            high = int(member.get("maximum", high))
            return _end_or_any(sorted({low, high}), unwrapped(st.integers(low, high)))
        low, high = member.get("minimum"), member.get("maximum")
        width = 32 if member.type == "float" else 64
        if width == 32:  # a bound a 32-bit float cannot hold: the nearest one inside the range
            low = None if low is None else _float32_inward(low, up=True)
            high = None if high is None else _float32_inward(high, up=False)
        floats = unwrapped(st.floats(low, high, allow_nan=False, allow_infinity=False, width=width))
        ends = [float(b) for b in (low, high) if b is not None]
        return _end_or_any(ends, floats) if ends else lambda draw: draw(floats)

    _byte = _short = _integer = _long = _float = _double = _number

    def _boolean(self, member: Member) -> Drawer[bool]:
        return pick([False, True])

    def _timestamp(self, member: Member) -> Drawer[datetime.datetime]:
        # Whole seconds: an epoch-seconds integer, ISO 8601 and an HTTP-date all carry them exactly.
        seconds = unwrapped(st.integers(0, LATEST_SECONDS))
        return lambda draw: datetime.datetime.fromtimestamp(draw(seconds), datetime.UTC)

    def _blob(self, member: Member) -> Drawer[bytes]:
        low = _least_size(member)
        high = member.get("maxLength")
        top = BLOB_MAX if high is None else min(high, BLOB_MAX)
        sized = unwrapped(st.binary(min_size=low, max_size=max(low, top)))
        blobs = lambda draw: draw(sized)  # noqa: E731
        if high is not None and high > top and high <= 4 * 1024:
            longest = unwrapped(st.binary(min_size=high, max_size=high))
            which = index_drawer(2)
            blobs = lambda draw: draw(sized) if which(draw) == 0 else draw(longest)  # noqa: E731
        cheapest = b"a" * low
        return lambda draw: self._spend(blobs(draw), cheapest)

    def _document(self, member: Member) -> Drawer[Any]:
        documents = unwrapped(DOCUMENTS)
        return lambda draw: draw(documents)

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

    def _size_drawer(self, low: int, high: int) -> Drawer[int]:
        """How many items or entries (``strategies.bodies.collection_sizes``), the smallest once the draw's
        budget is spent."""
        sizes = pick(collection_sizes(low, high))
        return lambda draw: low if self.over_budget() else sizes(draw)

    def _list(self, member: Member) -> Drawer[list]:
        item = self.contract.member(item_of(member.path))
        if not self.drawable(item.path):
            return lambda draw: []
        items = self.drawer(item.path)
        if member.sparse and item.type in NULL_SERIALIZED:
            items = _or_null(items)
        sizes = self._size_drawer(*self._sizes(member, item))
        return lambda draw: [items(draw) for _ in range(sizes(draw))]

    def _map(self, member: Member) -> Drawer[dict]:
        value = self.contract.member(value_of(member.path))
        keys = self.contract.member(key_of(member.path))
        if not self.drawable(value.path) or not self.drawable(keys.path):
            return lambda draw: {}
        accept: Callable[[str], bool] | None = None
        if member.location == "headers":
            accept = lambda k: bool(k) and set(k) <= HEADER_NAME_SAFE  # noqa: E731
        if member.location == "querystring":
            taken = {c.on_the_wire for c in self.contract.children("Body") if c.location == "querystring"}
            accept = lambda k: k not in taken  # noqa: E731
        values = self.drawer(value.path)
        if member.sparse and value.type in NULL_SERIALIZED:
            values = _or_null(values)
        low, high = self._sizes(member, value)
        if keys.get("enum") and keys.path not in self.pinned:
            enum = [k for k in keys.get("enum") if accept is None or accept(k)]
            sizes = self._size_drawer(min(low, len(enum)), min(high, len(enum)))
            picks = [index_drawer(left) for left in range(1, len(enum) + 1)]

            def draw_enum_keyed(draw: st.DrawFn) -> dict:
                pool, value = list(enum), {}
                for _ in range(sizes(draw)):
                    value[pool.pop(picks[len(pool) - 1](draw))] = values(draw)
                return value

            return draw_enum_keyed
        key_drawer = self._drawn.drawer(keys.path)
        if accept is not None:
            key_drawer = _until(key_drawer, accept)
        sizes = self._size_drawer(low, high)

        def draw_map(draw: st.DrawFn) -> dict:
            size, value = sizes(draw), {}
            for _ in range(size + KEY_RETRIES):
                if len(value) == size:
                    break
                key = key_drawer(draw)
                if key not in value:
                    value[key] = values(draw)
            assume(len(value) >= low)
            return value

        return draw_map

    # -- structures --------------------------------------------------------------------------------------
    def _structure(self, member: Member) -> Drawer[dict]:
        children = [
            c for c in self.contract.children(member.path) if not c.recursive or c.path in self.pinned
        ]
        needed = [(c.name, self.drawer(c.path)) for c in children if self._needed(c)]
        optional = [
            (c.name, self.drawer(c.path)) for c in children if not self._needed(c) and self.drawable(c.path)
        ]
        depth = depth_of(member.path) + (0 if member.path in ROOTS else 1)
        most = min(len(optional), OPTIONAL_BY_DEPTH[depth] if depth < len(OPTIONAL_BY_DEPTH) else 0)
        if not most:
            return lambda draw: {name: child(draw) for name, child in needed}
        # How many optional members, then which: one integer choice each, the count first, so that
        # shrinking it drops the members it no longer draws.
        counts = pick(list(range(most + 1)))
        picks = [index_drawer(left) for left in range(1, len(optional) + 1)]

        def draw_structure(draw: st.DrawFn) -> dict:
            value = {name: child(draw) for name, child in needed}
            pool = list(optional)
            for _ in range(counts(draw)):
                name, child = pool.pop(picks[len(pool) - 1](draw))
                value[name] = child(draw)
            return value

        return draw_structure

    def _union(self, member: Member) -> Drawer[dict]:
        branches = [
            (c.name, self.drawer(c.path))
            for c in self.contract.children(member.path)
            if not c.recursive and self.drawable(c.path)
        ]
        if not branches:
            return _nothing
        which = index_drawer(len(branches))

        def draw_union(draw: st.DrawFn) -> dict:
            name, child = branches[which(draw)]
            return {name: child(draw)}

        return draw_union


# The types whose value is the canonical one where only a value's shape is drawn (a document is drawn:
# its canonical value is a container, which a caller may change).
CANONICAL_LEAVES = frozenset(
    {"string", "byte", "short", "integer", "long", "float", "double", "boolean", "timestamp", "blob"}
)
# The types drawn in a span of their own: the shrinker can drop one whole.
SPANNED = frozenset({"structure", "union", "list", "map"})
# How many keys beyond the map's size may come out equal to one already drawn before the map is given up.
KEY_RETRIES = 8
# Tries at a value that passes a check (a pattern's every reading, a URI label) before the draw is given up.
TRIES = 3


def _nothing(draw: st.DrawFn) -> Any:
    reject()


def _until(drawer: Drawer[T], accept: Callable[[T], bool]) -> Drawer[T]:
    """``drawer``'s value that ``accept`` takes, as ``.filter()``: a few tries, then the draw is given up."""

    def draw_accepted(draw: st.DrawFn) -> T:
        for _ in range(TRIES):
            value = drawer(draw)
            if accept(value):
                return value
        reject()

    return draw_accepted


def _end_or_any(ends: list[Any], anywhere: st.SearchStrategy[Any]) -> Drawer[Any]:
    """One of the range's ``ends`` half the time, else a value of ``anywhere``: one choice, then one more."""
    end, which = pick(ends), index_drawer(2)
    return lambda draw: end(draw) if which(draw) == 0 else draw(anywhere)


def _or_null(drawer: Drawer[Any]) -> Drawer[Any]:
    which = index_drawer(2)
    return lambda draw: None if which(draw) == 0 else drawer(draw)


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
