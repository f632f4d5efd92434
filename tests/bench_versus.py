"""The main job of this checkout and of another, timed side by side in alternating rounds.

    python tests/bench_versus.py --baseline DIR [--rounds 5] [-- PYTEST ARGS]

Each round runs ``python -m pytest -q -p no:cacheprovider`` (the main job: the suite against the
embedded reference) in this checkout and in DIR (a checkout of another commit, e.g. ``git worktree add
DIR REV``), the order swapped every round and each with an empty Hypothesis storage directory, and
prints both wall times and their ratio; then the median ratio.  The machine is usually shared, so only
the two runs of one round compare well.  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bench_suite import run_suite  # noqa: E402


def run(checkout: Path, extra: list[str]) -> tuple[float, str]:
    """Seconds the main job took in ``checkout``, with an empty Hypothesis storage, and its last line."""
    seconds, output = run_suite(*extra, checkout=checkout)
    return seconds, (output.strip().splitlines() or ["(no output)"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("pytest_args", nargs="*", help="passed to both runs (after --)")
    args = parser.parse_args()
    if not (args.baseline / "conformance").is_dir():
        raise SystemExit(f"--baseline {args.baseline}: no checkout of the suite there")
    print(f"this checkout {ROOT}; baseline {args.baseline.resolve()}; {args.rounds} rounds", flush=True)
    ratios = []
    for index in range(args.rounds):
        order = [ROOT, args.baseline] if index % 2 == 0 else [args.baseline, ROOT]
        times = {}
        for checkout in order:
            times[checkout], last = run(checkout, args.pytest_args)
        ratio = times[ROOT] / times[args.baseline]
        ratios.append(ratio)
        print(
            f"round {index + 1}: this {times[ROOT]:.1f} s, baseline {times[args.baseline]:.1f} s, "
            f"ratio {ratio:.2f} ({last})",
            flush=True,
        )
    median, low, high = statistics.median(ratios), min(ratios), max(ratios)
    print(f"median ratio (this / baseline): {median:.2f}; range {low:.2f} to {high:.2f}")


if __name__ == "__main__":
    main()
