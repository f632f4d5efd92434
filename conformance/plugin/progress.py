"""A line now and then while one test runs long, so that a long run says what it is doing: which test,
whether it is making a failing request smaller (and for how long), how many requests went out, and what
the target's pace means for the rest of the run.

pytest's own progress moves once a test ends; a property that shrinks a failure against a slow target, or
a walk of a large domain's pages, can keep it still for minutes.  ``Progress`` looks every
``EVERY`` seconds (``CONFORMANCE_PROGRESS_EVERY`` sets another) and writes one line when the current test
has run longer than that.  Only a run in one process writes: under pytest-xdist the workers' output is
not shown.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

EVERY = 15.0


def every() -> float:
    """Seconds between looks: ``CONFORMANCE_PROGRESS_EVERY``, else ``EVERY``."""
    try:
        seconds = float(os.environ.get("CONFORMANCE_PROGRESS_EVERY", EVERY))
    except ValueError:
        return EVERY
    return seconds if seconds > 0 else EVERY


def duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


class Progress:
    """Which test runs since when, and a thread that says so now and then through ``write``."""

    def __init__(self, write: Any, target: Any, interval: float | None = None) -> None:
        self.write = write  # one line to the terminal
        self.target = target  # () -> the run's Target, or None before it is set up
        self.interval = interval or every()
        self.test: str | None = None
        self.since = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="conformance-progress", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def started(self, nodeid: str) -> None:
        self.test, self.since = nodeid, time.monotonic()

    def finished(self) -> None:
        self.test = None

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            line = self.line(time.monotonic())
            if line is not None:
                self.write(line)

    def line(self, now: float) -> str | None:
        """What to say at ``now``, or None while no test has run longer than the interval."""
        test, since = self.test, self.since
        if test is None or now - since < self.interval:
            return None
        parts = [f"conformance: {test.rpartition('::')[2]} has run {duration(now - since)}"]
        target = self.target()
        if target is not None:
            failed_at = target.failed_at(test)
            if failed_at is not None:
                bound = target.shrink_seconds
                limit = "no bound; --shrink-time sets one" if bound is None else f"--shrink-time {bound:g} s"
                parts.append(f"making its failing request smaller for {duration(now - failed_at)} ({limit})")
            parts.append(f"{target.requests_sent:,} requests so far")
            median = target.median_answer()
            if median is not None:
                parts.append(
                    f"median answer {median * 1000:.0f} ms, so every 1,000 requests one after another take "
                    f"at least {duration(median * 1000)}"
                )
        return "; ".join(parts)
