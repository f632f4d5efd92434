"""The response checks: each a small function about one property of the target's answer.

A check returns ``None`` when the answer conforms and raises :class:`ConformanceFailure` otherwise,
naming the property (a constraint id of ``spec/contract.json`` where there is one), what the contract
requires and what the target did, side by side.  Checks never generate or send anything, and every
fact they hold the target to (a status, a pattern, a length) is read from the contract.

The module is a little over 400 lines because every property of an answer is here, side by side with
the failure that names it: read one check, and the others it must agree with are on the same page.
How an SDK reads an answer, which the checks lean on, is ``conformance.sdk``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, Protocol

from conformance.errors import NOT_FOUND, named
from conformance.exchange import Exchange
from conformance.report import (
    REDACTOR,
    describe_answer,
    describe_value,
    render_failure,
    to_curl,
)
from conformance.sdk import body_kind, describe_error_type, resolve_error_type, summarize_error
from conformance.spec import Contract


class ConformanceFailure(AssertionError):
    """The target's answer breaks the contract.

    ``property`` is what is broken (a constraint id such as ``Response.WorkflowId.pattern``, or a name
    such as ``success.status``), ``requirement`` what the contract asks for, ``observed`` what the target
    did instead, ``case`` what the request was about (the constraint it breaks, for an invalid request).

    ``asdict()`` is the failure as plain JSON data, clean (redacted and escaped) in the process that saw
    it: what travels (an xdist worker's results, a pickle) and what ``report.render_failure`` renders, so
    that ``str()``, the plugin's report and a worker's example read the same, redacted the same way.
    """

    def __init__(
        self,
        property: str,
        requirement: str,
        exchange: Exchange | None,
        observed: str,
        case: str | None = None,
    ) -> None:
        super().__init__(f"{property}: {observed}")
        self.property = property
        self.requirement = requirement
        self.exchange = exchange
        self.observed = observed
        self.case = case
        self._exchange_record: dict[str, Any] | None = None  # for a failure rebuilt without its exchange

    def asdict(self) -> dict[str, Any]:
        """``property``, ``requirement``, ``observed``, ``case``; ``answer`` (``status``, ``reason``,
        ``elapsed``, ``headers``, ``body``); ``request``, a curl line that sends it again; ``notes``."""
        exchange = self._exchange_record or {
            "answer": describe_answer(self.exchange),  # type: ignore[arg-type]
            "request": to_curl(self.exchange),  # type: ignore[arg-type]
        }
        return {
            "property": REDACTOR.clean(self.property),
            "requirement": REDACTOR.clean(self.requirement),
            "observed": REDACTOR.clean(self.observed),
            "case": None if self.case is None else REDACTOR.clean(self.case),
            **exchange,
            "notes": [REDACTOR.clean(note) for note in getattr(self, "__notes__", [])],
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> ConformanceFailure:
        """The failure an ``asdict()`` record describes (with no exchange: its answer is the record's)."""
        failure = cls(record["property"], record["requirement"], None, record["observed"], record["case"])
        failure._exchange_record = {"answer": record["answer"], "request": record["request"]}
        for note in record["notes"]:
            failure.add_note(note)
        return failure

    def __str__(self) -> str:
        return render_failure(self.asdict(), notes=False)  # a traceback prints the notes itself

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # Exceptions pickle through ``args``, which here is only the short form; the record is the whole
        # report, and carries no credential of the request the exchange holds.
        return (type(self).from_dict, (self.asdict(),))


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


# -- the checks --------------------------------------------------------------------------------------------
# Each property of an answer is judged on its own: ``*_problems`` return every property the answer breaks,
# as (property, requirement, observed), so that one answer that breaks two is counted for both.
Problem = tuple[str, str, str]


def success_problems(exchange: Exchange, contract: Contract) -> list[Problem]:
    """What is wrong with a success answer (2xx): 200, JSON, a well-formed WorkflowId and Message.

    The WorkflowId is matched as a whole string: the model's pattern is not anchored, but the suite
    holds the id to its documented form (``intentional_differences`` in the contract says so).
    """
    success = contract.success
    problems: list[Problem] = []
    if exchange.status != success["status"]:
        problems.append(
            (
                "success.status",
                f"a valid request on an existing domain gets status {success['status']}",
                summarize_error(exchange),
            )
        )
    if _media_type(exchange.content_type) != success["content_type"]:
        problems.append(
            (
                "success.content_type",
                f"the answer's Content-Type is {success['content_type']} (parameters allowed)",
                "no Content-Type"
                if exchange.content_type is None
                else f"Content-Type {exchange.content_type}",
            )
        )
    body = exchange.json()
    if not isinstance(body, dict):
        problems.append(("Response.type", "the body is a JSON object", f"the body is {body_kind(exchange)}"))
        return problems
    workflow_id = body.get("WorkflowId")
    # The model's pattern, as a full match: the contract's intentional difference (see the docstring).
    pattern = contract.constraints["Response.WorkflowId.pattern"].value
    if workflow_id is None:
        problems.append(
            ("Response.WorkflowId.required", "the body has a WorkflowId", _absent("WorkflowId", body))
        )
    elif not isinstance(workflow_id, str):
        problems.append(
            (
                "Response.WorkflowId.type",
                "WorkflowId is a string",
                f"WorkflowId is {describe_value(workflow_id)}",
            )
        )
    elif re.fullmatch(pattern, workflow_id) is None:
        problems.append(
            (
                "Response.WorkflowId.pattern",
                f"WorkflowId matches {pattern} as a whole string",
                f"WorkflowId is {describe_value(workflow_id)}",
            )
        )
    message = body.get("Message")
    lowest = contract.constraints["Response.Message.minLength"].value
    highest = contract.constraints["Response.Message.maxLength"].value
    if message is None:
        problems.append(("Response.Message.required", "the body has a Message", _absent("Message", body)))
    elif not isinstance(message, str):
        problems.append(
            ("Response.Message.type", "Message is a string", f"Message is {describe_value(message)}")
        )
    elif len(message) < lowest:
        problems.append(
            (
                "Response.Message.minLength",
                f"Message is at least {lowest} character(s) (code points) long",
                f"Message is {describe_value(message)}",
            )
        )
    elif len(message) > highest:
        problems.append(
            (
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
            (f"{prefix}.status", f"the status is {due}", f"{summarize_error(exchange)}{documented}")
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
            (
                f"{prefix}.type",
                f"the error type, read as an SDK reads it, is {_join(types)}",
                describe_error_type(error_type, status, exchange),
            )
        )
    problems.extend(p for p in body if p[0] != "error.body")
    return problems


def error_body_problems(exchange: Exchange) -> list[Problem]:
    """Any error answer: a JSON object body whose ``Message`` (or ``message``), when present, is a string."""
    body = exchange.json()
    if not isinstance(body, dict):
        return [("error.body", "an error's body is a JSON object", f"the body is {body_kind(exchange)}")]
    return [
        (
            "error.Message",
            f"an error's {key}, when present, is a string",
            f"{key} is {describe_value(body[key])}",
        )
        for key in ("Message", "message")
        if key in body and not isinstance(body[key], str)
    ]


def check_rejected(exchange: Exchange, contract: Contract, case: str, due: str) -> None:
    """Is the constraint enforced?  The request that breaks ``case`` is rejected with a client error (4xx):
    not accepted (2xx), not a crash (5xx), not anything else.  How the rejection looks is judged apart."""
    __tracebackhide__ = True
    status = exchange.status
    requirement = f"a request that breaks {case} is rejected with a client error ({due})"
    if 200 <= status < 300:
        raise ConformanceFailure(
            case, requirement, exchange, f"it was accepted: {summarize_error(exchange)}", case
        )
    if status >= 500:
        observed = f"a server error instead: {summarize_error(exchange)}"
        raise ConformanceFailure(case, requirement, exchange, observed, case)
    if not 400 <= status < 500:
        observed = f"no client error: {summarize_error(exchange)}"
        raise ConformanceFailure(case, requirement, exchange, observed, case)


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
    if not problems and seen_ids is not None:
        body = exchange.json()
        workflow_id = body.get("WorkflowId")
        if workflow_id in seen_ids:
            problems.append(
                (
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


def check_no_server_error(exchange: Exchange) -> None:
    """No request, valid or not, should make the target fail with a 5xx."""
    __tracebackhide__ = True
    if exchange.status >= 500:
        raise ConformanceFailure(
            "no_server_error",
            "the target answers without a server error (5xx)",
            exchange,
            summarize_error(exchange),
        )


def length_units_hint(value: str, limit: int) -> str | None:
    """Why a target may reject a string of at most ``limit`` code points: it counts something else.

    Smithy counts a string's length in code points; Java's ``String.length()`` counts UTF-16 code units
    and a byte buffer counts UTF-8 bytes.  A value longer than ``limit`` in UTF-16 units is longer in
    UTF-8 bytes too, so the hint can tell "UTF-8 bytes" apart but not "UTF-16 code units" alone.
    """
    code_points = len(value)
    utf16 = len(value.encode("utf-16-le")) // 2
    utf8 = len(value.encode("utf-8"))
    if code_points > limit:
        return None
    if utf16 > limit:
        return (
            f"the value is {code_points} code points but {utf16} UTF-16 code units ({utf8} UTF-8 bytes): "
            "the target seems to count UTF-16 code units (or UTF-8 bytes); Smithy counts code points"
        )
    if utf8 > limit:
        return (
            f"the value is {code_points} code points but {utf8} UTF-8 bytes: "
            "the target seems to count UTF-8 bytes; Smithy counts code points"
        )
    return None
