"""What goes on the wire, as both sides see it: a request, a request labelled with the constraint it
breaks, and a boundary case.  The strategies build them and the client sends them; neither depends on
the other for these types.

A request's ``domain`` is ``None`` when it should go to the domain that exists on the target; the suite
fills it in.  Only cases about ``DomainName`` itself carry a domain of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from spec.contract import load_contract


@dataclass(frozen=True)
class Request:
    domain: str | None
    body: Any = None
    raw_body: bytes | None = None  # sent as-is in place of ``body`` (whole-body faults)

    def body_bytes(self) -> bytes:
        if self.raw_body is not None:
            return self.raw_body
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def path(self, existing_domain: str) -> str:
        """The request path (the model's ``requestUri``), the domain percent-encoded as botocore encodes a
        URI label."""
        return load_contract().path(existing_domain if self.domain is None else self.domain)


@dataclass(frozen=True)
class InvalidRequest:
    """A request that breaks ``constraint_id`` (and, only where no value can avoid it, ``also_breaks``)."""

    request: Request
    constraint_id: str
    reason: str
    also_breaks: frozenset[str] = field(default_factory=frozenset)
    smithy: tuple[str, ...] = ()  # the Smithy malformed-request cases it is an instance of

    @property
    def breaks(self) -> frozenset[str]:
        return frozenset({self.constraint_id}) | self.also_breaks


@dataclass(frozen=True)
class BoundaryCase:
    """One deterministic edge of one constraint: valid at a bound, or invalid just past it."""

    case_id: str
    constraint_id: str
    request: Request
    valid: bool
    reason: str
    also_breaks: frozenset[str] = field(default_factory=frozenset)
    smithy: tuple[str, ...] = ()  # the Smithy malformed-request cases it is an instance of

    @property
    def breaks(self) -> frozenset[str]:
        return frozenset() if self.valid else frozenset({self.constraint_id}) | self.also_breaks
