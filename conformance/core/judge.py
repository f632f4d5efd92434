"""How any restJson1 operation's answers are judged, by that operation's own model: each check a small
function about one property, returning the problems it finds (``Problem``: property, requirement, observed).

The flagship's checks (``conformance.flagship.judge``) hold its answers to what its page and model say;
these hold any operation's to what its botocore model says and no more, since a conformance suite that
fails a correct implementation is worse than none:

* a success answer has the model's ``responseCode``; where the output has members in the JSON body, the
  body is a JSON object whose members have the model's types, lengths (code points; a blob's in bytes),
  enums and required members (``Contract.schema_for("Response")``), and patterns that match somewhere in
  some reading (a value breaks one only when it is invalid in every reading); output headers parse as
  their type.  Members the model does not list are fine.
* an error answer's type is read as botocore reads it (``X-Amzn-Errortype``, then the body's
  ``code``/``__type``, cut at ``:`` and after ``#``); a modelled error has its modelled status; the body
  is a JSON object whose ``Message``/``message`` is a string.
* a rejection of an invalid request is 400 with the operation's validation error: a 400 error the model
  lists, ``ValidationException``, or ``SerializationException`` for a value or body that cannot be read.

Nothing here imports pytest; the ledger (``conformance.core.ledger``) counts what these return.  The
module runs a little over 400 lines because every property of any operation's answers is here side by
side, as the flagship's are in ``conformance.flagship.judge``: a reading of one (a status, a type) must
agree with the others.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import re
from collections.abc import Collection, Iterator
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, ValidationError, validators

from conformance.core.checks import Problem, error_body_problems
from conformance.core.errors import COMMON_CLIENT_ERRORS, SERIALIZATION, UNKNOWN_OPERATION
from conformance.core.exchange import Exchange
from conformance.core.report import describe_value, escape_controls
from conformance.core.sdk import body_kind, describe_error_type, error_code, summarize_error
from conformance.spec import Contract
from conformance.spec.contract import PATH_KEYWORD
from conformance.spec.paths import ITEM, KEY, VALUE, steps
from conformance.spec.patterns import invalid_in_every_reading

# Not in every model's error list, but what AWS services and Smithy's framework answer a constraint
# violation with (``aws.protocols#restJson1`` servers: ``ValidationException``); the protocol's other
# errors (``SerializationException``, ``UnknownOperationException``) are ``conformance.core.errors``'.
VALIDATION = "ValidationException"
INVALID_STATUS = 400
NOT_FOUND_STATUS = 404

# Where an output member travels: the JSON body ("response"), the whole body ("payload"), a header.
_BODY = "response"


# -- the error type, as botocore reads it ------------------------------------------------------------------
def error_type(contract: Contract, exchange: Exchange) -> str | None:
    """The error type an SDK user of ``contract``'s service would catch (``None`` when botocore reads no
    error from the answer), by botocore's own parser: the order of the sources and the trimming are its."""
    return error_code(contract.service, contract.operation, exchange.status, exchange.headers, exchange.body)


def modelled_status(contract: Contract, name: str | None) -> int | None:
    """The status the model gives the error ``name`` (by its name or its wire code), or None."""
    for error in contract.errors:
        if name in (error.name, error.code):
            return error.status
    return None


# -- what a rejection is due -------------------------------------------------------------------------------
def validation_errors(contract: Contract, constraint_id: str) -> frozenset[str]:
    """The error types a rejection of a request that breaks ``constraint_id`` may carry: every 400 error the
    model lists and ``ValidationException``; for a value or a body that cannot be read (a JSON type, the
    body's syntax), ``SerializationException`` too."""
    modelled = [error for error in contract.errors if error.status == INVALID_STATUS]
    names = {VALIDATION, *(e.name for e in modelled), *(e.code for e in modelled if e.code)}
    if constraint_id.endswith(".type") or constraint_id == "Body.json":
        names.add(SERIALIZATION)
    return frozenset(names)


def label_values(contract: Contract, path: str) -> dict[str, str] | None:
    """The URI labels of a request's path, decoded (None when the path does not fit the model's
    ``requestUri`` at all)."""
    pattern, names = _labels_of(contract.uri)
    match = pattern.fullmatch(path.split("?", 1)[0])
    if match is None:
        return None
    return {name: unquote(value) for name, value in zip(names, match.groups(), strict=True)}


@cache  # read for every answer
def _labels_of(uri: str) -> tuple[re.Pattern[str], list[str]]:
    """The regex of a ``requestUri``'s path, a group a label, and the labels' names in order."""
    pattern, names = "", []
    for part in re.split(r"(\{[A-Za-z0-9_]+\+?\})", uri.split("?", 1)[0]):
        if part.startswith("{"):
            names.append(part.strip("{}+"))
            pattern += "(.*)" if part.endswith("+}") else "([^/]*)"
        else:
            pattern += re.escape(part)
    return re.compile(pattern), names


