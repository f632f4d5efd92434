"""A value of a string member that no other request of the run holds: a name the resource properties give
each create (so that two creates never collide on a name), an id nobody made, an id a reference mints.

``unique_text(members, base, token)`` builds candidates from a valid ``base`` and a fresh ``token`` of
hexadecimal digits (the token at the end of the base, in place of its tail, alone, in front) and keeps the
first that every member of ``members`` takes: within its lengths (code points), valid under every reading
of its pattern, no enum.  Several members: a value a create answers must fit its output member and the
input member of the read that names the resource by it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from conformance.spec.contract import Member
from conformance.spec.patterns import valid_in_every_reading

TOKEN_LENGTH = 12  # hexadecimal digits: 48 bits, no collision in any run


def fresh_token(length: int = TOKEN_LENGTH) -> str:
    return uuid.uuid4().hex[:length]


def fits(member: Member, value: str) -> bool:
    """Whether ``value`` is valid for ``member`` in every reading of its constraints."""
    if member.get("enum") is not None:
        return False
    if not member.get("minLength", 0) <= len(value) <= member.get("maxLength", 1 << 30):
        return False
    pattern = member.get("pattern")
    return pattern is None or valid_in_every_reading(pattern, value)


def _candidates(base: str, token: str) -> Iterable[str]:
    yield base + token
    yield base + "-" + token
    for cut in range(1, min(len(base), 64)):
        yield base[:-cut] + token  # the base's tail is often its id: replaced by the token
    yield token
    yield token + base
    yield "r" + token
    yield token.upper()


def unique_text(members: list[Member], base: str, token: str | None = None) -> str | None:
    """A value every member of ``members`` takes that holds a fresh token; None where no candidate fits
    (the member's pattern leaves no room for one: an enum, a fixed text)."""
    token = token or fresh_token()
    limit = min((m.get("maxLength") for m in members if m.get("maxLength") is not None), default=None)
    for length in (len(token), 8, 4):
        short = token[:length]
        for candidate in _candidates(base, short):
            if limit is not None and len(candidate) > limit:
                continue
            if all(fits(member, candidate) for member in members):
                return candidate
    return None
