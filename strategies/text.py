"""Strings of an exact length that satisfy (or deliberately break) a model pattern under every reading.

Lengths are folded into the generation instead of filtered afterwards, so a 2048-character ``KmsArn`` or a
64-character domain costs no more than a short one, and the bounds themselves are drawn often.

Hypothesis spends its time per draw (a span and a choice, generated, then replayed by its mutator and
shrinker) and per character, so a value is drawn in as few of them as it can be: one draw picks its
*layout* (the length, how the length is split between the pattern's segments, and any single character
of a short class), then one draw per segment run that isn't literal text, of at most ``RUN_MAX``
characters.  Each such draw still shrinks on its own, towards the shortest layout and the simplest text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import product
from math import prod
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from conformance.strategies.drawing import ABSENT, Drawer, drawn, first_draw, text_drawer
from conformance.strategies.grammar import UNBOUNDED, Grammar, Segment, parse

# Characters used where a value should visibly carry non-ASCII text: accented Latin, CJK, emoji
# (astral plane, so one code point is two UTF-16 code units and four UTF-8 bytes).
NON_ASCII_SAMPLES = "éÅßçñøü中文字日本語😀👍🚀𝄞"
ASTRAL = "😀"
# For strings with no pattern (tag values): anything but surrogates, which no JSON text can carry alone.
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # no lone surrogates: UTF-8 cannot carry them
# The most characters drawn for one segment of a value; a longer run repeats them.  Hypothesis spends a few
# microseconds per character drawn, every time an example is generated or replayed, and its choice sequence
# has room for 8 KiB: a body with a few values at 2048 independent characters would overrun it and be
# thrown away.  At a length bound what matters is the length and the kind of characters (astral ones,
# two UTF-16 code units each, repeated all along), not two thousand independent draws.
RUN_MAX = 32
# Classes of at most this many characters are folded into the layout draw where one character is due...
FOLD_MAX = 64
# ...unless that makes more layouts than this (a sampled_from is one draw however long its list).
LAYOUTS_MAX = 20_000
# The longest value drawn for a string whose model sets no maximum (tag values, and keys where the pattern
# is unbounded): long enough for every layout of the pattern, short enough to keep requests small.
UNBOUNDED_STRING_MAX = 64


def length_choices(low: int, high: int, typical: int = 8) -> list[int]:
    """Lengths in [low, high], repeated to weight them: the bounds, lengths just above the minimum most of
    the time, and a spread up to the maximum now and then.  The minimum comes first (shrinking target)."""
    if high <= low:
        return [low]
    near = list(range(low + 1, min(high, low + typical) + 1))
    # Each length first appears in increasing order, so that shrinking the index shrinks the length.
    return [low, *near, low + (high - low) // 4, (low + high) // 2, high, *near, *near, *near]


@cache
def lengths(low: int, high: int, typical: int = 8) -> st.SearchStrategy[int]:
    """A length in [low, high] in one draw from ``length_choices`` (not two from ranges): generation speed
    is set by the number of draws, and the bounds matter more than the lengths between them."""
    return st.sampled_from(length_choices(low, high, typical))


def length_range(grammar: Grammar | None, min_length: int | None, max_length: int | None) -> tuple[int, int]:
    """The lengths both the pattern and the length constraints (None: none) allow, drawn up to
    ``UNBOUNDED_STRING_MAX`` where the model sets no maximum."""
    low = max(min_length or 0, grammar.min_length if grammar else 0)
    high = max_length if max_length is not None else UNBOUNDED_STRING_MAX
    if grammar is not None:
        high = min(high, grammar.max_length)
    return low, high


def splits(segments: tuple[Segment, ...], size: int) -> list[tuple[int, ...]]:
    """Ways to give each segment its characters so that they add up to ``size``: the extra characters
    first to each variable segment in turn (then to the others in order), and evenly spread.

    A fixed handful rather than every split, so that the length and the split are one draw together;
    always one per variable segment and one more, so that each length keeps its weight.
    """
    base = [s.min for s in segments]
    extra = size - sum(base)
    room = [min(UNBOUNDED, s.max - s.min) for s in segments]
    if extra < 0 or extra > sum(room):
        raise ValueError(f"no way to reach length {size} with {segments}")
    variable = [i for i, r in enumerate(room) if r]
    out: list[tuple[int, ...]] = []
    for first in variable:
        counts, left = list(base), extra
        for index in [first, *variable]:
            take = min(left, room[index] - (counts[index] - base[index]))
            counts[index] += take
            left -= take
        out.append(tuple(counts))
    counts, left = list(base), extra
    while left:  # round robin: one character at a time to each segment with room left
        for index in variable:
            if left and counts[index] - base[index] < room[index]:
                counts[index] += 1
                left -= 1
    out.append(tuple(counts))
    return out


# A value's pieces: literal text, or a drawer of a run of one segment and the length it fills.
Piece = "str | tuple[Drawer[str], int]"
Pieces = tuple[Piece, ...]


_text = cache(text_drawer)  # one drawer per alphabet and run length


def _options(segment: Segment | None, count: int) -> list[Piece]:
    """What can stand for ``count`` characters of ``segment`` (None: no pattern) in a layout."""
    if segment is not None and segment.is_literal:
        return [segment.source]
    if segment is not None and count == 1 and segment.min == segment.max and len(segment.agreed) <= FOLD_MAX:
        # One character of a short class (an ARN's leading letter): a literal in as many layouts,
        # so that the layout draw picks it and no draw of its own is needed.
        return sorted(segment.agreed)
    alphabet = segment.alphabet() if segment is not None else ANY_CHARACTER
    # At most RUN_MAX characters are drawn; a longer run repeats them.
    return [(_text(alphabet, min(count, RUN_MAX)), count)]


def _variants(grammar: Grammar | None, counts: tuple[int, ...]) -> list[Pieces]:
    segments = grammar.segments if grammar else (None,)
    drawn_segments = [(s, n) for s, n in zip(segments, counts, strict=True) if n]
    options = [_options(s, n) for s, n in drawn_segments]
    if prod(len(o) for o in options) > LAYOUTS_MAX:  # too many to fold: draw those characters instead
        options = [
            _options(s, n) if s is None or s.is_literal or n > 1 else [(_text(s.alphabet(), 1), 1)]
            for s, n in drawn_segments
        ]
    return list(product(*options))


@dataclass(frozen=True, eq=False)
class TextShape:
    """The layouts of a string (its length, how the length is split between the pattern's segments, its
    single characters from short classes), all drawn as one choice, and the runs to fill in after."""

    layouts: tuple[Pieces, ...]
    forbidden: tuple[str, ...]  # prefixes a leading (?!literal) rules out

    def render(self, draw: st.DrawFn, pieces: Pieces) -> str:
        value = "".join(
            p if isinstance(p, str) else _fill(p[0](draw), p[1])
            for p in pieces  # type: ignore[index]
        )
        if self.forbidden:
            assume(not value.startswith(self.forbidden))
        return value

    def drawer(self, may_be_absent: bool = False) -> Drawer[Any]:
        layouts = first_draw(list(self.layouts), may_be_absent)

        def draw_text(draw: st.DrawFn) -> Any:
            layout = layouts(draw)
            return ABSENT if layout is ABSENT else self.render(draw, layout)

        return draw_text


def _fill(run: str, size: int) -> str:
    return run if len(run) == size else (run * (size // len(run) + 1))[:size]


@cache
def shape_of_lengths(grammar: Grammar | None, sizes: tuple[int, ...]) -> TextShape:
    """The layouts for each size (in the order given, repeats kept as weights) and each split."""
    layouts = [
        variant
        for size in sizes
        for counts in (splits(grammar.segments, size) if grammar else [(size,)])
        for variant in _variants(grammar, counts)
    ]
    return TextShape(tuple(layouts), grammar.forbidden_prefixes if grammar else ())


@cache
def text_shape(pattern: str | None, min_length: int = 0, max_length: int | None = None) -> TextShape:
    """Full matches of ``pattern`` in every dialect, within the length bounds, the bounds drawn often:
    one draw for the layout, one per segment run that isn't literal text."""
    grammar = parse(pattern) if pattern else None
    low, high = length_range(grammar, min_length, max_length)
    return shape_of_lengths(grammar, tuple(length_choices(low, high)))


