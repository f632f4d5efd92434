"""The errors of the protocol, not of one operation's model: those a conforming target may answer where
its model has nothing to say (Smithy's, and the common errors of every AWS API), how a verdict names an
error with its status (``Due``, ``named``), and ``OptionError``, what is wrong with a user's options.

Statuses of a model's own errors are read from its contract (``Contract.status_of``), never written
here.  The flagship's error names are ``conformance.flagship.errors``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from conformance.spec import Contract

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


class OptionError(ValueError):
    """What is wrong with the options that reach the real service (the credentials, the region, the
    fixtures file), in one sentence for the user; the plugin makes it pytest's usage error."""
