"""One constraint broken, every other met: for each request constraint, the near misses that break it
(``Variant``), or the sentence that says why no request breaks it alone.

A variant is a value put in place of the member in an otherwise valid set of parameters (botocore
serializes it as it would a valid one), the member left out, or a value of the wrong kind put into the
serialized request (the JSON body, a label, a query value, a header), which no parameter can express.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.spec.contract import Constraint, Contract, Member
from conformance.spec.paths import (
    ROOTS,
    collection_of,
    is_item,
    is_key,
    is_value,
    item_of,
    parent_path,
    value_of,
)
from conformance.spec.types import INTEGER_RANGES
from conformance.strategies.catalogue import CASE_SENSITIVE_NAMES, name_variants
from conformance.strategies.operation import readings
from conformance.strategies.operation.canonical import (
    CannotDraw,
    canonical_value,
    distinct_keys,
    pattern_examples,
    string_examples,
    string_length_bounds,
)
from conformance.strategies.operation.placement import chain

# Characters a near miss puts in place of one valid character: punctuation, space, a non-ASCII letter,
# an astral character, a line break; the first that makes the value fail in every reading wins.
PROBES = ("!", " ", "#", "~", "%", "é", "😀", "\n", "@", "/", ":", "=", "Z", "z", "0", "-", "_", ".")
# What a header may carry: the near misses of header values stay printable ASCII.
HEADER_PROBES = tuple(p for p in PROBES if p.isascii() and p.isprintable() and p != " ")
# The longest value a length fault builds: beyond it a request is more than a target should be sent.
LONGEST_FAULT = 256 * 1024
MOST_ITEMS_FAULT = 10_000
WIRE_LOCATIONS = ("uri", "querystring", "header", "headers")


@dataclass(frozen=True)
class Variant:
    """One way to break a constraint: ``action`` is ``set`` (a parameter value), ``remove`` (leave the
    member out) or ``wire`` (a JSON value or a text put into the serialized request)."""

    label: str
    action: str
    value: Any
    why: str
    also_breaks: frozenset[str] = field(default_factory=frozenset)


class Unbreakable(Exception):
    """No request breaks the constraint alone: the message says why in one sentence."""


def describe(value: Any) -> str:
    """A value as a reason shows it: short, with its length where that matters."""
    if isinstance(value, str):
        shown = value if len(value) <= 24 else value[:20] + "..."
        return f"{shown!r} ({len(value)} characters)"
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, list):
        return f"a list of {len(value)} items" if value else "an empty array"
    if isinstance(value, dict):
        return f"an object of {len(value)} entries" if value else "an empty object"
    return repr(value)


def top_location(contract: Contract, path: str) -> str:
    steps = chain(path)
    return contract.member(steps[0]).location if steps else "body"


def variants(contract: Contract, constraint: Constraint) -> list[Variant]:
    """The near misses of ``constraint``, or Unbreakable."""
    member = contract.member(constraint.path)
    if member.recursive:
        raise Unbreakable("a constraint on a recursive member: valid requests leave it out")
    if member.event_stream:
        raise Unbreakable("an event stream is no JSON value a request carries")
    for ancestor in chain(constraint.path)[:-1]:
        if contract.member(ancestor).recursive:
            raise Unbreakable("the member sits inside a recursive member, which valid requests leave out")
    builder = _BUILDERS.get(constraint.kind)
    if builder is None:
        raise Unbreakable(f"the suite builds no fault for a {constraint.kind} constraint")
    found = builder(contract, member, constraint)
    if not found:
        raise Unbreakable(f"no value was found that breaks {constraint.id} and meets every other constraint")
    return found


def _required(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    if member.location == "uri":
        raise Unbreakable("the URI label is always in the path; an empty one breaks its minLength instead")
    found = [Variant("absent", "remove", None, "a required member left out")]
    in_json = member.location == "body" or (
        member.location == "payload" and parent_path(member.path) not in ROOTS
    )
    if in_json:
        # Carried only under a name that differs from its own in case: missing to a reader that matches
        # names exactly, as restJson1 does; found by one that matches them case-insensitively.
        found += [
            Variant(f"named {name}", "rename", name, f"carried only as {name!r}: {CASE_SENSITIVE_NAMES}")
            for name in name_variants(member.on_the_wire)
        ]
    return found


def _union(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    found = [Variant("no member", "set", {}, "a union with no member set")]
    values = {}
    for child in contract.children(member.path):
        try:
            values[child.name] = canonical_value(contract, child.path)
        except CannotDraw:
            continue
        if len(values) == 2:
            found.append(Variant("two members", "set", values, "a union with two members set"))
            break
    return found


def _with_pattern(member: Member, value: str) -> frozenset[str]:
    """The other constraints a string fault breaks where no value can avoid it (its pattern, its enum)."""
    also = set()
    pattern = member.get("pattern")
    if pattern and not readings.is_valid(pattern, value):
        also.add(f"{member.path}.pattern")
    if member.get("enum") and value not in member.get("enum"):
        also.add(f"{member.path}.enum")
    return frozenset(also)


def text_of_length(member: Member, size: int) -> str:
    """A value of exactly ``size`` code points that meets the member's pattern where any does; else
    letters (the caller names the pattern in ``also_breaks``)."""
    if member.location in ("header", "headers") or not member.get("pattern"):
        return "a" * size
    found = pattern_examples(member.get("pattern"), size, size, search=False)
    if found:
        return found[0]
    for base in string_examples(member)[:3]:
        stretched = _stretch(member.get("pattern"), base, size)
        if stretched is not None:
            return stretched
    found = pattern_examples(member.get("pattern"), size, size) if size <= 64 else ()
    return found[0] if found else "a" * size


def _stretch(pattern: str, base: str, size: int) -> str | None:
    """``base`` with one of its characters repeated until it is ``size`` long, where that stays valid
    (the ``+`` of most patterns): long near misses without a search over the pattern."""
    if not base or size < len(base):
        return None
    for i, char in enumerate(base):
        candidate = base[:i] + char * (size - len(base)) + base[i:]
        if readings.is_valid(pattern, candidate):
            return candidate
    return None


def _length(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    bound = constraint.value
    size = bound - 1 if constraint.kind == "minLength" else bound + 1
    if size < 0:
        raise Unbreakable("a length cannot be below 0")
    if size > LONGEST_FAULT:
        raise Unbreakable(f"a value of {size} characters is more than the suite sends")
    word = "shorter than the minimum" if constraint.kind == "minLength" else "longer than the maximum"
    if member.type == "blob":
        return [Variant(f"{size} bytes", "set", b"a" * size, f"{size} bytes, {word} length {bound}")]
    value = text_of_length(member, size)
    why = f"{size} characters, {word} length {bound}"
    return [Variant(f"length {size}", "set", value, why, _with_pattern(member, value))]


def _items(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    bound = constraint.value
    size = bound - 1 if constraint.kind == "minItems" else bound + 1
    if size < 0:
        raise Unbreakable("a size cannot be below 0")
    if size > MOST_ITEMS_FAULT:
        raise Unbreakable(f"a collection of {size} items is more than the suite sends")
    if size == 0 and member.location in ("querystring", "header", "headers"):
        raise Unbreakable("an empty list or map in the query string or the headers is the member left out")
    word = "fewer than the minimum" if constraint.kind == "minItems" else "more than the maximum"
    try:
        if member.type == "list":
            item = canonical_value(contract, item_of(member.path)) if size else None
            value: Any = [item for _ in range(size)]
        else:
            keys = distinct_keys(contract, member.path, size) if size else []
            entry = canonical_value(contract, value_of(member.path)) if size else None
            value = {key: entry for key in keys}
    except CannotDraw as error:
        raise Unbreakable(f"{size} valid items cannot be built: {error.reason}") from None
    return [Variant(f"{size} items", "set", value, f"{size} items, {word} {bound}")]


def _number(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    bound = constraint.value
    integral = member.type in INTEGER_RANGES
    step = 1 if integral or abs(bound) < 1e15 else abs(bound) * 1e-3
    value = bound - step if constraint.kind == "minimum" else bound + step
    value = int(value) if integral else float(value)
    also = set()
    low, high = INTEGER_RANGES.get(member.type, (None, None))
    if integral and not low <= value <= high:
        also.add(f"{member.path}.type")
    word = "below the minimum" if constraint.kind == "minimum" else "above the maximum"
    return [Variant(f"{value}", "set", value, f"{word} {bound}", frozenset(also))]


# The longest valid value a pattern's near misses are made from, where a shorter one exists.
NEAR_MISS_BASE_MAX = 1024


def _pattern(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    pattern = constraint.value
    if readings.matches_empty(pattern):
        if not readings.readable_dialects(pattern):
            raise Unbreakable("no regex reading the suite knows compiles the pattern")
        raise Unbreakable(
            "the pattern matches the empty string, so searched it matches every value; only the "
            "full-match reading can break it"
        )
    probes = HEADER_PROBES if member.location in ("header", "headers") else PROBES
    low, high = string_length_bounds(member)
    found: dict[str, Variant] = {}
    bases = [v for v in string_examples(member) if v and _travels(member, v)]
    # Short bases where there are any: a near miss needs no length, and the readings of some patterns
    # backtrack for a time that grows with the square of it (``^.*\S.*$`` with a newline in 300,000
    # characters: hours).
    bases = [v for v in bases if len(v) <= NEAR_MISS_BASE_MAX] or bases[:1]
    for base in bases[:3]:
        # The first, a middle and the last position: where the pattern's structure differs most.
        for i in sorted({0, len(base) // 2, len(base) - 1}):
            for probe in probes:
                miss = base[:i] + probe + base[i + 1 :]
                if miss in found or not _travels(member, miss):
                    continue
                if readings.is_invalid(pattern, miss):
                    why = f"{base!r} with character {i + 1} changed to {probe!r}: no reading matches it"
                    found[miss] = Variant(
                        f"near miss {len(found) + 1}", "set", miss, why, _enum_too(member, miss)
                    )
                    break
    if not found:
        # No one-character change fails everywhere (a pattern that matches any one letter, searched):
        # a value of one foreign character throughout.
        for probe in probes:
            for size in sorted({max(low, 1), min(high, max(low, 1) + 2)}):
                miss = probe * size
                if low <= size <= high and _travels(member, miss) and readings.is_invalid(pattern, miss):
                    why = f"no reading matches {pattern!r} anywhere in it"
                    found[miss] = Variant(
                        f"far miss {len(found) + 1}", "set", miss, why, _enum_too(member, miss)
                    )
    if not found:
        raise Unbreakable(f"no value of {low} to {high} characters fails the pattern in every reading")
    return list(found.values())[:6]


def _travels(member: Member, value: str) -> bool:
    """A value that reaches the target as it is: printable ASCII in a header, and no dot segment in a
    URI label (HTTP stacks normalise ``/.`` and ``/..`` away, and the request would go elsewhere)."""
    if member.location in ("header", "headers"):
        return all("!" <= c <= "~" for c in value)
    return member.location != "uri" or value not in (".", "..")


def _enum_too(member: Member, value: str) -> frozenset[str]:
    enum = member.get("enum")
    return frozenset({f"{member.path}.enum"}) if enum and value not in enum else frozenset()


def _enum(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    allowed = set(constraint.value)
    low, high = string_length_bounds(member)
    found: dict[str, Variant] = {}
    for base in dict.fromkeys([constraint.value[0], constraint.value[-1]]):
        if not base:
            continue
        off = chr(ord(base[-1]) + 1) if base[-1] not in "~\x7f" else "a"
        for label, miss in (
            ("another case", base.swapcase()),
            ("lower case", base.lower()),
            ("upper case", base.upper()),
            ("one character off", base[:-1] + off),
        ):
            if miss in allowed or miss in found or not low <= len(miss) <= high:
                continue
            pattern = member.get("pattern")
            also = (
                frozenset({member.path + ".pattern"})
                if pattern and not readings.is_valid(pattern, miss)
                else frozenset()
            )
            found[miss] = Variant(
                f"{label} {miss}", "set", miss, f"not one of the enum's values ({label} of {base!r})", also
            )
    return list(found.values())


def _type(contract: Contract, member: Member, constraint: Constraint) -> list[Variant]:
    path = member.path
    if path in ROOTS:
        if not _has_json_body(contract):
            raise Unbreakable("the operation has no JSON body")
        return [Variant("array body", "wire", [], "the body is a JSON array, not an object")]
    if is_key(path):
        raise Unbreakable("JSON object keys, query keys and header names are always strings")
    if member.type == "document":
        raise Unbreakable("a document takes any JSON value")
    location = top_location(contract, path)
    if member.location == "payload" and member.type in ("blob", "string"):
        raise Unbreakable("a blob or string payload is the raw body: any bytes are one")
    if location in WIRE_LOCATIONS:
        return _text_type(member, location)
    if member.location == "payload" and path in chain(path)[:1]:
        return [Variant("array body", "wire", [], "the payload is a JSON array, not an object")]
    return _json_type(member, _in_sparse_collection(contract, member))


def _has_json_body(contract: Contract) -> bool:
    for child in contract.children("Body"):
        if child.location == "body":
            return True
        if child.location == "payload" and child.type in ("structure", "union", "document"):
            return True
    return False


# Epoch seconds of the canonical datetime, and the same moment in the other formats.
_EPOCH, _ISO, _HTTP_DATE = 1704067200, "2024-01-01T00:00:00Z", "Mon, 01 Jan 2024 00:00:00 GMT"


def _in_sparse_collection(contract: Contract, member: Member) -> bool:
    """Whether ``member`` is an item or value of a list or map the model marks sparse (the trait is the
    collection's, not its item's): a null there is a value, not a fault."""
    if not (is_item(member.path) or is_value(member.path)):
        return False
    return contract.member(collection_of(member.path)).sparse


def _json_type(member: Member, sparse: bool = False) -> list[Variant]:
    kind = member.type
    ends = INTEGER_RANGES.get(kind)
    table: dict[str, list[tuple[Any, str]]] = {
        "string": [(1, "a number"), (True, "a boolean")],
        "boolean": [("true", "a string"), (1, "a number")],
        "float": [("1.5", "a string"), (True, "a boolean")],
        "double": [("1.5", "a string"), (True, "a boolean")],
        "blob": [("not base64!", "text that is not base64"), (1, "a number")],
        "list": [({}, "an object"), ("a", "a string")],
        "map": [([], "an array"), ("a", "a string")],
        "structure": [([], "an array"), ("a", "a string")],
        "union": [([], "an array"), ("a", "a string")],
    }
    if ends is not None:
        table[kind] = [("1", "a string"), (1.5, "a fraction"), (True, "a boolean")]
    if kind == "timestamp":
        table[kind] = {
            "iso8601": [(_EPOCH, "a number, not ISO 8601 text"), (_HTTP_DATE, "an HTTP-date, not ISO 8601")],
            "rfc822": [(_EPOCH, "a number, not an HTTP-date"), (_ISO, "ISO 8601 text, not an HTTP-date")],
        }.get(member.timestamp_format, [(_ISO, "a date string, not epoch seconds"), (True, "a boolean")])
    found = [
        Variant(f"JSON {why}", "wire", value, f"{why} where the model has a {kind}")
        for value, why in table[kind]
    ]
    if ends is not None:
        past = ends[1] + 1
        also = frozenset({f"{member.path}.maximum"}) if member.get("maximum") is not None else frozenset()
        found.append(Variant(f"{past}", "set", past, f"past the {kind} type's own range", also))
    collection_item = is_item(member.path) or is_value(member.path)
    if collection_item and not sparse:
        found.append(Variant("JSON null", "wire", None, "a null item in a collection that is not sparse"))
    return found


def _text_type(member: Member, location: str) -> list[Variant]:
    kind = member.type
    if kind == "string" or member.json_value:
        raise Unbreakable("a URI label, query value or header is always text")
    if kind in ("list", "map"):
        raise Unbreakable("a list or map in the query string or the headers is repeated keys or headers")
    if location == "header" and is_item(member.path):
        raise Unbreakable("the items of a header list share one header; the suite faults whole headers only")
    texts: list[tuple[str, str]]
    if kind in INTEGER_RANGES:
        texts = [("abc", "not a number"), ("1.5", "a fraction"), ("true", "a boolean")]
    elif kind in ("float", "double"):
        texts = [("abc", "not a number"), ("true", "a boolean")]
    elif kind == "boolean":
        texts = [("yes", "not true or false"), ("1", "a number")]
    elif kind == "blob":
        texts = [("not-base64!", "not base64")]
    elif kind == "timestamp":
        default = "rfc822" if location == "header" else "iso8601"
        texts = {
            "iso8601": [(_HTTP_DATE, "an HTTP-date, not ISO 8601"), ("abc", "no date")],
            "rfc822": [(_ISO, "ISO 8601 text, not an HTTP-date"), ("abc", "no date")],
            "unixTimestamp": [(_ISO, "ISO 8601 text, not epoch seconds"), ("abc", "no date")],
        }[member.timestamp_format or default]
    else:
        raise Unbreakable(f"the suite builds no text fault for a {kind} in the {location}")
    found = [
        Variant(f"text {text}", "wire", text, f"{why} where the model has a {kind}") for text, why in texts
    ]
    if kind in INTEGER_RANGES:
        past = INTEGER_RANGES[kind][1] + 1
        also = frozenset({f"{member.path}.maximum"}) if member.get("maximum") is not None else frozenset()
        found.append(Variant(f"{past}", "wire", str(past), f"past the {kind} type's own range", also))
    return found


_BUILDERS = {
    "required": _required,
    "union": _union,
    "minLength": _length,
    "maxLength": _length,
    "minItems": _items,
    "maxItems": _items,
    "minimum": _number,
    "maximum": _number,
    "pattern": _pattern,
    "enum": _enum,
    "type": _type,
}
