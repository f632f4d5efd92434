"""How the lifecycle properties run against targets that have GetWorkflow, ListWorkflows and
DeleteWorkflow, or lack some of them: found out before the tests, said in one line, skipped unless
``--lifecycle required``; ``--lifecycle off`` sends none of them; under xdist each worker learns the same."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from conformance.reference import Reply
from tests.hostile_servers import DOMAIN, RecordingService, reference, run
from tests.lifecycle_variants import LAG, VARIANTS
from tests.suite_runner import SuiteRun
from tests.test_reference import VALID_BODY

LIFECYCLE = ("-m", "lifecycle or responses")
ONLY = ("test_lifecycle", "test_responses")


def lifecycle_run(url: str, *args: str, storage: Path) -> SuiteRun:
    mode = () if "--lifecycle" in args else ("--lifecycle", "auto")  # run() turns them off otherwise
    return run("--target-url", url, "--domain", DOMAIN, *LIFECYCLE, *mode, *args, storage=storage, only=ONLY)


class WithoutOperations(RecordingService):
    """A target with CreateIntegrationWorkflow only, or with some of the others: each operation named in
    ``absent`` answers 404 UnknownOperationException, as a router without the route does."""

    def __init__(self, *absent: str) -> None:
        super().__init__()
        self.absent = set(absent)

    def _unknown(self) -> Reply:
        return self.error_response(404, "UnknownOperationException", "no such operation")

    def get_workflow(self, domain: str, workflow_id: str) -> Reply:
        return self._unknown() if "GetWorkflow" in self.absent else super().get_workflow(domain, workflow_id)

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        if "DeleteWorkflow" in self.absent:
            return self._unknown()
        return super().delete_workflow(domain, workflow_id)

    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        if "ListWorkflows" in self.absent:
            return self._unknown()
        return super().list_workflows(domain, content_type, query, raw_body)

    def lifecycle_requests(self) -> list[str]:
        return [f"{seen.method} {seen.path}" for seen in self.seen if not seen.path.endswith("/integrations")]


def test_a_target_with_the_operations_passes_them_all(tmp_path: Path) -> None:
    service = WithoutOperations()
    with reference(service) as server:
        done = lifecycle_run(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert "skipped" not in done.output.splitlines()[-1]
    assert "conformance: lifecycle:" not in done.output  # nothing lacking, nothing to say
    assert "lifecycle checks:" in done.output  # the coverage line
    # The workflows the properties deleted are counted with the cleanup's.
    assert service.workflow_count() == 0, done.output[-2000:]


def test_a_target_without_them_gets_one_line_and_no_failure(tmp_path: Path) -> None:
    service = WithoutOperations("GetWorkflow", "ListWorkflows")
    with reference(service) as server:
        done = lifecycle_run(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    line = (
        "conformance: lifecycle: the target has no GetWorkflow (it answered 404 UnknownOperationException), "
        "no ListWorkflows (it answered 404 UnknownOperationException); their checks are skipped"
    )
    assert done.output.count(line) == 2, done.output[-3000:]  # in the header and in the summary
    # DeleteWorkflow is there: its checks that need nothing else still run.
    assert "passed" in done.output and "failed" not in done.output


def test_lifecycle_required_fails_each_check_of_a_missing_operation(tmp_path: Path) -> None:
    service = WithoutOperations("ListWorkflows")
    with reference(service) as server:
        done = lifecycle_run(server.url, "--lifecycle", "required", storage=tmp_path)
    assert done.returncode == 1
    assert "their checks fail (--lifecycle required)" in done.output
    assert (
        "the target has no ListWorkflows (it answered 404 UnknownOperationException), and --lifecycle "
        "required asks for it" in done.output
    )
    assert sorted(done.failed_tests) == [
        f"conformance/properties/test_lifecycle.py::{name}"
        for name in (
            "test_a_rejected_create_leaves_no_workflow",
            "test_every_page_of_a_busy_domain_lists_each_workflow_once",
            "test_list_filters_hold",
            "test_list_workflows_lists_each_created_workflow_once",
        )
    ]


def test_lifecycle_off_sends_none_of_them(tmp_path: Path) -> None:
    service = WithoutOperations()
    with reference(service) as server:
        done = lifecycle_run(server.url, "--lifecycle", "off", "--no-cleanup", storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert "--lifecycle off" in done.output or "skipped" in done.output
    # Creates only: no GetWorkflow, no ListWorkflows, no probe (and, with --no-cleanup, no delete).
    assert service.lifecycle_requests() == []
    assert len(service.creates()) == 6  # the preflight's and the five of test_responses


def test_xdist_workers_learn_which_operations_the_target_has(tmp_path: Path) -> None:
    service = WithoutOperations("GetWorkflow")
    with reference(service) as server:
        done = lifecycle_run(server.url, "-n", "2", storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert "the target has no GetWorkflow (it answered 404 UnknownOperationException)" in done.output


@pytest.mark.parametrize("lost", ["every", "none"])
def test_the_runs_own_deletes_are_checked(lost: str, tmp_path: Path) -> None:
    """A target that forgets the workflows it created (a cache that drops them) is caught by the
    cleanup: its DeleteWorkflow answers 404."""

    class Forgetful(WithoutOperations):
        def record_workflow(self, domain: str, workflow_id: str, body: object) -> None:
            if lost == "none":
                super().record_workflow(domain, workflow_id, body)

    service = Forgetful("GetWorkflow", "ListWorkflows")
    with reference(service) as server:
        done = run(
            "--target-url", server.url, "--domain", DOMAIN, "-m", "responses", "--lifecycle", "auto",
            storage=tmp_path, only=("test_responses",),
        )  # fmt: skip
    if lost == "none":
        assert done.returncode == 0, done.output[-3000:]
        assert "lifecycle.cleanup" not in done.output
        return
    assert done.returncode == 1
    assert "FAILED conformance/properties/answers.py::test_answers[lifecycle.cleanup]" in done.output
    assert "Answered: 404 to the DeleteWorkflow of 5 of the 5 workflows the run created" in done.output
    assert "5 were gone already (DeleteWorkflow answered 404)" in done.output


class CatchAllNotFound(RecordingService):
    """A correct CreateIntegrationWorkflow and nothing else, whose catch-all answers every other request
    404 ResourceNotFoundException, the operation's own error: a 404 there says nothing of a workflow."""

    def _not_found(self) -> Reply:
        return self.error_response(404, "ResourceNotFoundException", "Not found.")

    def get_workflow(self, domain: str, workflow_id: str) -> Reply:
        return self._not_found()

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        return self._not_found()

    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        return self._not_found()

    def before_response(self, request, reply: Reply) -> Reply:  # noqa: ANN001
        if reply.status == 404 and reply.headers.get("X-Amzn-Errortype") == "UnknownOperationException":
            reply = self._not_found()  # the path no operation has
        return super().before_response(request, reply)


