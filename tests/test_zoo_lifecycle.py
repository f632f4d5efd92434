"""The lifecycle mutants of ``tests/zoo_lifecycle.py`` deviate as they say, seen by direct HTTP without the
suite, and in no other way these probes can see; the reference shows none of the deviations.

Each probe asks one question of a fresh server (its own workflows only) and answers what it saw wrong,
or ``None``: the probes are named by the property a mutant's ``breaks`` names, so a mutant must show its
own deviation and, apart from the overlaps listed in ``ALSO``, no other.  Bounds, enums and statuses come
from botocore's copy of the model, as in ``tests/test_reference_lifecycle.py``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import botocore.session
import pytest
import requests

from conformance.reference import ReferenceService, start_server
from conformance.reference.server import RunningServer
from tests.test_reference import VALID_BODY, assert_error, with_member
from tests.zoo import DOMAIN, Mutant
from tests.zoo_lifecycle import LIFECYCLE_MUTANTS
from tests.zoo_near import ALL_MUTANTS

MODEL = botocore.session.get_session().get_service_model("customer-profiles")
GET = MODEL.operation_model("GetWorkflow")
LIST = MODEL.operation_model("ListWorkflows")
DELETE = MODEL.operation_model("DeleteWorkflow")
APPFLOW = GET.output_shape.members["Attributes"].members["AppflowIntegration"]
STATUSES = GET.output_shape.members["Status"].enum
ROLE_ARN_MAX = APPFLOW.members["RoleArn"].metadata["max"]
LARGEST_PAGE = LIST.input_shape.members["MaxResults"].metadata["max"]
DELETE_ID_MAX = DELETE.input_shape.members["WorkflowId"].metadata["max"]
SOURCE_FLOW = "IntegrationConfig.AppflowIntegration.FlowDefinition.SourceFlowConfig"
# The request's RoleArn takes up to 512 characters: lengths on each side of 128 (a short column) and 255.
ROLE_LENGTHS = (len(VALID_BODY["RoleArn"]), 128, 129, 200, ROLE_ARN_MAX, ROLE_ARN_MAX + 1, 512)
LISTED = 3  # workflows a list probe creates
NOT_FOUND = (404, "ResourceNotFoundException")
BAD_REQUEST = (400, "BadRequestException")

# Deviations a mutant shows besides its ``breaks``, which a check may meet later in a run.
ALSO: dict[str, set[str]] = {
    "create stores nothing": {"lifecycle.list.contains", "lifecycle.delete.status"},
}


# -- a target under probe ------------------------------------------------------------------------------------
class Target:
    def __init__(self, server: RunningServer, session: requests.Session) -> None:
        self.server, self.session = server, session
        self.workflows = f"{server.url}/domains/{quote(DOMAIN, safe='')}/workflows"

    def create(self, body: Any = VALID_BODY) -> str:
        response = self.session.post(f"{self.workflows}/integrations", json=body)
        assert response.status_code == 200, response.text
        return response.json()["WorkflowId"]

    def get(self, workflow_id: str) -> requests.Response:
        return self.session.get(f"{self.workflows}/{quote(workflow_id, safe='')}")

    def delete(self, workflow_id: str) -> requests.Response:
        return self.session.delete(f"{self.workflows}/{quote(workflow_id, safe='')}")

    def described(self, body: Any = VALID_BODY) -> tuple[str, dict[str, Any] | None]:
        """A new workflow's id and GetWorkflow's answer for it (``None`` unless 200)."""
        workflow_id = self.create(body)
        response = self.get(workflow_id)
        return workflow_id, response.json() if response.status_code == 200 else None

    def pages(self, max_results: int, limit: int) -> tuple[list[list[dict[str, Any]]], bool]:
        """The items of each page, following NextToken for at most ``limit`` pages; whether they ended."""
        pages: list[list[dict[str, Any]]] = []
        params: dict[str, Any] = {"max-results": max_results}
        while len(pages) < limit:
            response = self.session.post(self.workflows, params=params, json={})
            assert response.status_code == 200, response.text
            page = response.json()
            pages.append(page["Items"])
            if "NextToken" not in page:
                return pages, True
            params["next-token"] = page["NextToken"]
        return pages, False


def error_of(response: requests.Response) -> tuple[int, str | None]:
    return response.status_code, response.headers.get("X-Amzn-Errortype")


def _attributes(answer: dict[str, Any] | None) -> dict[str, Any]:
    return (answer or {}).get("Attributes", {}).get("AppflowIntegration") or {}


def _role_arn(length: int) -> str:
    prefix = "arn:aws:iam::123456789012:role/"
    return prefix + "r" * (length - len(prefix))


def _walks(target: Target) -> list[tuple[int, list[list[dict[str, Any]]], bool]]:
    """Pages of one, of two and of the largest size, each walk bounded well past the workflows there."""
    return [(size, *target.pages(size, limit=2 * LISTED + 3)) for size in (1, 2, LARGEST_PAGE)]


def _ids(pages: list[list[dict[str, Any]]]) -> list[str]:
    return [item["WorkflowId"] for page in pages for item in page]


# -- probes, one per property --------------------------------------------------------------------------------
Probe = Callable[[Target], str | None]
PROBES: dict[str, Probe] = {}


def probe(name: str) -> Callable[[Probe], Probe]:
    def register(function: Probe) -> Probe:
        PROBES[name] = function
        return function

    return register


@probe("lifecycle.get.status")
def _get_status(target: Target) -> str | None:
    status = target.get(target.create()).status_code
    return None if status == 200 else f"GetWorkflow of a created id answered {status}"


@probe("lifecycle.get.WorkflowId")
def _get_workflow_id(target: Target) -> str | None:
    workflow_id, answer = target.described()
    if answer is None or answer.get("WorkflowId") == workflow_id:
        return None
    return f"GetWorkflow of {workflow_id} answered WorkflowId {answer.get('WorkflowId')}"


@probe("lifecycle.get.SourceConnectorType")
def _get_connector_type(target: Target) -> str | None:
    for connector_type in APPFLOW.members["SourceConnectorType"].enum:
        _, answer = target.described(with_member(f"{SOURCE_FLOW}.ConnectorType", connector_type))
        answered = _attributes(answer).get("SourceConnectorType")
        if answer is not None and answered != connector_type:
            return f"created with {connector_type}, read back as {answered}"
    return None


@probe("lifecycle.get.ConnectorProfileName")
def _get_profile_name(target: Target) -> str | None:
    _, answer = target.described(with_member(f"{SOURCE_FLOW}.ConnectorProfileName", "my-profile"))
    answered = _attributes(answer).get("ConnectorProfileName")
    return None if answer is None or answered == "my-profile" else f"read back as {answered!r}"


@probe("lifecycle.get.RoleArn")
def _get_role_arn(target: Target) -> str | None:
    for length in ROLE_LENGTHS:
        _, answer = target.described(with_member("RoleArn", _role_arn(length)))
        answered = _attributes(answer).get("RoleArn")
        if answered is not None and answered != _role_arn(length):
            return f"a RoleArn of {length} characters read back as one of {len(answered)}"
    return None


@probe("GetWorkflow.Response.Attributes.AppflowIntegration.RoleArn.maxLength")
def _get_role_arn_length(target: Target) -> str | None:
    for length in ROLE_LENGTHS:
        _, answer = target.described(with_member("RoleArn", _role_arn(length)))
        answered = _attributes(answer).get("RoleArn")
        if answered is not None and len(answered) > ROLE_ARN_MAX:
            return f"RoleArn of {len(answered)} characters, above {ROLE_ARN_MAX}"
    return None


@probe("GetWorkflow.Response.Status.enum")
def _get_status_enum(target: Target) -> str | None:
    _, answer = target.described()
    return None if answer is None or answer.get("Status") in STATUSES else f"Status {answer.get('Status')!r}"


@probe("GetWorkflow.Response.LastUpdatedAt.type")
def _get_timestamp_type(target: Target) -> str | None:
    _, answer = target.described()
    value = (answer or {}).get("LastUpdatedAt", 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    return f"LastUpdatedAt {value!r} is no number of epoch seconds"


@probe("ListWorkflows.Response.Items[].StatusDescription.required")
def _list_item_shape(target: Target) -> str | None:
    for _ in range(LISTED):
        target.create()
    pages, _ = target.pages(LARGEST_PAGE, limit=1)
    lacking = [item for item in pages[0] if "StatusDescription" not in item]
    return f"{len(lacking)} of {len(pages[0])} items lack StatusDescription" if lacking else None


@probe("lifecycle.list.contains")
def _list_contains(target: Target) -> str | None:
    created = [target.create() for _ in range(LISTED)]
    for size, pages, _ in _walks(target):
        missing = [workflow_id for workflow_id in created if workflow_id not in _ids(pages)]
        if missing:
            return f"pages of {size} leave out {len(missing)} of the {LISTED} created"
    return None


@probe("lifecycle.list.MaxResults")
def _list_page_size(target: Target) -> str | None:
    for _ in range(LISTED):
        target.create()
    for size, pages, _ in _walks(target):
        if any(len(page) > size for page in pages):
            return f"max-results={size} answered a page of {max(map(len, pages))}"
    return None


@probe("lifecycle.list.once")
def _list_once(target: Target) -> str | None:
    for _ in range(LISTED):
        target.create()
    for size, pages, _ in _walks(target):
        ids = _ids(pages)
        if len(ids) != len(set(ids)):
            return f"pages of {size} list {len(ids)} ids, {len(set(ids))} of them distinct"
    return None


@probe("lifecycle.list.ends")
def _list_ends(target: Target) -> str | None:
    for _ in range(LISTED):
        target.create()
    for size, pages, ended in _walks(target):
        if not ended:
            return f"pages of {size} still carry a NextToken after {len(pages)} pages"
    return None


@probe("lifecycle.delete.status")
def _delete_status(target: Target) -> str | None:
    status = target.delete(target.create()).status_code
    return None if status == 200 else f"DeleteWorkflow of a created id answered {status}"


@probe("lifecycle.delete.gone")
def _delete_gone(target: Target) -> str | None:
    workflow_id = target.create()
    target.delete(workflow_id)
    seen = error_of(target.get(workflow_id))
    return None if seen == NOT_FOUND else f"GetWorkflow after DeleteWorkflow answered {seen}"


@probe("lifecycle.delete.unlisted")
def _delete_unlisted(target: Target) -> str | None:
    created = [target.create() for _ in range(LISTED)]
    target.delete(created[1])
    for size, pages, _ in _walks(target):
        if created[1] in _ids(pages):
            return f"a deleted workflow is still on the pages of {size}"
    return None


def _unknown_ids() -> list[str]:
    return [uuid.uuid4().hex, "0" * 32]


@probe("lifecycle.get.unknown")
def _get_unknown(target: Target) -> str | None:
    for workflow_id in _unknown_ids():
        seen = error_of(target.get(workflow_id))
        if seen != NOT_FOUND:
            return f"GetWorkflow of {workflow_id}, never created, answered {seen}"
    return None


@probe("lifecycle.delete.unknown")
def _delete_unknown(target: Target) -> str | None:
    for workflow_id in _unknown_ids():
        seen = error_of(target.delete(workflow_id))
        if seen != NOT_FOUND:
            return f"DeleteWorkflow of {workflow_id}, never created, answered {seen}"
    return None


@probe("GetWorkflow.WorkflowId.pattern")
def _get_malformed(target: Target) -> str | None:
    target.create()
    for workflow_id in ("nope", "A" * 32, "g" * 32):  # no 32 lower-case hex digits anywhere
        seen = error_of(target.get(workflow_id))
        if seen != BAD_REQUEST:
            return f"GetWorkflow of the malformed {workflow_id!r} answered {seen}"
    return None


@probe("DeleteWorkflow.WorkflowId.maxLength")
def _delete_malformed(target: Target) -> str | None:
    target.create()
    seen = error_of(target.delete("a" * (DELETE_ID_MAX + 1)))
    return (
        None
        if seen == BAD_REQUEST
        else f"DeleteWorkflow of a {DELETE_ID_MAX + 1}-character id answered {seen}"
    )


# -- what holds beyond each answer ----------------------------------------------------------------------
AT_ONCE = 16  # creates the concurrency probe sends at the same time
SLACK = 5.0  # seconds a probe allows the server's clock around the moments it sent and was answered


def _out_of(names: tuple[str, ...], answer: dict[str, Any], low: float, high: float) -> str | None:
    for name in names:
        value = answer.get(name)
        if isinstance(value, int | float) and not low - SLACK <= value <= high + SLACK:
            return f"{name} {value} lies outside the {high - low:.1f} s in which the workflow was made"
    return None


@probe("lifecycle.create.concurrent")
def _create_concurrent(target: Target) -> str | None:
    url = f"{target.workflows}/integrations"

    def create(_: int) -> str:
        response = requests.post(url, json=VALID_BODY, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["WorkflowId"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(AT_ONCE)))
    distinct = len(set(ids))
    return None if distinct == AT_ONCE else f"{AT_ONCE} creates at once got {distinct} distinct WorkflowIds"


@probe("lifecycle.get.times")
def _get_times(target: Target) -> str | None:
    before = time.time()
    _, answer = target.described()
    return _out_of(("StartDate", "LastUpdatedAt"), answer or {}, before, time.time())


@probe("lifecycle.list.times")
def _list_times(target: Target) -> str | None:
    before = time.time()
    created = {target.create() for _ in range(LISTED)}
    after = time.time()
    pages, _ = target.pages(LARGEST_PAGE, limit=3)
    for item in (item for page in pages for item in page if item["WorkflowId"] in created):
        found = _out_of(("CreatedAt", "LastUpdatedAt"), item, before, after)
        if found is not None:
            return f"ListWorkflows: {found}"
    return None


def _listed(target: Target, filters: dict[str, Any]) -> list[dict[str, Any]]:
    response = target.session.post(target.workflows, params={"max-results": LARGEST_PAGE}, json=filters)
    assert response.status_code == 200, response.text
    return response.json()["Items"]


@probe("lifecycle.list.filters")
def _list_filters(target: Target) -> str | None:
    created = {target.create() for _ in range(LISTED)}
    for status in STATUSES:
        other = [item["Status"] for item in _listed(target, {"Status": status}) if item["Status"] != status]
        if other:
            return f"under the filter Status {status}, {len(other)} items have Status {other[0]}"
    ahead = [
        i for i in _listed(target, {"QueryStartDate": time.time() + 86_400}) if i["WorkflowId"] in created
    ]
    return f"under a QueryStartDate a day ahead, {len(ahead)} new workflows are listed" if ahead else None


@probe("lifecycle.rejected.untraced")
def _rejected_untraced(target: Target) -> str | None:
    before = {item["WorkflowId"] for item in _listed(target, {})}
    response = target.session.post(f"{target.workflows}/integrations", json=with_member("RoleArn", "nope"))
    left = [item["WorkflowId"] for item in _listed(target, {}) if item["WorkflowId"] not in before]
    return f"a create answered {response.status_code} left workflow {left[0]}" if left else None


# -- running them --------------------------------------------------------------------------------------------
@contextmanager
def probing(service: ReferenceService) -> Iterator[Target]:
    with start_server(service) as server, requests.Session() as session:
        yield Target(server, session)


def deviations(build: Callable[[], ReferenceService]) -> dict[str, str]:
    """What each probe saw wrong, each against a fresh service from ``build``."""
    seen: dict[str, str] = {}
    for name, run in PROBES.items():
        with probing(build()) as target:
            found = run(target)
        if found is not None:
            seen[name] = found
    return seen


def _model_has(constraint_id: str) -> bool:
    """Whether ``<Operation>[.Response].<path>.<kind>`` is a constraint of botocore's model."""
    operation, *path, kind = constraint_id.split(".")
    model = MODEL.operation_model(operation)
    shape, parent = model.input_shape, None
    if path[:1] == ["Response"]:
        shape, path = model.output_shape, path[1:]
    for part in path:
        name = part.removesuffix("[]")
        if name not in shape.members:
            return False
        parent, shape = shape, shape.members[name]
        if part.endswith("[]"):
            shape = shape.member
    meta = shape.metadata
    return {
        "type": True,
        "required": parent is not None and path[-1] in parent.required_members,
        "enum": "enum" in meta,
        "pattern": "pattern" in meta,
        "maxLength": shape.type_name == "string" and "max" in meta,
        "minLength": shape.type_name == "string" and "min" in meta,
    }.get(kind, False)


