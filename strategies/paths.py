"""Change one member of a request body, found by its contract path, leaving everything else valid.

A path such as ``IntegrationConfig.AppflowIntegration.FlowDefinition.Tasks[].SourceFields[]`` names a
member at any depth; ``[]`` is an item of a list, ``<key>``/``<value>`` a key or value of a map.  To
reach a member inside an optional structure that the body lacks, the missing ancestors are filled in
with canonical valid values, so the request still breaks nothing but the one thing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from conformance.spec.paths import ITEM, KEY, VALUE, join, key_of, steps, value_of

# Makes a valid value for the member at a contract path (used to fill in missing ancestors).
Filler = Callable[[str], Any]


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists and immutable scalars), several times faster than
    ``copy.deepcopy``, which an invalid request pays once for its body."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


# Where in a list or map the changed member goes: the first item or entry (the shrinking target), the
# second of at least two, or the last of at least two.  A validator that checks only ``Tasks[0]`` or only
# the first tag passes every fault in the first place and none in the others.
FIRST, SECOND, LAST = "first", "second", "last"
PLACEMENTS = (FIRST, SECOND, LAST)

# Makes a new valid key for the map at a contract path, not one of those taken; None if there is none
# (an enum of keys used up) or the map may hold no more entries.
KeyMaker = Callable[[str, Collection[str]], "str | None"]


def _no_new_key(path: str, taken: Collection[str]) -> str | None:
    return None


def _index(size: int, placement: str) -> int:
    return 0 if placement == FIRST else 1 if placement == SECOND else size - 1


def _list_slot(node: list, here: str, placement: str, fill: Filler) -> int:
    """The index the change goes to, after growing the list to two items where the placement asks."""
    while len(node) < (1 if placement == FIRST else 2):
        node.append(fill(here))
    return _index(len(node), placement)


def _map_slot(node: dict, map_path: str, placement: str, fill: Filler, new_key: KeyMaker) -> Any:
    """The key whose entry the change goes to, after growing the map to two entries where the placement
    asks and a new valid key can be had."""
    if not node:
        node[fill(key_of(map_path))] = fill(value_of(map_path))
    if placement != FIRST and len(node) < 2:
        key = new_key(map_path, node.keys())
        if key is not None:
            node[key] = fill(value_of(map_path))
    return list(node)[_index(len(node), placement)]


def _container(
    body: dict, parts: list[str], fill: Filler, placement: str, new_key: KeyMaker
) -> tuple[Any, str]:
    """Walk to the container that holds the last step, creating what is missing on the way (and, for a
    placement other than the first, growing each list and map on the way to two items); also the
    concrete location walked, such as ``Tasks[1].SourceFields``."""
    node: Any = body
    where = ""
    for depth, part in enumerate(parts[:-1]):
        here = join(parts[: depth + 1])
        if part == ITEM:
            index = _list_slot(node, here, placement, fill)
            node, where = node[index], f"{where}[{index}]"
        elif part == VALUE:
            key = _map_slot(node, join(parts[:depth]), placement, fill, new_key)
            node, where = node[key], f"{where}[{key!r}]"
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = fill(here)
            node, where = node[part], f"{where}.{part}" if where else part
    return node, where


def place_member(
    body: dict,
    path: str,
    value: Any,
    fill: Filler,
    placement: str = FIRST,
    new_key: KeyMaker = _no_new_key,
) -> tuple[dict, str]:
    """A copy of ``body`` with the member at ``path`` set to ``value``, and where it went.

    In a list the change goes to the item of ``placement`` (the list grown to two items if need be); in a
    map to that entry's value, or for a map key, that entry's key is replaced (keeping the map's size, so
    its bounds still hold, and its order).
    """
    body = copy_json(body)
    parts = steps(path)
    node, where = _container(body, parts, fill, placement, new_key)
    last = parts[-1]
    map_path = join(parts[:-1])
    if last == ITEM:
        index = _list_slot(node, path, placement, fill)
        node[index] = value
        where = f"{where}[{index}]"
    elif last == KEY:
        replaced = _map_slot(node, map_path, placement, fill, new_key)
        entries = list(node.items())
        node.clear()
        node.update((value, item) if key == replaced else (key, item) for key, item in entries)
        where = f"{where} key {value!r}"
    elif last == VALUE:
        key = _map_slot(node, map_path, placement, fill, new_key)
        node[key] = value
        where = f"{where}[{key!r}]"
    else:
        node[last] = value
        where = f"{where}.{last}" if where else last
    return body, where


def remove_member(
    body: dict, path: str, fill: Filler, placement: str = FIRST, new_key: KeyMaker = _no_new_key
) -> tuple[dict, str]:
    """A copy of ``body`` without the member at ``path`` (its parent made to exist if it didn't), in the
    item or entry of ``placement`` of every list and map on the way; and where it was."""
    body = copy_json(body)
    parts = steps(path)
    node, where = _container(body, parts, fill, placement, new_key)
    node.pop(parts[-1], None)
    return body, f"{where}.{parts[-1]}" if where else parts[-1]


def rename_member(
    body: dict,
    path: str,
    name: str,
    fill: Filler,
    placement: str = FIRST,
    new_key: KeyMaker = _no_new_key,
    value: Any = None,
) -> tuple[dict, str]:
    """A copy of ``body`` where the member at ``path`` is carried under ``name`` instead, in its place
    among its siblings, with ``value`` (by default its own, or a canonical one where the body lacks it);
    and where it was."""
    body = copy_json(body)
    parts = steps(path)
    node, where = _container(body, parts, fill, placement, new_key)
    own = parts[-1]
    if value is None:
        value = node[own] if node.get(own) is not None else fill(path)
    if own not in node:
        node[own] = value
    entries = list(node.items())
    node.clear()
    node.update((name, value) if key == own else (key, item) for key, item in entries)
    return body, f"{where}.{own}" if where else own


def reordered(value: Any, rotation: int, reverse: bool) -> Any:
    """``value`` with the members of every object (structures and maps) in another order: reversed and/or
    rotated by ``rotation``.  JSON member order carries no meaning; list order does, and stays."""
    if isinstance(value, dict):
        items = [(key, reordered(item, rotation, reverse)) for key, item in value.items()]
        if reverse:
            items.reverse()
        if items and rotation:
            cut = rotation % len(items)
            items = items[cut:] + items[:cut]
        return dict(items)
    if isinstance(value, list):
        return [reordered(item, rotation, reverse) for item in value]
    return value


# One draw picks a body's member order: as built, reversed, rotated by one, or both.
MEMBER_ORDERS = ((0, False), (0, True), (1, False), (1, True))


def get_member(body: Any, path: str) -> Any:
    """The value at ``path`` (first item or entry where there are several), or ``KeyError``."""
    node = body
    parts = steps(path)
    for part in parts:
        if part == ITEM:
            node = node[0]
        elif part == KEY:
            node = next(iter(node))
        elif part == VALUE:
            node = node[next(iter(node))]
        else:
            node = node[part]
    return node
