"""Candidate full matches of a pattern the flagship's grammar cannot read (groups, alternations,
lookaheads): a walk of Python's own parse of the pattern with a seeded random choice at each branch,
repeat and class, its repeats steered towards the member's length bounds.  Candidates only: every one is
checked against every reading before it is used.

Hypothesis's ``from_regex`` would do the walk too, but its ``find`` cannot run inside a test that is
already drawing, and strategies are built lazily, during draws; nor does it take length bounds (a filter
on its values seldom meets a length of exactly 64).
"""

from __future__ import annotations

import random
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from conformance.spec.patterns import java_as_python, java_code_points

# Characters tried for a class, most readable first: letters and digits, then the rest of printable ASCII.
# ASCII only: every dialect agrees on these (``\w``, ``\d``, ``\s`` differ only beyond ASCII).
PREFERRED = "a0A_b1B-.:/z9Z"
PRINTABLE = PREFERRED + "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in PREFERRED)
# Unicode properties Python's ``re`` does not know, approximated in ASCII for generation only.
_PROPERTY = re.compile(r"\\([pP])\{(\^?)([A-Za-z_]+)\}")
_PROPERTY_ASCII = {
    "L": "a-zA-Z",
    "Lu": "A-Z",
    "Ll": "a-z",
    "Alpha": "a-zA-Z",
    "IsAlphabetic": "a-zA-Z",
    "N": "0-9",
    "Nd": "0-9",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "P": "!-/:-@",
    "Punct": "!-/:-@",
    "S": "+<=>$",
    "Z": " ",
    "Zs": " ",
    "Blank": " ",
    "ASCII": "a-zA-Z0-9",
    "Pc": "_",
    "Pd": "-",
}
# The extra repeats drawn for an unbounded quantifier grow with the attempt, for variety of lengths (the
# length bounds themselves are met by steering the counts).
_EXTRA_GROWTH = (1, 2, 4, 8, 16, 32, 64)
# The most characters steering counts with: a repeat without a maximum writes up to this many.
UNBOUNDED = 1 << 62


def python_translation(pattern: str) -> str:
    """The pattern with ``\\p{..}`` properties replaced by ASCII classes Python compiles (for candidates)."""

    def replace(match: re.Match[str], inside: bool) -> str:
        ascii_set = "a-zA-Z0-9" if match.group(1) == "P" else _PROPERTY_ASCII.get(match.group(3), "a-zA-Z0-9")
        return ascii_set if inside else f"[{ascii_set}]"

    pattern = java_code_points(pattern)
    out, i, in_class = [], 0, False
    while i < len(pattern):
        found = _PROPERTY.match(pattern, i)
        if found:
            out.append(replace(found, in_class))
            i = found.end()
            continue
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class and out and out[-1] not in ("[", "[^"):
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _class_accepts(items: list, char: str) -> bool:
    negate = False
    hit = False
    code = ord(char)
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            hit = hit or code == arg
        elif op is sre.RANGE:
            hit = hit or arg[0] <= code <= arg[1]
        elif op is sre.CATEGORY:
            hit = hit or _category(arg, char)
    return hit != negate


def _category(category: object, char: str) -> bool:
    name = str(category)
    ascii_word = char.isascii() and (char.isalnum() or char == "_")
    table = {
        "CATEGORY_DIGIT": char.isdigit() and char.isascii(),
        "CATEGORY_NOT_DIGIT": not (char.isdigit() and char.isascii()),
        "CATEGORY_WORD": ascii_word,
        "CATEGORY_NOT_WORD": not ascii_word,
        "CATEGORY_SPACE": char in " \t\n\r\f\v",
        "CATEGORY_NOT_SPACE": char not in " \t\n\r\f\v",
    }
    return table.get(name, False)


@cache
def _printable_except(code: int) -> str:
    return "".join(c for c in PRINTABLE if ord(c) != code)


def _class_choices(items: list) -> str:
    """The printable characters a class accepts."""
    return "".join(c for c in PRINTABLE if _class_accepts(items, c))


_REPEATS = tuple(
    op for op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) if op is not None
)
_ONE_CHARACTER = (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN)


@dataclass
class _Memo:
    """What the walks over one parse work out once, keyed by the parse's own nodes (which live as long as
    the walks): the printable characters of each class, the fewest and most characters of each node and
    sequence, and for each item of a sequence those of the items after it."""

    classes: dict[int, str] = field(default_factory=dict)
    widths: dict[int, tuple[int, int]] = field(default_factory=dict)
    rests: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


