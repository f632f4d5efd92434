"""The request constraints that no request can break alone, under every reading, each with the rule that
says why: facts about the contract and the restJson1 protocol, not about any generator.

The strategies skip these constraints, the boundary catalogue gives them valid edges only, and the
coverage report lists them with the rule's sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from conformance.spec import patterns as dialects
from conformance.spec.contract import Constraint, Contract
from conformance.spec.paths import is_key


@dataclass(frozen=True)
class Rule:
    id: str
    sentence: str
    applies: Callable[[Constraint], bool]


RULES: tuple[Rule, ...] = (
    Rule(
        "always-a-string",
        "JSON object keys and URI labels are always strings",
        lambda c: c.kind == "type" and (is_key(c.path) or c.path == "DomainName"),
    ),
    Rule(
        "label-always-there",
        "the URI label is always there; an empty one breaks DomainName.minLength",
        lambda c: c.id == "DomainName.required",
    ),
    Rule(
        "pattern-matches-empty",
        "the pattern matches the empty string, so searched it matches every value; only the "
        "full-match reading can break it (search_only_requests)",
        lambda c: c.kind == "pattern" and dialects.matches_empty(c.value),
    ),
)


def unbreakable(contract: Contract) -> dict[str, str]:
    """Request constraint id -> the sentence of the first rule that keeps it from being broken alone."""
    return dict(_unbreakable(contract))


def breakable_ids(contract: Contract) -> list[str]:
    """The request constraints some request breaks alone, in contract order."""
    skip = _unbreakable(contract)
    return [c.id for c in contract.request_constraints() if c.id not in skip]


@cache
def _unbreakable(contract: Contract) -> dict[str, str]:
    # Worked out once per contract: the pattern rule asks every dialect whether the pattern matches "".
    reasons = {}
    for constraint in contract.request_constraints():
        rule = next((rule for rule in RULES if rule.applies(constraint)), None)
        if rule is not None:
            reasons[constraint.id] = rule.sentence
    return reasons


__all__ = ["RULES", "Rule", "breakable_ids", "unbreakable"]
