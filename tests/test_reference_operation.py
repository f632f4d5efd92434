"""The embedded reference serves any one restJson1 operation as its model says (``OperationService``).

An SDK is the judge that matters here: a boto3 client pointed at the server calls each operation of a
seeded sample across services (and the operations the suite names, and some with every kind of binding)
with valid parameters and must get a parsed answer; with its own validation off and one constraint broken
it must get the validation error botocore maps; a malformed body gets ``SerializationException``; a wrong
path or method gets no 2xx.  The reading of each binding and the judging of each kind of constraint are
pinned by direct calls to ``OperationService.dispatch``, which needs no socket.
"""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from email.message import Message
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.session
import pytest
import requests
from botocore import xform_name
from botocore.awsrequest import prepare_request_dict
from botocore.serialize import create_serializer

from conformance.reference import HttpRequest, OperationService, start_server
from conformance.reference.operation import validation_error_of
from conformance.reference.operation_scalars import read_date_time, read_http_date, split_header_list
from conformance.reference.server import RunningServer
from conformance.spec.contract import Contract
from conformance.spec.operation import OperationError, load_operation, operation_model, service_model

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261207
SAMPLED_SERVICES = 30
NAMED = (
    "scheduler:CreateSchedule",
    "ivs:CreateChannel",
    "amp:CreateWorkspace",
    "lambda:CreateFunction",
    "databrew:CreateRecipe",
)
# One operation for each binding the sample may miss: prefix headers, a query map and a string payload;
# a literal query in the requestUri, a blob payload; a base64-JSON header; a header list; an HTTP-date
# header; a greedy label; unions; a DELETE.
BINDINGS = (
    "dataexchange:SendApiAsset",
    "apigateway:ImportRestApi",
    "iot-data:Publish",
    "entityresolution:BatchDeleteUniqueId",
    "connect:CreateTestCase",
    "agent-registry-control:TagResource",
    "amp:CreateAnomalyDetector",
)
TIMEOUT = 10  # seconds for any one request to the local server


@cache
def sampled_operations() -> tuple[str, ...]:
    """One operation of each of ``SAMPLED_SERVICES`` restJson1 services, drawn with a fixed seed; services
    that want a bearer token (not SigV4) and operations that answer event streams are passed over, as a
    boto3 client with dummy credentials could not call them."""
    rng = random.Random(SEED)
    services = sorted(botocore.session.get_session().get_available_services())
    rng.shuffle(services)
    chosen: list[str] = []
    for service in services:
        try:
            model = service_model(service)
        except OperationError:  # another protocol
            continue
        if model.metadata.get("signatureVersion") == "bearer":
            continue
        names = [
            name
            for name in sorted(model.operation_names)
            if not model.operation_model(name).has_event_stream_output
            and not model.operation_model(name).has_event_stream_input
        ]
        if names:
            chosen.append(f"{service}:{rng.choice(names)}")
        if len(chosen) == SAMPLED_SERVICES:
            break
    return tuple(chosen)


OPERATIONS = tuple(dict.fromkeys(sampled_operations() + NAMED + BINDINGS))


# -- valid parameters ----------------------------------------------------------------------------------------
def valid_params(contract: Contract, service: OperationService) -> dict[str, Any]:
    """The canonical input, checked by the reference's own judge; a URI label is never empty (an empty
    path segment routes nowhere)."""
    from conformance.strategies.operation.canonical import canonical_value

    try:
        params = canonical_value(contract, "Body")
    except ValueError as error:  # CannotDraw: the model admits no value the suite can build
        pytest.skip(f"no valid input for {contract.service}:{contract.operation}: {error}")
    for member in contract.children("Body"):
        if member.location == "uri" and params.get(member.name) == "":
            params[member.name] = "a"
    violations = service.violations(params)
    if violations:
        pytest.skip(f"the canonical input breaks {', '.join(v.constraint_id for v in violations)}")
    return params


