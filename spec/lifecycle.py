"""Typed access to ``lifecycle.json``: GetWorkflow, ListWorkflows and DeleteWorkflow, the operations that
show whether a CreateIntegrationWorkflow really created something.

``lifecycle.json`` is derived whole from botocore's model by ``spec.botocore_model`` (the same walk as
``contract.json``, every id prefixed with its operation: ``GetWorkflow.WorkflowId.pattern``,
``ListWorkflows.Response.Items[].Status.enum``).  This module reads it and judges values against it:

* ``output_violations``: what in the JSON body of a success answer breaks the operation's output shape;
* ``input_violations``: what a URI label, query or body member value breaks;
* ``malformed_workflow_ids``: WorkflowIds that break one constraint of an operation, to send.

Both judges assert only what is unambiguous.  A pattern is broken only when no regex dialect finds it
anywhere in the value (``spec.patterns.invalid_in_every_reading``): Smithy's patterns are searched, not
anchored, and ``[\\w/!@#+=.-]+`` (ConnectorProfileName) takes a non-ASCII letter in Python's reading but
not in ECMA-262's, so any stricter reading would fail a correct implementation.  Lengths count code
points, as Smithy does.  A ``null`` structure member is an absent one (Smithy's rule); unknown members
are allowed (a newer model may have added them).

What the model says that may surprise: ListWorkflows is a POST (its filters travel in the body, its
paging in the query as ``max-results`` and ``next-token``); GetWorkflow's WorkflowId is a ``uuid`` whose
pattern ``[a-f0-9]{32}`` is not anchored, DeleteWorkflow's only a string of 1 to 255 characters, and the
WorkflowId of a ListWorkflows item is such a string too; nothing at the top of GetWorkflow's output is
required.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from conformance.spec import patterns
from conformance.spec.contract import expand_uri
from conformance.spec.paths import item_of, key_of, last_step, parent_path, value_of
from conformance.spec.validation import Violation

LIFECYCLE_FILE = Path(__file__).with_name("lifecycle.json")

# Smithy shape type -> the Python types of its JSON value; bool is an int to Python, so it is kept apart.
_JSON_VALUES: dict[str, tuple[type, ...]] = {
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "timestamp": (int, float),  # restJson1 body timestamps are epoch seconds: a JSON number
    "boolean": (bool,),
}
_JSON_NAMES = {
    "structure": "a JSON object",
    "map": "a JSON object",
    "list": "a JSON array",
    "string": "a JSON string",
    "integer": "a JSON integer",
    "long": "a JSON integer",
    "timestamp": "a JSON number (epoch seconds)",
    "boolean": "a JSON boolean",
}
# A value says as much as this of itself in a message.
_BRIEF = 60

# WorkflowIds one step from a well-formed ``[a-f0-9]{32}``, each URL-safe ASCII (so every length count
# agrees); kept only if it breaks a pattern in every reading (see ``malformed_workflow_ids``).
_PATTERN_NEAR_MISSES = (
    "nope",
    "01234567-89ab-cdef-0123-456789abcdef",  # a UUID in its 8-4-4-4-12 form: no 32 hex digits in a row
    "0123456789ABCDEF0123456789ABCDEF",  # upper case: a case-blind check takes it
    "0123456789abcdef0123456789abcde",  # one character short
    "0123456789abcdefg123456789abcdef",  # one letter past ``f``: no run of 32 is left
)


@dataclass(frozen=True)
class LifecycleOperation:
    """One operation's binding: method, URI template, success status, errors and where members go."""

    name: str
    method: str
    uri: str
    success_status: int
    errors: dict[str, int]  # error shape name -> HTTP status
    query: dict[str, str]  # member name -> query-string key (``MaxResults`` -> ``max-results``)
    labels: tuple[str, ...]  # members bound to URI labels
    body: tuple[str, ...]  # members carried in the JSON body

    def path(self, domain: str, workflow_id: str | None = None) -> str:
        """The request path, each label percent-encoded as botocore encodes it.  ``workflow_id`` fills a
        ``{WorkflowId}`` label and is ignored where the URI has none (ListWorkflows)."""
        return expand_uri(self.uri, {"DomainName": domain, "WorkflowId": workflow_id}, self.name)


