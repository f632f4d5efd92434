"""What running against the real service needs: SigV4 signing with botocore's credential chain, and the
values of real resources (``--fixtures-file``) for requests that must also make sense to the service."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.report import REDACTOR

_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")

_FLOW = "IntegrationConfig.AppflowIntegration.FlowDefinition"
# --fixtures-file keys -> the body members they stand in for.
FIXTURE_MEMBERS = {
    "role_arn": "RoleArn",
    "object_type_name": "ObjectTypeName",
    "kms_arn": f"{_FLOW}.KmsArn",
    "connector_profile_name": f"{_FLOW}.SourceFlowConfig.ConnectorProfileName",
}
FIXTURE_KEYS = ("domain", *FIXTURE_MEMBERS)


class OptionError(ValueError):
    """What is wrong with the options that reach the real service (the credentials, the region, the
    fixtures file), in one sentence for the user; the plugin makes it pytest's usage error."""


@dataclass(frozen=True)
class Signing:
    sign: Any  # (method, url, headers, body) -> headers
    region: str
    secrets: tuple[str, ...]  # strings that must never be printed


def sigv4(signing_name: str, profile: str | None, region: str | None) -> Signing:
    """A SigV4 signer from botocore's standard credential chain (environment, shared config, profile)."""
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.exceptions import BotoCoreError

    try:
        session = botocore.session.Session(profile=profile)
        credentials = session.get_credentials()
        region = region or session.get_config_variable("region")
    except BotoCoreError as error:
        raise OptionError(f"--aws-sigv4: {error}") from None
    if credentials is None:
        raise OptionError(
            "--aws-sigv4: no AWS credentials found (environment, shared credentials file, or --aws-profile)"
        )
    if not region:
        raise OptionError("--aws-sigv4: no region; pass --aws-region or set AWS_REGION")
    frozen = credentials.get_frozen_credentials()
    secrets = tuple(s for s in (frozen.secret_key, frozen.token) if s)
    # The access key id is no secret to AWS, but a reader of a failure has no use for it either (a curl
    # replay reads $AWS_ACCESS_KEY_ID), and with it a log names the account's key.
    REDACTOR.add(frozen.access_key, *secrets)
    # botocore.auth logs each canonical request (session token included) and signature at DEBUG: with
    # --log-level=DEBUG they would reach a failing test's captured log, and from there CI logs and JUnit.
    logging.getLogger("botocore.auth").setLevel(logging.INFO)

    known = [frozen]

    def sign(method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        current = credentials.get_frozen_credentials()
        if current != known[0]:  # refreshed (an assumed role's): the new ones are as secret
            REDACTOR.add(current.access_key, current.secret_key, current.token)
            known[0] = current
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        SigV4Auth(credentials, signing_name, region).add_auth(request)
        signed = dict(request.headers.items())
        signature = _SIGNATURE.search(signed.get("Authorization", ""))
        if signature:
            REDACTOR.add_signature(signature.group(1))
        return signed

    return Signing(sign, region, secrets)


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
