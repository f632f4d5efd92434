"""Change one member of a request body, found by its contract path, leaving everything else valid.

A path such as ``IntegrationConfig.AppflowIntegration.FlowDefinition.Tasks[].SourceFields[]`` names a
member at any depth; ``[]`` is an item of a list, ``<key>``/``<value>`` a key or value of a map.  To
reach a member inside an optional structure that the body lacks, the missing ancestors are filled in
with canonical valid values, so the request still breaks nothing but the one thing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ITEM = "[]"
KEY = "<key>"
VALUE = "<value>"

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


def steps(path: str) -> list[str]:
    """``A.B[].C`` -> ``["A", "B", "[]", "C"]``."""
    out: list[str] = []
    for part in path.split("."):
        if part.endswith(ITEM):
            out.extend([part[: -len(ITEM)], ITEM])
        else:
            out.append(part)
    return out


def join(parts: list[str]) -> str:
    path = ""
    for part in parts:
        if part == ITEM:
            path += ITEM
        else:
            path = f"{path}.{part}" if path else part
    return path


def _container(body: dict, parts: list[str], fill: Filler) -> Any:
    """Walk to the container that holds the last step, creating what is missing on the way."""
    node: Any = body
    for depth, part in enumerate(parts[:-1]):
        here = join(parts[: depth + 1])
        if part == ITEM:
            if not node:
                node.append(fill(here))
            node = node[0]
        elif part == VALUE:
            if not node:
                node[fill(join(parts[:depth]) + "." + KEY)] = fill(here)
            node = node[next(iter(node))]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = fill(here)
            node = node[part]
    return node


def set_member(body: dict, path: str, value: Any, fill: Filler) -> dict:
    """A copy of ``body`` with the member at ``path`` set to ``value``.

    For a list item, the first item is replaced; for a map value, the first entry's value.  For a map key,
    the first entry's key is replaced (keeping the map's size, so its bounds still hold).
    """
    body = copy_json(body)
    parts = steps(path)
    node = _container(body, parts, fill)
    last = parts[-1]
    if last == ITEM:
        if node:
            node[0] = value
        else:
            node.append(value)
    elif last == KEY:
        entry_value = node.pop(next(iter(node))) if node else fill(join(parts[:-1]) + "." + VALUE)
        node[value] = entry_value
    elif last == VALUE:
        key = next(iter(node)) if node else fill(join(parts[:-1]) + "." + KEY)
        node[key] = value
    else:
        node[last] = value
    return body


def delete_member(body: dict, path: str, fill: Filler) -> dict:
    """A copy of ``body`` without the member at ``path`` (its parent made to exist if it didn't)."""
    body = copy_json(body)
    parts = steps(path)
    node = _container(body, parts, fill)
    node.pop(parts[-1], None)
    return body


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
