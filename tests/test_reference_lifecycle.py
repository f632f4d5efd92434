"""The reference's workflow lifecycle (ListWorkflows, GetWorkflow, DeleteWorkflow) answers as botocore's
copy of the official model says: bindings, constraints, output shapes and errors.

Every bound, pattern and enum here is read from the model, never written down, and answers are judged
by ``output_problems``, a validator of this file's own (not the reference's ``shape_violations``), so
that the two can't share a misreading.  The last tests send through botocore's own client, which
validates parameters and parses answers as an SDK user's code would.
"""

from __future__ import annotations

import http.client
import json
import math
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import botocore.config
import botocore.exceptions
import botocore.session
import pytest
import requests

from conformance.reference import ReferenceService, start_server
from conformance.reference.server import RunningServer
from conformance.spec import patterns
from tests.test_reference import VALID_BODY, assert_error, with_member

DOMAIN = "lifecycle-domain"
OTHER_DOMAIN = "other-domain"
MODEL = botocore.session.get_session().get_service_model("customer-profiles")
LIST = MODEL.operation_model("ListWorkflows")
GET = MODEL.operation_model("GetWorkflow")
DELETE = MODEL.operation_model("DeleteWorkflow")
MAX_RESULTS = LIST.input_shape.members["MaxResults"].metadata
NEXT_TOKEN = LIST.input_shape.members["NextToken"].metadata
STATUSES = LIST.input_shape.members["Status"].enum
APPFLOW_ATTRIBUTES = GET.output_shape.members["Attributes"].members["AppflowIntegration"]
SOURCE_FLOW = ("IntegrationConfig", "AppflowIntegration", "FlowDefinition", "SourceFlowConfig")


# -- an output validator of the test's own -----------------------------------------------------------
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "timestamp": (int, float),
    "boolean": (bool,),
    "structure": (dict,),
    "list": (list,),
}


def output_problems(shape: Any, value: Any, where: str = "$") -> list[str]:
    """What in an answer breaks its output shape: types (timestamps as JSON numbers), required members,
    no members the shape lacks, lengths, ranges, enums, and patterns matched as a whole string."""
    types = _JSON_TYPES[shape.type_name]
    if not isinstance(value, types) or isinstance(value, bool) != (bool in types):
        return [f"{where}: {value!r} is no {shape.type_name}"]
    meta, problems = shape.metadata, []
    if shape.type_name == "structure":
        problems += [
            f"{where}.{name}: required, absent" for name in shape.required_members if name not in value
        ]
        problems += [f"{where}.{name}: not in {shape.name}" for name in value if name not in shape.members]
        for name, item in value.items():
            if name in shape.members:
                problems += output_problems(shape.members[name], item, f"{where}.{name}")
        return problems
    if shape.type_name == "list":
        for index, item in enumerate(value):
            problems += output_problems(shape.member, item, f"{where}[{index}]")
        return problems
    size = len(value) if isinstance(value, str) else value
    if "min" in meta and size < meta["min"] or "max" in meta and size > meta["max"]:
        problems.append(f"{where}: {size} is outside {meta.get('min')}..{meta.get('max')}")
    if "enum" in meta and value not in meta["enum"]:
        problems.append(f"{where}: {value!r} is not one of {meta['enum']}")
    if "pattern" in meta and not patterns.matches(meta["pattern"], value, fullmatch=True):
        problems.append(f"{where}: {value!r} does not match {meta['pattern']!r} as a whole")
    return problems


def test_the_validator_catches_what_it_should() -> None:
    item = LIST.output_shape.members["Items"].member
    good = {
        "WorkflowType": "APPFLOW_INTEGRATION",
        "WorkflowId": "w",
        "Status": "NOT_STARTED",
        "StatusDescription": "d",
        "CreatedAt": 1.5,
        "LastUpdatedAt": 2,
    }
    assert output_problems(item, good) == []
    broken = {**good, "Status": "DONE", "CreatedAt": "2024-01-01", "Extra": 1}
    del broken["StatusDescription"]
    assert len(output_problems(item, broken)) == 4
    assert output_problems(GET.output_shape, {"WorkflowId": "A" * 32}) != []


