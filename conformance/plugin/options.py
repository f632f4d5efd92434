"""The run's options and what follows from them: the suite's markers, the checks that refuse a bad option
before anything is sent, how the run reaches its target (``Connection``), and whether this process is an
xdist worker.  The options themselves are declared in the plugin's one ``pytest_addoption``."""

from __future__ import annotations

import difflib
import ipaddress
import json
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from conformance.core.client import TargetClient
from conformance.core.errors import OptionError, named
from conformance.core.report import REDACTOR
from conformance.core.signing import sigv4
from conformance.flagship.errors import INVALID, NOT_FOUND
from conformance.flagship.fixtures import FIXTURE_MEMBERS, check_fixtures, load_fixtures
from conformance.plugin import stash
from conformance.spec import Contract
from conformance.spec.operation import FLAGSHIP, OperationError, is_flagship, load_operation
from conformance.spec.paths import REQUEST_ROOT, RESPONSE_ROOT, in_collection

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
        "resources": "any operation's create really creates: its read, list and delete show what it made "
        "(skipped where the model or the target has none)",
    }


def register_url_secrets(url: str | None) -> None:
    """A password in --target-url is a secret from the start (the client sends it as HTTP Basic)."""
    try:
        password = urlsplit(url).password if url else None
    except ValueError:
        return
    if password:
        REDACTOR.add(password, unquote(password))


def run_contract(config: pytest.Config) -> Contract:
    """The contract of the operation the run is about (``--operation``), resolved once."""
    if stash.CONTRACT not in config.stash:
        config.stash[stash.CONTRACT] = load_operation(config.getoption("operation") or FLAGSHIP)
    return config.stash[stash.CONTRACT]


def runs_flagship(config: pytest.Config) -> bool:
    return is_flagship(run_contract(config))


def operation_problem(config: pytest.Config) -> str | None:
    """What is wrong with --operation and --value (and the flagship's own options given for another
    operation), in one sentence; the pinned values are in the stash otherwise."""
    try:
        contract = run_contract(config)
    except OperationError as error:
        return str(error)
    if not is_flagship(contract):
        for option, name in (("domain", "--domain"), ("fixtures_file", "--fixtures-file")):
            if config.getoption(option):
                return (
                    f"{name} is the flagship's ({FLAGSHIP}); for {contract.service}:{contract.operation} "
                    "pin request members with --value PATH=VALUE"
                )
    try:
        pinned = pinned_values(contract, config.getoption("value") or [])
    except OptionError as error:
        return str(error)
    config.stash[stash.PINNED] = pinned
    return _flagship_pins(config, pinned) if is_flagship(contract) else None


def _flagship_pins(config: pytest.Config, pinned: dict[str, object]) -> str | None:
    """The flagship's pins go where its own options put them: DomainName is --domain, and the members
    --fixtures-file names are fixtures (``fixture_pins``); it pins no other member."""
    domain = pinned.get("DomainName")
    if domain is not None:
        if config.option.domain not in (None, domain):
            return f"--domain {config.option.domain!r} and --value DomainName={domain} name two domains"
        config.option.domain = domain
    others = sorted(set(pinned) - {"DomainName", *FIXTURE_MEMBERS.values()})
    if others:
        known = ", ".join(["DomainName", *FIXTURE_MEMBERS.values()])
        return f"--value {others[0]}: the flagship pins only {known}"
    return None


def fixture_pins(config: pytest.Config) -> dict[str, str]:
    """The flagship's --value pins of members --fixtures-file names, as fixtures."""
    pinned = config.stash.get(stash.PINNED, {})
    return {key: str(pinned[path]) for key, path in FIXTURE_MEMBERS.items() if path in pinned}


def input_paths(contract: Contract) -> list[str]:
    """The members --value can pin: every input member but the body itself, list items and map entries."""
    return [
        path
        for path in contract.members
        if path != REQUEST_ROOT and not path.startswith(RESPONSE_ROOT) and not in_collection(path)
    ]


