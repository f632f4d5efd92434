"""What running against the real service needs, checked end to end against local stand-ins: SigV4 signing
(a target that recomputes every signature), secrets kept out of every output, ``--expect lenient``, the
rate limit across xdist workers, 429 retries, ``--max-creates`` and the cleanup of created workflows.

Each run is the suite in a subprocess, as a user starts it, with a small selection of properties
(``-m responses`` sends five identical valid requests and no Hypothesis examples) to stay fast.
"""

from __future__ import annotations

import re
import threading
import time
from itertools import pairwise
from pathlib import Path

import pytest

from conformance.core.client import TargetClient
from conformance.core.errors import OptionError
from conformance.core.signing import sigv4
from conformance.core.throttle import RateLimiter
from conformance.reference import HttpRequest
from conformance.spec.wire import Request
from conformance.strategies import canonical_body
from tests.hostile_servers import (
    DOMAIN,
    AwsCredentials,
    FailingDeletes,
    RawServer,
    RecordingService,
    RefusingValid,
    SignatureChecking,
    Throttling,
    WithoutDeleteWorkflow,
    answer,
    head,
    reference,
    run,
    signature_checking,
    signature_problem,
)
from tests.suite_runner import SuiteRun

REGION = "us-east-1"
CREDENTIALS = AwsCredentials(
    access_key="AKIDCONFORMANCE7EXAMPLE",
    secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYconformanceSECRET",
    token="IQoJb3JpZ2luX2VjEXAMPLE//session+token/conformance==",
)
SIGNED = ("--aws-sigv4", "--aws-region", REGION)
SUMMARY = re.compile(r"conformance: created (\d+) workflows, deleted (\d+)(.*)")


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AwsCredentials:
    """Credentials in the environment, as the subprocess run will read them, and no ~/.aws to interfere."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-such-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in CREDENTIALS.environment().items():
        monkeypatch.setenv(name, value)
    return CREDENTIALS


def target(url: str) -> tuple[str, ...]:
    return ("--target-url", url, "--domain", DOMAIN)


def five_creates(url: str, *args: str, storage: Path) -> SuiteRun:
    """The suite's five identical valid requests (test_responses) against ``url``: no Hypothesis examples,
    so the run costs little more than its start-up."""
    return run(*target(url), "-m", "responses", *args, storage=storage, only=("test_responses",))


def summary(output: str) -> tuple[int, int, str]:
    found = SUMMARY.search(output)
    assert found, f"no cleanup summary line in:\n{output[-3000:]}"
    return int(found[1]), int(found[2]), found[3]


# -- SigV4 ------------------------------------------------------------------------------------------------
def test_a_signed_run_passes_a_target_that_checks_every_signature(
    aws_environment: AwsCredentials, tmp_path: Path
) -> None:
    service = SignatureChecking(aws_environment, REGION)
    with reference(service) as server:
        done = run(
            *target(server.url),
            *SIGNED,
            "-m",
            "responses or errors",
            storage=tmp_path,
            only=("test_responses", "test_errors"),
        )
    assert done.returncode == 0, done.output[-3000:]
    assert service.refused == []
    # Creates, malformed bodies (bytes that are not even UTF-8 among them) and the closing DELETEs were all
    # signed and all checked.
    assert len(service.creates()) == 6 and len(service.deletes()) == 6
    assert len(service.authorizations) == len(service.seen) > 40
    assert service.workflow_count() == 0
    assert summary(done.output)[:2] == (5, 5)


def test_a_wrong_secret_stops_the_run_at_preflight_with_the_403(
    aws_environment: AwsCredentials, tmp_path: Path
) -> None:
    other_secret = AwsCredentials(aws_environment.access_key, "another-secret", aws_environment.token)
    service = SignatureChecking(other_secret, REGION)
    with reference(service) as server:
        done = five_creates(server.url, *SIGNED, storage=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"{server.url} refused the first request: 403 AccessDeniedException" in done.output
    assert "--aws-sigv4" in done.output
    assert len(service.seen) == 1 and len(service.refused) == 1  # the preflight, and nothing after it
    assert " passed" not in done.output and " failed" not in done.output
    assert "Traceback" not in done.output


def test_sigv4_signs_with_the_named_profile_of_the_shared_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    credentials_file, config_file = tmp_path / "credentials", tmp_path / "config"
    credentials_file.write_text(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n"
        "[conformance]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n"
        "aws_session_token = profile-token\n"
    )
    config_file.write_text("[profile conformance]\nregion = eu-central-1\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    signing = sigv4("profile", "conformance", None)
    assert signing.region == "eu-central-1"  # from the profile's config, no --aws-region
    assert set(signing.secrets) == {"profile-secret", "profile-token"}
    url, body = f"http://127.0.0.1:9/domains/{DOMAIN}/workflows/integrations", b'{"a":1}'
    headers = signing.sign("POST", url, {"Content-Type": "application/json"}, body)
    assert (
        headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDPROFILE/")
        and "/eu-central-1/profile/aws4_request" in headers["Authorization"]
    )
    assert headers["X-Amz-Security-Token"] == "profile-token"

    request = as_received("POST", url, headers, body)
    profile = AwsCredentials("AKIDPROFILE", "profile-secret", "profile-token")
    assert signature_problem(request, profile, "eu-central-1") is None
    default = AwsCredentials("AKIDDEFAULT", "default-secret")
    assert signature_problem(request, default, "eu-central-1") is not None
    tampered = as_received("POST", url, headers, b'{"a":2}')
    assert "does not match" in (signature_problem(tampered, profile, "eu-central-1") or "")

    with pytest.raises(OptionError, match="no-such-profile"):
        sigv4("profile", "no-such-profile", REGION)


def as_received(method: str, url: str, headers: dict[str, str], body: bytes) -> HttpRequest:
    """A signed request as a server's ``before_response`` sees it (a Host header added on the way)."""
    from email.message import Message

    message = Message()
    for name, value in {**headers, "Host": url.split("/")[2]}.items():
        message[name] = value
    return HttpRequest(method, "/" + url.split("/", 3)[3], message, body)


