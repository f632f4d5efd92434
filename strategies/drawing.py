"""Drawing a value inside one strategy: drawers, and the one strategy class that keeps each draw cheap.

Hypothesis spends its time per draw: each ``draw(strategy)`` opens a span, checks and unwraps the
strategy, and records a choice, which its mutator, its tree of examples seen and its shrinker then
replay.  So the members of a request are *drawers*, plain functions of a ``draw``, built once per
contract, and a strategy of its own (a span) is kept for what the shrinker should be able to drop whole:
structures, lists and maps.

``drawn`` makes that strategy the way ``hypothesis.extra.lark`` makes its own: a ``SearchStrategy`` whose
``do_draw(data)`` runs the drawer, labelled by ``calc_label_from_name``.  Its spans are labelled after the
member they draw, and Hypothesis's mutator copies a span only over others with the same label: a Task
over another Task, never over a tag map (which would make a misaligned example, most often thrown away).
The ``draw`` its drawer gets also carries the ConjectureData, so that a pick is one integer choice (the
call ``sampled_from`` makes) and a text run one string choice (``text``'s own ``do_draw``), without a span
of their own: the shrinker works on the choices; spans matter for structures, which keep theirs.

Subclassing ``SearchStrategy`` and calling ConjectureData are Hypothesis's internal API, so that path is
taken only on the Hypothesis versions it was tested on (``TESTED_HYPOTHESIS``) that have what it calls.
On any other, ``drawn`` is a ``st.composite`` and every choice a public strategy drawn through its
``draw``: the same values, the same shrinking, only slower.  A drawer looks at the ``draw`` it is given,
so either kind of drawer works inside either kind of strategy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import hypothesis
from hypothesis import strategies as st

T = TypeVar("T")

# Draws one member's value with the ``draw`` of the strategy it is drawn in.
Drawer = Callable[[st.DrawFn], T]

# The lowest and the newest Hypothesis the choice path was tested on: the project's lower bound
# (pyproject.toml) and the newest release when it was last checked.
TESTED_HYPOTHESIS = ((6, 100, 0), (6, 170, 29))


class _Absent:
    """What the drawer of an optional member returns when the member is left out."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


try:
    from hypothesis.internal.conjecture.data import ConjectureData
    from hypothesis.internal.conjecture.utils import calc_label_from_name
except ImportError:  # pragma: no cover - a Hypothesis that moved them: the public path still works
    ConjectureData = calc_label_from_name = None


def choices_supported(version: tuple[int, ...] = hypothesis.__version_info__) -> bool:
    """Whether ``version`` of Hypothesis is one the choice path was tested on, and the installed one has
    the internals it calls."""
    lowest, newest = TESTED_HYPOTHESIS
    return (
        lowest <= tuple(version[:3]) <= newest
        and calc_label_from_name is not None
        and all(hasattr(ConjectureData, name) for name in ("draw", "draw_integer", "draw_string"))
    )


# Read by ``drawn`` and ``unwrapped`` when they build a strategy: a test sets it to False to build the
# public path on any Hypothesis.
FAST_PATH = choices_supported()


def public_path_note() -> str | None:
    """One line for a run on a Hypothesis the choice path was not tested on, else None."""
    if FAST_PATH:
        return None
    lowest, newest = (".".join(map(str, v)) for v in TESTED_HYPOTHESIS)
    return (
        f"conformance: note: Hypothesis {hypothesis.__version__} is outside the releases its internal API "
        f"was tried with ({lowest} to {newest}), so requests are drawn through its public strategies: "
        "the same requests and checks; nothing to do"
    )


class _Draw:
    """The ``draw`` a drawer gets inside a ``drawn`` strategy: draws a strategy as the ``draw`` of a
    ``st.composite`` does, and holds the ConjectureData for the bare choices of this module."""

    __slots__ = ("data",)

    def __init__(self, data: Any) -> None:
        self.data = data

    def __call__(self, strategy: st.SearchStrategy[T]) -> T:
        return self.data.draw(strategy)