# -- fixtures and helpers -----------------------------------------------------------------------------
@pytest.fixture()
def server() -> Iterator[RunningServer]:
    """A server of its own for each test: listings must see only the test's own workflows."""
    with start_server(ReferenceService(domains=[DOMAIN, OTHER_DOMAIN])) as running:
        yield running


@pytest.fixture()
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def workflows_url(server: RunningServer, domain: str = DOMAIN) -> str:
    return f"{server.url}/domains/{quote(domain, safe='')}/workflows"


def workflow_url(server: RunningServer, workflow_id: str, domain: str = DOMAIN) -> str:
    return f"{workflows_url(server, domain)}/{quote(workflow_id, safe='')}"


def create(session: requests.Session, server: RunningServer, count: int = 1, **kwargs: Any) -> list[str]:
    url = f"{workflows_url(server, kwargs.pop('domain', DOMAIN))}/integrations"
    body = kwargs.pop("body", VALID_BODY)
    ids = []
    for _ in range(count):
        response = session.post(url, json=body)
        assert response.status_code == 200, response.text
        ids.append(response.json()["WorkflowId"])
    return ids


def list_page(
    session: requests.Session,
    server: RunningServer,
    params: dict[str, Any] | None = None,
    body: Any = None,
    domain: str = DOMAIN,
) -> dict[str, Any]:
    """One 200 page of ListWorkflows, checked against the model's output shape."""
    response = session.post(workflows_url(server, domain), params=params, json={} if body is None else body)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    page = response.json()
    assert output_problems(LIST.output_shape, page) == []
    return page


def list_all(
    session: requests.Session, server: RunningServer, max_results: int | None = None, body: Any = None
) -> list[list[str]]:
    """Every page's WorkflowIds, following NextToken to the end."""
    pages: list[list[str]] = []
    params: dict[str, Any] = {} if max_results is None else {"max-results": max_results}
    while True:
        page = list_page(session, server, params, body)
        pages.append([item["WorkflowId"] for item in page["Items"]])
        assert len(pages) <= 1000, "pagination does not end"
        if "NextToken" not in page:
            return pages
        params["next-token"] = page["NextToken"]


def listed(session: requests.Session, server: RunningServer, body: Any = None) -> list[str]:
    return [workflow_id for page in list_all(session, server, body=body) for workflow_id in page]


def list_error(
    session: requests.Session, server: RunningServer, status: int, error_type: str, **kwargs: Any
) -> str:
    kwargs.setdefault("json", {})
    return assert_error(session.post(workflows_url(server), **kwargs), status, error_type)


# -- ListWorkflows ------------------------------------------------------------------------------------
def test_list_binds_as_the_model_says() -> None:
    assert (LIST.http["method"], LIST.http["requestUri"]) == ("POST", "/domains/{DomainName}/workflows")
    query = {n: m.serialization["name"] for n, m in LIST.input_shape.members.items() if m.serialization}
    assert query == {"DomainName": "DomainName", "NextToken": "next-token", "MaxResults": "max-results"}


def test_an_empty_domain_lists_nothing(server: RunningServer, session: requests.Session) -> None:
    create(session, server, 2, domain=OTHER_DOMAIN)
    assert list_page(session, server) == {"Items": []}


def test_every_workflow_is_listed_once_in_creation_order(
    server: RunningServer, session: requests.Session
) -> None:
    ids = create(session, server, 5)
    page = list_page(session, server)
    assert [item["WorkflowId"] for item in page["Items"]] == ids and "NextToken" not in page
    for item in page["Items"]:
        assert item["Status"] in STATUSES and item["WorkflowType"] == "APPFLOW_INTEGRATION"
        assert item["CreatedAt"] <= item["LastUpdatedAt"] <= time.time()


def test_a_list_without_a_body_is_a_list_without_filters(
    server: RunningServer, session: requests.Session
) -> None:
    ids = create(session, server, 2)
    response = session.post(workflows_url(server))  # no body, no Content-Type
    assert response.status_code == 200, response.text
    assert [item["WorkflowId"] for item in response.json()["Items"]] == ids


