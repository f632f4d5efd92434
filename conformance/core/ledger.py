"""How the answers look, judged over all of them: one verdict per property of the answers.

A constraint's own test asks one question: is the constraint enforced (the request that breaks it is
rejected with a client error, not accepted, not a crash)?  How the answers look is a property of the
answers as a whole (a rejection has the status and the error type the model gives it, an error's body is
a JSON object with a string ``Message``, a success has the model's status and output).  Every exchange of
the run is checked against every property that applies to it, and each property is reported once, as a
test case of its own (``conformance/properties/answers.py::test_answers[error.type]``), with how many
answers broke it, which kinds of request showed it ("every rejection", "only for faults inside" one part
of the body), and the smallest request that did.  One systematic deviation is
one failure, then, not one per constraint, and nothing is shrunk for it.  Under pytest-xdist each worker
keeps its own ledger; the controller adds them up (``to_dict`` and ``merge``).

``Ledger`` keeps the tallies and renders the verdicts; ``OperationAnswerLedger`` judges any operation's
answers by its model (``conformance.core.judge``): a rejection of an invalid request has the status and
the validation error the model gives it (``error.status``, ``error.type``); every error answer has a JSON
object body (``error.body``) with a string ``Message`` (``error.Message``), and an error the model lists
comes with its modelled status (``error.modelled_status``); a success has the model's ``responseCode``
(``success.status``), output headers that read as their types (``success.headers``), and a body that
meets each ``Response.*`` constraint.  The flagship's ledger, with its page's properties, is
``conformance.flagship.ledger``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from conformance.core import judge
from conformance.core.checks import ConformanceFailure, Problem
from conformance.core.exchange import Exchange
from conformance.core.report import render_failure
from conformance.spec import Contract, parent_path
from conformance.spec.paths import join, steps

# The test id the answers' verdicts are reported under (a module that says where they are judged).
NODE = "conformance/properties/answers.py::test_answers"


@dataclass(frozen=True)
class Kind:
    """What an exchange's request was: ``valid``, ``invalid`` or ``unknown domain``; for an invalid one
    the kind of constraint it breaks and the member's path; for a boundary case the constraint it is an
    edge of."""

    request: str
    constraint: str = ""  # the constraint an invalid request breaks, or a boundary case is an edge of
    boundary: bool = False

    def key(self) -> str:
        return f"{self.request}|{self.constraint}|{int(self.boundary)}"

    @staticmethod
    def from_key(key: str) -> Kind:
        request, constraint, boundary = key.split("|")
        return Kind(request, constraint, boundary == "1")

    @property
    def member(self) -> str:
        return self.constraint.rsplit(".", 1)[0] if self.constraint else ""

    @property
    def where(self) -> str:
        """Where in the body the fault is: the member, or for a missing one the structure it is missing
        from."""
        if self.fault == "required":
            parent = parent_path(self.member)
            return "" if parent in (None, "Body") else parent
        return "" if self.member == "Body" else self.member  # the body as a whole is no part of it

    @property
    def fault(self) -> str:
        return self.constraint.rsplit(".", 1)[1] if "." in self.constraint else ""


class Verdict(NamedTuple):
    """One property's verdict over the run: its test id, whether it held, and the report if not."""

    nodeid: str
    passed: bool
    report: str


@dataclass
class _Tally:
    applicable: Counter[str] = field(default_factory=Counter)
    broken: Counter[str] = field(default_factory=Counter)
    requirement: str = ""
    example: tuple[int, dict[str, Any]] | None = None  # (request size, the failure's record), the smallest
    _pending: tuple[int, Exchange, Problem, str | None] | None = None

    def add(self, key: str, exchange: Exchange, problem: Problem | None, case: str | None) -> None:
        """One answer this property applied to, its request of the kind whose ``Kind.key()`` is ``key``;
        ``problem`` if the answer broke it."""
        self.applicable[key] += 1
        if problem is None:
            return
        self.broken[key] += 1
        self.requirement = self.requirement or problem[1]
        size = len(exchange.request_body)
        smallest = self._pending[0] if self._pending else self.example[0] if self.example else None
        if smallest is None or size < smallest:
            self._pending = (size, exchange, problem, case)

    def render(self) -> None:
        """The pending smallest example as a failure's record: plain data, clean in the process that saw
        it, which travels from an xdist worker to the controller."""
        if self._pending is not None:
            size, exchange, (name, requirement, observed), case = self._pending
            self.example = (size, ConformanceFailure(name, requirement, exchange, observed, case).asdict())
            self._pending = None