# -- secrets -----------------------------------------------------------------------------------------------
def test_no_secret_reaches_the_output_or_any_report(aws_environment: AwsCredentials, tmp_path: Path) -> None:
    """A signed run against a failing target, with every output turned up (DEBUG logs, logs in the JUnit
    XML, long tracebacks): the secret key, the session token, the access key id and every Authorization
    value the target received appear nowhere.  The access key id is held to the same rule: nothing
    prints it today, and a reader has no use for it (the curl replay reads $AWS_ACCESS_KEY_ID)."""
    reports = tmp_path / "reports"
    reports.mkdir()
    # Signatures checked, then every valid request but the preflight's refused with a 500.
    failing = signature_checking(RefusingValid)
    service = failing(aws_environment, REGION, status=500, error_type="InternalServerException", spare=1)
    extra = ["--conformance-report", str(reports / "coverage")] if _has_option("--conformance-report") else []
    with reference(service) as server:
        done = five_creates(
            server.url,
            *SIGNED,
            "--junitxml",
            str(reports / "junit.xml"),
            "--log-level=DEBUG",
            "-o",
            "junit_logging=all",
            "--tb=long",
            "-vv",
            *extra,
            storage=tmp_path / "hypothesis",
        )
    assert done.returncode == 1 and service.refused == []
    assert "Broken: success.status" in done.output and "--aws-sigv4 aws:amz:us-east-1:profile" in done.output
    assert '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in done.output
    assert "DEBUG" in done.output  # the logs were captured and shown

    files = [path for path in reports.rglob("*") if path.is_file()]
    assert reports / "junit.xml" in files
    texts = {"output": done.output, **{path.name: path.read_text(errors="replace") for path in files}}
    signatures = [value.rsplit("Signature=", 1)[-1] for value in service.authorizations]
    forbidden = [aws_environment.secret_key, aws_environment.token, aws_environment.access_key]
    forbidden += ["AWS4-HMAC-SHA256 Credential=", *signatures]
    for where, text in texts.items():
        for secret in forbidden:
            assert secret not in text, f"{secret[:12]}... appears in {where}"


