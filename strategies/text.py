"""Strings of an exact length that satisfy (or deliberately break) a model pattern under every reading.

Lengths are folded into the generation instead of filtered afterwards, so a 2048-character ``KmsArn`` or a
64-character domain costs no more than a short one, and the bounds themselves are drawn often.
"""

from __future__ import annotations

from functools import cache

from hypothesis import assume
from hypothesis import strategies as st

from strategies.grammar import UNBOUNDED, Grammar, Segment, parse

# Characters used where a value should visibly carry non-ASCII text: accented Latin, CJK, emoji
# (astral plane, so one code point is two UTF-16 code units and four UTF-8 bytes).
NON_ASCII_SAMPLES = "éÅßçñøü中文字日本語😀👍🚀𝄞"
ASTRAL = "😀"
# For strings with no pattern (tag values): anything but surrogates, which no JSON text can carry alone.
_ANY_CHARACTER = st.characters(exclude_categories=("Cs",))


@cache
def _segment_text(segment: Segment, size: int) -> st.SearchStrategy[str]:
    return st.text(segment.alphabet(), min_size=size, max_size=size)


@cache
def _any_text(size: int) -> st.SearchStrategy[str]:
    return st.text(_ANY_CHARACTER, min_size=size, max_size=size)


@cache
def lengths(low: int, high: int, typical: int = 8) -> st.SearchStrategy[int]:
    """A length in [low, high]: the bounds, lengths just above the minimum, and a spread up to the maximum.

    One draw from a short list (not two from ranges): generation speed is set by the number of draws,
    and the bounds matter more than the lengths between them.  Shrinks to the minimum.
    """
    if high <= low:
        return st.just(low)
    near = list(range(low + 1, min(high, low + typical) + 1))
    # Repeats weight the draw: short values most of the time, the maximum and the middle now and then.
    choices = [low, *near, high, *near, (low + high) // 2, *near, low + (high - low) // 4, *near]
    return st.sampled_from(choices)


def length_range(grammar: Grammar | None, min_length: int, max_length: int | None) -> tuple[int, int]:
    """The lengths both the pattern and the length constraints allow."""
    low = max(min_length, grammar.min_length if grammar else 0)
    high = max_length if max_length is not None else 64
    if grammar is not None:
        high = min(high, grammar.max_length)
    return low, high


def _split(draw: st.DrawFn, segments: tuple[Segment, ...], size: int) -> list[int]:
    """How many characters each segment gets so that they add up to ``size``."""
    counts = [s.min for s in segments]
    remaining = size - sum(counts)
    variable = [i for i, s in enumerate(segments) if s.max > s.min]
    for k, index in enumerate(variable):
        later = sum(min(UNBOUNDED, segments[j].max - segments[j].min) for j in variable[k + 1 :])
        cap = min(remaining, segments[index].max - segments[index].min)
        least = max(0, remaining - later)
        take = cap if k == len(variable) - 1 or least == cap else draw(st.integers(least, cap))
        counts[index] += take
        remaining -= take
    if remaining:
        raise ValueError(f"no way to reach length {size} with {segments}")
    return counts


def _draw_text(draw: st.DrawFn, grammar: Grammar | None, size: int) -> str:
    if grammar is None:
        return draw(_any_text(size))
    counts = _split(draw, grammar.segments, size)
    value = "".join(
        s.source if s.is_literal else draw(_segment_text(s, n)) if n else ""
        for s, n in zip(grammar.segments, counts, strict=True)
    )
    assume(not value.startswith(grammar.forbidden_prefixes))
    return value


@st.composite
def text_of_length(draw: st.DrawFn, grammar: Grammar | None, size: int) -> str:
    """A string of exactly ``size`` code points, a full match of ``grammar`` in every dialect."""
    return _draw_text(draw, grammar, size)


@cache
def valid_text(
    pattern: str | None, min_length: int = 0, max_length: int | None = None
) -> st.SearchStrategy[str]:
    """Full matches of ``pattern`` in every dialect, within the length bounds, the bounds drawn often.

    One composite with as few nested draws as the pattern needs: Hypothesis spends its time per draw.
    """
    grammar = parse(pattern) if pattern else None
    low, high = length_range(grammar, min_length, max_length)
    sizes = lengths(low, high)

    @st.composite
    def text(draw: st.DrawFn) -> str:
        return _draw_text(draw, grammar, draw(sizes))

    return text()


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
