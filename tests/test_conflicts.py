"""A create refused because what it names exists already (``conformance.core.conflicts``): due, where the
resource's read finds it; a failure, where nothing shows the name was taken."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from requests.structures import CaseInsensitiveDict

from conformance.core.conflicts import exists, read_request, says_it_exists
from conformance.core.exchange import Exchange
from conformance.reference import start_server
from conformance.reference.messages import HttpRequest, Reply
from conformance.reference.operation import OperationService
from conformance.spec.operation import load_operation
from conformance.spec.wire import WireRequest
from conformance.strategies.operation.wire import to_wire
from tests.suite_runner import run_suite

CREATE = "scheduler:CreateSchedule"
PARAMS = {
    "Name": "abc",
    "GroupName": "g1",
    "ScheduleExpression": "rate(1 hour)",
    "Target": {"Arn": "a", "RoleArn": "arn:aws:iam::000000000000:role/a"},
    "FlexibleTimeWindow": {"Mode": "OFF"},
}


def _answer(status: int, error: str | None) -> Exchange:
    headers = CaseInsensitiveDict({"Content-Type": "application/json"})
    if error:
        headers["X-Amzn-Errortype"] = error
    body = json.dumps({"message": "taken"}).encode()
    return Exchange("POST", "http://t/schedules/abc", {}, b"", None, status, "", headers, body)


def test_a_conflict_is_a_modelled_client_error_named_for_one() -> None:
    contract = load_operation(CREATE)
    assert says_it_exists(contract, _answer(409, "ConflictException"))
    assert says_it_exists(contract, _answer(400, "ConflictException"))  # its status is the ledger's business
    assert not says_it_exists(contract, _answer(400, "ValidationException"))
    assert not says_it_exists(contract, _answer(500, "ConflictException"))
    assert not says_it_exists(contract, _answer(409, "AlreadyThereButUnmodelledException"))


def test_the_read_names_what_the_create_named() -> None:
    contract = load_operation(CREATE)
    read = read_request(contract, to_wire(contract, PARAMS))
    assert read == WireRequest("GET", "/schedules/abc", (("groupName", "g1"),))
    # ivs' CreateChannel takes no identifier: its read needs the arn the create answers.
    channel = load_operation("ivs:CreateChannel")
    assert read_request(channel, to_wire(channel, {"name": "x"})) is None


def test_a_read_is_looked_at_again_a_little_later() -> None:
    answers = iter([404, 404, 200])
    calls: list[WireRequest] = []

    def send(request: WireRequest) -> Any:
        calls.append(request)
        return _answer(next(answers), None)

    read = WireRequest("GET", "/schedules/abc")
    assert exists(send, read) and len(calls) == 3
    calls.clear()
    assert not exists(lambda request: calls.append(request) or _answer(404, None), read) and len(calls) == 3


class UniqueNames(OperationService):
    """CreateSchedule with names unique per group, as the service keeps them: a second create of a name
    is refused with ConflictException; GetSchedule reads the names made (``stores`` False: says conflict
    and keeps nothing, a fault)."""

    def __init__(self, stores: bool = True) -> None:
        super().__init__(load_operation(CREATE))
        self.stores = stores
        self.made: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    def dispatch(self, request: HttpRequest) -> Reply:
        path, _, query = request.path.partition("?")
        if request.method == "GET" and path.startswith("/schedules/"):
            group = next(
                (v for k, _, v in (p.partition("=") for p in query.split("&")) if k == "groupName"), ""
            )
            found = (path.removeprefix("/schedules/"), group or "default") in self.made
            return Reply(200 if found else 404, {"Content-Type": "application/json"}, b"{}")
        reply = super().dispatch(request)
        if reply.status != 200:
            return reply
        body = json.loads(request.body or b"{}")
        key = (path.removeprefix("/schedules/"), body.get("GroupName") or "default")
        with self.lock:
            if key in self.made or (not self.stores and key[0].startswith("0")):
                error = json.dumps({"Message": f"Schedule {key[0]} already exists."}).encode()
                headers = {"Content-Type": "application/json", "X-Amzn-Errortype": "ConflictException"}
                return Reply(409, headers, error)
            if self.stores:
                self.made.add(key)
        return reply


def _run(service: OperationService, tmp_path: Path) -> Any:
    with start_server(service) as server:
        return run_suite(
            "--operation", CREATE, "--target-url", server.url, "-m", "valid", "-n", "2", storage=tmp_path
        )


def test_a_target_that_keeps_names_unique_passes(tmp_path: Path) -> None:
    run = _run(UniqueNames(), tmp_path)
    assert run.returncode == 0, run.output[-3000:]


def test_a_conflict_nothing_shows_still_fails(tmp_path: Path) -> None:
    run = _run(UniqueNames(stores=False), tmp_path)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output[-3000:]
    assert "ConflictException" in run.output