def rejection_statuses(contract: Contract, constraint_id: str, path: str) -> frozenset[int]:
    """400; and 404 where the request leaves a URI label empty or holding a "/" (whatever fault it was
    built for): the path then is no longer the operation's, and a router may refuse it before any
    validation (both are rejections)."""
    member = contract.members.get(constraint_id.rsplit(".", 1)[0])
    labels = label_values(contract, path) or {}
    if not routes(contract, path) or (
        member is not None and member.location == "uri" and member.on_the_wire not in labels
    ):
        return frozenset({INVALID_STATUS, NOT_FOUND_STATUS})
    return frozenset({INVALID_STATUS})


def routes(contract: Contract, path: str) -> bool:
    """Whether a path is the operation's for any router: it fits the ``requestUri``, and no label is
    empty or holds a "/" (but a greedy one, ``{Key+}``).  No SDK sends an empty label."""
    labels = label_values(contract, path)
    greedy = _greedy_labels(contract)
    return labels is not None and all(
        value != "" and (name in greedy or "/" not in value) for name, value in labels.items()
    )


@cache
def _greedy_labels(contract: Contract) -> frozenset[str]:
    return frozenset(m.on_the_wire for m in contract.members.values() if m.location == "uri" and m.greedy)


def _or(items: list) -> str:
    return " or ".join(map(str, items))


def with_client_errors(
    contract: Contract, statuses: Collection[int], types: Collection[str]
) -> tuple[frozenset[int], frozenset[str]]:
    """``statuses`` and ``types`` of a rejection, widened by every client error (4xx) the model lists and
    the common errors of every AWS API."""
    client = [error for error in contract.errors if 400 <= error.status < 500]
    return (
        frozenset(statuses)
        | {error.status for error in client}
        | set().union(*COMMON_CLIENT_ERRORS.values()),
        frozenset(types) | {error.code or error.name for error in client} | set(COMMON_CLIENT_ERRORS),
    )


def rejection_problems(
    contract: Contract, exchange: Exchange, statuses: frozenset[int], types: frozenset[str]
) -> list[Problem]:
    """How a rejection (4xx) of an invalid request looks: ``error.status`` and ``error.type``."""
    problems: list[Problem] = []
    if exchange.status not in statuses:
        problems.append(
            Problem(
                "error.status",
                f"a request that breaks a constraint is rejected with {_or(sorted(statuses))}",
                summarize_error(exchange),
            )
        )
    found = error_type(contract, exchange)
    allowed = types | ({UNKNOWN_OPERATION} if NOT_FOUND_STATUS in statuses else set())
    if exchange.status == NOT_FOUND_STATUS and NOT_FOUND_STATUS in statuses:
        return problems  # a router's 404 carries whatever type the router gives it
    if found not in allowed:
        problems.append(
            Problem(
                "error.type",
                f"the error type, read as an SDK reads it, is {' or '.join(sorted(types))}",
                describe_error_type(found, exchange.status, exchange),
            )
        )
    return problems


def error_problems(contract: Contract, exchange: Exchange) -> list[Problem]:
    """Any error answer (4xx, 5xx): a JSON object body with a string ``Message``, and an error the model
    lists comes with the status the model gives it (``error.modelled_status``)."""
    problems = list(error_body_problems(exchange))
    found = error_type(contract, exchange)
    status = modelled_status(contract, found)
    if status is not None and status != exchange.status:
        problems.append(
            Problem(
                "error.modelled_status",
                "an error the model lists comes with the status the model gives it",
                f"{escape_controls(found or '')} with status {exchange.status}; the model gives it {status}",
            )
        )
    return problems


def documented_problems(contract: Contract, exchange: Exchange) -> list[Problem]:
    """A valid request refused under ``--expect lenient``: the refusal is one the model lists (never a
    5xx, which ``check_no_server_error`` says apart).  A listed error with another status than the model's
    is the ``error.modelled_status`` verdict's, said once for the run, not once for each test that met it."""
    found = error_type(contract, exchange)
    if found in COMMON_CLIENT_ERRORS and exchange.status in COMMON_CLIENT_ERRORS[found]:
        return []  # every AWS API may answer it (its "Common Errors")
    if modelled_status(contract, found) is None:
        listed = ", ".join(f"{error.status} {error.name}" for error in contract.errors)
        return [
            Problem(
                "documented.type",
                f"a valid request is accepted, or refused with an error {contract.operation} lists "
                f"({listed})",
                describe_error_type(found, exchange.status, exchange),
            )
        ]
    return []


