"""Read the operation's contract out of the official service model that botocore ships.

This is the other side of the drift check: ``spec/contract.json`` is the suite's own copy of the
contract, and :func:`model_constraints` derives the same records from botocore, so that a test can
compare the two and name every constraint that moved.  ``python -m spec.botocore_model`` rewrites
``contract.json`` from the model, keeping the hand-written provenance and notes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SERVICE = "customer-profiles"
OPERATION = "CreateIntegrationWorkflow"
REQUEST_ROOT = "Body"
RESPONSE_ROOT = "Response"
CONTRACT_PATH = Path(__file__).with_name("contract.json")

# Smithy shape type -> the kind of length/size/range constraint its min and max express.
_BOUND_KINDS = {
    "string": ("minLength", "maxLength"),
    "list": ("minItems", "maxItems"),
    "map": ("minItems", "maxItems"),
    "long": ("minimum", "maximum"),
    "integer": ("minimum", "maximum"),
}


def _operation_model(service_model: Any = None) -> Any:
    if service_model is None:
        import botocore.session

        service_model = botocore.session.get_session().get_service_model(SERVICE)
    return service_model.operation_model(OPERATION)


def _child_path(parent: str, name: str, root: str) -> str:
    # Request members live at the top level of their ids (``RoleArn.pattern``), as users read them.
    return name if parent == root and root == REQUEST_ROOT else f"{parent}.{name}"


def _walk(shape: Any, path: str, root: str, required: bool, location: str) -> Iterator[tuple[dict, list]]:
    """Yield (member record, constraint records) for ``shape`` and everything under it."""
    member = {"path": path, "shape": shape.name, "type": shape.type_name, "location": location}
    constraints: list[dict] = [{"path": path, "kind": "type", "value": shape.type_name}]
    if required:
        constraints.append({"path": path, "kind": "required", "value": True})
    meta = shape.metadata
    low, high = _BOUND_KINDS.get(shape.type_name, ("min", "max"))
    if "min" in meta:
        constraints.append({"path": path, "kind": low, "value": meta["min"]})
    if "max" in meta:
        constraints.append({"path": path, "kind": high, "value": meta["max"]})
    if "pattern" in meta:
        constraints.append({"path": path, "kind": "pattern", "value": meta["pattern"]})
    if "enum" in meta:
        constraints.append({"path": path, "kind": "enum", "value": list(meta["enum"])})
    yield member, constraints

    if shape.type_name == "structure":
        for name, child in shape.members.items():
            child_location = child.serialization.get("location", location)
            child_location = "uri" if child_location == "uri" else location
            yield from _walk(
                child, _child_path(path, name, root), root, name in shape.required_members, child_location
            )
    elif shape.type_name == "list":
        yield from _walk(shape.member, f"{path}[]", root, False, location)
    elif shape.type_name == "map":
        yield from _walk(shape.key, f"{path}.<key>", root, False, location)
        yield from _walk(shape.value, f"{path}.<value>", root, False, location)


def model_contract(service_model: Any = None) -> dict[str, Any]:
    """The members, constraints and errors of the operation, as the official model states them."""
    op = _operation_model(service_model)
    members: list[dict] = []
    constraints: list[dict] = []
    for root, shape, location in (
        (REQUEST_ROOT, op.input_shape, "body"),
        (RESPONSE_ROOT, op.output_shape, "response"),
    ):
        for member, member_constraints in _walk(shape, root, root, False, location):
            members.append(member)
            constraints.extend(member_constraints)
    for record in constraints:
        record["id"] = f"{record['path']}.{record['kind']}"
    errors = [
        {
            "name": shape.name,
            "status": shape.metadata["error"]["httpStatusCode"],
            "documentation": _plain(shape.documentation),
        }
        for shape in op.error_shapes
    ]
    return {
        "service": SERVICE,
        "operation": OPERATION,
        "http": {"method": op.http["method"], "uri": op.http["requestUri"]},
        "signing_name": op.service_model.metadata.get("signingName"),
        "members": members,
        "constraints": constraints,
        "errors": sorted(errors, key=lambda error: error["status"]),
    }


def model_constraints(service_model: Any = None) -> dict[str, dict]:
    """Constraint id -> record, from the official model."""
    return {record["id"]: record for record in model_contract(service_model)["constraints"]}


def drift(contract: Any, model: dict[str, dict]) -> list[str]:
    """Every difference between ``contract`` (a ``spec.Contract``) and the model's constraints that the
    contract does not list as intentional, one line each, naming the constraint."""
    ours = contract.constraints
    intentional = {d["id"]: d["change"] for d in contract.intentional_differences}
    problems = []
    for cid, record in model.items():
        if cid not in ours:
            problems.append(f"{cid}: in the model ({record['value']!r}), missing from spec")
        elif ours[cid].value != record["value"] and intentional.get(cid) != "changed":
            problems.append(f"{cid}: the model says {record['value']!r}, spec says {ours[cid].value!r}")
    for cid in ours:
        if cid not in model and intentional.get(cid) != "added":
            problems.append(f"{cid}: in spec, not in the model, and not listed as an intentional addition")
    return problems


def _plain(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html or "")).strip()


def _regenerate(path: Path) -> None:
    """Rewrite contract.json from the model, keeping provenance, notes and additions made by hand."""
    fresh = model_contract()
    old = json.loads(path.read_text()) if path.exists() else {}
    old_constraints = {c["id"]: c for c in old.get("constraints", [])}
    for record in fresh["constraints"]:
        kept = old_constraints.get(record["id"], {})
        record["sources"] = kept.get("sources", ["model"])
        if "note" in kept:
            record["note"] = kept["note"]
    added = [c for c in old.get("constraints", []) if "model" not in c.get("sources", [])]
    fresh["constraints"].extend(added)
    for key in ("title", "page", "success", "page_differences", "intentional_differences", "timestamps"):
        if key in old:
            fresh[key] = old[key]
    path.write_text(json.dumps(fresh, indent=1, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {CONTRACT_PATH.name} from the model")
    args = parser.parse_args(argv)
    if args.write:
        _regenerate(CONTRACT_PATH)
        print(f"wrote {CONTRACT_PATH}")
    else:
        json.dump(model_contract(), sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
