"""Run the conformance suite the way a user does, in a subprocess, and read what it said."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SuiteRun:
    returncode: int
    output: str
    seconds: float

    @property
    def failed_tests(self) -> list[str]:
        return re.findall(r"^FAILED (\S+(?:\[.*?\])?)(?: - |$)", self.output, flags=re.MULTILINE)

    @property
    def requests_sent(self) -> int | None:
        found = re.search(r"conformance: (\d+) requests sent", self.output)
        return int(found.group(1)) if found else None

    @property
    def requests_to_first_failure(self) -> int | None:
        found = re.search(r"first failure after (\d+) requests", self.output)
        return int(found.group(1)) if found else None


def run_suite(*args: str, storage: Path, timeout: float = 600, env: dict[str, str] | None = None) -> SuiteRun:
    """``pytest conformance ARGS`` from the checkout, with Hypothesis's database in ``storage`` and ``env``
    added to the environment."""
    env = {**os.environ, **(env or {}), "HYPOTHESIS_STORAGE_DIRECTORY": str(storage), "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(ROOT / "conformance"),
        "-p",
        "no:cacheprovider",
        "-rf",
        *args,
    ]
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    return SuiteRun(done.returncode, done.stdout + done.stderr, time.monotonic() - started)