def broken_params(contract: Contract, params: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """``params`` with one constraint broken, and its id: a required member left out (not a label, which
    routes, nor an idempotency token, which botocore fills in), else a string one character too long."""
    for member in contract.children("Body"):
        if member.required and member.location != "uri" and not member.idempotency_token:
            broken = {name: value for name, value in params.items() if name != member.name}
            return broken, f"{member.path}.required"
    for member in contract.children("Body"):
        high = member.get("maxLength")
        if member.type == "string" and high is not None and high < 10_000 and not member.json_value:
            return {**params, member.name: "a" * (high + 1)}, f"{member.path}.maxLength"
    return None


# -- the servers and clients ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()  # one loader for every client: models are read once


class Served:
    """One operation's server and a boto3 client of it, with and without parameter validation."""

    def __init__(self, name: str, session: botocore.session.Session) -> None:
        self.contract = load_operation(name)
        self.service = OperationService(self.contract)
        self.server: RunningServer = start_server(self.service)
        self.boto3 = boto3.session.Session(botocore_session=session)

    def client(self, validate: bool = True) -> Any:
        config = botocore.config.Config(
            retries={"max_attempts": 0},
            connect_timeout=TIMEOUT,
            read_timeout=TIMEOUT,
            parameter_validation=validate,
            inject_host_prefix=False,  # the model's host prefixes (data., streaming.) would leave 127.0.0.1
        )
        return self.boto3.client(
            self.contract.service,
            endpoint_url=self.server.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config,
        )

    def call(self, params: dict[str, Any], validate: bool = True) -> dict[str, Any]:
        return getattr(self.client(validate), xform_name(self.contract.operation))(**params)

    def raw_request(self, params: dict[str, Any]) -> dict[str, Any]:
        """The request botocore would send for ``params``, as a request dict with its URL."""
        op = operation_model(self.contract.service, self.contract.operation)
        request = create_serializer("rest-json", include_validation=False).serialize_to_request(params, op)
        request.pop("host_prefix", None)  # the model's host prefix would leave 127.0.0.1
        prepare_request_dict(request, self.server.url)
        return request


@pytest.fixture(scope="module")
def served(botocore_session: botocore.session.Session) -> Iterator[dict[str, Served]]:
    started: dict[str, Served] = {}
    yield _Lazy(started, botocore_session)  # type: ignore[misc]
    for one in started.values():
        one.server.stop()


class _Lazy(dict):
    """Starts an operation's server the first time a test asks for it, so a run of one test starts one."""

    def __init__(self, started: dict[str, Served], session: botocore.session.Session) -> None:
        super().__init__()
        self.started = started
        self.session = session

    def __missing__(self, name: str) -> Served:
        try:
            one = Served(name, self.session)
        except ValueError as error:  # an output no valid value can be built for
            pytest.skip(f"{name}: {error}")
        self.started[name] = self[name] = one
        return one


# -- an SDK's view -------------------------------------------------------------------------------------------
def test_the_sample_spans_services() -> None:
    services = {name.split(":")[0] for name in sampled_operations()}
    assert len(services) == SAMPLED_SERVICES, sampled_operations()


@pytest.mark.parametrize("name", OPERATIONS)
def test_valid_call_gets_a_parsed_answer(served: dict[str, Served], name: str) -> None:
    one = served[name]
    answer = one.call(valid_params(one.contract, one.service))
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == one.contract.success["status"]
    assert answer["ResponseMetadata"]["RequestId"]
    for member in one.contract.children("Response"):
        if member.required and member.location != "statusCode":
            assert member.name in answer, f"required output member {member.name} missing from {answer}"


@pytest.mark.parametrize("name", OPERATIONS)
def test_the_answer_conforms_to_the_output_model(served: dict[str, Served], name: str) -> None:
    one = served[name]
    output = one.service.output_builder.output({}, {})
    assert one.service.checker.violations("Response", output) == []  # required members at every depth too


@pytest.mark.parametrize("name", OPERATIONS)
def test_one_broken_constraint_gets_the_validation_error(served: dict[str, Served], name: str) -> None:
    one = served[name]
    found = broken_params(one.contract, valid_params(one.contract, one.service))
    if found is None:
        pytest.skip("no required member or bounded string to break")
    params, constraint_id = found
    error = validation_error_of(one.contract)
    client = one.client(validate=False)
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        getattr(client, xform_name(one.contract.operation))(**params)
    assert raised.value.response["Error"]["Code"] == (error.code or error.name)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == error.status
    assert constraint_id in raised.value.response["Error"]["Message"]
    if error.name in {e.name for e in one.contract.errors}:
        assert isinstance(raised.value, getattr(client.exceptions, error.name))


@pytest.mark.parametrize("name", OPERATIONS)
def test_malformed_body_gets_serialization_exception(served: dict[str, Served], name: str) -> None:
    one = served[name]
    if not one.service.reader.json_body:
        pytest.skip("the operation's request has no JSON body")
    request = one.raw_request(valid_params(one.contract, one.service))
    payload = next((m for m in one.contract.children("Body") if m.location == "payload"), None)
    for body, constraint_id in (
        (b'{"unterminated": ', "Body.json"),
        (b"[]", f"{(payload.path if payload else 'Body')}.type"),
    ):
        answer = requests.request(
            request["method"], request["url"], headers=request["headers"], data=body, timeout=TIMEOUT
        )
        assert answer.status_code == 400, answer.text
        assert answer.headers["X-Amzn-Errortype"] == "SerializationException"
        assert constraint_id in answer.json()["message"]


@pytest.mark.parametrize("name", OPERATIONS)
def test_wrong_path_or_method_gets_no_success(served: dict[str, Served], name: str) -> None:
    one = served[name]
    request = one.raw_request(valid_params(one.contract, one.service))
    body = request["body"] if isinstance(request["body"], bytes) else str(request["body"]).encode()
    wrong_path = one.server.url + "/no-such-prefix" + request["url"][len(one.server.url) :]
    answer = requests.request(
        request["method"], wrong_path, headers=request["headers"], data=body, timeout=TIMEOUT
    )
    assert answer.status_code == 404 and answer.headers["X-Amzn-Errortype"] == "UnknownOperationException"
    method = "PATCH" if one.contract.method != "PATCH" else "PUT"
    answer = requests.request(method, request["url"], headers=request["headers"], data=body, timeout=TIMEOUT)
    assert answer.status_code == 405 and answer.headers["Allow"] == one.contract.method


# -- each binding and constraint, read and judged (no socket) ------------------------------------------------
@cache
def service_of(name: str, semantics: str = "search") -> OperationService:
    return OperationService(load_operation(name), pattern_semantics=semantics)


def dispatch(
    service: OperationService,
    method: str,
    target: str,
    body: Any = b"",
    headers: tuple[tuple[str, str], ...] = (),
) -> tuple[int, str, Any]:
    """(status, error type or "", parsed JSON body or raw bytes) of one request; a dict or list body is sent
    as JSON with its Content-Type."""
    message = Message()
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
        message["Content-Type"] = "application/json"
    for name, value in headers:
        message[name] = value
    reply = service.dispatch(HttpRequest(method, target, message, body))
    content_type = reply.headers.get("Content-Type", "")
    parsed = json.loads(reply.body) if content_type == "application/json" else reply.body
    return reply.status, reply.headers.get("X-Amzn-Errortype", ""), parsed


def error_text(parsed: Any) -> str:
    return parsed.get("message") or parsed.get("Message") or ""


SCHEDULE = {
    "ScheduleExpression": "rate(1 hour)",
    "FlexibleTimeWindow": {"Mode": "OFF"},
    "Target": {
        "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "RoleArn": "arn:aws:iam::123456789012:role/r",
    },
}


def schedule(**changes: Any) -> dict[str, Any]:
    """The valid CreateSchedule body with top-level members replaced (None removes one)."""
    body = json.loads(json.dumps(SCHEDULE))
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


TARGET = SCHEDULE["Target"]
# (what the case shows, label, body, expected status, error type, constraint id named in the message)
SCHEDULE_CASES = [
    ("valid", "s", schedule(), 200, "", ""),
    ("unknown members are ignored", "s", schedule(Unknown=[1, {"x": None}]), 200, "", ""),
    ("a label over its maxLength", "a" * 65, schedule(), 400, "ValidationException", "Name.maxLength"),
    ("512 astral characters are 512 code points", "s", schedule(Description="\U0001f44d" * 512), 200, "", ""),
    (
        "513 code points",
        "s",
        schedule(Description="\U0001f44d" * 513),
        400,
        "ValidationException",
        "Description.maxLength",
    ),
    ("a required member left out", "s", schedule(Target=None), 400, "ValidationException", "Target.required"),
    ("null is absent", "s", {**schedule(), "Target": None}, 400, "ValidationException", "Target.required"),
    (
        "required at depth",
        "s",
        schedule(Target={"Arn": TARGET["Arn"]}),
        400,
        "ValidationException",
        "Target.RoleArn.required",
    ),
    ("an enum", "s", schedule(State="enabled"), 400, "ValidationException", "State.enum"),
    (
        "a maximum",
        "s",
        schedule(Target={**TARGET, "RetryPolicy": {"MaximumRetryAttempts": 186}}),
        400,
        "ValidationException",
        "Target.RetryPolicy.MaximumRetryAttempts.maximum",
    ),
    (
        "a numeric string is no integer",
        "s",
        schedule(Target={**TARGET, "RetryPolicy": {"MaximumRetryAttempts": "1"}}),
        400,
        "SerializationException",
        "Target.RetryPolicy.MaximumRetryAttempts.type",
    ),
    (
        "past an integer's range",
        "s",
        schedule(Target={**TARGET, "RetryPolicy": {"MaximumRetryAttempts": 2**31}}),
        400,
        "SerializationException",
        "Target.RetryPolicy.MaximumRetryAttempts.type",
    ),
    (
        "a fraction is no integer",
        "s",
        schedule(Target={**TARGET, "RetryPolicy": {"MaximumRetryAttempts": 1.5}}),
        400,
        "SerializationException",
        "Target.RetryPolicy.MaximumRetryAttempts.type",
    ),
    (
        "a date-time string is no epoch timestamp",
        "s",
        schedule(StartDate="2024-01-01T00:00:00Z"),
        400,
        "SerializationException",
        "StartDate.type",
    ),
    ("epoch seconds", "s", schedule(StartDate=1_700_000_000.5), 200, "", ""),
    (
        "a string boolean",
        "s",
        schedule(
            Target={**TARGET, "EcsParameters": {"TaskDefinitionArn": "t", "EnableECSManagedTags": "true"}}
        ),
        400,
        "SerializationException",
        "Target.EcsParameters.EnableECSManagedTags.type",
    ),
    (
        "a null list item",
        "s",
        schedule(
            Target={**TARGET, "EcsParameters": {"TaskDefinitionArn": "t", "PlacementConstraints": [{}, None]}}
        ),
        400,
        "SerializationException",
        "Target.EcsParameters.PlacementConstraints[].type",
    ),
    (
        "a later list item's required member",
        "s",
        schedule(
            Target={
                **TARGET,
                "EcsParameters": {
                    "TaskDefinitionArn": "t",
                    "CapacityProviderStrategy": [{"capacityProvider": "a"}, {"weight": 1}],
                },
            }
        ),
        400,
        "ValidationException",
        "Target.EcsParameters.CapacityProviderStrategy[].capacityProvider.required",
    ),
    ("a pattern found somewhere", "a b", schedule(), 200, "", ""),
    ("a pattern found nowhere", "%20", schedule(), 400, "ValidationException", "Name.pattern"),
    ("not JSON", "s", b'{"ScheduleExpression": ', 400, "SerializationException", "Body.json"),
    ("not an object", "s", [SCHEDULE], 400, "SerializationException", "Body.type"),
    ("NaN is no JSON", "s", b'{"ScheduleExpression": NaN}', 400, "SerializationException", "Body.json"),
]


@pytest.mark.parametrize(
    ("label", "body", "status", "error", "constraint_id"),
    [case[1:] for case in SCHEDULE_CASES],
    ids=[case[0] for case in SCHEDULE_CASES],
)
def test_create_schedule_reads_and_judges(
    label: str, body: Any, status: int, error: str, constraint_id: str
) -> None:
    got_status, got_error, parsed = dispatch(
        service_of("scheduler:CreateSchedule"), "POST", f"/schedules/{label}", body
    )
    assert (got_status, got_error) == (status, error), parsed
    if constraint_id:
        assert constraint_id in error_text(parsed)
        # The operation's ValidationException spells its member Message; SerializationException is unmodelled.
        assert ("Message" if error == "ValidationException" else "message") in parsed
    else:
        assert parsed["ScheduleArn"]


def test_fullmatch_semantics_refuse_what_a_search_finds() -> None:
    status, error, parsed = dispatch(
        service_of("scheduler:CreateSchedule", "fullmatch"), "POST", "/schedules/a%20b", schedule()
    )
    assert (status, error) == (400, "ValidationException") and "Name.pattern" in parsed["Message"]


def test_a_label_is_percent_decoded_after_routing() -> None:
    # %2F is a "/" inside the label, not a path separator: it reaches the pattern, which whole matches refuse.
    service = service_of("scheduler:CreateSchedule", "fullmatch")
    assert dispatch(service, "POST", "/schedules/a%2Fb", schedule())[:2] == (400, "ValidationException")
    assert dispatch(service, "POST", "/schedules/a/b", schedule())[:2] == (404, "UnknownOperationException")
    assert dispatch(service, "POST", "/schedules/", schedule())[:2] == (404, "UnknownOperationException")


def test_a_json_body_under_another_media_type_is_415() -> None:
    body = json.dumps(schedule()).encode()
    status, error, _ = dispatch(
        service_of("scheduler:CreateSchedule"),
        "POST",
        "/schedules/s",
        body,
        (("Content-Type", "text/plain"),),
    )
    assert (status, error) == (415, "UnsupportedMediaTypeException")


def test_a_greedy_label_keeps_its_slashes() -> None:
    service = service_of("agent-registry-control:TagResource")
    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:registry/a/b"
    values = service.reader.read(
        service.template.labels(f"/tags/{arn}"), [], Message(), b'{"tags": {"k": "v"}}'
    )
    assert values == {"resourceArn": arn, "tags": {"k": "v"}}


def test_a_literal_query_must_be_there_and_a_query_map_takes_the_other_keys() -> None:
    service = service_of("apigateway:ImportRestApi")
    assert dispatch(service, "POST", "/restapis", b"{}")[:2] == (404, "UnknownOperationException")
    status, _, parsed = dispatch(
        service, "POST", "/restapis?mode=import&failonwarnings=true&ignore=documentation", b"{}"
    )
    assert status == service.contract.success["status"] and isinstance(parsed, dict)
    template = service.template
    values = service.reader.read(
        {},
        [("mode", "import"), ("failonwarnings", "true"), ("ignore", "documentation")],
        Message(),
        b"swagger",
        template.literal_keys,
    )
    assert values == {"failOnWarnings": True, "parameters": {"ignore": "documentation"}, "body": b"swagger"}
    status, error, parsed = dispatch(service, "POST", "/restapis?mode=import&failonwarnings=yes", b"{}")
    assert (status, error) == (400, "SerializationException") and "failOnWarnings.type" in parsed["message"]


def test_prefix_headers_a_string_payload_and_required_headers() -> None:
    service = service_of("dataexchange:SendApiAsset")
    headers = (
        ("x-amzn-dataexchange-asset-id", "a"),
        ("x-amzn-dataexchange-data-set-id", "d"),
        ("x-amzn-dataexchange-revision-id", "r"),
        ("x-amzn-dataexchange-header-Colour", "blue"),
    )
    message = Message()
    for name, value in headers:
        message[name] = value
    values = service.reader.read({}, [("q", "1")], message, "h\u00e9".encode())
    assert values["RequestHeaders"] == {"Colour": "blue"} and values["QueryStringParameters"] == {"q": "1"}
    assert values["Body"] == "h\u00e9"
    status, error, parsed = dispatch(service, "POST", "/v1", b"x", headers[1:])
    assert (status, error) == (400, "ValidationException") and "AssetId.required" in error_text(parsed)


def test_a_prefix_header_map_with_no_prefix_answers_bare_headers() -> None:
    # The model names the output's ResponseHeaders "" (every header): no header may carry the member's name.
    service = service_of("dataexchange:SendApiAsset")
    message = Message()
    for name in (
        "x-amzn-dataexchange-asset-id",
        "x-amzn-dataexchange-data-set-id",
        "x-amzn-dataexchange-revision-id",
    ):
        message[name] = "a"
    reply = service.dispatch(HttpRequest("POST", "/v1", message, b""))
    assert reply.status == 200
    entries = service.output_builder.canonical.get("ResponseHeaders", {})
    assert entries and all(reply.headers.get(key) is not None for key in entries)
    assert not [name for name in reply.headers if name.startswith("ResponseHeaders")]


def test_query_numbers_and_booleans_and_a_base64_json_header() -> None:
    service = service_of("iot-data:Publish")
    properties = base64.b64encode(b'[{"k": "v"}]').decode()
    ok = dispatch(
        service,
        "POST",
        "/topics/t?qos=1&retain=false",
        b"\x00\xff",
        (("x-amz-mqtt5-user-properties", properties),),
    )
    assert ok[0] == service.contract.success["status"]
    for target, headers, constraint_id in (
        ("/topics/t?qos=one", (), "qos.type"),
        ("/topics/t?retain=True", (), "retain.type"),
        ("/topics/t?messageExpiry=1.0", (), "messageExpiry.type"),
        (
            "/topics/t",
            (("x-amz-mqtt5-user-properties", base64.b64encode(b"{").decode()),),
            "userProperties.type",
        ),
    ):
        status, error, parsed = dispatch(service, "POST", target, b"", headers)
        assert (status, error) == (400, "SerializationException"), target
        assert constraint_id in error_text(parsed)
    assert validation_error_of(service.contract).name == "InvalidRequestException"


def test_header_lists_and_http_date_headers() -> None:
    assert split_header_list('a, "b,c",d , "e\\"f"') == ["a", "b,c", "d", 'e"f']
    service = service_of("entityresolution:BatchDeleteUniqueId")
    message = Message()
    message["uniqueIds"] = 'a, "b,c"'
    assert service.reader.read({"workflowName": "w"}, [], message, b"")["uniqueIds"] == ["a", "b,c"]
    assert dispatch(service, "DELETE", "/matchingworkflows/w/uniqueids")[:2] == (400, "ValidationException")
    connect = service_of("connect:CreateTestCase")
    message = Message()
    message["x-amz-last-modified-time"] = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert connect.reader.read({"InstanceId": "i"}, [], message, b"{}")["LastModifiedTime"] == 1_704_067_200
    message.replace_header("x-amz-last-modified-time", "2024-01-01T00:00:00Z")
    status, error, parsed = dispatch(
        connect,
        "PUT",
        "/test-cases/i",
        {"Name": "n", "Content": "c"},
        (("x-amz-last-modified-time", "2024-01-01T00:00:00Z"),),
    )
    assert (status, error) == (400, "SerializationException") and "LastModifiedTime.type" in error_text(
        parsed
    )


def test_timestamps_read_as_the_protocol_writes_them() -> None:
    assert read_date_time("1970-01-01T00:00:01.5Z") == 1.5
    assert read_date_time("1970-01-01T02:00:00+02:00") == 0
    assert read_http_date("Thu, 01 Jan 1970 00:01:00 GMT") == 60


def test_unions_set_exactly_one_member_and_doubles_take_nan() -> None:
    service = service_of("amp:CreateAnomalyDetector")
    body = {"alias": "a", "configuration": {"randomCutForest": {"query": "up"}}}
    status, _, _ = dispatch(service, "POST", "/workspaces/ws-1/anomalydetectors", body)
    assert status == service.contract.success["status"]
    for missing_data, ok in (
        ({"skip": True}, True),
        ({"skip": True, "markAsAnomaly": False}, False),
        ({}, False),
    ):
        status, error, parsed = dispatch(
            service, "POST", "/workspaces/ws-1/anomalydetectors", {**body, "missingDataAction": missing_data}
        )
        assert (status < 300) == ok, parsed
        if not ok:
            assert "missingDataAction.union" in error_text(parsed)
    forest = {"query": "up", "ignoreNearExpectedFromAbove": {"ratio": "NaN"}}
    status, _, _ = dispatch(
        service,
        "POST",
        "/workspaces/ws-1/anomalydetectors",
        {**body, "configuration": {"randomCutForest": forest}},
    )
    assert status == service.contract.success["status"]
    forest["ignoreNearExpectedFromAbove"] = {"ratio": "nan"}
    status, error, _ = dispatch(
        service,
        "POST",
        "/workspaces/ws-1/anomalydetectors",
        {**body, "configuration": {"randomCutForest": forest}},
    )
    assert (status, error) == (400, "SerializationException")


def test_request_values_are_echoed_where_the_output_has_them() -> None:
    service = service_of("lambda:CreateFunction")
    body = {
        "FunctionName": "my-function",
        "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": base64.b64encode(b"zip").decode()},
        "Description": "described",
    }
    status, _, parsed = dispatch(service, "POST", "/2015-03-31/functions", body)
    assert status == 201
    assert parsed["FunctionName"] == "my-function" and parsed["Description"] == "described"
    assert validation_error_of(service.contract).name == "InvalidParameterValueException"


