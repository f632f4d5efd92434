"""What one request and its answer are, as the checks and the reports see them, and the errors that say
an exchange could not happen (the client's, in one sentence each)."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from requests.structures import CaseInsensitiveDict

if TYPE_CHECKING:
    from conformance.spec.wire import Request


class _NotJSON(enum.Enum):
    """What :meth:`Exchange.json` returns for a body that is not JSON (``None`` is JSON's ``null``)."""

    NOT_JSON = "NOT_JSON"

    def __bool__(self) -> bool:
        return False


NOT_JSON = _NotJSON.NOT_JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@dataclass(frozen=True)
class Exchange:
    """One request and the target's answer to it, as bytes on the wire, for checks and reports."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes
    request: Request | None
    status: int
    reason: str
    headers: CaseInsensitiveDict[str]
    body: bytes
    truncated: bool = False
    elapsed: float = 0.0
    # Bytes received for a body the target encoded (gzip...) although the client asked for identity.
    decoded_from: int | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    def json(self) -> Any:
        """The parsed body, or ``NOT_JSON`` when it is not strict JSON text in UTF-8 (parsed once: several
        checks read it; don't change what it returns).

        Strict: ``NaN``/``Infinity`` and a byte order mark are not JSON (RFC 8259), so they do not pass.
        """
        return self._reading[0]

    @property
    def json_problem(self) -> str | None:
        """Why :meth:`json` is ``NOT_JSON``, in a few words: ``not JSON (Expecting value at character
        0)``, or JSON that this client's parser cannot represent (say what, the body is not to blame)."""
        return self._reading[1]

    @cached_property
    def _reading(self) -> tuple[Any, str | None]:
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as error:
            return NOT_JSON, f"not UTF-8 text (byte {error.start} is {self.body[error.start]:#04x})"
        try:
            return json.loads(text, parse_constant=_reject_constant), None
        except json.JSONDecodeError as error:
            return NOT_JSON, f"not JSON ({error.msg} at character {error.pos})"
        except RecursionError:
            return NOT_JSON, (
                "JSON nested deeper than the client's JSON parser (Python's) follows "
                f"(about {sys.getrecursionlimit()} levels)"
            )
        except ValueError as error:
            if "integer string conversion" in str(error):
                return NOT_JSON, (
                    "JSON holding an integer of more digits than the client's JSON parser (Python's) "
                    f"reads ({sys.get_int_max_str_digits()})"
                )
            return NOT_JSON, f"not JSON ({error})"  # NaN, Infinity

    def text(self, limit: int | None = None) -> str:
        """The body as text (undecodable bytes escaped), cut to ``limit`` characters."""
        text = self.body.decode("utf-8", errors="backslashreplace")
        return text if limit is None or len(text) <= limit else text[:limit]


class TargetError(Exception):
    """The target could not be talked to; the message is one sentence meant for the user."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class TargetTimeout(TargetError):
    """No complete answer within the timeout: nothing, or a body still trickling in."""


class TargetUnreachable(TargetError):
    """No connection: refused, unresolvable host, or no TCP handshake within the timeout."""


class TargetProtocolError(TargetError):
    """An answer that is not well-formed HTTP: cut short, reset, bad chunking, a bad status line."""


class TargetTLSError(TargetError):
    """The TLS handshake failed, often on a certificate the client cannot verify."""
