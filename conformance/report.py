"""How a failure reads: what is broken, what the contract requires, what the target said, and a curl line.

The reader is someone fixing their implementation, often from a CI log: one fact per line, the body cut
to a readable size, no Python reprs, and a request they can paste into a shell to see the answer again.
Credentials never reach the page: headers that carry them are redacted by name, and any secret string
the caller knows of is redacted wherever it appears.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.checks import ConformanceFailure
    from conformance.client import Exchange

REDACTED = "<redacted>"
BODY_LIMIT = 600
# Location: a redirect is not followed, so the report says where it pointed.
RELEVANT_HEADERS = ("Content-Type", "X-Amzn-Errortype", "x-amzn-RequestId", "Content-Length", "Location")
# curl works these out itself; passing stale copies would only confuse a replay.
_CURL_OMITS = {"content-length", "host", "connection", "transfer-encoding"}
_SECRET_HEADER = re.compile(r"authorization|token|secret|cookie|api[-_]?key", re.IGNORECASE)
_SIGV4 = re.compile(r"AWS4-HMAC-SHA256 Credential=[^/,\s]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")
# Headers that SigV4 computes per request; curl --aws-sigv4 computes its own.
_SIGV4_HEADERS = {"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def is_secret_header(name: str) -> bool:
    """Whether a header's value is a credential (Authorization, X-Amz-Security-Token, Cookie, ...)."""
    return bool(_SECRET_HEADER.search(name))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    # Longest first, so that a secret containing another is replaced whole.
    for secret in sorted({secret for secret in secrets if secret}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def describe_value(value: Any, limit: int = 60, *, length: bool = True) -> str:
    """A JSON value in a few words: a string quoted and cut, with its length; other types by kind."""
    if isinstance(value, str):
        quoted = _escape_controls(value if len(value) <= limit else value[:limit] + "…", _CONTROL_OR_NEWLINE)
        return f'"{quoted}" ({_plural(len(value), "character")})' if length else f'"{quoted}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"an array of {_plural(len(value), 'item')}"
    if isinstance(value, dict):
        return f"an object with {_plural(len(value), 'member')}"
    return type(value).__name__


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def escape_controls(text: str) -> str:
    """``text`` on one line: every control character and line break as an escape."""
    return _escape_controls(text, _CONTROL_OR_NEWLINE)


def _escape_controls(text: str, controls: re.Pattern[str] = _CONTROL) -> str:
    """Control characters as escapes, so that a body cannot rewrite the reader's terminal or log."""
    return controls.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def describe_body(exchange: Exchange, limit: int = BODY_LIMIT) -> str:
    """``body (N bytes): <text>``, the text cut to ``limit`` characters with a note of the full size."""
    if not exchange.body:
        return "body: empty"
    size = f"more than {len(exchange.body)} bytes, cut by the client" if exchange.truncated else None
    text = exchange.text()
    shown = _escape_controls(text[:limit]).replace("\n", "\n    ")
    if len(text) > limit or exchange.truncated:
        shown += f" … (first {min(limit, len(text))} characters shown)"
    return f"body ({size or f'{len(exchange.body)} bytes'}): {shown}"


def failure_message(failure: ConformanceFailure, *, redact: Iterable[str] = ()) -> str:
    """The whole report of one failure, in the order a reader needs it."""
    exchange = failure.exchange
    lines = [
        f"Broken: {failure.property}",
        f"Required: {failure.requirement}",
        f"Answered: {failure.observed}",
        f"  status: {exchange.status} {exchange.reason}".rstrip() + f" (after {exchange.elapsed:.3f} s)",
    ]
    for name in RELEVANT_HEADERS:
        value = exchange.headers.get(name)
        if value is not None:
            lines.append(f"  {name}: {_escape_controls(value, _CONTROL_OR_NEWLINE)}")
        elif name == "Content-Type":
            lines.append("  Content-Type: (none)")
    lines.append("  " + describe_body(exchange))
    lines.append(f"Request ({failure.case}), to reproduce:" if failure.case else "Request, to reproduce:")
    lines.append("  " + to_curl(exchange))
    return redact_text("\n".join(lines), redact)


def to_curl(exchange: Exchange, *, redact: Iterable[str] = ()) -> str:
    """A curl command that sends the same request: same method, URL, headers and body bytes.

    A SigV4-signed request becomes ``curl --aws-sigv4`` with the credentials from the environment,
    since a replayed signature expires within minutes anyway; other credentials are redacted.
    """
    headers: Mapping[str, str] = exchange.request_headers
    options = ["-sS", "-i", "-X", exchange.method, exchange.url]
    authorization = next((value for name, value in headers.items() if name.lower() == "authorization"), "")
    sigv4 = _SIGV4.match(authorization)
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _CURL_OMITS or (sigv4 and lowered in _SIGV4_HEADERS):
            continue
        options += ["-H", f"{name}: {REDACTED if is_secret_header(name) else value}"]
    command = "curl " + " ".join(shlex.quote(option) for option in options)
    if sigv4:
        command += (
            f" --aws-sigv4 {shlex.quote('aws:amz:' + sigv4['region'] + ':' + sigv4['service'])}"
            ' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
        )
        if any(name.lower() == "x-amz-security-token" for name in headers):
            command += ' -H "X-Amz-Security-Token: $AWS_SESSION_TOKEN"'
    body = exchange.request_body
    if body:
        text = _printable_text(body)
        if text is not None:
            command += f" --data-binary {shlex.quote(text)}"
        else:
            command = f"printf '%b' {shlex.quote(_printf_escape(body))} | {command} --data-binary @-"
    return redact_text(command, redact)


def _printable_text(body: bytes) -> str | None:
    """The body as text if a shell can carry it verbatim between single quotes, else None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if all(char.isprintable() or char in "\n\t" for char in text) else None


def _printf_escape(body: bytes) -> str:
    """Bytes as an argument of ``printf '%b'``: printable ASCII as is, the rest as ``\\0ooo`` (POSIX)."""
    parts = []
    for byte in body:
        if byte == 0x5C:
            parts.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            parts.append(chr(byte))
        else:
            parts.append(f"\\0{byte:03o}")
    return "".join(parts)
