"""Candidate full matches of a pattern the flagship's grammar cannot read (groups, alternations,
lookaheads): a walk of Python's own parse of the pattern with a seeded random choice at each branch,
repeat and class.  Candidates only: every one is checked against every reading before it is used.

Hypothesis's ``from_regex`` would do the walk too, but its ``find`` cannot run inside a test that is
already drawing, and strategies are built lazily, during draws.
"""

from __future__ import annotations

import random
import re
import warnings
from collections.abc import Iterator
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

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
# The extra repeats drawn for an unbounded quantifier grow with the attempt, so that long minimum
# lengths are reached after a few tries.
_EXTRA_GROWTH = (1, 2, 4, 8, 16, 32, 64)


def python_translation(pattern: str) -> str:
    """The pattern with ``\\p{..}`` properties replaced by ASCII classes Python compiles (for candidates)."""

    def replace(match: re.Match[str], inside: bool) -> str:
        ascii_set = "a-zA-Z0-9" if match.group(1) == "P" else _PROPERTY_ASCII.get(match.group(3), "a-zA-Z0-9")
        return ascii_set if inside else f"[{ascii_set}]"

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


class _Walk:
    def __init__(self, rng: random.Random, extra: int, classes: dict[int, str]) -> None:
        self.classes = classes
        self.rng = rng
        self.extra = extra
        self.groups: dict[int, str] = {}

    def text(self, parsed: list) -> str:
        return "".join(self.node(op, arg) for op, arg in parsed)

    def char_from(self, choices: str) -> str:
        if not choices:
            return ""
        # Mostly the most readable character, sometimes any: variety without unreadable values.
        return choices[0] if self.rng.random() < 0.5 else self.rng.choice(choices)

    def node(self, op: object, arg: object) -> str:
        if op is sre.LITERAL:
            return chr(arg)  # type: ignore[arg-type]
        if op is sre.NOT_LITERAL:
            return self.char_from(_printable_except(arg))  # type: ignore[arg-type]
        if op is sre.ANY:
            return self.char_from(_printable_except(ord("\n")))
        if op is sre.IN:
            # Worked out once per class of the parse, which lives as long as the walks over it.
            if id(arg) not in self.classes:
                self.classes[id(arg)] = _class_choices(arg)  # type: ignore[arg-type]
            return self.char_from(self.classes[id(arg)])
        if op is sre.BRANCH:
            return self.text(self.rng.choice(arg[1]))  # type: ignore[index]
        if op is sre.SUBPATTERN:
            group, _, _, body = arg  # type: ignore[misc]
            value = self.text(body)
            if group:
                self.groups[group] = value
            return value
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, body = arg  # type: ignore[misc]
            top = low + self.extra if high == sre.MAXREPEAT else min(high, low + self.extra)
            return "".join(self.text(body) for _ in range(self.rng.randint(low, top)))
        if op is getattr(sre, "ATOMIC_GROUP", None):
            return self.text(arg)  # type: ignore[arg-type]
        if op is sre.GROUPREF:
            return self.groups.get(arg, "")  # type: ignore[arg-type]
        return ""  # anchors and lookarounds: the readings decide whether the candidate holds


def candidates(pattern: str, attempts: int = 200) -> Iterator[str]:
    """Up to ``attempts`` candidate full matches, shortest-minded first, deterministic for a pattern;
    lazily, since the caller stops as soon as it has enough."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            parsed = list(sre_parse.parse(python_translation(pattern)))
    except (re.error, ValueError, OverflowError, RecursionError):
        return
    classes: dict[int, str] = {}
    for attempt in range(attempts):
        extra = 0 if attempt < 4 else _EXTRA_GROWTH[attempt % len(_EXTRA_GROWTH)]
        walk = _Walk(random.Random(f"{pattern}/{attempt}"), extra, classes)
        try:
            yield walk.text(parsed)
        except (RecursionError, ValueError, IndexError):
            continue
