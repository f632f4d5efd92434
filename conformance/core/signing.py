"""SigV4 signing with botocore's credential chain, for any service's signing name: what running against
the real service (or a ``moto_server``, which routes by the credential scope) needs."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.core.errors import OptionError
from conformance.core.report import REDACTOR

_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")


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
