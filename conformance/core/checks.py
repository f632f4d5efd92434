"""What a verdict is made of, for any operation: ``ConformanceFailure`` (a property the target's answer
breaks, what is required and what was observed) and ``Problem``, and the checks that hold whatever the
operation: a request that breaks a constraint is rejected with a client error, no answer is a 5xx, an
error's body is a JSON object with a string ``Message``.

How one operation's answers look is judged by its model in ``conformance.core.judge`` (a 200, an
error, a status the model documents); the flagship's, with its own constraint ids, in
``conformance.flagship.judge``.  How an SDK reads an answer, which the checks lean on, is
``conformance.core.sdk``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from conformance.core.exchange import Exchange
from conformance.core.report import REDACTOR, describe_answer, describe_value, render_failure, to_curl
from conformance.core.sdk import body_kind, summarize_error

# The notes Hypothesis adds to a failing test's exception that repeat what the failure's own report says
# (the drawn request, which the report's curl line sends again; which lines only failing runs ran).
HYPOTHESIS_NOTES = ("Failing test case:", "Falsifying example:", "Draw ", "Explanation:")


class ConformanceFailure(AssertionError):
    """The target's answer breaks the contract.

    ``property`` is what is broken (a constraint id such as ``Response.Arn.pattern``, or a name
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
        # What the failing test is about, where that is not ``property``: a valid edge of one constraint
        # that another property's check failed on (the first line of the report says so).
        self.about: str | None = None
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
            **({} if self.about is None else {"about": REDACTOR.clean(self.about)}),
            **exchange,
            "notes": [
                REDACTOR.clean(note)
                for note in getattr(self, "__notes__", [])
                if not note.startswith(HYPOTHESIS_NOTES)
            ],
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> ConformanceFailure:
        """The failure an ``asdict()`` record describes (with no exchange: its answer is the record's)."""
        failure = cls(record["property"], record["requirement"], None, record["observed"], record["case"])
        failure._exchange_record = {"answer": record["answer"], "request": record["request"]}
        failure.about = record.get("about")
        for note in record["notes"]:
            failure.add_note(note)
        return failure

    def __str__(self) -> str:
        return render_failure(self.asdict(), notes=False)  # a traceback prints the notes itself

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        # Exceptions pickle through ``args``, which here is only the short form; the record is the whole
        # report, and carries no credential of the request the exchange holds.
        return (type(self).from_dict, (self.asdict(),))


# -- the checks --------------------------------------------------------------------------------------------
# Each property of an answer is judged on its own: ``*_problems`` return every property the answer breaks,
# so that one answer that breaks two is counted for both.
class Problem(NamedTuple):
    """One property an answer breaks: its name, what is required, and what the target did instead."""

    property: str
    requirement: str
    observed: str


def error_body_problems(exchange: Exchange) -> list[Problem]:
    """Any error answer: a JSON object body whose ``Message`` (or ``message``), when present, is a string."""
    body = exchange.json()
    if not isinstance(body, dict):
        return [
            Problem("error.body", "an error's body is a JSON object", f"the body is {body_kind(exchange)}")
        ]
    return [
        (
            "error.Message",
            f"an error's {key}, when present, is a string",
            f"{key} is {describe_value(body[key])}",
        )
        for key in ("Message", "message")
        if key in body and not isinstance(body[key], str)
    ]


def check_rejected(exchange: Exchange, contract: Any, case: str, due: str) -> None:
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