def _has_option(option: str) -> bool:
    # The coverage report is another part's option; include it when this checkout has it.
    return (
        option in (Path(__file__).resolve().parents[1] / "conformance" / "plugin" / "__init__.py").read_text()
    )


# -- --expect lenient --------------------------------------------------------------------------------------
def test_lenient_accepts_a_documented_refusal_of_valid_requests_and_strict_does_not(tmp_path: Path) -> None:
    # Each run's first valid request (the preflight's) is let through: a 403 there stops any run, since it
    # most likely means credentials without the permission, and then every answer would be that 403.
    service = RefusingValid(403, "AccessDeniedException", spare=1)
    with reference(service) as server:
        lenient = run(
            *target(server.url),
            "--expect",
            "lenient",
            "-m",
            "valid or responses",
            storage=tmp_path / "lenient",
            only=("test_valid", "test_responses"),
        )
        service.spare = 1
        strict = five_creates(server.url, storage=tmp_path / "strict")
    assert lenient.returncode == 0, lenient.output[-3000:]
    # The two properties, and the two properties of the answers judged on the refusals (error.body and
    # error.Message).
    assert "4 passed" in lenient.output
    assert len(service.creates(403)) > 100  # the valid property's examples, all refused
    assert strict.returncode == 1
    assert "Broken: success.status" in strict.output and "status 403 AccessDeniedException" in strict.output


def test_lenient_still_fails_a_server_error(tmp_path: Path) -> None:
    service = RefusingValid(500, "InternalServerException")
    with reference(service) as server:
        done = five_creates(server.url, "--expect", "lenient", storage=tmp_path)
    assert done.returncode == 1
    assert "Broken: no_server_error" in done.output and "status 500 InternalServerException" in done.output


