"""Valid values where a member's binding asks more than its constraints (a required document or payload,
a label of the host prefix), candidates of patterns the grammar cannot read held to their length bounds,
and the verdicts ``tests.sample_operations`` gives a run.  Each test names the operation whose run the
embedded reference once failed or skipped falsely.
"""

from __future__ import annotations

import copy
import re
import time
from itertools import islice
from typing import Any

import pytest
from botocore.serialize import HOST_PREFIX_RE
from hypothesis import HealthCheck, find, given, settings

from conformance.spec.contract import Contract
from conformance.spec.operation import load_operation
from conformance.strategies.operation import OperationStrategies, canonical_value, readings, to_wire
from conformance.strategies.operation.canonical import pattern_examples
from conformance.strategies.operation.faults import NEAR_MISS_BASE_MAX
from conformance.strategies.operation.regex_sampler import candidates
from conformance.strategies.operation.values import DOCUMENTS, ValueStrategies
from tests.sample_operations import FAILED, PASSED, SKIPPED, judge_run

DRAWS = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def _with_constraint(name: str, path: str, kind: str, value: Any = True) -> Contract:
    """The operation's contract with one more constraint: a binding the installed models have nowhere
    else, on a member that has every other trait it needs."""
    data = copy.deepcopy(load_operation(name).data)
    data["constraints"].append({"id": f"{path}.{kind}", "path": path, "kind": kind, "value": value})
    return Contract(data)


def _without_constraint(name: str, constraint_id: str) -> Contract:
    data = copy.deepcopy(load_operation(name).data)
    data["constraints"] = [c for c in data["constraints"] if c["id"] != constraint_id]
    return Contract(data)


# -- documents: never null at their own level --------------------------------------------------------------
def test_a_document_is_never_null_where_null_means_absent() -> None:
    """opensearch's CreateIndex requires the document IndexSchema; bedrock-agentcore-control's
    UpdateDatasetExamples lists documents in a list that is not sparse.  botocore leaves a None member out
    and a null item is a type fault, so neither may be drawn as None."""
    index = OperationStrategies(load_operation("opensearch:CreateIndex"))
    examples = OperationStrategies(load_operation("bedrock-agentcore-control:UpdateDatasetExamples"))

    @DRAWS
    @given(index.valid_params(), examples.valid_params())
    def check(index_params: dict[str, Any], examples_params: dict[str, Any]) -> None:
        assert index_params["IndexSchema"] is not None
        assert None not in examples_params.get("examples", [])

    check()


def test_a_document_still_holds_nulls_inside() -> None:
    def has_null_inside(value: Any) -> bool:
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        return any(item is None or has_null_inside(item) for item in items)

    assert find(DOCUMENTS, has_null_inside, settings=DRAWS) is not None


# -- payloads: a required one is never empty ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["iot-data:UpdateThingShadow", "bedrock-agentcore:InvokeAgentRuntime"])
def test_a_required_blob_payload_has_a_byte(name: str) -> None:
    """iot-data's UpdateThingShadow: an empty body reads as no payload, so b'' left the required member
    out; bedrock-agentcore's InvokeAgentRuntime even models the payload with a minimum length of 0."""
    contract = load_operation(name)
    strategies = OperationStrategies(contract)

    @DRAWS
    @given(strategies.valid_params())
    def check(params: dict[str, Any]) -> None:
        assert params["payload"], params
        assert to_wire(contract, params).body

    check()


def test_a_required_string_payload_has_a_character() -> None:
    """No installed model requires a string payload: dataexchange's SendApiAsset, with its payload made
    required, stands in."""
    contract = _with_constraint("dataexchange:SendApiAsset", "Body.Body", "required")
    values = ValueStrategies(contract)

    @DRAWS
    @given(values.of("Body"))
    def check(params: dict[str, Any]) -> None:
        assert params["Body"], params

    check()


# -- labels of the host prefix -------------------------------------------------------------------------------
def test_a_host_label_member_gets_its_faults_without_a_hostname() -> None:
    """neptune-graph's ExecuteQuery puts graphIdentifier into a header and into the model's host prefix;
    botocore's host-label check refused the near misses and the missing member while the catalogue was
    built, an error at collection.  The suite sends to the target's URL: the header carries the value."""
    strategies = OperationStrategies(load_operation("neptune-graph:ExecuteQuery"))
    cases = {case.case_id: case for case in strategies.boundary_cases()}
    assert cases["graphIdentifier.required[absent]"].request.header("graphIdentifier") is None
    misses = [case for case in cases.values() if case.case_id.startswith("graphIdentifier.pattern[near")]
    sent = [case.request.header("graphIdentifier") for case in misses]
    assert any(not HOST_PREFIX_RE.match(value) for value in sent), sent


