"""The pytest plugin: options, markers, the target fixture, the verdicts on the answers and the summary.

Loaded by the ``pytest11`` entry point when the package is installed, and by the checkout's
``conftest.py``; both use the module's name, so it registers once.  It is loaded by every pytest run in
the environment, so it changes nothing for tests that are not the suite's: no Hypothesis profile is loaded
or registered over another's (each of the suite's properties carries its own settings, see
``conformance.properties``), and a run without the suite's tests prints none of its lines.  Nothing happens
at import time; the embedded reference starts only when a property first asks for the target.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from conformance.answers import NODE, AnswerLedger
from conformance.aws import OptionError, load_fixtures, sigv4
from conformance.checks import ConformanceFailure
from conformance.client import Exchange, TargetClient, TargetError
from conformance.coverage import Coverage
from conformance.errors import ACCESS_DENIED, INVALID, NOT_FOUND, THROTTLED, named
from conformance.properties import choose_profile, chosen_profile
from conformance.report import REDACTOR, escape_controls, render_test_failures
from conformance.summary import RunTotals
from conformance.target import (
    PATTERN_SEMANTICS,
    CreateBudgetSpent,
    Target,
    TransportFailure,
    workflow_path,
)
from conformance.throttle import RateLimiter
from spec import Contract, load_contract
from spec.wire import Request

# Workflow-creating requests a run sends to a target that is not on loopback, unless told otherwise.
DEFAULT_MAX_CREATES = 200
THROTTLE_RETRIES = 3
DEFAULT_THROTTLE_WAIT = 60.0


def markers(contract: Contract) -> dict[str, str]:
    """The suite's markers and what each selects."""
    return {
        "valid": f"valid requests on the existing domain get a conforming {contract.success['status']}",
        "invalid": f"requests that break one constraint get {named(contract, INVALID)}",
        "boundaries": "the deterministic edge cases of every constraint",
        "errors": "whole-body faults and the shape of error answers",
        "domains": f"valid requests on domains that don't exist get {contract.status_of(NOT_FOUND)} "
        "(deselect for targets without domains)",
        "responses": "properties of success answers across requests (unique WorkflowIds)",
        "ambiguous": "the search-only zone of the patterns; runs with --pattern-semantics search|fullmatch",
        "lifecycle": "GetWorkflow, ListWorkflows and DeleteWorkflow show that a create created (skipped for "
        "a target without them)",
    }


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "CreateIntegrationWorkflow conformance")
    group.addoption(
        "--target-url",
        metavar="URL",
        help="base URL of the implementation under test (scheme, host, port, optional path prefix); "
        "without it the suite starts the embedded reference implementation",
    )
    group.addoption(
        "--domain", metavar="NAME", help="a domain that exists on the target (required with --target-url)"
    )
    group.addoption(
        "--request-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time allowed for each whole answer (default: 10)",
    )
    group.addoption(
        "--expect",
        choices=("strict", "lenient"),
        default="strict",
        help="strict (default): valid requests must get 200; lenient (the real service, no --fixtures-file): "
        "any documented error with a conforming shape, never a 5xx",
    )
    group.addoption(
        "--aws-sigv4", action="store_true", help="sign every request with SigV4 (service 'profile')"
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
        help=f"at most N workflow-creating requests (default: {DEFAULT_MAX_CREATES} for a target that is "
        "not on loopback, no limit on loopback)",
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


_SUITE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before Hypothesis's plugin loads the profile asked for (which must then be registered).
    choose_profile(config.getoption("hypothesis_profile", None))
    for name, description in markers(load_contract()).items():
        config.addinivalue_line("markers", f"{name}: {description}")
    _register_url_secrets(config.getoption("target_url"))
    problem = _option_problem(config)
    if problem:
        raise pytest.UsageError(REDACTOR.clean(problem))
    config.stash[_CONNECTION_KEY] = _connection(config)


def _register_url_secrets(url: str | None) -> None:
    """A password in --target-url is a secret from the start (the client sends it as HTTP Basic)."""
    try:
        password = urlsplit(url).password if url else None
    except ValueError:
        return
    if password:
        REDACTOR.add(password, unquote(password))


def _option_problem(config: pytest.Config) -> str | None:
    """What is wrong with the options, in one sentence, before anything is sent or started."""
    url = config.getoption("target_url")
    if url:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
        except ValueError as error:
            return f"--target-url {url!r} is not a URL the suite can reach: {error}"
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"--target-url must be an http:// or https:// URL with a host, not {url!r}"
        if parts.query or parts.fragment:
            return (
                f"--target-url {url!r} has a query or fragment; give the base URL (an optional path prefix)"
            )
        if parts.password is not None and config.getoption("aws_sigv4"):
            return (
                "--target-url carries a user and password, sent as HTTP Basic authorization, and "
                "--aws-sigv4 signs the Authorization header: choose one"
            )
        if not config.getoption("domain"):
            return "--target-url needs --domain NAME: a domain that exists on the target"
    domain = config.getoption("domain")
    if domain is not None:
        from spec.validation import RequestValidator

        violations = RequestValidator().domain_violations(domain)
        if violations:
            return f"--domain {domain!r} is no valid domain name: {violations[0].message}"
    timeout = config.getoption("request_timeout")
    if not (math.isfinite(timeout) and timeout > 0):
        return "--request-timeout must be a positive number of seconds"
    rate = config.getoption("rate_limit")
    if rate is not None and not (math.isfinite(rate) and rate > 0):
        return "--rate-limit must be a positive number of requests per second"
    wait = config.getoption("max_throttle_wait")
    if not (math.isfinite(wait) and wait >= 0):
        return "--max-throttle-wait must be a number of seconds, 0 or more"
    creates = config.getoption("max_creates")
    if creates is not None and creates < 1:
        return "--max-creates must be at least 1"
    report = config.getoption("conformance_report")
    if report:
        folder = Path(report).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return f"--conformance-report={report}: cannot make the folder {str(folder)!r}: {error.strerror}"
        if not os.access(folder, os.W_OK):
            return f"--conformance-report={report}: cannot write there"
    return None


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Connection:
    """How this run reaches its target, worked out once from the options."""

    signer: Any
    verify_tls: bool
    fixtures: dict[str, str]
    max_creates: int | None
    throttle_wait: float

    def client(self, url: str, domain: str, timeout: float, *, share: int = 1) -> TargetClient:
        """A client of the target; ``share`` is the number of processes the run's limits are divided by."""
        return TargetClient(
            url,
            domain,
            timeout=timeout,
            signer=self.signer,
            verify_tls=self.verify_tls,
            throttle_retries=THROTTLE_RETRIES,
            throttle_wait=self.throttle_wait / share,
        )


_CONNECTION_KEY = pytest.StashKey[Connection]()


def _connection(config: pytest.Config) -> Connection:
    signer = None
    fixtures: dict[str, str] = {}
    try:
        if config.getoption("aws_sigv4"):
            signing = sigv4(
                load_contract().signing_name, config.getoption("aws_profile"), config.getoption("aws_region")
            )
            signer = signing.sign
        if config.getoption("fixtures_file"):
            from spec.validation import RequestValidator

            fixtures = load_fixtures(config.getoption("fixtures_file"), RequestValidator())
    except OptionError as error:
        raise pytest.UsageError(str(error)) from None
    url = config.getoption("target_url")
    max_creates = config.getoption("max_creates")
    if max_creates is None and url and not _is_loopback(url):
        max_creates = DEFAULT_MAX_CREATES
    return Connection(
        signer, not config.getoption("insecure"), fixtures, max_creates, config.getoption("max_throttle_wait")
    )


def _workers(config: pytest.Config) -> int:
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) if _is_worker(config) else 1


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Check a user's target once, before any test: it answers, and the domain they named exists."""
    config = session.config
    _redact_captured_logs(config)
    url = config.getoption("target_url")
    if not url or _is_worker(config) or config.option.collectonly:
        return
    connection = config.stash[_CONNECTION_KEY]
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
        pytest.exit(REDACTOR.clean(problem), returncode=pytest.ExitCode.USAGE_ERROR)
    config.stash[_LIFECYCLE_KEY] = support


