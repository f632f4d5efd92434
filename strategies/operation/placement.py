"""Where a fault goes: a valid set of parameters made to hold the member at a path (its ancestors filled
in with canonical values where the draw left them out), with the member in the first, the second or the
last item of every list and map on the way, and the steps that lead to it, both as parameters and as the
wire carries them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

from conformance.spec.contract import Contract
from conformance.spec.paths import ROOTS, is_entry, is_item, is_key, item_of, parent_path, value_of
from conformance.strategies.operation.canonical import CannotDraw, distinct_keys, shared_canonical_value

POSITIONS = ("first", "second", "last")
# The items a list is grown to for each position, where its maximum allows.
_WANTED = {"first": 1, "second": 2, "last": 3}


@dataclass(frozen=True)
class Step:
    """One step from a value to a part of it: a structure's member, a list's item, a map entry's value,
    or a map entry's key (the last step of a fault on a key)."""

    kind: str  # member, item, value, key
    at: Any  # the member's name, the item's index, the entry's key
    path: str  # the contract path of what the step reaches


def chain(path: str) -> list[str]:
    """The paths from the input's top level down to ``path``, ``Body`` left out."""
    return list(_chain(path))


@cache
def _chain(path: str) -> tuple[str, ...]:
    out = []
    current: str | None = path
    while current is not None and current not in ROOTS:
        out.append(current)
        current = parent_path(current)
    return tuple(out[::-1])


def place(
    contract: Contract, params: dict[str, Any], path: str, position: str = "first"
) -> tuple[dict[str, Any], list[Step]]:
    """A copy of ``params`` that holds the member at ``path``, and the steps to it.  The value at the end
    is the draw's where there was one, else the canonical one (None where none exists: the fault replaces
    or removes it).  Only the containers on the way are copied (shallowly): the rest is shared with
    ``params`` and the canonical values, so neither the caller nor anyone after may change it in place."""
    params = dict(params)
    steps: list[Step] = []
    holder: Any = params
    paths = chain(path)
    for index, step_path in enumerate(paths):
        last = index == len(paths) - 1
        parent = contract.member(parent_path(step_path) or "Body")
        if is_item(step_path):
            position_index = _grow_list(contract, holder, parent.path, position)
            step = Step("item", position_index, step_path)
        elif is_entry(step_path):
            key = _map_key(contract, holder, parent.path, position)
            step = Step("key" if is_key(step_path) else "value", key, step_path)
            if step.kind == "key":
                steps.append(step)
                break
        else:
            name = contract.member(step_path).name
            if parent.type == "union" and name not in holder:
                holder.clear()  # a union holds exactly one member: the one the fault is in
            if holder.get(name) is None:
                holder[name] = _fill(contract, step_path, last)
            step = Step("member", name, step_path)
        steps.append(step)
        if not last:
            child = holder[step.at]
            if child is None:  # a sparse collection's null item: give the fault a real one
                child = _fill(contract, step_path, False)
            holder[step.at] = child = copy.copy(child)  # the next step changes it: a copy of its own
            holder = child
    return params, steps


def _fill(contract: Contract, path: str, last: bool) -> Any:
    try:
        return shared_canonical_value(contract, path)
    except CannotDraw:
        if last:
            return None
        raise


def _grow_list(contract: Contract, items: list, list_path: str, position: str) -> int:
    highest = contract.member(list_path).get("maxItems")
    wanted = _WANTED[position]
    if highest is not None:
        wanted = min(wanted, highest)
    while len(items) < wanted:
        items.append(_fill(contract, item_of(list_path), False))
    if not items:
        items.append(_fill(contract, item_of(list_path), False))
    return {"first": 0, "second": min(1, len(items) - 1), "last": len(items) - 1}[position]


def _map_key(contract: Contract, entries: dict, map_path: str, position: str) -> str:
    highest = contract.member(map_path).get("maxItems")
    wanted = _WANTED[position]
    if highest is not None:
        wanted = min(wanted, highest)
    if len(entries) < max(wanted, 1):
        try:
            keys = distinct_keys(contract, map_path, max(wanted, 1) + len(entries))
        except CannotDraw:
            keys = distinct_keys(contract, map_path, 1)
        for key in keys:
            if len(entries) >= max(wanted, 1):
                break
            if key not in entries:
                entries[key] = _fill(contract, value_of(map_path), False)
    keys_in_order = list(entries)
    return keys_in_order[{"first": 0, "second": min(1, len(keys_in_order) - 1), "last": -1}[position]]


def set_at(params: dict[str, Any], steps: list[Step], value: Any) -> None:
    """Put ``value`` where ``steps`` lead (a key step renames the entry's key to ``value``)."""
    holder = _holder(params, steps)
    last = steps[-1]
    if last.kind == "key":
        holder[value] = holder.pop(last.at)
    else:
        holder[last.at] = value


def remove_at(params: dict[str, Any], steps: list[Step]) -> None:
    del _holder(params, steps)[steps[-1].at]


def value_at(params: dict[str, Any], steps: list[Step]) -> Any:
    last = steps[-1]
    return last.at if last.kind == "key" else _holder(params, steps)[last.at]


def _holder(params: dict[str, Any], steps: list[Step]) -> Any:
    holder: Any = params
    for step in steps[:-1]:
        holder = holder[step.at]
    return holder


def json_steps(contract: Contract, steps: list[Step]) -> list[Any]:
    """The same steps inside the JSON body: members by their wire names; a payload member is the body."""
    out: list[Any] = []
    for index, step in enumerate(steps):
        if step.kind == "member":
            member = contract.member(step.path)
            if index == 0 and member.location == "payload":
                continue
            out.append(member.on_the_wire)
        else:
            out.append(step.at)
    return out
