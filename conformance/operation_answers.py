"""The answer ledger of any operation other than the flagship: the same verdicts, once per property of the
answers (``conformance/answers.py::test_answers[...]``), judged by the operation's own model
(``conformance.operation_checks``) instead of the flagship's page.

The properties: a rejection of an invalid request is 400 (``error.status``) with the operation's
validation error (``error.type``); every error answer has a JSON object body (``error.body``) with a
string ``Message`` (``error.Message``), and an error the model lists comes with its modelled status
(``error.modelled_status``); a success has the model's ``responseCode`` (``success.status``), output headers
that read as their types (``success.headers``), and a body that meets each ``Response.*`` constraint.
"""

from __future__ import annotations

from collections.abc import Collection

from conformance import operation_checks as judge
from conformance.answers import AnswerLedger, Kind
from conformance.exchange import Exchange
from conformance.spec import Contract

_REJECTIONS = "rejections of invalid requests"
_ERRORS = "error answers"
_SUCCESSES = "successes"


def operation_properties(contract: Contract) -> dict[str, str]:
    """Each property of an operation's answers, and the answers it is about (the noun of its verdict)."""
    properties = {
        "error.status": _REJECTIONS,
        "error.type": _REJECTIONS,
        "error.body": _ERRORS,
        "error.Message": _ERRORS,
        "error.modelled_status": _ERRORS,
    }
    properties.update(dict.fromkeys(judge.response_properties(contract), _SUCCESSES))
    return properties


class OperationAnswerLedger(AnswerLedger):
    """``AnswerLedger`` for any operation: the same tallies, merging and verdicts, other judges."""

    def __init__(self, contract: Contract) -> None:
        super().__init__(contract, operation_properties(contract))
        self._success = [name for name, about in self.properties.items() if about == _SUCCESSES]

    def rejection(
        self, exchange: Exchange, kind: Kind, statuses: Collection[int], types: Collection[str] | None
    ) -> None:
        """An answer to an invalid request: how the rejection looks, if the target rejected it."""
        if exchange.status < 400:
            return
        if exchange.status < 500:
            problems = judge.rejection_problems(
                self.contract, exchange, frozenset(statuses), frozenset(types or ())
            )
            self._judge(["error.status", "error.type"], problems, kind, exchange, kind.constraint)
        self._error(exchange, kind, kind.constraint)

    def _error(self, exchange: Exchange, kind: Kind, case: str | None) -> None:
        problems = judge.error_problems(self.contract, exchange)
        self._judge(["error.body", "error.Message", "error.modelled_status"], problems, kind, exchange, case)

    def throttled(self, exchange: Exchange, kind: Kind) -> None:
        self._error(exchange, kind, None)

    def unknown_domain(self, exchange: Exchange, kind: Kind) -> None:  # pragma: no cover - the flagship's
        raise NotImplementedError("only the flagship has domains")

    def success(self, exchange: Exchange, kind: Kind) -> None:
        """An answer to a valid request: an error's shape if refused, a success's if accepted."""
        if exchange.status >= 400:
            self._error(exchange, kind, None)
            return
        if 200 <= exchange.status < 300:
            self._judge(self._success, judge.success_problems(self.contract, exchange), kind, exchange, None)
