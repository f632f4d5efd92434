"""Typed access to ``contract.json``: the members, constraints, errors and success shape of the operation.

The JSON file is the one source of truth; this module only reads it and derives views of it (the JSON
Schema of the body, the members under a path).  Nothing here knows about strategies or the suite.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from conformance.spec.paths import item_of, key_of, last_step, parent_path, value_of

CONTRACT_FILE = Path(__file__).with_name("contract.json")

# Smithy shape type -> JSON type in a restJson1 body: timestamps are epoch seconds unless the member names
# another format, blobs base64 text, floats and doubles numbers or one of the strings in NON_FINITE, a
# document any JSON value (None: no type).
JSON_TYPES: dict[str, str | None] = {
    "string": "string",
    "structure": "object",
    "union": "object",
    "map": "object",
    "list": "array",
    "boolean": "boolean",
    "byte": "integer",
    "short": "integer",
    "integer": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "timestamp": "number",
    "blob": "string",
    "document": None,
}
# How restJson1 writes the floats that are not finite numbers.
NON_FINITE = ("NaN", "Infinity", "-Infinity")
# Where a request member travels: a URI label, a query-string key, a header, a prefix of headers, the
# payload (the member is the whole body) or a member of the JSON body; the flagship's pinned contract calls
# the output's JSON body "response".
BODY_LOCATIONS = ("body", "response")

# Constraint kind -> the JSON Schema keyword that expresses it, for a given shape type.
_KEYWORDS = {
    ("string", "minLength"): "minLength",
    ("string", "maxLength"): "maxLength",
    ("string", "pattern"): "pattern",
    ("string", "enum"): "enum",
    ("map", "minItems"): "minProperties",
    ("map", "maxItems"): "maxProperties",
    ("list", "minItems"): "minItems",
    ("list", "maxItems"): "maxItems",
    ("blob", "minLength"): "minLength",  # of the base64 text; judges check the bytes themselves
    **{
        (number, bound): bound
        for number in ("byte", "short", "integer", "long", "float", "double")
        for bound in ("minimum", "maximum")
    },
}
KIND_OF_KEYWORD = {keyword: kind for (_, kind), keyword in _KEYWORDS.items()}
PATH_KEYWORD = "x-constraint-path"


@dataclass(frozen=True)
class Constraint:
    id: str
    path: str
    kind: str
    value: Any
    sources: tuple[str, ...]
    note: str = ""

    @property
    def from_model(self) -> bool:
        return "model" in self.sources


@dataclass(frozen=True)
class Member:
    path: str
    shape: str
    type: str
    location: str
    constraints: dict[str, Constraint] = field(default_factory=dict, compare=False, hash=False)
    # Where the model says more than the path does (``spec.botocore_model._bindings``):
    wire_name: str = ""  # the URI label, query key, header (prefix) or JSON name, where not the name
    timestamp_format: str = ""  # iso8601, rfc822 or unixTimestamp, where the member names one
    idempotency_token: bool = False
    sparse: bool = False  # a list or map whose items may be null
    streaming: bool = False
    json_value: bool = False  # a header that carries a JSON document, base64-encoded
    greedy: bool = False  # a {Label+}: its value may hold "/"
    host_label: bool = False  # also a label of the model's host prefix: SDKs put its value into the hostname
    event_stream: bool = False
    recursive: bool = False  # a structure inside itself: walked once per path, then a leaf

    @property
    def json_type(self) -> str | None:
        if self.type == "timestamp" and self.timestamp_format in ("iso8601", "rfc822"):
            return "string"
        return JSON_TYPES[self.type]

    @property
    def on_the_wire(self) -> str:
        """The member's name where it travels: its label, query key, header or JSON member name."""
        return self.wire_name or self.name

    @property
    def required(self) -> bool:
        return "required" in self.constraints

    @property
    def name(self) -> str:
        """The member's name in its parent: the last step of its path (``<key>``, ``[]`` for items)."""
        return last_step(self.path)

    def get(self, kind: str, default: Any = None) -> Any:
        constraint = self.constraints.get(kind)
        return default if constraint is None else constraint.value


@dataclass(frozen=True)
class ErrorSpec:
    name: str
    status: int
    documentation: str
    code: str = ""  # the error code on the wire, where the model gives one other than the name


