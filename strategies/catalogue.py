"""The fault catalogue as data: each entry an id and one sentence, the way Smithy's protocol tests are
written, so that the random strategies (``strategies.invalid``, ``strategies.faults``) and the
deterministic boundary catalogue (``strategies.boundaries``) send the same faults for the same reasons.

Nothing here draws: what a generator does with an entry is its own business.  The reasons a constraint
can't be broken alone are facts about the contract and the protocol, in ``spec.unbreakable``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.spec.paths import is_item, is_value
from conformance.strategies.smithy import NOT_AN_OBJECT


@dataclass(frozen=True)
class Characters:
    id: str
    characters: str
    sentence: str


DOMAIN_UNSENDABLE = Characters(
    "domain-unsendable",
    "/\\%?#" + "".join(map(chr, range(0x20))) + "\x7f",
    "Characters a domain never holds in a request: path structure (/ \\ % ? #) that routing takes apart "
    "even percent-encoded, and control characters that some front ends refuse before the implementation "
    "sees them.",
)
DOMAIN_FORBIDDEN = Characters(
    "domain-forbidden",
    " !$&'()*+,:;=@[]^`{|}~\"<>éü中😀.",
    "Characters outside the domain's pattern that survive percent-encoding and routing in every HTTP "
    "stack; a '.' only beside other characters, as '.' and '..' alone are path steps that clients and "
    "servers remove.",
)


# The families of edges the coverage report counts apart (``BoundaryCase.family``).
EXACT_NAMES = "exact member names"
LARGEST_BODIES = "largest valid bodies"
VALUE_RANGES = "every value a type allows"
VALID_EDGES = "valid values next to edges"
FAMILIES = (EXACT_NAMES, LARGEST_BODIES, VALUE_RANGES, VALID_EDGES)

# Timestamps the model puts no range on, as restJson1 carries them (epoch seconds, a JSON number): valid
# every one, and each past a limit some implementation puts on them (a calendar type's year 1 or 9999, a
# 32-bit seconds counter, an integer type, the doubles' ends).
TIMESTAMP_EDGES: tuple[tuple[str, float | int], ...] = (
    ("zero", 0),
    ("negative", -1),
    ("a fraction", 1_700_000_000.5),
    ("past 2038 (32-bit seconds)", 2_147_483_648),
    ("before year 1", -62_135_596_801),
    ("after year 9999", 253_402_300_800),
    ("2^53", 2**53),
    ("-2^53", -(2**53)),
    ("the largest double", 1.7976931348623157e308),
    ("the most negative double", -1.7976931348623157e308),
    ("the smallest positive double", 5e-324),
)


# Why a member carried under a name that differs from its own in case only is not that member.
CASE_SENSITIVE_NAMES = (
    "JSON member names are case-sensitive (RFC 8259; restJson1 binds each member to one exact name)"
)


def name_variants(name: str) -> tuple[str, ...]:
    """Names that differ from ``name`` in case only, which a reader matching names case-insensitively
    (Go's ``encoding/json``, .NET's ``PropertyNameCaseInsensitive``, Jackson's
    ``ACCEPT_CASE_INSENSITIVE_PROPERTIES``) takes for it: the first letter lower (``workflowType``), all
    lower, all upper."""
    out: list[str] = []
    for variant in (name[:1].lower() + name[1:], name.lower(), name.upper()):
        if variant != name and variant not in out:
            out.append(variant)
    return tuple(out)


def foreign_value(json_type: str) -> Any:
    """A value no member of ``json_type`` takes, nor any parser coerces to one: an array where an object
    is due, an object anywhere else."""
    return ["x"] if json_type == "object" else {"x": 1}


@dataclass(frozen=True)
class MalformedBody:
    """A way for a whole body to be no JSON text, made from a valid body's JSON text."""

    id: str  # the edge in ``Body.json[<id>]`` and the words of the reason
    sentence: str
    make: Callable[[str], bytes]


def _invalid_utf8(text: str) -> bytes:
    return (
        text.replace("APPFLOW_INTEGRATION", "APPFLOW_\xff", 1).encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    )


