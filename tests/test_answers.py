"""The properties of the answers: judged on every exchange, merged across workers, reported once each."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from requests.structures import CaseInsensitiveDict

from conformance.core.exchange import Exchange
from conformance.core.ledger import Kind, describe_breaks
from conformance.flagship.ledger import AnswerLedger
from conformance.reference import ReferenceService, start_server
from conformance.spec import load_contract
from tests.suite_runner import run_suite
from tests.zoo import DOMAIN
from tests.zoo_near import ALL_MUTANTS

CONTRACT = load_contract()
FLOW = "IntegrationConfig.AppflowIntegration.FlowDefinition"


def exchange(status: int, body: bytes, error_type: str | None = None, request: bytes = b"{}") -> Exchange:
    headers = CaseInsensitiveDict({"Content-Type": "application/json"})
    if error_type:
        headers["X-Amzn-Errortype"] = error_type
    return Exchange("POST", "http://t/x", {}, request, None, status, "", headers, body)


def test_every_answer_is_judged_and_the_smallest_example_kept() -> None:
    ledger = AnswerLedger(CONTRACT)
    kind = Kind("invalid", "RoleArn.pattern")
    ledger.rejection(
        exchange(400, b'{"Message":"m"}', "BadRequestException"), kind, {400}, {"BadRequestException"}
    )
    ledger.rejection(
        exchange(400, b"{}", "ValidationException", b"{" * 50), kind, {400}, {"BadRequestException"}
    )
    ledger.rejection(exchange(400, b"{}", "ValidationException", b"{}"), kind, {400}, {"BadRequestException"})
    ledger.rejection(
        exchange(200, b"{}"), kind, {400}, {"BadRequestException"}
    )  # not a rejection: not judged
    verdicts = {nodeid.split("[")[1][:-1]: (passed, text) for nodeid, passed, text in ledger.verdicts()}
    assert verdicts["error.status"] == (True, "") and verdicts["error.body"][0]
    passed, text = verdicts["error.type"]
    assert not passed and "2 of 3 rejections" in text and "ValidationException" in text
    assert "--data-binary '{}'" in text  # the smallest of the two requests that broke it
    assert ledger.failed() == ["error.type"]


def test_ledgers_merge_as_xdist_workers_send_them() -> None:
    one, two, controller = AnswerLedger(CONTRACT), AnswerLedger(CONTRACT), AnswerLedger(CONTRACT)
    kind = Kind("valid")
    one.success(exchange(200, b'{"WorkflowId":"' + b"a" * 32 + b'","Message":"m"}'), kind)
    two.success(exchange(201, b'{"WorkflowId":"' + b"b" * 32 + b'","Message":"m"}'), kind)
    controller.merge(one.to_dict())
    controller.merge(two.to_dict())
    verdicts = {nodeid.split("[")[1][:-1]: (passed, text) for nodeid, passed, text in controller.verdicts()}
    assert not verdicts["success.status"][0] and "1 of 2 successes" in verdicts["success.status"][1]
    assert verdicts["Response.WorkflowId.pattern"] == (True, "")


def _keys(**counts: int) -> Counter[str]:
    return Counter({Kind("invalid", constraint).key(): n for constraint, n in counts.items()})


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ({"RoleArn.pattern": 5, f"{FLOW}.KmsArn.pattern": 5, "Body.json": 2}, "every one of the 12"),
        ({f"{FLOW}.KmsArn.pattern": 5, f"{FLOW}.FlowName.required": 1}, f"only for faults in {FLOW},"),
        ({"Body.json": 2}, "only for faults of these kinds: json (2)"),
    ],
)
def test_the_kinds_of_request_that_broke_a_property_are_named(broken: dict[str, int], says: str) -> None:
    applicable = _keys(**{"RoleArn.pattern": 5, f"{FLOW}.KmsArn.pattern": 5, "Body.json": 2})
    applicable.update(
        _keys(**{f"{FLOW}.FlowName.required": 1}) if f"{FLOW}.FlowName.required" in broken else {}
    )
    if len(broken) == 3:
        applicable = _keys(**broken)
    assert says in describe_breaks("rejections", applicable, _keys(**broken))


def _mutant(name: str) -> ReferenceService:
    return next(m for m in ALL_MUTANTS if m.name == name).service()


def test_a_deviation_of_every_rejection_is_one_failure_with_no_extra_work(tmp_path: Path) -> None:
    """A target that answers ValidationException to every invalid request: one failing test, the
    constraint tests pass (every constraint is enforced), about as many requests as a conforming run
    (nothing is shrunk), and the verdict is a test case in JUnit."""
    runs = {}
    for name, service in [
        ("reference", ReferenceService(domains=[DOMAIN])),
        ("mutant", _mutant("ValidationException for invalid input")),
    ]:
        with start_server(service) as server:
            junit = tmp_path / f"{name}.xml"
            options = ["--target-url", server.url, "--domain", DOMAIN, f"--junitxml={junit}"]
            runs[name] = run_suite(*options, "-q", storage=tmp_path / name)
    reference, mutant = runs["reference"], runs["mutant"]
    assert reference.returncode == 0, reference.output[-3000:]
    assert mutant.returncode == 1
    assert mutant.failed_tests == ["conformance/properties/answers.py::test_answers[error.type]"], (
        mutant.output[-3000:]
    )
    assert "Broken by: every one of the" in mutant.output
    assert mutant.requests_sent is not None and reference.requests_sent is not None
    assert mutant.requests_sent <= 1.1 * reference.requests_sent
    cases = ET.parse(tmp_path / "mutant.xml").getroot().iter("testcase")
    failed = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failed == ["test_answers[error.type]"]
    # The JUnit file keeps what the failures and test ids need, not Hypothesis's base64 statistics.
    reference_xml = (tmp_path / "reference.xml").read_text()
    assert "hypothesis-statistics" not in reference_xml
    assert len(list(ET.fromstring(reference_xml).iter("testcase"))) > 300
    assert len(reference_xml) < 100_000, len(reference_xml)