@pytest.mark.parametrize("max_results", [1, 2, 3, 5, MAX_RESULTS["max"]])
def test_pages_hold_each_workflow_exactly_once_then_end(
    server: RunningServer, session: requests.Session, max_results: int
) -> None:
    ids = create(session, server, 5)
    pages = list_all(session, server, max_results)
    assert [workflow_id for page in pages for workflow_id in page] == ids
    assert len(pages) == math.ceil(len(ids) / max_results)
    assert all(len(page) == max_results for page in pages[:-1]) and 0 < len(pages[-1]) <= max_results


def test_a_full_last_page_carries_no_token(server: RunningServer, session: requests.Session) -> None:
    create(session, server, 4)
    assert [len(page) for page in list_all(session, server, 2)] == [2, 2]


def test_pages_stay_exact_while_workflows_come_and_go(
    server: RunningServer, session: requests.Session
) -> None:
    ids = create(session, server, 4)
    first = list_page(session, server, {"max-results": 2})
    assert [item["WorkflowId"] for item in first["Items"]] == ids[:2]
    assert session.delete(workflow_url(server, ids[2])).status_code == 200
    assert session.delete(workflow_url(server, ids[0])).status_code == 200  # already seen
    (later,) = create(session, server)
    rest = list_page(session, server, {"max-results": 2, "next-token": first["NextToken"]})
    assert [item["WorkflowId"] for item in rest["Items"]] == [ids[3], later]
    assert "NextToken" not in rest


def test_a_token_can_be_used_again(server: RunningServer, session: requests.Session) -> None:
    create(session, server, 3)
    token = list_page(session, server, {"max-results": 1})["NextToken"]
    again = [list_page(session, server, {"max-results": 1, "next-token": token}) for _ in range(2)]
    assert again[0] == again[1]


@pytest.mark.parametrize("max_results", [MAX_RESULTS["min"], MAX_RESULTS["max"]], ids=["min", "max"])
def test_max_results_at_its_bounds_is_accepted(
    server: RunningServer, session: requests.Session, max_results: int
) -> None:
    create(session, server, 2)
    assert len(list_page(session, server, {"max-results": max_results})["Items"]) == min(2, max_results)


@pytest.mark.parametrize(
    ("value", "constraint"),
    [
        (str(MAX_RESULTS["min"] - 1), "minimum"),
        (str(MAX_RESULTS["max"] + 1), "maximum"),
        ("-1", "minimum"),
        ("9" * 30, "maximum"),
        ("abc", "type"),
        ("", "type"),
        ("1.5", "type"),
        ("1.0", "type"),
        ("1e1", "type"),
        ("0x10", "type"),
        (" 5", "type"),
        ("\u0665", "type"),  # an Arabic-Indic five: a digit to str.isdigit, not to Smithy
        (["1", "2"], "type"),  # given twice
    ],
)
def test_bad_max_results_is_bad_request(
    server: RunningServer, session: requests.Session, value: Any, constraint: str
) -> None:
    message = list_error(session, server, 400, "BadRequestException", params={"max-results": value})
    assert f"ListWorkflows.MaxResults.{constraint}" in message


def test_bad_max_results_on_an_unknown_domain_is_still_bad_request(
    server: RunningServer, session: requests.Session
) -> None:
    url = workflows_url(server, "no-such-domain")
    assert_error(session.post(url, params={"max-results": "0"}, json={}), 400, "BadRequestException")
    assert_error(session.post(url, json={}), 404, "ResourceNotFoundException")


def test_other_query_parameters_are_ignored(server: RunningServer, session: requests.Session) -> None:
    ids = create(session, server, 2)
    page = list_page(session, server, {"maxResults": "0", "nextToken": "x", "max-results": "1"})
    assert [item["WorkflowId"] for item in page["Items"]] == ids[:1]


def _issued_token(session: requests.Session, server: RunningServer, body: Any = None) -> str:
    create(session, server, 2)
    return list_page(session, server, {"max-results": 1}, body)["NextToken"]


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1",
        "1.0123456789abcdef0123456789abcdef",
        "-1.x",
        "\u00e9" * 10,
        "x" * NEXT_TOKEN["max"],  # as long as the model allows: well-formed, but never issued
    ],
)
def test_a_token_the_service_did_not_issue_is_bad_request(
    server: RunningServer, session: requests.Session, token: str
) -> None:
    create(session, server, 2)
    message = list_error(session, server, 400, "BadRequestException", params={"next-token": token})
    assert "ListWorkflows.NextToken.issued" in message


