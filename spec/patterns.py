"""The model's patterns under each regex dialect and each reading (search or full match).

Smithy says a pattern is an ECMA-262 regex that is not implicitly anchored: a value conforms when the
pattern matches somewhere in it.  Implementations check with whatever engine they have, so the suite
asks three questions of a value, each across every dialect it knows:

* ``valid_in_every_reading``: a full match in every dialect (safe to call valid);
* ``invalid_in_every_reading``: no match anywhere in any dialect (safe to call invalid);
* ``search_only``: a match somewhere in every dialect but a full match in none (the ambiguous zone).

Dialects: ``ecma`` (the model's own, through the ``regress`` engine), ``python`` (``re`` as it comes,
Unicode ``\\w``/``\\s``/``\\d``, ``$`` before a final newline), ``python-ascii`` (``re.ASCII``) and
``java`` (``java.util.regex`` without flags: ASCII ``\\w``/``\\s``/``\\d`` as in ``re.ASCII``, ``.`` that
stops at ``\\n``, ``\\r``, ``\\u0085``, ``\\u2028`` and ``\\u2029``, and ``$`` that also matches before
one final line terminator: ``\\n``, ``\\r``, ``\\r\\n``, ``\\u0085``, ``\\u2028`` or ``\\u2029``).  Java's
reading is emulated by rewriting ``.`` and ``$`` for Python's engine; ``tests/test_external_engines.py``
holds the emulation to a real JVM.  The emulated ``$`` also matches between a final ``\\r\\n``, which Java's
does not: a little wider, so it can only make fewer values "invalid in every reading", never more.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import regress

DIALECTS = ("ecma", "python", "python-ascii", "java")

# Java's line terminators (without UNIX_LINES): what its ``.`` does not match and its ``$`` may precede.
JAVA_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"
_JAVA_DOT = f"[^{JAVA_LINE_TERMINATORS}]"
_JAVA_DOLLAR = f"(?=(?:\r\n|[{JAVA_LINE_TERMINATORS}])?\\Z)"


def java_as_python(pattern: str) -> str:
    """``pattern`` rewritten so that Python's ``re`` (with ``re.ASCII``) reads it as Java does: ``.``, ``$``,
    ``\\Z`` and ``\\z`` outside character classes replaced; ``\\p{..}``/``\\P{..}`` properties spelled as
    the code-point ranges they name (``JAVA_PROPERTIES``); ``\\x{h..h}`` and a ``\\uD8xx\\uDCxx`` pair (one
    code point to Java) as ``\\U`` escapes; an inline flag group such as ``(?i)`` in mid-pattern, which
    Java applies to the rest of its group, as a scoped ``(?i:...)`` over that rest.  Raises ValueError
    where a construct has no faithful rewrite (an unknown property, a flag group before an alternation)."""
    out: list[str] = []
    in_class = False
    # For each open group: whether a scoped flag group was opened inside it and must close with it.
    groups: list[int] = [0]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape, width = _java_escape(pattern, i, in_class)
            out.append(escape)
            i += width
            continue
        if in_class:
            in_class = char != "]" or out[-1] in ("[", "[^")
        elif char == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
        elif char == ".":
            char = _JAVA_DOT
        elif char == "$":
            char = _JAVA_DOLLAR
        elif char == "(":
            flags = _INLINE_FLAGS.match(pattern, i)
            if flags and (i > 0 or len(groups) > 1):
                if "|" in _rest_of_group(pattern, flags.end()):
                    raise ValueError("an inline flag group before an alternation of its group")
                out.append(f"(?{flags.group(1)}:")
                groups[-1] += 1
                i = flags.end()
                continue
            groups.append(0)
        elif char == ")" and len(groups) > 1:
            char = ")" * groups.pop() + ")"
        out.append(char)
        i += 1
    out.append(")" * groups[0])
    return "".join(out)


# An inline flag group that sets flags for the rest of its group: ``(?i)``, ``(?is)``.
_INLINE_FLAGS = re.compile(r"\(\?([imsx]+)\)")
# Java's ``\z`` is the very end (Python's ``\Z``); Java's ``\Z`` allows one final line terminator.
_JAVA_ANCHORS = {"z": r"\Z", "Z": _JAVA_DOLLAR}
_JAVA_PROPERTY = re.compile(r"\\([pP])(?:\{(\^?)([A-Za-z_=]+)\}|([A-Z]))")
_JAVA_CODE_POINT = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")
_SURROGATE_PAIR = re.compile(r"\\u(D[89AB][0-9A-Fa-f]{2})\\u(D[C-F][0-9A-Fa-f]{2})", re.IGNORECASE)


def _java_escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """One escape of a Java pattern read at ``i``, as Python's ``re`` spells it, and its width."""
    for form in (_JAVA_PROPERTY, _JAVA_CODE_POINT, _SURROGATE_PAIR):
        found = form.match(pattern, i)
        if found is None:
            continue
        if form is _JAVA_PROPERTY:
            negated = (found.group(1) == "P") != (found.group(2) == "^")
            ranges = java_property_ranges(found.group(3) or found.group(4), negated)
            return (ranges if in_class else f"[{ranges}]"), found.end() - i
        if form is _JAVA_CODE_POINT:
            return f"\\U{int(found.group(1), 16):08x}", found.end() - i
        high, low = int(found.group(1), 16), int(found.group(2), 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}", found.end() - i
    if not in_class and pattern[i + 1 : i + 2] in _JAVA_ANCHORS:
        return _JAVA_ANCHORS[pattern[i + 1]], 2
    if pattern[i + 1 : i + 2] == "v":
        return (_JAVA_VERTICAL if in_class else f"[{_JAVA_VERTICAL}]"), 2
    return pattern[i : i + 2], 2