class Ledger:
    """Every property of the answers, with the answers it applied to and those that broke it: the tallies,
    their merging across xdist workers and the verdicts.  What each answer is judged by is a subclass's:
    ``OperationAnswerLedger`` below for any operation, ``conformance.flagship.ledger`` for the flagship."""

    def __init__(self, contract: Contract, properties: dict[str, str]) -> None:
        self.contract = contract
        self.properties = properties
        self.tallies: dict[str, _Tally] = {name: _Tally() for name in self.properties}
        # The ids of what the answers created, where a subclass knows them (no id is returned twice: the
        # controller checks it across xdist workers too).
        self.seen_ids: set[str] = set()

    # -- recording --------------------------------------------------------------------------------------
    def _judge(
        self, names: Iterable[str], problems: list[Problem], kind: Kind, exchange: Exchange, case: str | None
    ) -> None:
        broken = {problem[0]: problem for problem in problems}
        key = kind.key()  # once, not once for each of the (up to hundreds of) properties judged
        for name in names:
            self.tallies[name].add(key, exchange, broken.get(name), case)

    def rejection(
        self, exchange: Exchange, kind: Kind, statuses: Collection[int], types: Collection[str] | None
    ) -> None:
        """An answer to an invalid request (the case of ``kind``)."""
        raise NotImplementedError

    def success(self, exchange: Exchange, kind: Kind) -> None:
        """An answer to a valid request."""
        raise NotImplementedError

    def throttled(self, exchange: Exchange, kind: Kind) -> None:
        """A 429: only the error's body is judged (the request was not processed)."""
        raise NotImplementedError

    def repeated_across_processes(self, ids: Iterable[str]) -> None:
        """Ids of ``seen_ids`` that more than one xdist worker saw (only the controller can tell): a
        subclass that fills ``seen_ids`` says which property they break."""
        repeated = list(ids)
        if repeated:
            raise NotImplementedError(f"{type(self).__name__} keeps no ids, yet {len(repeated)} repeated")

    # -- merging ---------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        for tally in self.tallies.values():
            tally.render()
        return {
            name: {
                "applicable": dict(t.applicable),
                "broken": dict(t.broken),
                "requirement": t.requirement,
                "example": t.example,
            }
            for name, t in self.tallies.items()
            if t.applicable or t.broken
        }

    def merge(self, data: dict[str, Any]) -> None:
        for name, record in data.items():
            if name not in self.tallies:  # a property only another process's answers had
                self.tallies[name] = _Tally()
                self.properties = {**self.properties, name: "answers"}
            tally = self.tallies[name]
            tally.render()
            tally.applicable.update(record["applicable"])
            tally.broken.update(record["broken"])
            tally.requirement = tally.requirement or record["requirement"]
            example = record["example"]
            if example is not None and (tally.example is None or example[0] < tally.example[0]):
                tally.example = tuple(example)  # type: ignore[assignment]

    # -- verdicts --------------------------------------------------------------------------------------
    def verdicts(self) -> list[Verdict]:
        """The verdict of each property some answer of the run was judged on."""
        out = []
        for name, tally in self.tallies.items():
            tally.render()
            if not tally.applicable and not tally.broken:
                continue
            nodeid = f"{NODE}[{name}]"
            if not tally.broken:
                out.append(Verdict(nodeid, True, ""))
                continue
            lines = [
                f"Broken: {name} (a property of the answers, checked on every exchange)",
                f"Required: {tally.requirement}",
                f"Broken by: {describe_breaks(self.properties[name], tally.applicable, tally.broken)}",
            ]
            if tally.example is not None:
                lines += [
                    "The smallest request that showed it:",
                    *("  " + line for line in render_failure(tally.example[1]).splitlines()),
                ]
            out.append(Verdict(nodeid, False, "\n".join(lines)))
        return out

    def failed(self) -> list[str]:
        return [name for name, tally in self.tallies.items() if tally.broken]


def _count(counter: Counter[str], keys: Iterable[str]) -> int:
    return sum(counter[key] for key in keys)


def _steps(member: str) -> list[str]:
    return steps(member) if member else []


def _common_prefix(paths: list[list[str]]) -> list[str]:
    common = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(common), len(path)) and common[length] == path[length]:
            length += 1
        common = common[:length]
    return common


def describe_breaks(subject: str, applicable: Counter[str], broken: Counter[str]) -> str:
    """Which answers broke a property, in words a person can act on: all of them, those of faults inside
    one part of the body, of one kind of fault, or which groups did."""
    total, count = sum(applicable.values()), sum(broken.values())
    if count >= total:
        return f"every one of the {total} {subject} of this run"
    kinds = {key: Kind.from_key(key) for key in applicable | broken}
    faults = [k for k, kind in kinds.items() if kind.request == "invalid"]
    broken_faults = [k for k in faults if broken[k]]
    head = f"{count} of {total} {subject}"
    if broken_faults and len(broken_faults) == len([k for k in broken if broken[k]]):
        # The deepest part of the body that holds every fault that broke it, if every fault there did.
        common = _common_prefix([_steps(kinds[k].where) for k in broken_faults])
        inside = [k for k in faults if _steps(kinds[k].where)[: len(common)] == common]
        if common and all(broken[k] == applicable[k] for k in inside) and len(inside) < len(faults):
            where = join(common)
            return (
                f"{head}: only for faults in {where}, and every one of those ({_count(applicable, inside)})"
            )
        by_fault: dict[str, list[str]] = {}
        for key in faults:
            by_fault.setdefault(kinds[key].fault, []).append(key)
        always = [f for f, keys in by_fault.items() if _count(broken, keys) == _count(applicable, keys)]
        if always and all(_count(broken, keys) == 0 for f, keys in by_fault.items() if f not in always):
            shown = ", ".join(f"{f} ({_count(applicable, by_fault[f])})" for f in sorted(always))
            return f"{head}: only for faults of these kinds: {shown}"
    groups: Counter[str] = Counter()
    for key, kind in kinds.items():
        if broken[key]:
            name = f"{'boundary cases' if kind.boundary else 'drawn requests'}"
            name += f" of {kind.constraint}" if kind.constraint else f" ({kind.request})"
            groups[name] += broken[key]
    shown = "; ".join(f"{name}: {n}" for name, n in groups.most_common(6))
    more = f"; and {len(groups) - 6} more groups" if len(groups) > 6 else ""
    return f"{head}: {shown}{more}"


# -- any operation's answers, judged by its model ---------------------------------------------------
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


class OperationAnswerLedger(Ledger):
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

    def success(self, exchange: Exchange, kind: Kind) -> None:
        """An answer to a valid request: an error's shape if refused, a success's if accepted."""
        if exchange.status >= 400:
            self._error(exchange, kind, None)
            return
        if 200 <= exchange.status < 300:
            self._judge(self._success, judge.success_problems(self.contract, exchange), kind, exchange, None)
