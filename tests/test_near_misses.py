"""Invalid values next to valid ones: near-miss characters, every place in a list or map, any member order,
and Smithy's malformed-request cases in otherwise valid requests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from conformance import strategies
from conformance.spec import load_contract
from conformance.spec import patterns as dialects
from conformance.spec.contract import PATH_KEYWORD, strings_in
from conformance.spec.paths import in_collection
from conformance.spec.smithy import smithy_catalogue
from conformance.spec.wire import InvalidRequest, Request
from conformance.strategies import smithy
from conformance.strategies.catalogue import DOMAIN_UNSENDABLE
from conformance.strategies.grammar import parse
from conformance.strategies.near_misses import near_misses, show

CONTRACT = load_contract()
FLOW = "IntegrationConfig.AppflowIntegration.FlowDefinition"
DRAWS = settings(
    max_examples=300, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
PATTERNED = [
    m for m in CONTRACT.members.values() if m.get("pattern") and not dialects.matches_empty(m.get("pattern"))
]


def _misses(path: str) -> dict[str, Any]:
    member = CONTRACT.member(path)
    unsendable = DOMAIN_UNSENDABLE.characters if path == "DomainName" else ""
    found = near_misses(
        member.get("pattern"), member.get("minLength", 0), member.get("maxLength", 1 << 30), unsendable
    )
    return {miss.value: miss for miss in found}


@pytest.mark.parametrize("path", [m.path for m in PATTERNED])
def test_each_near_miss_is_one_character_from_a_valid_value(path: str) -> None:
    pattern = CONTRACT.member(path).get("pattern")
    misses = _misses(path)
    member = CONTRACT.member(path)
    # An unanchored pattern whose values must be longer than its shortest match (a BucketName of three
    # \S) has a match left wherever one character changes: its invalid values are far from valid ones.
    assert misses or member.get("minLength", 0) > parse(pattern).min_length, f"no near miss for {pattern}"
    for value, miss in misses.items():
        base = value[: miss.position] + miss.replaced + value[miss.position + 1 :]
        assert dialects.valid_in_every_reading(pattern, base), miss.reason
        assert dialects.invalid_in_every_reading(pattern, value), miss.reason
        assert show(miss.character) in miss.reason and f"position {miss.position}" in miss.reason


def test_the_near_misses_the_issue_names_are_there() -> None:
    """A domain class that takes '.', an ObjectTypeName that may start with a digit: the range ends of
    [a-zA-Z0-9_-] at the domain's first position, digits at the first position of ObjectTypeName."""
    domain = {(m.character, m.position) for m in _misses("DomainName").values()}
    assert {(c, 0) for c in "`{@[:^,."} <= domain
    assert ("/", 0) not in domain and ("%", 0) not in domain  # path structure is never sent in a label
    object_type = {(m.character, m.position) for m in _misses("ObjectTypeName").values()}
    assert {("0", 0), ("9", 0), ("-", 0)} <= object_type
    assert ("0", 1) not in object_type  # a digit later on is valid
    role = {(m.character, m.position) for m in _misses("RoleArn").values()}
    assert ("A", 0) in role  # the prefix in the other case


def _one_character_off(pattern: str, value: str) -> bool:
    """Whether one character of ``value`` replaced makes it valid (by a filler or a character the
    pattern's own text has, such as the letters of ``arn:aws:iam:``)."""
    replacements = set("a0A_:") | {c for c in pattern if c.isalnum() or c == ":"}
    return any(
        dialects.valid_in_every_reading(pattern, value[:i] + c + value[i + 1 :])
        for i in range(len(value))
        for c in replacements
    )


@pytest.mark.parametrize("path", ["ObjectTypeName", "Tags.<key>", f"{FLOW}.FlowName", "RoleArn"])
def test_most_random_pattern_faults_are_one_character_from_valid(path: str) -> None:
    pattern = CONTRACT.member(path).get("pattern")
    values: list[str] = []

    schema = CONTRACT.body_schema()

    @DRAWS
    @given(strategies.invalid_requests(f"{path}.pattern"))
    def draw(case: InvalidRequest) -> None:
        for _, value, sub in strings_in(case.request.body, schema):
            if sub.get(PATH_KEYWORD) == path and not dialects.valid_in_every_reading(pattern, value):
                values.append(value)

    draw()
    assert len(values) >= 200
    near = sum(_one_character_off(pattern, v) for v in values)
    assert near >= 0.6 * len(values), f"{near} of {len(values)} one character from valid"


