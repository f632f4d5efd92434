"""A whole service in one run: ``--operation SERVICE:*`` runs each operation of the service in a run of its
own and adds up what they found (``conformance.plugin.service_run``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.plugin.service_run import OperationRun, ServiceSummary, forwarded, names_a_resource, ordered
from conformance.reference import start_server
from conformance.reference.operation import OperationService
from conformance.spec.operation import load_operation
from conformance.spec.validation import Violation
from tests.suite_runner import run_suite

# A service of two operations, each quick to run.
SERVICE = "kinesis-video-signaling"
ICE = f"{SERVICE}:GetIceServerConfig"


def test_the_options_each_operation_gets_its_own_value_of_are_not_passed_on() -> None:
    args = [
        "--pyargs", "conformance", "--operation", "x:*", "--conformance-report=r", "--junitxml", "j.xml",
        "--max-creates=5", "-n", "2", "--expect", "lenient", "--value", "Name=a",
    ]  # fmt: skip
    assert forwarded(args) == [
        "--pyargs",
        "conformance",
        "-n",
        "2",
        "--expect",
        "lenient",
        "--value",
        "Name=a",
    ]


def test_creates_go_first_and_deletes_last() -> None:
    names = ["DeleteSchedule", "ListSchedules", "TagResource", "CreateSchedule", "GetSchedule", "Other"]
    assert ordered(names) == [
        "CreateSchedule",
        "GetSchedule",
        "ListSchedules",
        "TagResource",
        "Other",
        "DeleteSchedule",
    ]


@pytest.mark.parametrize(
    ("operation", "names"),
    [
        ("scheduler:CreateSchedule", False),  # its {Name} names what it makes
        ("scheduler:ListSchedules", False),
        ("scheduler:GetSchedule", True),  # {Name}: a schedule that must exist
        ("amp:CreateWorkspace", False),
        ("amp:CreateAlertManagerDefinition", True),  # {workspaceId}: the workspace it goes in
        ("ivs:GetChannel", True),  # no label: the arn in the body, the read of what CreateChannel makes
        ("ivs:CreateChannel", False),
    ],
)
def test_which_operations_name_a_resource_that_must_exist(operation: str, names: bool) -> None:
    service, name = operation.split(":")
    assert names_a_resource(service, name) is names


def test_the_summary_adds_up_the_operations() -> None:
    runs = [
        OperationRun("A", returncode=0, outcomes={"passed": 10}, enforced=4, breakable_alone=4, requests=100),
        OperationRun(
            "B",
            returncode=1,
            outcomes={"passed": 3, "failed": 2},
            enforced=2,
            breakable_alone=4,
            constraints_failed=["Name.maxLength", "Name.pattern"],
            answers_broken=["error.body"],
            lifecycle_broken=["test_a_deleted_resource_is_gone"],
            requests=50,
        ),
        OperationRun("C", returncode=4, unimplemented=True, problem="does not implement"),
    ]
    summary = ServiceSummary("svc", runs, 12.0)
    assert summary.total_line() == (
        "conformance: svc: 2 of 3 operations run, 1 passed, 1 with failures; not implemented by the target: "
        "C; constraints not enforced: 2 in 1 operations; answer properties broken: 1 in 1; lifecycle "
        "properties broken: 1 in 1; tests: 2 failed, 13 passed; 150 requests in 12 s"
    )
    markdown = summary.markdown()
    assert (
        "| B | failed | strict | 2 failed, 3 passed | 2 of 4 | Name.maxLength, Name.pattern | error.body |"
        in markdown
    )
    assert "| C | not implemented |" in markdown


def _run(tmp_path: Path, *args: str) -> Any:
    return run_suite("--operation", f"{SERVICE}:*", *args, storage=tmp_path / "storage", timeout=900)


def test_a_whole_service_passes_against_the_embedded_reference(tmp_path: Path) -> None:
    run = _run(tmp_path, "--conformance-report", str(tmp_path / "report" / "svc"))
    assert run.returncode == 0, run.output[-3000:]
    assert f"conformance: {SERVICE}: 2 of 2 operations run, 2 passed, 0 with failures" in run.output
    report = json.loads((tmp_path / "report" / "svc.json").read_text())
    assert [(op["operation"], op["verdict"]) for op in report["operations"]] == [
        ("GetIceServerConfig", "passed"),
        ("SendAlexaOfferToMaster", "passed"),
    ]
    assert all(
        op["tests"]["passed"] > 10 and op["enforced"] == op["breakable_alone"] > 0
        for op in report["operations"]
    )
    # Each operation's own report beside it.
    assert (tmp_path / "report" / "svc-GetIceServerConfig.json").is_file()


class AcceptsALongChannelArn(OperationService):
    """Does not check ChannelARN's maximum length."""

    def violations(self, values: dict[str, Any]) -> list[Violation]:
        return [v for v in super().violations(values) if v.constraint_id != "ChannelARN.maxLength"]


def test_a_broken_operation_fails_and_one_not_served_is_listed(tmp_path: Path) -> None:
    """A target that serves one of the two operations, and does not check one of its constraints."""
    with start_server(AcceptsALongChannelArn(load_operation(ICE))) as server:
        run = _run(tmp_path, "--target-url", server.url, "--conformance-report", str(tmp_path / "svc"))
    assert run.returncode == 1, run.output[-3000:]
    assert f"{SERVICE}:SendAlexaOfferToMaster: not implemented by the target" in run.output
    assert "not implemented by the target: SendAlexaOfferToMaster" in run.output
    report = json.loads((tmp_path / "svc.json").read_text())
    verdicts = {op["operation"]: op for op in report["operations"]}
    assert verdicts["SendAlexaOfferToMaster"]["verdict"] == "not implemented"
    assert verdicts["GetIceServerConfig"]["verdict"] == "failed"
    assert verdicts["GetIceServerConfig"]["constraints_not_enforced"] == ["ChannelARN.maxLength"]
    assert report["totals"]["constraints_not_enforced"] == 1
    # The failure itself is shown as the operation's run said it.
    assert "Broken: ChannelARN.maxLength" in run.output


@pytest.mark.parametrize(
    ("service", "says"),
    [("no-such-service", "no service 'no-such-service'"), ("sqs", "not restJson1")],
)
def test_a_service_that_cannot_run_says_why_in_one_line(service: str, says: str, tmp_path: Path) -> None:
    run = run_suite("--operation", f"{service}:*", storage=tmp_path, timeout=120)
    assert run.returncode == 4, run.output[-2000:]
    assert says in run.output
    assert "Traceback" not in run.output


def test_options_no_operation_can_start_with_stop_the_run_at_the_first(tmp_path: Path) -> None:
    run = _run(tmp_path, "--request-timeout", "-1")
    assert run.returncode != 0
    assert run.output.count("could not start; nor would the other operations") == 1, run.output[-2000:]
    assert "SendAlexaOfferToMaster (2 of 2)" not in run.output
