"""The strategies for any restJson1 operation (``strategies.operation``), checked against botocore and
against an independent reading of each constraint, over a seeded sample of operations and two fixed ones.

The sample changes with ``CONFORMANCE_OPERATIONS_SEED`` (the seed is in every test id); every operation is
checked only where ``CONFORMANCE_ALL_OPERATIONS=1`` (some minutes), which reports per failing operation.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import time
from typing import Any
from urllib.parse import unquote

import pytest
from botocore.validate import ParamValidator
from hypothesis import HealthCheck, given, settings

from conformance.spec.contract import Contract, Member
from conformance.spec.operation import load_operation, operation_model, rest_json_operations
from conformance.spec.paths import item_of
from conformance.strategies.catalogue import LARGEST_BODIES
from conformance.strategies.operation import (
    CannotDraw,
    OperationStrategies,
    canonical_value,
    readings,
    to_wire,
)
from conformance.strategies.operation.canonical import INTEGER_RANGES, outer_of
from conformance.strategies.operation.invalid import ABSENT, FaultCase
from conformance.strategies.operation.placement import json_steps, value_at

SEED = int(os.environ.get("CONFORMANCE_OPERATIONS_SEED", "20261207"))
SAMPLE_SIZE = 40
FIXED = ("customer-profiles:CreateIntegrationWorkflow", "scheduler:CreateSchedule")
# Constraint ids checked per sampled operation (all of them for the fixed ones): the test time stays modest.
IDS_PER_OPERATION = 8
IDS_PER_FIXED_OPERATION = 40
QUICK = settings(
    max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True
)
# The kinds botocore's ParamValidator checks itself (it checks no maximum, pattern or enum).
BOTOCORE_CHECKS = {"required", "minLength", "minItems", "minimum"}


def sample() -> list[str]:
    names = rest_json_operations()
    chosen = random.Random(SEED).sample(names, SAMPLE_SIZE)
    return list(FIXED) + [name for name in chosen if name not in FIXED]


OPERATIONS = [pytest.param(name, id=f"seed{SEED}-{name}") for name in sample()]


@pytest.fixture(scope="module", params=OPERATIONS)
def strategies(request: pytest.FixtureRequest) -> OperationStrategies:
    return OperationStrategies(load_operation(request.param))


# -- an independent reading of the constraints, on the parameters ------------------------------------------
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "timestamp": (datetime.datetime,),
    "blob": (bytes,),
    "list": (list,),
    "map": (dict,),
    "structure": (dict,),
    "union": (dict,),
    **{kind: (int,) for kind in INTEGER_RANGES},
    "float": (int, float),
    "double": (int, float),
}


def violations(contract: Contract, path: str, value: Any) -> set[str]:
    """The ids of every constraint ``value`` breaks at ``path`` or below (patterns: not a full match in
    every reading), read from the contract without the strategies' code."""
    member = contract.member(path)
    out: set[str] = set()
    types = _PYTHON_TYPES.get(member.type)
    if types is not None and (
        not isinstance(value, types) or (bool not in types and isinstance(value, bool))
    ):
        return {f"{path}.type"}
    kind = member.type
    if kind in ("string", "blob", "list", "map"):
        size = len(value)
        low_kind, high_kind = (
            ("minLength", "maxLength") if kind in ("string", "blob") else ("minItems", "maxItems")
        )
        if size < member.get(low_kind, 0):
            out.add(f"{path}.{low_kind}")
        if member.get(high_kind) is not None and size > member.get(high_kind):
            out.add(f"{path}.{high_kind}")
    if kind in INTEGER_RANGES:
        low, high = INTEGER_RANGES[kind]
        if not low <= value <= high:
            out.add(f"{path}.type")
    if kind in INTEGER_RANGES or kind in ("float", "double"):
        if member.get("minimum") is not None and value < member.get("minimum"):
            out.add(f"{path}.minimum")
        if member.get("maximum") is not None and value > member.get("maximum"):
            out.add(f"{path}.maximum")
    if kind == "string":
        if member.get("enum") and value not in member.get("enum"):
            out.add(f"{path}.enum")
        if member.get("pattern") and not readings.is_valid(member.get("pattern"), value):
            out.add(f"{path}.pattern")
    if kind == "list":
        for item in value:
            if item is not None or not member.sparse:
                out |= violations(contract, path + "[]", item)
    if kind == "map":
        for key, item in value.items():
            out |= violations(contract, path + ".<key>", key)
            if item is not None or not member.sparse:
                out |= violations(contract, path + ".<value>", item)
    if kind in ("structure", "union") and member.recursive:
        # A leaf of the contract standing for the structure it is inside: judged as that one.
        return violations(contract, outer_of(contract, path), value)
    if kind in ("structure", "union"):
        children = {child.name: child for child in contract.children(path)}
        for name, child in children.items():
            if child.required and value.get(name) is None:
                out.add(f"{child.path}.required")
        present = [name for name, item in value.items() if item is not None]
        for name in present:
            if name not in children:
                out.add(f"{path}.unknown member {name}")
            else:
                out |= violations(contract, children[name].path, value[name])
        if kind == "union" and len(present) != 1:
            out.add(f"{path}.union")
    return out