def test_a_host_label_is_drawn_with_host_characters_only() -> None:
    """A valid request is one an SDK sends: botocore refuses a host label outside ``[A-Za-z0-9.-]+`` (the
    empty one too).  graphIdentifier without its pattern stands in for a host label the pattern leaves
    wide open."""
    contract = _without_constraint("neptune-graph:ExecuteQuery", "graphIdentifier.pattern")
    assert contract.member("graphIdentifier").host_label
    values = ValueStrategies(contract)
    assert HOST_PREFIX_RE.match(canonical_value(contract, "graphIdentifier"))

    @DRAWS
    @given(values.of("Body"))
    def check(params: dict[str, Any]) -> None:
        assert HOST_PREFIX_RE.match(params["graphIdentifier"]), params["graphIdentifier"]

    check()


# -- candidates of patterns the grammar cannot read --------------------------------------------------------
def test_candidates_meet_the_length_bounds() -> None:
    """iot's DeleteCACertificate: a certificateId of exactly 64 characters matching '(0x)?[a-fA-F0-9]+';
    random repeat counts never came to 64, and the operation was skipped as having no valid request."""
    for pattern, low, high in (
        ("(0x)?[a-fA-F0-9]+", 64, 64),
        ("^(a|bb|ccc)+$", 7, 7),
        ("([A-Za-z0-9])+", 25, 25),
        ("[a-z]{2,4}(-[a-z]{2,4})*", 40, 44),
    ):
        found = list(islice(candidates(pattern, low, high), 20))
        held = [value for value in found if low <= len(value) <= high and readings.is_valid(pattern, value)]
        assert len(held) == len(found), (pattern, [v for v in found if v not in held])
    assert pattern_examples("(0x)?[a-fA-F0-9]+", 64, 64)
    strategies = OperationStrategies(load_operation("iot:DeleteCACertificate"))
    assert strategies.cannot_draw_valid is None


def test_candidates_without_bounds_walk_as_they_did() -> None:
    """Steering changes no choice where the bounds leave room: the same seeded walk, value for value."""
    found = list(islice(candidates("[a-z]+(-[a-z0-9]+)*"), 6))
    assert found == list(islice(candidates("[a-z]+(-[a-z0-9]+)*", 0, 10**6), 6))
    assert all(re.fullmatch("[a-z]+(-[a-z0-9]+)*", value) for value in found)


# -- the sample's verdicts ---------------------------------------------------------------------------------
SKIPPED_RUN = """\
ssss                                                                     [100%]
=========================== short test summary info ============================
SKIPPED [1] ../conformance/properties/test_operation.py:62: got empty parameter set for (constraint_id)
SKIPPED [1] ../conformance/properties/test_operation.py:55: no valid request can be built: certificateId
SKIPPED [1] ../conformance/properties/test_operation.py:102: the operation has no JSON body to break
4 skipped in 0.18s
"""


def test_a_run_that_skipped_everything_is_neither_pass_nor_failure() -> None:
    verdict, summary = judge_run(0, SKIPPED_RUN)
    assert verdict == SKIPPED
    assert summary == "4 skipped in 0.18s | skipped: no valid request can be built: certificateId"


def test_a_runs_counts_show_its_skips() -> None:
    verdict, summary = judge_run(0, "....s\n23 passed, 1 skipped in 1.52s\n")
    assert (verdict, summary) == (PASSED, "23 passed, 1 skipped in 1.52s")
    failed = "FAILED properties/test_operation.py::test_valid_request_is_accepted - Broken\n"
    verdict, summary = judge_run(1, failed + "1 failed, 23 passed, 1 skipped in 1.52s\n")
    assert verdict == FAILED and summary.startswith("1 failed, 23 passed, 1 skipped in 1.52s | FAILED")
    verdict, summary = judge_run(2, "ERROR properties/test_operation.py - botocore\n1 error in 0.24s\n")
    assert verdict == FAILED and summary.startswith("1 error in 0.24s | ERROR")


def test_near_misses_of_a_pattern_are_made_from_short_values() -> None:
    """migration-hub-refactor-spaces:PutResourcePolicy's Policy (up to 300,000 characters, ``^.*\\S.*$``):
    a near miss made of its longest valid value, with a newline in it, kept the pattern's readings
    backtracking for hours (the property run never started)."""
    strategies = OperationStrategies(load_operation("migration-hub-refactor-spaces:PutResourcePolicy"))
    started = time.monotonic()
    cases = strategies.boundary_cases()
    misses = [case for case in cases if case.case_id.startswith("Policy.pattern") and not case.valid]
    assert time.monotonic() - started < 10
    assert misses and all(len(case.request.body) <= NEAR_MISS_BASE_MAX + 100 for case in misses)


def test_a_fault_on_the_wire_needs_a_valid_value_to_stand_in_for() -> None:
    """bedrock:StartAutomatedReasoningPolicyBuildWorkflow (appflow's CreateFlow alike): a structure with a
    member no valid value is found for has no valid value either, and a fault on the wire (a JSON array
    in its place) serialized it as nothing: an error while the catalogue was built, at collection."""
    strategies = OperationStrategies(load_operation("bedrock:StartAutomatedReasoningPolicyBuildWorkflow"))
    cases = strategies.boundary_cases()
    assert cases and all(case.request.path for case in cases)