# -- success answers ---------------------------------------------------------------------------------------
def response_properties(contract: Contract) -> list[str]:
    """The properties a success answer is judged on: its status, and every constraint of the output."""
    return ["success.status", *(c.id for c in contract.response_constraints()), "success.headers"]


def success_problems(contract: Contract, exchange: Exchange) -> list[Problem]:
    """What is wrong with a success answer (2xx), by the operation's model: the status, the JSON body's
    members, the output headers."""
    problems: list[Problem] = []
    expected = contract.success["status"]
    # An output member bound to the status code (lambda:Invoke's StatusCode) makes the status the
    # service's to choose: any 2xx then carries that member's value.
    status_member = any(c.location == "statusCode" for c in contract.children("Response"))
    if exchange.status != expected and not (status_member and 200 <= exchange.status < 300):
        problems.append(
            Problem("success.status", f"a valid request gets status {expected}", summarize_error(exchange))
        )
    problems += body_problems(contract, exchange)
    problems += header_problems(contract, exchange)
    return problems


def _body_root(contract: Contract) -> str | None:
    """The member the JSON body holds: the output as a whole, a structure payload, or None (no JSON)."""
    children = contract.children("Response")
    payload = next((c for c in children if c.location == "payload"), None)
    if payload is not None:
        return payload.path if payload.type in ("structure", "union") else None
    return "Response" if any(c.location == _BODY for c in children) else None


def body_problems(contract: Contract, exchange: Exchange) -> list[Problem]:
    root = _body_root(contract)
    if root is None:
        return []  # no member in a JSON body: the body is the service's business
    body = exchange.json()
    if not isinstance(body, dict):
        if not exchange.body and not any(c.required for c in contract.children(root)):
            return []  # nothing to say: every member is optional, and an empty body has none
        return [Problem(f"{root}.type", "the body is a JSON object", f"the body is {body_kind(exchange)}")]
    validator = _validator(contract, root)
    body = _without_nulls(body, validator.schema)
    return [_problem(contract, error) for error in validator.iter_errors(body)]


