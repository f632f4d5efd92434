"""Values that break one constraint of one member, under every reading of the contract.

Each function returns a strategy of ``(value, reason, also_breaks)``: the bad value, one line saying
what is wrong with it, and the other constraint ids that no value breaking this one can avoid (an empty
string breaks a minimum length of one and a ``+`` pattern together).  Values are unambiguous: a string
that breaks a pattern has no match anywhere in any dialect; a wrong type is one no restJson1 reading
coerces (no ``"true"`` for a boolean, no digits for a number).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from conformance.spec import Member
from conformance.spec import patterns as dialects
from conformance.strategies.canonical import fixed_keys
from conformance.strategies.catalogue import COERCIBLE_WORDS, wrong_kinds
from conformance.strategies.drawing import drawn, index_drawer, one_of, unwrapped
from conformance.strategies.grammar import UNBOUNDED, Grammar, parse
from conformance.strategies.near_misses import NearMiss, case_broken, inserted, near_misses, show
from conformance.strategies.paths import copy_json
from conformance.strategies.text import ANY_CHARACTER, length_range, lengths, text_of_length, texts_of_lengths

Fault = tuple[Any, str, frozenset[str]]
NOTHING: frozenset[str] = frozenset()

_plain_words = st.text("abcdefghijklmnopqrstuvwxyzXYZ-_ ", min_size=1, max_size=12).filter(
    lambda s: s.strip().lower() not in COERCIBLE_WORDS
)

# Small JSON values of each type; arrays from this schema by hypothesis-jsonschema, built on first use
# (strategies evaluated at import warn under pytest's plugin loading).  Objects are st.dictionaries: for an
# object hypothesis-jsonschema builds new strategies in every draw, which Hypothesis validates each time.
# Not a handful of fixed objects either: Hypothesis then works harder to find examples it has not run yet.
_JSON_OF_TYPE: dict[str, Any] = {
    "string": _plain_words,
    "integer": st.integers(-(2**31), 2**31),
    "fraction": st.integers(-1000, 1000).map(lambda i: i + 0.5),
    "boolean": st.booleans(),
    "null": st.none(),
    "array": {"type": "array", "maxItems": 3, "items": {"type": ["integer", "string", "boolean"]}},
    "object": None,  # built in json_of_type
}


def _utf8_encodable(value: Any) -> bool:
    """No lone surrogate anywhere in the value: a request body is UTF-8, which can't carry one."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@cache
def json_of_type(name: str) -> st.SearchStrategy[Any]:
    """Small JSON values of one type.

    hypothesis-jsonschema's default ``codec="utf-8"`` makes Hypothesis work out which of all 1.1 million
    code points the codec encodes: seconds of work in every process whose Hypothesis storage directory
    lacks that table (a first run, a fresh CI checkout, each xdist worker of either).  Without a codec only
    lone surrogates can come out that UTF-8 can't carry, rarely, and those few values are filtered out.
    """
    if name == "object":
        # Not st.text(): its default alphabet is whatever UTF-8 encodes, which makes Hypothesis work out
        # the codec table described above.
        values = one_of([st.integers(-(2**31), 2**31), st.text(ANY_CHARACTER)], "object member value")
        return st.dictionaries(st.text(ANY_CHARACTER), values, max_size=2)
    value = _JSON_OF_TYPE[name]
    return from_schema(value, codec=None).filter(_utf8_encodable) if isinstance(value, dict) else value


def wrong_type(member: Member) -> st.SearchStrategy[Fault]:
    """A JSON value of another type (``strategies.catalogue.wrong_kinds``)."""
    return _wrong_type(member.json_type, wrong_kinds(member.json_type, member.path))