def java_code_points(pattern: str) -> str:
    """``pattern`` with Java's code-point escapes (``\\x{h..h}``, a ``\\uD8xx\\uDCxx`` pair) as ``\\U``
    escapes, which Python's ``re`` reads alike."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            if _JAVA_CODE_POINT.match(pattern, i) or _SURROGATE_PAIR.match(pattern, i):
                escape, width = _java_escape(pattern, i, True)
                out.append(escape)
                i += width
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _rest_of_group(pattern: str, start: int) -> str:
    """The text from ``start`` to the end of the group it sits in (classes and escapes skipped)."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return pattern[start:i]
            depth -= 1
        elif char == "|" and depth == 0:
            return pattern[start:]  # an alternation at the group's own level: the caller refuses it
        i += 1
    return pattern[start:]


# Java's properties without UNICODE_CHARACTER_CLASS: the POSIX classes are US-ASCII only.
_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\x00-\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \t",
    "Cntrl": "\x00-\x1f\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \t\n\x0b\f\r",
}
_CATEGORY_GROUPS = ("L", "M", "N", "P", "S", "Z", "C")
_NO_BREAK = (0xA0, 0x2007, 0x202F)
# Unicode's White_Space property, fixed since Unicode 6.3.
_WHITE_SPACE = "\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Java's ``\v`` is every vertical space; Python's is the one character U+000B.
_JAVA_VERTICAL = "\\n\\x0b\\f\\r\\x85\\u2028\\u2029"


def java_property_ranges(name: str, negated: bool = False) -> str:
    """The inside of a Python character class holding what Java's ``\\p{name}`` matches (its complement
    where ``negated``): a general category (``L``, ``Lu``, ``IsL``), a POSIX class (ASCII), ``all``,
    ``javaWhitespace``/``IsWhitespace``.  Categories come from Python's ``unicodedata``, whose Unicode
    version may differ from a JVM's in characters assigned since; ValueError for any other property."""
    return _ranges_text(_property_code_points(name), negated)


@cache
def _property_code_points(name: str) -> tuple[tuple[int, int], ...]:
    bare = name[2:] if name.startswith("Is") and name[2:] in _categories() else name
    bare = bare.split("=", 1)[1] if bare.startswith(("general_category=", "gc=")) else bare
    if bare in _categories():
        return _categories()[bare]
    if name in _POSIX:
        return _parse_ranges(_POSIX[name])
    if name == "all":
        return ((0, 0x10FFFF),)
    if name == "javaWhitespace":
        # Character.isWhitespace: the separators but the no-break spaces, and nine controls.
        separators = [
            (c, c) for low, high in _categories()["Z"] for c in range(low, high + 1) if c not in _NO_BREAK
        ]
        return _merge([(0x09, 0x0D), (0x1C, 0x1F), *separators])
    if name in ("IsWhitespace", "IsWhite_Space", "IsWhite_space"):
        return _parse_ranges(_WHITE_SPACE)  # Unicode's White_Space property (no-break spaces included)
    raise ValueError(f"a property the suite does not spell: \\p{{{name}}}")


@cache
def _categories() -> dict[str, tuple[tuple[int, int], ...]]:
    """Each general category (two letters) and category group (one letter) as code-point ranges."""
    found: dict[str, list[tuple[int, int]]] = {}
    for category, spans in _two_letter_categories().items():
        found[category] = [tuple(span) for span in spans]
        found.setdefault(category[0], []).extend(found[category])
    for group in _CATEGORY_GROUPS:
        found[group] = list(_merge(found.get(group, [])))
    return {name: tuple(spans) for name, spans in found.items()}


def _two_letter_categories() -> dict[str, Any]:
    """Hypothesis's table of the general categories of this Python's ``unicodedata`` (the one it draws
    characters from), which it keeps in its storage directory: read in a few milliseconds where building
    it takes 0.15 s at the start of every run of an operation with a ``\\p{..}`` pattern.  Built here, the
    same way, where that internal table is not there."""
    try:
        from hypothesis.internal.charmap import charmap

        table = charmap()
        if isinstance(table, dict) and table:
            return table
    except (ImportError, AttributeError, OSError, TypeError, ValueError):
        pass
    import unicodedata
    from itertools import groupby

    found: dict[str, list[tuple[int, int]]] = {}
    code = 0
    # Runs of one category, the per-code-point work in C (map).
    for category, run in groupby(map(unicodedata.category, map(chr, range(0x110000)))):
        end = code + len(list(run)) - 1
        found.setdefault(category, []).append((code, end))
        code = end + 1
    return found


