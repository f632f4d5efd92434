"""Read the operations' contracts out of the official service model that botocore ships.

This is the other side of the drift check: ``spec/contract.json`` is the suite's own copy of the
contract, and :func:`model_constraints` derives the same records from botocore, so that a test can
compare the two and name every constraint that moved.  ``spec/lifecycle.json`` is the same for the
operations that show what a create made (GetWorkflow, ListWorkflows, DeleteWorkflow), read by the same
walk with ids that start with the operation's name, and derived whole: it has no hand-written part.
``python -m conformance.spec.botocore_model --write`` rewrites both, keeping contract.json's provenance
and notes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.spec.paths import ITEM, KEY, REQUEST_ROOT, RESPONSE_ROOT, VALUE, child_of

SERVICE = "customer-profiles"
OPERATION = "CreateIntegrationWorkflow"
CONTRACT_PATH = Path(__file__).with_name("contract.json")
LIFECYCLE_OPERATIONS = ("GetWorkflow", "ListWorkflows", "DeleteWorkflow")
LIFECYCLE_PATH = Path(__file__).with_name("lifecycle.json")
# Where a member travels when it isn't in the body; any other member is where its parent is.
_BOUND_LOCATIONS = ("uri", "querystring", "header", "headers", "statusCode")

# Smithy shape type -> the kind of length/size/range constraint its min and max express (a blob's length is
# counted in bytes, a string's in code points).
_BOUND_KINDS = {
    "string": ("minLength", "maxLength"),
    "blob": ("minLength", "maxLength"),
    "list": ("minItems", "maxItems"),
    "map": ("minItems", "maxItems"),
    **{number: ("minimum", "maximum") for number in ("byte", "short", "integer", "long", "float", "double")},
}
_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")


def _operation_model(service_model: Any = None, operation: str = OPERATION) -> Any:
    if service_model is None:
        import botocore.session

        service_model = botocore.session.get_session().get_service_model(SERVICE)
    return service_model.operation_model(operation)


def _child_path(parent: str, name: str, prefix: str) -> str:
    # Request members live at the top level of their ids (``RoleArn.pattern``, or with the operation's
    # prefix ``GetWorkflow.WorkflowId.pattern``), as users read them.
    # A member named like the root itself (a payload called ``Body``) keeps the root in front.
    at_top = parent == prefix + REQUEST_ROOT and name != REQUEST_ROOT
    return prefix + name if at_top else child_of(parent, name)


def _type_name(shape: Any) -> str:
    """The Smithy type: botocore calls documents and unions structures, and says which in the metadata."""
    if shape.type_name == "structure" and shape.metadata.get("document"):
        return "document"
    if shape.type_name == "structure" and shape.metadata.get("union"):
        return "union"
    return shape.type_name


def _bindings(shape: Any, name: str | None, greedy: frozenset[str]) -> dict[str, Any]:
    """What the member record says beyond path, shape, type and location, each only where it is not the
    default: the name on the wire (a URI label, a query key, a header, a prefix of headers or a JSON member
    name), an explicit timestamp format, and the traits a generator or a judge must honour."""
    serialization = shape.serialization
    extra: dict[str, Any] = {}
    if name is not None and serialization.get("name", name) != name:
        extra["wire_name"] = serialization["name"]
    if "timestampFormat" in serialization:
        extra["timestamp_format"] = serialization["timestampFormat"]
    flags = {
        "idempotency_token": bool(shape.metadata.get("idempotencyToken")),
        "sparse": bool(getattr(shape, "_shape_model", {}).get("sparse")),
        "streaming": bool(
            serialization.get("streaming")
            or shape.type_name == "blob"
            and getattr(shape, "_shape_model", {}).get("streaming")
        ),
        "json_value": bool(serialization.get("jsonvalue")),
        "greedy": name is not None
        and serialization.get("location") == "uri"
        and serialization.get("name", name) in greedy,
        "event_stream": bool(serialization.get("eventstream")),
        "host_label": bool(serialization.get("hostLabel")),
    }
    extra.update({flag: True for flag, on in flags.items() if on})
    return extra


@dataclass(frozen=True)
class _Node:
    """What the walk needs of one member's shape, read from botocore once per (parent shape, member):
    botocore builds its shape objects anew on every access, and the largest models (quicksight's
    definitions) reach the same shapes on tens of thousands of paths."""

    shape: str
    kind: str
    extra: dict[str, Any]
    bounds: tuple[tuple[str, Any], ...]  # (constraint kind, value) beyond type and required
    # (step, child, required, bound location or None, is the payload) for each child, in the model's order
    children: tuple[tuple[str, Any, bool, str | None, bool], ...]


def _node(shape: Any, name: str | None, greedy: frozenset[str]) -> _Node:
    kind = _type_name(shape)
    meta = shape.metadata
    low, high = _BOUND_KINDS.get(shape.type_name, ("min", "max"))
    bounds: list[tuple[str, Any]] = []
    if "min" in meta:
        bounds.append((low, meta["min"]))
    if "max" in meta:
        bounds.append((high, meta["max"]))
    if "pattern" in meta:
        bounds.append(("pattern", meta["pattern"]))
    if "enum" in meta:
        bounds.append(("enum", list(meta["enum"])))
    children: list[tuple[str, Any, bool, str | None, bool]] = []
    if kind in ("structure", "union"):
        members = shape.members
        if kind == "union":
            # Smithy: a union has exactly one member set.
            bounds.append(("union", sorted(members)))
        payload = shape.serialization.get("payload")
        required = set(shape.required_members)
        for child_name, child in members.items():
            bound = child.serialization.get("location")
            children.append(
                (
                    child_name,
                    child,
                    child_name in required,
                    bound if bound in _BOUND_LOCATIONS else None,
                    child_name == payload,
                )
            )
    elif kind == "list":
        children.append((ITEM, shape.member, False, None, False))
    elif kind == "map":
        children.append((KEY, shape.key, False, None, False))
        children.append((VALUE, shape.value, False, None, False))
    return _Node(shape.name, kind, _bindings(shape, name, greedy), tuple(bounds), tuple(children))


def _walk(
    shape: Any,
    path: str,
    prefix: str,
    required: bool,
    location: str,
    name: str | None = None,
    greedy: frozenset[str] = frozenset(),
    seen: tuple[str, ...] = (),
    nodes: dict[tuple[str | None, str], _Node] | None = None,
    parent: str | None = None,
) -> Iterator[tuple[dict, list]]:
    """Yield (member record, constraint records) for ``shape`` and everything under it.  A structure that
    holds itself (a filter of filters) is walked once on each path: the second time it is a leaf marked
    ``recursive``, which generators leave out and judges take as it comes."""
    nodes = {} if nodes is None else nodes
    key = (parent, name or "")
    node = nodes.get(key)
    if node is None:
        node = nodes[key] = _node(shape, name, greedy)
    kind = node.kind
    member = {"path": path, "shape": node.shape, "type": kind, "location": location, **node.extra}
    recursive = kind in ("structure", "union") and node.shape in seen
    if recursive:
        member["recursive"] = True
    constraints: list[dict] = [{"path": path, "kind": "type", "value": kind}]
    if required:
        constraints.append({"path": path, "kind": "required", "value": True})
    for bound, value in node.bounds:
        if bound != "union" or not recursive:
            constraints.append({"path": path, "kind": bound, "value": value})
    yield member, constraints
    if recursive:
        return
    inner = (*seen, node.shape) if kind in ("structure", "union") else seen
    for step, child, child_required, bound, is_payload in node.children:
        if kind in ("structure", "union"):
            child_path, child_name = _child_path(path, step, prefix), step
            child_location = bound or ("payload" if is_payload else location)
        else:
            child_path = child_of(path, step)
            child_name, child_location = None, location
        yield from _walk(
            child,
            child_path,
            prefix,
            child_required,
            child_location,
            child_name,
            greedy,
            inner,
            nodes,
            f"{node.shape}{'' if child_name else step}",
        )


def _errors(op: Any) -> list[dict]:
    errors = []
    for shape in op.error_shapes:
        error = shape.metadata.get("error", {})
        # An error the model gives no status is a client error (botocore's and Smithy's default).
        record = {
            "name": shape.name,
            "status": error.get("httpStatusCode", 400),
            "documentation": _plain(shape.documentation),
        }
        if error.get("code", shape.name) != shape.name:  # the code on the wire, where it is not the name
            record["code"] = error["code"]
        errors.append(record)
    return sorted(errors, key=lambda error: (error["status"], error["name"]))


def _members_and_constraints(op: Any, prefix: str) -> tuple[list[dict], list[dict]]:
    members: list[dict] = []
    constraints: list[dict] = []
    greedy = frozenset(name for name, plus in _LABEL.findall(op.http.get("requestUri", "")) if plus)
    for root, shape, location in (
        (REQUEST_ROOT, op.input_shape, "body"),
        (RESPONSE_ROOT, op.output_shape, "response"),
    ):
        if shape is None:  # an operation without input or output: an empty structure
            members.append({"path": prefix + root, "shape": "", "type": "structure", "location": location})
            constraints.append({"path": prefix + root, "kind": "type", "value": "structure"})
            continue
        for member, member_constraints in _walk(shape, prefix + root, prefix, False, location, None, greedy):
            members.append(member)
            constraints.extend(member_constraints)
    for record in constraints:
        record["id"] = f"{record['path']}.{record['kind']}"
    return members, constraints


def model_contract(service_model: Any = None, operation: str = OPERATION) -> dict[str, Any]:
    """The members, constraints and errors of an operation (the flagship unless named), as the official
    model states them; ``service_model`` is botocore's (customer-profiles' unless given)."""
    op = _operation_model(service_model, operation)
    members, constraints = _members_and_constraints(op, "")
    metadata = op.service_model.metadata
    return {
        "service": op.service_model.service_name,
        "operation": op.name,
        "http": {"method": op.http["method"], "uri": op.http["requestUri"]},
        "signing_name": metadata.get("signingName") or metadata.get("endpointPrefix"),
        "members": members,
        "constraints": constraints,
        "errors": _errors(op),
    }


def model_operation(operation: str, service_model: Any = None) -> dict[str, Any]:
    """One lifecycle operation as the model states it: binding, members, constraints with ids prefixed
    ``<operation>.``, success status and errors."""
    op = _operation_model(service_model, operation)
    members, constraints = _members_and_constraints(op, f"{operation}.")
    inputs = {
        name: {
            "location": shape.serialization.get("location", "body"),
            "name": shape.serialization.get("name", name),
        }
        for name, shape in op.input_shape.members.items()
    }
    return {
        "http": {"method": op.http["method"], "uri": op.http["requestUri"]},
        "success": {"status": int(op.http.get("responseCode", 200))},
        "inputs": inputs,
        "members": members,
        "constraints": constraints,
        "errors": _errors(op),
    }


def model_lifecycle(service_model: Any = None) -> dict[str, Any]:
    """The contract of the lifecycle operations, as ``spec/lifecycle.json`` holds it."""
    operations = {name: model_operation(name, service_model) for name in LIFECYCLE_OPERATIONS}
    signing = _operation_model(service_model).service_model.metadata.get("signingName")
    return {"service": SERVICE, "signing_name": signing, "operations": operations}


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


def lifecycle_drift(ours: dict[str, Any], model: dict[str, Any]) -> list[str]:
    """Every difference between ``lifecycle.json``'s data and ``model_lifecycle()``'s, one line each: a
    constraint by its id, else the operation and the part of it (binding, inputs, errors, members)."""
    mine = {c["id"]: c for op in ours["operations"].values() for c in op["constraints"]}
    theirs = {c["id"]: c for op in model["operations"].values() for c in op["constraints"]}
    problems = []
    for cid, record in theirs.items():
        if cid not in mine:
            problems.append(f"{cid}: in the model ({record['value']!r}), missing from lifecycle.json")
        elif mine[cid]["value"] != record["value"]:
            problems.append(
                f"{cid}: the model says {record['value']!r}, lifecycle.json says {mine[cid]['value']!r}"
            )
    problems += [f"{cid}: in lifecycle.json, not in the model" for cid in mine if cid not in theirs]
    for name in sorted(set(ours["operations"]) | set(model["operations"])):
        if name not in ours["operations"] or name not in model["operations"]:
            problems.append(
                f"{name}: in {'the model' if name in model['operations'] else 'lifecycle.json'} only"
            )
            continue
        op, fresh = ours["operations"][name], model["operations"][name]
        for part in sorted(set(op) | set(fresh)):
            if part == "constraints":
                continue
            left, right = op.get(part), fresh.get(part)
            if part == "errors":  # the documentation's words may be reworded; the names and statuses count
                left = [(e["name"], e["status"]) for e in left or ()]
                right = [(e["name"], e["status"]) for e in right or ()]
            if left != right:
                problems.append(f"{name}.{part}: the model says {right!r}, lifecycle.json says {left!r}")
    for key in ("service", "signing_name"):
        if ours.get(key) != model.get(key):
            problems.append(
                f"{key}: the model says {model.get(key)!r}, lifecycle.json says {ours.get(key)!r}"
            )
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


def write_lifecycle(path: Path = LIFECYCLE_PATH) -> None:
    path.write_text(json.dumps(model_lifecycle(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"rewrite {CONTRACT_PATH.name} and {LIFECYCLE_PATH.name} from the model",
    )
    parser.add_argument(
        "--lifecycle", action="store_true", help=f"print what {LIFECYCLE_PATH.name} would hold instead"
    )
    args = parser.parse_args(argv)
    if args.write:
        _regenerate(CONTRACT_PATH)
        print(f"wrote {CONTRACT_PATH}")
        write_lifecycle()
        print(f"wrote {LIFECYCLE_PATH}")
    else:
        json.dump(model_lifecycle() if args.lifecycle else model_contract(), sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