class Lifecycle:
    """The lifecycle operations' contract, read from ``lifecycle.json``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.service: str = data["service"]
        self.signing_name: str = data["signing_name"]
        self.operations: dict[str, LifecycleOperation] = {}
        # Constraint id -> record (``id``, ``path``, ``kind``, ``value``) as the file has it; don't mutate.
        self.constraints: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}  # member path -> record (path, shape, type, location)
        for name, operation in data["operations"].items():
            inputs = operation["inputs"]
            self.operations[name] = LifecycleOperation(
                name=name,
                method=operation["http"]["method"],
                uri=operation["http"]["uri"],
                success_status=operation["success"]["status"],
                errors={error["name"]: error["status"] for error in operation["errors"]},
                query={m: i["name"] for m, i in inputs.items() if i["location"] == "querystring"},
                labels=tuple(m for m, i in inputs.items() if i["location"] == "uri"),
                body=tuple(m for m, i in inputs.items() if i["location"] == "body"),
            )
            for record in operation["members"]:
                self.members[record["path"]] = record
            for record in operation["constraints"]:
                if record["id"] in self.constraints:
                    raise ValueError(f"lifecycle.json: constraint id {record['id']} appears twice")
                if record["path"] not in self.members:
                    raise ValueError(f"lifecycle.json: {record['id']} names no member")
                self.constraints[record["id"]] = record
        self._rules: dict[str, dict[str, Any]] = {}  # member path -> kind -> value
        for record in self.constraints.values():
            self._rules.setdefault(record["path"], {})[record["kind"]] = record["value"]
        self._children: dict[str, list[str]] = {}
        for operation_name in self.operations:
            prefix = f"{operation_name}."
            for path in self.members:
                if path.startswith(prefix):
                    parent = parent_path(path.removeprefix(prefix))
                    if parent is not None:
                        self._children.setdefault(prefix + parent, []).append(path)

    def constraint_ids(self) -> list[str]:
        return list(self.constraints)

    # -- judging values -----------------------------------------------------------------------------------
    def output_violations(self, operation: str, body: Any) -> list[Violation]:
        """What the parsed JSON body of ``operation``'s success answer breaks, each violation at most once;
        ``[]`` when it conforms.  An empty HTTP body is the caller's to read (botocore reads it as ``{}``)."""
        return list(self._violations(self._operation_path(operation, "Response"), body, "Response"))

    def input_violations(self, operation: str, member: str, value: Any) -> list[Violation]:
        """What ``value`` for the input ``member`` (``WorkflowId``, ``MaxResults`` as an int, a body
        filter) breaks in every reading; the member's own ``required`` is not judged."""
        self._operation_path(operation, "Body")
        path = f"{operation}.{member}"
        if path not in self.members:
            raise KeyError(f"{operation} has no input member {member!r}")
        return list(self._violations(path, value, member))

    def malformed_workflow_ids(self, operation: str) -> list[tuple[str, str]]:
        """(WorkflowId, the constraint id it breaks) pairs for ``operation``: each value breaks that one
        constraint and nothing else, in every reading, and can be sent as a path segment (no empty or
        dot segment, no ``/``: those change the route, not the id)."""
        path = f"{operation}.WorkflowId"
        candidates: list[str] = []
        for kind, bound in self._rules.get(path, {}).items():
            if kind == "maxLength":
                candidates.append("a" * (bound + 1))
            elif kind == "minLength" and bound > 1:
                candidates.append("a" * (bound - 1))
            elif kind == "pattern":
                candidates.extend(_PATTERN_NEAR_MISSES)
        found = []
        for value in candidates:
            if value in ("", ".", "..") or "/" in value:
                continue
            broken = {v.constraint_id for v in self.input_violations(operation, "WorkflowId", value)}
            if len(broken) == 1:
                found.append((value, broken.pop()))
        return found

    def _operation_path(self, operation: str, root: str) -> str:
        if operation not in self.operations:
            raise KeyError(f"no lifecycle operation {operation!r}; known: {', '.join(self.operations)}")
        return f"{operation}.{root}"

    def _violations(self, path: str, value: Any, where: str) -> Iterator[Violation]:
        member = self.members[path]
        rules = self._rules.get(path, {})
        shape_type = member["type"]
        types = _JSON_VALUES.get(shape_type, (object,))
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = f"{_JSON_NAMES[shape_type]} (the model's {shape_type})"
            yield Violation(f"{path}.type", f"{_brief(value)} is not {wanted}", where)
            return  # the other rules can't judge a value of the wrong type
        if shape_type == "structure":
            for child_path in self._children.get(path, ()):
                child = self.members[child_path]
                if child["location"] != member["location"]:
                    continue  # a URI label or query member, not in this object
                name = last_step(child_path)
                item = value.get(name)
                if item is None:  # null reads as absent
                    if "required" in self._rules.get(child_path, {}):
                        state = "absent" if name not in value else "null"
                        message = f"{name!r} is required; it is {state}"
                        yield Violation(f"{child_path}.required", message, where)
                    continue
                yield from self._violations(child_path, item, f"{where}.{name}")
            return
        if shape_type in ("list", "map"):
            what = f"{len(value)} {'items' if shape_type == 'list' else 'entries'}"
            yield from _bounds(path, rules, len(value), "minItems", "maxItems", what, where)
            if shape_type == "list":
                for index, item in enumerate(value):
                    yield from self._violations(item_of(path), item, f"{where}[{index}]")
            else:
                for key, item in value.items():
                    yield from self._violations(key_of(path), key, f"{where} key {_brief(key)}")
                    yield from self._violations(value_of(path), item, f"{where}[{_brief(key)}]")
            return
        if shape_type == "string":
            # len() counts code points, as Smithy does; a lone surrogate counts as one.
            what = f"{_brief(value)} has {len(value)} characters"
            yield from _bounds(path, rules, len(value), "minLength", "maxLength", what, where)
            pattern = rules.get("pattern")
            if pattern is not None and patterns.invalid_in_every_reading(pattern, value):
                yield Violation(
                    f"{path}.pattern", f"{_brief(value)} has no match of {pattern!r} anywhere in it", where
                )
        else:
            yield from _bounds(path, rules, value, "minimum", "maximum", str(value), where)
        allowed = rules.get("enum")
        if allowed is not None and value not in allowed:
            message = f"{_brief(value)} is not one of {', '.join(map(str, allowed))}"
            yield Violation(f"{path}.enum", message, where)


def _bounds(
    path: str, rules: dict, size: int, low: str, high: str, what: str, where: str
) -> Iterator[Violation]:
    if low in rules and size < rules[low]:
        yield Violation(f"{path}.{low}", f"{what}: below the minimum {rules[low]}", where)
    if high in rules and size > rules[high]:
        yield Violation(f"{path}.{high}", f"{what}: above the maximum {rules[high]}", where)


def _brief(value: Any) -> str:
    """A value as JSON, cut short: a message names it, it doesn't repeat it (a lone surrogate, which no
    output can write, shown as its escape)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = text if len(text) <= _BRIEF else text[:_BRIEF] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@cache
def load_lifecycle(path: str | None = None) -> Lifecycle:
    """The lifecycle operations' contract, read once per process."""
    return Lifecycle(json.loads(Path(path or LIFECYCLE_FILE).read_text(encoding="utf-8")))
