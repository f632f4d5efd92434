"""spec/: the contract as data, its provenance, its drift from botocore's model, and its validator."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from conformance.spec import load_contract
from conformance.spec.botocore_model import drift, model_constraints, model_contract
from conformance.spec.validation import RequestValidator

CONTRACT = load_contract()
PAGE = (Path(__file__).parents[1] / "spec" / "reference-page.txt").read_text()


def test_the_contract_has_every_model_constraint_of_the_operation() -> None:
    from_model = [c for c in CONTRACT.constraints.values() if c.from_model]
    assert len(from_model) == 156
    kinds = {kind: sum(1 for c in from_model if c.kind == kind) for kind in {c.kind for c in from_model}}
    assert kinds["required"] == 26 and kinds["type"] == 66 and kinds["pattern"] == 21 and kinds["enum"] == 11
    assert kinds["maxLength"] + kinds["maxItems"] + kinds["maximum"] == 24
    assert kinds["minLength"] + kinds["minItems"] + kinds["minimum"] == 8


def test_drift_from_the_botocore_model_is_only_what_spec_lists_as_intentional() -> None:
    """Fails naming each constraint that the service's model added, removed or changed."""
    problems = drift(CONTRACT, model_constraints())
    assert not problems, "spec/ drifted from the botocore model:\n" + "\n".join(problems)


def test_drift_names_each_constraint_that_moved() -> None:
    model = copy.deepcopy(model_constraints())
    model["RoleArn.maxLength"]["value"] = 1024
    del model["Tags.minItems"]
    model["RoleArn.minLength"] = {
        "id": "RoleArn.minLength",
        "path": "RoleArn",
        "kind": "minLength",
        "value": 1,
    }
    problems = drift(CONTRACT, model)
    assert len(problems) == 3
    assert any(p.startswith("RoleArn.maxLength: the model says 1024, spec says 512") for p in problems)
    assert any(p.startswith("Tags.minItems: in spec, not in the model") for p in problems)
    assert any(p.startswith("RoleArn.minLength: in the model") for p in problems)


def test_members_errors_and_operation_match_the_model() -> None:
    fresh = model_contract()
    assert [m["path"] for m in fresh["members"]] == list(CONTRACT.members)
    assert {(e.name, e.status) for e in CONTRACT.errors} == {
        (e["name"], e["status"]) for e in fresh["errors"]
    }
    assert (CONTRACT.method, CONTRACT.uri, CONTRACT.signing_name) == (
        "POST",
        "/domains/{DomainName}/workflows/integrations",
        "profile",
    )


def test_contract_json_holds_exactly_what_the_model_walk_derives() -> None:
    """The walk is shared with the lifecycle operations (``spec/lifecycle.json``); for this operation it
    must give the very records contract.json holds: members as they are, constraints but for the
    provenance and notes written by hand."""
    fresh = model_contract()
    assert fresh["members"] == CONTRACT.data["members"]
    from_model = [c for c in CONTRACT.data["constraints"] if "model" in c["sources"]]
    assert [{k: c[k] for k in ("path", "kind", "value", "id")} for c in from_model] == fresh["constraints"]


def test_page_provenance_is_true_to_the_page() -> None:
    """Constraints marked as stated by the page carry a value the page's text shows."""
    for constraint in CONTRACT.constraints.values():
        if "page" not in constraint.sources or constraint.kind in ("type", "required"):
            continue
        value = constraint.value
        shown = value if isinstance(value, str) else str(value)
        if constraint.kind == "enum":
            shown = value[0]
        assert shown in PAGE, f"{constraint.id}: {shown!r} is not on the page"
    assert "Required: Yes" in PAGE and "Maximum number of 50 items" in PAGE


def test_page_differences_name_real_constraints_and_the_page_is_silent_on_them() -> None:
    ids = {d["id"] for d in CONTRACT.page_differences}
    assert "Tags.minItems" in ids
    for cid in ids:
        assert cid in CONTRACT.constraints
        assert "page" not in CONTRACT.constraints[cid].sources
    assert not re.search(r"Map Entries: Minimum", PAGE)


