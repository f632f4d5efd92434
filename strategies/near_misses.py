"""Near misses of a pattern: a valid value with exactly one character changed, invalid in every reading.

Implementations are rarely wrong far from a pattern; they are wrong next to it: a class one character
too wide (``[a-zA-Z0-9_.-]`` for ``[a-zA-Z0-9_-]``), a first position that takes what only the later ones
may (a digit first in ``^[a-zA-Z_][a-zA-Z_0-9-]*$``), a check of the first character only, a prefix
compared without case.  So for every character class at each position of the pattern's structure (the
first character of each segment, and the last one too), the catalogue puts, alone, into an otherwise
valid value:

* each character just outside each range end of the class (for ``[a-zA-Z0-9_-]``: `` ` ``, ``{``, ``@``,
  ``[``, ``/``, ``:``, ``^``, ``,``, ``.``);
* the ASCII punctuation and the space that the class leaves out, a tab, a newline and a NUL;
* one non-ASCII letter and one astral character;
* the characters another segment takes and this one does not (a digit where only letters may start).

A literal character (the ``arn:aws:iam:`` of an ARN) gets one near miss: its other case, or its
neighbour in ASCII.  Every candidate is kept only if it has no match anywhere in any dialect
(``spec.patterns.invalid_in_every_reading``), so for a pattern that is not anchored most of them drop
out: one changed character in a long value leaves a match elsewhere.  That is why the base values are the
shortest full match as well as a longer one.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from conformance.spec import patterns as dialects
from conformance.strategies.grammar import UNBOUNDED, Grammar, Segment, parse

NON_ASCII_LETTER = "é"
ASTRAL_CHARACTER = "😀"
CONTROL_CHARACTERS = "\t\n\x00"
PUNCTUATION_AND_SPACE = " " + string.punctuation
# The printable ASCII range whose neighbours count as "just outside a range end".
_PRINTABLE = range(0x20, 0x7F)


@dataclass(frozen=True)
class NearMiss:
    """One character of a valid value replaced, so that no dialect finds a match anywhere."""

    value: str
    position: int
    character: str
    replaced: str
    why: str  # why this character: "just past the range 0-9", "a non-ASCII letter"...
    where: str  # which position of the pattern's structure: "the first character of [a-zA-Z_]"

    @property
    def edge(self) -> str:
        """A short id for a boundary case: ``near miss '.' at 2``."""
        return f"near miss {show(self.character)} at {self.position}"

    @property
    def reason(self) -> str:
        return (
            f"{self.value!r}: {show(self.character)} ({self.why}) at position {self.position} in place of "
            f"{self.replaced!r}, {self.where}"
        )


def show(char: str) -> str:
    """A character as a reader can tell it apart: ``'.'``, ``U+0009``, ``'é' U+00E9``."""
    code = ord(char)
    if char.isascii() and char.isprintable():
        return repr(char)
    if not char.isprintable():
        return f"U+{code:04X}"
    return f"{char!r} U+{code:04X}"


def _runs(chars: str) -> list[tuple[str, str]]:
    """Maximal runs of consecutive code points among ``chars``: ``"-0123456789"`` -> ``[("-", "-"),
    ("0", "9")]``."""
    runs: list[tuple[str, str]] = []
    for code in sorted({ord(c) for c in chars}):
        if runs and ord(runs[-1][1]) == code - 1:
            runs[-1] = (runs[-1][0], chr(code))
        else:
            runs.append((chr(code), chr(code)))
    return runs


def _describe_run(low: str, high: str) -> str:
    return repr(low) if low == high else f"{low}-{high}"


def _printable_ascii(chars: str) -> str:
    return "".join(c for c in chars if ord(c) in _PRINTABLE)


def _class_candidates(segment: Segment, others: tuple[Segment, ...]) -> dict[str, str]:
    """Characters just outside ``segment``'s class, each with why it was chosen (first reason wins)."""
    candidates: dict[str, str] = {}

    def offer(char: str, why: str) -> None:
        if not segment.accepts_in_some_dialect(char):
            candidates.setdefault(char, why)

    for low, high in _runs(_printable_ascii(segment.agreed)):
        run = _describe_run(low, high)
        for code, side in ((ord(low) - 1, "before"), (ord(high) + 1, "past")):
            if code in _PRINTABLE:
                offer(chr(code), f"just {side} the range {run}")
    for other in others:
        if other is segment or other.is_literal:
            continue
        allowed_there = "".join(
            c for c in _printable_ascii(other.agreed) if not segment.accepts_in_some_dialect(c)
        )
        for low, high in _runs(allowed_there):
            for char in dict.fromkeys((low, high)):
                offer(char, f"taken by {other.source} elsewhere in the pattern, not here")
    for char in PUNCTUATION_AND_SPACE:
        offer(char, "the space, outside the class" if char == " " else "ASCII punctuation outside the class")
    for char in CONTROL_CHARACTERS:
        offer(char, "a control character")
    offer(NON_ASCII_LETTER, "a non-ASCII letter")
    offer(ASTRAL_CHARACTER, "an astral-plane character")
    return candidates


def _literal_candidates(segment: Segment) -> dict[str, str]:
    char = segment.source
    if char.swapcase() != char:
        return {char.swapcase(): f"{char!r} in the other case"}
    following = chr(ord(char) + 1)
    return {following: f"the character after {char!r}"} if ord(following) in _PRINTABLE else {}


def _short_candidates(candidates: dict[str, str]) -> dict[str, str]:
    """At a segment's last position: only the range ends and the non-ASCII ones (the rest is sent at its
    first position already)."""
    return {c: why for c, why in candidates.items() if why.startswith("just") or not c.isascii()}