# A valid body with one syntax fault (a comment, a trailing comma, single quotes...) is in
# ``strategies.smithy.BODY_FAULTS``, with the Smithy cases it is an instance of.
MALFORMED_BODIES: tuple[MalformedBody, ...] = (
    MalformedBody("empty", "No body at all.", lambda text: b""),
    MalformedBody(
        "truncated", "A valid body cut in half.", lambda text: text[: len(text) // 2].encode("utf-8")
    ),
    MalformedBody(
        "extra closing braces",
        "A valid body and two closing braces.",
        lambda text: (text + "}}").encode("utf-8"),
    ),
    MalformedBody(
        "two texts", "Two valid bodies, one after the other.", lambda text: f"{text} {text}".encode()
    ),
    MalformedBody("bare word", "An enum value without its quotes.", lambda text: b"APPFLOW_INTEGRATION"),
    MalformedBody("invalid UTF-8", "A valid body with a byte that is no UTF-8 in a string.", _invalid_utf8),
)
MALFORMED_KINDS = tuple(body.id for body in MALFORMED_BODIES)


def malformed_body(kind: str, body: dict) -> bytes:
    """``body`` made into the malformed body ``kind``."""
    text = json.dumps(body, ensure_ascii=False)
    return next(way for way in MALFORMED_BODIES if way.id == kind).make(text)


@dataclass(frozen=True)
class JsonKind:
    """A JSON type as the faults tell them apart (a number with a fraction is not an integer)."""

    id: str
    sample: Any  # one plain value of the kind, for the deterministic catalogue
    sentence: str


JSON_KINDS: dict[str, JsonKind] = {
    kind.id: kind
    for kind in (
        JsonKind("string", "not-a-value", "A string that no reading coerces to a number, boolean or null."),
        JsonKind("integer", 7, "A number without a fraction."),
        JsonKind("fraction", 7.5, "A number with a fraction, which no integer member takes."),
        JsonKind("boolean", True, "A JSON true or false."),
        JsonKind("null", None, "A JSON null: a type error only where it can't be read as absent."),
        JsonKind("array", [], "A JSON array."),
        JsonKind("object", {}, "A JSON object."),
    )
}

# For each JSON type due, the kinds sent in its place: none that a restJson1 reading coerces (the strings
# are plain words, never one of COERCIBLE_WORDS; Smithy's coercion cases, "123" for a long and the like,
# are sent with their ids by ``strategies.smithy``).
WRONG_TYPES: dict[str, tuple[str, ...]] = {
    "string": ("integer", "fraction", "boolean", "array", "object"),
    "object": ("string", "integer", "boolean", "array"),
    "array": ("string", "integer", "boolean", "object"),
    "boolean": ("string", "integer", "array", "object"),
    "integer": ("string", "fraction", "boolean", "array", "object"),
    "number": ("string", "boolean", "array", "object"),
}


def null_is_type_error(path: str) -> bool:
    """restJson1 reads a null member as absent, so ``null`` breaks the type only of a list item or a map
    value (and breaks ``required`` elsewhere)."""
    return is_item(path) or is_value(path)


def wrong_kinds(json_type: str, path: str) -> tuple[str, ...]:
    """The kinds sent where ``json_type`` is due at ``path``."""
    return WRONG_TYPES[json_type] + (("null",) if null_is_type_error(path) else ())


# Words some parsers coerce to booleans, numbers or null: never sent as a "wrong type" string.
COERCIBLE_WORDS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "null", "none", "nan", "inf", "infinity"}
)

# JSON texts that are no object, as whole bodies, with the Smithy cases each is an instance of (Smithy's
# RestJsonTechnicallyValidJsonBody sends 10 and null); a valid body wrapped in an array is the third.
NON_OBJECT_BODIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("array", ()),
    ("string", ()),
    ("integer", (NOT_AN_OBJECT,)),
    ("fraction", ()),
    ("boolean", ()),
    ("null", (NOT_AN_OBJECT,)),
)
WRAPPED_IN_ARRAY = "a valid body in an array"

__all__ = [
    "COERCIBLE_WORDS",
    "DOMAIN_FORBIDDEN",
    "DOMAIN_UNSENDABLE",
    "JSON_KINDS",
    "MALFORMED_BODIES",
    "MALFORMED_KINDS",
    "NON_OBJECT_BODIES",
    "WRAPPED_IN_ARRAY",
    "WRONG_TYPES",
    "Characters",
    "JsonKind",
    "MalformedBody",
    "malformed_body",
    "null_is_type_error",
    "wrong_kinds",
]
