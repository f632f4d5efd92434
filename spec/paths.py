"""The grammar of member paths, spelled once: every module that reads or builds a path does it here.

A path names one member of an operation at any depth, as its steps from the top joined by dots:

* a structure's member is its name: ``IntegrationConfig.AppflowIntegration``;
* ``[]`` (``ITEM``) is an item of a list, written right after the list: ``Tasks[].SourceFields[]``;
* ``<key>`` (``KEY``) and ``<value>`` (``VALUE``) are a key and a value of a map: ``Tags.<key>``,
  ``Tags.<value>``.

So ``FlowDefinition.Tasks[].TaskProperties.<value>`` is the value of any entry of the map
``TaskProperties`` of any item of the list ``Tasks``.  The request's members at the top sit under the
root ``Body`` (``DomainName``, not ``Body.DomainName``; a member named like the root keeps it in front:
``Body.Body``), the answer's under ``Response`` (``Response.Arn``).  The lifecycle contract puts its
operation's name in front (``GetWorkflow.WorkflowId``).
"""

from __future__ import annotations

ITEM = "[]"
KEY = "<key>"
VALUE = "<value>"
REQUEST_ROOT = "Body"
RESPONSE_ROOT = "Response"
ROOTS = (REQUEST_ROOT, RESPONSE_ROOT)

# The steps into a collection: an item of a list, a key or a value of a map.
_IN_COLLECTION = (ITEM, KEY, VALUE)


def child_of(path: str, step: str) -> str:
    """The path one ``step`` below ``path``: ``("Tasks", "[]")`` -> ``Tasks[]``, ``("Tags", "<key>")`` ->
    ``Tags.<key>``; below the empty path, the step alone."""
    if step == ITEM:
        return path + ITEM
    return f"{path}.{step}" if path else step


def item_of(path: str) -> str:
    """The items of the list at ``path``: ``Tasks`` -> ``Tasks[]``."""
    return path + ITEM


def key_of(path: str) -> str:
    """The keys of the map at ``path``: ``Tags`` -> ``Tags.<key>``."""
    return f"{path}.{KEY}"


def value_of(path: str) -> str:
    """The values of the map at ``path``: ``Tags`` -> ``Tags.<value>``."""
    return f"{path}.{VALUE}"


def steps(path: str) -> list[str]:
    """``A.B[].C`` -> ``["A", "B", "[]", "C"]``; ``M.<key>`` -> ``["M", "<key>"]``."""
    out: list[str] = []
    for part in path.split("."):
        items = 0
        while part.endswith(ITEM):
            part, items = part[: -len(ITEM)], items + 1
        out.append(part)
        out.extend([ITEM] * items)
    return out


def join(parts: list[str]) -> str:
    """The path of ``parts`` (the inverse of ``steps``): ``["A", "B", "[]", "C"]`` -> ``A.B[].C``."""
    path = ""
    for part in parts:
        path = child_of(path, part)
    return path


def last_step(path: str) -> str:
    """The member's name in its parent: ``A.B`` -> ``B``, ``A.B[]`` -> ``[]``, ``M.<key>`` -> ``<key>``."""
    if path.endswith(ITEM):
        return ITEM
    return path.rsplit(".", 1)[-1]


def parent_path(path: str) -> str | None:
    """The path of the member that holds ``path``; request members at the top sit under ``Body``, and a
    root has none: ``A.B[]`` -> ``A.B``, ``M.<key>`` -> ``M``, ``A`` -> ``Body``, ``Body`` -> None."""
    if path in ROOTS:
        return None
    if path.endswith(ITEM):
        return path[: -len(ITEM)]
    if "." not in path:
        return REQUEST_ROOT
    return path.rsplit(".", 1)[0]


def is_item(path: str) -> bool:
    """Whether ``path`` is the item of a list (``Tasks[]``)."""
    return path.endswith(ITEM)


def is_key(path: str) -> bool:
    """Whether ``path`` is the key of a map (``Tags.<key>``)."""
    return path.endswith("." + KEY)


def is_value(path: str) -> bool:
    """Whether ``path`` is the value of a map (``Tags.<value>``)."""
    return path.endswith("." + VALUE)


def is_entry(path: str) -> bool:
    """Whether ``path`` is a key or a value of a map."""
    return is_key(path) or is_value(path)


def collection_of(path: str) -> str:
    """The list or map whose item, key or value ``path`` is: ``Tasks[]`` -> ``Tasks``, ``Tags.<value>`` ->
    ``Tags``; ValueError for any other path."""
    if is_item(path):
        return path[: -len(ITEM)]
    if is_entry(path):
        return path.rsplit(".", 1)[0]
    raise ValueError(f"{path!r} is no item, key or value of a list or map")


def in_collection(path: str) -> bool:
    """Whether the member at ``path`` sits in a list item or a map entry, at any depth (so it has a place
    to vary)."""
    return any(step in _IN_COLLECTION for step in steps(path))


def depth_of(path: str) -> int:
    """How deep a member sits below the input's top level (0 for a top-level member and for a root):
    ``Name`` and ``Response.Arn`` -> 0, ``A.B[]`` -> 2."""
    parts = steps(path)
    return len(parts) - 1 - (1 if len(parts) > 1 and parts[0] in ROOTS else 0)