def test_each_property_has_a_mutant_in_the_zoo() -> None:
    assert all(mutant in ALL_MUTANTS and mutant.category == "lifecycle" for mutant in LIFECYCLE_MUTANTS)
    assert {mutant.breaks for mutant in LIFECYCLE_MUTANTS} == set(PROBES)
    assert set(ALSO) <= {mutant.name for mutant in LIFECYCLE_MUTANTS}


def test_what_a_mutant_breaks_in_the_model_is_a_constraint_of_the_model() -> None:
    shapes = [mutant.breaks for mutant in LIFECYCLE_MUTANTS if not mutant.breaks.startswith("lifecycle.")]
    assert shapes and all(_model_has(constraint_id) for constraint_id in shapes), shapes
    assert not _model_has("GetWorkflow.Response.Status.pattern")
    assert not _model_has("ListWorkflows.Response.Items[].NoSuchMember.required")


@pytest.mark.parametrize("mutant", LIFECYCLE_MUTANTS, ids=lambda mutant: mutant.name)
def test_the_mutant_still_validates_creates(mutant: Mutant) -> None:
    """Otherwise the reference: a valid create gets 200 and an id, an invalid one 400 naming what it
    breaks, an unknown domain 404."""
    with probing(mutant.service()) as target:
        workflow_id = target.create()
        assert len(workflow_id) == 32 and int(workflow_id, 16) >= 0
        url = f"{target.workflows}/integrations"
        message = assert_error(target.session.post(url, json=with_member("RoleArn", "nope")), *BAD_REQUEST)
        assert "RoleArn.pattern" in message
        other = target.workflows.replace(f"/domains/{DOMAIN}/", "/domains/no-such-domain/")
        assert_error(target.session.post(f"{other}/integrations", json=VALID_BODY), *NOT_FOUND)