class _Walk:
    def __init__(self, rng: random.Random, extra: int, memo: _Memo) -> None:
        self.memo = memo
        self.rng = rng
        self.extra = extra
        self.groups: dict[int, str] = {}

    def text(self, parsed: list, low: int = 0, high: int = UNBOUNDED) -> str:
        """A walk of a sequence, held to ``low`` to ``high`` characters where the pattern allows: each item
        is kept to what the items after it cannot make up for."""
        out = ""
        for (op, arg), (rest_low, rest_high) in zip(parsed, self.rests(parsed), strict=True):
            out += self.node(op, arg, low - len(out) - rest_high, high - len(out) - rest_low)
        return out

    def rests(self, parsed: list) -> list[tuple[int, int]]:
        """For each item of a sequence, the fewest and most characters the items after it write."""
        if id(parsed) not in self.memo.rests:
            rests, low, high = [], 0, 0
            for op, arg in reversed(list(parsed)):
                rests.append((low, high))
                width = self.width(op, arg)
                low, high = min(UNBOUNDED, low + width[0]), min(UNBOUNDED, high + width[1])
            self.memo.rests[id(parsed)] = rests[::-1]
        return self.memo.rests[id(parsed)]

    def sequence_width(self, parsed: list) -> tuple[int, int]:
        if id(parsed) not in self.memo.widths:
            low, high = 0, 0
            for op, arg in parsed:
                width = self.width(op, arg)
                low, high = min(UNBOUNDED, low + width[0]), min(UNBOUNDED, high + width[1])
            self.memo.widths[id(parsed)] = low, high
        return self.memo.widths[id(parsed)]

    def width(self, op: object, arg: Any) -> tuple[int, int]:
        """The fewest and most characters a node writes (``UNBOUNDED``: no most)."""
        if op in _ONE_CHARACTER:
            return 1, 1
        if op is sre.GROUPREF:
            return 0, UNBOUNDED  # the group's own text, as long as it came out
        if op not in _REPEATS and op not in (sre.BRANCH, sre.SUBPATTERN, getattr(sre, "ATOMIC_GROUP", None)):
            return 0, 0  # anchors and lookarounds
        if id(arg) not in self.memo.widths:
            if op is sre.BRANCH:
                widths = [self.sequence_width(branch) for branch in arg[1]]
                found = min(w[0] for w in widths), max(w[1] for w in widths)
            elif op is sre.SUBPATTERN:
                found = self.sequence_width(arg[3])
            elif op in _REPEATS:
                low, high, body = arg
                body_low, body_high = self.sequence_width(body)
                most = UNBOUNDED if high == sre.MAXREPEAT and body_high else high * body_high
                found = min(UNBOUNDED, low * body_low), min(UNBOUNDED, most)
            else:
                found = self.sequence_width(arg)
            self.memo.widths[id(arg)] = found
        return self.memo.widths[id(arg)]

    def char_from(self, choices: str) -> str:
        if not choices:
            return ""
        # Mostly the most readable character, sometimes any: variety without unreadable values.
        return choices[0] if self.rng.random() < 0.5 else self.rng.choice(choices)

    def node(self, op: object, arg: Any, low: int = 0, high: int = UNBOUNDED) -> str:
        if op is sre.LITERAL:
            return chr(arg)
        if op is sre.NOT_LITERAL:
            return self.char_from(_printable_except(arg))
        if op is sre.ANY:
            return self.char_from(_printable_except(ord("\n")))
        if op is sre.IN:
            # Worked out once per class of the parse, which lives as long as the walks over it.
            if id(arg) not in self.memo.classes:
                self.memo.classes[id(arg)] = _class_choices(arg)
            return self.char_from(self.memo.classes[id(arg)])
        if op is sre.BRANCH:
            return self.branch(arg[1], low, high)
        if op is sre.SUBPATTERN:
            group, _, _, body = arg
            value = self.text(body, low, high)
            if group:
                self.groups[group] = value
            return value
        if op in _REPEATS:
            return self.repeat(arg, low, high)
        if op is getattr(sre, "ATOMIC_GROUP", None):
            return self.text(arg, low, high)
        if op is sre.GROUPREF:
            return self.groups.get(arg, "")
        return ""  # anchors and lookarounds: the readings decide whether the candidate holds

    def branch(self, branches: list, low: int, high: int) -> str:
        chosen = self.rng.choice(branches)
        if not self.fits(self.sequence_width(chosen), low, high):
            # The choice cannot meet the length: another that can, where there is one.
            fitting = [b for b in branches if self.fits(self.sequence_width(b), low, high)]
            chosen = self.rng.choice(fitting) if fitting else chosen
        return self.text(chosen, low, high)

    @staticmethod
    def fits(width: tuple[int, int], low: int, high: int) -> bool:
        return width[0] <= high and width[1] >= low

    def repeat(self, arg: Any, low: int, high: int) -> str:
        """A repeat: a random count, raised or lowered to one whose copies can write ``low`` to ``high``
        characters (the fewest copies that reach ``low``: shortest-minded), within the repeat's own range."""
        least, most, body = arg
        top = least + self.extra if most == sre.MAXREPEAT else min(most, least + self.extra)
        count = self.rng.randint(least, top)
        body_low, body_high = self.sequence_width(body)
        if body_high and low > count * body_high:
            count = -(-low // body_high)
        if body_low and high < count * body_low:
            count = max(high, 0) // body_low
        count = max(least, min(count, most))
        out = ""
        for copy in range(count):
            left = count - copy - 1
            out += self.text(
                body, low - len(out) - min(UNBOUNDED, left * body_high), high - len(out) - left * body_low
            )
        return out


def _parse(pattern: str) -> list:
    """Python's parse of the pattern, its properties approximated in ASCII; where Python's syntax refuses
    it (an inline flag group in mid-pattern), of Java's reading as ``spec.patterns`` spells it."""
    try:
        return list(sre_parse.parse(python_translation(pattern)))
    except re.error:
        return list(sre_parse.parse(java_as_python(pattern), re.ASCII))


def candidates(pattern: str, low: int = 0, high: int = UNBOUNDED, attempts: int = 200) -> Iterator[str]:
    """Up to ``attempts`` candidate full matches, shortest-minded first, deterministic for a pattern;
    lazily, since the caller stops as soon as it has enough.  Repeats are steered towards ``low`` to
    ``high`` characters (a 64-character hexadecimal id), where random counts would seldom land; a
    candidate may still miss them, where the pattern's structure leaves the walk no way to meet them."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            parsed = _parse(pattern)
    except (re.error, ValueError, OverflowError, RecursionError):
        return
    memo = _Memo()
    for attempt in range(attempts):
        extra = 0 if attempt < 4 else _EXTRA_GROWTH[attempt % len(_EXTRA_GROWTH)]
        walk = _Walk(random.Random(f"{pattern}/{attempt}"), extra, memo)
        try:
            yield walk.text(parsed, low, high)
        except (RecursionError, ValueError, IndexError):
            continue
