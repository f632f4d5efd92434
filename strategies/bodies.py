"""Valid values for every member of the contract, drawn at random (the deterministic ones are in
``strategies.canonical``).

Everything is derived from ``spec``: a structure becomes a fixed dictionary whose optional members are
sometimes there and sometimes not, a list a list, a map a dictionary whose size reaches its bounds, a
string an exact-length full match of its pattern (``strategies.text``).

Members are *drawers*, functions of a composite's ``draw``, built once: a structure, list or map is a
composite of its own (one span, which the shrinker can drop whole once the size or presence choice at
its start stops asking for it), and draws its strings, enums, numbers and timestamps inline, each in as
few draws as it can: a strategy per member would take about twice as many.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from conformance.spec import Contract, Member, load_contract
from conformance.spec.paths import item_of, key_of, value_of
from conformance.spec.wire import Request
from conformance.strategies.canonical import CanonicalValues, fixed_keys, string_bounds
from conformance.strategies.catalogue import TIMESTAMP_EDGES
from conformance.strategies.drawing import (
    ABSENT,
    Drawer,
    drawn,
    first_draw,
    index_drawer,
    one_of,
    pick,
    unwrapped,
)
from conformance.strategies.paths import MEMBER_ORDERS, reordered
from conformance.strategies.text import LAYOUTS_MAX, TextShape, text_shape

# Lists have no bounds in the model; a few items reach "several" (Batches, Tasks) without bloating requests.
LIST_MAX = 4
# Sizes of a list or map, above the minimum, that are drawn as often as its bounds.
SMALL_SIZES = 4
# How many keys beyond the map's size may come out equal to one already drawn before the map is given up.
KEY_RETRIES = 8
# Epoch seconds from 1970 to 2100: every reading takes them (restJson1 timestamps are JSON numbers).
TIMESTAMP_MAX = 4_102_444_800


def _timestamp(millis: int) -> float | int:
    """Whole seconds, or milliseconds as a fraction (as botocore sends them): one draw for either."""
    return millis // 1000 if millis % 2 else millis / 1000


def timestamps() -> st.SearchStrategy[float | int]:
    return drawn(timestamp_drawer(), "timestamp")


def timestamp_drawer() -> Drawer[float | int]:
    """Epoch seconds, the model putting no range on them: mostly 1970 to 2100 (whole seconds or
    milliseconds, as botocore sends them), sometimes any integral number of seconds a double carries
    exactly, sometimes one of the catalogue's edges (before year 1, after 9999, the doubles' ends)."""
    millis = unwrapped(st.integers(0, TIMESTAMP_MAX * 1000))
    wide = unwrapped(st.integers(-(2**53), 2**53))
    edge = pick([value for _, value in TIMESTAMP_EDGES])
    which = index_drawer(6)

    def draw_timestamp(draw: st.DrawFn) -> float | int:
        choice = which(draw)
        if choice < 4:
            return _timestamp(draw(millis))
        return draw(wide) if choice == 4 else edge(draw)

    return draw_timestamp


def collection_sizes(low: int, high: int) -> list[int]:
    """How many items or entries: each bound and each of the next few sizes in about one draw in forty
    (about as often as a string's length is at a bound), one or two above the minimum the rest of the time.

    Unlike a string's length (a long run costs little, see ``strategies.text.RUN_MAX``) every item costs
    several draws, so nothing is drawn between the small sizes and the maximum: a map of fifty tags in
    every tenth body would double the cost of an average one.  Shrinks to ``low``.
    """
    if high <= low:
        return [low]
    every = [low, *range(low + 1, min(high, low + SMALL_SIZES + 1)), high]
    usual = [n for n in (low + 1, low + 2) if n < high]
    # The minimum twice (it is cheap): Hypothesis doesn't draw indexes evenly, and in some runs it skips
    # one value altogether, so a bound held by a single index can go missing from a whole run.
    return every + usual[:1] * 20 + usual[1:] * 12 + [low]


def structure_drawer(
    required: dict[str, Drawer[Any]],
    optional: dict[str, Drawer[Any]],
    deciding: dict[str, Drawer[Any]],
    *,
    may_be_absent: bool = False,
) -> Drawer[Any]:
    """Like ``st.fixed_dictionaries(required, optional=optional)``, with one draw for which optional
    members are present instead of one per member, and the members drawn inline: the number of draws is
    what sets generation speed.  Members in ``deciding`` say themselves whether they are there (a lone
    optional member, whose presence then costs no draw of its own), and with ``may_be_absent`` so does
    the structure, in the same draw as its mask.  Shrinks to no optional member at all."""
    names = list(optional)
    masks = 1 << len(names)
    presence = index_drawer(2 * masks if may_be_absent else masks)
    members = list(required.items())
    deciders = list(deciding.items())

    def draw_structure(draw: st.DrawFn) -> Any:
        mask = presence(draw) if names or may_be_absent else 0
        if may_be_absent:
            if mask < masks:  # the lower half first: shrinking drops the structure
                return ABSENT
            mask -= masks
        value = {name: member(draw) for name, member in members}
        for name, decider in deciders:
            item = decider(draw)
            if item is not ABSENT:
                value[name] = item
        for bit, name in enumerate(names):
            if mask >> bit & 1:
                value[name] = optional[name](draw)
        return value

    return draw_structure


def list_drawer(item: Drawer[Any], low: int, high: int, *, may_be_absent: bool = False) -> Drawer[Any]:
    """A list with its length in one draw (no draw per item for "one more?"), shrinking to ``low`` items
    (or to none at all, if it ``may_be_absent``)."""
    sizes = first_draw(collection_sizes(low, high), may_be_absent)

    def draw_list(draw: st.DrawFn) -> Any:
        size = sizes(draw)
        return ABSENT if size is ABSENT else [item(draw) for _ in range(size)]

    return draw_list


def map_drawer(
    entries: Drawer[tuple[str, Any]],
    low: int,
    high: int,
    *,
    may_be_absent: bool = False,
    spare_keys: Sequence[str] = (),
) -> Drawer[Any]:
    """A map of a drawn size with distinct keys.

    With ``spare_keys`` (valid keys, twice as many as the largest map has entries) an entry whose key is
    taken already gets the first spare key not taken, so the map has its size whatever keys are drawn.
    The shrinker makes keys alike: when a collision shrank the map, each such attempt was thrown away,
    and a failure that needs fifty tags took two minutes to shrink.  Without spare keys, the entry is
    drawn again, a few times at most."""
    sizes = first_draw(collection_sizes(low, high), may_be_absent)

    def draw_map(draw: st.DrawFn) -> Any:
        size = sizes(draw)
        if size is ABSENT:
            return ABSENT
        value: dict = {}
        if spare_keys:
            spares = iter(spare_keys)
            for _ in range(size):
                key, item = entries(draw)
                while key in value:
                    key = next(spares)
                value[key] = item
            return value
        for _ in range(size + KEY_RETRIES):
            if len(value) == size:
                break
            key, item = entries(draw)
            value.setdefault(key, item)
        assume(len(value) >= low)
        return value

    return draw_map


def entry_drawer(keys: TextShape, values: TextShape) -> Drawer[tuple[str, str]]:
    """A map entry of two strings with both layouts in one draw (three draws an entry, not four)."""
    pairs = pick([(k, v) for k in keys.layouts for v in values.layouts])

    def draw_entry(draw: st.DrawFn) -> tuple[str, str]:
        key_layout, value_layout = pairs(draw)
        return keys.render(draw, key_layout), values.render(draw, value_layout)

    return draw_entry


def enum_keys_drawer(
    enum: list[str], values: Drawer[Any], low: int, high: int, *, may_be_absent: bool = False
) -> Drawer[Any]:
    """A map keyed by enum values: each key picked from those not yet used, so none is ever drawn twice."""
    sizes = first_draw(collection_sizes(low, min(high, len(enum))), may_be_absent)
    picks = [index_drawer(left) for left in range(1, len(enum) + 1)]

    def draw_map(draw: st.DrawFn) -> Any:
        size = sizes(draw)
        if size is ABSENT:
            return ABSENT
        pool = list(enum)
        value = {}
        for _ in range(size):
            value[pool.pop(picks[len(pool) - 1](draw))] = values(draw)
        return value

    return draw_map


class ValueStrategies:
    """Hypothesis strategies for valid values of each member, built once per contract.

    With ``canonical_leaves`` only a value's shape is drawn: which optional members are there, how many
    items and entries its lists and maps hold, which enum values it takes (which keys of an enum-keyed
    map, too).  Every other leaf, a string, number, boolean or timestamp, is its canonical valid value,
    and a map's keys are distinct canonical keys where there are enough of them (``fixed_keys``).  A body
    then costs about half the draws, and half the time, of one whose every leaf is drawn."""

    def __init__(self, contract: Contract | None = None, *, canonical_leaves: bool = False) -> None:
        self.contract = contract or load_contract()
        self.canonical = CanonicalValues(self.contract) if canonical_leaves else None

    def _canonical_leaf(self, member: Member) -> Any:
        """The member's canonical value if its leaves are not drawn and it is such a leaf, else ABSENT."""
        if self.canonical is None or member.type in ("list", "map", "structure") or member.get("enum"):
            return ABSENT
        return self.canonical.value(member.path)

    @cache  # noqa: B019 - one instance per contract, kept for the process
    def of(self, path: str) -> st.SearchStrategy[Any]:
        """A strategy for the member at ``path``; a single choice where one suffices, else one composite."""
        member = self.contract.member(path)
        leaf = self._leaf(member)
        if leaf is not None:
            return leaf
        return drawn(self.drawer(path) if member.type == "string" else self._container(path), path)

    @cache  # noqa: B019 - one instance per contract, kept for the process
    def drawer(self, path: str) -> Drawer[Any]:
        """Draws a valid value of the member at ``path`` inline, in the caller's composite."""
        member = self.contract.member(path)
        leaf = self._canonical_leaf(member)
        if leaf is not ABSENT:
            return lambda draw: leaf
        if member.type == "timestamp":  # the conversion inline: a .map() is one more span
            return timestamp_drawer()
        if member.type == "string" and member.get("enum"):
            return pick(list(member.get("enum")))
        leaf = self._leaf(member)
        if leaf is not None:
            strategy = unwrapped(leaf)
            return lambda draw: draw(strategy)
        shape = self._shape(member)
        if shape is not None:
            return shape.drawer()
        # A container is a span of its own, its size or presence mask first: lowering that choice then
        # lets the shrinker delete the children it no longer draws as a block.
        container = self.of(path)
        return lambda draw: draw(container)

    @cache  # noqa: B019 - one instance per contract, kept for the process
    def deciding_drawer(self, path: str) -> Drawer[Any] | None:
        """Draws the optional member at ``path`` or ``ABSENT``, whether it is there folded into its first
        draw (its layout, value, size or mask); None for members whose first draw can't carry it."""
        member = self.contract.member(path)
        leaf = self._canonical_leaf(member)
        if leaf is not ABSENT:
            return first_draw([leaf], may_be_absent=True)
        if member.type == "string" and member.get("enum"):
            return first_draw(list(member.get("enum")), may_be_absent=True)
        shape = self._shape(member)
        if shape is not None:
            return shape.drawer(may_be_absent=True)
        if member.type in ("list", "map", "structure"):
            container = drawn(self._container(path, may_be_absent=True), path + "?")
            return lambda draw: draw(container)
        return None

    @cache  # noqa: B019 - one instance per contract, kept for the process
    def _container(self, path: str, may_be_absent: bool = False) -> Drawer[Any]:
        member = self.contract.member(path)
        kind = member.type
        if kind == "list":
            low, high = member.get("minItems", 0), member.get("maxItems", LIST_MAX)
            return list_drawer(self.drawer(item_of(path)), low, high, may_be_absent=may_be_absent)
        if kind == "map":
            keys = self.contract.member(key_of(path))
            values = self.drawer(value_of(path))
            low, high = member.get("minItems", 0), member.get("maxItems", LIST_MAX)
            if keys.get("enum"):
                return enum_keys_drawer(keys.get("enum"), values, low, high, may_be_absent=may_be_absent)
            spares = fixed_keys(keys, 2 * high)
            if self.canonical is not None:
                # Canonical keys (each entry's but the first is a spare one) if there are enough of them.
                key = self.canonical.value(keys.path)
                key_drawer = (
                    ValueStrategies(self.contract).drawer(keys.path) if not spares else lambda draw: key
                )
                entries = lambda draw: (key_drawer(draw), values(draw))  # noqa: E731
                return map_drawer(entries, low, high, may_be_absent=may_be_absent, spare_keys=spares)
            key_shape, value_shape = self._shape(keys), self._shape(self.contract.member(value_of(path)))
            # The key's and the value's layouts in one choice, if there are not too many pairs.
            if key_shape and value_shape and len(key_shape.layouts) * len(value_shape.layouts) <= LAYOUTS_MAX:
                entries = entry_drawer(key_shape, value_shape)
            else:
                key_drawer = self.drawer(keys.path)
                entries = lambda draw: (key_drawer(draw), values(draw))  # noqa: E731
            return map_drawer(entries, low, high, may_be_absent=may_be_absent, spare_keys=spares)
        if kind == "structure":
            children = [c for c in self.contract.children(path) if c.location == "body"]
            optional = [c for c in children if not c.required]
            # A lone optional member says itself whether it is there, if its first draw can carry that.
            deciding = self.deciding_drawer(optional[0].path) if len(optional) == 1 else None
            return structure_drawer(
                {c.name: self.drawer(c.path) for c in children if c.required},
                {c.name: self.drawer(c.path) for c in optional if deciding is None},
                {optional[0].name: deciding} if deciding is not None else {},
                may_be_absent=may_be_absent,
            )
        raise ValueError(f"no strategy for {kind} member {path}")

    @staticmethod
    def _shape(member: Member) -> TextShape | None:
        if member.type != "string" or member.get("enum"):
            return None
        return text_shape(member.get("pattern"), *string_bounds(member))

    @staticmethod
    def _leaf(member: Member) -> st.SearchStrategy[Any] | None:
        """The strategy of a member that needs no drawer of its own: enums, booleans, numbers, timestamps."""
        kind = member.type
        if kind == "string" and member.get("enum"):
            return st.sampled_from(member.get("enum"))
        if kind == "boolean":
            return st.booleans()
        if kind in ("long", "integer"):
            low, high = member.get("minimum", -(2**53)), member.get("maximum", 2**53)
            return one_of(
                [st.sampled_from([low, high]), st.integers(low, high)], f"{member.path} bound or any"
            )
        if kind == "timestamp":
            return timestamps()
        return None

    def body(self) -> st.SearchStrategy[dict]:
        return self.of("Body")

    def requests(self, domains: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Request]:
        """Complete valid requests, the body drawn inline in the request's composite (no ``.map()``), its
        members in a drawn order at every level (JSON member order carries no meaning)."""
        body = self._container("Body")
        orders = index_drawer(len(MEMBER_ORDERS))

        def ordered_body(draw: st.DrawFn) -> dict:
            value = body(draw)
            order = orders(draw)
            return reordered(value, *MEMBER_ORDERS[order]) if order else value

        if domains is None:
            return drawn(lambda draw: Request(None, ordered_body(draw)), "request")
        domain = unwrapped(domains)
        return drawn(lambda draw: Request(draw(domain), ordered_body(draw)), "request on a domain")

    def domain(self) -> st.SearchStrategy[str]:
        return self.of("DomainName")
