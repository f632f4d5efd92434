"""A whole service in one run: ``--operation SERVICE:*`` runs every restJson1 operation of the service,
each in a run of its own (its own contract, strategies, target and properties, exactly as
``--operation SERVICE:OPERATION`` runs it), one after another, and adds up what they found.

Each operation's run is a pytest process with the user's own arguments and that operation.  Its output
is shown as it comes, under a line that names the operation, except where the target does not implement
the operation: its check before the tests finds that out (``check_operation_target``), the operation is
listed in one line at the end, and it fails nothing.  An operation whose valid requests name a resource
that must exist (a URI label, the identifier a read, update or delete takes) is held to
``--expect lenient`` unless the user chose ``--expect``: a valid request naming a resource nobody made
may get the modelled not-found error, and whether it does is no constraint of the request's.

``--max-creates`` holds across the run: each operation gets what the ones before it left.  With
``--conformance-report PATH``, each operation's report is written to ``PATH-OPERATION.json``/``.md``, and
the run's, across operations, to ``PATH.json`` and ``PATH.md``; with ``--junitxml PATH``, each
operation's to ``PATH-OPERATION.xml``.  Each operation's run is bounded (``OPERATION_SECONDS``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: Where an operation's run writes what the whole run adds up (its check's problem, what it found).
STATUS_ENV = "CONFORMANCE_SERVICE_STATUS"
#: The longest one operation's run may take before it is stopped and reported so.
OPERATION_SECONDS = 3600.0
# Options each operation's run gets its own value of; the user's are taken out of what is passed on.
_OWN = ("--operation", "--conformance-report", "--junitxml", "--junit-xml", "--max-creates")
_ORDER = ("Create", "Put", "Get", "Describe", "List", "Update", "Tag", "Untag")


@dataclass
class OperationRun:
    """What one operation's run came to."""

    operation: str
    returncode: int | None = None
    seconds: float = 0.0
    expect: str = "strict"
    outcomes: dict[str, int] = field(default_factory=dict)
    problem: str | None = None  # its check before the tests refused the target
    unimplemented: bool = False
    timed_out: bool = False
    constraints_failed: list[str] = field(default_factory=list)
    enforced: int = 0  # constraints a request can break alone, broken and refused every time
    breakable_alone: int = 0
    answers_broken: list[str] = field(default_factory=list)
    lifecycle_broken: list[str] = field(default_factory=list)
    valid_requests: int = 0
    requests: int = 0

    @property
    def verdict(self) -> str:
        if self.unimplemented:
            return "not implemented"
        if self.timed_out:
            return "stopped: took too long"
        if self.problem is not None or self.returncode not in (0, 1, 5):
            return "did not run"
        return "failed" if self.returncode == 1 else "passed"


def whole_service(config: pytest.Config) -> str | None:
    """The service of ``--operation SERVICE:*``, or None for a run of one operation."""
    value = config.getoption("operation", None)
    if isinstance(value, str) and value.endswith(":*"):
        return value[:-2]
    return None


def ordered(operations: list[str]) -> list[str]:
    """Creates first (what the others then find may exist), deletes last, the rest by kind in between."""

    def rank(name: str) -> tuple[int, str]:
        if name.startswith("Delete"):
            return (len(_ORDER) + 1, name)
        for index, prefix in enumerate(_ORDER):
            if name.startswith(prefix):
                return (index, name)
        return (len(_ORDER), name)

    return sorted(operations, key=rank)


