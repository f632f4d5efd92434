"""The flagship's fixtures: the values of real resources (``--fixtures-file``, or ``--value`` pins of the
same members) that requests on the real service must carry to make sense to it (a role it can assume, an
object type that exists), and where in a ``CreateIntegrationWorkflow`` body each one goes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.core.errors import OptionError

_FLOW = "IntegrationConfig.AppflowIntegration.FlowDefinition"
# --fixtures-file keys -> the body members they stand in for.
FIXTURE_MEMBERS = {
    "role_arn": "RoleArn",
    "object_type_name": "ObjectTypeName",
    "kms_arn": f"{_FLOW}.KmsArn",
    "connector_profile_name": f"{_FLOW}.SourceFlowConfig.ConnectorProfileName",
}
FIXTURE_KEYS = ("domain", *FIXTURE_MEMBERS)


def load_fixtures(path: str, validator: Any) -> dict[str, str]:
    """Read ``--fixtures-file FILE`` and check each value against the contract, so a typo fails at once."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise OptionError(f"--fixtures-file: can't read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise OptionError(
            f"--fixtures-file: {path} is not JSON: {error.msg} at line {error.lineno}"
        ) from None
    if not isinstance(data, dict):
        raise OptionError(f"--fixtures-file: {path} must hold a JSON object")
    unknown = sorted(set(data) - set(FIXTURE_KEYS))
    if unknown:
        raise OptionError(f"--fixtures-file: unknown keys {unknown}; known: {list(FIXTURE_KEYS)}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise OptionError(f"--fixtures-file: {key} must be a string")
    return check_fixtures(data, validator)


def check_fixtures(data: dict[str, str], validator: Any, source: str = "--fixtures-file") -> dict[str, str]:
    """The fixtures, once each value is checked against the contract (``source`` names where they came
    from: the file, or the flagship's --value pins)."""
    if "domain" in data and validator.domain_violations(data["domain"]):
        raise OptionError(f"{source}: domain {data['domain']!r} breaks DomainName's constraints")
    probe = {
        "WorkflowType": "APPFLOW_INTEGRATION",
        "ObjectTypeName": "o",
        "RoleArn": "arn:aws:iam::1:r",
        "IntegrationConfig": {},
    }
    body = apply_fixtures(probe, data, full=True)
    problems = [str(v) for v in validator.body_violations(body) if not v.constraint_id.endswith(".required")]
    if problems:
        raise OptionError(f"{source}: values break the contract: " + "; ".join(problems))
    return data


def apply_fixtures(body: Any, fixtures: Mapping[str, str], *, full: bool = False, skip: str = "") -> Any:
    """``body`` with the fixture values in place of generated ones (where the member is present, or
    everywhere with ``full``); ``skip`` is a member path a boundary case is about, left alone."""
    if not fixtures or not isinstance(body, dict):
        return body
    body = json.loads(json.dumps(body))
    for key, path in FIXTURE_MEMBERS.items():
        if key not in fixtures or path == skip:
            continue
        *parents, name = path.split(".")
        node = body
        for parent in parents:
            if not isinstance(node.get(parent), dict):
                if not full:
                    node = None
                    break
                node[parent] = {}
            node = node[parent]
        if node is not None and (full or name in node):
            node[name] = fixtures[key]
    return body
