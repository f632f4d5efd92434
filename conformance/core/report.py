"""How a failure reads: what is broken, what the contract requires, what the target said, and a curl line.

The reader is someone fixing their implementation, often from a CI log: one fact per line, the body cut
to a readable size, no Python reprs, and a request they can paste into a shell to see the answer again.
Credentials never reach the page: headers that carry them are redacted by name, and any secret string
the caller knows of is redacted wherever it appears.

A failure is rendered in one place, ``render_failure``, from its record (``ConformanceFailure.asdict``):
``str()`` of a failure, the plugin's report of a test and an answer ledger's example sent by an xdist
worker all read the same, and all pass through ``REDACTOR.clean`` on the way out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from conformance.core.exchange import Exchange

REDACTED = "<redacted>"
BODY_LIMIT = 600
# Location: a redirect is not followed, so the report says where it pointed.  Content-Encoding: the
# client asks for none, so one the target chose anyway is worth saying.
RELEVANT_HEADERS = (
    "Content-Type",
    "X-Amzn-Errortype",
    "x-amzn-RequestId",
    "Content-Length",
    "Content-Encoding",
    "Location",
)
# curl works these out itself; passing stale copies would only confuse a replay.
_CURL_OMITS = {"content-length", "host", "connection", "transfer-encoding"}
# A request body longer than this goes into a file the curl line reads (``--data-binary @FILE``), so that a
# failure's reproducer stays one readable line (the largest valid bodies are 1.5 MiB); the file is named by
# the body's digest, in ``CONFORMANCE_BODIES_DIR`` or the system's temporary directory.
CURL_INLINE_BODY = 2048
_SECRET_HEADER = re.compile(r"authorization|token|secret|cookie|api[-_]?key|signature|credential", re.I)
_SIGV4 = re.compile(r"AWS4-HMAC-SHA256 Credential=[^/,\s]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")
# Headers that SigV4 computes per request; curl --aws-sigv4 computes its own.
_SIGV4_HEADERS = {"authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"}
# What a terminal or a log viewer would act on rather than show: C0 and C1 controls (ESC, CSI as \x9b),
# DEL, line and paragraph separators, the bidirectional overrides that reorder what a reader sees, and
# lone surrogates (which no output encoding can write).  Newline apart, for text that keeps its lines.
_UNSAFE = "\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[{_UNSAFE}]")
_CONTROL_OR_NEWLINE = re.compile(f"[\n{_UNSAFE}]")
# SigV4 signatures, in an Authorization header (Signature=) or a presigned URL (X-Amz-Signature=).
_SIGNATURE = re.compile(r"(?i)((?:x-amz-)?signature=)[0-9a-f]{64}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def is_secret_header(name: str) -> bool:
    """Whether a header's value is a credential (Authorization, X-Amz-Security-Token, Cookie, ...)."""
    return bool(_SECRET_HEADER.search(name))


