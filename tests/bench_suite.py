"""How close the suite runs to the speed of the wire, measured in one run.

    python tests/bench_suite.py [--profile dev] [--rounds 3] [--operation SERVICE:OPERATION ...]
                                [--baseline DIR]

Prints:
  - the raw rate: the very requests the suite sent, replayed in a plain loop over one requests.Session
    against a fresh reference server in its own process (the floor the suite is measured against);
  - the reference server's own CPU time per request in that loop;
  - the suite's rate: requests per second of a full run (one process) against the same kind of server,
    over its wall time, and its wall time: with the Hypothesis storage directory a checkout has after its
    first run, and with a fresh one (a first run, a CI job without a cache);
  - the ratio of the two rates, per round and the median (each round times the raw loop and the suite
    back to back: on shared cores the machine's speed drifts, so compare figures of one round), and the
    same with the suite's start-up left out (its pace from the first answer to the last: what it costs
    per request, where a run of a few hundred requests is mostly start-up);
  - the same loop over the suite's own client, to show what of the suite's time is HTTP;
  - the main job's wall time (the suite against the embedded reference) with one process and with -n 2,
    and the speed-up of -n 2.
With ``--operation`` (repeatable), the rates and their ratio are measured for each operation named, the
flagship's included only when named too (``customer-profiles:CreateIntegrationWorkflow``), and the main
job's timing is the first operation's.  With ``--baseline DIR`` (another checkout, made with ``git worktree
add DIR REV``), each round also runs that checkout's suite, with a storage directory of its own, against
a fresh server right after this one's: its ratio to the same raw rate, side by side with this checkout's.
A benchmark, not a test; the machine is noisy, so compare figures from one run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOMAIN = "bench-domain"
FLAGSHIP = "customer-profiles:CreateIntegrationWorkflow"
# Headers the replay loop's own client sets (or must compute afresh), not the request's.
_TRANSPORT_HEADERS = {"host", "content-length", "connection", "accept-encoding", "user-agent"}


def serve(port: int, record: str | None, operation: str, stamps: str | None = None) -> None:
    """The reference of ``operation`` in this process, recording each request it answers when ``record``
    is set (its method, path and query, headers and body, to be replayed as sent), and the moment it
    answers each when ``stamps`` is set (a monotonic clock, which every process of the machine shares)."""
    from conformance.reference import OperationService, ReferenceService, start_server
    from conformance.spec.operation import load_operation

    def recording(base: type) -> type:
        class Recording(base):
            def before_response(self, request, reply):  # noqa: ANN001, ANN201
                if stamp_file is not None:
                    stamp_file.write(f"{time.monotonic()}\n")
                if record_file is not None:
                    line = {
                        "method": request.method,
                        "path": request.path,
                        "headers": [
                            [name, value]
                            for name, value in request.headers.items()
                            if name.lower() not in _TRANSPORT_HEADERS
                        ],
                        "body": base64.b64encode(request.body).decode(),
                    }
                    record_file.write(json.dumps(line) + "\n")
                return super().before_response(request, reply)

        return Recording

    record_file = open(record, "w", buffering=1) if record else None  # noqa: SIM115
    stamp_file = open(stamps, "w", buffering=1) if stamps else None  # noqa: SIM115
    if operation == FLAGSHIP:
        service = recording(ReferenceService)(domains=[DOMAIN])
    else:
        service = recording(OperationService)(load_operation(operation))
    server = start_server(service, port=port)
    print("ready", flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, operation: str, record: str | None = None, stamps: str | None = None) -> None:
        self.port = free_port()
        args = [sys.executable, __file__, "--serve", str(self.port), "--operation", operation]
        args += (["--record", record] if record else []) + (["--stamps", stamps] if stamps else [])
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def run_suite(*args: str, storage: str | None = None, checkout: Path = ROOT) -> tuple[float, str]:
    """Wall time and output of a suite run in ``checkout``; Hypothesis's storage in ``storage``, or a fresh
    directory."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    env.pop("PYTEST_ADDOPTS", None)
    with tempfile.TemporaryDirectory() as fresh:
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = storage or fresh
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the suite failed in {checkout} ({done.returncode}):\n{done.stdout[-2000:]}")
    return seconds, done.stdout


