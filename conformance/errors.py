"""The errors a verdict names, by the part each plays: which error a request is due, read as the model
names it.

Each name below is the model's (``spec/contract.json``'s ``errors``), and its status is read from the
contract (``Contract.status_of``), never written here: the contract is the one place for a status code, as
it is for the embedded reference.  Two names are not the model's but the protocol's, kept as names of
their own because a conforming target may answer with them where the model has nothing to say.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from conformance.spec import Contract
from conformance.spec.wire import Request

INVALID = "BadRequestException"  # a request that breaks a constraint
NOT_FOUND = "ResourceNotFoundException"  # a well-formed name of a domain (or workflow) that does not exist
ACCESS_DENIED = "AccessDeniedException"  # credentials that may not call the operation
THROTTLED = "ThrottlingException"  # a request the target had no capacity for, and did not process

# Smithy's server framework answers a body it cannot deserialize (malformed JSON, a member of the wrong
# JSON type) with this before any validation: its restJson1 malformed-request tests expect it.
SERIALIZATION = "SerializationException"
# Smithy's server framework answers a path no operation has with this 404: routing failed before validation.
UNKNOWN_OPERATION = "UnknownOperationException"
# The errors every AWS API may answer whatever its model lists (the API references' "Common Errors"),
# with their statuses there: a target with checks of its own (--expect lenient) may refuse with them.
COMMON_CLIENT_ERRORS: dict[str, frozenset[int]] = {
    "AccessDeniedException": frozenset({400, 403}),
    "IncompleteSignature": frozenset({400}),
    "InvalidClientTokenId": frozenset({403}),
    "NotAuthorized": frozenset({400}),
    "OptInRequired": frozenset({403}),
    "RequestExpired": frozenset({400}),
    "UnrecognizedClientException": frozenset({403}),
}


@dataclass(frozen=True)
class Due:
    """The answers a request may get: any of ``statuses``, with any of the error ``types``."""

    statuses: frozenset[int]
    types: frozenset[str]

    @staticmethod
    def of(contract: Contract, *names: str, also: Collection[str] = ()) -> Due:
        """The statuses the contract documents for ``names``, with those names and the protocol's ``also``
        as the error types."""
        return Due(frozenset(contract.status_of(name) for name in names), frozenset({*names, *also}))

    def text(self) -> str:
        """``400 BadRequestException`` or ``400 or 404 BadRequestException or ...``, for a requirement."""
        types = " or ".join(sorted(self.types))
        return " or ".join(f"{status} {types}" for status in sorted(self.statuses))


def named(contract: Contract, name: str) -> str:
    """``404 ResourceNotFoundException``: an error of the model with its documented status."""
    return f"{contract.status_of(name)} {name}"


def due_rejection(contract: Contract, constraint_id: str, request: Request) -> Due:
    """What a request that breaks ``constraint_id`` is due.  A body a client can't deserialize (malformed,
    or a member of the wrong JSON type) may get the operation's own error or Smithy's (the guide,
    "Errors"); an empty path label may fail routing (404) before validation (400), either a rejection."""
    if request.domain == "":
        return Due.of(contract, INVALID, NOT_FOUND, also=[UNKNOWN_OPERATION])
    if constraint_id in ("Body.json", "Body.type") or constraint_id.endswith(".type"):
        return Due.of(contract, INVALID, also=[SERIALIZATION])
    return Due.of(contract, INVALID)
