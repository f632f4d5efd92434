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

from conformance.spec.contract import load_contract


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
class WireRequest:
    """A request of any restJson1 operation as it goes on the wire: the method, the path with its URI
    labels filled in and percent-encoded (no query), the query string's pairs in order (a key may repeat:
    a list), the headers, and the body bytes (empty for none).  What botocore's serializer builds from an
    operation's parameters, or a copy of that with one fault put in."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def target(self) -> str:
        """The path and the query string, as the request line carries them."""
        if not self.query:
            return self.path
        from urllib.parse import quote

        pairs = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in self.query)
        return f"{self.path}?{pairs}"

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class InvalidRequest:
    """A request that breaks ``constraint_id`` (and, only where no value can avoid it, ``also_breaks``)."""

    request: Request | WireRequest
    constraint_id: str
    reason: str
    also_breaks: frozenset[str] = field(default_factory=frozenset)
    smithy: tuple[str, ...] = ()  # the Smithy malformed-request cases it is an instance of
    family: str = ""  # the family of edges it belongs to, where the coverage report counts it apart

    @property
    def breaks(self) -> frozenset[str]:
        return frozenset({self.constraint_id}) | self.also_breaks


@dataclass(frozen=True)
class BoundaryCase:
    """One deterministic edge of one constraint: valid at a bound, or invalid just past it."""

    case_id: str
    constraint_id: str
    request: Request | WireRequest
    valid: bool
    reason: str
    also_breaks: frozenset[str] = field(default_factory=frozenset)
    smithy: tuple[str, ...] = ()  # the Smithy malformed-request cases it is an instance of
    family: str = ""  # the family of edges it belongs to, where the coverage report counts it apart

    @property
    def breaks(self) -> frozenset[str]:
        return frozenset() if self.valid else frozenset({self.constraint_id}) | self.also_breaks
