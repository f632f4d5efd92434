"""The pytest plugin: its options, hooks and fixtures, each handing its work to the module whose role it is.

Loaded by the ``pytest11`` entry point when the package is installed, and by the checkout's
``conftest.py``; both use the module's name, so it registers once.  It is loaded by every pytest run in
the environment, so it changes nothing for tests that are not the suite's: no Hypothesis profile is loaded
or registered over another's (each of the suite's properties carries its own settings, see
``conformance.plugin.profiles``), and a run without the suite's tests prints none of its lines.  Nothing
happens at import time; the embedded reference starts only when a property first asks for the target.

This package is the pytest layer, and the only part of the suite that knows pytest: the sending and the
judging are ``conformance.core``'s, what only the flagship has is ``conformance.flagship``'s, and the
properties are ``conformance.properties``'s.  The work is elsewhere, one role a module: the options'
checks and the connection in ``options``, the check of a user's target in ``preflight``, the Hypothesis
profiles in ``profiles``, the totals of the run and their merging across xdist workers in ``summary``, the
rewriting of pytest's reports in ``outcomes``, the plugin's state in ``stash``, the freezing of
the run's long-lived objects for the garbage collector in ``heap``, and the target and
strategies of an operation other than the flagship (``--operation``) in ``operation_run``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.core.coverage import Coverage
from conformance.core.exchange import Exchange
from conformance.core.report import REDACTOR
from conformance.core.target import PATTERN_SEMANTICS, CreateBudgetSpent
from conformance.core.throttle import RateLimiter
from conformance.flagship.ledger import AnswerLedger
from conformance.flagship.target import DEFAULT_CLOCK_SKEW, FlagshipTarget
from conformance.plugin import outcomes, stash, summary
from conformance.plugin.ahead import finish_ahead, plan_ahead, rehearse, send_ahead
from conformance.plugin.heap import freeze_run
from conformance.plugin.operation_run import operation_strategies, operation_target
from conformance.plugin.options import (
    DEFAULT_MAX_CREATES,
    DEFAULT_THROTTLE_WAIT,
    connection,
    is_worker,
    markers,
    option_problem,
    register_url_secrets,
    run_contract,
    runs_flagship,
    shown_url,
    workers,
)
from conformance.plugin.outcomes import SUITE
from conformance.plugin.preflight import check_target, lifecycle_line, lifecycle_support
from conformance.plugin.profiles import choose_profile, chosen_profile
from conformance.plugin.progress import Progress, terminal_line
from conformance.plugin.summary import Cleanup
from conformance.spec import load_contract
from conformance.spec.operation import FLAGSHIP
from conformance.spec.wire import Request, WireRequest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "restJson1 operation conformance")
    group.addoption(
        "--operation",
        metavar="SERVICE:OPERATION",
        default=FLAGSHIP,
        help=f"the restJson1 operation under test, as botocore names it (default: {FLAGSHIP}, where the "
        "suite goes deepest; e.g. scheduler:CreateSchedule)",
    )
    group.addoption(
        "--value",
        action="append",
        metavar="PATH=VALUE",
        help="pin a request member (by its constraint-id path: Name, Target.Arn) to a value in every valid "
        "request: text for strings, numbers, true/false, JSON for structures, lists and maps (repeatable)",
    )
    group.addoption(
        "--target-url",
        metavar="URL",
        help="base URL of the implementation under test (scheme, host, port, optional path prefix); "
        "without it the suite starts the embedded reference implementation",
    )
    group.addoption(
        "--domain",
        metavar="NAME",
        help=f"{FLAGSHIP}: a domain that exists on the target (required with --target-url); the same as "
        "--value DomainName=NAME",
    )
    group.addoption(
        "--request-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time allowed for each whole answer (default: 10)",
    )
    group.addoption(
        "--clock-skew",
        type=float,
        default=DEFAULT_CLOCK_SKEW,
        metavar="SECONDS",
        help="how far the target's clock may be from this machine's: the times it sets for a workflow "
        f"the run created may lie this much outside the run's window (default: {DEFAULT_CLOCK_SKEW:g})",
    )
    group.addoption(
        "--shrink-time",
        type=float,
        default=None,
        metavar="SECONDS",
        help="the most time a property spends making its failing request smaller, after its first "
        "failure; then the smallest found so far is reported (default: no bound; 0 reports the first)",
    )
    group.addoption(
        "--expect",
        choices=("strict", "lenient"),
        default="strict",
        help="strict (default): valid requests must get 200; lenient (the real service, no --fixtures-file): "
        "any documented error with a conforming shape, never a 5xx",
    )
    group.addoption(
        "--aws-sigv4",
        action="store_true",
        help="sign every request with SigV4 (the operation's signing name: 'profile' for the flagship)",
    )
    group.addoption("--aws-profile", metavar="NAME", help="the shared-config profile whose credentials sign")
    group.addoption(
        "--aws-region", metavar="REGION", help="the region signed for (default: from the environment)"
    )
    group.addoption(
        # pytest's own --fixtures (list fixtures) takes the shorter name
        "--fixtures-file",
        metavar="FILE",
        help="JSON with real values (domain, role_arn, kms_arn, connector_profile_name, object_type_name) "
        "used in place of generated ones in valid requests",
    )
    group.addoption(
        "--rate-limit",
        type=float,
        metavar="N",
        help="at most N requests per second across the run, xdist workers included",
    )
    group.addoption(
        "--max-throttle-wait",
        type=float,
        default=DEFAULT_THROTTLE_WAIT,
        metavar="SECONDS",
        help="the most time spent waiting to resend requests answered 429, across the run, xdist workers "
        f"included (default: {DEFAULT_THROTTLE_WAIT:g}); after that a 429 is the answer",
    )
    group.addoption(
        "--max-creates",
        type=int,
        metavar="N",
        help=f"at most N creating requests (the flagship's workflows; any other operation's valid "
        f"requests) (default: {DEFAULT_MAX_CREATES} for a target that is not on loopback, no limit on "
        "loopback)",
    )
    group.addoption(
        "--no-cleanup", action="store_true", help="keep the workflows the run creates (default: delete them)"
    )
    group.addoption(
        "--conformance-report",
        metavar="PATH",
        help="write constraint coverage as PATH.json and PATH.md (one row per constraint id)",
    )
    group.addoption(
        "--lifecycle",
        choices=("auto", "required", "off"),
        default="auto",
        help="auto (default): check what GetWorkflow, ListWorkflows and DeleteWorkflow say of the workflows "
        "the run creates, where the target has them; required: a missing one is a failure; off: send none",
    )
    group.addoption("--insecure", action="store_true", help="accept a TLS certificate that does not verify")
    group.addoption(
        "--pattern-semantics",
        choices=PATTERN_SEMANTICS,
        default="strict",
        help="strict (default): only values every reading of the patterns agrees on; search: values "
        "that match a pattern somewhere are valid (Smithy); fullmatch: they must match as a whole",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """``--operation SERVICE:*``: every operation of the service, one run each (``service_run``)."""
    from conformance.plugin.service_run import run_service, whole_service

    service = whole_service(config)
    if service is None or is_worker(config):
        return None
    return run_service(config, service)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before Hypothesis's plugin loads the profile asked for (which must then be registered).
    try:
        choose_profile(config.getoption("hypothesis_profile", None))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    for name, description in markers(load_contract()).items():
        config.addinivalue_line("markers", f"{name}: {description}")
    register_url_secrets(config.getoption("target_url"))
    problem = option_problem(config)
    if problem:
        raise pytest.UsageError(REDACTOR.clean(problem))
    config.stash[stash.CONNECTION] = connection(config)


# The properties of any operation other than the flagship; every other file of the suite's folder is the
# flagship's own.
_OPERATION_MODULES = ("test_operation.py", "test_resource.py")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The properties of the run's operation only: the flagship's modules stand aside for another
    operation, and the modules of any operation stand aside for the flagship (which has its own)."""
    if collection_path.parent != SUITE or not collection_path.name.startswith("test_"):
        return None
    if stash.CONTRACT not in config.stash:  # the options were refused: nothing runs anyway
        return None
    if (collection_path.name in _OPERATION_MODULES) == runs_flagship(config):
        return True
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Check a user's target once, before any test: it answers, and the domain they named exists."""
    outcomes.redact_captured_logs(session.config)
    problem = check_target(session.config) if runs_flagship(session.config) else None
    if problem is None and not runs_flagship(session.config):
        from conformance.plugin.preflight import check_operation_target

        problem = check_operation_target(session.config)
    if problem:
        from conformance.core.preflight import NOT_IMPLEMENTED
        from conformance.plugin.service_run import write_status

        write_status(
            session.config, problem=REDACTOR.clean(problem), unimplemented=NOT_IMPLEMENTED in problem
        )
        # A usage error, said once ("ERROR: ..."); pytest.exit would print it twice (Exit: and ! ... !).
        raise pytest.UsageError(REDACTOR.clean(problem))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[FlagshipTarget]:
    """The implementation under test: the user's --target-url, or the embedded reference on loopback."""
    config = request.config
    if not runs_flagship(config):
        yield from operation_target(config, request.session)
        return
    timeout = config.getoption("request_timeout")
    semantics = config.getoption("pattern_semantics")
    contract = load_contract()
    url = config.getoption("target_url")
    server = None
    if url:
        domain = config.getoption("domain")
    else:
        from conformance.reference import ReferenceService, start_server

        # The reference reads patterns as Smithy does, unless the run asks for full matches.
        reference_semantics = "fullmatch" if semantics == "fullmatch" else "search"
        domain = config.getoption("domain") or ReferenceService.DEFAULT_DOMAIN
        server = start_server(ReferenceService(domains=[domain], semantics=reference_semantics))
        url = server.url
    connection = config.stash[stash.CONNECTION]
    share = workers(config)
    rate = config.getoption("rate_limit")
    creates = connection.max_creates
    target = FlagshipTarget(
        connection.client(url, domain, timeout, share=share),
        contract,
        AnswerLedger(contract),
        domain=domain,
        semantics=semantics,
        embedded=server is not None,
        expect=config.getoption("expect"),
        fixtures=connection.fixtures,
        creates_left=None if creates is None else max(1, creates // share),
        rate_limiter=RateLimiter(rate / share if rate else None),
        coverage=Coverage(contract),
        shrink_seconds=config.getoption("shrink_time"),
        clock_skew=config.getoption("clock_skew"),
    )
    session = request.session
    # pytest ends the run after the current test, as --maxfail does; the test's own failure says why.
    target.on_stop = lambda message: setattr(session, "shouldfail", message)
    target.ahead = send_ahead(target)
    config.stash[stash.TARGET] = target
    freeze_run()
    try:
        yield target
    finally:
        target.ahead.close()
        if server is None:
            config.stash[stash.CLEANUP] = _clean_up(target, keep=config.getoption("no_cleanup"))
        target.client.close()
        if server is not None:
            server.stop()


@pytest.fixture(scope="session")
def strategies(request: pytest.FixtureRequest) -> Any:
    """The strategies of the run's operation (``OperationStrategies``), for the properties of any one."""
    return operation_strategies(request.config)


def _clean_up(target: FlagshipTarget, *, keep: bool) -> Cleanup:
    """Delete the workflows this process created, unless ``keep`` (--no-cleanup); what came of it."""
    created = len(target.created) + target.deleted_by_tests
    if keep:
        return Cleanup(created, target.deleted_by_tests, [], None, [])
    done = target.clean_up()
    return Cleanup(
        created, done.deleted + target.deleted_by_tests, done.failed, done.no_delete_operation, done.lost
    )


class Send:
    """``send(request, creates=False) -> Exchange`` for one test (transport failures fail it clearly;
    ``creates`` spends the --max-creates budget).  Reads as ``send`` where Hypothesis prints a failing
    test's arguments."""

    def __init__(self, target: FlagshipTarget, test_id: str) -> None:
        self.target, self.test_id = target, test_id
        # In a rehearsal (``conformance.plugin.ahead.rehearse``): records the request instead of sending.
        self.rehearse: Callable[[Request | WireRequest, bool], Exchange] | None = None

    def __call__(self, outgoing: Request | WireRequest, creates: bool = False) -> Exchange:
        __tracebackhide__ = True
        if self.rehearse is not None:
            return self.rehearse(outgoing, creates)
        try:
            if isinstance(outgoing, WireRequest):
                return self.target.send_wire(outgoing, self.test_id, creates=creates)  # type: ignore[attr-defined]
            return self.target.send(outgoing, self.test_id, creates=creates)
        except CreateBudgetSpent as spent:
            reason = str(spent)
        pytest.skip(reason)  # outside the except block: the skip has no error for its context

    def __repr__(self) -> str:
        return "send"


@pytest.fixture
def lifecycle(target: FlagshipTarget, request: pytest.FixtureRequest) -> Any:
    """The current test's GetWorkflow, ListWorkflows and DeleteWorkflow
    (``conformance.flagship.lifecycle``)."""
    from conformance.flagship.lifecycle import Lifecycle

    config = request.config
    return Lifecycle(
        target, request.node.nodeid, config.getoption("lifecycle"), lifecycle_support(config, target)
    )


@pytest.fixture
def send(target: FlagshipTarget, request: pytest.FixtureRequest) -> Send:
    """The current test's ``send(request, creates=False) -> Exchange``."""
    return Send(target, request.node.nodeid)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The run's target and readings, once the suite's tests are known to be in it (the plugin is loaded
    by every pytest run in the environment, and says nothing in one without them); and, in a run of one
    process, a line now and then while a test runs long (``progress``)."""
    config = session.config
    if not is_worker(config) and any(_is_ours(item) for item in session.items):
        _write_header(config)
        write = terminal_line(config) if workers(config) == 1 else None
        if write is not None:
            progress = Progress(write, lambda: config.stash.get(stash.TARGET, None))
            config.stash[stash.PROGRESS] = progress
            progress.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201
    progress = item.config.stash.get(stash.PROGRESS, None)
    if progress is not None:
        progress.started(item.nodeid)
    try:
        return (yield)
    finally:
        if progress is not None:
            progress.finished()


def pytest_unconfigure(config: pytest.Config) -> None:
    progress = config.stash.get(stash.PROGRESS, None)
    if progress is not None:
        progress.stop()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """Under xdist the workers collect: the controller learns from their test ids."""
    if any(f"{SUITE.name}/test_" in nodeid for nodeid in ids):
        _write_header(node.config)


def _write_header(config: pytest.Config) -> None:
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is None or config.stash.get(stash.HEADER_WRITTEN, False):
        return
    config.stash[stash.HEADER_WRITTEN] = True
    url = config.getoption("target_url") or "the embedded reference implementation"
    contract = run_contract(config)
    if not runs_flagship(config):
        terminal.write_line(
            f"conformance: operation {contract.service}:{contract.operation} ({contract.method} "
            f"{contract.uri}); the flagship's own properties ({FLAGSHIP}) stand aside"
        )
    terminal.write_line(
        REDACTOR.clean(
            f"conformance: target {shown_url(url)}, pattern semantics "
            f"{config.getoption('pattern_semantics')}, hypothesis profile {chosen_profile()}"
        )
    )
    line = lifecycle_line(config.stash.get(stash.LIFECYCLE, {}), config.getoption("lifecycle"))
    if line:
        terminal.write_line(REDACTOR.clean(line))
    from conformance.strategies.drawing import public_path_note  # builds no strategy

    note = public_path_note()
    if note:
        terminal.write_line(note)


def _is_ours(item: pytest.Item) -> bool:
    return SUITE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(tryfirst=True)  # before the terminal's and JUnit's: the verdicts are reports of their own
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    summary.add_own_share(config)
    if not is_worker(config) and stash.TOTALS in config.stash:
        outcomes.report_verdicts(session, summary.totals(config))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """Under xdist, the controller adds up what each worker reports."""
    summary.add_worker_share(node)


@pytest.hookimpl(wrapper=True, tryfirst=True, specname="pytest_terminal_summary")
def pytest_terminal_summary_holding_back(terminalreporter: pytest.TerminalReporter):  # noqa: ANN202
    # Around the terminal's own summary, so before it writes the failures.
    outcomes.hold_back_reports(terminalreporter)
    return (yield)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Between the terminal's failures and its short summary.
    outcomes.list_held_back(terminalreporter)
    summary.write_summary(terminalreporter)


@pytest.hookimpl(tryfirst=True)  # before the terminal and JUnit read it
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    outcomes.give_headline(report)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):  # noqa: ANN201
    """Against a far target, the catalogue's requests, and those a property will draw, go out ahead of
    the tests that judge them."""
    restore = None
    try:
        plan_ahead(item)
        send = getattr(item, "funcargs", {}).get("send")
        restore = rehearse(item, send) if isinstance(send, Send) else None
        return (yield)
    finally:
        finish_ahead(item)
        if restore is not None:
            restore()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    """A failure of the suite's own kind reads as its report, not as a traceback (``outcomes``)."""
    report = yield
    outcomes.rewrite_report(item, call, report)
    return report
