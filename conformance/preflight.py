"""Before any test: the preflight, which checks a user's target once (it answers, the domain they named
exists, the credentials are let in), and learns which lifecycle operations the target has.

It sits next to the target (``conformance.target``), not in the plugin: it speaks to a ``TargetClient``
and says what is wrong in one sentence, and the plugin decides that the run does not start.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance import stash
from conformance.client import Exchange, TargetClient, TargetError
from conformance.errors import ACCESS_DENIED, NOT_FOUND, THROTTLED
from conformance.options import is_worker
from conformance.report import REDACTOR, escape_controls
from conformance.sdk import resolve_error_type
from conformance.spec import load_contract
from conformance.spec.wire import Request
from conformance.target import Target, workflow_path


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


def answer_in_brief(exchange: Any) -> str:
    error_type = resolve_error_type(exchange.status, exchange.headers, exchange.body)
    if error_type in (None, str(exchange.status)):
        error_type = "no error type"
    body = exchange.json()
    message = (body.get("Message") or body.get("message")) if isinstance(body, dict) else None
    shown = f": {escape_controls(REDACTOR.clip(str(message), 200))!r}" if message else ""
    return f"{exchange.status} {escape_controls(error_type)}{shown}"


def preflight(
    client: TargetClient,
    fixtures: dict[str, str],
    *,
    cleanup: bool = True,
    lifecycle: dict[str, str | None] | None = None,
) -> str | None:
    """Why the run can't start against the client's target, or None: one valid request on its domain
    (deleted again unless ``cleanup`` is off).  With ``lifecycle`` (a dict), it also learns which of
    GetWorkflow, ListWorkflows and DeleteWorkflow the target has, and fills it in."""
    from conformance.aws import apply_fixtures
    from conformance.strategies import (
        canonical_body,  # not at plugin import: Hypothesis warns of work done then
    )

    url, domain = client.base_url, client.existing_domain
    contract = load_contract()
    try:
        exchange = client.send(Request(None, apply_fixtures(canonical_body(), fixtures)))
    except TargetError as error:
        return str(error)
    if exchange.status == contract.status_of(NOT_FOUND):
        return (
            f"the domain {domain!r} does not exist on {url}: a valid request on it was answered "
            f"{exchange.status}. Name a domain that exists with --domain."
        )
    if exchange.status == contract.status_of(THROTTLED):
        return (
            f"{url} throttled the first request: {answer_in_brief(exchange)}, "
            f"{client.throttle.account()}. Lower --rate-limit, or run when the target is less busy."
        )
    if exchange.status == contract.status_of(ACCESS_DENIED):
        return (
            f"{url} refused the first request: {answer_in_brief(exchange)}. "
            "Check the credentials, --aws-sigv4 and --aws-region."
        )
    if 300 <= exchange.status < 400:
        location = escape_controls(REDACTOR.clip(exchange.headers.get("Location", "nowhere"), 300))
        return (
            f"{url} answered the first request with {exchange.status}, redirecting to {location}; the suite "
            "follows no redirects: use that address as --target-url."
        )
    body = exchange.json()
    workflow_id = (
        body.get("WorkflowId")
        if exchange.status == contract.success["status"] and isinstance(body, dict)
        else None
    )
    if not (isinstance(workflow_id, str) and workflow_id):
        workflow_id = None
    deletes_own = cleanup and workflow_id is not None
    if lifecycle is not None:
        from conformance.lifecycle import probe

        lifecycle.update(probe(client.send_raw, domain, workflow_id, delete=not deletes_own))
    if deletes_own:
        try:
            deleted = client.send_raw("DELETE", workflow_path(domain, workflow_id))
        except TargetError:
            pass  # the run itself will say what is wrong with the target
        else:
            if lifecycle is not None:
                from conformance.lifecycle import classify

                lifecycle["DeleteWorkflow"] = classify(deleted, lifecycle.get("_nowhere"))
    return None


def lifecycle_support(config: pytest.Config, target: Target) -> dict[str, str | None]:
    """Which lifecycle operations this process's target has: learnt by the preflight, or (in an xdist
    worker, which has no preflight) by probing with a WorkflowId nobody created, once."""
    if stash.LIFECYCLE not in config.stash:
        if target.embedded or config.getoption("lifecycle") == "off":
            config.stash[stash.LIFECYCLE] = {}
        else:
            from conformance.lifecycle import probe

            def send(method: str, path: str, body: bytes | None) -> Exchange:
                target.rate_limiter.wait()
                return target.client.send_raw(method, path, body)

            config.stash[stash.LIFECYCLE] = probe(send, target.domain)
    return config.stash[stash.LIFECYCLE]


def lifecycle_line(support: dict[str, str | None], mode: str) -> str | None:
    """One line on the lifecycle operations the target lacks, or None when it has them all."""
    from conformance.lifecycle import lacking

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
    from conformance.lifecycle import lacking

    return "DeleteWorkflow" not in lacking(config.stash.get(stash.LIFECYCLE, {}))
