"""What passes between the HTTP plumbing and the service, and the wire names every answer shares.

The service (``conformance.reference.service`` and the lifecycle operations it mixes in from
``conformance.reference.lifecycle``) returns a ``Reply``; the plumbing (``conformance.reference.server``)
frames it and shows the service an ``HttpRequest`` in ``before_response``.  Both sides, and the shape
judge, quote client values through ``excerpt``, so this module imports nothing of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from typing import NamedTuple

JSON_CONTENT_TYPE = "application/json"
REQUEST_ID_HEADER = "x-amzn-RequestId"
ERROR_TYPE_HEADER = "X-Amzn-Errortype"
# Error types of answers outside the operations' contracts (given before an operation is chosen, or
# before its body is read): restJson1 services and Smithy's server framework send these names, and
# botocore falls back to them when it meets the status alone.
PROTOCOL_ERROR_TYPES = {
    400: "BadRequestException",
    404: "UnknownOperationException",
    405: "MethodNotAllowedException",
    408: "RequestTimeoutException",
    411: "LengthRequiredException",
    413: "RequestEntityTooLargeException",
    414: "RequestURITooLongException",
    415: "UnsupportedMediaTypeException",
    431: "RequestHeaderFieldsTooLargeException",
    501: "NotImplementedException",
    505: "HTTPVersionNotSupportedException",
}
# A violation message quotes the offending value; a 2 MiB string must not come back as a 2 MiB message.
MESSAGE_EXCERPT = 200


class Reply(NamedTuple):
    """One HTTP answer before framing; the plumbing adds Content-Length and Connection."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class HttpRequest:
    """What ``before_response`` gets to see of the request being answered."""

    method: str
    path: str
    headers: Message  # http.server's parsed headers: case-insensitive get(), get_all(), items()
    body: bytes


def excerpt(text: str, limit: int = MESSAGE_EXCERPT) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more characters)"
