"""What a run did, added up across xdist workers: requests sent, the first failure, the workflows created
and deleted, and constraint coverage; printed at the end and, on request, written as a report.

Each process's share is plain data (``RunTotals.from_target``: numbers, strings, the coverage's and the
answer ledger's ``to_dict``, whose examples are failure records), since xdist carries a worker's
``workeroutput`` to the controller only as such; the controller adds the shares up (``add``).
"""

from __future__ import annotations

import os
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

from conformance.core.coverage import Coverage
from conformance.core.report import REDACTOR
from conformance.core.target import timeouts_line
from conformance.flagship.ledger import AnswerLedger
from conformance.plugin import stash
from conformance.plugin.options import is_worker
from conformance.plugin.preflight import lifecycle_line
from conformance.spec import load_contract
from conformance.spec.operation import is_flagship


@dataclass
class Cleanup:
    """What a process's cleanup of the workflows it created did."""

    created: int
    deleted: int
    not_deleted: list[str]  # ids that could not be deleted
    no_delete_operation: str | None  # the answer that said the target has no DeleteWorkflow, or None
    lost: list[str]  # ids whose delete was answered 404


# The key of a worker's share in the ``workeroutput`` xdist sends to the controller.
WORKER_OUTPUT = "conformance"


@dataclass
class RunTotals:
    requests: int = 0
    first_failure_after: int | None = None
    url: str | None = None
    cleaned_up: bool = False
    no_cleanup: bool = False
    created: int = 0
    deleted: int = 0
    not_deleted: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # deletes answered 404: the target had not kept them
    no_delete_operation: str | None = None  # the answer that said the target has no DeleteWorkflow
    coverage: Coverage = field(default_factory=lambda: Coverage(load_contract()))
    workflow_ids: dict[str, int] = field(default_factory=dict)  # id -> how many processes saw it
    answers: AnswerLedger = field(default_factory=lambda: AnswerLedger(load_contract()))
    throttle_waited: float = 0.0  # seconds spent waiting to resend 429s
    throttle_retries: int = 0
    throttle_spent: bool = False  # a wait was refused: --max-throttle-wait was used up
    timeouts: dict[str, list[int]] = field(default_factory=dict)  # as ``Target.timeouts``, all processes'
    timeout: float = 0.0  # --request-timeout
    sent_ahead: int = 0  # requests sent ahead of their tests (``conformance.core.ahead``)
    ahead_taken: int = 0  # of those, the answers a test took and judged
    answer_median: float | None = None  # seconds, the first answers' median, when the target is far

    @staticmethod
    def from_target(target: Any, cleanup: Cleanup | None) -> dict[str, Any]:
        """One process's share, as plain data (what an xdist worker sends to the controller)."""
        return {
            "requests": target.requests_sent,
            "first_failure_after": target.first_failure_after,
            "url": target.url,
            "cleanup": None if cleanup is None else asdict(cleanup),  # plain data, for xdist
            "coverage": target.coverage.to_dict(),
            "workflow_ids": sorted(target.answers.seen_ids),
            "answers": target.answers.to_dict(),
            "timeouts": target.timeouts,
            "timeout": target.client.timeout,
            "throttle": (
                target.client.throttle.waited,
                target.client.throttle.retries,
                target.client.throttle.spent,
            ),
            "ahead": _ahead_share(getattr(target, "ahead", None)),
        }

    def add(self, share: dict[str, Any]) -> None:
        if share["first_failure_after"] is not None and self.first_failure_after is None:
            self.first_failure_after = self.requests + share["first_failure_after"]
        self.requests += share["requests"]
        self.url = self.url or share["url"]
        if share["cleanup"] is not None:
            cleanup = Cleanup(**share["cleanup"])
            self.lost += list(cleanup.lost)
            self.cleaned_up = True
            self.no_delete_operation = self.no_delete_operation or cleanup.no_delete_operation
            self.created += cleanup.created
            self.deleted += cleanup.deleted
            self.not_deleted += list(cleanup.not_deleted)
        self.coverage.merge(share["coverage"])
        for workflow_id in share["workflow_ids"]:
            self.workflow_ids[workflow_id] = self.workflow_ids.get(workflow_id, 0) + 1
        self.answers.merge(share.get("answers", {}))
        for kind, (timed_out, sent) in share.get("timeouts", {}).items():
            counts = self.timeouts.setdefault(kind, [0, 0])
            counts[0] += timed_out
            counts[1] += sent
        self.timeout = share.get("timeout", self.timeout)
        waited, retries, spent = share.get("throttle", (0.0, 0, False))
        self.throttle_waited += waited
        self.throttle_retries += retries
        self.throttle_spent = self.throttle_spent or spent
        sent, taken, median = share.get("ahead", (0, 0, None))
        self.sent_ahead += sent
        self.ahead_taken += taken
        if median is not None:
            self.answer_median = max(self.answer_median or 0.0, median)

    def lost_report(self) -> str:
        """The verdict on the run's own deletes: each workflow the target said it created is still there
        to delete at the end."""
        shown = " ".join(_short(i) for i in self.lost[:10])
        return "\n".join(
            [
                "Broken: lifecycle.cleanup (the run's own deletes, at its end)",
                "Required: every workflow a create answered 200 for exists until it is deleted: "
                "DeleteWorkflow of it answers 200",
                f"Answered: 404 to the DeleteWorkflow of {len(self.lost)} of the {self.created} workflows "
                f"the run created: {shown}",
            ]
        )

    def repeated_ids(self) -> list[str]:
        """WorkflowIds answered to more than one xdist worker: each worker checks its own answers, so
        only the controller sees a target repeat an id across workers."""
        return sorted(i for i, count in self.workflow_ids.items() if count > 1)

    def lines(self) -> list[str]:
        lines = []
        if self.requests:
            contract = self.coverage.contract
            about = "" if self.coverage.flagship else f" ({contract.service}:{contract.operation})"
            lines.append(f"conformance: {self.requests} requests sent to {self.url}{about}")
            lines += self.coverage.summary()
        failed = self.answers.failed()
        if failed:
            lines.append(f"conformance: properties of the answers broken: {', '.join(failed)}")
        if any(timed_out for timed_out, _ in self.timeouts.values()):
            lines.append(f"conformance: {timeouts_line(self.timeouts, self.timeout)}")
        if self.throttle_retries or self.throttle_spent:
            line = (
                f"conformance: the target answered 429: {self.throttle_retries} requests resent after "
                f"waiting {self.throttle_waited:.0f} s in all"
            )
            if self.throttle_spent:
                line += "; --max-throttle-wait was used up, and later 429s were taken as the answer"
            lines.append(line)
        if self.sent_ahead:
            median = "" if self.answer_median is None else f" in {self.answer_median * 1000:.0f} ms (median)"
            unused = self.sent_ahead - self.ahead_taken
            lines.append(
                f"conformance: the target answers{median}, so {self.sent_ahead} requests went out ahead of "
                f"the tests that judge them, {self.ahead_taken} of them judged"
                + (
                    f"; {unused} were not needed (a test that failed went on with other requests)"
                    if unused
                    else ""
                )
            )
        if self.first_failure_after is not None:
            lines.append(f"conformance: first failure after {self.first_failure_after} requests")
        if self.cleaned_up:
            kept = " (kept: --no-cleanup)" if self.no_cleanup else ""
            things = "workflows" if self.coverage.flagship else "resources (of the resource properties)"
            line = f"conformance: created {self.created} {things}, deleted {self.deleted}{kept}"
            if self.no_delete_operation:
                line += (
                    f"; the target has no DeleteWorkflow (it answered {self.no_delete_operation}), so no "
                    f"more deletes were sent and {len(self.not_deleted)} are left"
                )
            elif self.lost and len(self.lost) == len(self.not_deleted):
                delete = "DeleteWorkflow" if self.coverage.flagship else "the delete"
                line += f", {len(self.lost)} were gone already ({delete} answered 404)"
            elif self.not_deleted:
                shown = " ".join(_short(i) for i in self.not_deleted[:20])
                line += f", failed to delete {len(self.not_deleted)}: {shown}"
            lines.append(line)
        return lines