@pytest.mark.parametrize("mutant", LIFECYCLE_MUTANTS, ids=lambda mutant: mutant.name)
def test_the_mutant_deviates_as_it_says_and_in_no_other_way(mutant: Mutant) -> None:
    seen = deviations(mutant.service)
    assert mutant.breaks in seen, f"{mutant.name!r} does not break {mutant.breaks}: {seen}"
    assert set(seen) == {mutant.breaks} | ALSO.get(mutant.name, set()), seen


def test_the_reference_shows_none_of_the_deviations() -> None:
    assert deviations(lambda: ReferenceService(domains=[DOMAIN])) == {}


def test_probes_see_the_long_role_arn_the_reference_leaves_out() -> None:
    """The RoleArn probes mean something only if the reference omits an ARN too long for the output and
    answers every other one: a probe that never saw a RoleArn would pass everything."""
    with probing(ReferenceService(domains=[DOMAIN])) as target:
        answered = {
            length: _attributes(target.described(with_member("RoleArn", _role_arn(length)))[1]).get("RoleArn")
            for length in ROLE_LENGTHS
        }
    assert {length for length, role in answered.items() if role is None} == {ROLE_ARN_MAX + 1, 512}
    assert all(answered[length] == _role_arn(length) for length in ROLE_LENGTHS if length <= ROLE_ARN_MAX)