@pytest.mark.parametrize(
    "constraint_id",
    [
        f"{FLOW}.Tasks[].TaskType.enum",
        "IntegrationConfig.AppflowIntegration.Batches[].EndTime.required",
        "Tags.<key>.pattern",
    ],
)
def test_faults_in_lists_and_maps_go_to_every_place(constraint_id: str) -> None:
    """Across draws, the fault sits in the first item or entry, and in a later one too."""
    places: set[str] = set()

    @DRAWS
    @given(strategies.invalid_requests(constraint_id))
    def draw(case: InvalidRequest) -> None:
        where = case.reason.split(":", 1)[0]
        places.add("first" if "[0]" in where or "Tags key" in where and _first_key_is_bad(case) else "later")

    draw()
    assert places == {"first", "later"}


def _first_key_is_bad(case: InvalidRequest) -> bool:
    tags = case.request.body["Tags"]
    return not dialects.valid_in_every_reading(CONTRACT.member("Tags.<key>").get("pattern"), next(iter(tags)))


def test_every_list_and_map_member_constraint_has_a_second_item_edge() -> None:
    cases = strategies.boundary_cases()
    second = {case.constraint_id for case in cases if case.case_id.endswith(", second item]")}
    expressible = set(strategies.invalid_constraint_ids())
    inside = {c.id for c in CONTRACT.request_constraints() if c.id in expressible and in_collection(c.path)}
    assert inside and inside <= second, sorted(inside - second)
    case = next(c for c in cases if c.case_id == f"{FLOW}.Tasks[].TaskType.required[missing, second item]")
    tasks = case.request.body["IntegrationConfig"]["AppflowIntegration"]["FlowDefinition"]["Tasks"]
    assert len(tasks) == 2 and "TaskType" in tasks[0] and "TaskType" not in tasks[1]


def test_member_order_varies_at_every_level() -> None:
    orders: set[tuple[str, ...]] = set()
    nested: set[tuple[str, ...]] = set()

    @DRAWS
    @given(strategies.valid_requests())
    def draw(request: Request) -> None:
        orders.add(tuple(request.body))
        flow = request.body["IntegrationConfig"].get("AppflowIntegration", {}).get("FlowDefinition", {})
        nested.add(tuple(flow))

    draw()
    assert any(o.index("IntegrationConfig") < o.index("WorkflowType") for o in orders)
    assert any(o.index("WorkflowType") < o.index("IntegrationConfig") for o in orders)
    assert len(nested) > 1
    reversed_case = next(c for c in strategies.boundary_cases() if c.case_id == "Body.type[members reversed]")
    assert list(reversed_case.request.body) == list(reversed(strategies.canonical_body(full=True)))


def test_every_applying_smithy_case_is_in_the_boundary_catalogue() -> None:
    catalogue = smithy_catalogue()
    sent = {case_id for case in strategies.boundary_cases() for case_id in case.smithy}
    applying = {case.id for case in catalogue.applying()}
    assert applying == sent == smithy.covered_ids() & applying, sorted(applying ^ sent)
    assert all(case.reason for case in catalogue.cases)
    bindings = {case.binding for case in catalogue.not_applying()}
    assert {"path", "query", "header"} <= bindings


def test_smithy_values_are_sent_in_an_otherwise_valid_body() -> None:
    """A lenient parser that takes the value sees a valid request: the boundary case's body, with the
    value replaced by a valid one, is valid."""
    from conformance.spec.validation import RequestValidator

    validator = RequestValidator(CONTRACT)
    by_id = {case.case_id: case for case in strategies.boundary_cases()}
    boolean = f"{FLOW}.SourceFlowConfig.SourceConnectorProperties.Salesforce.EnableDynamicFieldUpdate"
    case = by_id[f'{boolean}.type[smithy "yes"]']
    assert case.smithy == ("RestJsonBodyBooleanStringCoercion",)
    lenient = json.loads(json.dumps(case.request.body).replace('"yes"', "true"))
    assert validator.violated_ids("d", lenient) == set()
    literal = next(c for c in by_id.values() if c.case_id.endswith("ScheduleOffset = 0x42]"))
    assert literal.constraint_id == "Body.json" and b":0x42" in literal.request.raw_body
    assert validator.violated_ids("d", json.loads(literal.request.raw_body.replace(b"0x42", b"66"))) == set()
    comment = by_id["Body.json[line comment]"]
    lenient = json.loads(comment.request.raw_body.decode().replace("// the workflow\n", ""))
    assert validator.violated_ids("d", lenient) == set()
