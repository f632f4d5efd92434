"""spec/lifecycle: GetWorkflow, ListWorkflows and DeleteWorkflow as data, their drift from botocore's
model, the judges of their outputs and inputs, and how the coverage report counts lifecycle checks."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import botocore.serialize
import botocore.session
import pytest

from conformance.core.coverage import Coverage
from conformance.spec import load_contract, load_lifecycle, patterns
from conformance.spec.botocore_model import LIFECYCLE_PATH, lifecycle_drift, model_lifecycle
from conformance.spec.lifecycle import Lifecycle

LIFECYCLE = load_lifecycle()
FILE = json.loads(LIFECYCLE_PATH.read_text(encoding="utf-8"))
HEX_ID = "0123456789abcdef" * 2

CONFORMING_GET = {
    "WorkflowId": HEX_ID,
    "WorkflowType": "APPFLOW_INTEGRATION",
    "Status": "COMPLETE",
    "ErrorDescription": "none",
    "StartDate": 1700000000,
    "LastUpdatedAt": 1700000001.25,
    "Attributes": {
        "AppflowIntegration": {
            "SourceConnectorType": "Salesforce",
            "ConnectorProfileName": "profile/name@1",
            "RoleArn": "arn:aws:iam::123456789012:role/r",
        }
    },
    "Metrics": {"AppflowIntegration": {"RecordsProcessed": 10, "StepsCompleted": 1, "TotalSteps": 3}},
}
LIST_ITEM = {
    "WorkflowType": "APPFLOW_INTEGRATION",
    "WorkflowId": HEX_ID,
    "Status": "IN_PROGRESS",
    "StatusDescription": "running",
    "CreatedAt": 1700000000,
    "LastUpdatedAt": 1700000000.5,
}


def ids(violations: list) -> set[str]:
    return {v.constraint_id for v in violations}


def with_change(body: dict, dotted: str, value: Any) -> dict:
    """``body`` with the member at ``dotted`` (``Attributes.AppflowIntegration.RoleArn``) set, or removed
    when ``value`` is ``...``."""
    changed = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    holder = changed
    for key in parents:
        holder = holder[key]
    if value is ...:
        del holder[last]
    else:
        holder[last] = value
    return changed


# -- the file and the model -----------------------------------------------------------------------------
def test_lifecycle_json_is_what_the_botocore_model_derives() -> None:
    """Fails naming each constraint (or binding, input, error, member) that moved; rerun
    ``python -m conformance.spec.botocore_model --write`` once the change is understood."""
    problems = lifecycle_drift(FILE, model_lifecycle())
    assert not problems, "spec/lifecycle.json drifted from the botocore model:\n" + "\n".join(problems)


def test_drift_names_each_constraint_that_moved() -> None:
    model = copy.deepcopy(model_lifecycle())
    get, listing = model["operations"]["GetWorkflow"], model["operations"]["ListWorkflows"]
    pattern = next(c for c in get["constraints"] if c["id"] == "GetWorkflow.WorkflowId.pattern")
    pattern["value"] = "^[a-f0-9]{32}$"
    listing["constraints"] = [
        c for c in listing["constraints"] if c["id"] != "ListWorkflows.MaxResults.maximum"
    ]
    get["constraints"].append(
        {
            "id": "GetWorkflow.WorkflowId.maxLength",
            "path": "GetWorkflow.WorkflowId",
            "kind": "maxLength",
            "value": 32,
        }
    )
    listing["inputs"]["MaxResults"]["name"] = "maxResults"
    problems = lifecycle_drift(FILE, model)
    assert len(problems) == 4, problems
    assert any(
        p.startswith("GetWorkflow.WorkflowId.pattern: the model says '^[a-f0-9]{32}$'") for p in problems
    )
    assert any(
        p.startswith("ListWorkflows.MaxResults.maximum: in lifecycle.json, not in the model")
        for p in problems
    )
    assert any(p.startswith("GetWorkflow.WorkflowId.maxLength: in the model (32)") for p in problems)
    assert any(p.startswith("ListWorkflows.inputs: the model says") for p in problems)


def test_each_operation_has_its_constraints_with_readable_ids() -> None:
    per_operation = {name: 0 for name in LIFECYCLE.operations}
    for cid, record in LIFECYCLE.constraints.items():
        assert cid == f"{record['path']}.{record['kind']}"
        per_operation[cid.split(".", 1)[0]] += 1
    assert per_operation == {"GetWorkflow": 41, "ListWorkflows": 42, "DeleteWorkflow": 11}
    assert LIFECYCLE.constraint_ids() == list(LIFECYCLE.constraints)
    for example in (
        "GetWorkflow.WorkflowId.pattern",
        "GetWorkflow.DomainName.maxLength",
        "ListWorkflows.MaxResults.maximum",
        "ListWorkflows.NextToken.maxLength",
        "ListWorkflows.Status.enum",
        "DeleteWorkflow.WorkflowId.maxLength",
        "GetWorkflow.Response.type",
        "GetWorkflow.Response.Status.enum",
        "GetWorkflow.Response.Attributes.AppflowIntegration.SourceConnectorType.required",
        "ListWorkflows.Response.Items[].WorkflowId.type",
        "ListWorkflows.Response.NextToken.maxLength",
        "DeleteWorkflow.Response.type",
    ):
        assert example in LIFECYCLE.constraints, example
    # The ids of CreateIntegrationWorkflow's contract and the lifecycle's never meet.
    assert not set(LIFECYCLE.constraints) & set(load_contract().constraints)


def test_bindings_are_the_models() -> None:
    get, listing, delete = (
        LIFECYCLE.operations[n] for n in ("GetWorkflow", "ListWorkflows", "DeleteWorkflow")
    )
    assert (get.method, get.uri) == ("GET", "/domains/{DomainName}/workflows/{WorkflowId}")
    assert (listing.method, listing.uri) == ("POST", "/domains/{DomainName}/workflows")
    assert (delete.method, delete.uri) == ("DELETE", "/domains/{DomainName}/workflows/{WorkflowId}")
    assert listing.query == {"NextToken": "next-token", "MaxResults": "max-results"}
    assert listing.body == ("WorkflowType", "Status", "QueryStartDate", "QueryEndDate")
    assert get.labels == delete.labels == ("DomainName", "WorkflowId") and listing.labels == ("DomainName",)
    assert get.query == delete.query == {}
    for operation in (get, listing, delete):
        assert operation.success_status == 200
        assert operation.errors == {
            "BadRequestException": 400,
            "AccessDeniedException": 403,
            "ResourceNotFoundException": 404,
            "ThrottlingException": 429,
            "InternalServerException": 500,
        }
    assert LIFECYCLE.signing_name == "profile"


# -- paths ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("workflow_id", [HEX_ID, "a/b c%é~", "\U0001f44d+?#&", "..", "a" * 300])
def test_path_encodes_labels_as_botocore_does(workflow_id: str) -> None:
    model = botocore.session.get_session().get_service_model("customer-profiles")
    serializer = botocore.serialize.create_serializer("rest-json", include_validation=False)
    for name in ("GetWorkflow", "DeleteWorkflow"):
        sent = serializer.serialize_to_request(
            {"DomainName": "my-domain", "WorkflowId": workflow_id}, model.operation_model(name)
        )
        assert LIFECYCLE.operations[name].path("my-domain", workflow_id) == sent["url_path"]


def test_path_passes_lone_surrogates_and_needs_its_labels() -> None:
    get = LIFECYCLE.operations["GetWorkflow"]
    # botocore itself can't encode a lone surrogate; an id an untrusted target made up may hold one.
    assert get.path("d", "x\ud800/") == "/domains/d/workflows/x%ED%A0%80%2F"
    assert LIFECYCLE.operations["ListWorkflows"].path("d e", HEX_ID) == "/domains/d%20e/workflows"
    with pytest.raises(ValueError, match="WorkflowId"):
        get.path("d")


# -- output_violations ------------------------------------------------------------------------------------
def test_conforming_answers_pass() -> None:
    assert LIFECYCLE.output_violations("GetWorkflow", CONFORMING_GET) == []
    assert LIFECYCLE.output_violations("GetWorkflow", {}) == []  # nothing at its top is required
    assert LIFECYCLE.output_violations("GetWorkflow", {**CONFORMING_GET, "Unknown": [1, {"a": None}]}) == []
    listing = {"Items": [LIST_ITEM, {**LIST_ITEM, "WorkflowId": "not-hex-at-all"}], "NextToken": "t"}
    assert LIFECYCLE.output_violations("ListWorkflows", listing) == []
    assert LIFECYCLE.output_violations("ListWorkflows", {"Items": []}) == []
    assert LIFECYCLE.output_violations("DeleteWorkflow", {}) == []
    assert (
        LIFECYCLE.output_violations("GetWorkflow", {**CONFORMING_GET, "WorkflowId": uuid.uuid4().hex}) == []
    )


@pytest.mark.parametrize(
    ("member", "value", "expected"),
    [
        ("WorkflowId", "nope", "GetWorkflow.Response.WorkflowId.pattern"),
        ("WorkflowId", 12, "GetWorkflow.Response.WorkflowId.type"),
        ("WorkflowType", "APPFLOW", "GetWorkflow.Response.WorkflowType.enum"),
        ("Status", "complete", "GetWorkflow.Response.Status.enum"),
        ("Status", ["COMPLETE"], "GetWorkflow.Response.Status.type"),  # the enum isn't judged as well
        ("ErrorDescription", "", "GetWorkflow.Response.ErrorDescription.minLength"),
        ("ErrorDescription", "e" * 256, "GetWorkflow.Response.ErrorDescription.maxLength"),
        ("ErrorDescription", "\U0001f44d" * 256, "GetWorkflow.Response.ErrorDescription.maxLength"),
        ("StartDate", "1700000000", "GetWorkflow.Response.StartDate.type"),
        ("StartDate", "2023-11-14T22:13:20Z", "GetWorkflow.Response.StartDate.type"),
        ("StartDate", True, "GetWorkflow.Response.StartDate.type"),
        ("Attributes", [], "GetWorkflow.Response.Attributes.type"),
        (
            "Attributes.AppflowIntegration.SourceConnectorType",
            ...,
            "GetWorkflow.Response.Attributes.AppflowIntegration.SourceConnectorType.required",
        ),
        (
            "Attributes.AppflowIntegration.ConnectorProfileName",
            None,  # null reads as absent
            "GetWorkflow.Response.Attributes.AppflowIntegration.ConnectorProfileName.required",
        ),
        (
            "Attributes.AppflowIntegration.ConnectorProfileName",
            "a" * 257,
            "GetWorkflow.Response.Attributes.AppflowIntegration.ConnectorProfileName.maxLength",
        ),
        (
            "Attributes.AppflowIntegration.ConnectorProfileName",
            "   ",
            "GetWorkflow.Response.Attributes.AppflowIntegration.ConnectorProfileName.pattern",
        ),
        (
            "Attributes.AppflowIntegration.SourceConnectorType",
            "s3",
            "GetWorkflow.Response.Attributes.AppflowIntegration.SourceConnectorType.enum",
        ),
        (
            "Metrics.AppflowIntegration.RecordsProcessed",
            True,
            "GetWorkflow.Response.Metrics.AppflowIntegration.RecordsProcessed.type",
        ),
        (
            "Metrics.AppflowIntegration.TotalSteps",
            3.5,
            "GetWorkflow.Response.Metrics.AppflowIntegration.TotalSteps.type",
        ),
        (
            "Metrics.AppflowIntegration.StepsCompleted",
            "1",
            "GetWorkflow.Response.Metrics.AppflowIntegration.StepsCompleted.type",
        ),
    ],
)
def test_each_fault_of_a_get_answer_is_caught_with_its_id(member: str, value: Any, expected: str) -> None:
    violations = LIFECYCLE.output_violations("GetWorkflow", with_change(CONFORMING_GET, member, value))
    assert ids(violations) == {expected}
    (violation,) = violations
    assert "\n" not in violation.message and len(violation.message) < 200
    assert violation.location.startswith("Response")


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("StartDate", 1700000000.123456),  # epoch seconds with a fraction
        ("StartDate", 0),
        ("LastUpdatedAt", -1.5),
        ("WorkflowId", "x" + HEX_ID),  # patterns are searched, as the model says
        ("WorkflowId", HEX_ID + "\n"),
        ("Attributes.AppflowIntegration.ConnectorProfileName", "é"),  # a letter to Python's \w, not ECMA's
        ("Attributes.AppflowIntegration.ConnectorProfileName", "a" * 256),
        ("ErrorDescription", "\U0001f44d" * 255),  # code points, not UTF-16 units
        ("Metrics.AppflowIntegration.RecordsProcessed", 2**62),
        ("Attributes.AppflowIntegration.RoleArn", ...),
    ],
)
def test_values_a_correct_implementation_may_send_pass(member: str, value: Any) -> None:
    assert LIFECYCLE.output_violations("GetWorkflow", with_change(CONFORMING_GET, member, value)) == []


def test_a_violation_names_the_value_briefly_and_where_it_is() -> None:
    (violation,) = LIFECYCLE.output_violations("GetWorkflow", {"ErrorDescription": "\ud800" + "e" * 500})
    assert violation.constraint_id == "GetWorkflow.Response.ErrorDescription.maxLength"
    assert violation.location == "Response.ErrorDescription"
    assert "501 characters" in violation.message and "\\ud800" in violation.message
    assert len(violation.message) < 150
    violation.message.encode("utf-8")  # no lone surrogate left to trip an output


def test_list_answers_are_judged_item_by_item() -> None:
    items = [LIST_ITEM, LIST_ITEM, {**LIST_ITEM, "Status": "DONE", "CreatedAt": None}, None]
    violations = LIFECYCLE.output_violations("ListWorkflows", {"Items": items, "NextToken": ""})
    found = {(v.constraint_id, v.location) for v in violations}
    assert found == {
        ("ListWorkflows.Response.Items[].Status.enum", "Response.Items[2].Status"),
        ("ListWorkflows.Response.Items[].CreatedAt.required", "Response.Items[2]"),
        ("ListWorkflows.Response.Items[].type", "Response.Items[3]"),  # a null item is no item
        ("ListWorkflows.Response.NextToken.minLength", "Response.NextToken"),
    }
    assert ids(LIFECYCLE.output_violations("ListWorkflows", {"Items": {}})) == {
        "ListWorkflows.Response.Items.type"
    }


@pytest.mark.parametrize("body", [None, [], "", 0, True])
def test_an_answer_that_is_no_object_breaks_the_response_type_alone(body: Any) -> None:
    for name in LIFECYCLE.operations:
        assert ids(LIFECYCLE.output_violations(name, body)) == {f"{name}.Response.type"}


def constraint(path: str, kind: str, value: Any) -> dict:
    return {"id": f"{path}.{kind}", "path": path, "kind": kind, "value": value}


def member(path: str, shape_type: str) -> dict:
    return {"path": path, "shape": path, "type": shape_type, "location": "response"}


def test_sizes_ranges_and_maps_are_judged() -> None:
    """No lifecycle output has a bounded list, a map or a numeric range; an operation made up for the
    test shows that the judge reads them all the same."""
    root = "Made.Response"
    data = {
        "service": "s",
        "signing_name": "s",
        "operations": {
            "Made": {
                "http": {"method": "GET", "uri": "/made"},
                "success": {"status": 200},
                "inputs": {},
                "errors": [],
                "members": [
                    member(root, "structure"),
                    member(f"{root}.List", "list"),
                    member(f"{root}.List[]", "integer"),
                    member(f"{root}.Map", "map"),
                    member(f"{root}.Map.<key>", "string"),
                    member(f"{root}.Map.<value>", "boolean"),
                ],
                "constraints": [
                    constraint(f"{root}.List", "minItems", 1),
                    constraint(f"{root}.List", "maxItems", 2),
                    constraint(f"{root}.List[]", "minimum", 0),
                    constraint(f"{root}.List[]", "maximum", 9),
                    constraint(f"{root}.Map", "maxItems", 1),
                    constraint(f"{root}.Map.<key>", "pattern", "^[a-z]+$"),
                ],
            }
        },
    }
    made = Lifecycle(data)
    assert made.output_violations("Made", {"List": [0, 9], "Map": {"k": False}}) == []
    assert ids(made.output_violations("Made", {"List": []})) == {f"{root}.List.minItems"}
    assert ids(made.output_violations("Made", {"List": [1, 2, 3]})) == {f"{root}.List.maxItems"}
    assert ids(made.output_violations("Made", {"List": [1, 10]})) == {f"{root}.List[].maximum"}
    assert ids(made.output_violations("Made", {"List": [-1, True]})) == {
        f"{root}.List[].minimum",
        f"{root}.List[].type",
    }
    assert ids(made.output_violations("Made", {"Map": {"a": True, "b": True}})) == {f"{root}.Map.maxItems"}
    (key,) = made.output_violations("Made", {"Map": {"K1": True}})
    assert (key.constraint_id, key.location) == (f"{root}.Map.<key>.pattern", 'Response.Map key "K1"')
    (value,) = made.output_violations("Made", {"Map": {"k": "yes"}})
    assert (value.constraint_id, value.location) == (f"{root}.Map.<value>.type", 'Response.Map["k"]')


# -- inputs and malformed ids ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("operation", "member", "value", "expected"),
    [
        ("GetWorkflow", "WorkflowId", "nope", {"GetWorkflow.WorkflowId.pattern"}),
        ("GetWorkflow", "WorkflowId", HEX_ID, set()),
        ("GetWorkflow", "WorkflowId", "a" * 256, set()),  # GetWorkflow's id has no length bound
        ("DeleteWorkflow", "WorkflowId", "a" * 256, {"DeleteWorkflow.WorkflowId.maxLength"}),
        ("DeleteWorkflow", "WorkflowId", "nope", set()),  # nor DeleteWorkflow's a pattern
        ("DeleteWorkflow", "WorkflowId", "\U0001f44d" * 255, set()),
        ("GetWorkflow", "DomainName", "a" * 65, {"GetWorkflow.DomainName.maxLength"}),
        ("ListWorkflows", "MaxResults", 0, {"ListWorkflows.MaxResults.minimum"}),
        ("ListWorkflows", "MaxResults", 101, {"ListWorkflows.MaxResults.maximum"}),
        ("ListWorkflows", "MaxResults", 100, set()),
        ("ListWorkflows", "MaxResults", True, {"ListWorkflows.MaxResults.type"}),
        ("ListWorkflows", "NextToken", "", {"ListWorkflows.NextToken.minLength"}),
        ("ListWorkflows", "NextToken", "t" * 1025, {"ListWorkflows.NextToken.maxLength"}),
        ("ListWorkflows", "Status", "DONE", {"ListWorkflows.Status.enum"}),
        ("ListWorkflows", "QueryStartDate", "yesterday", {"ListWorkflows.QueryStartDate.type"}),
        ("ListWorkflows", "Body", {"Status": "DONE", "MaxResults": "x"}, {"ListWorkflows.Status.enum"}),
    ],
)
def test_input_violations(operation: str, member: str, value: Any, expected: set[str]) -> None:
    assert ids(LIFECYCLE.input_violations(operation, member, value)) == expected


def test_input_violations_know_the_operations_members() -> None:
    with pytest.raises(KeyError, match="ListWorkflows has no input member 'WorkflowId'"):
        LIFECYCLE.input_violations("ListWorkflows", "WorkflowId", HEX_ID)
    with pytest.raises(KeyError, match="no lifecycle operation"):
        LIFECYCLE.output_violations("CreateIntegrationWorkflow", {})


def test_malformed_workflow_ids_break_one_constraint_in_every_reading_and_can_be_sent() -> None:
    chosen = {name: LIFECYCLE.malformed_workflow_ids(name) for name in LIFECYCLE.operations}
    assert chosen["DeleteWorkflow"] == [("a" * 256, "DeleteWorkflow.WorkflowId.maxLength")]
    assert chosen["ListWorkflows"] == []
    assert {cid for _, cid in chosen["GetWorkflow"]} == {"GetWorkflow.WorkflowId.pattern"}
    assert "nope" in dict(chosen["GetWorkflow"])
    pattern = LIFECYCLE.constraints["GetWorkflow.WorkflowId.pattern"]["value"]
    for name, pairs in chosen.items():
        for value, cid in pairs:
            assert value and value not in (".", "..") and "/" not in value and value.isascii()
            assert ids(LIFECYCLE.input_violations(name, "WorkflowId", value)) == {cid}
            if cid.endswith(".pattern"):
                assert patterns.invalid_in_every_reading(pattern, value)
                assert not any(
                    patterns.matches(pattern, value, dialect=d, fullmatch=True) for d in patterns.DIALECTS
                )


# -- the coverage report's lifecycle section ------------------------------------------------------------
CONTRACT = load_contract()


def test_without_lifecycle_checks_the_report_says_nothing_of_them(tmp_path: Path) -> None:
    coverage = Coverage(CONTRACT)
    coverage.failure("RoleArn.pattern")
    assert not any("lifecycle" in line for line in coverage.summary())
    json_path, md_path = coverage.write(str(tmp_path / "report"))
    assert "lifecycle" not in json.loads(json_path.read_text())
    assert "Lifecycle" not in md_path.read_text() and "lifecycle" not in md_path.read_text()


def test_lifecycle_checks_are_counted_merged_and_reported(tmp_path: Path) -> None:
    one, two = Coverage(CONTRACT), Coverage(CONTRACT)
    one.lifecycle("GetWorkflow.Response.Status.enum")
    one.lifecycle("lifecycle.get.status")
    two.lifecycle("GetWorkflow.Response.Status.enum", broken=True)
    two.lifecycle("DeleteWorkflow.WorkflowId.maxLength")
    two.lifecycle("lifecycle.list.contains")
    two.failure("lifecycle.list.contains")
    two.failure("lifecycle.delete.unlisted")  # failed before it was ever counted
    one.merge(json.loads(json.dumps(two.to_dict())))  # what crosses from a worker is plain JSON

    rows = {row["check"]: row for row in one.lifecycle_rows()}
    total = len(LIFECYCLE.constraints)
    assert list(rows)[:total] == LIFECYCLE.constraint_ids()
    assert list(rows)[total:] == [
        "lifecycle.delete.unlisted",
        "lifecycle.get.status",
        "lifecycle.list.contains",
    ]
    assert rows["GetWorkflow.Response.Status.enum"] == {
        "check": "GetWorkflow.Response.Status.enum",
        "kind": "constraint",
        "checks": 2,
        "failures": 1,
        "result": "failed",
    }
    assert rows["lifecycle.get.status"]["result"] == "passed"
    assert rows["lifecycle.list.contains"]["result"] == "failed"
    assert (
        rows["lifecycle.delete.unlisted"]["checks"] == 0
        and rows["lifecycle.delete.unlisted"]["result"] == "failed"
    )
    assert rows["ListWorkflows.Status.enum"]["result"] == "not exercised"

    summary = one.summary()
    line = next(line for line in summary if "lifecycle checks" in line)
    assert line == (
        f"conformance: lifecycle checks: 2 of {total} lifecycle constraints exercised, "
        "2 lifecycle properties checked (5 checks, 1 broken)"
    )
    assert "lifecycle.list.contains" in summary[-1] and summary[-1].startswith("conformance: failed:")
    # The contract's table is untouched by lifecycle names.
    assert all(row["result"] != "failed" for row in one.rows())

    json_path, md_path = one.write(str(tmp_path / "report"))
    data = json.loads(json_path.read_text())
    assert data["lifecycle"]["constraints"] == total and data["lifecycle"]["exercised"] == 2
    assert len(data["lifecycle"]["rows"]) == total + 3
    assert "lifecycle.delete.unlisted" in data["failed"]
    markdown = md_path.read_text()
    _, _, section = markdown.partition("## Lifecycle checks")
    assert section.count("\n| `") == total + 3
    assert "| `GetWorkflow.Response.Status.enum` | 2 | 1 | failed |" in section
    assert "| `ListWorkflows.Response.Items[].WorkflowId.type` | 0 | 0 | not exercised |" in section
    assert "- lifecycle checks: 2 of" in markdown


def test_the_lifecycle_section_renders_as_one_more_table(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    coverage = Coverage(CONTRACT)
    coverage.lifecycle("ListWorkflows.Response.Items[].Status.enum")
    html = MarkdownIt("commonmark").enable("table").render(coverage.markdown())
    assert html.count("<table>") == 3
    lifecycle_table = html.split("<table>")[3]
    assert lifecycle_table.count("<tr>") == len(LIFECYCLE.constraints) + 1
    assert "<code>ListWorkflows.Response.Items[].Status.enum</code>" in lifecycle_table
