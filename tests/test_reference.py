"""The embedded reference implementation answers as the contract says and survives bad input.

The suite's default target must pass the suite; these tests pin what it does on the wire, with a real
server on a free port, raw sockets where a well-behaved client can't send the fault, and boto3 to show an
SDK user sees the documented exceptions.
"""

from __future__ import annotations

import copy
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import botocore.config
import pytest
import requests

from conformance.reference import ReferenceService, Reply, start_server
from conformance.reference.routing import Route, RouteMatch, Router
from conformance.reference.server import ReferenceHTTPServer, RunningServer
from conformance.spec import load_contract, load_lifecycle

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = "test-domain"
CONTRACT = load_contract()
WORKFLOW_ID = re.compile(CONTRACT.constraints["Response.WorkflowId.pattern"].value)
VALID_BODY: dict[str, Any] = {
    "WorkflowType": "APPFLOW_INTEGRATION",
    "ObjectTypeName": "o",
    "RoleArn": "arn:aws:iam::123456789012:role/r",
    "IntegrationConfig": {
        "AppflowIntegration": {
            "FlowDefinition": {
                "FlowName": "ab",
                "KmsArn": "arn:aws:kms:us-east-1:123456789012:key/k",
                "SourceFlowConfig": {
                    "ConnectorType": "Salesforce",
                    "SourceConnectorProperties": {"Salesforce": {"Object": "Account"}},
                },
                "Tasks": [{"SourceFields": ["Id"], "TaskType": "Map"}],
                "TriggerConfig": {"TriggerType": "OnDemand"},
            }
        }
    },
}


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_server(ReferenceService(domains=[DOMAIN])) as running:
        yield running


@pytest.fixture()
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def create_url(server: RunningServer, domain: str = DOMAIN) -> str:
    return f"{server.url}/domains/{quote(domain, safe='')}/workflows/integrations"


def with_member(path: str, value: Any) -> dict[str, Any]:
    """The valid body with one member (dotted path) replaced."""
    body = copy.deepcopy(VALID_BODY)
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    target[last] = value
    return body


def assert_error(response: requests.Response, status: int, error_type: str) -> str:
    """The restJson1 error shape; returns the message for the caller's own checks."""
    assert response.status_code == status, response.text
    assert response.headers["X-Amzn-Errortype"] == error_type
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers.get("x-amzn-RequestId")
    message = response.json()["Message"]
    assert isinstance(message, str) and message
    return message


