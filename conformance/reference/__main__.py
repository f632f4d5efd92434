"""``python -m conformance.reference``: serve the reference implementation until Ctrl-C: the flagship
(CreateIntegrationWorkflow and its lifecycle) by default, any one restJson1 operation with ``--operation``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TypeVar

from conformance.reference.operation import OperationService
from conformance.reference.server import CONNECTION_TIMEOUT, ReferenceHTTPServer, Service
from conformance.reference.service import ReferenceService
from conformance.spec.operation import FLAGSHIP, OperationError, load_operation
from conformance.spec.patterns import DIALECTS
from conformance.spec.validation import SEMANTICS, RequestValidator

Number = TypeVar("Number", int, float)


def _number(text: str, parse: Callable[[str], Number], what: str) -> Number:
    try:
        return parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def port_number(text: str) -> int:
    port = _number(text, int, "a port number")
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535; 0 picks a free one)")
    return port


def seconds(text: str) -> float:
    value = _number(text, float, "a number of seconds")
    if not value > 0:  # 0 would make sockets non-blocking, and NaN fails every comparison
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def non_negative_seconds(text: str) -> float:
    value = _number(text, float, "a number of seconds")
    if not 0 <= value <= 60:  # NaN fails every comparison
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds from 0 to 60")
    return value


def domain_name(text: str) -> str:
    # A domain that breaks DomainName's constraints could never be reached: every request would get 400.
    violations = RequestValidator().domain_violations(text)
    if violations:
        raise argparse.ArgumentTypeError(
            f"{text!r} is no valid DomainName: "
            + "; ".join(f"{v.constraint_id}: {v.message}" for v in violations)
        )
    return text


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.reference",
        description="Serve the reference implementation of Customer Profiles CreateIntegrationWorkflow.",
    )
    parser.add_argument(
        "--operation",
        metavar="SERVICE:OPERATION",
        default=FLAGSHIP,
        help="the restJson1 operation to serve, the service as botocore names it (scheduler:CreateSchedule); "
        "the flagship also serves its lifecycle operations and --domain (default: %(default)s)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port",
        type=port_number,
        default=8080,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--domain",
        action="append",
        type=domain_name,
        metavar="NAME",
        help=f"a domain that exists (repeatable; default: {ReferenceService.DEFAULT_DOMAIN})",
    )
    parser.add_argument(
        "--pattern-semantics",
        choices=SEMANTICS,
        default="search",
        help="apply the model's patterns searched (its reading) or as whole match (default: %(default)s)",
    )
    parser.add_argument(
        "--regex-dialect",
        choices=DIALECTS,
        default="ecma",
        help="the regex engine whose reading of the patterns to emulate: the model's own (ecma), Python's "
        "re as it comes (python), with re.ASCII (python-ascii), or java.util.regex (java) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--connection-timeout",
        type=seconds,
        default=CONNECTION_TIMEOUT,
        metavar="SECONDS",
        help="drop a connection idle or half-sent this long (default: %(default)s)",
    )
    parser.add_argument(
        "--delay",
        type=non_negative_seconds,
        default=0.0,
        metavar="SECONDS",
        help="hold every answer back this long, as a server in another region would (default: %(default)s)",
    )
    parser.add_argument("--verbose", action="store_true", help="log one line per request to stderr")
    return parser


def build_service(args: argparse.Namespace) -> Service:
    """The flagship's ReferenceService (deepest: domains, lifecycle), or an OperationService for any other
    operation; an OperationError names an operation that does not resolve."""
    contract = load_operation(args.operation)
    if args.operation.strip() == FLAGSHIP:
        return ReferenceService(
            domains=args.domain, semantics=args.pattern_semantics, dialect=args.regex_dialect
        )
    if args.domain:
        raise OperationError(f"--domain names domains of {FLAGSHIP}; {args.operation} keeps none")
    from conformance.reference.resource_store import operation_service

    # A create whose resource has a read and a delete is served with them, over a store.
    return operation_service(contract, pattern_semantics=args.pattern_semantics, dialect=args.regex_dialect)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM (and SIGINT, see main) end the server as cleanly as Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Unexpected failures inside a handler are logged with their traceback; request lines go to stderr.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        service = build_service(args)
    except (OperationError, ValueError) as error:  # ValueError: an output no valid value can be built for
        print(f"python -m conformance.reference: {error}", file=sys.stderr)
        return 2
    try:
        httpd = ReferenceHTTPServer(
            (args.host, args.port),
            service,
            verbose=args.verbose,
            connection_timeout=args.connection_timeout,
            delay=args.delay,
        )
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    # Installed, not inherited: a shell that starts us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    if isinstance(service, OperationService):
        contract = service.contract
        print(f"reference {service.name} ({contract.method} {contract.uri}) at {httpd.url}", flush=True)
    else:
        domains = ", ".join(sorted(service.domains))
        print(f"reference CreateIntegrationWorkflow at {httpd.url} domains: {domains}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