def test_a_target_whose_not_found_means_nothing_is_not_failed(tmp_path: Path) -> None:
    """Such a target cannot be told apart from one that lost its workflows, so the lifecycle checks are
    skipped and the cleanup's 404s are no verdict: a correct implementation of the one operation passes."""
    with reference(CatchAllNotFound()) as server:
        done = lifecycle_run(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert "lifecycle.cleanup" not in done.output
    assert "as it answers a path no operation has, so it cannot be told apart" in done.output


class SparseGetWorkflow(WithoutOperations):
    """GetWorkflow answers only what the output model requires: nothing at its top level."""

    def workflow_description(self, record: object) -> dict:
        return {}


def test_a_getworkflow_answer_with_only_what_the_model_requires_passes(tmp_path: Path) -> None:
    """The output model requires none of WorkflowId, WorkflowType, Status or Attributes: each is held to
    the request where it is there, and its absence fails nothing."""
    with reference(SparseGetWorkflow()) as server:
        done = lifecycle_run(server.url, "-k", "reads_back", storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    # The 16 read-back tests and the verdicts on the creates' answers; none failed.
    assert "27 passed" in done.output and "failed" not in done.output, done.output[-1000:]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_correct_lifecycle_unlike_the_reference_passes(variant: str, tmp_path: Path) -> None:
    """An eventually consistent store, a status that moves on by itself, a list newest first, a domain
    another client uses meanwhile: each is what the model allows, and fails no lifecycle property."""
    with reference(VARIANTS[variant](domains=[DOMAIN])) as server:
        done = lifecycle_run(server.url, storage=tmp_path)
    assert done.returncode == 0, done.output[-3000:]
    assert "skipped" not in done.output.splitlines()[-1], done.output[-3000:]


def test_the_correct_variants_differ_from_the_reference_as_they_say() -> None:
    """Otherwise the test above would prove nothing: seen by direct HTTP, each variant shows its way."""
    with requests.Session() as session:

        def create(url: str) -> str:
            answer = session.post(
                f"{url}/domains/{DOMAIN}/workflows/integrations", json=VALID_BODY, timeout=10
            )
            return answer.json()["WorkflowId"]

        def get(url: str, workflow_id: str) -> requests.Response:
            return session.get(f"{url}/domains/{DOMAIN}/workflows/{workflow_id}", timeout=10)

        def listed(url: str) -> list[str]:
            answer = session.post(f"{url}/domains/{DOMAIN}/workflows", json={}, timeout=10)
            return [item["WorkflowId"] for item in answer.json()["Items"]]

        with reference(VARIANTS["eventually consistent"](domains=[DOMAIN])) as server:
            workflow_id = create(server.url)
            assert get(server.url, workflow_id).status_code == 404 and workflow_id not in listed(server.url)
            time.sleep(LAG)
            assert get(server.url, workflow_id).status_code == 200 and workflow_id in listed(server.url)
            assert session.delete(f"{server.url}/domains/{DOMAIN}/workflows/{workflow_id}").status_code == 200
            assert get(server.url, workflow_id).status_code == 200 and workflow_id in listed(server.url)
            time.sleep(LAG)
            assert get(server.url, workflow_id).status_code == 404 and workflow_id not in listed(server.url)
        with reference(VARIANTS["status moves on"](domains=[DOMAIN])) as server:
            workflow_id = create(server.url)
            first = get(server.url, workflow_id).json()
            time.sleep(0.7)
            later = get(server.url, workflow_id).json()
            assert (first["Status"], later["Status"]) == ("NOT_STARTED", "COMPLETE")
            assert later["LastUpdatedAt"] > first["LastUpdatedAt"]
        with reference(VARIANTS["newest first"](domains=[DOMAIN])) as server:
            ids = [create(server.url) for _ in range(3)]
            assert listed(server.url) == ids[::-1]
        with reference(VARIANTS["a domain shared with another client"](domains=[DOMAIN])) as server:
            ours = create(server.url)
            time.sleep(0.3)
            others = [workflow_id for workflow_id in listed(server.url) if workflow_id != ours]
            time.sleep(0.3)
            assert others and set(others) != set(listed(server.url)) - {ours}
