"""Print the kill matrix: the suite (default profile) against the reference and every mutant of the zoo.

    python tests/kill_matrix.py [--jobs 2] [--profile dev]

For each mutant: its category, whether the suite caught it, the test that caught it, how many requests
went out before the first failure, the seconds the run took and their ratio to the reference run's; then
the totals, the false failures on the reference, the slowest run, and the wall time of the whole zoo.
A benchmark, not a test: tests/test_zoo.py is the test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance.reference import ReferenceService, start_server  # noqa: E402
from tests.suite_runner import SuiteRun, run_suite  # noqa: E402
from tests.zoo import DOMAIN, Mutant  # noqa: E402
from tests.zoo_near import ALL_MUTANTS as MUTANTS  # noqa: E402


def run_against(service: ReferenceService, profile: str, extra: list[str]) -> SuiteRun:
    with tempfile.TemporaryDirectory() as storage, start_server(service) as server:
        args = ["--target-url", server.url, "--domain", DOMAIN, "-q", "--hypothesis-profile", profile, *extra]
        return run_suite(*args, storage=Path(storage))


def judge(mutant: Mutant, profile: str) -> tuple[Mutant, SuiteRun, bool]:
    extra = ["-x"] + (["--request-timeout", str(mutant.request_timeout)] if mutant.request_timeout else [])
    run = run_against(mutant.service(), profile, extra)
    report = run.output[run.output.find("= FAILURES =") :]
    return mutant, run, run.returncode == 1 and mutant.breaks in report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="suite runs at once (default: 2)")
    parser.add_argument("--profile", default="dev", help="Hypothesis profile (default: dev)")
    args = parser.parse_args()
    print(f"$ python tests/kill_matrix.py --jobs {args.jobs} --profile {args.profile}", flush=True)

    started = time.monotonic()
    reference = run_against(ReferenceService(domains=[DOMAIN]), args.profile, [])
    false_failures = len(reference.failed_tests)
    print(
        f"reference: exit {reference.returncode}, {false_failures} failing tests, "
        f"{reference.requests_sent} requests, {reference.seconds:.1f} s",
        flush=True,
    )

    zoo_started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda m: judge(m, args.profile), MUTANTS))
    zoo_seconds = time.monotonic() - zoo_started

    header = (
        f"{'mutant':46} {'category':16} {'caught':6} {'requests':>8} {'seconds':>7} {'ratio':>5}  caught by"
    )
    print(header)
    print("-" * len(header))
    for mutant, run, caught in results:
        by = run.failed_tests[0] if run.failed_tests else "-"
        requests = run.requests_to_first_failure if run.requests_to_first_failure is not None else "-"
        verdict = "yes" if caught else "NO"
        ratio = run.seconds / reference.seconds
        figures = f"{verdict:6} {requests!s:>8} {run.seconds:7.1f} {ratio:5.2f}"
        print(f"{mutant.name:46} {mutant.category:16} {figures}  {by}")
    caught = sum(1 for _, _, c in results if c)
    print()
    print(f"caught {caught} of {len(results)} mutants")
    print(f"false failures on the reference: {false_failures} (exit code {reference.returncode})")
    slowest = max(results, key=lambda result: result[1].seconds)
    print(
        f"slowest run: {slowest[0].name!r}, {slowest[1].seconds:.1f} s, "
        f"{slowest[1].seconds / reference.seconds:.2f} times the reference's {reference.seconds:.1f} s"
    )
    total = time.monotonic() - started
    print(f"zoo wall time: {zoo_seconds:.0f} s with {args.jobs} jobs; with the reference run: {total:.0f} s")
    return 0 if caught == len(results) and reference.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
