"""How the suite's outcomes reach pytest's reports: a failing test's report rewritten as the suite's own
(one clean report, not a traceback into the suite), the properties of the answers logged as test cases
of their own at the end, the captured logs redacted, JUnit spared Hypothesis's statistics, and the
terminal's failures kept readable when hundreds of tests fail (``FULL_REPORTS``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.core.checks import ConformanceFailure
from conformance.core.ledger import NODE
from conformance.core.report import REDACTOR, render_test_failures
from conformance.core.target import TransportFailure
from conformance.plugin import stash
from conformance.plugin.preflight import deletes_are_judged
from conformance.plugin.summary import RunTotals


def _properties_folder() -> Path:
    """The folder of the suite's properties, found by its package's name, wherever it is installed."""
    import conformance.properties

    return Path(conformance.properties.__file__).resolve().parent


#: The folder of the suite's own tests (``conformance/properties/test_*.py``).
SUITE = _properties_folder()
#: The failing tests whose whole report the terminal shows: the first few, which a person reads.  Each later
#: one is a line of the short summary ("FAILED test-id - Broken: ...; Answered: ..."); its whole report is
#: still in JUnit (--junitxml) and in any other plugin's report.  A mock that checks nothing fails ~280
#: tests: ~3,700 lines of reports, where this leaves a few pages.
FULL_REPORTS = 5
_HELD_BACK = pytest.StashKey[list]()


@dataclass(frozen=True)
class _Headline:
    """What pytest's short summary and JUnit's ``message`` read of a report (as of a traceback's crash)."""

    message: str
    path: str = ""
    lineno: int = 0


class SuiteReport:
    """A failing test's report as the suite writes it: the whole text for the terminal and JUnit, and
    its headline, the constraint broken and what was answered, as the failure's one-line message."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.reprcrash = _Headline(headline(text))

    def toterminal(self, out: object) -> None:
        for line in self.text.splitlines():
            out.line(line)  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return self.text


def headline(text: str) -> str:
    """A report's gist in one line: its "Broken:" line with what was "Answered:", or its first line (a
    transport failure's sentence)."""
    lines = text.splitlines() or [""]
    broken = next((line for line in lines if line.startswith("Broken: ")), lines[0])
    answered = next((line for line in lines if line.startswith("Answered: ")), None)
    return broken if answered is None else f"{broken}; {answered}"


def give_headline(report: pytest.TestReport) -> None:
    """A failure of the suite's own tests (and of the properties of the answers), whose report is the
    suite's text (as rewritten, or as xdist carried it from a worker), gets its headline, for the short
    summary and JUnit."""
    if report.failed and isinstance(report.longrepr, str) and f"{SUITE.name}/" in report.nodeid:
        report.longrepr = SuiteReport(report.longrepr)  # type: ignore[assignment]


def _is_suite_test(nodeid: str) -> bool:
    return f"{SUITE.name}/test_" in nodeid


def hold_back_reports(terminal: pytest.TerminalReporter) -> None:
    """Before the terminal writes its failures: the suite's failing tests after the first
    ``FULL_REPORTS`` leave its list, so that their reports are not written in full
    (``list_held_back`` puts them back before the short summary, which names each with its headline)."""
    failed = terminal.stats.get("failed", [])
    ours = [report for report in failed if _is_suite_test(report.nodeid)]
    held = ours[FULL_REPORTS:]
    terminal.config.stash[_HELD_BACK] = held
    if held:
        kept = {id(report) for report in held}
        terminal.stats["failed"] = [report for report in failed if id(report) not in kept]


def list_held_back(terminal: pytest.TerminalReporter) -> None:
    """The reports ``hold_back_reports`` kept from the terminal's failures are put back, and a line says
    where they are."""
    held = terminal.config.stash.get(_HELD_BACK, [])
    if not held:
        return
    terminal.config.stash[_HELD_BACK] = []
    terminal.stats.setdefault("failed", []).extend(held)
    junit = terminal.config.getoption("xmlpath", None)
    where = "in the JUnit report" if junit else "written by --junitxml FILE"
    terminal.write_line(
        f"conformance: {len(held)} more failing tests are named in the short summary below; their whole "
        f"reports, each with a request to reproduce it, are {where} (or run one with -k)"
    )


def rewrite_report(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """A contract failure reads as its report (and Hypothesis's notes), and a transport failure as its one
    line, not as a traceback into the suite's own code: the reader is fixing the target, not the suite."""
    if report.failed and call.when == "call":
        _note_failed_constraint(item, call)
    if report.failed and call.excinfo is not None:
        failures = conformance_failures(call.excinfo.value)
        if failures:
            report.longrepr = _render(failures, call.excinfo.value)
        elif isinstance(report.longrepr, str):
            report.longrepr = REDACTOR.clean(report.longrepr)


def report_verdicts(session: pytest.Session, totals: RunTotals) -> None:
    """The properties of the answers, judged over every exchange of the run, each logged as a test case;
    a broken one fails the run."""
    config = session.config
    _drop_hypothesis_statistics_from_junit(config)
    # A WorkflowId repeated across xdist workers is a failure no single worker could see.
    totals.answers.repeated_across_processes(totals.repeated_ids())
    verdicts = totals.answers.verdicts()
    session.testscollected += len(verdicts)  # so that the terminal's progress counts them
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if verdicts and terminal is not None:
        terminal.write("\n")
        terminal.write_line(
            "conformance: the properties of the answers, judged over every exchange of the run:"
        )
    if totals.lost and totals.coverage.flagship and deletes_are_judged(config):
        verdicts.append((f"{NODE}[lifecycle.cleanup]", False, totals.lost_report()))
    for nodeid, passed, text in verdicts:
        _log_verdict(config, nodeid, passed, REDACTOR.clean(text))
    if (totals.answers.failed() or any(not passed for _, passed, _ in verdicts)) and (
        session.exitstatus == pytest.ExitCode.OK
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _note_failed_constraint(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    target = item.config.stash.get(stash.TARGET, None)
    if target is None:
        return
    callspec = getattr(item, "callspec", None)
    constraint_id = callspec.params.get("constraint_id") if callspec else None
    names = {constraint_id} if constraint_id else set()
    if call.excinfo is not None:
        names |= {
            f.property for f in conformance_failures(call.excinfo.value) if isinstance(f, ConformanceFailure)
        }
    for name in names or {item.name}:
        target.coverage.failure(name)


def conformance_failures(error: BaseException) -> list[ConformanceFailure | TransportFailure]:
    """The suite's own failures that make up ``error`` (a group's too, Hypothesis's FlakyFailure among
    them), or [] if anything else is in it: an error of the suite, shown with its traceback."""
    if isinstance(error, ConformanceFailure | TransportFailure):
        return [error]
    if isinstance(error, BaseExceptionGroup):
        found = [f for sub in error.exceptions for f in conformance_failures(sub)]
        return found if found and all(conformance_failures(sub) for sub in error.exceptions) else []
    return []


def _render(failures: list[ConformanceFailure | TransportFailure], error: BaseException) -> str:
    """The failures of one test as one report (``report.render_test_failures``); the notes of the group
    they came in are Hypothesis's, for more than one contract failure."""
    transport = [str(f) for f in failures if isinstance(f, TransportFailure)]
    records = [f.asdict() for f in failures if isinstance(f, ConformanceFailure)]
    notes = getattr(error, "__notes__", []) if len(failures) > 1 and not transport else []
    return render_test_failures(transport, records, notes)


class _RedactingFilter(logging.Filter):
    """Redacts and escapes each log record as pytest's handlers take it: the libraries the suite drives
    log what the target said (``botocore.parsers`` logs whole answers at DEBUG), and captured logs reach
    the terminal, JUnit and CI logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments don't fit its format: leave it to logging's own report
            return True
        cleaned = REDACTOR.clean(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def redact_captured_logs(config: pytest.Config) -> None:
    logging_plugin = config.pluginmanager.get_plugin("logging-plugin")
    for name in ("caplog_handler", "report_handler", "log_file_handler", "log_cli_handler"):
        handler = getattr(logging_plugin, name, None)
        if isinstance(handler, logging.Handler) and not any(
            isinstance(existing, _RedactingFilter) for existing in handler.filters
        ):
            handler.addFilter(_RedactingFilter())


def _drop_hypothesis_statistics_from_junit(config: pytest.Config) -> None:
    """Hypothesis adds each test's statistics to the JUnit file as a base64 property: for the suite's few
    hundred tests most of a passing run's file, and nothing a person reads.  Dropped, for the suite's own
    tests only; ``--hypothesis-show-statistics`` still prints them."""
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - a pytest that moved it: the file keeps them
        return
    xml = config.stash.get(xml_key, None)
    properties = getattr(xml, "global_properties", None)
    if isinstance(properties, list):
        ours = f"{SUITE.name}/test_"
        properties[:] = [
            (name, value)
            for name, value in properties
            if not (str(name).startswith("hypothesis-statistics-") and ours in str(name))
        ]


def _log_verdict(config: pytest.Config, nodeid: str, passed: bool, text: str) -> None:
    """One property of the answers as a test case of its own: logged as pytest logs a test's phases, so
    that the terminal, ``-rf`` and JUnit show it like any other (its answers came from every test)."""
    location = (nodeid.split("::", 1)[0], None, nodeid.split("::", 1)[1])
    config.hook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    for when in ("setup", "call", "teardown"):
        failed = when == "call" and not passed
        report = pytest.TestReport(
            nodeid,
            location,
            {"answers": 1},
            "failed" if failed else "passed",
            text if failed else None,
            when,  # type: ignore[arg-type]
        )
        config.hook.pytest_runtest_logreport(report=report)
    config.hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