@pytest.mark.parametrize(
    ("token", "constraint"),
    [("", "minLength"), ("x" * (NEXT_TOKEN["max"] + 1), "maxLength"), (["a", "b"], "type")],
)
def test_a_malformed_token_is_bad_request(
    server: RunningServer, session: requests.Session, token: Any, constraint: str
) -> None:
    message = list_error(session, server, 400, "BadRequestException", params={"next-token": token})
    assert f"ListWorkflows.NextToken.{constraint}" in message


def test_a_token_is_bound_to_its_domain_filters_and_server(
    server: RunningServer, session: requests.Session
) -> None:
    token = _issued_token(session, server)
    create(session, server, 2, domain=OTHER_DOMAIN)
    other = session.post(workflows_url(server, OTHER_DOMAIN), params={"next-token": token}, json={})
    assert_error(other, 400, "BadRequestException")
    filtered = {"next-token": token}
    list_error(session, server, 400, "BadRequestException", params=filtered, json={"Status": "NOT_STARTED"})
    with start_server(ReferenceService(domains=[DOMAIN])) as restarted, requests.Session() as s:
        create(s, restarted, 2)
        assert_error(s.post(workflows_url(restarted), params=filtered, json={}), 400, "BadRequestException")


def test_filters_select_workflows(server: RunningServer, session: requests.Session) -> None:
    ids = create(session, server, 3)
    items = list_page(session, server)["Items"]
    second_created = items[1]["CreatedAt"]
    assert listed(session, server, {"Status": "NOT_STARTED"}) == ids
    assert listed(session, server, {"WorkflowType": "APPFLOW_INTEGRATION"}) == ids
    assert listed(session, server, {"Status": next(s for s in STATUSES if s != "NOT_STARTED")}) == []
    assert listed(session, server, {"QueryStartDate": second_created}) == ids[1:]
    assert listed(session, server, {"QueryEndDate": second_created}) == ids[:2]
    window = {"QueryStartDate": second_created, "QueryEndDate": second_created}
    assert listed(session, server, window) == [ids[1]]
    assert listed(session, server, {"QueryStartDate": int(time.time()) + 3600}) == []
    assert listed(session, server, {"Status": None, "QueryEndDate": None}) == ids  # null is absent
    assert listed(session, server, {"Unknown": 1}) == ids


def test_filtered_pages_hold_each_match_once(server: RunningServer, session: requests.Session) -> None:
    ids = create(session, server, 5)
    start = list_page(session, server)["Items"][2]["CreatedAt"]
    pages = list_all(session, server, 1, {"QueryStartDate": start, "Status": "NOT_STARTED"})
    assert pages == [[workflow_id] for workflow_id in ids[2:]]


@pytest.mark.parametrize(
    ("body", "constraint"),
    [
        ({"Status": "DONE"}, "ListWorkflows.Status.enum"),
        ({"Status": "not_started"}, "ListWorkflows.Status.enum"),
        ({"Status": 1}, "ListWorkflows.Status.type"),
        ({"WorkflowType": "OTHER"}, "ListWorkflows.WorkflowType.enum"),
        ({"WorkflowType": ["APPFLOW_INTEGRATION"]}, "ListWorkflows.WorkflowType.type"),
        ({"QueryStartDate": "2024-01-01T00:00:00Z"}, "ListWorkflows.QueryStartDate.type"),
        ({"QueryStartDate": "1704067200"}, "ListWorkflows.QueryStartDate.type"),
        ({"QueryEndDate": "Mon, 01 Jan 2024 00:00:00 GMT"}, "ListWorkflows.QueryEndDate.type"),
        ({"QueryEndDate": True}, "ListWorkflows.QueryEndDate.type"),
        ([], "ListWorkflows.Body.type"),
        ("filters", "ListWorkflows.Body.type"),
    ],
)
def test_bad_filters_are_bad_request(
    server: RunningServer, session: requests.Session, body: Any, constraint: str
) -> None:
    assert constraint in list_error(session, server, 400, "BadRequestException", json=body)