class Contract:
    """The whole contract of one operation: the flagship's read from ``contract.json``, any other's derived
    from botocore's model (``spec.operation``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.operation: str = data["operation"]
        self.service: str = data["service"]
        self.method: str = data["http"]["method"]
        self.uri: str = data["http"]["uri"]
        self.signing_name: str = data["signing_name"]
        self.success: dict[str, Any] = data.get("success") or {"status": 200}
        self.errors = tuple(ErrorSpec(**error) for error in data["errors"])
        self.page_differences: list[dict] = data.get("page_differences", [])
        self.intentional_differences: list[dict] = data.get("intentional_differences", [])
        self.constraints: dict[str, Constraint] = {}
        for record in data["constraints"]:
            constraint = Constraint(
                id=record["id"],
                path=record["path"],
                kind=record["kind"],
                value=record["value"],
                sources=tuple(record.get("sources", ())),
                note=record.get("note", ""),
            )
            if constraint.id in self.constraints:
                raise ValueError(f"contract.json: constraint id {constraint.id} appears twice")
            self.constraints[constraint.id] = constraint
        own: dict[str, dict[str, Constraint]] = {}
        for constraint in self.constraints.values():
            own.setdefault(constraint.path, {})[constraint.kind] = constraint
        self.members: dict[str, Member] = {}
        self._children: dict[str | None, list[Member]] = {}
        for record in data["members"]:
            member = Member(constraints=own.get(record["path"], {}), **record)
            self.members[record["path"]] = member
            self._children.setdefault(parent_path(member.path), []).append(member)
        for constraint in self.constraints.values():
            if constraint.path not in self.members:
                raise ValueError(f"contract.json: {constraint.id} names no member")

    # -- members -----
    def member(self, path: str) -> Member:
        try:
            return self.members[path]
        except KeyError:
            raise KeyError(f"no member {path!r} in the contract") from None

    def children(self, path: str) -> list[Member]:
        """Direct children of a structure (its members), a list (``[]``) or a map (``<key>``, ``<value>``)."""
        return list(self._children.get(path, ()))

    @property
    def domain(self) -> Member:
        return self.member("DomainName")

    def request_constraints(self) -> list[Constraint]:
        return [c for c in self.constraints.values() if not c.path.startswith("Response")]

    def response_constraints(self) -> list[Constraint]:
        return [c for c in self.constraints.values() if c.path.startswith("Response")]

    # -- errors -----
    def error_for_status(self, status: int) -> ErrorSpec | None:
        return next((error for error in self.errors if error.status == status), None)

    def error_named(self, name: str) -> ErrorSpec:
        return next(error for error in self.errors if error.name == name)

    def status_of(self, name: str) -> int:
        """The status the operation documents for its error ``name``: the one place each status is read
        from.  A name the operation does not document is a KeyError (a typo, not a status to guess)."""
        for error in self.errors:
            if error.name == name:
                return error.status
        raise KeyError(f"{self.operation} documents no error {name!r}")

    @property
    def documented_statuses(self) -> frozenset[int]:
        return frozenset({self.success["status"], *(error.status for error in self.errors)})

    # -- JSON Schema --------------------------------------------------------------------------------------
    def schema_for(self, path: str) -> dict[str, Any]:
        """JSON Schema of the member at ``path``; every subschema names its member in ``x-constraint-path``.

        Patterns are the model's text, unchanged; which regex dialect and which reading (search or full
        match) applies is the validator's business (see ``spec.validation``).
        """
        member = self.member(path)
        schema: dict[str, Any] = {PATH_KEYWORD: path}
        if member.json_type is not None:
            schema["type"] = member.json_type
        if member.type in ("float", "double"):
            schema["type"] = ["number", "string"]
            schema["if"] = {"type": "string"}
            schema["then"] = {"enum": list(NON_FINITE)}
        for kind, constraint in member.constraints.items():
            keyword = _KEYWORDS.get((member.type, kind))
            if keyword:
                schema[keyword] = constraint.value
        if member.recursive:
            return schema
        if member.type in ("structure", "union"):
            children = [c for c in self.children(path) if c.location in BODY_LOCATIONS]
            schema["properties"] = {c.on_the_wire: self.schema_for(c.path) for c in children}
            required = [c.on_the_wire for c in children if c.required]
            if required:
                schema["required"] = required
        elif member.type == "list":
            schema["items"] = self.schema_for(item_of(path))
        elif member.type == "map":
            key_schema = self.schema_for(key_of(path))
            key_schema.pop("type")  # JSON object keys are strings by construction
            schema["propertyNames"] = key_schema
            schema["additionalProperties"] = self.schema_for(value_of(path))
        return schema

    def path(self, domain: str) -> str:
        """The operation's request path on ``domain``, from the model's ``requestUri``."""
        return expand_uri(self.uri, {"DomainName": domain}, self.operation)

    def body_schema(self) -> dict[str, Any]:
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **self.schema_for("Body")}


_LABEL = re.compile(r"\{([A-Za-z0-9_]+\+?)\}")


def expand_uri(uri: str, values: dict[str, str | None], operation: str = "the operation") -> str:
    """A model's ``requestUri`` with each ``{Label}`` filled in, percent-encoded as botocore encodes a URI
    label (a greedy ``{Label+}`` keeps its ``/``)."""

    def label(match: re.Match[str]) -> str:
        name = match.group(1)
        greedy = name.endswith("+")
        value = values.get(name.rstrip("+"))
        if value is None:
            raise ValueError(f"{operation}'s path {uri} needs a value for {{{name}}}")
        # surrogatepass: ids come from untrusted targets and may hold a lone surrogate.
        return quote(value, safe="/" if greedy else "", errors="surrogatepass")

    return _LABEL.sub(label, uri)


def strings_in(value: Any, schema: dict[str, Any], where: str = "body") -> Iterator[tuple[str, str, dict]]:
    """Every string in a JSON value, map keys included, with where it is and the subschema that governs it
    (from ``Contract.schema_for``): for checks on lengths and patterns that need the values themselves."""
    if isinstance(value, str):
        yield where, value, schema
    elif isinstance(value, dict):
        properties = schema.get("properties")
        for key, item in value.items():
            if properties is not None:
                yield from strings_in(item, properties.get(key, {}), f"{where}.{key}")
            else:
                yield from strings_in(key, schema.get("propertyNames", {}), f"{where} key")
                yield from strings_in(item, schema.get("additionalProperties", {}), f"{where}[{key!r}]")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, schema.get("items", {}), f"{where}[{index}]")


@cache
def load_contract(path: str | None = None) -> Contract:
    """The contract, read once per process."""
    return Contract(json.loads(Path(path or CONTRACT_FILE).read_text(encoding="utf-8")))
