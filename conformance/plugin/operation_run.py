"""The run of an operation other than the flagship (``--operation SERVICE:OPERATION``), as the plugin sets
it up: its target (the user's, or the embedded reference serving that operation) and its strategies, with
the ``--value`` pins, built once per process (an xdist worker's too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conformance.core.coverage import Coverage
from conformance.core.target import Target
from conformance.core.throttle import RateLimiter
from conformance.plugin import stash
from conformance.plugin.ahead import send_ahead
from conformance.plugin.heap import freeze_run
from conformance.plugin.options import run_contract, workers


def operation_target(config: pytest.Config, session: pytest.Session) -> Iterator[Target]:
    """The target of an operation other than the flagship: the user's, or the embedded reference serving
    that operation (``OperationService``)."""
    from conformance.core.ledger import OperationAnswerLedger
    from conformance.core.operation_target import OperationTarget

    contract = run_contract(config)
    semantics = config.getoption("pattern_semantics")
    url = config.getoption("target_url")
    server = None
    if not url:
        from conformance.reference import start_server
        from conformance.reference.resource_store import operation_service

        # The reference reads patterns as Smithy does, unless the run asks for full matches.
        reading = "fullmatch" if semantics == "fullmatch" else "search"
        server = start_server(operation_service(contract, pattern_semantics=reading))
        url = server.url
    connection = config.stash[stash.CONNECTION]
    share = workers(config)
    rate = config.getoption("rate_limit")
    creates = connection.max_creates
    strategies = operation_strategies(config)
    target = OperationTarget(
        connection.client(url, "", config.getoption("request_timeout"), share=share),
        contract,
        OperationAnswerLedger(contract),
        semantics=semantics,
        embedded=server is not None,
        expect=config.getoption("expect"),
        creates_left=None if creates is None else max(1, creates // share),
        rate_limiter=RateLimiter(rate / share if rate else None),
        coverage=Coverage(contract, dict(strategies.unbreakable())),
        shrink_seconds=config.getoption("shrink_time"),
    )
    target.on_stop = lambda message: setattr(session, "shouldfail", message)
    target.ahead = send_ahead(target)
    config.stash[stash.TARGET] = target
    freeze_run()
    try:
        yield target
    finally:
        target.ahead.close()
        if target.made:
            config.stash[stash.CLEANUP] = _clean_up(target, keep=config.getoption("no_cleanup"))
        target.client.close()
        if server is not None:
            server.stop()


def _clean_up(target: Any, *, keep: bool) -> Any:
    """Delete the resources this process's resource properties made, unless ``keep`` (--no-cleanup)."""
    from conformance.core.resources import clean_up
    from conformance.plugin.summary import Cleanup
    from conformance.spec.resources import resource

    made = len(target.made)
    deleted = sum(1 for one in target.made if one.deleted)
    if keep:
        return Cleanup(made, deleted, [], None, [])
    done = clean_up(target, resource(target.contract.service, target.contract.operation))
    return Cleanup(done.created, done.deleted, done.not_deleted, None, done.lost)


def operation_strategies(config: pytest.Config) -> Any:
    """The strategies of the run's operation (``OperationStrategies``), with the --value pins; built once
    per process."""
    if stash.STRATEGIES not in config.stash:
        from conformance.strategies.operation import OperationStrategies

        pinned = config.stash.get(stash.PINNED, {})
        config.stash[stash.STRATEGIES] = OperationStrategies(run_contract(config), pinned=pinned)
    return config.stash[stash.STRATEGIES]
