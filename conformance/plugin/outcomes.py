"""How the suite's outcomes reach pytest's reports: a failing test's report rewritten as the suite's own
(one clean report, not a traceback into the suite), the properties of the answers logged as test cases
of their own at the end, the captured logs redacted, and JUnit spared Hypothesis's statistics."""

from __future__ import annotations

import logging
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
    if totals.lost and deletes_are_judged(config):
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