class _RedactingFilter(logging.Filter):
    """Redacts and escapes each log record as pytest's handlers take it: the libraries the suite drives
    log what the target said (``botocore.parsers`` logs whole answers at DEBUG), and captured logs reach
    the terminal, JUnit and CI logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments don't fit its format: leave it to logging's own report
            return True
        cleaned = REDACTOR.clean(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def _redact_captured_logs(config: pytest.Config) -> None:
    logging_plugin = config.pluginmanager.get_plugin("logging-plugin")
    for name in ("caplog_handler", "report_handler", "log_file_handler", "log_cli_handler"):
        handler = getattr(logging_plugin, name, None)
        if isinstance(handler, logging.Handler) and not any(
            isinstance(existing, _RedactingFilter) for existing in handler.filters
        ):
            handler.addFilter(_RedactingFilter())


def _answer_in_brief(exchange: Any) -> str:
    from conformance.checks import resolve_error_type

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
    from strategies import canonical_body  # not at plugin import: Hypothesis warns of work done then

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
            f"{url} throttled the first request: {_answer_in_brief(exchange)}, "
            f"{client.throttle.account()}. Lower --rate-limit, or run when the target is less busy."
        )
    if exchange.status == contract.status_of(ACCESS_DENIED):
        return (
            f"{url} refused the first request: {_answer_in_brief(exchange)}. "
            "Check the credentials, --aws-sigv4 and --aws-region."
        )
    if 300 <= exchange.status < 400:
        location = escape_controls(REDACTOR.clip(exchange.headers.get("Location", "nowhere"), 300))
        return (
            f"{url} answered the first request with {exchange.status}, redirecting to {location}; the suite "
            "follows no redirects: use that address as --target-url."
        )
    body = exchange.json()
    workflow_id = body.get("WorkflowId") if exchange.status == 200 and isinstance(body, dict) else None
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


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The implementation under test: the user's --target-url, or the embedded reference on loopback."""
    config = request.config
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
    connection = config.stash[_CONNECTION_KEY]
    workers = _workers(config)
    rate = config.getoption("rate_limit")
    creates = connection.max_creates
    target = Target(
        connection.client(url, domain, timeout, share=workers),
        domain,
        contract,
        semantics=semantics,
        embedded=server is not None,
        expect=config.getoption("expect"),
        fixtures=connection.fixtures,
        creates_left=None if creates is None else max(1, creates // workers),
        rate_limiter=RateLimiter(rate / workers if rate else None),
        coverage=Coverage(contract),
        answers=AnswerLedger(contract),
    )
    session = request.session
    # pytest ends the run after the current test, as --maxfail does; the test's own failure says why.
    target.on_stop = lambda message: setattr(session, "shouldfail", message)
    config.stash[_TARGET_KEY] = target
    # What is alive now (modules, the contract, strategies, the collected tests) lives for the whole run:
    # frozen, the garbage collector does not walk it again in every full collection.
    gc.freeze()
    try:
        yield target
    finally:
        gc.unfreeze()
        if server is None and not config.getoption("no_cleanup"):
            created = len(target.created) + target.deleted_by_tests
            deleted, failed, missing, lost = target.clean_up()
            config.stash[_CLEANUP_KEY] = (created, deleted + target.deleted_by_tests, failed, missing, lost)
        elif server is None:
            created = len(target.created) + target.deleted_by_tests
            config.stash[_CLEANUP_KEY] = (created, target.deleted_by_tests, [], None, [])
        target.client.close()
        if server is not None:
            server.stop()


_CLEANUP_KEY = pytest.StashKey[tuple]()


_TARGET_KEY = pytest.StashKey[Target]()


class Send:
    """``send(request, creates=False) -> Exchange`` for one test (transport failures fail it clearly;
    ``creates`` spends the --max-creates budget).  Reads as ``send`` where Hypothesis prints a failing
    test's arguments."""

    def __init__(self, target: Target, test_id: str) -> None:
        self.target, self.test_id = target, test_id

    def __call__(self, outgoing: Request, creates: bool = False) -> Exchange:
        __tracebackhide__ = True
        try:
            return self.target.send(outgoing, self.test_id, creates=creates)
        except CreateBudgetSpent as spent:
            reason = str(spent)
        pytest.skip(reason)  # outside the except block: the skip has no error for its context

    def __repr__(self) -> str:
        return "send"


_LIFECYCLE_KEY = pytest.StashKey[dict]()


def _lifecycle_support(config: pytest.Config, target: Target) -> dict[str, str | None]:
    """Which lifecycle operations this process's target has: learnt by the preflight, or (in an xdist
    worker, which has no preflight) by probing with a WorkflowId nobody created, once."""
    if _LIFECYCLE_KEY not in config.stash:
        if target.embedded or config.getoption("lifecycle") == "off":
            config.stash[_LIFECYCLE_KEY] = {}
        else:
            from conformance.lifecycle import probe

            def send(method: str, path: str, body: bytes | None) -> Exchange:
                target.rate_limiter.wait()
                return target.client.send_raw(method, path, body)

            config.stash[_LIFECYCLE_KEY] = probe(send, target.domain)
    return config.stash[_LIFECYCLE_KEY]


@pytest.fixture
def lifecycle(target: Target, request: pytest.FixtureRequest) -> Any:
    """The current test's GetWorkflow, ListWorkflows and DeleteWorkflow (``conformance.lifecycle``)."""
    from conformance.lifecycle import Lifecycle

    config = request.config
    return Lifecycle(
        target, request.node.nodeid, config.getoption("lifecycle"), _lifecycle_support(config, target)
    )


@pytest.fixture
def send(target: Target, request: pytest.FixtureRequest) -> Send:
    """The current test's ``send(request, creates=False) -> Exchange``."""
    return Send(target, request.node.nodeid)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The run's target and readings, once the suite's tests are known to be in it (the plugin is loaded
    by every pytest run in the environment, and says nothing in one without them)."""
    if not _is_worker(session.config) and any(_is_ours(item) for item in session.items):
        _write_header(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """Under xdist the workers collect: the controller learns from their test ids."""
    if any(f"{_SUITE.name}/test_" in nodeid for nodeid in ids):
        _write_header(node.config)


_HEADER_WRITTEN = pytest.StashKey[bool]()


def _write_header(config: pytest.Config) -> None:
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is None or config.stash.get(_HEADER_WRITTEN, False):
        return
    config.stash[_HEADER_WRITTEN] = True
    url = config.getoption("target_url") or "the embedded reference implementation"
    terminal.write_line(
        REDACTOR.clean(
            f"conformance: target {_shown_url(url)}, pattern semantics "
            f"{config.getoption('pattern_semantics')}, hypothesis profile {chosen_profile()}"
        )
    )
    line = lifecycle_line(config.stash.get(_LIFECYCLE_KEY, {}), config.getoption("lifecycle"))
    if line:
        terminal.write_line(REDACTOR.clean(line))


def lifecycle_line(support: dict[str, str | None], mode: str) -> str | None:
    """One line on the lifecycle operations the target lacks, or None when it has them all."""
    from conformance.lifecycle import lacking

    missing = [f"{name} (it answered {reason})" for name, reason in lacking(support).items()]
    if mode == "off" or not missing:
        return None
    then = "their checks fail (--lifecycle required)" if mode == "required" else "their checks are skipped"
    return f"conformance: lifecycle: the target has no {', no '.join(missing)}; {then}"


def _is_ours(item: pytest.Item) -> bool:
    return _SUITE in Path(str(item.path)).resolve().parents


def _shown_url(url: str) -> str:
    """A URL without its password, if it has one (the suite never sends it)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username}:<redacted>@{host}").geturl()


