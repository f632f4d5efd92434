"""The model's patterns under each regex dialect and each reading (search or full match).

Smithy says a pattern is an ECMA-262 regex that is not implicitly anchored: a value conforms when the
pattern matches somewhere in it.  Implementations check with whatever engine they have, so the suite
asks three questions of a value, each across every dialect it knows:

* ``valid_in_every_reading``: a full match in every dialect (safe to call valid);
* ``invalid_in_every_reading``: no match anywhere in any dialect (safe to call invalid);
* ``search_only``: a match somewhere in every dialect but a full match in none (the ambiguous zone).

Dialects: ``ecma`` (the model's own, through the ``regress`` engine), ``python`` (``re`` as it comes,
Unicode ``\\w``/``\\s``/``\\d``, ``$`` before a final newline) and ``python-ascii`` (``re.ASCII``, whose
classes agree with Java's).  Java's ``.`` stops at more line terminators than Python's, so any value with
no match in ``python-ascii`` has none in Java either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import regress

DIALECTS = ("ecma", "python", "python-ascii")


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
    flags = re.ASCII if dialect == "python-ascii" else 0
    python = re.compile(pattern, flags)
    method = python.fullmatch if fullmatch else python.search
    return lambda value: method(value) is not None


def matches(pattern: str, value: str, *, dialect: str = "ecma", fullmatch: bool = False) -> bool:
    return matcher(pattern, dialect, fullmatch)(value)


def valid_in_every_reading(pattern: str, value: str) -> bool:
    return all(matches(pattern, value, dialect=d, fullmatch=True) for d in DIALECTS)


def invalid_in_every_reading(pattern: str, value: str) -> bool:
    return not any(matches(pattern, value, dialect=d) for d in DIALECTS)


def search_only(pattern: str, value: str) -> bool:
    """Valid when the pattern is searched (Smithy's reading), invalid when it must match the whole value."""
    return all(matches(pattern, value, dialect=d) for d in DIALECTS) and not any(
        matches(pattern, value, dialect=d, fullmatch=True) for d in DIALECTS
    )


def matches_empty(pattern: str) -> bool:
    """A pattern that matches the empty string matches somewhere in every value: search can't fail."""
    return matches(pattern, "")