def test_the_validation_error_is_the_one_the_operation_models() -> None:
    assert validation_error_of(load_operation("scheduler:CreateSchedule")).name == "ValidationException"
    assert validation_error_of(load_operation("apigateway:ImportRestApi")).name == "BadRequestException"
    unmodelled = load_operation("iot-data:Publish")
    no_bad_input = Contract(
        {**unmodelled.data, "errors": [{"name": "ThrottlingException", "status": 429, "documentation": ""}]}
    )
    assert validation_error_of(no_bad_input).name == "ValidationException"


def test_the_flagship_boundary_catalogue_gets_the_verdicts_of_the_flagship_reference() -> None:
    """The model-driven reference and the flagship's own (jsonschema) judge every edge of the flagship's 156
    constraints alike: valid cases answered 200, invalid ones 400 naming the broken constraint id, the wrong
    types as SerializationException where the flagship's says BadRequestException (both are the contract's
    reading).  One difference is the reference's: an empty body reads as no members (``{}``, what botocore
    sends for an operation whose members are all optional), so it names the required members it lacks."""
    from conformance.spec.wire import Request
    from conformance.strategies.boundaries import boundary_cases

    service = OperationService(load_operation("customer-profiles:CreateIntegrationWorkflow"))
    wrong = []
    for case in boundary_cases():
        assert isinstance(case.request, Request)
        domain = "conformance-domain" if case.request.domain is None else case.request.domain
        message = Message()
        message["Content-Type"] = "application/json"
        target = service.contract.path(domain)
        reply = service.dispatch(HttpRequest("POST", target, message, case.request.body_bytes()))
        text = error_text(json.loads(reply.body)) if reply.status != 200 else ""
        error = reply.headers.get("X-Amzn-Errortype")
        if case.valid:
            agrees = reply.status == 200
        elif domain == "" and reply.status == 404:
            agrees = True  # an empty label routes nowhere, which the suite accepts for the empty domain
        elif case.case_id == "Body.json[empty]":
            agrees = (reply.status, error) == (400, "BadRequestException") and ".required" in text
        else:
            named = any(constraint_id in text for constraint_id in case.breaks)
            agrees = (
                reply.status == 400 and error in ("BadRequestException", "SerializationException") and named
            )
        if not agrees:
            wrong.append(f"{case.case_id}: {reply.status} {error} {text[:120]}")
    assert not wrong, "\n".join(wrong[:20])