def names_a_resource(service: str, operation: str) -> bool:
    """Whether a valid request of ``operation`` names a resource that must exist: it has a URI label, or
    it is the read, update or delete of a resource the service creates."""
    from conformance.spec.operation import operation_model
    from conformance.spec.resources import creates, resource

    model = operation_model(service, operation)
    labels = re.findall(r"\{(\w+)\+?\}", model.http.get("requestUri", "").split("?", 1)[0])
    if operation.startswith(("Create", "Put")):
        # A create's label may name what it makes (CreateSchedule's {Name}); any other names a parent
        # that must exist (CreateAlertManagerDefinition's {workspaceId}).
        noun = operation.removeprefix("Create").removeprefix("Put").lower()
        own = {"name", "id", "arn", f"{noun}name", f"{noun}id", f"{noun}arn"}
        return any(label.lower() not in own for label in labels)
    if labels:
        return True
    for create in creates(service):
        try:
            found = resource(service, create)
        except Exception:  # noqa: BLE001 - a create whose resource cannot be read: it names nothing here
            continue
        if any(found.operations.get(role) == operation for role in ("read", "update", "delete")):
            return True
    return False


def forwarded(args: tuple[str, ...] | list[str]) -> list[str]:
    """The user's arguments without the options each operation's run gets its own value of."""
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in _OWN:
            skip = "=" not in arg
            continue
        kept.append(arg)
    return kept


def _suffixed(path: str, operation: str, default_suffix: str) -> str:
    base = Path(path)
    suffix = base.suffix or default_suffix
    stem = base.with_suffix("") if base.suffix else base
    return str(stem.with_name(f"{stem.name}-{operation}{suffix}"))


def run_operation(
    command: list[str], status_file: Path, operation: str, cwd: Path, env: dict[str, str], write: Any
) -> OperationRun:
    """Run one operation's pytest process, its output shown once its check before the tests passed."""
    run = OperationRun(operation)
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - the suite's own pytest, with the user's own arguments
        command,
        cwd=cwd,
        env={**env, STATUS_ENV: str(status_file)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    )
    timer = threading.Timer(OPERATION_SECONDS, process.kill)
    timer.daemon = True
    timer.start()
    held: list[str] = []
    showing = False
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if showing:
                write(line)
            elif line.startswith(("conformance: target ", "conformance: operation ")):
                showing = True  # past the check before the tests: the run's own output from here
                write("".join(held) + line)
                held.clear()
            else:
                held.append(line)
        process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        timer.cancel()
    run.seconds = time.monotonic() - started
    run.returncode = process.returncode
    run.timed_out = process.returncode < 0 and run.seconds >= OPERATION_SECONDS
    status = _status(status_file)
    run.problem = status.get("problem")
    run.unimplemented = bool(status.get("unimplemented"))
    if not run.unimplemented and held:
        write("".join(held))  # a run that ended before its tests: what it said is the reason
    run.outcomes = {outcome: int(count) for outcome, count in status.get("outcomes", {}).items() if count}
    run.constraints_failed = list(status.get("constraints_failed", []))
    run.enforced = int(status.get("enforced", 0))
    run.breakable_alone = int(status.get("breakable_alone", 0))
    run.answers_broken = list(status.get("answers_broken", []))
    run.valid_requests = int(status.get("valid_requests", 0))
    run.requests = int(status.get("requests", 0))
    run.lifecycle_broken = sorted(
        {
            test.split("::")[-1].split("[")[0]
            for test in status.get("failed_tests", [])
            if "test_resource" in test or "test_lifecycle" in test
        }
    )
    return run


