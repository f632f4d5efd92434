"""How fast the strategies generate: complete valid requests, invalid requests and, for scale, the bare
Hypothesis engine, measured in one process so that the figures can be compared with each other.

    python tests/bench_generation.py [--seconds N] [--rounds R] [--baseline DIR]

A script, not a test (pytest collects ``test_*.py`` only).  Each figure is a ``@given`` test with an
empty body run over the generate phase only, so it counts what the suite pays per example: drawing the
value, and Hypothesis's own bookkeeping (the ``st.integers()`` line is that bookkeeping alone).

The machine is usually shared, so an absolute rate means little on its own.  To compare two versions of
``strategies``, pass ``--baseline DIR`` with a directory holding the other version's ``strategies``
package (for instance ``git archive HEAD strategies | tar -x -C DIR``): both are imported side by side
and timed in alternating rounds, and the speed-up printed is the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

if __package__ in (None, ""):
    # Run as a script from anywhere: the checkout root is the parent of tests/.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Examples in each of the two untimed runs before a figure: the first builds the strategies and their
# caches, the second sizes the timed run to last about --seconds.
WARMUP_EXAMPLES = 30
PACKAGE = "strategies"


@dataclass
class Rate:
    examples: int
    seconds: float
    mean_bytes: float | None

    @property
    def per_second(self) -> float:
        return self.examples / self.seconds


def _run(strategy: st.SearchStrategy[Any], examples: int, sink: Callable[[Any], None]) -> float:
    """Wall time of one ``@given`` test that generates ``examples`` values and keeps them."""

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def generate(value: Any) -> None:
        sink(value)

    start = time.perf_counter()
    generate()
    return time.perf_counter() - start


def measure(
    strategy: st.SearchStrategy[Any], seconds: float, size: Callable[[Any], int] | None = None
) -> Rate:
    """Examples per second over about ``seconds``; the values are sized after the clock stops."""
    seen: list[Any] = []
    _run(strategy, WARMUP_EXAMPLES, seen.append)
    seen.clear()
    calibration = _run(strategy, WARMUP_EXAMPLES, seen.append)
    examples = max(WARMUP_EXAMPLES, int(len(seen) / calibration * seconds))
    seen.clear()
    elapsed = _run(strategy, examples, seen.append)
    mean = statistics.fmean(size(v) for v in seen) if size and seen else None
    return Rate(len(seen), elapsed, mean)


def request_bytes(value: Any) -> int:
    request = getattr(value, "request", value)  # an InvalidRequest wraps its request
    return len(request.body_bytes())


def _own(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


class Version:
    """One version of the ``strategies`` package, every submodule imported, kept out of ``sys.modules``
    except while it is ``active()``: its functions import submodules lazily, by name, so each version
    must find its own modules there when it runs."""

    def __init__(self, name: str, root: str | None) -> None:
        self.name = name
        saved = {n: sys.modules.pop(n) for n in [n for n in sys.modules if _own(n)]}
        if root:
            sys.path.insert(0, os.path.abspath(root))
        try:
            package = importlib.import_module(PACKAGE)
            for module in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{PACKAGE}.{module.name}")
            self.modules = {n: sys.modules.pop(n) for n in [n for n in sys.modules if _own(n)]}
        finally:
            if root:
                sys.path.remove(os.path.abspath(root))
            sys.modules.update(saved)
        self.package = self.modules[PACKAGE]

    @contextmanager
    def active(self) -> Iterator[ModuleType]:
        saved = {n: sys.modules.pop(n) for n in [n for n in sys.modules if _own(n)]}
        sys.modules.update(self.modules)
        try:
            yield self.package
        finally:
            for n in [n for n in sys.modules if _own(n)]:
                del sys.modules[n]
            sys.modules.update(saved)

    def figures(self, seconds: float) -> dict[str, Rate]:
        with self.active() as package:
            return {
                "valid requests": measure(package.valid_requests(), seconds, request_bytes),
                "invalid requests": measure(package.invalid_requests(), seconds, request_bytes),
            }


def median(rates: list[Rate]) -> Rate:
    """The run with the median rate (the lower middle one for an even count)."""
    return sorted(rates, key=lambda r: r.per_second)[(len(rates) - 1) // 2]


def line(label: str, rate: Rate) -> str:
    size = f"  mean body {rate.mean_bytes:6.0f} bytes" if rate.mean_bytes is not None else ""
    return f"{label:<46} {rate.per_second:7.1f} /s  ({rate.examples} in {rate.seconds:4.1f} s){size}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time per figure per round (default 10)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default: 1, or 3 with --baseline)")
    parser.add_argument("--baseline", metavar="DIR", help="a directory holding another `strategies` package")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.baseline else 1)

    print("$ " + shlex.join([sys.executable, *sys.argv]))
    print(
        f"hypothesis {hypothesis.__version__}, python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {args.seconds:g} s per figure, {rounds} round(s)"
    )
    versions = [Version("current", None)]
    if args.baseline:
        versions.insert(0, Version("baseline", args.baseline))

    results: dict[str, list[dict[str, Rate]]] = {v.name: [] for v in versions}
    engine: list[Rate] = []
    for round_number in range(1, rounds + 1):
        # Alternate the order from round to round so that neither version always runs on a warmer machine.
        for version in versions if round_number % 2 else versions[::-1]:
            results[version.name].append(version.figures(args.seconds))
            for what, rate in results[version.name][-1].items():
                print(line(f"[round {round_number}] {what} ({version.name})", rate), flush=True)
        engine.append(measure(st.integers(), args.seconds))
        print(line(f"[round {round_number}] st.integers() (engine only)", engine[-1]), flush=True)

    if rounds > 1:
        print("--- median over rounds")
        for name, runs in results.items():
            for what in runs[0]:
                print(line(f"{what} ({name})", median([r[what] for r in runs])))
        print(line("st.integers() (engine only)", median(engine)))
    if args.baseline:
        for what in results["current"][0]:
            ratios = [
                new[what].per_second / old[what].per_second
                for new, old in zip(results["current"], results["baseline"], strict=True)
            ]
            shown = " ".join(f"{r:.2f}" for r in ratios)
            label = f"{what} speed-up (current / baseline)"
            print(f"{label:<46} {statistics.median(ratios):7.2f} x  (per round: {shown})")


if __name__ == "__main__":
    main()
