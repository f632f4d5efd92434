"""How the answers look, judged over all of them: one verdict per property of the answers.

A constraint's own test asks one question: is the constraint enforced (the request that breaks it is
rejected with a client error, not accepted, not a crash)?  How the answers look is a property of the
answers as a whole: a rejection is 400 with the error type an SDK resolves to ``BadRequestException``, a
JSON object body and a string ``Message``; a success is 200, JSON, with a ``WorkflowId`` of 32 hex digits
and a ``Message`` of 1 to 255 code points; a valid request on a domain that doesn't exist gets 404
``ResourceNotFoundException``.  Every exchange of the run is checked against every property that applies
to it, and each property is reported once, as a test case of its own
(``conformance/answers.py::test_answers[error.type]``), with how many answers broke it, which kinds of
request showed it ("every rejection", "only for faults inside IntegrationConfig.AppflowIntegration"), and
the smallest request that did.  One systematic deviation is one failure, then, not one per constraint,
and nothing is shrunk for it.  Under pytest-xdist each worker keeps its own ledger; the controller adds
them up (``to_dict`` and ``merge``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.checks import (
    ConformanceFailure,
    Problem,
    error_body_problems,
    error_problems,
    success_problems,
)
from conformance.errors import NOT_FOUND
from conformance.exchange import Exchange
from conformance.report import render_failure
from conformance.spec import Contract, parent_path

NODE = "conformance/answers.py::test_answers"

# Each property, and the answers it is about (the noun of its verdict).
PROPERTIES: dict[str, str] = {
    "error.status": "rejections of invalid requests",
    "error.type": "rejections of invalid requests",
    "error.body": "error answers",
    "error.Message": "error answers",
    "not_found.status": "rejections of valid requests on domains that don't exist",
    "not_found.type": "rejections of valid requests on domains that don't exist",
    "success.status": "successes",
    "success.content_type": "successes",
    "Response.type": "successes",
    "Response.WorkflowId.required": "successes",
    "Response.WorkflowId.type": "successes",
    "Response.WorkflowId.pattern": "successes",
    "Response.Message.required": "successes",
    "Response.Message.type": "successes",
    "Response.Message.minLength": "successes",
    "Response.Message.maxLength": "successes",
    "success.WorkflowId.unique": "successes",
}
_SUCCESS = [name for name, about in PROPERTIES.items() if about == "successes"]
_UNIQUE = "success.WorkflowId.unique"
_UNIQUE_PROBLEM = ("each workflow created gets a WorkflowId of its own", "WorkflowId {} was returned before")


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


@dataclass
class _Tally:
    applicable: Counter[str] = field(default_factory=Counter)
    broken: Counter[str] = field(default_factory=Counter)
    requirement: str = ""
    example: tuple[int, dict[str, Any]] | None = None  # (request size, the failure's record), the smallest
    _pending: tuple[int, Exchange, Problem, str | None] | None = None

    def add(self, kind: Kind, exchange: Exchange, problem: Problem | None, case: str | None) -> None:
        key = kind.key()
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


class AnswerLedger:
    """Every property of the answers, with the answers it applied to and those that broke it."""

    def __init__(self, contract: Contract, properties: dict[str, str] | None = None) -> None:
        self.contract = contract
        # The flagship's properties, or those of another operation's answers (``operation_answers``).
        self.properties = PROPERTIES if properties is None else properties
        self.tallies: dict[str, _Tally] = {name: _Tally() for name in self.properties}
        self.seen_ids: set[str] = set()

    # -- recording --------------------------------------------------------------------------------------
    def _judge(
        self, names: Iterable[str], problems: list[Problem], kind: Kind, exchange: Exchange, case: str | None
    ):
        broken = {problem[0]: problem for problem in problems}
        for name in names:
            self.tallies[name].add(kind, exchange, broken.get(name), case)

    def rejection(
        self, exchange: Exchange, kind: Kind, statuses: Collection[int], types: Collection[str] | None
    ) -> None:
        """An answer to an invalid request (the case of ``kind``): judged if the target rejected it."""
        if exchange.status < 400:
            return
        if exchange.status < 500:
            problems = error_problems(exchange, self.contract, statuses, types)
            self._judge(["error.status", "error.type"], problems, kind, exchange, kind.constraint)
        self._judge(
            ["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, kind.constraint
        )

    def unknown_domain(self, exchange: Exchange, kind: Kind) -> None:
        if exchange.status < 400:
            return
        if exchange.status < 500:
            status = self.contract.status_of(NOT_FOUND)
            problems = error_problems(exchange, self.contract, status, NOT_FOUND, prefix="not_found")
            self._judge(["not_found.status", "not_found.type"], problems, kind, exchange, "domain existence")
        self._judge(["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, None)

    def throttled(self, exchange: Exchange, kind: Kind) -> None:
        """A 429: only the error's body is judged (the request was not processed)."""
        self._judge(["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, None)

    def success(self, exchange: Exchange, kind: Kind) -> None:
        """An answer to a valid request on the existing domain: judged as a success if it is one."""
        if exchange.status >= 400:
            self._judge(["error.body", "error.Message"], error_body_problems(exchange), kind, exchange, None)
            return
        if not 200 <= exchange.status < 300:
            return
        problems = success_problems(exchange, self.contract)
        body = exchange.json()
        workflow_id = body.get("WorkflowId") if isinstance(body, dict) else None
        if isinstance(workflow_id, str):
            if workflow_id in self.seen_ids:
                problems.append((_UNIQUE, _UNIQUE_PROBLEM[0], _UNIQUE_PROBLEM[1].format(workflow_id)))
            self.seen_ids.add(workflow_id)
        self._judge(_SUCCESS, problems, kind, exchange, None)

    def repeated_across_processes(self, workflow_ids: Iterable[str]) -> None:
        """WorkflowIds that more than one xdist worker saw: only the controller can tell."""
        for _ in workflow_ids:
            tally = self.tallies[_UNIQUE]
            tally.broken[Kind("valid").key()] += 1
            tally.requirement = _UNIQUE_PROBLEM[0]

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
    def verdicts(self) -> list[tuple[str, bool, str]]:
        """(test id, passed, report) for each property some answer of the run was judged on."""
        out = []
        for name, tally in self.tallies.items():
            tally.render()
            if not tally.applicable and not tally.broken:
                continue
            nodeid = f"{NODE}[{name}]"
            if not tally.broken:
                out.append((nodeid, True, ""))
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
            out.append((nodeid, False, "\n".join(lines)))
        return out

    def failed(self) -> list[str]:
        return [name for name, tally in self.tallies.items() if tally.broken]


def _count(counter: Counter[str], keys: Iterable[str]) -> int:
    return sum(counter[key] for key in keys)


def _steps(member: str) -> list[str]:
    return member.replace("[]", ".[]").split(".") if member else []


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
            where = ".".join(common).replace(".[]", "[]")
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