def botocore_errors(contract: Contract, params: dict[str, Any]) -> str:
    shape = operation_model(contract.service, contract.operation).input_shape
    if shape is None:
        return "" if not params else "parameters for an operation without input"
    report = ParamValidator().validate(params, shape)
    return report.generate_report() if report.has_errors() else ""


# -- canonical values --------------------------------------------------------------------------------------
def test_canonical_values_are_valid(strategies: OperationStrategies) -> None:
    contract = strategies.contract
    if strategies.cannot_draw_valid:
        with pytest.raises(CannotDraw):
            canonical_value(contract, "Body")
        return
    body = canonical_value(contract, "Body")
    assert violations(contract, "Body", body) == set()
    assert botocore_errors(contract, body) == ""
    assert to_wire(contract, body).method == contract.method
    try:
        response = canonical_value(contract, "Response")
    except CannotDraw:
        return
    assert violations(contract, "Response", response) == set()


# -- valid parameters --------------------------------------------------------------------------------------
def test_the_full_canonical_body_is_valid(strategies: OperationStrategies) -> None:
    """Where a third of the faults go: every optional body member at its canonical value."""
    if strategies.cannot_draw_valid:
        return
    contract = strategies.contract
    full = strategies.full_params()
    assert violations(contract, "Body", full) == set()
    assert botocore_errors(contract, full) == ""
    assert set(full) >= set(canonical_value(contract, "Body"))
    for child in contract.children("Body"):
        if child.location == "body" and not child.recursive and _has_canonical(contract, child.path):
            assert child.name in full, child.path


def _has_canonical(contract: Contract, path: str) -> bool:
    try:
        canonical_value(contract, path)
    except CannotDraw:
        return False
    return True


@pytest.mark.parametrize("source", ["valid_params", "fault_bases"])
def test_drawn_params_pass_botocore_and_the_model(strategies: OperationStrategies, source: str) -> None:
    """Valid requests, and what a fault goes into (the canonical body, the full one, or one of a drawn
    shape with canonical leaves): each valid, as the fault must be all that is wrong with the request."""
    if strategies.cannot_draw_valid:
        pytest.skip(f"no valid request: {strategies.cannot_draw_valid}")
    contract = strategies.contract

    @QUICK
    @given(getattr(strategies, source)())
    def check(params: dict[str, Any]) -> None:
        assert violations(contract, "Body", params) == set(), params
        assert botocore_errors(contract, params) == ""
        request = to_wire(contract, params)
        if request.header("Content-Type") == "application/json":
            assert isinstance(json.loads(request.body), dict | list)

    check()


def test_a_drawn_shape_keeps_canonical_leaves_and_varies_the_rest() -> None:
    """scheduler's CreateSchedule: in a body of drawn shape, which optional members are there, which enum
    values and union branches, and how many items vary; every other leaf but a map's key is canonical."""
    from conformance.strategies.operation.canonical import shared_canonical_value
    from conformance.strategies.operation.values import ValueStrategies

    contract = load_operation("scheduler:CreateSchedule")
    shapes = ValueStrategies(contract, canonical_leaves=True).of("Body")
    seen: dict[str, set] = {}
    present: set[frozenset] = set()

    def leaves(path: str, value: Any) -> None:
        member = contract.member(path)
        if member.type == "structure":
            for name, item in value.items():
                leaves(next(c.path for c in contract.children(path) if c.name == name), item)
        elif member.type == "list":
            for item in value:
                leaves(item_of(path), item)
        elif member.type == "map":
            for item in value.values():
                leaves(path + ".<value>", item)
        else:
            seen.setdefault(path, set()).add(value if not isinstance(value, list | dict) else repr(value))
            if not member.get("enum"):
                assert value == shared_canonical_value(contract, path), (path, value)

    @settings(QUICK, max_examples=150)
    @given(shapes)
    def check(params: dict[str, Any]) -> None:
        assert violations(contract, "Body", params) == set(), params
        present.add(frozenset(params))
        leaves("Body", params)

    check()
    assert len(present) > 5, present
    assert len(seen["FlexibleTimeWindow.Mode"]) == 2, seen["FlexibleTimeWindow.Mode"]
    assert len(seen["State"]) == 2, seen.get("State")