def raw_exchange(server: RunningServer, data: bytes, timeout: float = 5) -> http.client.HTTPResponse:
    """Send bytes no polite client would, then read one response off the same socket."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        return response
    finally:
        sock.close()


# -- CreateIntegrationWorkflow ---------------------------------------------------------------------
def test_valid_request_gets_a_workflow_id(server: RunningServer, session: requests.Session) -> None:
    response = session.post(create_url(server), json=VALID_BODY)
    assert response.status_code == CONTRACT.success["status"], response.text
    assert response.headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"[0-9a-f-]{36}", response.headers["x-amzn-RequestId"])
    payload = response.json()
    assert WORKFLOW_ID.fullmatch(payload["WorkflowId"])
    assert 1 <= len(payload["Message"]) <= 255


def test_unknown_domain_is_not_found(server: RunningServer, session: requests.Session) -> None:
    response = session.post(create_url(server, "no-such-domain"), json=VALID_BODY)
    assert_error(response, 404, "ResourceNotFoundException")


def test_invalid_body_names_the_broken_constraint(server: RunningServer, session: requests.Session) -> None:
    response = session.post(create_url(server), json=with_member("RoleArn", "nope"))
    message = assert_error(response, 400, "BadRequestException")
    assert "RoleArn.pattern" in message and "'nope'" in message


def test_every_broken_constraint_is_named(server: RunningServer, session: requests.Session) -> None:
    body = with_member("RoleArn", "nope")
    del body["ObjectTypeName"]
    message = assert_error(session.post(create_url(server), json=body), 400, "BadRequestException")
    assert "RoleArn.pattern" in message and "ObjectTypeName.required" in message


@pytest.mark.parametrize(
    ("domain", "constraint_id"),
    [("a" * 65, "DomainName.maxLength"), ("bad name/é", "DomainName.pattern"), ("", "DomainName.minLength")],
    ids=["too-long", "percent-encoded-bad-characters", "empty"],
)
def test_invalid_domain_is_bad_request(
    server: RunningServer, session: requests.Session, domain: str, constraint_id: str
) -> None:
    message = assert_error(
        session.post(create_url(server, domain), json=VALID_BODY), 400, "BadRequestException"
    )
    assert constraint_id in message


@pytest.mark.parametrize(
    ("raw", "constraint_id", "detail"),
    [
        (b'{"WorkflowType": ', "Body.json", "not JSON"),
        (b"", "Body.json", "not JSON"),
        (b'{"ScheduleOffset": NaN}', "Body.json", "NaN"),
        (b'{"RoleArn": "\xff\xfe"}', "Body.json", "UTF-8"),
        (b"[" * 1000 + b"]" * 1000, "Body.json", "deep"),
        (b'{"x": ' + b"[" * 150 + b"]" * 150 + b"}", "Body.json", "deeper than"),
        (b'{"RoleArn": "\\ud800"}', "Body.json", "surrogate"),
        (b'{"\\udc00": 1}', "Body.json", "surrogate"),
        (b'{"x": ' + b"1" * 5000 + b"}", "Body.json", "not JSON"),
        (b'{"x": 1e400}', "Body.json", "too large"),
        (b"[]", "Body.type", "not of type"),
        (b'"text"', "Body.type", "not of type"),
    ],
    ids=[
        "truncated",
        "empty",
        "nan",
        "invalid-utf8",
        "nested-1000",
        "nested-150-in-unknown-member",
        "lone-surrogate-value",
        "lone-surrogate-key",
        "5000-digit-integer",
        "infinite-number",
        "array",
        "string",
    ],
)
def test_malformed_body_is_bad_request(
    server: RunningServer, session: requests.Session, raw: bytes, constraint_id: str, detail: str
) -> None:
    response = session.post(create_url(server), data=raw, headers={"Content-Type": "application/json"})
    message = assert_error(response, 400, "BadRequestException")
    assert constraint_id in message and detail in message


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/jsonx"])
def test_wrong_content_type_is_unsupported(
    server: RunningServer, session: requests.Session, content_type: str
) -> None:
    response = session.post(
        create_url(server), data=json.dumps(VALID_BODY), headers={"Content-Type": content_type}
    )
    assert_error(response, 415, "UnsupportedMediaTypeException")


@pytest.mark.parametrize("content_type", ["Application/JSON; charset=UTF-8", None])
def test_json_content_type_with_parameters_or_none_is_accepted(
    server: RunningServer, session: requests.Session, content_type: str | None
) -> None:
    # requests sends no Content-Type for bytes data unless told to.
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = session.post(create_url(server), data=json.dumps(VALID_BODY).encode(), headers=headers)
    assert response.status_code == 200, response.text


# -- HTTP plumbing ---------------------------------------------------------------------------------
def test_oversized_body_is_refused_before_it_is_sent(server: RunningServer) -> None:
    head = (
        f"POST /domains/{DOMAIN}/workflows/integrations HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/json\r\nContent-Length: {3 * 1024 * 1024}\r\n\r\n"
    )
    started = time.monotonic()
    response = raw_exchange(server, head.encode())  # no body follows: the server must not wait for one
    assert time.monotonic() - started < 2
    assert response.status == 413
    assert response.getheader("X-Amzn-Errortype") == "RequestEntityTooLargeException"
    assert response.getheader("Connection") == "close"


def test_oversized_body_sent_in_full_is_refused(server: RunningServer, session: requests.Session) -> None:
    response = session.post(create_url(server), data=b" " * (2 * 1024 * 1024 + 1))
    assert_error(response, 413, "RequestEntityTooLargeException")


def test_expect_continue_with_oversized_body_gets_413_not_100(server: RunningServer) -> None:
    head = (
        f"POST /domains/{DOMAIN}/workflows/integrations HTTP/1.1\r\nHost: x\r\n"
        f"Expect: 100-continue\r\nContent-Length: {3 * 1024 * 1024}\r\n\r\n"
    )
    assert raw_exchange(server, head.encode()).status == 413


def test_post_without_content_length_is_length_required(server: RunningServer) -> None:
    head = f"POST /domains/{DOMAIN}/workflows/integrations HTTP/1.1\r\nHost: x\r\n\r\n"
    response = raw_exchange(server, head.encode())
    assert response.status == 411
    assert response.getheader("X-Amzn-Errortype") == "LengthRequiredException"


def test_chunked_body_is_read(server: RunningServer) -> None:
    body = json.dumps(VALID_BODY).encode()
    half = len(body) // 2
    chunks = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:]))
    head = (
        f"POST /domains/{DOMAIN}/workflows/integrations HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    assert raw_exchange(server, head.encode() + chunks + b"0\r\n\r\n").status == 200


def test_wrong_method_on_known_path_is_405(server: RunningServer, session: requests.Session) -> None:
    response = session.put(create_url(server), json=VALID_BODY)
    assert_error(response, 405, "MethodNotAllowedException")
    assert "POST" in response.headers["Allow"]


def test_unknown_path_is_404_in_json(server: RunningServer, session: requests.Session) -> None:
    assert_error(session.get(f"{server.url}/nope"), 404, "UnknownOperationException")
    assert_error(session.post(f"{create_url(server)}/extra", json={}), 404, "UnknownOperationException")


def test_routes_are_the_models_bindings() -> None:
    lifecycle = load_lifecycle()
    router = Router.from_model(CONTRACT, lifecycle)
    values = {"DomainName": "a/b c", "WorkflowId": "x/\u00e9"}  # an encoded "/" stays inside its label
    create = router.match(CONTRACT.path(values["DomainName"]))
    assert create is not None and create["POST"] == RouteMatch(CONTRACT.operation, {"DomainName": "a/b c"})
    for name, operation in lifecycle.operations.items():
        found = router.match(operation.path(values["DomainName"], values["WorkflowId"]))
        assert found is not None
        assert found[operation.method] == RouteMatch(
            name, {label: values[label] for label in operation.labels}
        )


def test_literal_segments_match_as_sent(server: RunningServer) -> None:
    # Labels are percent-decoded, literals are not: "%69ntegrations" can only be a WorkflowId.  Raw
    # sockets, as requests decodes "%73" and "%69" before sending.
    def answer(method: str, path: str) -> http.client.HTTPResponse:
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        return raw_exchange(server, f"{head}Content-Length: 2\r\n\r\n{{}}".encode())

    unknown = answer("POST", f"/domain%73/{DOMAIN}/workflows")
    assert (unknown.status, unknown.getheader("X-Amzn-Errortype")) == (404, "UnknownOperationException")
    encoded = answer("POST", f"/domains/{DOMAIN}/workflows/%69ntegrations")
    assert (encoded.status, encoded.getheader("Allow")) == (405, "DELETE, GET")


def test_a_template_the_router_cannot_match_is_refused() -> None:
    with pytest.raises(ValueError, match="can't route"):
        Route.parse("GetObject", "GET", "/{Bucket}/{Key+}")


def test_garbage_request_line_gets_json_and_nothing_on_stderr(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    response = raw_exchange(server, b"NOT HTTP AT ALL\r\n\r\n")
    assert response.status == 400
    assert response.getheader("Content-Type") == "application/json"
    raw_exchange(server, b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n")
    assert capsys.readouterr().err == ""


def test_keep_alive_reuses_one_connection(server: RunningServer) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        body = json.dumps(VALID_BODY)
        headers = {"Content-Type": "application/json"}
        connection.request("POST", f"/domains/{DOMAIN}/workflows/integrations", body, headers)
        first = connection.getresponse()
        first.read()
        sock = connection.sock
        connection.request("POST", f"/domains/{DOMAIN}/workflows/integrations", body, headers)
        second = connection.getresponse()
        second.read()
        assert (first.status, second.status) == (200, 200)
        assert connection.sock is sock and not first.will_close
        assert first.getheader("x-amzn-RequestId") != second.getheader("x-amzn-RequestId")
    finally:
        connection.close()


def test_accepted_sockets_have_nagle_off() -> None:
    httpd = ReferenceHTTPServer(("127.0.0.1", 0), ReferenceService())
    client = socket.create_connection(httpd.server_address[:2])
    try:
        accepted, _ = httpd.get_request()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        httpd.shutdown_request(accepted)
    finally:
        client.close()
        httpd.server_close()


def test_workflow_can_be_read_and_deleted(server: RunningServer, session: requests.Session) -> None:
    workflow_id = session.post(create_url(server), json=VALID_BODY).json()["WorkflowId"]
    url = f"{server.url}/domains/{DOMAIN}/workflows/{workflow_id}"
    described = session.get(url)
    assert described.status_code == 200
    workflow = described.json()
    assert workflow["WorkflowId"] == workflow_id
    assert workflow["WorkflowType"] == "APPFLOW_INTEGRATION"
    assert workflow["Status"]
    assert all(isinstance(workflow[name], (int, float)) for name in ("StartDate", "LastUpdatedAt"))
    deleted = session.delete(url)
    assert (deleted.status_code, deleted.json()) == (200, {})
    assert_error(session.get(url), 404, "ResourceNotFoundException")
    assert_error(session.delete(url), 404, "ResourceNotFoundException")


def test_concurrent_clients_are_all_answered(server: RunningServer) -> None:
    cases = [(VALID_BODY, 200), (with_member("RoleArn", "nope"), 400)]

    def client(worker: int) -> list[int]:
        wrong = []
        with requests.Session() as s:
            for i in range(200):
                body, expected = cases[(worker + i) % 2]
                status = s.post(create_url(server), json=body, timeout=10).status_code
                if status != expected:
                    wrong.append(status)
        return wrong

    with ThreadPoolExecutor(4) as pool:
        assert [wrong for wrong in pool.map(client, range(4))] == [[], [], [], []]


def test_stalled_client_blocks_no_one(server: RunningServer, session: requests.Session) -> None:
    stalled = socket.create_connection((server.host, server.port))
    try:
        stalled.sendall(b"POST /domains/x/workflows/integrations HTTP/1.1\r\nContent-Le")
        started = time.monotonic()
        assert session.post(create_url(server), json=VALID_BODY, timeout=5).status_code == 200
        assert time.monotonic() - started < 2
    finally:
        stalled.close()


def test_stalled_connection_is_dropped_after_the_timeout() -> None:
    with start_server(ReferenceService(), connection_timeout=0.3) as quick:
        stalled = socket.create_connection((quick.host, quick.port), timeout=5)
        try:
            stalled.sendall(b"POST /domains/x/workflows/integrations HTTP/1.1\r\nContent-Length: 10\r\n\r\n{")
            assert stalled.recv(1024) == b""  # closed by the server, not by our 5 s timeout
        finally:
            stalled.close()


# -- hooks -----------------------------------------------------------------------------------------
def test_unexpected_exception_is_500_and_the_server_survives(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(ReferenceService):
        def domain_exists(self, domain: str) -> bool:
            raise RuntimeError("boom")

    with start_server(Broken()) as broken, requests.Session() as s:
        url = create_url(broken, ReferenceService.DEFAULT_DOMAIN)
        assert_error(s.post(url, json=VALID_BODY), 500, "InternalServerException")
        assert_error(s.post(url, json=with_member("RoleArn", "nope")), 400, "BadRequestException")
    assert "boom" in caplog.text


def test_a_mutant_is_a_small_subclass() -> None:
    class Unprocessable(ReferenceService):
        validation_status = 422

    class AcceptsAnything(ReferenceService):
        def body_violations(self, raw: bytes) -> tuple[Any, list]:
            return json.loads(raw), []

    class Slow(ReferenceService):
        def before_response(self, request: Any, reply: Reply) -> Reply:
            time.sleep(0.2)
            return reply

    invalid = with_member("RoleArn", "nope")
    for mutant, status in ((Unprocessable, 422), (AcceptsAnything, 200)):
        with start_server(mutant()) as running:
            url = create_url(running, mutant.DEFAULT_DOMAIN)
            assert requests.post(url, json=invalid).status_code == status
    with start_server(Slow()) as running:
        started = time.monotonic()
        requests.get(f"{running.url}/nope")
        assert time.monotonic() - started >= 0.2


# -- boto3 -----------------------------------------------------------------------------------------
def boto_client(server: RunningServer, **config: Any) -> Any:
    return boto3.client(
        "customer-profiles",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=botocore.config.Config(retries={"max_attempts": 1}, **config),
    )


def test_boto3_creates_and_reads_a_workflow(server: RunningServer) -> None:
    client = boto_client(server)
    created = client.create_integration_workflow(DomainName=DOMAIN, **VALID_BODY)
    assert WORKFLOW_ID.fullmatch(created["WorkflowId"]) and created["Message"]
    workflow = client.get_workflow(DomainName=DOMAIN, WorkflowId=created["WorkflowId"])
    assert workflow["WorkflowId"] == created["WorkflowId"]
    assert workflow["StartDate"].year >= 2024  # botocore parsed the epoch seconds as a timestamp


def test_boto3_sees_bad_request_with_the_servers_message(server: RunningServer) -> None:
    client = boto_client(server, parameter_validation=False)
    with pytest.raises(client.exceptions.BadRequestException) as raised:
        client.create_integration_workflow(DomainName=DOMAIN, **with_member("RoleArn", "nope"))
    assert "RoleArn.pattern" in raised.value.response["Error"]["Message"]


def test_boto3_sees_resource_not_found(server: RunningServer) -> None:
    client = boto_client(server)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_integration_workflow(DomainName="no-such-domain", **VALID_BODY)


# -- CLI -------------------------------------------------------------------------------------------
def run_cli(*args: str) -> subprocess.Popen[str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["terminate", "ctrl-c"])
def test_cli_serves_until_stopped(stop: signal.Signals) -> None:
    process = run_cli("--port", "0", "--domain", "cli-domain", "--domain", "other")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://\S+", line)
        assert url and "cli-domain" in line and "other" in line, line
        response = requests.post(f"{url.group()}/domains/cli-domain/workflows/integrations", json=VALID_BODY)
        assert response.status_code == 200
    finally:
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in stderr


def test_cli_reports_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = run_cli("--port", str(taken.getsockname()[1]))
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2
    assert stderr.strip().count("\n") == 0 and "cannot listen" in stderr


@pytest.mark.parametrize(
    "args",
    [["--port", "http"], ["--port", "70000"], ["--domain", "bad name"], ["--connection-timeout", "0"]],
)
def test_cli_rejects_bad_arguments(args: list[str]) -> None:
    process = run_cli(*args)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2 and "error:" in stderr and "Traceback" not in stderr


def test_the_readme_boto3_snippet_runs_as_printed() -> None:
    """The README's SDK example, run as printed (only the port differs), with no credentials of the
    environment's own: the domain it names is the one the reference serves by default."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    opener = "AWS_ACCESS_KEY_ID=any AWS_SECRET_ACCESS_KEY=any python - <<'EOF'\n"
    assert "python -m conformance.reference --port 8080 &\n" + opener in readme
    script = readme.split(opener, 1)[1].split("\nEOF\n", 1)[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="any", AWS_SECRET_ACCESS_KEY="any")
    assert ReferenceService.DEFAULT_DOMAIN == "conformance-domain"  # what the README says it serves
    with start_server(ReferenceService(domains=[ReferenceService.DEFAULT_DOMAIN])) as running:
        script = script.replace("http://127.0.0.1:8080", running.url)
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["APPFLOW_INTEGRATION", "NOT_STARTED"], done.stdout
