"""The flagship's answers judged: a success is 200, JSON, with a well-formed ``WorkflowId`` and ``Message``;
an error has the status and type the contract documents; a domain is validated before it is looked up.

Each check returns ``None`` when the answer conforms and raises
:class:`~conformance.core.checks.ConformanceFailure` otherwise, naming the property (a constraint id of
``spec/contract.json`` where there is one), what the contract requires and what the target did, side by
side; each ``*_problems`` returns every property an answer breaks.  Every fact they hold the target to (a
status, a pattern, a length) is read from the contract.  Any other operation's answers are judged by its
own model in ``conformance.core.judge``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, Protocol

from conformance.core.checks import ConformanceFailure, Problem, error_body_problems
from conformance.core.errors import named
from conformance.core.exchange import Exchange
from conformance.core.report import describe_value
from conformance.core.sdk import body_kind, describe_error_type, resolve_error_type, summarize_error
from conformance.flagship.errors import NOT_FOUND
from conformance.spec import Contract


class SeenIds(Protocol):
    def add(self, item: str, /) -> None: ...

    def __contains__(self, item: object, /) -> bool: ...


def _status_and_exception(contract: Contract, status: int) -> str:
    documented = contract.error_for_status(status)
    return f"{status} {documented.name}" if documented else str(status)


def _absent(member: str, body: dict[str, Any]) -> str:
    return f"{member} is null" if member in body else f"no {member} in the body"


def _media_type(content_type: str | None) -> str | None:
    return None if content_type is None else content_type.split(";", 1)[0].strip().lower()


def _statuses(expected: int | Collection[int]) -> frozenset[int]:
    return frozenset({expected}) if isinstance(expected, int) else frozenset(expected)


def _join(items: Collection[Any]) -> str:
    return " or ".join(str(item) for item in sorted(items))


def success_problems(exchange: Exchange, contract: Contract) -> list[Problem]:
    """What is wrong with a success answer (2xx): 200, JSON, a well-formed WorkflowId and Message.

    The WorkflowId is matched as a whole string: the model's pattern is not anchored, but the suite
    holds the id to its documented form (``intentional_differences`` in the contract says so).
    """
    success = contract.success
    problems: list[Problem] = []
    if exchange.status != success["status"]:
        problems.append(
            Problem(
                "success.status",
                f"a valid request on an existing domain gets status {success['status']}",
                summarize_error(exchange),
            )
        )
    if _media_type(exchange.content_type) != success["content_type"]:
        problems.append(
            Problem(
                "success.content_type",
                f"the answer's Content-Type is {success['content_type']} (parameters allowed)",
                "no Content-Type"
                if exchange.content_type is None
                else f"Content-Type {exchange.content_type}",
            )
        )
    body = exchange.json()
    if not isinstance(body, dict):
        problems.append(
            Problem("Response.type", "the body is a JSON object", f"the body is {body_kind(exchange)}")
        )
        return problems
    workflow_id = body.get("WorkflowId")
    # The model's pattern, as a full match: the contract's intentional difference (see the docstring).
    pattern = contract.constraints["Response.WorkflowId.pattern"].value
    if workflow_id is None:
        problems.append(
            Problem("Response.WorkflowId.required", "the body has a WorkflowId", _absent("WorkflowId", body))
        )
    elif not isinstance(workflow_id, str):
        problems.append(
            Problem(
                "Response.WorkflowId.type",
                "WorkflowId is a string",
                f"WorkflowId is {describe_value(workflow_id)}",
            )
        )
    elif re.fullmatch(pattern, workflow_id) is None:
        problems.append(
            Problem(
                "Response.WorkflowId.pattern",
                f"WorkflowId matches {pattern} as a whole string",
                f"WorkflowId is {describe_value(workflow_id)}",
            )
        )
    message = body.get("Message")
    lowest = contract.constraints["Response.Message.minLength"].value
    highest = contract.constraints["Response.Message.maxLength"].value
    if message is None:
        problems.append(
            Problem("Response.Message.required", "the body has a Message", _absent("Message", body))
        )
    elif not isinstance(message, str):
        problems.append(
            Problem("Response.Message.type", "Message is a string", f"Message is {describe_value(message)}")
        )
    elif len(message) < lowest:
        problems.append(
            Problem(
                "Response.Message.minLength",
                f"Message is at least {lowest} character(s) (code points) long",
                f"Message is {describe_value(message)}",
            )
        )
    elif len(message) > highest:
        problems.append(
            Problem(
                "Response.Message.maxLength",
                f"Message is at most {highest} characters (code points) long",
                f"Message is {describe_value(message, limit=80)}",
            )
        )
    return problems


def error_problems(
    exchange: Exchange,
    contract: Contract,
    expected_status: int | Collection[int],
    expected_type: str | Collection[str] | None = None,
    *,
    prefix: str = "error",
) -> list[Problem]:
    """What is wrong with an error answer: its status, the error type an SDK resolves, a JSON object body,
    a string ``Message``.  The type must be one of ``expected_type``, or else the exception the operation
    documents for the status.  ``prefix`` names the properties (``error.status``, ``not_found.type``)."""
    statuses = _statuses(expected_status)
    status = exchange.status
    problems: list[Problem] = []
    if status not in statuses:
        due = " or ".join(_status_and_exception(contract, expected) for expected in sorted(statuses))
        documented = (
            "" if status in contract.documented_statuses else ", which the operation does not document"
        )
        problems.append(
            Problem(f"{prefix}.status", f"the status is {due}", f"{summarize_error(exchange)}{documented}")
        )
    if expected_type is not None:
        types = frozenset({expected_type}) if isinstance(expected_type, str) else frozenset(expected_type)
    else:
        documented_error = contract.error_for_status(status)
        types = frozenset() if documented_error is None else frozenset({documented_error.name})
    body = error_body_problems(exchange)
    problems.extend(p for p in body if p[0] == "error.body")
    error_type = resolve_error_type(status, exchange.headers, exchange.body)
    if types and error_type not in types:
        problems.append(
            Problem(
                f"{prefix}.type",
                f"the error type, read as an SDK reads it, is {_join(types)}",
                describe_error_type(error_type, status, exchange),
            )
        )
    problems.extend(p for p in body if p[0] != "error.body")
    return problems


def check_validated_domain(exchange: Exchange, case: str, due: str) -> None:
    """A domain that breaks ``case`` is refused as invalid, not looked up and not found (404)."""
    __tracebackhide__ = True
    raise ConformanceFailure(
        case,
        f"a request whose domain breaks {case} is rejected as invalid ({due})",
        exchange,
        f"the domain was looked up, not checked: {summarize_error(exchange)}",
        case,
    )


def check_domain_not_refused(exchange: Exchange, contract: Contract, about: str) -> None:
    """A valid domain name that does not exist is not found (404), not refused as invalid (400): a 400
    says the target's check of the name is stricter than ``about``."""
    __tracebackhide__ = True
    raise ConformanceFailure(
        about,
        f"a valid domain name that does not exist is not found ({named(contract, NOT_FOUND)})",
        exchange,
        f"it was refused as invalid: {summarize_error(exchange)}",
        "domain existence",
    )


