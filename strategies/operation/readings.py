"""Pattern readings that tolerate the model's patterns no Python engine compiles.

About a hundred of the models' patterns use ``\\p{L}``-style Unicode properties, which ECMA-262 (with the
``u`` flag) and Java read but Python's ``re`` does not.  A value is judged by every reading that compiles
the pattern (``spec.patterns``), and never by none: where no dialect compiles it, no value can be called
valid or invalid.
"""

from __future__ import annotations

from conformance.spec import patterns as dialects

# One place for the readings: ``spec.patterns`` judges a value by the dialects that read its pattern.
readable_dialects = dialects.readable_dialects
is_valid = dialects.valid_in_every_reading
is_invalid = dialects.invalid_in_every_reading


def matches_empty(pattern: str) -> bool:
    """Searched, the pattern matches every value in some reading: no value breaks it under all of them."""
    readable = readable_dialects(pattern)
    return not readable or any(dialects.matcher(pattern, d, False)("") for d in readable)