# -- the command line ----------------------------------------------------------------------------------------
def test_main_refuses_an_unknown_operation_in_one_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.reference",
            "--operation",
            "scheduler:CreateSchedul",
            "--port",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "CreateSchedule" in done.stderr


def test_main_serves_the_named_operation() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "conformance.reference",
            "--operation",
            "scheduler:CreateSchedule",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "scheduler:CreateSchedule" in line
        url = line.rsplit(" at ", 1)[1].strip()
        answer = requests.post(f"{url}/schedules/s", json=schedule(), timeout=TIMEOUT)
        assert answer.status_code == 200 and answer.json()["ScheduleArn"]
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- the families of valid edges, for any operation ---------------------------------------------------------
# Operations with a timestamp in each place and format: epoch seconds in a JSON body, date-time in the body,
# the query string in both formats, an HTTP-date header; and a boolean, integers and the largest bodies.
FAMILY_OPERATIONS = (
    "scheduler:CreateSchedule",
    "accessanalyzer:StartPolicyGeneration",
    "apiportal:ListManagedApiEvents",
    "groundstation:ListGroundStationReservations",
    "connect:CreateTestCase",
    "lambda:CreateFunction",
    "databrew:CreateRecipe",
)


@pytest.mark.parametrize("name", FAMILY_OPERATIONS)
def test_the_valid_edges_of_every_family_are_accepted(name: str) -> None:
    """Each valid edge of the new families (timestamps over their whole range as their format carries
    them, both booleans, an integer type's ends, the largest bodies) is a request the operation's model
    takes: the model-driven reference answers each with success."""
    from conformance.spec.operation import rest_json_operations
    from conformance.strategies.operation import OperationStrategies

    if name not in rest_json_operations():
        pytest.skip(f"{name} is not in the installed botocore")

    service = service_of(name)
    strategies = OperationStrategies(service.contract)
    cases = [case for case in strategies.boundary_cases() if case.family and case.valid]
    assert cases, name
    refused = []
    for case in cases:
        message = Message()
        for header, value in case.request.headers:
            message[header] = value
        request = HttpRequest(case.request.method, case.request.target(), message, case.request.body)
        reply = service.dispatch(request)
        if reply.status >= 300:
            refused.append(f"{case.case_id}: {reply.status} {reply.body[:200]!r}")
    assert not refused, "\n".join(refused[:10])
    families = {case.family for case in cases}
    assert "every value a type allows" in families or "valid values next to edges" in families


def test_timestamp_edges_are_written_as_their_format_and_place_carry_them() -> None:
    from conformance.strategies.operation import OperationStrategies

    def edges(name: str, path: str) -> dict[str, Any]:
        cases = OperationStrategies(service_of(name).contract).boundary_cases(f"{path}.type")
        return {case.case_id.partition("[")[2][:-1]: case.request for case in cases if case.valid}

    body = edges("scheduler:CreateSchedule", "StartDate")
    assert b'"StartDate": 1.7976931348623157e+308' in body["timestamp the largest double"].body
    assert b'"StartDate": -62135596801' in body["timestamp before year 1"].body
    iso = edges("accessanalyzer:StartPolicyGeneration", "cloudTrailDetails.startTime")
    assert b'"0001-01-01T00:00:00Z"' in iso["timestamp year 1"].body
    query = edges("groundstation:ListGroundStationReservations", "startTime")
    assert ("startTime", "253402300800") in query["timestamp after year 9999"].query
    header = edges("connect:CreateTestCase", "LastModifiedTime")
    assert header["timestamp year 9999"].header("x-amz-last-modified-time") == "Fri, 31 Dec 9999 23:59:59 GMT"