def test_pinned_values_are_in_every_request() -> None:
    contract = load_operation("scheduler:CreateSchedule")
    pinned = {"Name": "existing-schedule", "Target.Arn": "arn:aws:sqs:us-east-1:123456789012:queue"}
    strategies = OperationStrategies(contract, pinned)

    @QUICK
    @given(strategies.valid_requests())
    def check(request: Any) -> None:
        assert request.path == "/schedules/existing-schedule"
        assert json.loads(request.body)["Target"]["Arn"] == pinned["Target.Arn"]

    check()
    assert "Name.maxLength" in strategies.invalid_ids()  # a pinned member's constraints stay breakable


# -- invalid requests --------------------------------------------------------------------------------------
def _checked_ids(strategies: OperationStrategies) -> list[str]:
    ids = [cid for cid in strategies.invalid_ids() if cid != "Body.json"]
    name = f"{strategies.contract.service}:{strategies.contract.operation}"
    most = IDS_PER_FIXED_OPERATION if name in FIXED else IDS_PER_OPERATION
    if len(ids) <= most:
        return ids
    return random.Random(f"{SEED}/{name}").sample(ids, most)


def check_fault(contract: Contract, fault: FaultCase) -> None:
    """The fault breaks its constraint, and nothing else but what it names."""
    constraint = contract.constraints[fault.constraint_id]
    member = contract.member(constraint.path)
    if fault.on_wire:
        assert violations(contract, "Body", fault.params) == set(), fault.reason
        if fault.value is ABSENT:  # carried under a name that differs in case: renamed on the wire
            _check_renamed(contract, fault)
            return
        _check_wire_value(contract, member, fault)
        return
    found = violations(contract, "Body", fault.params)
    assert fault.constraint_id in found, (fault.reason, found)
    assert found <= {fault.constraint_id} | fault.also_breaks, (fault.reason, found)
    if constraint.kind == "pattern":
        assert readings.is_invalid(constraint.value, fault.value), fault.reason
        if fault.steps[-1].kind != "key":
            assert value_at(fault.params, list(fault.steps)) == fault.value
    # botocore checks no map's size, no blob's length (its ParamValidator takes any bytes), and no float's
    # range.
    if (
        constraint.kind in BOTOCORE_CHECKS
        and member.type not in ("map", "blob")
        and not (constraint.kind == "minimum" and member.type in ("float", "double"))
    ):
        assert botocore_errors(contract, fault.params), fault.reason
    if fault.value is ABSENT:
        assert constraint.kind == "required"


def _check_renamed(contract: Contract, fault: FaultCase) -> None:
    """The member's exact name is gone from its object in the body, and a name differing in case only
    holds its place."""
    document = json.loads(fault.request.body)
    steps = json_steps(contract, list(fault.steps))
    for step in steps[:-1]:
        document = document[step]
    name = steps[-1]
    assert name not in document, fault.reason
    assert [key for key in document if key.lower() == name.lower()], (fault.reason, sorted(document))


def _check_wire_value(contract: Contract, member: Member, fault: FaultCase) -> None:
    top = contract.member(fault.steps[0].path) if fault.steps else None
    if top is None or top.location in ("body", "payload"):
        document = json.loads(fault.request.body)
        for step in json_steps(contract, list(fault.steps)):
            document = document[step]
        assert not _json_kind_fits(member, document), (fault.reason, document)
    else:
        text = str(fault.value)
        on_the_wire = [value for _, value in fault.request.query + fault.request.headers]
        assert text in on_the_wire or text in unquote(fault.request.path), fault.reason
        assert not _text_fits(member, text, top.location), fault.reason


