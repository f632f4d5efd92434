"""Which of an operation's constraints a value breaks, by constraint id, walking the contract's members.

The value is the input (or output) as ``conformance.reference.operation_parse`` reads it: member names as
keys, blobs as bytes, timestamps as epoch seconds; types are already right (a value of the wrong type was
refused before it got here).  What is judged: required members at every depth, a union's one member,
string lengths in code points, blob lengths in bytes, list and map sizes, numeric ranges, patterns
(ECMA-262 by default, searched or matched whole) and enums.  The same walk checks the reference's own
success answers, so they can never break the output's model.
"""

from __future__ import annotations

import math
import re
from typing import Any

import regress

from conformance.spec import patterns
from conformance.spec.contract import Contract, Member
from conformance.spec.paths import item_of, key_of, value_of
from conformance.spec.validation import SEMANTICS, Violation


class ConstraintChecker:
    """The constraints of one contract, applied to values under any of its paths."""

    def __init__(self, contract: Contract, semantics: str = "search", dialect: str = "ecma") -> None:
        if semantics not in SEMANTICS:
            raise ValueError(f"pattern semantics must be one of {SEMANTICS}, not {semantics!r}")
        if dialect not in patterns.DIALECTS:
            raise ValueError(f"unknown regex dialect {dialect!r}; known: {', '.join(patterns.DIALECTS)}")
        self.contract = contract
        self.fullmatch = semantics == "fullmatch"
        self.dialect = dialect

    def violations(self, path: str, value: Any, where: str = "") -> list[Violation]:
        """Every constraint under ``path`` that ``value`` breaks, ``where`` naming it in the messages."""
        found: list[Violation] = []
        self._check(self.contract.member(path), value, where or path, found)
        return found

    def _broken(self, member: Member, kind: str, message: str, where: str, found: list[Violation]) -> None:
        constraint = member.constraints.get(kind)
        found.append(Violation(constraint.id if constraint else f"{member.path}.{kind}", message, where))

    def _check(self, member: Member, value: Any, where: str, found: list[Violation]) -> None:
        if value is None or member.recursive:
            return
        kind = member.type
        if kind in ("structure", "union"):
            self._structure(member, value, where, found)
        elif kind == "list":
            self._size(member, len(value), where, found)
            item = self.contract.member(item_of(member.path))
            for index, entry in enumerate(value):
                self._check(item, entry, f"{where}[{index}]", found)
        elif kind == "map":
            self._size(member, len(value), where, found)
            keys = self.contract.member(key_of(member.path))
            values = self.contract.member(value_of(member.path))
            for key, entry in value.items():
                self._check(keys, key, f"{where} key {key!r}", found)
                self._check(values, entry, f"{where}[{key!r}]", found)
        elif kind == "string":
            self._string(member, value, where, found)
        elif kind == "blob":
            self._length(member, len(value), "bytes", where, found)
        elif kind in ("byte", "short", "integer", "long", "float", "double"):
            self._range(member, value, where, found)

    def _structure(self, member: Member, value: dict[str, Any], where: str, found: list[Violation]) -> None:
        children = self.contract.children(member.path)
        for child in children:
            place = child.name if member.path == "Body" else f"{where}.{child.name}"
            if child.name not in value:
                if child.required:
                    self._broken(child, "required", f"{child.name!r} is required", place, found)
                continue
            self._check(child, value[child.name], place, found)
        if member.type == "union":
            chosen = [child.name for child in children if value.get(child.name) is not None]
            if len(chosen) != 1:
                which = ", ".join(chosen) or "none"
                self._broken(member, "union", f"a union sets exactly one member, not: {which}", where, found)

    def _size(self, member: Member, size: int, where: str, found: list[Violation]) -> None:
        low, high = member.get("minItems"), member.get("maxItems")
        if low is not None and size < low:
            self._broken(member, "minItems", f"{size} entries, fewer than {low}", where, found)
        if high is not None and size > high:
            self._broken(member, "maxItems", f"{size} entries, more than {high}", where, found)

    def _length(self, member: Member, length: int, unit: str, where: str, found: list[Violation]) -> None:
        low, high = member.get("minLength"), member.get("maxLength")
        if low is not None and length < low:
            self._broken(member, "minLength", f"{length} {unit}, fewer than {low}", where, found)
        if high is not None and length > high:
            self._broken(member, "maxLength", f"{length} {unit}, more than {high}", where, found)

    def _string(self, member: Member, value: str, where: str, found: list[Violation]) -> None:
        # Python's len counts code points, as Smithy counts a string's length.
        self._length(member, len(value), "characters", where, found)
        pattern = member.get("pattern")
        if pattern is not None and not self._matches(pattern, value):
            reading = "as a whole" if self.fullmatch else "anywhere"
            self._broken(
                member, "pattern", f"{value[:80]!r} does not match {pattern!r} {reading}", where, found
            )
        allowed = member.get("enum")
        if allowed is not None and value not in allowed:
            self._broken(
                member, "enum", f"{value[:80]!r} is not one of {', '.join(allowed)[:200]}", where, found
            )

    def _matches(self, pattern: str, value: str) -> bool:
        # A pattern this dialect cannot compile (Python's re has no \p{L}, ECMA's u mode no \p{XDigit}) is
        # read as a dialect that can read it does (Java first, as AWS's services do); one that no dialect
        # reads cannot be enforced, and a reference must not refuse values for it.
        readable = patterns.readable_dialects(pattern)
        if self.dialect in readable:
            dialect = self.dialect
        elif readable:
            dialect = "java" if "java" in readable else readable[0]
        else:
            return True
        try:
            return patterns.matches(pattern, value, dialect=dialect, fullmatch=self.fullmatch)
        except (re.error, regress.RegressError):
            return True

    def _range(self, member: Member, value: float, where: str, found: list[Violation]) -> None:
        if isinstance(value, float) and math.isnan(value):
            return  # NaN is no number on either side of a bound: a float may be NaN whatever its range
        low, high = member.get("minimum"), member.get("maximum")
        if low is not None and value < low:
            self._broken(member, "minimum", f"{value!r} is less than {low}", where, found)
        if high is not None and value > high:
            self._broken(member, "maximum", f"{value!r} is more than {high}", where, found)
