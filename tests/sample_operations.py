"""The main job for a seeded random sample of restJson1 operations, each against the embedded reference.

    python -m tests.sample_operations [--count 50] [--seed N] [--workers 2] [-- EXTRA PYTEST ARGS]

A correct implementation of every operation (the embedded reference) must pass the whole suite for
every operation, so each line that says "failed" is a false failure of the suite or a fault of the
reference, to be looked at.  The seed is printed first (a fresh one unless given), so that a sample that
found something can be run again.  Prints one line per operation (its verdict, the pytest counts and
the wall time) and a total; exits 1 if any operation's run did not pass.
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


def sample(count: int, seed: int) -> list[str]:
    operations = rest_json_operations()
    return sorted(random.Random(seed).sample(operations, min(count, len(operations))))


def run_one(operation: str, workers: int, extra: list[str], storage: Path) -> tuple[bool, str, float]:
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider"]
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
        return False, f"no verdict within {TIMEOUT} s", time.monotonic() - started
    seconds = time.monotonic() - started
    lines = (done.stdout + done.stderr).strip().splitlines()
    counts = next((line for line in reversed(lines) if re.search(r"\d+ (passed|failed|error)", line)), "")
    if done.returncode == 0:
        return True, counts.strip("= "), seconds
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))][:5]
    detail = "; ".join(failed) or (lines[-1] if lines else f"exit status {done.returncode}")
    return False, f"{counts.strip('= ')} | {detail}", seconds


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
    failures = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as storage:
        for operation in operations:
            passed, summary, seconds = run_one(operation, args.workers, args.extra, Path(storage))
            failures += not passed
            print(f"{'passed' if passed else 'FAILED'} {operation} ({seconds:.0f} s): {summary}", flush=True)
    total = time.monotonic() - started
    print(f"seed {seed}: {len(operations) - failures} of {len(operations)} passed in {total:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
