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

import regress

DIALECTS = ("ecma", "python", "python-ascii", "java")

# Java's line terminators (without UNIX_LINES): what its ``.`` does not match and its ``$`` may precede.
JAVA_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"
_JAVA_DOT = f"[^{JAVA_LINE_TERMINATORS}]"
_JAVA_DOLLAR = f"(?=(?:\r\n|[{JAVA_LINE_TERMINATORS}])?\\Z)"


def java_as_python(pattern: str) -> str:
    """``pattern`` rewritten so that Python's ``re`` (with ``re.ASCII``) reads it as Java does: ``.`` and
    ``$`` outside character classes replaced, everything else (classes, escapes, lookaheads) kept."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
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
        out.append(char)
        i += 1
    return "".join(out)


@cache
def matcher(pattern: str, dialect: str, fullmatch: bool) -> Callable[[str], bool]:
    """A predicate that tells whether ``pattern`` matches a value in ``dialect``."""
    if dialect == "ecma":
        compiled = regress.Regex(f"^(?:{pattern})$" if fullmatch else pattern)

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