def _status(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_service(config: pytest.Config, service: str) -> int:
    """``--operation SERVICE:*``: every restJson1 operation of the service, one run each; the exit code."""
    from conformance.spec.operation import OperationError, service_model

    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    try:
        operations = ordered(list(service_model(service).operation_names))
    except OperationError as error:
        write(f"ERROR: --operation {service}:*: {error}\n")
        return pytest.ExitCode.USAGE_ERROR
    params = config.invocation_params
    args = forwarded(params.args)
    report = config.getoption("conformance_report", None)
    junit = getattr(config.option, "xmlpath", None)
    budget = config.getoption("max_creates", None)
    chose_expect = any(arg.split("=", 1)[0] == "--expect" for arg in params.args)
    write(
        f"conformance: {service}: {len(operations)} restJson1 operations, one run each: "
        f"{', '.join(operations)}\n"
    )
    runs: list[OperationRun] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="conformance-service-") as scratch:
        for index, operation in enumerate(operations, 1):
            command = [sys.executable, "-m", "pytest", *args, f"--operation={service}:{operation}"]
            lenient = not chose_expect and names_a_resource(service, operation)
            if lenient:
                command.append("--expect=lenient")
            if report:
                command.append(f"--conformance-report={_suffixed(report, operation, '')}")
            if junit:
                command.append(f"--junitxml={_suffixed(junit, operation, '.xml')}")
            if budget is not None:
                left = max(0, budget - sum(run.valid_requests for run in runs))
                command.append(f"--max-creates={left}")
            why = " (--expect lenient: its valid requests name a resource that must exist)" if lenient else ""
            write(f"\nconformance: {service}:{operation} ({index} of {len(operations)}){why}\n")
            run = run_operation(
                command, Path(scratch) / f"{operation}.json", operation, params.dir, dict(os.environ), write
            )
            run.expect = "lenient" if lenient else config.getoption("expect", "strict")
            runs.append(run)
            if run.unimplemented:
                write(f"conformance: {service}:{operation}: not implemented by the target\n")
            elif run.returncode == pytest.ExitCode.USAGE_ERROR:
                # Options the run cannot start with, or a target that refuses: the next would fare alike.
                write(f"conformance: {service}:{operation} could not start; nor would the other operations\n")
                break
    seconds = time.monotonic() - started
    summary = ServiceSummary(service, runs, seconds)
    write("\n" + "\n".join(summary.lines()) + "\n")
    if report:
        for written in summary.write(report):
            write(f"conformance: report across operations written to {written}\n")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        try:
            with open(step_summary, "a", encoding="utf-8") as summary_file:
                summary_file.write(summary.markdown())
        except OSError as error:
            write(f"conformance: could not write $GITHUB_STEP_SUMMARY: {error.strerror}\n")
    if any(run.verdict in ("failed", "did not run", "stopped: took too long") for run in runs):
        return pytest.ExitCode.TESTS_FAILED
    return pytest.ExitCode.OK