@pytest.mark.parametrize("raw", [b"{", b'{"Status": "NOT_STARTED",}', b"NaN", b'{"QueryStartDate": 1e400}'])
def test_a_body_that_is_no_json_is_bad_request(
    server: RunningServer, session: requests.Session, raw: bytes
) -> None:
    headers = {"Content-Type": "application/json"}
    message = list_error(session, server, 400, "BadRequestException", data=raw, headers=headers, json=None)
    assert "Body.json" in message


def test_list_domains_are_judged_as_create_judges_them(
    server: RunningServer, session: requests.Session
) -> None:
    assert_error(
        session.post(workflows_url(server, "no-such-domain"), json={}), 404, "ResourceNotFoundException"
    )
    message = assert_error(
        session.post(workflows_url(server, "bad name"), json={}), 400, "BadRequestException"
    )
    assert "DomainName.pattern" in message


def test_list_takes_json_only(server: RunningServer, session: requests.Session) -> None:
    response = session.post(workflows_url(server), data=b"{}", headers={"Content-Type": "text/plain"})
    assert_error(response, 415, "UnsupportedMediaTypeException")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_on_the_list_path_are_not_allowed(
    server: RunningServer, session: requests.Session, method: str
) -> None:
    response = session.request(method, workflows_url(server), params={"max-results": "1"})
    assert_error(response, 405, "MethodNotAllowedException")
    assert response.headers["Allow"] == "POST"


def test_create_still_ignores_the_query_string(server: RunningServer, session: requests.Session) -> None:
    url = f"{workflows_url(server)}/integrations"
    response = session.post(url, params={"max-results": "abc", "next-token": ""}, json=VALID_BODY)
    assert response.status_code == 200, response.text
    assert listed(session, server) == [response.json()["WorkflowId"]]


