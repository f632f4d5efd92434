"""The judging of any operation's answers by its own model (``conformance.core.judge``): a
conforming answer has no problem, and each way an answer can break its model is named by the property
it breaks."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from requests.structures import CaseInsensitiveDict

from conformance.core import judge
from conformance.core.checks import ConformanceFailure
from conformance.core.client import TargetClient
from conformance.core.exchange import Exchange
from conformance.core.ledger import Kind, OperationAnswerLedger
from conformance.core.operation_target import OperationTarget
from conformance.core.preflight import canonical_request, operation_preflight
from conformance.reference import start_server
from conformance.reference.messages import Reply
from conformance.reference.operation import OperationService
from conformance.spec.operation import load_operation
from conformance.spec.wire import InvalidRequest

SCHEDULER = load_operation("scheduler:CreateSchedule")
AMP = load_operation("amp:CreateWorkspace")
ARN = "arn:aws:scheduler:us-east-1:123456789012:schedule/default/a"


def answer(status: int = 200, body: Any = None, *, raw: bytes | None = None, **headers: str) -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1:1/schedules/a",
        request_headers=CaseInsensitiveDict({"Content-Type": "application/json"}),
        request_body=b"{}",
        request=None,
        status=status,
        reason="",
        headers=CaseInsensitiveDict({"Content-Type": "application/json", **headers}),
        body=raw if raw is not None else json.dumps(body).encode(),
    )


def names(problems: list[tuple[str, str, str]]) -> list[str]:
    return [problem[0] for problem in problems]


def test_a_conforming_success_has_no_problem() -> None:
    assert judge.success_problems(SCHEDULER, answer(200, {"ScheduleArn": ARN, "Extra": [1]})) == []


@pytest.mark.parametrize(
    ("status", "body", "broken"),
    [
        (201, {"ScheduleArn": ARN}, "success.status"),
        (200, {}, "Response.ScheduleArn.required"),
        (200, {"ScheduleArn": 7}, "Response.ScheduleArn.type"),
        (200, {"ScheduleArn": "arn:" + "a" * 1300}, "Response.ScheduleArn.maxLength"),
        (200, {"ScheduleArn": "no arn here"}, "Response.ScheduleArn.pattern"),
        (200, [ARN], "Response.type"),
    ],
)
def test_each_broken_output_property_is_named(status: int, body: Any, broken: str) -> None:
    assert broken in names(judge.success_problems(SCHEDULER, answer(status, body)))


def test_a_pattern_is_broken_only_when_no_reading_matches_anywhere() -> None:
    # The model's pattern has no anchors: Smithy searches it, so text around a match is no fault.
    for around in ("prefix " + ARN, ARN + " suffix"):
        assert names(judge.success_problems(SCHEDULER, answer(200, {"ScheduleArn": around}))) == []


def test_an_optional_member_sent_as_null_is_no_fault_and_a_required_one_is_missing() -> None:
    body = {
        "workspaceId": "ws-1",
        "arn": "arn:aws:aps:us-east-1:123456789012:workspace/ws-1",
        "kmsKeyArn": None,
    }
    body["status"] = {"statusCode": "ACTIVE"}
    assert judge.success_problems(AMP, answer(202, body)) == []
    body["workspaceId"] = None
    assert names(judge.success_problems(AMP, answer(202, body))) == ["Response.workspaceId.required"]


def test_nested_required_members_and_enums_are_judged() -> None:
    body = {"workspaceId": "ws-1", "arn": "arn:aws:aps:us-east-1:123456789012:workspace/ws-1", "status": {}}
    assert "Response.status.statusCode.required" in names(judge.success_problems(AMP, answer(202, body)))
    body["status"] = {"statusCode": "SLEEPING"}
    assert "Response.status.statusCode.enum" in names(judge.success_problems(AMP, answer(202, body)))


def test_lengths_count_code_points() -> None:
    body = {"workspaceId": "\U0001f44d" * 64, "arn": "arn:aws:aps:us-east-1:1:workspace/x", "status": {}}
    body["status"] = {"statusCode": "ACTIVE"}
    problems = names(judge.success_problems(AMP, answer(202, body)))
    assert "Response.workspaceId.maxLength" not in problems


def test_the_error_type_is_read_as_botocore_reads_it() -> None:
    exchange = answer(400, {"message": "no"}, **{"X-Amzn-Errortype": "ValidationException:http://x"})
    assert judge.error_type(SCHEDULER, exchange) == "ValidationException"
    assert judge.error_type(SCHEDULER, answer(400, {"__type": "ns#ConflictException"})) == "ConflictException"


def test_a_rejection_is_400_with_the_validation_error() -> None:
    types = judge.validation_errors(SCHEDULER, "Name.maxLength")
    statuses = judge.rejection_statuses(SCHEDULER, "Name.maxLength", "/schedules/" + "a" * 70)
    good = answer(400, {"Message": "bad"}, **{"X-Amzn-Errortype": "ValidationException"})
    assert judge.rejection_problems(SCHEDULER, good, statuses, types) == []
    wrong = answer(422, {"Message": "bad"}, **{"X-Amzn-Errortype": "BadInput"})
    assert names(judge.rejection_problems(SCHEDULER, wrong, statuses, types)) == [
        "error.status",
        "error.type",
    ]
    assert "SerializationException" in judge.validation_errors(SCHEDULER, "Target.type")
    assert "SerializationException" not in types


def test_an_empty_label_may_fail_routing() -> None:
    assert 404 in judge.rejection_statuses(SCHEDULER, "Name.minLength", "/schedules/")
    assert 404 in judge.rejection_statuses(SCHEDULER, "Body.json", "/schedules/")  # whatever the fault
    assert 404 not in judge.rejection_statuses(SCHEDULER, "Name.pattern", "/schedules/a%20b")


def test_a_modelled_error_has_its_modelled_status() -> None:
    conflict = answer(400, {"Message": "x"}, **{"X-Amzn-Errortype": "ConflictException"})
    assert names(judge.error_problems(SCHEDULER, conflict)) == ["error.modelled_status"]
    assert names(judge.error_problems(SCHEDULER, answer(500, raw=b"oops"))) == ["error.body"]


def test_output_headers_are_judged_by_type() -> None:
    contract = load_operation("mediastore-data:DescribeObject")
    good = answer(200, raw=b"", **{"Content-Length": "0", "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert judge.success_problems(contract, good) == []
    bad = answer(200, raw=b"", **{"Content-Length": "0", "Last-Modified": "yesterday"})
    assert names(judge.success_problems(contract, bad)) == ["success.headers"]


def test_the_ledger_reports_each_property_once() -> None:
    ledger = OperationAnswerLedger(SCHEDULER)
    ledger.success(answer(200, {}), Kind("valid"))
    ledger.success(answer(200, {"ScheduleArn": ARN}), Kind("valid"))
    verdicts = {nodeid.split("[")[1][:-1]: passed for nodeid, passed, _ in ledger.verdicts()}
    assert verdicts["Response.ScheduleArn.required"] is False
    assert verdicts["success.status"] is True


# -- the preflight -----------------------------------------------------------------------------------------
class AnswersEverything(OperationService):
    """Answers every request, whatever its path, with one fixed reply."""

    def __init__(self, contract: Any, reply: Reply) -> None:
        super().__init__(contract)
        self.reply = reply

    def dispatch(self, request: Any) -> Reply:
        return self.reply


def _reply(status: int, error: str | None = None) -> Reply:
    headers = {"Content-Type": "application/json", **({"X-Amzn-Errortype": error} if error else {})}
    return Reply(status, headers, b'{"message": "no"}')


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (_reply(501), "does not implement scheduler:CreateSchedule"),
        (_reply(405), "does not implement"),
        (_reply(404, "UnknownOperationException"), "does not implement"),
        (_reply(400, "NoSuchThing"), "the same answer as a path no operation has"),
        (_reply(403, "UnrecognizedClientException"), "Check the credentials"),
        (_reply(429, "ThrottlingException"), "throttled the first request"),
        (_reply(200), None),
        (_reply(404, "ResourceNotFoundException"), None),  # modelled: the tests will judge it
        (_reply(409, "ConflictException"), None),
    ],
)
def test_the_preflight_says_when_a_target_lacks_the_operation(reply: Reply, says: str | None) -> None:
    server = start_server(AnswersEverything(SCHEDULER, reply))
    try:
        with TargetClient(server.url, "", timeout=5) as client:
            problem = operation_preflight(client, SCHEDULER, canonical_request(SCHEDULER, {"Name": "n"}))
    finally:
        server.stop()
    if says is None:
        assert problem is None
    else:
        assert problem is not None and says in problem and "\n" not in problem, problem


# -- what a valid request is due ---------------------------------------------------------------------------
def _target(expect: str) -> OperationTarget:
    return OperationTarget(
        TargetClient("http://127.0.0.1:9", ""), SCHEDULER, OperationAnswerLedger(SCHEDULER), expect=expect
    )


@pytest.mark.parametrize(
    ("expect", "status", "error", "broken"),
    [
        ("strict", 200, None, None),
        ("strict", 404, "ResourceNotFoundException", "success.status"),
        ("lenient", 404, "ResourceNotFoundException", None),  # a documented refusal, as documented
        ("lenient", 400, "NoSuchThing", "documented.type"),
        # A listed error with another status: the error.modelled_status verdict's, once for the run.
        ("lenient", 400, "ConflictException", None),
        # Every AWS API's common errors, with their common statuses ("Cross-account pass role").
        ("lenient", 400, "AccessDeniedException", None),
        ("lenient", 418, "AccessDeniedException", "documented.type"),
        ("strict", 400, "AccessDeniedException", "success.status"),
        ("lenient", 500, "InternalServerException", "no_server_error"),
    ],
)
def test_a_valid_request_is_accepted_or_with_expect_lenient_refused_as_documented(
    expect: str, status: int, error: str | None, broken: str | None
) -> None:
    target = _target(expect)
    request = canonical_request(SCHEDULER, {})
    headers = {"X-Amzn-Errortype": error} if error else {}
    exchange = answer(status, {"ScheduleArn": ARN} if status == 200 else {"Message": "no"}, **headers)
    if broken is None:
        target.expect_accepted(exchange, request)
    else:
        with pytest.raises(ConformanceFailure) as failure:
            target.expect_accepted(exchange, request)
        assert failure.value.property == broken


def test_a_request_with_an_empty_label_is_no_valid_one_to_hold_the_target_to() -> None:
    request = dataclasses.replace(canonical_request(SCHEDULER, {}), path="/schedules/")
    refused = answer(404, {"message": "no route"}, **{"X-Amzn-Errortype": "UnknownOperationException"})
    _target("strict").expect_accepted(refused, request)  # no failure: no SDK sends an empty label
    with pytest.raises(ConformanceFailure):
        _target("strict").expect_accepted(refused, canonical_request(SCHEDULER, {}))


def test_an_output_member_bound_to_the_status_code_lets_the_service_choose_its_2xx() -> None:
    invoke = load_operation("lambda:Invoke")
    assert invoke.member("Response.StatusCode").location == "statusCode"
    assert "success.status" not in names(judge.success_problems(invoke, answer(202, raw=b"")))
    assert "success.status" in names(judge.success_problems(invoke, answer(302, raw=b"")))
    schedule = answer(202, {"ScheduleArn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/a"})
    assert "success.status" in names(judge.success_problems(SCHEDULER, schedule))


@pytest.mark.parametrize(
    ("expect", "status", "error", "broken"),
    [
        ("strict", 400, "ValidationException", set()),
        ("strict", 409, "ConflictException", {"error.status", "error.type"}),
        ("lenient", 409, "ConflictException", set()),  # the target's own check ran first: not in the model
        ("lenient", 400, "ConflictException", {"error.modelled_status"}),  # held to its modelled status
        ("lenient", 400, "NoSuchThing", {"error.type"}),
    ],
)
def test_with_expect_lenient_an_invalid_request_may_meet_the_targets_own_checks_first(
    expect: str, status: int, error: str, broken: set[str]
) -> None:
    target = _target(expect)
    request = canonical_request(SCHEDULER, {})
    case = InvalidRequest(request, "Name.maxLength", "a Name of 65 characters")
    target.expect_rejected(answer(status, {"Message": "no"}, **{"X-Amzn-Errortype": error}), case)
    verdicts = {nodeid.split("[")[1][:-1]: passed for nodeid, passed, _ in target.answers.verdicts()}
    assert {name for name, passed in verdicts.items() if not passed} == broken


def test_a_documented_refusal_under_expect_lenient_is_no_failure_to_note() -> None:
    """Only a failure starts a property's --shrink-time: a refusal lenient mode accepts must not, or the
    property's later examples would be cut short as if it had failed."""
    target = _target("lenient")
    request = canonical_request(SCHEDULER, {})
    refusal = answer(404, {"Message": "no"}, **{"X-Amzn-Errortype": "ResourceNotFoundException"})
    target.expect_accepted(refusal, request)
    assert target.first_failure_after is None and not target._failed_at
    with pytest.raises(ConformanceFailure):
        target.expect_accepted(answer(500, {"Message": "no"}), request)
    assert target.first_failure_after is not None and target._failed_at


@pytest.mark.parametrize(("preset", "broken"), [("", []), ("HIGHER_BANDWIDTH_DELIVERY", []), ("X", ["enum"])])
def test_an_enum_takes_the_empty_string_where_its_documentation_names_it(preset: str, broken: list) -> None:
    """ivs' ``preset`` lists two presets, and its documentation says the service answers ``""`` for the
    channel types that have none: the model says both, so only a value neither allows is broken; an enum
    whose documentation says nothing of it (``type``) keeps to its values."""
    channel = load_operation("ivs:CreateChannel")
    found = judge.body_problems(channel, answer(200, {"channel": {"preset": preset, "arn": "a"}}))
    assert [name.rsplit(".", 1)[1] for name in names(found) if ".preset." in name] == broken
    typed = judge.body_problems(channel, answer(200, {"channel": {"type": ""}}))
    assert "Response.channel.type.enum" in names(typed)
