"""Before any test of the flagship: the preflight, which checks a user's target once (it answers, the
domain they named exists, the credentials are let in), and learns which lifecycle operations the target
has.

It speaks to a ``TargetClient`` and says what is wrong in one sentence; the plugin
(``conformance.plugin.preflight``) decides that the run does not start.
"""

from __future__ import annotations

from conformance.core.client import TargetClient
from conformance.core.exchange import TargetError
from conformance.core.preflight import answer_in_brief
from conformance.core.report import REDACTOR, escape_controls
from conformance.flagship.errors import ACCESS_DENIED, NOT_FOUND, THROTTLED
from conformance.flagship.judge import created_id
from conformance.flagship.target import workflow_path
from conformance.spec import load_contract
from conformance.spec.wire import Request


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
    from conformance.flagship.fixtures import apply_fixtures
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
    workflow_id = created_id(exchange)
    deletes_own = cleanup and workflow_id is not None
    if lifecycle is not None:
        from conformance.flagship.lifecycle import probe

        lifecycle.update(probe(client.send_raw, domain, workflow_id, delete=not deletes_own))
    if deletes_own:
        try:
            deleted = client.send_raw("DELETE", workflow_path(domain, workflow_id))
        except TargetError:
            pass  # the run itself will say what is wrong with the target
        else:
            if lifecycle is not None:
                from conformance.flagship.lifecycle import classify

                lifecycle["DeleteWorkflow"] = classify(deleted, lifecycle.get("_nowhere"))
    return None