@cache
def texts_of_lengths(grammar: Grammar | None, sizes: tuple[int, ...]) -> st.SearchStrategy[str]:
    """Full matches of ``grammar`` in every dialect, of one of ``sizes`` code points (the first the
    shrinking target): the length and the split in one draw."""
    name = f"text {grammar.pattern if grammar else None} {sizes}"
    return drawn(shape_of_lengths(grammar, sizes).drawer(), name)


def text_of_length(grammar: Grammar | None, size: int) -> st.SearchStrategy[str]:
    """A string of exactly ``size`` code points, a full match of ``grammar`` in every dialect."""
    return texts_of_lengths(grammar, (size,))


def canonical_text(pattern: str | None, size: int, *, astral: bool = False) -> str:
    """A deterministic value of ``size`` code points that fully matches ``pattern`` in every dialect.

    With ``astral`` the value uses an astral-plane character wherever the pattern takes one, so that its
    length in UTF-16 code units (and UTF-8 bytes) is well above its length in code points.
    """
    if pattern is None:
        return (ASTRAL if astral else "a") * size
    grammar = parse(pattern)
    segments = grammar.segments
    counts = [s.min for s in segments]
    remaining = size - sum(counts)
    if remaining < 0:
        raise ValueError(f"{pattern!r} needs at least {sum(counts)} characters")
    # Widest segments first, so astral characters land where they are allowed.
    order = sorted(range(len(segments)), key=lambda i: (not segments[i].wide, i))
    for index in order:
        take = min(remaining, segments[index].max - segments[index].min)
        counts[index] += take
        remaining -= take
    if remaining:
        raise ValueError(f"{pattern!r} can't be {size} characters long")
    parts = []
    for segment, count in zip(segments, counts, strict=True):
        parts.append(_filler(segment, astral) * count)
    value = "".join(parts)
    for prefix in grammar.forbidden_prefixes:
        if value.startswith(prefix):
            raise ValueError(f"canonical value for {pattern!r} starts with {prefix!r}")
    return value


def _filler(segment: Segment, astral: bool) -> str:
    agreed = segment.agreed
    if astral and segment.wide:
        return ASTRAL
    for preferred in "a0A_":
        if preferred in agreed:
            return preferred
    return sorted(agreed)[0]