def check_accepted(exchange: Exchange) -> None:
    """Is a valid request accepted?  A success status (2xx): not refused (4xx), not a crash (5xx).  How the
    success looks (200, JSON, the WorkflowId and Message) is judged apart."""
    __tracebackhide__ = True
    if not 200 <= exchange.status < 300:
        raise ConformanceFailure(
            "success.status",
            "a valid request on an existing domain is accepted",
            exchange,
            summarize_error(exchange),
        )


def check_success(exchange: Exchange, contract: Contract, seen_ids: SeenIds | None = None) -> None:
    """Every property of a success answer at once, the first broken one raised (and, with ``seen_ids``,
    the WorkflowId not one returned before)."""
    __tracebackhide__ = True
    problems = success_problems(exchange, contract)
    workflow_id = created_id(exchange)
    if not problems and seen_ids is not None and workflow_id is not None:
        if workflow_id in seen_ids:
            problems.append(
                Problem(
                    "success.WorkflowId.unique",
                    "each workflow created gets a WorkflowId of its own",
                    f"WorkflowId {workflow_id} was already returned earlier in this run",
                )
            )
        seen_ids.add(workflow_id)
    if problems:
        raise ConformanceFailure(*problems[0][:2], exchange, problems[0][2])


def check_error(
    exchange: Exchange,
    contract: Contract,
    expected_status: int | Collection[int],
    expected_type: str | Collection[str] | None = None,
    *,
    case: str | None = None,
) -> None:
    """A request the target must reject, every property at once: rejected at all (not 2xx, not 5xx), then
    the expected status, the documented error type, a JSON body with a string Message; the first broken
    one raised.  ``case`` names what the request breaks: when the target does not reject it at all, that
    is the property the failure names."""
    __tracebackhide__ = True
    statuses = _statuses(expected_status)
    due = " or ".join(_status_and_exception(contract, expected) for expected in sorted(statuses))
    status = exchange.status
    subject = f"a request that breaks {case}" if case else "this request"
    if 200 <= status < 300:
        observed = f"it was accepted: {summarize_error(exchange)}"
        raise ConformanceFailure(
            case or "error.status", f"{subject} is rejected with {due}", exchange, observed, case
        )
    if status >= 500:
        observed = f"a server error instead: {summarize_error(exchange)}"
        raise ConformanceFailure(
            "error.status", f"{subject} is rejected with {due}", exchange, observed, case
        )
    problems = error_problems(exchange, contract, statuses, expected_type)
    if problems:
        property, requirement, observed = problems[0]
        if property == "error.status":
            requirement = f"{subject} is rejected with {due}"
        raise ConformanceFailure(property, requirement, exchange, observed, case)


def check_documented(exchange: Exchange, contract: Contract) -> None:
    """Whatever the request, the answer is one the operation documents: its status and, for an error, the
    exception documented for that status."""
    __tracebackhide__ = True
    statuses = sorted(contract.documented_statuses)
    if exchange.status not in contract.documented_statuses:
        raise ConformanceFailure(
            "documented.status",
            f"the status is one that {contract.operation} documents: {', '.join(map(str, statuses))}",
            exchange,
            summarize_error(exchange),
        )
    if exchange.status == contract.success["status"]:
        return
    documented = contract.error_for_status(exchange.status)
    assert documented is not None  # every documented status but success has its exception
    error_type = resolve_error_type(exchange.status, exchange.headers, exchange.body)
    if error_type != documented.name:
        raise ConformanceFailure(
            "documented.type",
            f"a {exchange.status} carries the error type documented for it, {documented.name}",
            exchange,
            describe_error_type(error_type, exchange.status, exchange),
        )


def created_id(exchange: Exchange) -> str | None:
    """The id of the workflow an answer says it created, or None: the one definition of a create.

    Any success (2xx) whose body holds a ``WorkflowId`` that is a non-empty string made a workflow, even
    for a request that should have failed: it is counted for uniqueness, read back by the lifecycle
    properties and deleted at the end."""
    if not 200 <= exchange.status < 300:
        return None
    body = exchange.json()
    workflow_id = body.get("WorkflowId") if isinstance(body, dict) else None
    return workflow_id if isinstance(workflow_id, str) and workflow_id else None
