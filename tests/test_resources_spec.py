"""The operations around a resource, read from botocore's model (``spec/resources.py``): which operations
read, list, update and delete what a create made, and how each of them names it."""

from __future__ import annotations

import random

import pytest

from conformance.spec import resources
from conformance.spec.operation import rest_json_services, service_model
from conformance.spec.resources import Identifier, creates, plural, resource


def _ids(found: resources.Resource, role: str) -> list[str]:
    return [str(identifier) + ("?" if identifier.optional else "") for identifier in found.identifiers[role]]


def test_a_schedule_is_named_by_the_name_the_create_took_and_found_in_its_group() -> None:
    found = resource("scheduler", "CreateSchedule")
    assert found.operations == {
        "read": "GetSchedule", "list": "ListSchedules", "update": "UpdateSchedule", "delete": "DeleteSchedule"
    }  # fmt: skip
    assert _ids(found, "read") == ["Name = input:Name", "GroupName = input:GroupName?"]
    assert _ids(found, "delete") == ["Name = input:Name", "GroupName = input:GroupName?"]  # no ClientToken
    assert _ids(found, "list") == []  # a list's optional members are filters
    assert found.paging == resources.Paging("NextToken", "NextToken", "MaxResults", "Schedules")
    assert found.item_key == "Name"
    assert (("ScheduleExpression",), ("ScheduleExpression",)) in found.shared
    assert not any(create == ("ClientToken",) for create, _ in found.shared)  # an idempotency token
    assert found.missing == {}


def test_a_channel_is_named_by_the_arn_its_create_answered() -> None:
    found = resource("ivs", "CreateChannel")
    assert _ids(found, "read") == ["arn = output:channel.arn"]  # not streamKey.arn
    assert found.item_key == "arn"
    assert (("name",), ("channel", "name")) in found.shared
    assert found.paging is not None and found.paging.result_key == "channels"


def test_a_workspace_is_described_and_its_children_named_by_their_parent_too() -> None:
    workspace = resource("amp", "CreateWorkspace")
    assert workspace.operations["read"] == "DescribeWorkspace"
    assert _ids(workspace, "read") == ["workspaceId = output:workspaceId"]
    namespace = resource("amp", "CreateRuleGroupsNamespace")
    assert _ids(namespace, "read") == ["workspaceId = input:workspaceId", "name = input:name"]
    assert _ids(namespace, "list") == ["workspaceId = input:workspaceId"]


def test_an_id_named_after_the_noun_is_the_bare_id_of_the_answer() -> None:
    assert _ids(resource("apigateway", "CreateRestApi"), "read") == ["restApiId = output:id"]


def test_identifier_values_come_from_the_create_s_params_or_its_answer() -> None:
    assert Identifier("Name", "input", ("Name",)).value({"Name": "a"}, {}) == "a"
    assert Identifier("arn", "output", ("channel", "arn")).value({}, {"channel": {"arn": "x"}}) == "x"
    assert Identifier("arn", "output", ("channel", "arn")).value({}, {"channel": "?"}) is None


def test_plurals_of_nouns() -> None:
    assert plural("Schedule")[0] == "Schedules"
    assert plural("Policy")[0] == "Policies"
    assert plural("Gateway")[0] == "Gateways"
    assert plural("Alias")[0] == "Aliases"


def test_the_table_fixes_what_the_model_leaves_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """``resources.json``: the row shipped (a list item's member that the model names otherwise), and a
    row that names operations and identifiers; a malformed source is an error that says what is due."""
    assert resource("accessanalyzer", "CreateAnalyzer").item_key == "name"
    # A member the service sets from others is named, with why, and not compared on read-back.
    assert "BASIC and STANDARD" in resource("ivs", "CreateChannel").not_compared["preset"]
    table = {"scheduler": {"CreateSchedule": {"read": None, "identifiers": {"Name": "output:ScheduleArn"}}}}
    monkeypatch.setattr(resources, "_overrides", lambda: table)
    resource.cache_clear()
    try:
        found = resource("scheduler", "CreateSchedule")
        assert "read" not in found.operations
        assert _ids(found, "delete")[0] == "Name = output:ScheduleArn"
        table["scheduler"]["CreateSchedule"]["identifiers"] = {"Name": "ScheduleArn"}
        resource.cache_clear()
        with pytest.raises(ValueError, match="expected input:PATH or output:PATH"):
            resource("scheduler", "CreateSchedule")
    finally:
        resource.cache_clear()


def test_a_sample_of_services_builds_and_what_it_finds_is_in_the_model() -> None:
    """Every create of a seeded sample of services: each operation found is one of the service's, each
    identifier's path is a member of the create's input or output, and what is missing says why."""
    services = random.Random(20261207).sample(rest_json_services(), 25)
    complete = 0
    for service in services:
        for create in creates(service):
            found = resource(service, create)
            model = service_model(service)
            assert set(found.operations.values()) <= set(model.operation_names), (service, create)
            made = model.operation_model(create)
            for identifiers in found.identifiers.values():
                for identifier in identifiers:
                    shape = made.input_shape if identifier.source == "input" else made.output_shape
                    for step in identifier.path:
                        shape = shape.members[step]
            assert all(reason for reason in found.missing.values())
            complete += all(found.has(role) for role in ("read", "list", "delete"))
    assert complete > 0