class Redactor:
    """The one redaction of everything the suite prints or writes: by value, every secret the run knows
    (credentials, session tokens, URL passwords, each signature it computed), in the forms a target may
    echo them (as sent, JSON-escaped, percent-encoded), and every SigV4 signature by its form.

    Text is redacted before it is cut (so no secret is cut in two and shows its first half) and once more
    as a whole where it leaves the suite (``clean``)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._ordered: list[str] = []
        self._signatures: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            for secret in secrets:
                if not secret or len(secret) < 4:  # shorter would redact ordinary words
                    continue
                for form in _forms(secret):
                    self._secrets.add(form)
            self._ordered = sorted(self._secrets, key=len, reverse=True)  # a secret within another: whole

    def add_signature(self, signature: str) -> None:
        self._signatures.add(signature.lower())

    def forget(self) -> None:
        """Drop every secret (for the suite's own tests)."""
        with self._lock:
            self._secrets.clear()
            self._ordered = []
            self._signatures.clear()

    def redact(self, text: str, extra: Iterable[str] = ()) -> str:
        extra_forms = [form for secret in extra if secret for form in _forms(secret)]
        for secret in sorted(extra_forms, key=len, reverse=True) + self._ordered:
            if secret in text:
                text = text.replace(secret, REDACTED)
        text = _SIGNATURE.sub(lambda match: match.group(1) + REDACTED, text)
        if self._signatures:
            text = _HEX64.sub(
                lambda match: REDACTED if match.group() in self._signatures else match.group(), text
            )
        return text

    def clip(self, text: str, limit: int) -> str:
        """``text`` redacted, then cut to ``limit`` characters (with no mark: the caller adds its own)."""
        text = self.redact(text)
        return text if len(text) <= limit else text[:limit]

    def clean(self, text: str, extra: Iterable[str] = ()) -> str:
        """``text`` as it may leave the suite: redacted, and every control character but the newline (and
        every lone surrogate) escaped."""
        return _escape_controls(self.redact(text, extra))


def _forms(secret: str) -> set[str]:
    """A secret as a target may echo it: as sent, inside a JSON string, percent-encoded."""
    escaped = json.dumps(secret)[1:-1]
    return {
        secret,
        escaped,
        escaped.replace("/", "\\/"),
        quote(secret, safe=""),
        quote(secret, safe="/"),
    }


#: The process's redaction: the plugin adds the run's secrets, the signer each signature.
REDACTOR = Redactor()


def describe_value(value: Any, limit: int = 60, *, length: bool = True) -> str:
    """A JSON value in a few words: a string quoted and cut, with its length; other types by kind."""
    if isinstance(value, str):
        redacted = REDACTOR.redact(value)
        shown = redacted[:limit] + ("…" if len(redacted) > limit else "")
        quoted = _escape_controls(shown, _CONTROL_OR_NEWLINE)
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


def shown_text(text: str, limit: int, controls: re.Pattern[str] | None = None) -> tuple[str, bool]:
    """``text`` redacted and escaped, cut so that what is shown is at most ``limit`` characters (an escape
    is never cut in two: a body of NULs shows as many escapes as fit, not four times the limit), and
    whether anything was cut."""
    controls = controls or _CONTROL
    text = REDACTOR.redact(text)
    shown: list[str] = []
    size = 0
    for index, char in enumerate(text):
        piece = _escape_controls(char, controls) if controls.match(char) else char
        if size + len(piece) > limit:
            return "".join(shown), True
        shown.append(piece)
        size += len(piece)
        if size == limit and index + 1 < len(text):
            return "".join(shown), True
    return "".join(shown), False


def describe_body(exchange: Exchange, limit: int = BODY_LIMIT) -> str:
    """``body (N bytes): <text>``, the text cut to ``limit`` characters with a note of the full size."""
    if not exchange.body:
        return "body: empty"
    size = f"more than {len(exchange.body)} bytes, cut by the client" if exchange.truncated else None
    size = size or f"{len(exchange.body)} bytes"
    encoding = exchange.headers.get("Content-Encoding", "")
    if exchange.decoded_from is not None:
        size += (
            f", decoded from {exchange.decoded_from} bytes of {escape_controls(REDACTOR.clip(encoding, 40))}"
            " although the client asked for identity"
        )
    text = exchange.text()
    shown, cut = shown_text(text, limit)
    note = f" … (first {len(shown)} characters shown)" if cut or exchange.truncated else ""
    shown = shown.replace("\n", "\n    ") + note
    return f"body ({size}): {shown}"


def describe_answer(exchange: Exchange) -> dict[str, Any]:
    """The answer of an exchange as a failure's record holds it: its status line, the relevant headers it
    has, and its body described (all clean)."""
    return {
        "status": exchange.status,
        "reason": escape_controls(REDACTOR.clip(exchange.reason, 200)),
        "elapsed": exchange.elapsed,
        "headers": {
            name: shown_text(exchange.headers[name], 300, _CONTROL_OR_NEWLINE)[0]
            for name in RELEVANT_HEADERS
            if exchange.headers.get(name) is not None
        },
        "body": describe_body(exchange),
    }


def render_failure(record: Mapping[str, Any], *, redact: Iterable[str] = (), notes: bool = True) -> str:
    """The whole report of one failure, from its record (``ConformanceFailure.asdict``), in the order a
    reader needs it: the one renderer of a failure, and clean (redacted and escaped) however the record
    came (from this process, or from an xdist worker that knew secrets of its own)."""
    answer = record["answer"]
    lines = [f"About: {record['about']}"] if record.get("about") else []
    lines += [
        f"Broken: {record['property']}",
        f"Required: {record['requirement']}",
        f"Answered: {record['observed']}",
        f"  status: {answer['status']} {answer['reason']}".rstrip() + f" (after {answer['elapsed']:.3f} s)",
    ]
    for name in RELEVANT_HEADERS:
        value = answer["headers"].get(name)
        if value is not None:
            lines.append(f"  {name}: {value}")
        elif name == "Content-Type":
            lines.append("  Content-Type: (none)")
    lines.append("  " + answer["body"])
    case = record["case"]
    lines.append(f"Request ({case}), to reproduce:" if case else "Request, to reproduce:")
    lines.append("  " + record["request"])
    if notes:
        lines += record["notes"]
    return REDACTOR.clean("\n".join(lines), redact)


def render_test_failures(
    transport: Iterable[str], failures: Iterable[Mapping[str, Any]], notes: list[str]
) -> str:
    """The failures of one test as their reports: each transport failure once (Hypothesis's replays of a
    test meet the same one again and again), then every contract failure (a record) with its notes, then
    ``notes``, those of the group they came in."""
    parts = list(dict.fromkeys(transport))
    records = list(failures)
    if parts and records:
        parts.append(
            "Before the transport failure, the test found the contract failures below; Hypothesis could "
            "not replay them, the target no longer answering."
        )
    parts += [render_failure(record) for record in records]
    return REDACTOR.clean("\n".join(parts + notes))


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
    if len(body) > CURL_INLINE_BODY:
        command += f" --data-binary @{shlex.quote(str(_body_file(body, redact)))}"
    elif body:
        text = _printable_text(body)
        if text is not None:
            command += f" --data-binary {shlex.quote(text)}"
        else:
            command = f"printf '%b' {shlex.quote(_printf_escape(body))} | {command} --data-binary @-"
    return REDACTOR.clean(command, redact)


def _body_file(body: bytes, redact: Iterable[str] = ()) -> Path:
    """The file holding ``body`` for a curl line (written once per body; secrets redacted by value as in
    the line itself), named by its digest."""
    try:
        body = REDACTOR.redact(body.decode("utf-8"), redact).encode("utf-8")
    except UnicodeDecodeError:
        pass
    default = Path(tempfile.gettempdir()) / "conformance-bodies"
    folder = Path(os.environ.get("CONFORMANCE_BODIES_DIR") or default)
    path = folder / f"{hashlib.sha256(body).hexdigest()[:16]}.body"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(body)
        partial.replace(path)
    return path


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
