"""Before any test: the preflight of a user's target, once, in the controller (it answers, the domain or
the pinned values they named exist, the credentials are let in), and which lifecycle operations the
flagship's target has.  The requests and their reading are ``conformance.flagship.preflight``'s and
``conformance.core.preflight``'s; here they meet pytest's options and stash.
"""

from __future__ import annotations

import pytest

from conformance.core.exchange import Exchange
from conformance.core.preflight import canonical_request, operation_preflight
from conformance.flagship.preflight import preflight
from conformance.flagship.target import FlagshipTarget
from conformance.plugin import stash
from conformance.plugin.options import is_worker, run_contract


def check_target(config: pytest.Config) -> str | None:
    """Why the run can't start against the user's target, or None (then the target's lifecycle operations
    are in the stash).  Only the controller checks, and only a run with --target-url that runs tests."""
    url = config.getoption("target_url")
    if not url or is_worker(config) or config.option.collectonly:
        return None
    connection = config.stash[stash.CONNECTION]
    client = connection.client(url, config.getoption("domain"), config.getoption("request_timeout"))
    support: dict[str, str | None] = {}
    with client:
        problem = preflight(
            client,
            connection.fixtures,
            cleanup=not config.getoption("no_cleanup"),
            lifecycle=support if config.getoption("lifecycle") != "off" else None,
        )
    if problem:
        return problem
    config.stash[stash.LIFECYCLE] = support
    return None


def lifecycle_support(config: pytest.Config, target: FlagshipTarget) -> dict[str, str | None]:
    """Which lifecycle operations this process's target has: learnt by the preflight, or (in an xdist
    worker, which has no preflight) by probing with a WorkflowId nobody created, once."""
    if stash.LIFECYCLE not in config.stash:
        if target.embedded or config.getoption("lifecycle") == "off":
            config.stash[stash.LIFECYCLE] = {}
        else:
            from conformance.flagship.lifecycle import probe

            def send(method: str, path: str, body: bytes | None) -> Exchange:
                target.rate_limiter.wait()
                return target.client.send_raw(method, path, body)

            config.stash[stash.LIFECYCLE] = probe(send, target.domain)
    return config.stash[stash.LIFECYCLE]


def lifecycle_line(support: dict[str, str | None], mode: str) -> str | None:
    """One line on the lifecycle operations the target lacks, or None when it has them all."""
    from conformance.flagship.lifecycle import lacking

    missing = [f"{name} (it answered {reason})" for name, reason in lacking(support).items()]
    if mode == "off" or not missing:
        return None
    then = "their checks fail (--lifecycle required)" if mode == "required" else "their checks are skipped"
    return f"conformance: lifecycle: the target has no {', no '.join(missing)}; {then}"


def deletes_are_judged(config: pytest.Config) -> bool:
    """Whether a 404 to the run's own DeleteWorkflow says the target lost a workflow: the target has the
    operation (its 404 is not what it answers to a path no operation has), and the lifecycle is on."""
    if config.getoption("lifecycle") == "off":
        return False
    from conformance.flagship.lifecycle import lacking

    return "DeleteWorkflow" not in lacking(config.stash.get(stash.LIFECYCLE, {}))


def check_operation_target(config: pytest.Config) -> str | None:
    """Why the run can't start against the user's target, or None.  Only the controller checks, and only
    a run with --target-url that runs tests."""
    url = config.getoption("target_url")
    if not url or is_worker(config) or config.option.collectonly:
        return None
    contract = run_contract(config)
    try:
        request = canonical_request(contract, config.stash.get(stash.PINNED, {}))
    except ValueError:  # CannotDraw: no valid request to send; the valid property says why
        return None
    connection = config.stash[stash.CONNECTION]
    with connection.client(url, "", config.getoption("request_timeout")) as client:
        return operation_preflight(client, contract, request)
