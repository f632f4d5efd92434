"""Pattern readings that tolerate the model's patterns no Python engine compiles.

About a hundred of the models' patterns use ``\\p{L}``-style Unicode properties, which ECMA-262 (with the
``u`` flag) and Java read but Python's ``re`` does not.  ``spec.patterns`` asks every dialect and raises
``re.error`` there; a value is judged here by every reading that compiles the pattern, and never by none:
where no dialect compiles it, no value can be called valid or invalid.
"""

from __future__ import annotations

import warnings
from functools import cache

from conformance.spec import patterns as dialects


@cache
def readable_dialects(pattern: str) -> tuple[str, ...]:
    """The dialects whose engines compile ``pattern``.  Where the model's own (``ecma``) cannot (an inline
    ``(?s)`` flag, which ECMA-262 lacks), the others still judge: they are what services run."""
    readable = []
    for dialect in dialects.DIALECTS:
        with warnings.catch_warnings():
            # Python warns of ``[[`` and ``--`` in classes (future set syntax); the reading stays today's.
            warnings.simplefilter("ignore", FutureWarning)
            try:
                dialects.matcher(pattern, dialect, True)
                dialects.matcher(pattern, dialect, False)
            except Exception:  # noqa: BLE001 - re.error, regress's own errors: the engine can't read it
                continue
        readable.append(dialect)
    return tuple(readable)


def is_valid(pattern: str, value: str) -> bool:
    """A full match in every dialect that reads the pattern (and the model's own reads it)."""
    readable = readable_dialects(pattern)
    return bool(readable) and all(dialects.matcher(pattern, d, True)(value) for d in readable)


def is_invalid(pattern: str, value: str) -> bool:
    """No match anywhere in any dialect that reads the pattern (and the model's own reads it)."""
    readable = readable_dialects(pattern)
    return bool(readable) and not any(dialects.matcher(pattern, d, False)(value) for d in readable)


def matches_empty(pattern: str) -> bool:
    """Searched, the pattern matches every value in some reading: no value breaks it under all of them."""
    readable = readable_dialects(pattern)
    return not readable or any(dialects.matcher(pattern, d, False)("") for d in readable)
