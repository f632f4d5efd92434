"""The target under test as the properties see it: where it is, which domain exists, how to send, and
what answer each kind of request is due.

One ``Target`` per test session (per xdist worker).  Sending goes through ``TargetClient``; a transport
error (timeout, refused connection, reset) fails the test with the client's one-line message, and once a
test has met one, its later examples fail at once with the same message instead of waiting again, so
Hypothesis's shrinking doesn't multiply a timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field

import pytest

from conformance.checks import ConformanceFailure, check_error, check_success, length_units_hint
from conformance.client import Exchange, TargetClient, TargetError
from conformance.report import to_curl
from spec import Contract
from strategies.requests import Request

PATTERN_SEMANTICS = ("strict", "search", "fullmatch")

# Error types a client meets for a malformed body: the operation's own, or the one Smithy's server
# framework uses for bodies it can't deserialize (the guide, "Errors").
MALFORMED_BODY_TYPES = frozenset({"BadRequestException", "SerializationException"})
# An empty path label may fail routing (404) before validation (400); either is a rejection.
EMPTY_DOMAIN_TYPES = frozenset(
    {"BadRequestException", "ResourceNotFoundException", "UnknownOperationException"}
)


@dataclass
class Target:
    client: TargetClient
    domain: str
    contract: Contract
    semantics: str = "strict"
    embedded: bool = False
    seen_ids: set[str] = field(default_factory=set)
    requests_sent: int = 0
    first_failure_after: int | None = None  # requests sent when the first contract failure was seen
    _broken_by: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return self.client.base_url

    def send(self, request: Request, test_id: str = "") -> Exchange:
        """Send one request; a transport failure fails the test (and the rest of its examples) clearly."""
        __tracebackhide__ = True
        if test_id in self._broken_by:
            pytest.fail(self._broken_by[test_id], pytrace=False)
        with self._lock:
            self.requests_sent += 1
        try:
            return self.client.send(request)
        except TargetError as error:
            curl = to_curl_for(self.client, request)
            message = f"{error}\nRequest, to reproduce:\n{curl}"
            if test_id:
                self._broken_by[test_id] = message
            pytest.fail(message, pytrace=False)

    # -- what is due ---------------------------------------------------------------------------------
    def _noting_failure(self) -> None:
        if self.first_failure_after is None:
            self.first_failure_after = self.requests_sent

    def expect_success(self, exchange: Exchange, request: Request) -> None:
        """200 and a conforming body; on a 400, say if the target seems to count lengths another way."""
        __tracebackhide__ = True
        try:
            check_success(exchange, self.contract, self.seen_ids)
        except ConformanceFailure as failure:
            self._noting_failure()
            hint = self.length_hint(request) if exchange.status == 400 else None
            if hint is None:
                raise
            raise ConformanceFailure(
                failure.property, failure.requirement, exchange, f"{failure.observed}\n{hint}", failure.case
            ) from None

    def expect_rejection(self, exchange: Exchange, request: Request, constraint_id: str) -> None:
        """400 BadRequestException for a request that breaks ``constraint_id``."""
        __tracebackhide__ = True
        statuses: Collection[int] = {400}
        types: Collection[str] = {"BadRequestException"}
        if constraint_id in ("Body.json", "Body.type"):
            types = MALFORMED_BODY_TYPES
        if request.domain == "":
            statuses, types = {400, 404}, EMPTY_DOMAIN_TYPES
        try:
            check_error(exchange, self.contract, statuses, types, case=constraint_id)
        except ConformanceFailure:
            self._noting_failure()
            raise

    def expect_unknown_domain(self, exchange: Exchange) -> None:
        __tracebackhide__ = True
        try:
            check_error(exchange, self.contract, 404, "ResourceNotFoundException", case="domain existence")
        except ConformanceFailure:
            self._noting_failure()
            raise

    def length_hint(self, request: Request) -> str | None:
        """For a valid request refused with 400: a string at its maximum counted in UTF-16 or UTF-8?"""
        for path, value, limit in self._strings_with_limits(request):
            hint = length_units_hint(value, limit)
            if hint:
                return f"{path}: {hint}"
        return None

    def _strings_with_limits(self, request: Request) -> list[tuple[str, str, int]]:
        found: list[tuple[str, str, int]] = []

        def walk(value: object, schema: dict, where: str) -> None:
            if isinstance(value, str) and "maxLength" in schema:
                found.append((where, value, schema["maxLength"]))
            elif isinstance(value, dict):
                properties = schema.get("properties")
                for key, item in value.items():
                    if properties is not None:
                        walk(item, properties.get(key, {}), f"{where}.{key}")
                    else:
                        walk(key, schema.get("propertyNames", {}), f"{where} key")
                        walk(item, schema.get("additionalProperties", {}), f"{where}[{key!r}]")
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, schema.get("items", {}), f"{where}[{index}]")

        walk(request.body, self.contract.body_schema(), "body")
        return found


def to_curl_for(client: TargetClient, request: Request) -> str:
    """A curl line for a request that got no answer (there is no exchange to render)."""
    url = client.url_for(request.path(client.existing_domain))
    exchange = Exchange(
        method="POST",
        url=url,
        request_headers={"Content-Type": "application/json"},
        request_body=request.body_bytes(),
        request=request,
        status=0,
        reason="",
        headers={},
        body=b"",
        truncated=False,
        elapsed=0.0,
    )
    return to_curl(exchange)