def test_an_absolute_form_target_keeps_its_query(server: RunningServer, session: requests.Session) -> None:
    create(session, server, 3)
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        target = f"{workflows_url(server)}?max-results=1"
        connection.request("POST", target, b"{}", {"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200
        page = json.loads(response.read())
        assert len(page["Items"]) == 1 and "NextToken" in page
    finally:
        connection.close()


# -- GetWorkflow ----------------------------------------------------------------------------------------
def _described(session: requests.Session, server: RunningServer, body: Any) -> dict[str, Any]:
    (workflow_id,) = create(session, server, body=body)
    response = session.get(workflow_url(server, workflow_id))
    assert response.status_code == 200, response.text
    described = response.json()
    assert output_problems(GET.output_shape, described) == []
    assert described["WorkflowId"] == workflow_id
    return described["Attributes"]["AppflowIntegration"]


def _with_source(name: str, value: Any) -> dict[str, Any]:
    return with_member(".".join((*SOURCE_FLOW, name)), value)


def test_get_conforms_and_echoes_the_request(server: RunningServer, session: requests.Session) -> None:
    attributes = _described(session, server, _with_source("ConnectorProfileName", "my-profile"))
    assert attributes == {
        "SourceConnectorType": "Salesforce",
        "ConnectorProfileName": "my-profile",
        "RoleArn": VALID_BODY["RoleArn"],
    }


def test_get_answers_a_conforming_profile_name_when_the_request_had_none(
    server: RunningServer, session: requests.Session
) -> None:
    assert "ConnectorProfileName" in APPFLOW_ATTRIBUTES.required_members
    source = VALID_BODY
    for step in SOURCE_FLOW:
        source = source[step]
    assert "ConnectorProfileName" not in source
    attributes = _described(session, server, VALID_BODY)
    assert attributes["ConnectorProfileName"] and attributes["SourceConnectorType"] == "Salesforce"


def test_get_leaves_out_a_role_arn_too_long_for_its_output(
    server: RunningServer, session: requests.Session
) -> None:
    longest = APPFLOW_ATTRIBUTES.members["RoleArn"].metadata["max"]
    prefix = "arn:aws:iam::123456789012:role/"
    role_arn = prefix + "r" * (longest + 1 - len(prefix))  # valid input (up to 512), too long for output
    attributes = _described(session, server, with_member("RoleArn", role_arn))
    assert "RoleArn" not in attributes


def test_get_answers_every_connector_type(server: RunningServer, session: requests.Session) -> None:
    for connector_type in APPFLOW_ATTRIBUTES.members["SourceConnectorType"].enum:
        attributes = _described(session, server, _with_source("ConnectorType", connector_type))
        assert attributes["SourceConnectorType"] == connector_type


def test_workflow_ids_have_the_model_constraints() -> None:
    get_id, delete_id = (op.input_shape.members["WorkflowId"] for op in (GET, DELETE))
    assert get_id.metadata == {"pattern": "[a-f0-9]{32}"}
    assert delete_id.metadata == {"min": 1, "max": 255}


@pytest.mark.parametrize("workflow_id", ["nope", "integrations", "A" * 32, "a" * 31, "g" * 32])
def test_get_of_a_malformed_id_is_bad_request(
    server: RunningServer, session: requests.Session, workflow_id: str
) -> None:
    message = assert_error(session.get(workflow_url(server, workflow_id)), 400, "BadRequestException")
    assert "GetWorkflow.WorkflowId.pattern" in message


def test_get_id_pattern_follows_the_pattern_reading(session: requests.Session) -> None:
    # Smithy searches an unanchored pattern: "x" + 32 hex digits is well-formed (so unknown: 404) when
    # read so, and malformed (400) for a target that matches whole strings.
    search_only = "x" + uuid.uuid4().hex
    for semantics, status, error_type in (
        ("search", 404, "ResourceNotFoundException"),
        ("fullmatch", 400, "BadRequestException"),
    ):
        with start_server(ReferenceService(domains=[DOMAIN], semantics=semantics)) as running:
            assert_error(session.get(workflow_url(running, search_only)), status, error_type)


def test_get_and_delete_of_an_unknown_id_are_not_found(
    server: RunningServer, session: requests.Session
) -> None:
    create(session, server, 1)
    unknown = uuid.uuid4().hex
    for method in ("GET", "DELETE"):
        response = session.request(method, workflow_url(server, unknown))
        assert_error(response, 404, "ResourceNotFoundException")


def test_lifecycle_domains_are_judged(server: RunningServer, session: requests.Session) -> None:
    (workflow_id,) = create(session, server)
    for method in ("GET", "DELETE"):
        url = workflow_url(server, workflow_id, "no-such-domain")
        assert_error(session.request(method, url), 404, "ResourceNotFoundException")
        url = workflow_url(server, workflow_id, OTHER_DOMAIN)  # exists, but holds no such workflow
        assert_error(session.request(method, url), 404, "ResourceNotFoundException")
        assert_error(
            session.request(method, workflow_url(server, workflow_id, "a b")), 400, "BadRequestException"
        )


# -- DeleteWorkflow -------------------------------------------------------------------------------------
def test_delete_removes_the_workflow_from_get_and_list(
    server: RunningServer, session: requests.Session
) -> None:
    ids = create(session, server, 3)
    deleted = session.delete(workflow_url(server, ids[1]))
    assert (deleted.status_code, deleted.json()) == (200, {})
    assert output_problems(DELETE.output_shape, deleted.json()) == []
    assert_error(session.get(workflow_url(server, ids[1])), 404, "ResourceNotFoundException")
    assert_error(session.delete(workflow_url(server, ids[1])), 404, "ResourceNotFoundException")
    assert listed(session, server) == [ids[0], ids[2]]


def test_delete_ids_are_judged_by_deletes_own_shape(server: RunningServer, session: requests.Session) -> None:
    longest = DELETE.input_shape.members["WorkflowId"].metadata["max"]
    too_long = session.delete(workflow_url(server, "x" * (longest + 1)))
    assert "DeleteWorkflow.WorkflowId.maxLength" in assert_error(too_long, 400, "BadRequestException")
    for well_formed in ("nope", "x" * longest):  # no pattern: malformed for GetWorkflow, not here
        assert_error(session.delete(workflow_url(server, well_formed)), 404, "ResourceNotFoundException")


def test_an_empty_id_routes_nowhere(server: RunningServer, session: requests.Session) -> None:
    for method in ("GET", "DELETE"):
        assert_error(session.request(method, f"{workflows_url(server)}/"), 404, "UnknownOperationException")


# -- a decision is one method ---------------------------------------------------------------------------
def test_a_mutant_overrides_one_lifecycle_decision(session: requests.Session) -> None:
    class AlwaysFailed(ReferenceService):
        def workflow_status(self, record: Any) -> str:
            return "FAILED"

    class PagesOfOne(ReferenceService):
        def page_size(self, parameters: dict[str, Any]) -> int:
            return 1

    with start_server(AlwaysFailed(domains=[DOMAIN])) as running:
        ids = create(session, running, 2)
        assert listed(session, running, {"Status": "FAILED"}) == ids
        assert session.get(workflow_url(running, ids[0])).json()["Status"] == "FAILED"
    with start_server(PagesOfOne(domains=[DOMAIN])) as running:
        ids = create(session, running, 3)
        assert list_all(session, running) == [[workflow_id] for workflow_id in ids]


# -- botocore's own client ------------------------------------------------------------------------------
def botocore_client(server: RunningServer, **config: Any) -> Any:
    return botocore.session.get_session().create_client(
        "customer-profiles",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=botocore.config.Config(retries={"max_attempts": 1}, **config),
    )


def test_botocore_lists_pages_gets_and_deletes(server: RunningServer) -> None:
    client = botocore_client(server)
    ids = [
        client.create_integration_workflow(DomainName=DOMAIN, **VALID_BODY)["WorkflowId"] for _ in range(5)
    ]
    seen: list[str] = []
    kwargs: dict[str, Any] = {"DomainName": DOMAIN, "MaxResults": 2, "Status": "NOT_STARTED"}
    for _ in range(10):  # botocore has no paginator for ListWorkflows: follow NextToken by hand
        page = client.list_workflows(**kwargs)
        assert len(page["Items"]) <= 2
        seen += [item["WorkflowId"] for item in page["Items"]]
        assert all(item["CreatedAt"].year >= 2024 for item in page["Items"])  # parsed as timestamps
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ids
    since = client.list_workflows(DomainName=DOMAIN)["Items"][3]["CreatedAt"]
    later = client.list_workflows(DomainName=DOMAIN, QueryStartDate=since)["Items"]
    assert [item["WorkflowId"] for item in later][-1] == ids[-1]

    workflow = client.get_workflow(DomainName=DOMAIN, WorkflowId=ids[0])
    assert workflow["Status"] == "NOT_STARTED" and workflow["LastUpdatedAt"].year >= 2024
    assert workflow["Attributes"]["AppflowIntegration"]["SourceConnectorType"] == "Salesforce"
    assert (
        client.delete_workflow(DomainName=DOMAIN, WorkflowId=ids[0])["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_workflow(DomainName=DOMAIN, WorkflowId=ids[0])
    assert [item["WorkflowId"] for item in client.list_workflows(DomainName=DOMAIN)["Items"]] == ids[1:]


def test_botocore_sees_the_documented_errors(server: RunningServer) -> None:
    client = botocore_client(server)
    with pytest.raises(botocore.exceptions.ParamValidationError):
        client.list_workflows(DomainName=DOMAIN, MaxResults=MAX_RESULTS["min"] - 1)  # checked client-side
    unchecked = botocore_client(server, parameter_validation=False)
    with pytest.raises(unchecked.exceptions.BadRequestException) as raised:
        unchecked.list_workflows(DomainName=DOMAIN, MaxResults=MAX_RESULTS["max"] + 1)
    assert "ListWorkflows.MaxResults.maximum" in raised.value.response["Error"]["Message"]
    with pytest.raises(client.exceptions.BadRequestException):
        client.list_workflows(DomainName=DOMAIN, NextToken="not-issued")
    with pytest.raises(client.exceptions.BadRequestException):
        client.get_workflow(DomainName=DOMAIN, WorkflowId="nope")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_workflow(DomainName=DOMAIN, WorkflowId=uuid.uuid4().hex)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_workflows(DomainName="no-such-domain")
