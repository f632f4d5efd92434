"""The flagship's errors, by the part each plays: which error a request is due, read as the model names it.

Each name below is the model's (``spec/contract.json``'s ``errors``), and its status is read from the
contract (``Contract.status_of``), never written here: the contract is the one place for a status code, as
it is for the embedded reference.
"""

from __future__ import annotations

from conformance.core.errors import SERIALIZATION, UNKNOWN_OPERATION, Due
from conformance.spec import Contract
from conformance.spec.wire import Request

INVALID = "BadRequestException"  # a request that breaks a constraint
NOT_FOUND = "ResourceNotFoundException"  # a well-formed name of a domain (or workflow) that does not exist
ACCESS_DENIED = "AccessDeniedException"  # credentials that may not call the operation
THROTTLED = "ThrottlingException"  # a request the target had no capacity for, and did not process


def due_rejection(contract: Contract, constraint_id: str, request: Request) -> Due:
    """What a request that breaks ``constraint_id`` is due.  A body a client can't deserialize (malformed,
    or a member of the wrong JSON type) may get the operation's own error or Smithy's (the guide,
    "Errors"); an empty path label may fail routing (404) before validation (400), either a rejection."""
    if request.domain == "":
        return Due.of(contract, INVALID, NOT_FOUND, also=[UNKNOWN_OPERATION])
    if constraint_id in ("Body.json", "Body.type") or constraint_id.endswith(".type"):
        return Due.of(contract, INVALID, also=[SERIALIZATION])
    return Due.of(contract, INVALID)
