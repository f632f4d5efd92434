"""The operations around a resource, read from botocore's model: for a create (or a put) operation, the
operations that read, list, update and delete what it made, and how each of them names it.

``CreateSchedule`` makes a schedule that ``GetSchedule``, ``ListSchedules``, ``UpdateSchedule`` and
``DeleteSchedule`` name by its ``Name``, which the create took; ``ivs``'s ``CreateChannel`` makes a channel
that ``GetChannel`` names by the ``arn`` the create answered (``channel.arn``).  ``resource(service,
create)`` finds these by the model's names and members:

- the operations, by the noun of the create (``Create``/``Put`` + noun): ``Get``/``Describe`` + noun,
  ``List`` + its plural, ``Update`` + noun, ``Delete`` + noun;
- each required input member of those operations (an ``Identifier``), from the member of the create's
  input of the same name, else from the create's output (at the top, or in the structure named after the
  noun), matched by name as the model spells it, then without regard to case;
- the list's paging from botocore's ``paginators-1.json`` (input and output token, limit key, result key),
  and the member of a listed item that holds the identifier;
- the members the read answers that the create took (``shared``), which a read-back compares.

Where the model leaves it open, ``resources.json`` beside this module fixes it, one row per create
operation: ``{"SERVICE": {"CreateX": {"read": "DescribeXDetails", ...}}}`` names an operation (or
``null`` for none), ``"identifiers": {"Member": "output:path.to.member"}`` a source, ``"item_key"`` the
member of a listed item that names the resource, ``"not_compared": {"member": "why"}`` a member the
service sets from others, which a read-back does not compare.  Nothing here sends: the properties that
use it live with the other properties.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from conformance.spec.operation import operation_model, service_model

ROLES = ("read", "list", "update", "delete")
_PREFIXES = {"read": ("Get", "Describe"), "update": ("Update",), "delete": ("Delete",)}
_CREATES = ("Create", "Put")
_OVERRIDES = Path(__file__).with_name("resources.json")


@dataclass(frozen=True)
class Identifier:
    """Where the value of an input member of a resource's operation comes from: the create's input or its
    output, at ``path`` (member names from the top)."""

    member: str
    source: str  # "input" or "output"
    path: tuple[str, ...]
    optional: bool = False  # a member the operation does not require: sent where the create gave it

    def value(self, create_input: Any, create_output: Any) -> Any:
        """The value in the create's params or parsed answer, or None where it is not there."""
        node = create_input if self.source == "input" else create_output
        for step in self.path:
            node = node.get(step) if isinstance(node, dict) else None
        return node

    def __str__(self) -> str:
        return f"{self.member} = {self.source}:{'.'.join(self.path)}"


@dataclass(frozen=True)
class Paging:
    """botocore's paginator of a list operation."""

    input_token: str
    output_token: str
    limit_key: str | None
    result_key: str


@dataclass(frozen=True)
class Resource:
    """A create operation and the operations around what it makes; ``missing`` says, for a role with no
    operation or an operation whose identifiers were not found, why."""

    service: str
    create: str
    noun: str
    operations: dict[str, str] = field(default_factory=dict)  # role -> operation name
    identifiers: dict[str, tuple[Identifier, ...]] = field(
        default_factory=dict
    )  # role -> its required inputs
    paging: Paging | None = None
    item_key: str | None = None  # the member of a listed item that holds the read's identifier
    shared: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (create input path, read output path)
    missing: dict[str, str] = field(default_factory=dict)
    # Shared members a read-back does not compare, each with why: values the service sets from others
    # (``resources.json``'s ``"not_compared": {"member": "why"}``).
    not_compared: dict[str, str] = field(default_factory=dict)

    def has(self, role: str) -> bool:
        return role in self.operations and role not in self.missing


