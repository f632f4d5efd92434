"""The fault catalogue and the unbreakable-constraint rules as data: each entry is named and said once,
and the random strategies and the boundary catalogue send what it lists."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from conformance import strategies
from conformance.spec import load_contract
from conformance.spec import patterns as dialects
from conformance.spec.unbreakable import RULES, breakable_ids, unbreakable
from conformance.strategies import catalogue
from conformance.strategies.near_misses import case_broken, far_misses, inserted

CONTRACT = load_contract()


def test_entries_have_ids_of_their_own_and_one_sentence():
    entries = [catalogue.DOMAIN_UNSENDABLE, catalogue.DOMAIN_FORBIDDEN, *catalogue.MALFORMED_BODIES]
    entries += list(catalogue.JSON_KINDS.values())
    ids = [entry.id for entry in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.sentence.endswith(".") and entry.sentence[0].isupper(), entry


def test_every_unbreakable_rule_holds_for_some_constraint_and_the_rest_are_broken():
    reasons = unbreakable(CONTRACT)
    for rule in RULES:
        assert rule.sentence in reasons.values(), f"rule {rule.id} keeps no constraint from being broken"
    assert set(breakable_ids(CONTRACT)) | set(reasons) == {c.id for c in CONTRACT.request_constraints()}
    assert not set(breakable_ids(CONTRACT)) & set(reasons)
    assert strategies.unexpressible_constraints() == reasons


def test_forbidden_domain_characters_break_the_pattern_and_are_sendable():
    pattern = CONTRACT.member("DomainName").get("pattern")
    for char in catalogue.DOMAIN_FORBIDDEN.characters:
        assert char not in catalogue.DOMAIN_UNSENDABLE.characters
        assert dialects.invalid_in_every_reading(pattern, "abc" + char + "def"), char


@pytest.mark.parametrize("kind", catalogue.MALFORMED_KINDS)
def test_each_malformed_body_is_no_json_text(kind):
    raw = catalogue.malformed_body(kind, strategies.canonical_body(full=True))
    with pytest.raises(ValueError):
        json.loads(raw.decode("utf-8"))


def test_the_boundary_catalogue_sends_every_non_object_body_kind():
    sent = {
        case.case_id.removeprefix("Body.type[").removesuffix("]")
        for case in strategies.boundary_cases()
        if case.constraint_id == "Body.type" and not case.valid
    }
    assert {kind for kind, _ in catalogue.NON_OBJECT_BODIES} | {catalogue.WRAPPED_IN_ARRAY} == sent


@settings(max_examples=300, suppress_health_check=list(HealthCheck), deadline=None, database=None)
@given(strategies.invalid_requests("Body.type"))
def test_the_random_strategy_sends_only_listed_non_object_bodies(case):
    body = case.request.body
    kinds = {
        list: "array",
        str: "string",
        int: "integer",
        float: "fraction",
        bool: "boolean",
        type(None): "null",
    }
    listed = {kind for kind, _ in catalogue.NON_OBJECT_BODIES}
    if isinstance(body, list) and body and isinstance(body[0], dict):
        assert case.reason == "the body is an array holding a valid body"
    else:
        assert kinds[type(body)] in listed


@pytest.mark.parametrize(
    ("path", "due", "null_sent"),
    [("Tags.<value>", "string", True), ("IntegrationConfig.AppflowIntegration.Batches[]", "object", True)]
    + [("WorkflowType", "string", False), ("RoleArn", "string", False)],
)
def test_null_is_a_wrong_type_only_where_it_cannot_be_read_as_absent(path, due, null_sent):
    assert ("null" in catalogue.wrong_kinds(due, path)) is null_sent


def test_far_miss_shapes():
    assert case_broken("arn:x", 0, "#") == "Arn:x"
    assert case_broken("1rn:x", 0, "#") == "#rn:x"
    assert inserted("abcd", 2, "!") == "ab!cd"
    pattern = CONTRACT.member("RoleArn").get("pattern")
    misses = dict(far_misses(pattern, "arn:aws:iam::1:", 0, 512, ""))
    assert misses["prefix case"] == "Arn:aws:iam::1:"
    for value in misses.values():
        assert dialects.invalid_in_every_reading(pattern, value)