def _json_kind_fits(member: Member, value: Any) -> bool:
    kind = member.type
    if value is None:
        return member.sparse
    if kind in INTEGER_RANGES:
        low, high = INTEGER_RANGES[kind]
        return type(value) is int and low <= value <= high
    if kind in ("float", "double"):
        return type(value) in (int, float) or value in ("NaN", "Infinity", "-Infinity")
    if kind == "boolean":
        return type(value) is bool
    if kind == "timestamp":
        wants_text = member.timestamp_format in ("iso8601", "rfc822")
        if not wants_text:
            return type(value) in (int, float)
        if member.timestamp_format == "iso8601":
            return isinstance(value, str) and bool(re.match(r"\d{4}-\d\d-\d\dT", value))
        return isinstance(value, str) and bool(re.match(r"[A-Z][a-z]{2}, ", value))
    if kind == "blob":
        return isinstance(value, str) and bool(re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", value))
    expected = {"string": str, "list": list, "map": dict, "structure": dict, "union": dict}
    return isinstance(value, expected[kind])


def _text_fits(member: Member, text: str, location: str) -> bool:
    kind = member.type
    if kind in INTEGER_RANGES:
        low, high = INTEGER_RANGES[kind]
        return bool(re.fullmatch(r"-?\d+", text)) and low <= int(text) <= high
    if kind in ("float", "double"):
        return bool(re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?Infinity", text))
    if kind == "boolean":
        return text in ("true", "false")
    if kind == "timestamp":
        form = member.timestamp_format or ("rfc822" if location == "header" else "iso8601")
        patterns = {
            "iso8601": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z",
            "rfc822": r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
            "unixTimestamp": r"\d+(\.\d+)?",
        }
        return bool(re.fullmatch(patterns[form], text))
    if kind == "blob":
        return bool(re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text))
    return True


def test_invalid_requests_break_exactly_their_constraint(strategies: OperationStrategies) -> None:
    if strategies.cannot_draw_valid:
        pytest.skip(f"no valid request: {strategies.cannot_draw_valid}")
    for constraint_id in _checked_ids(strategies):
        faults_of(strategies, constraint_id)()


def faults_of(strategies: OperationStrategies, constraint_id: str, examples: int = 3) -> Any:
    """A Hypothesis test of the faults of one constraint."""

    @settings(QUICK, max_examples=examples)
    @given(strategies.fault_cases(constraint_id))
    def check(fault: FaultCase) -> None:
        check_fault(strategies.contract, fault)
        assert fault.invalid_request().constraint_id == constraint_id

    return check


def test_unbreakable_and_invalid_ids_split_the_request_constraints(strategies: OperationStrategies) -> None:
    contract = strategies.contract
    ids = set(strategies.invalid_ids())
    unbreakable = strategies.unbreakable()
    assert ids.isdisjoint(unbreakable)
    assert ids | set(unbreakable) == {c.id for c in contract.request_constraints()}
    assert all(reason and not reason.endswith(".") for reason in unbreakable.values())


def test_boundary_cases_have_unique_ids_and_both_sides(strategies: OperationStrategies) -> None:
    cases = strategies.boundary_cases()
    assert len({case.case_id for case in cases}) == len(cases)
    breakable = set(strategies.invalid_ids())
    # Smithy's texts that are no JSON at all go under the body's syntax rule, Body.json, and so do the
    # largest valid bodies.
    assert all(
        case.constraint_id in breakable or case.smithy or (case.valid and case.family == LARGEST_BODIES)
        for case in cases
    )
    assert all(case.constraint_id in breakable for case in cases if case.constraint_id != "Body.json")
    for case in cases:
        if case.constraint_id == "Body.json":
            continue
        constraint = strategies.contract.constraints[case.constraint_id]
        if case.valid and constraint.kind in ("maxLength", "maxItems", "maximum"):
            assert str(constraint.value) in case.case_id


def test_malformed_bodies_are_no_json_object(strategies: OperationStrategies) -> None:
    for fault in strategies.malformed_requests():
        assert fault.constraint_id == "Body.json"
        try:
            document = json.loads(fault.request.body)
        except ValueError:
            continue
        assert not isinstance(document, dict), fault.reason


# -- the fixed cases, by name ------------------------------------------------------------------------------
def test_create_schedule_catalogue_names_its_edges() -> None:
    strategies = OperationStrategies(load_operation("scheduler:CreateSchedule"))
    cases = {case.case_id: case for case in strategies.boundary_cases()}
    assert cases["Name.maxLength[length 64]"].valid
    assert not cases["Name.maxLength[length 65]"].valid
    assert cases["Name.maxLength[length 65]"].request.path == "/schedules/" + "a" * 65
    assert cases["Target.RetryPolicy.MaximumRetryAttempts.maximum[185]"].valid
    assert not cases["Target.RetryPolicy.MaximumRetryAttempts.maximum[186]"].valid
    assert cases["State.enum[ENABLED]"].valid and cases["State.enum[DISABLED]"].valid
    # The families: exact member names both ways, every value a type allows, the largest bodies.
    beside = cases["StartDate.type[startDate beside no StartDate]"]
    assert beside.valid and beside.family == "exact member names"
    assert b'"startDate": {"x": 1}' in beside.request.body and b'"StartDate"' not in beside.request.body
    renamed = cases["Target.required[named target]"]
    assert not renamed.valid and renamed.family == "exact member names"
    assert cases["StartDate.type[timestamp after year 9999]"].family == "every value a type allows"
    largest = cases["Body.json[every member at its largest]"]
    assert largest.valid and largest.family == "largest valid bodies"
    assert len(largest.request.body) > 1024 * 1024
    assert 127 * 1024 < len(cases["Body.json[about 128 KiB]"].request.body) < 130 * 1024
    assert "Name.required" in strategies.unbreakable()
    assert strategies.cannot_draw_valid is None


def test_flagship_unbreakable_matches_the_pinned_contract() -> None:
    from conformance.spec.unbreakable import unbreakable

    strategies = OperationStrategies(load_operation(FIXED[0]))
    assert set(unbreakable(strategies.contract)) <= set(strategies.unbreakable())


# -- what it costs ------------------------------------------------------------------------------------------
def test_the_biggest_operation_builds_and_draws_in_bounded_time() -> None:
    """QuickSight's CreateAnalysis: some 55,000 member paths and 113,000 constraints.  Strategies are built
    per member on first use, so building them, drawing, and one constraint's faults and edges stay cheap;
    ``invalid_ids()`` over every constraint is timed in the slow run (about 7 s)."""
    name = "quicksight:CreateAnalysis"
    contract = load_operation(name)
    started = time.perf_counter()
    strategies = OperationStrategies(contract)
    request_ids = [c.id for c in contract.request_constraints()]
    some = request_ids[:: len(request_ids) // 20]
    for constraint_id in some:
        strategies.boundary_cases(constraint_id)
    built = time.perf_counter() - started

    @settings(QUICK, max_examples=10)
    @given(strategies.valid_params())
    def check(params: dict[str, Any]) -> None:
        assert botocore_errors(contract, params) == ""

    started = time.perf_counter()
    check()
    drawn = time.perf_counter() - started
    print(f"{name}: {len(contract.members)} members; 20 catalogues {built:.1f} s; 10 draws {drawn:.1f} s")
    assert built < 20 and drawn < 20
    if os.environ.get("CONFORMANCE_ALL_OPERATIONS") == "1":
        started = time.perf_counter()
        assert len(strategies.invalid_ids()) > 100_000
        assert time.perf_counter() - started < 60


# The most constraints an operation may have for the every-operation check to build its whole boundary
# catalogue; beyond it (QuickSight's definitions, 20,000 to 113,000 constraints and minutes per catalogue)
# the catalogues of the constraints it checks stand for the whole.
WHOLE_CATALOGUE_MOST = 5_000
ALL_OPERATIONS = os.environ.get("CONFORMANCE_ALL_OPERATIONS") == "1"


def _services() -> list[str]:
    return sorted({name.partition(":")[0] for name in rest_json_operations()}) if ALL_OPERATIONS else ["*"]


def check_operation(name: str) -> None:
    """What the every-operation check asks of one operation: a canonical body botocore takes and no
    constraint finds broken, up to ten constraints' faults each breaking what it names, and the boundary
    catalogue built without an error."""
    strategies = OperationStrategies(load_operation(name))
    contract = strategies.contract
    if strategies.cannot_draw_valid:
        return
    body = canonical_value(contract, "Body")
    assert violations(contract, "Body", body) == set()
    assert botocore_errors(contract, body) == ""
    checked = _checked_ids(strategies)[:10]
    for constraint_id in checked:
        faults_of(strategies, constraint_id, examples=2)()
    if len(contract.constraints) <= WHOLE_CATALOGUE_MOST:
        strategies.boundary_cases()
    else:
        for constraint_id in checked:
            strategies.boundary_cases(constraint_id)


@pytest.mark.skipif(not ALL_OPERATIONS, reason="CONFORMANCE_ALL_OPERATIONS=1")
@pytest.mark.parametrize("service", _services())
def test_every_operation(service: str) -> None:
    """Every rest-json operation of ``service`` that the installed botocore ships (one test per service,
    so that ``-n 2`` shares them out)."""
    failures: dict[str, str] = {}
    for name in rest_json_operations():
        if name.partition(":")[0] != service:
            continue
        try:
            check_operation(name)
        except Exception as error:  # noqa: BLE001 - every operation's failure is reported, not the first
            failures[name] = f"{type(error).__name__}: {str(error)[:300]}"
    report = "\n".join(f"{name}: {why}" for name, why in sorted(failures.items()))
    assert not failures, f"{len(failures)} operations fail:\n{report}"


# -- URI labels: never empty in a valid request -------------------------------------------------------------
# A label with no minLength nor pattern (canonical_value once gave it ""), and a greedy label whose pattern
# takes "/" and "." (a draw could end a segment empty or make it a dot segment).
LABEL_OPERATIONS = (("accessanalyzer:GetFinding", "id"), ("devops-agent:CreateAssetFile", "path"))


def _label_segments_are_whole(contract: Contract, path: str) -> bool:
    """No empty or dot segment in the path beyond what the template itself has."""
    template_segments = contract.uri.partition("?")[0].split("/")
    segments = unquote(path).split("/") if "{" not in contract.uri else path.split("/")
    literal_empty = template_segments.count("")
    return segments.count("") <= literal_empty and not {".", ".."} & set(segments)


@pytest.mark.parametrize(("name", "label"), LABEL_OPERATIONS)
def test_valid_requests_give_every_uri_label_a_character(name: str, label: str) -> None:
    contract = load_operation(name)
    strategies = OperationStrategies(contract)
    greedy = contract.member(label).greedy
    assert canonical_value(contract, "Body")[label] != ""

    def whole(value: str) -> bool:
        segments = value.split("/") if greedy else [value]
        return all(segment not in ("", ".", "..") for segment in segments)

    @settings(QUICK, max_examples=40)
    @given(strategies.valid_params())
    def check(params: dict[str, Any]) -> None:
        assert whole(params[label]), params[label]
        assert _label_segments_are_whole(contract, to_wire(contract, params).path)

    check()
    for case in strategies.boundary_cases():
        if case.valid:
            assert _label_segments_are_whole(contract, case.request.path), case.case_id
    # An invalid request about the label's own length may still leave it empty: those stay.
    assert all(case.request.path for case in strategies.boundary_cases() if not case.valid)


# -- bounded bodies -----------------------------------------------------------------------------------------
def _largest_body(strategies: OperationStrategies) -> int:
    sizes: list[int] = []

    @settings(QUICK, max_examples=30)
    @given(strategies.valid_requests())
    def check(request: Any) -> None:
        sizes.append(len(request.body) + len(request.target()))

    check()
    return max(sizes)


def test_drawn_valid_bodies_stay_well_under_a_mebibyte() -> None:
    """NetworkManager's CreateConnection (a 10,000,000-character string in a map) drew bodies of 24 MB;
    Athena's StartCalculationExecution (68,000-character code blocks) some 360 kB.  The catalogue still
    sends the exact maximum."""
    for name in ("networkmanager:CreateConnection", "athena:StartCalculationExecution"):
        strategies = OperationStrategies(load_operation(name))
        largest = _largest_body(strategies)
        assert largest < 256 * 1024, (name, largest)
    cases = {case.case_id: case for case in strategies.boundary_cases("CodeBlock.maxLength")}
    edge = cases["CodeBlock.maxLength[length 68000]"]
    assert edge.valid and len(json.loads(edge.request.body)["CodeBlock"]) == 68000


def test_float_bounds_a_32_bit_float_cannot_hold_are_drawn_inside() -> None:
    """Deadline's CreateBudget has a float with ``min 0.01``, which no 32-bit float is: Hypothesis refused
    the strategy.  Every drawn value stays in range read as a 32-bit float too."""
    import struct

    contract = load_operation("deadline:CreateBudget")
    member = contract.member("approximateDollarLimit")
    strategies = OperationStrategies(contract)

    @settings(QUICK, max_examples=30)
    @given(strategies.valid_params())
    def check(params: dict[str, Any]) -> None:
        value = params["approximateDollarLimit"]
        as_float32 = struct.unpack("<f", struct.pack("<f", value))[0]
        assert member.get("minimum") <= as_float32, value
        assert member.get("maximum") is None or as_float32 <= member.get("maximum"), value

    check()


# -- the integer types' own ranges: one home ----------------------------------------------------------------
def test_integer_ranges_live_in_spec_types_only() -> None:
    from pathlib import Path

    from conformance.spec import types
    from conformance.strategies.operation import canonical

    assert canonical.INTEGER_RANGES is types.INTEGER_RANGES
    assert types.INTEGER_RANGES["byte"] == (-128, 127) and types.INTEGER_RANGES["long"][1] == 2**63 - 1
    package = Path(canonical.__file__).parent
    for module in package.glob("*.py"):
        assert "2**63" not in module.read_text(encoding="utf-8"), module.name


# -- Smithy's malformed-request cases, for any operation ----------------------------------------------------
# Each operation has a binding and type the flagship lacks: path labels, headers and query values of every
# number type, booleans and timestamps of each format, body floats, blobs and unions.
SMITHY_OPERATIONS = {
    "appconfig:StopDeployment": {
        "RestJsonHeaderBooleanStringCoercion": ["AllowRevert.type"],
        "RestJsonPathIntegerMalformedValueRejected": ["DeploymentNumber.type"],
        "RestJsonPathIntegerUnderflowOverflow": ["DeploymentNumber.type"],
    },
    "connect:UpdateTestCase": {"RestJsonHeaderTimestampDefaultRejectsDateTime": ["LastModifiedTime.type"]},
    "groundstation:ListGroundStationReservations": {
        "RestJsonQueryTimestampEpochRejectsHttpDate": ["endTime.type", "startTime.type"],
        "RestJsonQueryIntegerMalformedValueRejected": ["maxResults.type"],
    },
    "geo-maps:GetStaticMap": {
        "RestJsonQueryFloatMalformedValueRejected": ["Zoom.type"],
        "RestJsonQueryLongUnderflowOverflow": ["Radius.type"],
        "RestJsonQueryBooleanStringCoercion": ["CropLabels.type"],
    },
    "kafka:DescribeConfigurationRevision": {"RestJsonPathLongMalformedValueRejected": ["Revision.type"]},
    "appconfig:CreateDeploymentStrategy": {
        "RestJsonBodyFloatMalformedValueRejected": ["Body.json", "GrowthFactor.type"],
        "RestJsonInvalidJsonBody": ["Body.json"],
        "RestJsonTechnicallyValidJsonBody": ["Body.type"],
    },
    "amp:CreateAlertManagerDefinition": {
        "RestJsonBodyMalformedBlobInvalidBase64": ["Body.json", "data.type"]
    },
    "accessanalyzer:CreateAccessPreview": {},  # unions: checked by kind below
    # A structure payload: its members are the body's own.
    "pinpoint:UpdateApnsChannel": {"RestJsonBodyBooleanStringCoercion": ["APNSChannelRequest.Enabled.type"]},
}


def _smithy_value_is_invalid(contract: Contract, case: Any) -> None:
    """The Smithy value in ``case`` breaks its constraint under every reading, read from the request."""
    from conformance.strategies.smithy import NOT_JSON, parse_strict

    constraint_id = case.constraint_id
    if constraint_id == "Body.json":
        assert parse_strict(case.request.body.decode("utf-8")) is NOT_JSON, case.reason
        return
    if constraint_id == "Body.type":
        assert not isinstance(json.loads(case.request.body), dict), case.reason
        return
    constraint = contract.constraints[constraint_id]
    member = contract.member(constraint.path)
    steps = [contract.member(p) for p in _chain(constraint.path)]
    top = steps[0]
    if top.location in ("uri", "querystring", "header"):
        texts = [unquote(case.request.path)] + [v for _, v in case.request.query + case.request.headers]
        wrong = [t for t in texts if not _text_fits(member, t, top.location)]
        assert wrong, case.reason
        return
    document = parse_strict(case.request.body.decode("utf-8"))
    assert document is not NOT_JSON, case.reason
    if constraint.kind == "union":
        unions = list(_values_at(contract, document, constraint.path))
        assert any(sum(v is not None for v in u.values()) != 1 for u in unions if isinstance(u, dict)), unions
        return
    values = list(_values_at(contract, document, constraint.path))
    assert values and any(not _json_kind_fits(member, v) for v in values), (case.reason, values)


def _chain(path: str) -> list[str]:
    from conformance.strategies.operation.placement import chain

    return chain(path)


def _values_at(contract: Contract, document: Any, path: str) -> Any:
    """Every JSON value at a contract path in a body (every item and entry on the way)."""
    values = [document]
    for index, step_path in enumerate(_chain(path)):
        member = contract.member(step_path)
        if index == 0 and member.location == "payload":
            continue  # a payload member is the body itself
        found = []
        for holder in values:
            if step_path.endswith("[]") and isinstance(holder, list):
                found += holder
            elif step_path.endswith(".<value>") and isinstance(holder, dict):
                found += list(holder.values())
            elif isinstance(holder, dict) and member.on_the_wire in holder:
                found.append(holder[member.on_the_wire])
        values = found
    return values


@pytest.mark.parametrize("name", sorted(SMITHY_OPERATIONS))
def test_smithy_cases_apply_wherever_the_binding_and_type_are(name: str) -> None:
    strategies = OperationStrategies(load_operation(name))
    applying = strategies.smithy_cases_applying()
    for case_id, ids in SMITHY_OPERATIONS[name].items():
        assert set(ids) <= set(applying.get(case_id, [])), (case_id, applying.get(case_id))
    sent: dict[str, int] = {}
    for constraint_ids in {cid for ids in applying.values() for cid in ids}:
        for case in strategies.boundary_cases(constraint_ids):
            if not case.smithy:
                continue
            assert not case.valid and case.constraint_id == constraint_ids
            _smithy_value_is_invalid(strategies.contract, case)
            for case_id in case.smithy:
                sent[case_id] = sent.get(case_id, 0) + 1
    assert set(sent) == set(applying)
    # Every applying value is sent once per member: the catalogue is deterministic.
    again = [
        c.case_id
        for cid in {i for ids in applying.values() for i in ids}
        for c in strategies.boundary_cases(cid)
    ]
    assert len(again) == len(set(again))


def test_smithy_union_cases_break_the_union() -> None:
    strategies = OperationStrategies(load_operation("accessanalyzer:CreateAccessPreview"))
    applying = strategies.smithy_cases_applying()
    for case_id in (
        "RestJsonMalformedUnionMultipleFieldsSet",
        "RestJsonMalformedUnionEmptyObjectNoFieldsSet",
    ):
        assert applying[case_id] and all(cid.endswith(".union") for cid in applying[case_id])
    assert all(cid.endswith(".type") for cid in applying["RestJsonMalformedUnionValueIsArray"])
    assert "RestJsonMalformedUnionKnownAndUnknownFieldsSet" not in applying  # ambiguous: left out
    cid = applying["RestJsonMalformedUnionMultipleFieldsSet"][0]
    cases = [c for c in strategies.boundary_cases(cid) if c.smithy]
    assert cases
    for case in cases:
        _smithy_value_is_invalid(strategies.contract, case)


def test_invalid_requests_draw_the_smithy_values_among_their_faults() -> None:
    from hypothesis import find

    strategies = OperationStrategies(load_operation("appconfig:StopDeployment"))
    found = find(
        strategies.invalid_requests("AllowRevert.type"),
        lambda r: "RestJsonHeaderBooleanStringCoercion" in r.smithy,
        settings=settings(QUICK, max_examples=200),
    )
    assert found.constraint_id == "AllowRevert.type"
    assert found.request.header("Allow-Revert") not in ("true", "false")
    assert found.request.path.startswith("/applications/")


def test_a_sparse_collections_null_item_is_no_type_fault() -> None:
    """The sparse trait is the list's or map's, not its item's: rds-data's BooleanArray may hold null,
    so no null is sent there as a fault; a dense list's item still gets one."""
    from conformance.strategies.operation import faults

    contract = load_operation("rds-data:BatchExecuteStatement")
    sparse = contract.member("parameterSets[][].value.arrayValue.booleanValues[]")
    dense = contract.member("parameterSets[]")
    assert contract.member("parameterSets[][].value.arrayValue.booleanValues").sparse
    names = [v.label for v in faults._type(contract, sparse, sparse.constraints["type"])]
    assert "JSON null" not in names
    names = [v.label for v in faults._type(contract, dense, dense.constraints["type"])]
    assert "JSON null" in names


def test_a_sparse_collection_draws_null_only_where_botocore_can_write_it() -> None:
    """rds-data's sparse DoubleArray: botocore's serializer raises on a null double (``float(None)``), which
    made one drawn request in a few fail to build; a sparse StringArray's null it writes as ``null``."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    from conformance.strategies.operation.values import ValueStrategies

    values = ValueStrategies(load_operation("rds-data:BatchExecuteStatement"))
    array = "parameterSets[][].value.arrayValue"
    assert None in find(values.of(f"{array}.stringValues"), lambda v: None in v, settings=QUICK)
    with pytest.raises(NoSuchExample):
        find(
            values.of(f"{array}.doubleValues"),
            lambda v: None in v,
            settings=settings(QUICK, max_examples=200),
        )


def test_required_members_are_also_carried_under_names_that_differ_in_case() -> None:
    """Any operation: each required member of the JSON body, at every depth, is sent under each case-only
    variant of its wire name (renamed in the serialized body), as a fault of its ``required``."""
    from conformance.strategies.catalogue import name_variants

    strategies = OperationStrategies(load_operation("scheduler:CreateSchedule"))
    contract = strategies.contract
    cases = {case.case_id: case for case in strategies.boundary_cases()}
    required = [m for m in contract.members.values() if m.required and m.location == "body"]
    assert {m.path for m in required} >= {
        "ScheduleExpression",
        "Target",
        "Target.Arn",
        "FlexibleTimeWindow.Mode",
    }
    for member in required:
        for name in name_variants(member.on_the_wire):
            case = cases[f"{member.path}.required[named {name}]"]
            assert not case.valid and f'"{name}": '.encode() in case.request.body


def test_any_operation_sends_valid_values_next_to_its_patterns_edges() -> None:
    """Each end of each class's ASCII ranges (the flagship's ``valid_neighbours``), valid, for a pattern
    the grammar reads: scheduler's Name ``^[0-9a-zA-Z-_.]+$`` from ``-`` to ``z``."""
    strategies = OperationStrategies(load_operation("scheduler:CreateSchedule"))
    cases = {case.case_id: case for case in strategies.boundary_cases()}
    ends = [case for case_id, case in cases.items() if case_id.startswith("Name.pattern[range end ")]
    assert {case.case_id for case in ends} >= {
        f"Name.pattern[range end {end!r} in part 1]" for end in ("0", "9", "A", "Z", "a", "z")
    }
    assert all(case.valid for case in ends)