def replay(url: str, records: list[dict]) -> float:
    """Seconds to send ``records`` in a plain loop over one requests.Session: the issue's floor."""
    session = requests.Session()
    default = {"Content-Type": "application/json", "Accept": "application/json"}
    started = time.monotonic()
    for record in records:
        body = base64.b64decode(record["body"])
        headers = dict(record["headers"]) if "headers" in record else default
        response = session.request(
            record["method"], url + record["path"], data=body, headers=headers, timeout=10
        )
        response.raise_for_status() if response.status_code >= 500 else None
    return time.monotonic() - started


def replay_with_suite_client(url: str, records: list[dict]) -> float:
    """The same loop over the suite's own client (what the suite's HTTP costs, with nothing else)."""
    from conformance.core.client import TargetClient

    client = TargetClient(url, DOMAIN, timeout=10)
    started = time.monotonic()
    for record in records:
        headers = dict(record.get("headers", []))
        client.send_raw(record["method"], record["path"], base64.b64decode(record["body"]), headers or None)
    seconds = time.monotonic() - started
    client.close()
    return seconds


def measure(operation: str, profile: str, rounds: int, baseline: Path | None = None) -> None:
    """The raw and the suite's rates for one operation, ``rounds`` times back to back, and their ratio
    (and the ``baseline`` checkout's, where one is given)."""
    print(f"=== {operation}", flush=True)

    def suite_round(
        record: str | None = None,
        storage: str | None = None,
        stamps: str | None = None,
        checkout: Path = ROOT,
    ) -> tuple[float, str]:
        server = Server(operation, record, stamps)
        where = [f"--domain={DOMAIN}"] if operation == FLAGSHIP else [f"--operation={operation}"]
        try:
            return run_suite(
                profile, f"--target-url={server.url}", *where, storage=storage, checkout=checkout
            )
        finally:
            server.stop()

    # "warm": the storage directory a checkout has after its first run (Hypothesis's Unicode table, the
    # constants it reads from the project's modules, an example database without failures), as every run
    # but the first has it.  "cold": a fresh one, as in a first run or a CI job without a cache.
    warm = tempfile.TemporaryDirectory()
    with tempfile.TemporaryDirectory() as scratch:
        record = str(Path(scratch) / "requests.jsonl")
        suite_round(record, warm.name)  # records the requests; also warms the file cache for the timed rounds
        records = [json.loads(line) for line in Path(record).read_text().splitlines()]
    warm_baseline = tempfile.TemporaryDirectory()
    if baseline is not None:
        suite_round(storage=warm_baseline.name, checkout=baseline)
    sent = len(records)
    print(f"requests the suite sends:         {sent}", flush=True)

    # Each round times the raw loop and the suite back to back, each against a fresh server, so that a
    # machine whose speed drifts (shared cores) shifts the figures of a round alike.
    ratios, cold_ratios, raw_rates, suite_rates, cold_rates, client_rates, cpu = [], [], [], [], [], [], []
    started_rates: list[float] = []
    started_ratios: list[float] = []
    baseline_ratios: list[float] = []
    baseline_started_ratios: list[float] = []

    def timed(checkout: Path, storage: str) -> tuple[float, list[float]]:
        """A warm run's wall time and the moments of its answers."""
        with tempfile.TemporaryDirectory() as scratch:
            stamps = Path(scratch) / "stamps"
            seconds, _ = suite_round(storage=storage, stamps=str(stamps), checkout=checkout)
            return seconds, [float(line) for line in stamps.read_text().split()]

    for number in range(1, rounds + 1):
        fresh = Server(operation)
        before = fresh.cpu_seconds()
        raw_seconds = replay(fresh.url, records)
        cpu.append((fresh.cpu_seconds() - before) / sent)
        client_rates.append(sent / replay_with_suite_client(fresh.url, records))
        fresh.stop()

        also = ""
        if baseline is not None:
            # Right before this checkout's run in one round and right after it in the next, so that a
            # machine that drifts one way for a while favours neither.
            order = [ROOT, baseline] if number % 2 else [baseline, ROOT]
            runs = {
                checkout: timed(checkout, warm.name if checkout == ROOT else warm_baseline.name)
                for checkout in order
            }
            (suite_seconds, moments), (base_seconds, base_moments) = runs[ROOT], runs[baseline]
            baseline_ratios.append((sent / base_seconds) / (sent / raw_seconds))
            base_pace = (len(base_moments) - 1) / (base_moments[-1] - base_moments[0])
            baseline_started_ratios.append(base_pace / (sent / raw_seconds))
            also = (
                f"; baseline wall {base_seconds:.1f} s, ratio {baseline_ratios[-1]:.2f} "
                f"(start-up left out {baseline_started_ratios[-1]:.2f})"
            )
        else:
            suite_seconds, moments = timed(ROOT, warm.name)
        cold_seconds, _ = suite_round()
        # Start-up left out: from the first answer to the last, the pace of the suite once it is sending.
        started_rates.append((len(moments) - 1) / (moments[-1] - moments[0]))
        started_ratios.append(started_rates[-1] / (sent / raw_seconds))
        raw_rates.append(sent / raw_seconds)
        suite_rates.append(sent / suite_seconds)
        cold_rates.append(sent / cold_seconds)
        ratios.append(suite_rates[-1] / raw_rates[-1])
        cold_ratios.append(cold_rates[-1] / raw_rates[-1])
        print(
            f"[round {number}] raw {raw_rates[-1]:5.0f}/s ({raw_seconds:.1f} s), "
            f"suite {suite_rates[-1]:5.0f}/s (wall {suite_seconds:.1f} s; cold {cold_seconds:.1f} s), "
            f"suite client alone {client_rates[-1]:5.0f}/s, "
            f"ratio {ratios[-1]:.2f} (cold {cold_ratios[-1]:.2f}; "
            f"start-up left out {started_ratios[-1]:.2f}){also}",
            flush=True,
        )
    warm.cleanup()
    warm_baseline.cleanup()

    median = statistics.median
    print(f"--- median of {rounds} round(s)")
    print(f"raw rate (plain Session loop):    {median(raw_rates):7.0f} requests/s")
    print(f"suite's client in the same loop:  {median(client_rates):7.0f} requests/s")
    per_request = 1000 * median(cpu)
    print(f"reference server CPU per request: {per_request:7.2f} ms ({1000 / per_request:.0f} requests/s)")
    print(
        f"suite rate (one process):         {median(suite_rates):7.0f} requests/s, "
        f"wall time {sent / median(suite_rates):.1f} s"
    )
    print(
        f"  the same, cold storage:         {median(cold_rates):7.0f} requests/s, "
        f"wall time {sent / median(cold_rates):.1f} s"
    )
    print(f"suite rate, start-up left out:    {median(started_rates):7.0f} requests/s")
    shown_ratios = [
        ("suite rate / raw rate:", ratios),
        ("  the same, cold storage:", cold_ratios),
        ("  the same, start-up left out:", started_ratios),
    ]
    if baseline is not None:
        shown_ratios += [
            ("baseline's suite rate / raw rate:", baseline_ratios),
            ("  the same, start-up left out:", baseline_started_ratios),
        ]
    for label, values in shown_ratios:
        shown = " ".join(f"{r:.2f}" for r in values)
        print(f"{label:<33} {median(values):7.2f}  (per round: {shown})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="dev")
    parser.add_argument("--rounds", type=int, default=3, help="raw loop and suite pairs (default 3)")
    parser.add_argument(
        "--operation",
        action="append",
        metavar="SERVICE:OPERATION",
        help=f"an operation to measure (repeatable; default {FLAGSHIP})",
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR", help="another checkout, its suite timed in each round too"
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--record", help=argparse.SUPPRESS)
    parser.add_argument("--stamps", help=argparse.SUPPRESS)
    args = parser.parse_args()
    operations = args.operation or [FLAGSHIP]
    if args.serve:
        serve(args.serve, args.record, operations[0], args.stamps)
        return 0
    if args.baseline is not None and not (args.baseline / "conformance").is_dir():
        raise SystemExit(f"--baseline {args.baseline}: no checkout of the suite there")
    shown = "".join(f" --operation {operation}" for operation in args.operation or [])
    shown += f" --baseline {args.baseline}" if args.baseline is not None else ""
    print(f"$ python tests/bench_suite.py --profile {args.profile} --rounds {args.rounds}{shown}", flush=True)
    profile = f"--hypothesis-profile={args.profile}"
    for operation in operations:
        measure(operation, profile, args.rounds, args.baseline)

    main_job = [] if operations[0] == FLAGSHIP else [f"--operation={operations[0]}"]
    one, _ = run_suite(profile, *main_job)
    two, _ = run_suite(profile, *main_job, "-n", "2")
    print(f"main job (embedded, {operations[0]}), 1 process: {one:7.1f} s")
    print(f"main job (embedded, {operations[0]}), -n 2:      {two:7.1f} s")
    print(f"speed-up of -n 2:                 {one / two:7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
