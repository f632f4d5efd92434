"""The lifecycle operations' inputs judged against their shapes in botocore's copy of the official model.

``spec/`` holds the contract of CreateIntegrationWorkflow alone, and ``spec.lifecycle`` judges lifecycle
values only where every regex dialect agrees (it checks targets, so it may not fail a correct one).  The
reference is a target: it must refuse exactly what its own reading of the patterns refuses, so it reads
each shape here, with the ``matches`` it is given, and no length, range or pattern of these operations
is written down in the reference.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from conformance.reference.messages import excerpt
from conformance.spec.botocore_model import SERVICE
from conformance.spec.validation import Violation


@cache
def lifecycle_operation(name: str) -> Any:
    """botocore's model of ``name`` (ListWorkflows, GetWorkflow, DeleteWorkflow), read once per process."""
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE).operation_model(name)


# botocore shape type -> the Python types its JSON value may have (bool is an int to Python: kept apart).
_WIRE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "timestamp": (int, float),  # restJson1 body timestamps are epoch seconds, a JSON number
    "boolean": (bool,),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}
_INTEGER_TEXT = re.compile(r"-?[0-9]+", re.ASCII)


def _is_wire_type(type_name: str, value: Any) -> bool:
    types = _WIRE_TYPES.get(type_name)
    return types is None or (isinstance(value, types) and isinstance(value, bool) == (bool in types))


def shape_violations(
    shape: Any, value: Any, path: str, where: str, matches: Callable[[str, str], bool], prefix: str = ""
) -> list[Violation]:
    """The constraints of a botocore shape that a JSON value breaks, with ids ``<path>.<kind>`` as in
    ``spec/``.  Structure members bound outside the body (URI, query) and ``null`` members are not
    judged (Smithy reads ``null`` as absent); lists and maps are judged by type only (no lifecycle
    input has one).  ``prefix`` is the path of a structure's members, ``path`` by default."""
    if not _is_wire_type(shape.type_name, value):
        return [Violation(f"{path}.type", f"{excerpt(repr(value), 100)} is no {shape.type_name}", where)]
    meta, found = shape.metadata, []
    if shape.type_name == "structure":
        for name, member in body_members(shape).items():
            child = f"{prefix or path}.{name}"
            if value.get(name) is not None:
                found += shape_violations(member, value[name], child, f"{where}.{name}", matches)
            elif name in shape.required_members:
                found.append(Violation(f"{child}.required", f"{name!r} is required", where))
        return found
    # Lengths count code points, as Smithy does (and Python's len).
    size, what = (len(value), "length") if isinstance(value, str) else (value, "value")
    low, high = ("minLength", "maxLength") if isinstance(value, str) else ("minimum", "maximum")
    if isinstance(size, int | float) and "min" in meta and size < meta["min"]:
        found.append(Violation(f"{path}.{low}", f"{what} {size} is below the minimum {meta['min']}", where))
    if isinstance(size, int | float) and "max" in meta and size > meta["max"]:
        found.append(Violation(f"{path}.{high}", f"{what} {size} is above the maximum {meta['max']}", where))
    if isinstance(value, str) and "pattern" in meta and not matches(meta["pattern"], value):
        found.append(
            Violation(f"{path}.pattern", f"{excerpt(value, 100)!r} does not match {meta['pattern']!r}", where)
        )
    if "enum" in meta and value not in meta["enum"]:
        found.append(
            Violation(f"{path}.enum", f"{excerpt(repr(value), 100)} is not one of {meta['enum']}", where)
        )
    return found


def body_members(shape: Any) -> dict[str, Any]:
    """A structure's members that travel in the JSON body (not in the URI or the query string)."""
    return {name: member for name, member in shape.members.items() if "location" not in member.serialization}


def query_value(shape: Any, text: str) -> Any:
    """A query-string value as its shape's type (``None`` if it isn't one): Smithy takes only decimal
    digits for an integer, so ``1.0``, ``0x1`` and ``1e2`` are malformed."""
    if shape.type_name in ("integer", "long"):
        return int(text) if _INTEGER_TEXT.fullmatch(text) and len(text) < 4000 else None
    return text if shape.type_name == "string" else None