class _Drawn(st.SearchStrategy):
    """Runs a drawer in one span, labelled after ``name``."""

    def __init__(self, drawer: Drawer[Any], name: str) -> None:
        super().__init__()
        self.drawer = drawer
        self.name = name

    def calc_label(self) -> int:
        return calc_label_from_name(f"strategies.drawing:{self.name}")

    def do_draw(self, data: Any) -> Any:
        return self.drawer(_Draw(data))

    def __repr__(self) -> str:
        return f"drawn({self.name!r})"


def _choice_source(draw: st.DrawFn) -> Any:
    """The ConjectureData behind ``draw`` if it is the ``draw`` of a ``drawn`` strategy, else None."""
    return draw.data if draw.__class__ is _Draw else None


def index_drawer(size: int) -> Drawer[int]:
    """An index in ``range(size)``, shrinking to 0: one integer choice, no span."""
    if size < 1:
        raise ValueError("nothing to pick from")
    last = size - 1
    fallback = unwrapped(st.integers(0, last))

    def draw_index(draw: st.DrawFn) -> int:
        if not last:
            return 0  # as st.sampled_from of one value: no choice at all
        if draw.__class__ is _Draw:  # _choice_source(draw), inline: the commonest draw of all
            return draw.data.draw_integer(0, last)
        return draw(fallback)

    return draw_index


def pick(values: list[T]) -> Drawer[T]:
    """One of ``values``, in order of shrinking: ``st.sampled_from(values)`` drawn without its span."""
    values = list(values)
    index = index_drawer(len(values))
    return lambda draw: values[index(draw)]


def text_drawer(alphabet: st.SearchStrategy[str], size: int) -> Drawer[str]:
    """Exactly ``size`` characters of ``alphabet`` (a ``st.characters(...)``): one bare string choice, made
    by ``st.text(alphabet, min_size=size, max_size=size)``'s own ``do_draw`` without the span ``draw``
    would open around it."""
    strategy = unwrapped(st.text(alphabet, min_size=size, max_size=size))

    def draw_text(draw: st.DrawFn) -> str:
        data = _choice_source(draw)
        return strategy.do_draw(data) if data is not None else draw(strategy)

    return draw_text


def first_draw(choices: list[T], may_be_absent: bool = False) -> Drawer[T]:
    """One pick from ``choices`` (in order of shrinking); for a member that ``may_be_absent``, as often
    ``ABSENT`` instead, listed first: whether an optional member is there then costs no draw of its own,
    and shrinking the draw drops the member."""
    return pick([ABSENT] * len(choices) + choices if may_be_absent else choices)


def unwrapped(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """The strategy that a lazily built one (``st.integers()``, ``st.text()``...) stands for, validated.

    ``draw`` unwraps a lazy strategy again on every call, some ten microseconds each time; a drawer draws
    from the unwrapped strategy directly (the same label, choices and values).  Off the choice path the
    strategy is only validated.
    """
    strategy.validate()
    while FAST_PATH and hasattr(strategy, "wrapped_strategy"):
        strategy = strategy.wrapped_strategy
    return strategy


def drawn(drawer: Drawer[T], name: str) -> st.SearchStrategy[T]:
    """A strategy that runs ``drawer``: one span labelled ``name``, however many parts the drawer draws
    inline."""
    if FAST_PATH:
        return _Drawn(drawer, name)
    return st.composite(lambda draw: drawer(draw))()


def one_of(strategies: Sequence[st.SearchStrategy[T]], name: str) -> st.SearchStrategy[T]:
    """One of ``strategies``, shrinking towards the first, as ``st.one_of``: the branch's index as a bare
    choice, then the branch.  ``st.one_of`` builds a filtered ``sampled_from`` of its branches in every
    draw, which Hypothesis then validates: some 150 microseconds a draw."""
    branches = [unwrapped(strategy) for strategy in strategies]
    if len(branches) == 1:
        return branches[0]
    index = index_drawer(len(branches))
    return drawn(lambda draw: draw(branches[index(draw)]), name)
