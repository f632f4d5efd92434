"""The resource mutants of ``tests/zoo_resources.py`` deviate as they say, seen by direct SDK calls (boto3)
without the suite; the suite's resource properties catch each, with a failure that names the property;
and the correct variants (a store that settles after 0.5 s, a list in another order) pass, as the
reference does."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import pytest

from conformance.reference import start_server
from conformance.reference.resource_store import ResourceService, operation_service
from conformance.spec.operation import load_operation
from tests.suite_runner import run_suite
from tests.zoo_resources import CHANNELS, CORRECT, MUTANTS, SCHEDULER, ResourceMutant

RESOURCE_TESTS = "conformance/properties/test_resource.py::"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "zoo", "AWS_SECRET_ACCESS_KEY": "zoo-secret"}
SCHEDULE = {
    "ScheduleExpression": "rate(5 minutes)",
    "FlexibleTimeWindow": {"Mode": "OFF"},
    "Target": {
        "Arn": "arn:aws:sqs:us-east-1:123456789012:queue",
        "RoleArn": "arn:aws:iam::123456789012:role/r",
    },
}


def reference() -> ResourceService:
    service = operation_service(load_operation(SCHEDULER))
    assert isinstance(service, ResourceService)
    return service


@contextmanager
def scheduler_client(service: ResourceService) -> Iterator[Any]:
    with start_server(service) as server:
        yield boto3.client(
            "scheduler",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="zoo",
            aws_secret_access_key="zoo-secret",
            config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10),
        )


def _create(client: Any, expression: str = "rate(5 minutes)") -> str:
    name = f"zoo-{uuid.uuid4().hex[:12]}"
    client.create_schedule(Name=name, **{**SCHEDULE, "ScheduleExpression": expression})
    return name


def _code(call: Callable[[], Any]) -> str:
    try:
        call()
    except client_error() as error:
        return error.response["Error"]["Code"]
    return "200"


def client_error() -> type[Exception]:
    import botocore.exceptions

    return botocore.exceptions.ClientError


# -- probes: one question each, answered with what was seen wrong (None: nothing) ------------------------
def reads_back_wrong(client: Any) -> str | None:
    first, second = _create(client, "rate(1 minutes)"), _create(client, "rate(2 minutes)")
    for name, expression in ((first, "rate(1 minutes)"), (second, "rate(2 minutes)")):
        got = client.get_schedule(Name=name)["ScheduleExpression"]
        if got != expression:
            return f"{name} reads back ScheduleExpression {got!r}, created {expression!r}"
    return None


def unknown_found(client: Any) -> str | None:
    code = _code(lambda: client.get_schedule(Name=f"nobody-{uuid.uuid4().hex[:12]}"))
    return None if code == "ResourceNotFoundException" else f"an unknown name got {code}"


def deleted_stays(client: Any) -> str | None:
    name = _create(client)
    client.delete_schedule(Name=name)
    code = _code(lambda: client.get_schedule(Name=name))
    return None if code == "ResourceNotFoundException" else f"a deleted schedule got {code}"


def pages_lose_items(client: Any) -> str | None:
    names = [_create(client) for _ in range(4)]
    listed: list[str] = []
    for page in client.get_paginator("list_schedules").paginate(PaginationConfig={"PageSize": 1}):
        listed += [item["Name"] for item in page["Schedules"]]
    lost = [name for name in names if listed.count(name) != 1]
    return f"{len(lost)} of {len(names)} not listed once in pages of 1" if lost else None


# Deviations a mutant shows besides its ``breaks``: a deleted id is an id nobody has, for a stub.
ALSO = {"any id found": {"resource.delete.gone"}}
PROBES = {
    "resource.read": reads_back_wrong,
    "resource.unknown.not_found": unknown_found,
    "resource.delete.gone": deleted_stays,
    "resource.list.once": pages_lose_items,
}


def test_the_reference_shows_none_of_the_deviations() -> None:
    with scheduler_client(reference()) as client:
        assert {name: probe(client) for name, probe in PROBES.items()} == dict.fromkeys(PROBES)


SCHEDULE_MUTANTS = [m for m in MUTANTS if m.operation == SCHEDULER]


@pytest.mark.parametrize("mutant", SCHEDULE_MUTANTS, ids=[m.name for m in SCHEDULE_MUTANTS])
def test_each_mutant_shows_its_deviation_and_no_other(mutant: ResourceMutant) -> None:
    with scheduler_client(mutant.service()) as client:
        seen = {name: probe(client) for name, probe in PROBES.items()}
    assert seen[mutant.breaks] is not None, seen
    others = {name for name, found in seen.items() if found and name != mutant.breaks}
    assert others == ALSO.get(mutant.name, set()), seen


def test_a_page_with_tags_as_an_array_is_one_no_sdk_reads() -> None:
    """The channel mutant's pages, read by boto3: its paginator fails, as on a real SDK."""
    mutant = next(m for m in MUTANTS if m.operation == CHANNELS)
    with start_server(mutant.service()) as server:
        client = boto3.client(
            "ivs", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="zoo",
            aws_secret_access_key="zoo-secret", config=botocore.config.Config(retries={"max_attempts": 1}),
        )  # fmt: skip
        arn = client.create_channel(name="zoo")["channel"]["arn"]
        assert client.get_channel(arn=arn)["channel"]["arn"] == arn  # the read is right
        with pytest.raises(AttributeError):
            client.list_channels(maxResults=1)


def _run(service: ResourceService, tmp_path: Path, operation: str = SCHEDULER) -> Any:
    with start_server(service) as server:
        return run_suite(
            "--operation", operation, "--target-url", server.url, "--aws-sigv4", "--aws-region",
            "us-east-1", "-k", "test_resource", "-q", storage=tmp_path, env=CREDENTIALS,
        )  # fmt: skip


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_resource_properties_catch_the_mutant(mutant: ResourceMutant, tmp_path: Path) -> None:
    run = _run(mutant.service(), tmp_path, mutant.operation)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output[-3000:]
    assert f"{RESOURCE_TESTS}{mutant.test}" in run.failed_tests, run.output[-4000:]
    # The failure names the property, and says what was required and answered.
    assert re.search(rf"Broken: {re.escape(mutant.breaks)}\b", run.output), run.output[-4000:]
    for line in ("Required: ", "Answered: ", "curl -sS -i -X "):
        assert line in run.output, run.output[-3000:]
    assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in run.output


@pytest.mark.parametrize("name", [*CORRECT, "reference"])
def test_a_correct_variant_passes(name: str, tmp_path: Path) -> None:
    service = CORRECT[name]() if name in CORRECT else reference()
    started = time.monotonic()
    run = _run(service, tmp_path)
    assert run.returncode == pytest.ExitCode.OK, run.output[-4000:]
    assert run.failed_tests == []
    found = re.search(r"(\d+) passed", run.output)
    assert found and int(found.group(1)) >= 4, run.output[-2000:]  # the four properties, and the verdicts
    assert "skipped" not in run.output.splitlines()[-1], run.output[-2000:]
    assert time.monotonic() - started < 300
