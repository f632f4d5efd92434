"""Drawing a value inside one composite: drawers, and the few tricks that keep each draw cheap.

Hypothesis spends its time per draw: each ``draw(strategy)`` opens a span, checks and unwraps the
strategy, and records a choice, which its mutator, its tree of examples seen and its shrinker then
replay.  So the members of a request are *drawers*, plain functions of the ``draw`` of the composite
they are drawn in, built once per contract, and a strategy of its own (a span) is kept for what the
shrinker should be able to drop whole: structures, lists and maps.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")

# Draws one member's value with the ``draw`` of the composite it is drawn in.
Drawer = Callable[[st.DrawFn], T]


class _Absent:
    """What the drawer of an optional member returns when the member is left out."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


# -- choices without a span ------------------------------------------------------------------------------
# ``draw(st.sampled_from(values))`` is one integer choice wrapped in a span of its own, and the span costs
# about as much again as the choice.  A value picked by index needs no span (the shrinker works on the
# choices; spans matter for structures, which keep theirs), so inside a composite an index is drawn
# straight from the ConjectureData behind ``draw``: the very call ``sampled_from`` makes, minus the span.
# That object is Hypothesis's internal API, so where ``draw`` is not its bound method the index is
# drawn through a strategy instead, with the same choice and value.
# Text runs likewise, for alphabets that are a ``st.characters(...)``.
_CONJECTURE_DATA: type | None
_ONE_CHARACTER: type | None
try:
    from hypothesis.internal.conjecture.data import ConjectureData as _CONJECTURE_DATA
    from hypothesis.strategies._internal.strings import OneCharStringStrategy as _ONE_CHARACTER
except ImportError:  # pragma: no cover - a Hypothesis that moved them: the strategy path still works
    _CONJECTURE_DATA = _ONE_CHARACTER = None


def _choice_source(draw: st.DrawFn) -> Any:
    data = getattr(draw, "__self__", None)
    if _CONJECTURE_DATA is not None and isinstance(data, _CONJECTURE_DATA):
        return data
    return None


def index_drawer(size: int) -> Drawer[int]:
    """An index in ``range(size)``, shrinking to 0: one integer choice, no span."""
    if size < 1:
        raise ValueError("nothing to pick from")
    last = size - 1
    fallback = unwrapped(st.integers(0, last))

    def draw_index(draw: st.DrawFn) -> int:
        if not last:
            return 0  # as st.sampled_from of one value: no choice at all
        data = _choice_source(draw)
        return data.draw_integer(0, last) if data is not None else draw(fallback)

    return draw_index


def pick(values: list[T]) -> Drawer[T]:
    """One of ``values``, in order of shrinking: ``st.sampled_from(values)`` drawn without its span."""
    values = list(values)
    index = index_drawer(len(values))
    return lambda draw: values[index(draw)]


def text_drawer(alphabet: st.SearchStrategy[str], size: int) -> Drawer[str]:
    """Exactly ``size`` characters of ``alphabet`` (a ``st.characters(...)``): one bare string choice, the
    very call ``st.text(alphabet, min_size=size, max_size=size)`` makes, minus the span."""
    strategy = unwrapped(st.text(alphabet, min_size=size, max_size=size))
    element = unwrapped(alphabet)
    single = _ONE_CHARACTER is not None and isinstance(element, _ONE_CHARACTER)
    intervals = element.intervals if single else None

    def draw_text(draw: st.DrawFn) -> str:
        data = _choice_source(draw) if intervals is not None else None
        if data is not None:
            return data.draw_string(intervals, min_size=size, max_size=size)
        return draw(strategy)

    return draw_text


def first_draw(choices: list[T], may_be_absent: bool = False) -> Drawer[T]:
    """One pick from ``choices`` (in order of shrinking); for a member that ``may_be_absent``, as often
    ``ABSENT`` instead, listed first: whether an optional member is there then costs no draw of its own,
    and shrinking the draw drops the member."""
    return pick([ABSENT] * len(choices) + choices if may_be_absent else choices)


def unwrapped(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """The strategy that a lazily built one (``st.integers()``, ``st.text()``...) stands for, validated.

    ``draw`` unwraps a lazy strategy again on every call, some ten microseconds each time; a drawer draws
    from the unwrapped strategy directly (the same label, choices and values).
    """
    strategy.validate()
    while hasattr(strategy, "wrapped_strategy"):
        strategy = strategy.wrapped_strategy
    return strategy


class _Named:
    """A drawer with a name, as the definition of a composite: Hypothesis labels the composite's spans by
    the definition's hash, and its mutator copies a span only over others with the same label.  Named
    after the member it draws, a Task is copied over another Task, never over a tag map (which would make
    a misaligned example, most often thrown away)."""

    def __init__(self, name: str, drawer: Drawer[Any]) -> None:
        self.name = name
        self.__name__ = self.__qualname__ = "drawn"  # composite() wants an identifier here
        self.drawer = drawer

    def __call__(self, draw: st.DrawFn) -> Any:
        return self.drawer(draw)

    def __hash__(self) -> int:
        return zlib.crc32(self.name.encode())  # stable from run to run, unlike hash(str)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Named) and other.name == self.name


def drawn(drawer: Drawer[T], name: str) -> st.SearchStrategy[T]:
    """A strategy that runs ``drawer``: one composite (its spans labelled ``name``), however many parts
    the drawer draws inline."""
    return unwrapped(st.composite(_Named(name, drawer))())


def one_of(strategies: Sequence[st.SearchStrategy[T]], name: str) -> st.SearchStrategy[T]:
    """One of ``strategies``, shrinking towards the first, as ``st.one_of``: the branch's index as a bare
    choice, then the branch.  ``st.one_of`` builds a filtered ``sampled_from`` of its branches in every
    draw, which Hypothesis then validates: some 150 microseconds a draw."""
    branches = [unwrapped(strategy) for strategy in strategies]
    if len(branches) == 1:
        return branches[0]
    index = index_drawer(len(branches))
    return drawn(lambda draw: draw(branches[index(draw)]), name)