def _without_nulls(value: Any, schema: dict) -> Any:
    """``value`` with its structures' null members left out: a null says "not set" to every SDK, so an
    optional member sent as null is no fault (a required one then counts as missing)."""
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        return {
            key: _without_nulls(item, properties.get(key, {}))
            for key, item in value.items()
            if item is not None
        }
    if isinstance(value, dict):
        values = schema.get("additionalProperties", {})
        return {key: _without_nulls(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nulls(item, schema.get("items", {})) for item in value]
    return value


def _problem(contract: Contract, error: ValidationError) -> Problem:
    """A JSON Schema error as the property of the output it breaks (a constraint id)."""
    where = error.schema.get(PATH_KEYWORD, "Response") if isinstance(error.schema, dict) else "Response"
    shown = "/".join(str(step) for step in error.absolute_path) or "the body"
    keyword = error.validator
    if keyword == "required":
        properties = error.schema.get("properties", {})
        missing = [name for name in error.validator_value if name not in error.instance]
        name = missing[0] if missing else ""
        path = properties.get(name, {}).get(PATH_KEYWORD, f"{where}.{name}")
        return Problem(f"{path}.required", f"the body has {path}", f"no {name} in {shown}")
    kind = {"minProperties": "minItems", "maxProperties": "maxItems"}.get(str(keyword), str(keyword))
    if kind in ("if", "then"):
        kind = "type"
    constraint_id = f"{where}.{kind}"
    if constraint_id not in contract.constraints:
        constraint_id = f"{where}.type"
    requirement = f"{where} {_requirement(kind, error.validator_value)}"
    return Problem(constraint_id, requirement, f"{shown} is {describe_value(error.instance)}")


def _requirement(kind: str, value: Any) -> str:
    words = {
        "type": f"is of JSON type {value}",
        "minLength": f"is at least {value} long (code points; a blob's bytes)",
        "maxLength": f"is at most {value} long (code points; a blob's bytes)",
        "pattern": f"matches {value} somewhere, in some reading",
        "enum": f"is one of {value}",
        "minItems": f"has at least {value} entries",
        "maxItems": f"has at most {value} entries",
        "minimum": f"is at least {value}",
        "maximum": f"is at most {value}",
    }
    return words.get(kind, f"meets {kind} {value}")


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """Broken only where no reading of the pattern (searched, in any dialect) matches the value."""
    if isinstance(instance, str) and invalid_in_every_reading(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r} in any reading")


def _length(kind: str, blobs: frozenset[str]) -> Any:
    """minLength/maxLength in code points, and a blob's in the bytes its base64 text stands for."""

    def check(validator: Any, limit: int, instance: Any, schema: dict) -> Iterator[ValidationError]:
        if not isinstance(instance, str):
            return
        size = len(instance)
        if schema.get(PATH_KEYWORD) in blobs:
            try:
                size = len(base64.b64decode(instance, validate=True))
            except (binascii.Error, ValueError):
                yield ValidationError(f"{instance!r} is not base64")
                return
        if (size < limit) if kind == "minLength" else (size > limit):
            yield ValidationError(f"{instance!r} is {size} long")

    return check


def _enum(service: str, operation: str) -> Any:
    """An enum, where the member's own documentation does not name the empty string as its value: the
    model of ivs' ``preset`` lists two presets, and its documentation says the service answers ``""`` for
    the channel types that have none.  The model says both; only a value neither allows is broken."""

    def check(validator: Any, values: list, instance: Any, schema: dict) -> Iterator[ValidationError]:
        if instance in values:
            return
        if instance == "" and _documents_empty(service, operation, schema.get(PATH_KEYWORD, "")):
            return
        yield ValidationError(f"{instance!r} is not one of {values!r}")

    return check


_EMPTY_STRING = re.compile(r'<code>""</code>')


@cache
def _documents_empty(service: str, operation: str, path: str) -> bool:
    """Whether the documentation of the output member at ``path`` names the empty string as a value."""
    from conformance.spec.operation import operation_model

    try:
        shape = operation_model(service, operation).output_shape
        for step in steps(path)[1:]:
            if step == ITEM:
                shape = shape.member
            elif step == VALUE:
                shape = shape.value
            elif step == KEY:
                shape = shape.key
            else:
                shape = shape.members[step]
    except Exception:  # noqa: BLE001 - a contract botocore does not hold, or a path of its own
        return False
    return bool(_EMPTY_STRING.search(shape.documentation or ""))


@cache
def _validator_for(service: str, operation: str, root: str, contract: Contract) -> Any:
    blobs = frozenset(path for path, member in contract.members.items() if member.type == "blob")
    output_validator = validators.extend(
        Draft202012Validator,
        {
            "pattern": _pattern,
            "minLength": _length("minLength", blobs),
            "maxLength": _length("maxLength", blobs),
            "enum": _enum(service, operation),
        },
    )
    return output_validator(contract.schema_for(root))


def _validator(contract: Contract, root: str) -> Any:
    return _validator_for(contract.service, contract.operation, root, contract)


# -- output headers ----------------------------------------------------------------------------------------
def header_problems(contract: Contract, exchange: Exchange) -> list[Problem]:
    """Each output header the answer has reads as its member's type (a number, a boolean, a timestamp,
    base64 JSON); an absent one is fine (the JSON body is where required members are judged)."""
    problems: list[Problem] = []
    for member in contract.children("Response"):
        if member.location != "header":
            continue
        value = exchange.headers.get(member.on_the_wire)
        if value is None:
            continue
        reading = _header_reading(member.type, member.timestamp_format, member.json_value)
        if reading is not None and not reading(value.strip()):
            problems.append(
                Problem(
                    "success.headers",
                    f"the header {member.on_the_wire} ({member.path}) reads as a {member.type}",
                    f"{member.on_the_wire}: {describe_value(value)}",
                )
            )
    return problems


def _header_reading(kind: str, timestamp_format: str, json_value: bool) -> Any:
    def integer(text: str) -> bool:
        return re.fullmatch(r"[-+]?\d+", text) is not None

    def number(text: str) -> bool:
        try:
            float(text)
        except ValueError:
            return False
        return True

    def timestamp(text: str) -> bool:
        form = timestamp_format or "rfc822"
        if form == "unixTimestamp":
            return number(text)
        if form == "iso8601":
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return False
            return True
        try:
            return email.utils.parsedate_to_datetime(text) is not None
        except (TypeError, ValueError):
            return False

    def json_text(text: str) -> bool:
        try:
            json.loads(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            return False
        return True

    if kind in ("byte", "short", "integer", "long"):
        return integer
    if kind in ("float", "double"):
        return number
    if kind == "boolean":
        return lambda text: text in ("true", "false")
    if kind == "timestamp":
        return timestamp
    if kind == "string" and json_value:
        return json_text
    return None


__all__ = [
    "SERIALIZATION",
    "VALIDATION",
    "documented_problems",
    "error_problems",
    "error_type",
    "label_values",
    "rejection_problems",
    "rejection_statuses",
    "response_properties",
    "success_problems",
    "validation_errors",
]