# -- rate limit ---------------------------------------------------------------------------------------------
def test_the_rate_limiter_spaces_requests_even_from_several_threads() -> None:
    limiter = RateLimiter(20)
    started = time.monotonic()
    threads = [threading.Thread(target=lambda: [limiter.wait() for _ in range(20)]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert time.monotonic() - started >= 39 / 20 - 0.05  # 40 requests: the first at once, 39 intervals
    unlimited = RateLimiter(None)
    started = time.monotonic()
    for _ in range(1000):
        unlimited.wait()
    assert time.monotonic() - started < 0.5


def test_the_rate_limit_holds_across_xdist_workers(tmp_path: Path) -> None:
    service = RecordingService()
    with reference(service) as server:
        done = run(
            *target(server.url),
            "--rate-limit",
            "20",
            "-n",
            "2",
            "-m",
            "errors",
            storage=tmp_path,
            only=("test_errors",),
        )
    assert done.returncode == 0, done.output[-3000:]
    times = [seen.at for seen in service.seen[2:]]  # after the preflight's create and delete
    assert len(times) >= 30
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    # Each of the two workers sends at most 10 a second; one more each where a window holds both ends.
    assert busiest <= 22, f"{busiest} requests within one second"
    assert times[-1] - times[0] >= (len(times) - 2) / 20 - 0.2


# -- 429 ----------------------------------------------------------------------------------------------------
def test_throttled_requests_are_retried_and_the_run_passes(tmp_path: Path) -> None:
    service = Throttling(times=2)
    with reference(service) as server:
        done = five_creates(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    answered = len(service.creates(200))
    assert answered == 6  # the preflight and five creates...
    assert len(service.creates(429)) == 2 * answered  # ...each refused twice first
    # Retry-After: 0 is "now" (urllib3 alone would back off a second before the second retry).
    attempts = service.creates(None)
    waits = [after.at - before.at for before, after in pairwise(attempts) if before.status == 429]
    assert max(waits) < 0.5, waits


def test_a_target_that_always_throttles_stops_the_run_at_the_preflight(tmp_path: Path) -> None:
    """No property can be judged on 429s: the preflight's request, still throttled after its retries,
    stops the run with one message (it once let the run go on, and every request cost its retries)."""
    service = Throttling(times=float("inf"))
    with reference(service) as server:
        done = five_creates(server.url, storage=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert (
        f"{server.url} throttled the first request: 429 ThrottlingException: 'Rate exceeded.'" in done.output
    )
    assert "after 3 retries that waited 0 s in all" in done.output
    assert len(service.creates(429)) == 4  # the preflight's request, tried four times, and nothing after
    assert done.seconds < 30


def test_each_throttled_attempt_gets_a_whole_timeout() -> None:
    """The request timeout bounds each answer, not the exchange with its retries: the wait a Retry-After
    asks for does not eat into the next attempt's time."""
    late = head("200 OK", {"Content-Type": "application/json", "Content-Length": "2"}) + b"{}"

    def throttle_then_answer_late(server: RawServer, conn, request) -> bool:  # noqa: ANN001
        if len(server.requests) == 1:
            return answer("429 Too Many Requests", b"{}", {"Retry-After": "1"})(server, conn, request)
        time.sleep(0.6)
        conn.sendall(late)
        return True

    with RawServer(throttle_then_answer_late) as server:
        with TargetClient(server.url, DOMAIN, timeout=1, throttle_retries=3) as client:
            exchange = client.send(Request(None, canonical_body()))
    assert exchange.status == 200 and len(server.requests) == 2
    assert exchange.elapsed >= 1.5  # a second of Retry-After, 0.6 s of answer: more than the timeout


# -- --max-creates ------------------------------------------------------------------------------------------
def test_max_creates_skips_what_would_create_more(tmp_path: Path) -> None:
    service = RecordingService()
    with reference(service) as server:
        done = run(
            *target(server.url),
            "--max-creates",
            "3",
            "-m",
            "valid or responses",
            "-rs",
            storage=tmp_path,
            only=("test_valid", "test_responses"),
        )
    assert done.returncode == 0, done.output[-3000:]
    assert len(service.creates()) <= 3 + 1  # and the preflight's
    assert "2 skipped" in done.output and "--max-creates reached" in done.output
    assert "failed" not in done.output.lower().replace("failed to delete", "")


# -- cleanup -------------------------------------------------------------------------------------------------
def test_every_workflow_the_run_created_is_deleted(tmp_path: Path) -> None:
    service = RecordingService()
    with reference(service) as server:
        done = five_creates(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert len(service.created_ids) == 6 and service.workflow_count() == 0
    deleted = {seen.path.rsplit("/", 1)[1] for seen in service.deletes() if seen.status == 200}
    assert deleted == set(service.created_ids)
    assert summary(done.output) == (5, 5, "")


def test_no_cleanup_keeps_the_workflows(tmp_path: Path) -> None:
    service = RecordingService()
    with reference(service) as server:
        done = five_creates(server.url, "--no-cleanup", storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert service.deletes() == [] and service.workflow_count() == 6  # the preflight's is kept too
    created, deleted, rest = summary(done.output)
    assert (created, deleted) == (5, 0) and "--no-cleanup" in rest


@pytest.mark.parametrize(
    ("status", "error_type"), [(405, None), (501, None), (404, "UnknownOperationException")], ids=str
)
def test_cleanup_stops_at_the_first_answer_that_delete_is_not_implemented(
    status: int, error_type: str | None, tmp_path: Path
) -> None:
    service = WithoutDeleteWorkflow(status, error_type)
    with reference(service) as server:
        done = five_creates(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    # The preflight's delete, and the first of the run's five: then no more.
    assert len(service.deletes()) == 2
    created, deleted, rest = summary(done.output)
    assert (created, deleted) == (5, 0)
    assert f"the target has no DeleteWorkflow (it answered {status}" in rest and "5 are left" in rest
    assert not any(workflow_id in done.output for workflow_id in service.created_ids)  # no list of ids


def test_workflows_that_could_not_be_deleted_are_listed(tmp_path: Path) -> None:
    service = FailingDeletes()
    with reference(service) as server:
        done = five_creates(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]  # the properties passed; the summary says the rest
    created, deleted, rest = summary(done.output)
    assert (created, deleted) == (5, 0) and "failed to delete 5" in rest
    assert set(service.created_ids[1:]) <= set(rest.split(":", 1)[1].split())  # the five, by id
    assert service.workflow_count() == 6