def _write_service_status(terminalreporter: pytest.TerminalReporter, run: RunTotals) -> None:
    """In an operation's run of a whole-service run (``service_run``), what the whole run adds up."""
    from conformance.plugin.service_run import STATUS_ENV, write_status

    if not os.environ.get(STATUS_ENV):
        return
    stats = terminalreporter.stats
    coverage = run.coverage
    write_status(
        terminalreporter.config,
        outcomes={
            outcome: len({getattr(report, "nodeid", "") for report in stats.get(outcome, [])})
            for outcome in ("passed", "failed", "skipped", "error")
        },
        failed_tests=sorted({report.nodeid for report in stats.get("failed", [])}),
        constraints_failed=sorted(coverage.failed),
        enforced=len((coverage.exercised("invalid") & coverage._breakable()) - coverage.failed),
        breakable_alone=len(coverage._breakable()),
        answers_broken=run.answers.failed(),
        requests=run.requests,
        valid_requests=run.timeouts.get("valid", [0, 0])[1],
    )


def _ahead_share(ahead: Any) -> tuple[int, int, float | None]:
    """What a process sent ahead: requests, answers taken, the median answer that made it send ahead."""
    if ahead is None or not ahead.sent_ahead:
        return (0, 0, None)
    return (ahead.sent_ahead, ahead.taken, statistics.median(ahead.latencies) if ahead.latencies else None)


