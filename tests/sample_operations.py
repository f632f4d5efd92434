"""The main job for a seeded random sample of restJson1 operations, each against the embedded reference.

    python -m tests.sample_operations [--count 50] [--seed N] [--workers 2] [-- EXTRA PYTEST ARGS]

A correct implementation of every operation (the embedded reference) must pass the whole suite for
every operation, so each line that says "failed" is a false failure of the suite or a fault of the
reference, to be looked at.  The seed is printed first (a fresh one unless given), so that a sample that
found something can be run again.  Prints one line per operation (its verdict, the pytest counts and
the wall time) and a total; exits 1 if any operation's run failed.  A run that passed nothing because
every test skipped (no valid request could be built, say) is neither: its line says "skipped" and why.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conformance.spec.operation import rest_json_operations

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds for one operation's run: a hang is a finding, not a wait
PASSED, FAILED, SKIPPED = "passed", "FAILED", "skipped"
# pytest's counts ("1 failed, 23 passed, 1 skipped in 1.52s", "4 skipped in 0.18s", "1 error in 0.24s").
_COUNTS = re.compile(r"\d+ (passed|failed|errors?|skipped|xfailed|xpassed)")
# A line of pytest's -rs summary: "SKIPPED [1] path/test_operation.py:55: reason".
_SKIP = re.compile(r"SKIPPED \[\d+\] (.+?):(\d+): (.*)")


def sample(count: int, seed: int) -> list[str]:
    operations = rest_json_operations()
    return sorted(random.Random(seed).sample(operations, min(count, len(operations))))


def run_one(operation: str, workers: int, extra: list[str], storage: Path) -> tuple[str, str, float]:
    """The operation's verdict (PASSED, FAILED or SKIPPED), what backs it, and the wall time."""
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider"]
    command += ["-rs"]  # each skip's reason, for a run that skipped everything
    command += ["--operation", operation, *(["-n", str(workers)] if workers > 1 else []), *extra]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=storage,  # not the checkout: the installed package, as a user runs it
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return FAILED, f"no verdict within {TIMEOUT} s", time.monotonic() - started
    verdict, summary = judge_run(done.returncode, done.stdout + done.stderr)
    return verdict, summary, time.monotonic() - started


def judge_run(returncode: int, output: str) -> tuple[str, str]:
    """A run's verdict and the line that backs it: its pytest counts, then what failed or why it skipped.
    A run that passed nothing proves nothing, so one that skipped everything is a verdict of its own."""
    lines = output.strip().splitlines()
    counts_line = next((line for line in reversed(lines) if _COUNTS.search(line)), "")
    counts = counts_line.strip("= ")
    if returncode == 0:
        if "passed" in _COUNTS.findall(counts_line):
            return PASSED, counts
        return SKIPPED, f"{counts} | skipped: {_first_skip_reason(lines) or 'no reason given'}"
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))][:5]
    detail = "; ".join(failed) or (lines[-1] if lines else f"exit status {returncode}")
    return FAILED, f"{counts} | {detail}"


def _first_skip_reason(lines: list[str]) -> str:
    """The reason of the skip that comes first in the test files (under xdist the lines come in any
    order): the first property's, which is the one that says why the rest had nothing to run."""
    skips = [found.groups() for found in map(_SKIP.match, lines) if found]
    return min(skips, key=lambda skip: (skip[0], int(skip[1])))[2] if skips else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workers", type=int, default=1, help="pytest-xdist workers per run (-n)")
    parser.add_argument("extra", nargs="*", help="more pytest arguments, after --")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    operations = sample(args.count, seed)
    print(f"seed {seed}: {len(operations)} operations, -n {args.workers}", flush=True)
    verdicts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as storage:
        for operation in operations:
            verdict, summary, seconds = run_one(operation, args.workers, args.extra, Path(storage))
            verdicts[verdict] += 1
            print(f"{verdict} {operation} ({seconds:.0f} s): {summary}", flush=True)
    total = time.monotonic() - started
    skipped = f", {verdicts[SKIPPED]} skipped entirely" if verdicts[SKIPPED] else ""
    print(f"seed {seed}: {verdicts[PASSED]} of {len(operations)} passed{skipped} in {total:.0f} s")
    return 1 if verdicts[FAILED] else 0


if __name__ == "__main__":
    raise SystemExit(main())
