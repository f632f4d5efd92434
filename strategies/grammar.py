"""The model's patterns as sequences of segments, with the characters every regex dialect agrees on.

Hypothesis can generate from a regex, but not to an exact length, and not from the characters on which
ECMA-262, Python and Java all agree: ``\\w`` is ASCII in ECMA-262 and Unicode in Python, ``\\s`` is a
different set in each, ``.`` stops at different line terminators.  The model's patterns are simple (an
optional ``^``, an optional ``(?!literal)``, atoms with ``* + ? {n,m}``, an optional ``$``), so this module
reads them into segments and works out, atom by atom and by asking each dialect's own engine, which
characters every dialect accepts (to build values valid under every reading) and which none accepts
(to build values with no match anywhere).  A pattern outside that shape raises ``UnsupportedPattern``,
which the drift test turns into a clear failure.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from hypothesis import strategies as st

from conformance.spec import patterns

UNBOUNDED = 1 << 30

# Characters worth asking about beyond ASCII: letters and symbols from several scripts and planes, and
# every character that some dialect counts as white space or a line terminator.
PROBE_NON_ASCII = (
    "éÅßçñøüĳœŁΩжא"  # Latin, Greek, Cyrillic, Hebrew letters (\w in Python, not in ECMA-262)
    "中文字日本語한"  # CJK
    "😀👍🚀𝄞𠀋"  # astral plane: each is one code point, two UTF-16 code units
    "\u00a0\u1680\u2000\u2007\u200a\u202f\u205f\u3000\ufeff\u180e"  # spaces some dialect's \s takes
    "\u0085\u2028\u2029"  # line terminators some dialect's . stops at
    "\x1c\x1d\x1e\x1f"  # Python's Unicode \s takes these; ECMA-262 doesn't
    "٣०"  # non-ASCII digits (Python's Unicode \d)
)
PROBE = "".join(chr(c) for c in range(128)) + PROBE_NON_ASCII

# Categories left out of the wide alphabet: surrogates, and every space, separator, control or format
# character, since some dialect treats some of them as \s or a line terminator; and unassigned code
# points, which a newer Unicode database than one engine's may make white space.
_WIDE_EXCLUDED_CATEGORIES = ("Cs", "Cn", "Zs", "Zl", "Zp", "Cc", "Cf")

# The non-ASCII text of atoms such as ``.`` and ``\S``: a sample of blocks chosen for what they do to an
# implementation (two, three and four UTF-8 bytes; a UTF-16 surrogate pair; combining marks; right to
# left), not every assigned code point.  Few, wide ranges keep the alphabet a dozen intervals: Hypothesis
# checks each replayed character against every interval of its alphabet, and the ~700 intervals of "all
# assigned code points" made each wide character cost nine times an ASCII one.
WIDE_BLOCKS = (
    (0x00A1, 0x017F),  # Latin-1 Supplement, Latin Extended-A: two UTF-8 bytes
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0391, 0x03C9),  # Greek
    (0x0410, 0x044F),  # Cyrillic
    (0x05D0, 0x05EA),  # Hebrew, right to left
    (0x0620, 0x064A),  # Arabic, right to left
    (0x3041, 0x3096),  # Hiragana: three UTF-8 bytes
    (0x4E00, 0x4FFF),  # CJK ideographs
    (0xAC00, 0xAEFF),  # Hangul syllables
    (0x1D100, 0x1D126),  # musical symbols: astral, a UTF-16 surrogate pair, four UTF-8 bytes
    (0x1D400, 0x1D49B),  # mathematical alphanumerics
    (0x1F300, 0x1F64F),  # pictographs and emoticons
    (0x20000, 0x201FF),  # CJK Extension B
)


class UnsupportedPattern(ValueError):
    """A pattern this module can't read into segments."""


@dataclass(frozen=True)
class Segment:
    source: str  # the atom's own regex text: "a", "[0-9]", ".", "\\S"
    min: int
    max: int

    @property
    def agreed(self) -> str:
        """Characters of the probe set that this atom accepts in every dialect."""
        return _agreed(self.source)

    @property
    def is_literal(self) -> bool:
        """Exactly one occurrence of one character (the ``arn:aws:iam:`` of an ARN pattern)."""
        return self.min == self.max == 1 and len(self.source) == 1 and self.source not in ".^$"

    @property
    def wide(self) -> bool:
        """The atom takes ordinary non-ASCII text in every dialect (``.``, ``\\S``, negated classes)."""
        return all(c in self.agreed for c in "é中😀")

    def accepts_in_some_dialect(self, char: str) -> bool:
        return _accepted_somewhere(self.source, char)

    def alphabet(self) -> st.SearchStrategy[str]:
        """Single characters valid for this atom under every reading.

        A ``characters()`` alphabet lets ``st.text`` draw a whole segment as one choice.
        """
        return _alphabet(self.source)