@dataclass
class ServiceSummary:
    """What the operations' runs found, added up: the table and the total line."""

    service: str
    runs: list[OperationRun]
    seconds: float

    def totals(self) -> dict[str, Any]:
        ran = [run for run in self.runs if not run.unimplemented]
        outcomes: dict[str, int] = {}
        for run in ran:
            for outcome, count in run.outcomes.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + count
        return {
            "operations": len(self.runs),
            "run": len(ran),
            "passed": sum(run.verdict == "passed" for run in ran),
            "failed": sum(run.verdict == "failed" for run in ran),
            "did_not_run": [run.operation for run in ran if run.verdict not in ("passed", "failed")],
            "not_implemented": [run.operation for run in self.runs if run.unimplemented],
            "constraints_not_enforced": sum(len(run.constraints_failed) for run in ran),
            "operations_not_enforcing": sum(bool(run.constraints_failed) for run in ran),
            "answer_properties_broken": sum(len(run.answers_broken) for run in ran),
            "operations_breaking_answers": sum(bool(run.answers_broken) for run in ran),
            "lifecycle_properties_broken": sum(len(run.lifecycle_broken) for run in ran),
            "operations_breaking_lifecycle": sum(bool(run.lifecycle_broken) for run in ran),
            "tests": outcomes,
            "requests": sum(run.requests for run in ran),
            "seconds": round(self.seconds, 1),
        }

    def total_line(self) -> str:
        t = self.totals()
        tests = ", ".join(f"{count} {outcome}" for outcome, count in sorted(t["tests"].items())) or "no tests"
        parts = [
            f"conformance: {self.service}: {t['run']} of {t['operations']} operations run, "
            f"{t['passed']} passed, {t['failed']} with failures"
        ]
        if t["did_not_run"]:
            parts.append(f"{len(t['did_not_run'])} did not run ({', '.join(t['did_not_run'])})")
        if t["not_implemented"]:
            parts.append(f"not implemented by the target: {', '.join(t['not_implemented'])}")
        parts.append(
            f"constraints not enforced: {t['constraints_not_enforced']} in {t['operations_not_enforcing']} "
            f"operations; answer properties broken: {t['answer_properties_broken']} in "
            f"{t['operations_breaking_answers']}; lifecycle properties broken: "
            f"{t['lifecycle_properties_broken']} in {t['operations_breaking_lifecycle']}"
        )
        parts.append(f"tests: {tests}; {t['requests']:,} requests in {t['seconds']:.0f} s")
        return "; ".join(parts)

    def rows(self) -> list[tuple[str, ...]]:
        rows = []
        for run in self.runs:
            tests = ", ".join(f"{count} {outcome}" for outcome, count in sorted(run.outcomes.items()))
            enforced = f"{run.enforced} of {run.breakable_alone}" if run.breakable_alone else ""
            rows.append(
                (
                    run.operation,
                    run.verdict,
                    run.expect if not run.unimplemented else "",
                    tests,
                    enforced,
                    _listed(run.constraints_failed),
                    _listed(run.answers_broken),
                    _listed(run.lifecycle_broken),
                )
            )
        return rows

    def lines(self) -> list[str]:
        header = (
            "operation",
            "verdict",
            "expect",
            "tests",
            "refused when broken",
            "not enforced",
            "answers broken",
            "lifecycle broken",
        )
        rows = [header, *self.rows()]
        widths = [min(40, max(len(row[i]) for row in rows)) for i in range(len(header))]
        lines = [f"conformance: {self.service}: the operations one by one"]
        for row in rows:
            cells = [_clip(cell, width).ljust(width) for cell, width in zip(row, widths, strict=True)]
            lines.append("  " + "  ".join(cells).rstrip())
        lines.append(self.total_line())
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "totals": self.totals(),
            "operations": [
                {
                    "operation": run.operation,
                    "verdict": run.verdict,
                    "expect": run.expect,
                    "tests": run.outcomes,
                    "seconds": round(run.seconds, 1),
                    "requests": run.requests,
                    "breakable_alone": run.breakable_alone,
                    "enforced": run.enforced,
                    "constraints_not_enforced": run.constraints_failed,
                    "answer_properties_broken": run.answers_broken,
                    "lifecycle_properties_broken": run.lifecycle_broken,
                    "problem": run.problem,
                }
                for run in self.runs
            ],
        }

    def markdown(self) -> str:
        lines = [f"# Conformance of {self.service}, operation by operation", ""]
        lines.append(self.total_line().removeprefix("conformance: "))
        lines += [
            "",
            "| operation | verdict | expect | tests | refused when broken | not enforced | answers broken "
            "| lifecycle broken |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in self.rows():
            lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
        return "\n".join(lines) + "\n"

    def write(self, path: str) -> list[Path]:
        base = Path(path)
        if base.suffix in (".json", ".md"):
            base = base.with_suffix("")
        base.parent.mkdir(parents=True, exist_ok=True)
        json_path, md_path = base.with_suffix(".json"), base.with_suffix(".md")
        json_path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
        md_path.write_text(self.markdown(), encoding="utf-8")
        return [json_path, md_path]


def _listed(names: list[str]) -> str:
    return ", ".join(names)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_status(config: pytest.Config, **found: Any) -> None:
    """In an operation's run of a whole-service run: what the whole run adds up, to its status file."""
    path = os.environ.get(STATUS_ENV)
    if not path:
        return
    status = _status(Path(path))
    status.update(found)
    try:
        Path(path).write_text(json.dumps(status), encoding="utf-8")
    except OSError:
        pass  # the whole run then says only what the operation's output said