def test_every_constraint_has_a_stable_readable_id() -> None:
    for constraint in CONTRACT.constraints.values():
        assert constraint.id == f"{constraint.path}.{constraint.kind}"
    for example in (
        "RoleArn.pattern",
        "Tags.maxItems",
        "IntegrationConfig.AppflowIntegration.FlowDefinition.KmsArn.required",
    ):
        assert example in CONTRACT.constraints


VALIDATOR = RequestValidator()
MINIMAL = {
    "WorkflowType": "APPFLOW_INTEGRATION",
    "IntegrationConfig": {},
    "ObjectTypeName": "o",
    "RoleArn": "arn:aws:iam::1:",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"RoleArn": "nope"}, {"RoleArn.pattern"}),
        ({"RoleArn": "xarn:aws:iam::1:"}, set()),  # searched, the model's reading
        ({"WorkflowType": 5}, {"WorkflowType.type"}),  # the enum isn't judged on a mistyped value
        ({"WorkflowType": None}, {"WorkflowType.required"}),  # null reads as absent
        ({"Tags": {}}, {"Tags.minItems"}),
        ({"Tags": {"aws:x": "v"}}, {"Tags.<key>.pattern"}),
        ({"Tags": {"k": None}}, {"Tags.<value>.type"}),
        ({"Tags": None}, set()),
        ({"ObjectTypeName": "\U0001f44d" * 255}, {"ObjectTypeName.pattern"}),
        (
            {"IntegrationConfig": {"AppflowIntegration": {}}},
            {"IntegrationConfig.AppflowIntegration.FlowDefinition.required"},
        ),
    ],
)
def test_validator_reports_constraint_ids(change: dict, expected: set[str]) -> None:
    assert VALIDATOR.violated_ids("d", {**MINIMAL, **change}) == expected


def test_validator_counts_code_points() -> None:
    tags = {"k": "\U0001f44d" * 256}
    assert VALIDATOR.violated_ids("d", {**MINIMAL, "Tags": tags}) == set()
    tags = {"k": "\U0001f44d" * 257}
    assert VALIDATOR.violated_ids("d", {**MINIMAL, "Tags": tags}) == {"Tags.<value>.maxLength"}


def test_fullmatch_reading_rejects_search_only_values() -> None:
    strict = RequestValidator(semantics="fullmatch")
    assert strict.violated_ids("d", {**MINIMAL, "RoleArn": "xarn:aws:iam::1:"}) == {"RoleArn.pattern"}


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[1]x", b'{"a": NaN}', b"\xff", b'{"a": Infinity}', b"[" * 100000]
)
def test_unparseable_bodies_break_body_json(raw: bytes) -> None:
    body, violations = VALIDATOR.raw_body_violations(raw)
    assert body is None and [v.constraint_id for v in violations] == ["Body.json"]


def test_domain_violations() -> None:
    assert {v.constraint_id for v in VALIDATOR.domain_violations("a" * 65)} == {"DomainName.maxLength"}
    assert {v.constraint_id for v in VALIDATOR.domain_violations("a b")} == {"DomainName.pattern"}
    assert {v.constraint_id for v in VALIDATOR.domain_violations("ab\n")} == {"DomainName.pattern"}
    assert VALIDATOR.domain_violations("a" * 64) == []


def test_a_dialect_that_cannot_read_a_pattern_is_no_reading_of_it() -> None:
    """``(?s)`` is no ECMA-262, ``\\p{L}`` no Python ``re``: the dialects that read the pattern judge it,
    and a pattern no dialect reads makes no value valid or invalid."""
    from conformance.spec import patterns

    assert "ecma" not in patterns.readable_dialects("(?s).+")
    assert patterns.valid_in_every_reading("(?s).+", "ab")
    assert patterns.invalid_in_every_reading("(?s).+", "")
    assert "python" not in patterns.readable_dialects("^\\p{L}+$")
    assert patterns.invalid_in_every_reading("^\\p{L}+$", "1")
    assert patterns.readable_dialects("(") == ()
    assert not patterns.valid_in_every_reading("(", "(") and not patterns.invalid_in_every_reading("(", "x")