# The fault strategies are shared by all members with the same constraints (one per JSON type, pattern,
# bound): each strategy Hypothesis meets for the first time costs it a validation, and the filtered ones a
# parse of their predicate's source, more than a few examples' generation.
@cache
def _wrong_type(due: str, kinds: tuple[str, ...]) -> st.SearchStrategy[Fault]:
    # one_of over strategies built here, not a flatmap that would build one in every draw
    return one_of(
        [
            json_of_type(kind).map(lambda v, kind=kind: (v, f"a JSON {kind} where a {due} is due", NOTHING))
            for kind in kinds
        ],
        f"a wrong type for a {due}",
    )


def below_min_length(member: Member) -> st.SearchStrategy[Fault]:
    minimum = member.get("minLength")
    size = minimum - 1
    pattern = member.get("pattern")
    grammar = parse(pattern) if pattern else None
    if grammar is None or grammar.min_length <= size:
        return _too_short(pattern, minimum)
    # Too short for the pattern as well: no value can break the length alone.
    return st.just(
        (
            "" if size == 0 else "a" * size,
            f"{size} characters, below the minimum of {minimum}",
            frozenset({f"{member.path}.pattern"}),
        )
    )


@cache
def _too_short(pattern: str | None, minimum: int) -> st.SearchStrategy[Fault]:
    size = minimum - 1
    return text_of_length(parse(pattern) if pattern else None, size).map(
        lambda v: (v, f"{size} characters, one below the minimum of {minimum}", NOTHING)
    )


def above_max_length(member: Member) -> st.SearchStrategy[Fault]:
    return _too_long(member.get("pattern"), member.get("maxLength"))


@cache
def _too_long(pattern: str | None, maximum: int) -> st.SearchStrategy[Fault]:
    grammar = parse(pattern) if pattern else None
    sizes = [maximum + 1, maximum + 1, maximum + 2, maximum + 16, 2 * maximum + 1]
    return one_of(
        [
            text_of_length(grammar, n).map(
                lambda v, n=n: (v, f"{n} characters (code points), above the maximum of {maximum}", NOTHING)
            )
            for n in sizes
        ],
        "too long",
    )