def pinned_values(contract: Contract, values: list[str]) -> dict[str, object]:
    """``--value PATH=VALUE`` options as member path -> value, each read as its member's type; a path that
    names no input member is an OptionError naming the nearest."""
    pinned: dict[str, object] = {}
    paths = input_paths(contract)
    for text in values:
        path, sep, raw = text.partition("=")
        path = path.strip()
        if not sep or not path:
            raise OptionError(f"--value {text!r}: expected PATH=VALUE, PATH a request member (e.g. Name=abc)")
        if path not in paths:
            near = difflib.get_close_matches(path, paths, n=1, cutoff=0.0)
            hint = f"; the nearest is {near[0]}" if near else ""
            raise OptionError(f"--value {path}: {contract.operation} has no request member {path!r}{hint}")
        pinned[path] = read_value(contract.member(path).type, raw, f"--value {path}")
    return pinned


def read_value(kind: str, raw: str, where: str) -> object:
    """``raw`` read as a value of Smithy type ``kind``, as a botocore client takes it: text for strings,
    numbers, true/false, a timestamp as ISO 8601 or epoch seconds, JSON for structures, lists and maps."""
    try:
        if kind in ("byte", "short", "integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
        if kind == "boolean":
            if raw not in ("true", "false"):
                raise ValueError("expected true or false")
            return raw == "true"
        if kind == "timestamp":
            try:
                return datetime.fromtimestamp(float(raw), UTC)
            except ValueError:
                return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if kind == "blob":
            return raw.encode("utf-8")
        if kind in ("structure", "union", "list", "map", "document"):
            value = json.loads(raw)
            expected = {"list": list, "structure": dict, "union": dict, "map": dict}.get(kind)
            if expected is not None and not isinstance(value, expected):
                raise ValueError(f"expected a JSON {'array' if expected is list else 'object'}")
            return value
    except (ValueError, OverflowError) as error:
        raise OptionError(f"{where}: {raw!r} is no {kind}: {error}") from None
    return raw


def option_problem(config: pytest.Config) -> str | None:
    """What is wrong with the options, in one sentence, before anything is sent or started."""
    problem = operation_problem(config)
    if problem:
        return problem
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
        if not config.getoption("domain") and runs_flagship(config):
            return "--target-url needs --domain NAME: a domain that exists on the target"
    domain = config.getoption("domain")
    if domain is not None:
        from conformance.spec.validation import RequestValidator

        violations = RequestValidator().domain_violations(domain)
        if violations:
            return f"--domain {domain!r} is no valid domain name: {violations[0].message}"
    timeout = config.getoption("request_timeout")
    if not (math.isfinite(timeout) and timeout > 0):
        return "--request-timeout must be a positive number of seconds"
    skew = config.getoption("clock_skew")
    if skew is not None and not (math.isfinite(skew) and skew >= 0):
        return "--clock-skew must be a number of seconds, 0 or more"
    shrink = config.getoption("shrink_time")
    if shrink is not None and not (math.isfinite(shrink) and shrink >= 0):
        return "--shrink-time must be a number of seconds, 0 or more"
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


def is_loopback(url: str) -> bool:
    """Whether a URL's host is this machine (then --max-creates has no default)."""
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


def connection(config: pytest.Config) -> Connection:
    """The run's ``Connection``; a problem with the credentials or the fixtures file is a usage error."""
    signer = None
    fixtures: dict[str, str] = {}
    try:
        if config.getoption("aws_sigv4"):
            signing = sigv4(
                run_contract(config).signing_name,
                config.getoption("aws_profile"),
                config.getoption("aws_region"),
            )
            signer = signing.sign
        if config.getoption("fixtures_file"):
            from conformance.spec.validation import RequestValidator

            fixtures = load_fixtures(config.getoption("fixtures_file"), RequestValidator())
        pins = fixture_pins(config) if runs_flagship(config) else {}
        if pins:
            from conformance.spec.validation import RequestValidator

            fixtures = check_fixtures({**fixtures, **pins}, RequestValidator(), "--value")
    except OptionError as error:
        raise pytest.UsageError(str(error)) from None
    url = config.getoption("target_url")
    max_creates = config.getoption("max_creates")
    if max_creates is None and url and not is_loopback(url):
        max_creates = DEFAULT_MAX_CREATES
    return Connection(
        signer, not config.getoption("insecure"), fixtures, max_creates, config.getoption("max_throttle_wait")
    )


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is an xdist worker (which sends its share of the results to the controller)."""
    return hasattr(config, "workerinput")


def workers(config: pytest.Config) -> int:
    """How many processes the run's limits (rate, creates, 429 waits) are divided among."""
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) if is_worker(config) else 1


def shown_url(url: str) -> str:
    """A URL without its password, if it has one (the suite never sends it)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username}:<redacted>@{host}").geturl()