def _counts(grammar: Grammar, size: int, extra_each: int) -> list[int] | None:
    """Characters per segment for a value of ``size``: the minimum of each, ``extra_each`` more for each
    variable segment, the rest to the first segments with room; None if ``size`` can't be reached."""
    counts = [s.min + (min(extra_each, s.max - s.min) if s.max > s.min else 0) for s in grammar.segments]
    left = size - sum(counts)
    if left < 0:
        return None
    for index, segment in enumerate(grammar.segments):
        take = min(left, min(UNBOUNDED, segment.max) - counts[index])
        counts[index] += take
        left -= take
    return None if left else counts


def _filler(segment: Segment) -> str:
    if segment.is_literal:
        return segment.source
    for preferred in "a0A_":
        if preferred in segment.agreed:
            return preferred
    return sorted(segment.agreed)[0]


def _bases(grammar: Grammar, low: int, high: int) -> Iterator[tuple[str, list[int]]]:
    """Valid values to change, with the segment of each position: the shortest full match (a pattern
    that is not anchored can be broken only there) and one with two more characters in each variable
    segment (so that each has a first and a last position)."""
    shortest = max(low, grammar.min_length)
    seen: set[str] = set()
    for extra_each, size in ((0, shortest), (2, None)):
        if size is None:
            size = max(shortest, sum(s.min + min(2, s.max - s.min) for s in grammar.segments))
        if size > high:
            continue
        counts = _counts(grammar, size, extra_each)
        if counts is None:
            continue
        owners = [index for index, count in enumerate(counts) for _ in range(count)]
        value = "".join(_filler(s) * count for s, count in zip(grammar.segments, counts, strict=True))
        if value in seen or not dialects.valid_in_every_reading(grammar.pattern, value):
            continue
        seen.add(value)
        yield value, owners


def _where(segment: Segment, first: bool, index: int) -> str:
    kind = "the literal" if segment.is_literal else "a character of"
    place = "first" if first else "last"
    return f"{kind} {segment.source} (segment {index + 1}, its {place} position)"


@cache
def near_misses(
    pattern: str, low: int = 0, high: int = UNBOUNDED, unsendable: str = ""
) -> tuple[NearMiss, ...]:
    """The deterministic near misses of ``pattern`` for values of ``low`` to ``high`` code points, none
    holding a character of ``unsendable``; empty for a pattern that matches the empty string (searched,
    it matches every value)."""
    if dialects.matches_empty(pattern):
        return ()
    grammar = parse(pattern)
    segments = grammar.segments
    # One near miss per segment, place (first or last) and character, from the first base where it works.
    found: dict[tuple[int, bool, str], NearMiss] = {}
    values: set[str] = set()
    for base, owners in _bases(grammar, low, high):
        for position, owner in enumerate(owners):
            segment = segments[owner]
            first = position == 0 or owners[position - 1] != owner
            last = position == len(owners) - 1 or owners[position + 1] != owner
            if not (first or last):
                continue
            if segment.is_literal:
                candidates = _literal_candidates(segment)
            else:
                candidates = _class_candidates(segment, segments)
                if not first:
                    candidates = _short_candidates(candidates)
            for char, why in candidates.items():
                if char in unsendable:
                    continue
                key = (owner, first, char)
                value = base[:position] + char + base[position + 1 :]
                if key in found or value in values or not dialects.invalid_in_every_reading(pattern, value):
                    continue
                values.add(value)
                found[key] = NearMiss(
                    value, position, char, base[position], why, _where(segment, first, owner)
                )
    return tuple(found.values())


# -- far misses: the shapes of a value with no match anywhere, shared by the boundary catalogue (fixed
# parameters, ``far_misses``) and the random pattern faults (drawn ones, ``strategies.faults``) ----------
def case_broken(value: str, index: int, replacement: str) -> str:
    """``value`` with its character at ``index`` (in the pattern's literal prefix) in the other case, or
    ``replacement`` where that character has none."""
    original = value[index]
    swapped = original.swapcase()
    return value[:index] + (swapped if swapped != original else replacement) + value[index + 1 :]


def inserted(value: str, index: int, text: str) -> str:
    """``text`` put into ``value`` before its character at ``index``."""
    return value[:index] + text + value[index:]


def far_misses(pattern: str, shortest: str, low: int, high: int, foreign: str) -> list[tuple[str, str]]:
    """``(edge, value)``: from ``shortest`` (the shortest valid value), its literal prefix's first character
    in the other case, each forbidden prefix before it, the first printable ``foreign`` character in its
    middle, a value of the last one only, and the empty value; those of ``low`` to ``high`` characters
    with no match in any reading."""
    grammar = parse(pattern)
    candidates = []
    if grammar.literal_prefix:
        candidates.append(("prefix case", case_broken(shortest, 0, shortest[0])))
    for forbidden in grammar.forbidden_prefixes:
        candidates.append((f"starts {forbidden}", inserted(shortest, 0, forbidden)))
    if foreign:
        printable = [ch for ch in foreign if ch.isprintable()] or list(foreign)
        candidates.append(("foreign character", inserted(shortest, len(shortest) // 2, printable[0])))
        candidates.append(("only foreign", printable[-1] * max(low, 1)))
    if not dialects.matches(pattern, ""):
        candidates.append(("empty", ""))
    return [
        (edge, value)
        for edge, value in candidates
        if low <= len(value) <= high and dialects.invalid_in_every_reading(pattern, value)
    ]


__all__ = ["NearMiss", "case_broken", "far_misses", "inserted", "near_misses", "show"]