def _short(workflow_id: str) -> str:
    """A WorkflowId the target made up, as one short word (it may be anything: 1 MiB, spaces, controls)."""
    shown = workflow_id if len(workflow_id) <= 40 else workflow_id[:40] + "…"
    return repr(shown) if not shown.isprintable() or " " in shown or not shown else shown


def totals(config: pytest.Config) -> RunTotals:
    """The run's totals (the controller's, or a run's without xdist)."""
    if stash.TOTALS not in config.stash:
        contract = config.stash.get(stash.CONTRACT, None)
        if contract is None or is_flagship(contract):
            config.stash[stash.TOTALS] = RunTotals(no_cleanup=config.getoption("no_cleanup"))
        else:
            from conformance.core.ledger import OperationAnswerLedger

            # The unbreakable constraints arrive with each process's coverage (the controller of an
            # xdist run builds no strategies).
            config.stash[stash.TOTALS] = RunTotals(
                no_cleanup=config.getoption("no_cleanup"),
                coverage=Coverage(contract, {}),
                answers=OperationAnswerLedger(contract),
            )
    return config.stash[stash.TOTALS]


def add_own_share(config: pytest.Config) -> None:
    """This process's share of the run, at its end: a worker hands it to xdist, which sends it to the
    controller; the controller, or a run without xdist, adds it to the totals."""
    target = config.stash.get(stash.TARGET, None)
    if target is None:
        return
    share = RunTotals.from_target(target, config.stash.get(stash.CLEANUP, None))
    if is_worker(config):
        config.workeroutput[WORKER_OUTPUT] = share  # type: ignore[attr-defined]
    else:
        totals(config).add(share)


def add_worker_share(node: Any) -> None:
    """Under xdist, the controller adds up what each worker sent, as the worker goes down."""
    share = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if share:
        totals(node.config).add(share)


def write_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The run's lines at the end of the terminal report, and the coverage report where it was asked for
    (the --conformance-report files, a GitHub Actions job's step summary)."""
    config = terminalreporter.config
    run = totals(config)
    lines = run.lines()
    missing = lifecycle_line(config.stash.get(stash.LIFECYCLE, {}), config.getoption("lifecycle"))
    if missing and run.requests:
        lines.append(missing)
    for line in lines:
        terminalreporter.write_line(REDACTOR.clean(line))
    if not is_worker(config):
        _write_service_status(terminalreporter, run)
    path = config.getoption("conformance_report")
    if path and run.requests:
        written = run.coverage.write(path)
        terminalreporter.write_line(f"conformance: coverage report written to {', '.join(map(str, written))}")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and run.requests and not is_worker(config):
        # In a GitHub Actions job: the report on the run's summary page, where a person looks first.
        try:
            with open(step_summary, "a", encoding="utf-8") as summary_file:
                summary_file.write(run.coverage.markdown())
        except OSError as error:
            terminalreporter.write_line(
                f"conformance: could not write $GITHUB_STEP_SUMMARY: {error.strerror}"
            )