@dataclass(frozen=True)
class Grammar:
    pattern: str
    segments: tuple[Segment, ...]
    anchored_start: bool
    anchored_end: bool
    forbidden_prefixes: tuple[str, ...]  # from a leading (?!literal)

    @property
    def min_length(self) -> int:
        return sum(s.min for s in self.segments)

    @property
    def max_length(self) -> int:
        return min(UNBOUNDED, sum(s.max for s in self.segments))

    @property
    def literal_prefix(self) -> str:
        """The fixed text every match starts with (``arn:aws:iam:``): the part a near miss breaks."""
        prefix = ""
        for segment in self.segments:
            if not segment.is_literal:
                break
            prefix += segment.source
        return prefix

    def foreign_characters(self) -> str:
        """Probe characters that no atom accepts in any dialect: none of them can start a match."""
        return "".join(c for c in PROBE if not any(s.accepts_in_some_dialect(c) for s in self.segments))


@cache
def _agreed(source: str) -> str:
    return "".join(c for c in PROBE if patterns.valid_in_every_reading(source, c))


@cache
def _alphabet(source: str) -> st.SearchStrategy[str]:
    agreed = _agreed(source)
    if all(c in agreed for c in "é中😀"):  # wide: every ASCII character it takes, and the sample blocks
        agreed = "".join(c for c in agreed if c.isascii()) + "".join(
            char
            for low, high in WIDE_BLOCKS
            for char in map(chr, range(low, high + 1))
            if unicodedata.category(char) not in _WIDE_EXCLUDED_CATEGORIES
            and patterns.valid_in_every_reading(source, char)
        )
    return st.characters(categories=(), include_characters="".join(sorted(set(agreed))))


@cache
def _accepted_somewhere(source: str, char: str) -> bool:
    return any(patterns.matches(source, char, dialect=d, fullmatch=True) for d in patterns.DIALECTS)


def _read_class(pattern: str, i: int) -> int:
    """Index just past the ``]`` that closes the class opened at ``pattern[i]``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    raise UnsupportedPattern(f"unclosed character class in {pattern!r}")


def _read_quantifier(pattern: str, i: int) -> tuple[int, int, int]:
    if i >= len(pattern):
        return 1, 1, i
    c = pattern[i]
    if c == "*":
        return 0, UNBOUNDED, i + 1
    if c == "+":
        return 1, UNBOUNDED, i + 1
    if c == "?":
        return 0, 1, i + 1
    if c == "{":
        end = pattern.index("}", i)
        low, _, high = pattern[i + 1 : end].partition(",")
        if not _:
            high = low
        return int(low), int(high) if high else UNBOUNDED, end + 1
    return 1, 1, i


@cache
def parse(pattern: str) -> Grammar:
    i = 0
    anchored_start = pattern.startswith("^")
    i += anchored_start
    forbidden: list[str] = []
    while pattern.startswith("(?!", i):
        end = pattern.index(")", i)
        literal = pattern[i + 3 : end]
        if any(c in literal for c in "[](){}*+?.\\|^$"):
            raise UnsupportedPattern(f"lookahead with more than a literal in {pattern!r}")
        forbidden.append(literal)
        i = end + 1
    segments: list[Segment] = []
    anchored_end = False
    while i < len(pattern):
        c = pattern[i]
        if c == "$" and i == len(pattern) - 1:
            anchored_end = True
            break
        if c == "[":
            end = _read_class(pattern, i)
        elif c == "\\":
            end = i + 2
        elif c in "()|^$*+?{}":
            raise UnsupportedPattern(f"{c!r} at {i} in {pattern!r}")
        else:
            end = i + 1
        low, high, after = _read_quantifier(pattern, end)
        segments.append(Segment(pattern[i:end], low, high))
        i = after
    return Grammar(pattern, tuple(segments), anchored_start, anchored_end, tuple(forbidden))