def _near_misses(grammar: Grammar, low: int, high: int) -> st.SearchStrategy[str]:
    """Candidates for "no match anywhere", of a length in [low, high]: valid values with their fixed text
    broken, foreign characters put into that text, forbidden prefixes added, or text whose characters no
    atom accepts.  Only candidates that can miss this pattern are offered: the filter after them is a
    safety net, and each value it throws away costs a whole example."""
    foreign = grammar.foreign_characters()
    valid = texts_of_lengths(grammar, tuple(range(grammar.min_length, grammar.min_length + 13)))
    candidates: list[st.SearchStrategy[str]] = []
    prefix = grammar.literal_prefix
    if prefix:
        candidates.append(
            st.builds(case_broken, valid, st.integers(0, len(prefix) - 1), st.sampled_from("xX#_"))
        )
    for forbidden in grammar.forbidden_prefixes:
        candidates.append(valid.map(lambda v, p=forbidden: inserted(v, 0, p)))
    if foreign:
        shortest = max(1, low)
        foreign_text = st.text(st.sampled_from(foreign), min_size=shortest, max_size=min(high, shortest + 11))
        candidates.append(foreign_text)
        if len(prefix) > 1:  # foreign characters inside the fixed text: no match can start anywhere
            candidates.append(st.builds(inserted, valid, st.integers(1, len(prefix) - 1), foreign_text))
        first = grammar.segments[0].agreed
        if first and grammar.min_length > 1 and high >= 2:
            # One valid character between foreign ones: nothing longer than one character can match.
            candidates.append(
                st.lists(
                    st.tuples(st.sampled_from(sorted(first)), st.sampled_from(foreign)),
                    min_size=max(1, (low + 1) // 2),
                    max_size=max(1, (low + 1) // 2) + 3,
                ).map(lambda pairs: "".join(a + b for a, b in pairs))
            )
    if low == 0 and not dialects.matches(grammar.pattern, ""):
        candidates.append(st.just(""))
    return one_of(candidates, f"near misses of {grammar.pattern}")


def pattern_mismatch(member: Member, unsendable: str = "") -> st.SearchStrategy[Fault] | None:
    """A value of allowed length with no match anywhere in any dialect, or None if there is none: most
    of the time one character away from a valid value (``strategies.near_misses``)."""
    return _mismatch(
        member.get("pattern"), member.get("minLength", 0), member.get("maxLength", UNBOUNDED), unsendable
    )


@cache
def _mismatch(pattern: str, low: int, high: int, unsendable: str) -> st.SearchStrategy[Fault] | None:
    """``unsendable``: characters the value must not hold (those of a URI label that routing would
    take apart); its values far from valid are the caller's business then."""
    if dialects.matches_empty(pattern):
        return None
    far = (
        _near_misses(parse(pattern), low, high)
        .filter(lambda v: low <= len(v) <= high and dialects.invalid_in_every_reading(pattern, v))
        .map(lambda v: (v, f"no match for {pattern} anywhere in the value", NOTHING))
    )
    catalogue = near_misses(pattern, low, high, unsendable)
    if not catalogue:
        return None if unsendable else far
    listed = st.sampled_from(catalogue).map(
        lambda miss: (miss.value, f"{miss.reason}: no match for {pattern} anywhere", NOTHING)
    )
    # The catalogue twice, a drawn value with one character changed once, a value far from valid once.
    near = [listed, _one_changed(pattern, low, high, catalogue), listed]
    return one_of(near if unsendable else [*near, far], f"mismatch {pattern}")


def _one_changed(
    pattern: str, low: int, high: int, catalogue: tuple[NearMiss, ...]
) -> st.SearchStrategy[Fault]:
    """A drawn valid value with one character, at a drawn position, replaced by one of the catalogue's; if
    that leaves a match somewhere (a pattern that isn't anchored), the catalogue's own value instead, so
    no example is thrown away."""
    grammar = parse(pattern)
    shortest = max(low, grammar.min_length)
    valid = unwrapped(texts_of_lengths(grammar, tuple(range(shortest, min(high, shortest + 12) + 1))))
    characters = list(dict.fromkeys(miss.character for miss in catalogue))
    which_character = index_drawer(len(characters))
    which_miss = index_drawer(len(catalogue))
    positions = index_drawer(shortest + 13)

    def draw_changed(draw: st.DrawFn) -> Fault:
        value = draw(valid)
        char = characters[which_character(draw)]
        position = positions(draw) % max(1, len(value))
        changed = value[:position] + char + value[position + 1 :]
        if value and dialects.invalid_in_every_reading(pattern, changed):
            return changed, f"{show(char)} at position {position}: no match for {pattern} anywhere", NOTHING
        miss = catalogue[which_miss(draw)]
        return miss.value, f"{miss.reason}: no match for {pattern} anywhere", NOTHING

    return drawn(draw_changed, f"one character changed {pattern}")


def search_only_value(member: Member) -> st.SearchStrategy[Fault] | None:
    """A value the pattern matches somewhere but not as a whole (valid only under search semantics)."""
    return _search_only(member.get("pattern"), member.get("minLength"), member.get("maxLength"))


@cache
def _search_only(
    pattern: str, min_length: int | None, max_length: int | None
) -> st.SearchStrategy[Fault] | None:
    grammar = parse(pattern)
    if grammar.anchored_start and grammar.anchored_end:
        return None  # search and full match agree for anchored patterns
    low, high = length_range(grammar, min_length, max_length)
    minimum, maximum = min_length or 0, UNBOUNDED if max_length is None else max_length
    valid = texts_of_lengths(grammar, tuple(range(low, min(high, low + 12) + 1)))
    junk = st.text(st.sampled_from(grammar.foreign_characters() or "\n"), min_size=1, max_size=3)
    around = st.builds(
        lambda j1, v, j2: j1 + v + j2, one_of([junk, st.just("")], "junk or none"), valid, junk
    )
    return around.filter(lambda v: minimum <= len(v) <= maximum and dialects.search_only(pattern, v)).map(
        lambda v: (v, f"matches {pattern} somewhere but not as a whole", NOTHING)
    )


def enum_near_miss(member: Member, other_values: list[str]) -> st.SearchStrategy[Fault]:
    return _near_miss(tuple(member.get("enum")), tuple(other_values))


@cache
def _near_miss(enum: tuple[str, ...], other_values: tuple[str, ...]) -> st.SearchStrategy[Fault]:
    allowed = set(enum)
    values = sorted(allowed)

    def variants(value: str) -> list[str]:
        return [
            value.lower(),
            value.upper(),
            value.swapcase(),
            f" {value}",
            f"{value} ",
            value[:-1],
            f"{value}X",
            "",
        ]

    misses = sorted({v for value in values for v in variants(value)} - allowed)
    siblings = sorted(set(other_values) - allowed)
    pool = one_of(
        [st.sampled_from(misses), *([st.sampled_from(siblings)] if siblings else [])], "enum misses"
    )
    return pool.map(lambda v: (v, f"{v!r} is not one of the {len(values)} allowed values", NOTHING))


def out_of_range(member: Member, kind: str) -> st.SearchStrategy[Fault]:
    if kind == "minimum":
        bound = member.get("minimum")
        values = one_of([st.just(bound - 1), st.integers(bound - 2**31, bound - 1)], "below a minimum")
        return values.map(lambda v: (v, f"{v} is below the minimum of {bound}", NOTHING))
    bound = member.get("maximum")
    values = one_of([st.just(bound + 1), st.integers(bound + 1, bound + 2**31)], "above a maximum")
    return values.map(lambda v: (v, f"{v} is above the maximum of {bound}", NOTHING))


def sized_map(
    entries: tuple[st.SearchStrategy, st.SearchStrategy], size: int, keys: list[str], filler: Any
) -> st.SearchStrategy[dict]:
    """Exactly ``size`` entries: some drawn, the rest the first of ``keys`` not taken, holding ``filler``.

    The drawn part shrinks to nothing, so a failure shrinks in a few steps to the map of fixed keys.  A map
    of ``size`` drawn keys (``st.dictionaries(min_size=size)``) shrinks for minutes: every key the shrinker
    simplifies collides with another, and the attempt is thrown away after drawing dozens of entries."""

    def fill(part: dict) -> dict:
        value = dict(part)
        for key in keys:
            if len(value) == size:
                break
            value.setdefault(key, copy_json(filler))
        return value

    return st.dictionaries(*entries, max_size=size).map(fill).filter(lambda v: len(v) == size)


def too_few_or_many(
    member: Member, kind: str, entries: tuple, keys: Member, filler: Any
) -> st.SearchStrategy[Fault]:
    """A map one entry short of its minimum or one past its maximum: valid keys and values but their count;
    ``keys`` is the map's key member, ``filler`` a valid value."""
    size = member.get("minItems") - 1 if kind == "minItems" else member.get("maxItems") + 1
    fixed = fixed_keys(keys, 2 * size)
    # Without enough fixed keys, all entries are drawn (and shrink slowly).
    maps = (
        sized_map(entries, size, fixed, filler)
        if len(fixed) >= size
        else st.dictionaries(*entries, min_size=size, max_size=size)
    )
    bound = "below the minimum" if kind == "minItems" else "above the maximum"
    limit = size + 1 if kind == "minItems" else size - 1
    return maps.map(lambda v: (v, f"{size} entries, {bound} of {limit}", NOTHING))


__all__ = [
    "Fault",
    "above_max_length",
    "below_min_length",
    "enum_near_miss",
    "json_of_type",
    "lengths",
    "out_of_range",
    "pattern_mismatch",
    "search_only_value",
    "too_few_or_many",
    "wrong_type",
]