_TOTALS_KEY = pytest.StashKey[RunTotals]()


def _totals(config: pytest.Config) -> RunTotals:
    if _TOTALS_KEY not in config.stash:
        config.stash[_TOTALS_KEY] = RunTotals(no_cleanup=config.getoption("no_cleanup"))
    return config.stash[_TOTALS_KEY]


@pytest.hookimpl(tryfirst=True)  # before the terminal's and JUnit's: the verdicts are reports of their own
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    target = config.stash.get(_TARGET_KEY, None)
    if target is not None:
        share = RunTotals.from_target(target, config.stash.get(_CLEANUP_KEY, None))
        if _is_worker(config):
            config.workeroutput["conformance"] = share  # type: ignore[attr-defined]
            return
        _totals(config).add(share)
    if _is_worker(config) or target is None and _TOTALS_KEY not in config.stash:
        return
    _drop_hypothesis_statistics_from_junit(config)
    totals = _totals(config)
    # A WorkflowId repeated across xdist workers is a failure no single worker could see.
    totals.answers.repeated_across_processes(totals.repeated_ids())
    verdicts = totals.answers.verdicts()
    session.testscollected += len(verdicts)  # so that the terminal's progress counts them
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    if verdicts and terminal is not None:
        terminal.write("\n")
        terminal.write_line(
            "conformance: the properties of the answers, judged over every exchange of the run:"
        )
    if totals.lost and _deletes_are_judged(config):
        verdicts.append((f"{NODE}[lifecycle.cleanup]", False, totals.lost_report()))
    for nodeid, passed, text in verdicts:
        _log_verdict(config, nodeid, passed, REDACTOR.clean(text))
    if (totals.answers.failed() or any(not passed for _, passed, _ in verdicts)) and (
        session.exitstatus == pytest.ExitCode.OK
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _deletes_are_judged(config: pytest.Config) -> bool:
    """Whether a 404 to the run's own DeleteWorkflow says the target lost a workflow: the target has the
    operation (its 404 is not what it answers to a path no operation has), and the lifecycle is on."""
    if config.getoption("lifecycle") == "off":
        return False
    from conformance.lifecycle import lacking

    return "DeleteWorkflow" not in lacking(config.stash.get(_LIFECYCLE_KEY, {}))


def _drop_hypothesis_statistics_from_junit(config: pytest.Config) -> None:
    """Hypothesis adds each test's statistics to the JUnit file as a base64 property: for the suite's few
    hundred tests most of a passing run's file, and nothing a person reads.  Dropped, for the suite's own
    tests only; ``--hypothesis-show-statistics`` still prints them."""
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - a pytest that moved it: the file keeps them
        return
    xml = config.stash.get(xml_key, None)
    properties = getattr(xml, "global_properties", None)
    if isinstance(properties, list):
        ours = f"{_SUITE.name}/test_"
        properties[:] = [
            (name, value)
            for name, value in properties
            if not (str(name).startswith("hypothesis-statistics-") and ours in str(name))
        ]


def _log_verdict(config: pytest.Config, nodeid: str, passed: bool, text: str) -> None:
    """One property of the answers as a test case of its own: logged as pytest logs a test's phases, so
    that the terminal, ``-rf`` and JUnit show it like any other (its answers came from every test)."""
    location = (nodeid.split("::", 1)[0], None, nodeid.split("::", 1)[1])
    config.hook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    for when in ("setup", "call", "teardown"):
        failed = when == "call" and not passed
        report = pytest.TestReport(
            nodeid,
            location,
            {"answers": 1},
            "failed" if failed else "passed",
            text if failed else None,
            when,  # type: ignore[arg-type]
        )
        config.hook.pytest_runtest_logreport(report=report)
    config.hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """Under xdist, the controller adds up what each worker reports."""
    share = getattr(node, "workeroutput", {}).get("conformance")
    if share:
        _totals(node.config).add(share)  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    totals = _totals(config)
    lines = totals.lines()
    missing = lifecycle_line(config.stash.get(_LIFECYCLE_KEY, {}), config.getoption("lifecycle"))
    if missing and totals.requests:
        lines.append(missing)
    for line in lines:
        terminalreporter.write_line(REDACTOR.clean(line))
    path = terminalreporter.config.getoption("conformance_report")
    if path and totals.requests:
        written = totals.coverage.write(path)
        terminalreporter.write_line(f"conformance: coverage report written to {', '.join(map(str, written))}")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and totals.requests and not _is_worker(terminalreporter.config):
        # In a GitHub Actions job: the report on the run's summary page, where a person looks first.
        try:
            with open(step_summary, "a", encoding="utf-8") as summary_file:
                summary_file.write(totals.coverage.markdown())
        except OSError as error:
            terminalreporter.write_line(
                f"conformance: could not write $GITHUB_STEP_SUMMARY: {error.strerror}"
            )


def _note_failed_constraint(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    target = item.config.stash.get(_TARGET_KEY, None)
    if target is None:
        return
    callspec = getattr(item, "callspec", None)
    constraint_id = callspec.params.get("constraint_id") if callspec else None
    names = {constraint_id} if constraint_id else set()
    if call.excinfo is not None:
        names |= {
            f.property for f in _conformance_failures(call.excinfo.value) if isinstance(f, ConformanceFailure)
        }
    for name in names or {item.name}:
        target.coverage.failure(name)


def _conformance_failures(error: BaseException) -> list[ConformanceFailure | TransportFailure]:
    """The suite's own failures that make up ``error`` (a group's too, Hypothesis's FlakyFailure among
    them), or [] if anything else is in it: an error of the suite, shown with its traceback."""
    if isinstance(error, ConformanceFailure | TransportFailure):
        return [error]
    if isinstance(error, BaseExceptionGroup):
        found = [f for sub in error.exceptions for f in _conformance_failures(sub)]
        return found if found and all(_conformance_failures(sub) for sub in error.exceptions) else []
    return []


def _render(failures: list[ConformanceFailure | TransportFailure], error: BaseException) -> str:
    """The failures of one test as one report (``report.render_test_failures``); the notes of the group
    they came in are Hypothesis's, for more than one contract failure."""
    transport = [str(f) for f in failures if isinstance(f, TransportFailure)]
    records = [f.asdict() for f in failures if isinstance(f, ConformanceFailure)]
    notes = getattr(error, "__notes__", []) if len(failures) > 1 and not transport else []
    return render_test_failures(transport, records, notes)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    """A contract failure reads as its report (and Hypothesis's notes), not as a traceback into the
    suite's own code: the reader is fixing the target, not the suite."""
    report = yield
    if report.failed and call.when == "call":
        _note_failed_constraint(item, call)
    if report.failed and call.excinfo is not None:
        failures = _conformance_failures(call.excinfo.value)
        if failures:
            report.longrepr = _render(failures, call.excinfo.value)
        elif isinstance(report.longrepr, str):
            report.longrepr = REDACTOR.clean(report.longrepr)
    return report
