"""An answer as a user of an SDK sees it: the error type botocore resolves, and the answer in one line.

Asking botocore rather than re-implementing it keeps the suite honest about how a restJson1 error's type
is found.  The checks, the lifecycle, the target and the preflight all describe answers with these, so
that one answer reads the same wherever it is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from botocore.parsers import create_parser
from requests.structures import CaseInsensitiveDict

from conformance.core.exchange import NOT_JSON, Exchange
from conformance.core.report import REDACTOR, describe_value, escape_controls
from conformance.spec import load_contract
from conformance.spec.operation import service_model


def resolve_error_type(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """The error type an SDK user would catch, resolved by botocore's own restJson1 parser.

    Asking botocore rather than re-implementing it keeps the suite honest about the order of the
    sources (``X-Amzn-Errortype``, then ``code``/``Code``, then ``__type``, else the bare status) and
    about the trimming of ``:...`` and ``...#``.  ``None`` when botocore does not read the answer as an
    error (status below 301) or cannot read it at all (a body that is JSON but not an object, bytes that
    are not UTF-8, a type that is not a string).
    """
    contract = load_contract()
    return error_code(contract.service, contract.operation, status, headers, body)


@cache
def _error_parsing(service: str, operation: str) -> tuple[Any, Any]:
    model = service_model(service)
    return create_parser(model.metadata["protocol"]), model.operation_model(operation).output_shape


def error_code(
    service: str, operation: str, status: int, headers: Mapping[str, str], body: bytes
) -> str | None:
    """The error code botocore's parser reads from an answer of ``service``'s ``operation``, or None
    (no error to botocore, or nothing it can read)."""
    return _error_code(service, operation, status, tuple(headers.items()), body)


# Each answer is read by several judges (its rejection, its error's shape), and a target gives many
# answers alike: botocore's parser reads each one once.
@lru_cache(maxsize=1024)
def _error_code(
    service: str, operation: str, status: int, headers: tuple[tuple[str, str], ...], body: bytes
) -> str | None:
    parser, output_shape = _error_parsing(service, operation)
    response = {"status_code": status, "headers": CaseInsensitiveDict(headers), "body": body}
    try:
        parsed = parser.parse(response, output_shape)
    except Exception:  # botocore raising here means an SDK user gets no typed error either
        return None
    code = parsed.get("Error", {}).get("Code") if isinstance(parsed, dict) else None
    return code if isinstance(code, str) else None


def summarize_error(exchange: Exchange) -> str:
    """``400 BadRequestException: <message>``, the way a user of an SDK would see the answer."""
    error_type = resolve_error_type(exchange.status, exchange.headers, exchange.body)
    body = exchange.json()
    message = None
    if isinstance(body, dict):
        message = body.get("Message", body.get("message"))
    text = f"status {exchange.status}"
    if error_type is not None and error_type != str(exchange.status):
        text += f" {escape_controls(REDACTOR.clip(error_type, 120))}"
    elif error_type is None and exchange.headers.get("X-Amzn-Errortype"):
        header = escape_controls(REDACTOR.clip(exchange.headers["X-Amzn-Errortype"], 120))
        text += f", X-Amzn-Errortype {header}, which botocore cannot read with this body"
    if isinstance(message, str) and message:
        text += f": {describe_value(message, limit=120, length=False)}"
    elif body is NOT_JSON and exchange.body and exchange.status >= 300:
        text += f" (the body is {body_kind(exchange)})"
    return text


def describe_error_type(error_type: str | None, status: int, exchange: Exchange | None = None) -> str:
    """The error type an answer has, as an SDK resolves it, in a few words."""
    if error_type is None:
        text = "botocore cannot read an error type from this answer"
        if exchange is not None:
            header = exchange.headers.get("X-Amzn-Errortype")
            if header:
                text += f", although its X-Amzn-Errortype is {escape_controls(REDACTOR.clip(header, 120))}"
            if exchange.body and exchange.json() is NOT_JSON:
                text += f": the body is {body_kind(exchange)}"
        return text
    if error_type == str(status):
        return (
            f"no error type: no X-Amzn-Errortype header, no code or __type in the body, "
            f"so an SDK sees only the bare status {status}"
        )
    return f"the error type is {escape_controls(REDACTOR.clip(error_type, 120))}"


def body_kind(exchange: Exchange) -> str:
    """What a body is, in a few words: ``empty``, ``not JSON``, ``a JSON array``..."""
    if not exchange.body:
        return "empty"
    body = exchange.json()
    if body is NOT_JSON:
        if exchange.truncated:
            return "not JSON (cut short by the client)"
        return exchange.json_problem or "not JSON"
    return f"JSON but {describe_value(body)}"