def plural(noun: str) -> tuple[str, ...]:
    """The list operation's spellings of a noun's plural, the likeliest first."""
    forms = [noun + "s", noun + "es", noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        forms.insert(0, noun[:-1] + "ies")
    if noun.endswith(("s", "x", "ch", "sh")):
        forms.insert(0, noun + "es")
    return tuple(dict.fromkeys(forms))


def creates(service: str) -> list[str]:
    """The create and put operations of ``service``."""
    return [name for name in service_model(service).operation_names if name.startswith(_CREATES)]


@cache
def _overrides() -> dict[str, Any]:
    return json.loads(_OVERRIDES.read_text(encoding="utf-8")) if _OVERRIDES.exists() else {}


def _noun(create: str) -> str:
    for prefix in _CREATES:
        if create.startswith(prefix):
            return create[len(prefix) :]
    raise ValueError(f"{create} is no create or put operation")


def _find(names: list[str], candidates: tuple[str, ...]) -> str | None:
    return next((name for name in candidates if name in names), None)


@cache
def resource(service: str, create: str) -> Resource:
    """The operations around what ``create`` makes, as the model (and ``resources.json``) say."""
    model = service_model(service)
    names = list(model.operation_names)
    noun = _noun(create)
    override = _overrides().get(service, {}).get(create, {})
    operations: dict[str, str] = {}
    missing: dict[str, str] = {}
    for role in ROLES:
        if role in override:
            found = override[role]
        elif role == "list":
            found = _find(names, tuple(f"List{form}" for form in plural(noun)))
        else:
            found = _find(names, tuple(prefix + noun for prefix in _PREFIXES[role]))
        if found is not None:
            operations[role] = found
    made = operation_model(service, create)
    identifiers: dict[str, tuple[Identifier, ...]] = {}
    pinned = override.get("identifiers", {})
    for role, name in operations.items():
        op = model.operation_model(name)
        required = list(op.input_shape.required_members) if op.input_shape is not None else []
        found_ids = []
        for member in required:
            source = _pinned(member, pinned.get(member)) or _source(member, made, noun)
            if source is None:
                missing[role] = f"{name}'s required {member} is neither in {create}'s input nor its output"
                break
            found_ids.append(source)
        if role != "list":  # a list's optional members are filters: the whole list holds the resource
            found_ids += _context(op, made, required)
        identifiers[role] = tuple(found_ids)
    paging, item_key = None, None
    if "list" in operations:
        paging = _paging(service, operations["list"])
        if paging is None:
            missing["list"] = f"botocore has no paginator for {operations['list']}"
        else:
            listed = model.operation_model(operations["list"])
            read_ids = identifiers.get("read", ())
            item_key = override.get("item_key") or _item_key(listed, paging, read_ids)
            if item_key is None:
                missing.setdefault("list", f"no member of {operations['list']}'s items names the resource")
    shared = _shared(made, model.operation_model(operations["read"]), noun) if "read" in operations else ()
    not_compared = dict(override.get("not_compared", {}))
    return Resource(
        service, create, noun, operations, identifiers, paging, item_key, shared, missing, not_compared
    )


def _pinned(member: str, text: str | None) -> Identifier | None:
    if text is None:
        return None
    source, _, path = text.partition(":")
    if source not in ("input", "output") or not path:
        raise ValueError(f"resources.json: {member} = {text!r}: expected input:PATH or output:PATH")
    return Identifier(member, source, tuple(path.split(".")))


def _source(member: str, made: Any, noun: str) -> Identifier | None:
    """Where a required input member of another operation comes from: the create's input member of its
    name, else an output member of its name (at the top, then in the structure named after the noun),
    each matched exactly, then without regard to case."""
    inputs = made.input_shape.members if made.input_shape is not None else {}
    output = made.output_shape
    outputs = output.members if output is not None else {}
    nested = {
        name: shape
        for name, shape in outputs.items()
        if shape.type_name == "structure" and (name.lower() == noun.lower() or len(outputs) == 1)
    }
    # The resource's own id may go by the noun in one operation (``restApiId``) and bare in the create's
    # answer (``id``): then the bare name is looked for in the output too.
    bare = next(
        (
            suffix
            for suffix in ("Id", "Identifier", "Name", "Arn")
            if member.lower() == (noun + suffix).lower()
        ),
        None,
    )
    answered = (member,) if bare is None else (member, {"Identifier": "Id"}.get(bare, bare))
    for same in (str.__eq__, lambda a, b: a.lower() == b.lower()):
        for name in inputs:
            if same(name, member):
                return Identifier(member, "input", (name,))
        for wanted in answered:
            for name in outputs:
                if same(name, wanted):
                    return Identifier(member, "output", (name,))
            for parent, shape in nested.items():
                for name in shape.members:
                    if same(name, wanted):
                        return Identifier(member, "output", (parent, name))
    return None


def _context(op: Any, made: Any, required: list[str]) -> list[Identifier]:
    """The optional members of ``op`` bound to its URI, query string or headers that the create takes
    under the same name and type (``GetSchedule``'s ``GroupName``): a resource made in a group of its own
    is found there only."""
    if op.input_shape is None or made.input_shape is None:
        return []
    inputs = made.input_shape.members
    found = []
    for name, shape in op.input_shape.members.items():
        if (
            name in required
            or not shape.serialization.get("location")
            or shape.metadata.get("idempotencyToken")
        ):
            continue
        if name in inputs and inputs[name].type_name == shape.type_name:
            found.append(Identifier(name, "input", (name,), optional=True))
    return found


@cache
def _paging(service: str, operation: str) -> Paging | None:
    from conformance.spec.operation import paginator_model

    try:
        config = paginator_model(service).get_paginator(operation)
    except Exception:  # noqa: BLE001 - botocore raises ValueError, DataNotFoundError by version
        return None
    tokens = [config.get("input_token"), config.get("output_token"), config.get("result_key")]
    if not all(isinstance(token, str) for token in tokens):
        return None  # several tokens or result keys: a paging this suite does not walk
    limit = config.get("limit_key")
    return Paging(tokens[0], tokens[1], limit if isinstance(limit, str) else None, tokens[2])


def _item_key(listed: Any, paging: Paging, read_ids: tuple[Identifier, ...]) -> str | None:
    """The member of a listed item that holds the read's last identifier (the resource's own, after any
    parent's); ``""`` where the items are the identifiers themselves (a list of strings)."""
    items = listed.output_shape.members.get(paging.result_key) if listed.output_shape is not None else None
    if items is None or items.type_name != "list" or not read_ids:
        return None
    member = items.member
    if member.type_name == "string":
        return ""
    if member.type_name != "structure":
        return None
    required = [identifier for identifier in read_ids if not identifier.optional]
    if not required:
        return None
    wanted = required[-1].member
    for same in (str.__eq__, lambda a, b: a.lower() == b.lower()):
        for name in member.members:
            if same(name, wanted):
                return name
    return None


def _shared(made: Any, read: Any, noun: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(create input path, read output path) of each top-level member the create takes in its JSON body
    and the read answers under the same name, at the top of its output or in the structure named after
    the noun.  Idempotency tokens and members the model marks sensitive are not answered back."""
    if made.input_shape is None or read.output_shape is None:
        return ()
    outputs = read.output_shape.members
    places: list[tuple[tuple[str, ...], Any]] = [((), outputs)]
    places += [
        ((name,), shape.members)
        for name, shape in outputs.items()
        if shape.type_name == "structure" and name.lower() == noun.lower()
    ]
    pairs = []
    for name, shape in made.input_shape.members.items():
        if shape.serialization.get("location") or shape.metadata.get("idempotencyToken"):
            continue
        if shape.metadata.get("sensitive"):
            continue
        for prefix, members in places:
            if name in members and members[name].type_name == shape.type_name:
                pairs.append(((name,), (*prefix, name)))
                break
    return tuple(pairs)