def _parse_ranges(chars: str) -> tuple[tuple[int, int], ...]:
    """``a-z0`` (the characters themselves, no escapes) as code-point ranges."""
    out, i = [], 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out.append((ord(chars[i]), ord(chars[i + 2])))
            i += 3
        else:
            out.append((ord(chars[i]), ord(chars[i])))
            i += 1
    return _merge(out)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def _ranges_text(spans: tuple[tuple[int, int], ...], negated: bool) -> str:
    if negated:
        complement, start = [], 0
        for low, high in spans:
            if low > start:
                complement.append((start, low - 1))
            start = high + 1
        if start <= 0x10FFFF:
            complement.append((start, 0x10FFFF))
        spans = tuple(complement)
    return "".join(f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in spans)


# ECMA-262 with the ``u`` flag takes an identity escape only of these (``-`` inside a class too).
_ECMA_SYNTAX = set("^$\\.*+?()[]{}|/")


def ecma_unicode(pattern: str) -> str:
    """``pattern`` for ECMA-262's ``u`` mode, where ``\\p{..}`` means a Unicode property: the identity
    escapes that mode refuses (``\\'``, ``\\_``, ``\\-`` outside a class) written as the characters they
    stand for, which is how the other mode and Java read them."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            keep = nxt.isalnum() or nxt in _ECMA_SYNTAX or (in_class and nxt == "-")
            out.append(pattern[i : i + 2] if keep else nxt)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        out.append(char)
        i += 1
    return "".join(out)


def uses_properties(pattern: str) -> bool:
    """Whether the pattern names Unicode properties (``\\p{L}``): ECMA-262 reads those only in ``u`` mode;
    read without it, ``\\p{L}`` is the letters ``p{L}``, a reading no implementation of such a pattern
    means."""
    return _JAVA_PROPERTY.search(pattern) is not None


@cache
def matcher(pattern: str, dialect: str, fullmatch: bool) -> Callable[[str], bool]:
    """A predicate that tells whether ``pattern`` matches a value in ``dialect``."""
    if dialect == "ecma":
        source = ecma_unicode(pattern) if uses_properties(pattern) else pattern
        wrapped = f"^(?:{source})$" if fullmatch else source
        compiled = regress.Regex(wrapped, "u") if uses_properties(pattern) else regress.Regex(wrapped)

        def ecma(value: str) -> bool:
            try:
                return compiled.find(value) is not None
            except (UnicodeEncodeError, ValueError):  # a lone surrogate is no text the engine takes
                return False

        return ecma
    if dialect not in DIALECTS:
        raise ValueError(f"unknown regex dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    flags = re.ASCII if dialect in ("python-ascii", "java") else 0
    python = re.compile(java_as_python(pattern) if dialect == "java" else pattern, flags)
    method = python.fullmatch if fullmatch else python.search
    return lambda value: method(value) is not None


def matches(pattern: str, value: str, *, dialect: str = "ecma", fullmatch: bool = False) -> bool:
    return matcher(pattern, dialect, fullmatch)(value)


@cache
def readable_dialects(pattern: str) -> tuple[str, ...]:
    """The dialects whose engines compile ``pattern``.  About a hundred of the models' patterns use
    ``\\p{L}`` (which Python's ``re`` refuses) or an inline ``(?s)`` (which ECMA-262 lacks): a dialect that
    cannot read a pattern is no reading of it, and the others still judge (they are what services run)."""
    readable = []
    for dialect in DIALECTS:
        with warnings.catch_warnings():
            # Python warns of ``[[`` and ``--`` in classes (future set syntax); the reading stays today's.
            warnings.simplefilter("ignore", FutureWarning)
            try:
                matcher(pattern, dialect, True)
                matcher(pattern, dialect, False)
            except Exception:  # re.error, regress's own errors, a Java-only construct: not readable
                continue
        readable.append(dialect)
    return tuple(readable)


def valid_in_every_reading(pattern: str, value: str) -> bool:
    """A full match in every dialect that reads the pattern; never where none does."""
    readable = readable_dialects(pattern)
    return bool(readable) and all(matches(pattern, value, dialect=d, fullmatch=True) for d in readable)


def invalid_in_every_reading(pattern: str, value: str) -> bool:
    """No match anywhere in any dialect that reads the pattern; never where none does."""
    readable = readable_dialects(pattern)
    return bool(readable) and not any(matches(pattern, value, dialect=d) for d in readable)


def search_only(pattern: str, value: str) -> bool:
    """Valid when the pattern is searched (Smithy's reading), invalid when it must match the whole value."""
    return all(matches(pattern, value, dialect=d) for d in DIALECTS) and not any(
        matches(pattern, value, dialect=d, fullmatch=True) for d in DIALECTS
    )


def matches_empty(pattern: str) -> bool:
    """A pattern that matches the empty string matches somewhere in every value: search can't fail."""
    return matches(pattern, "")
