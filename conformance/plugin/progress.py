"""A line now and then while one test runs long, so that a long run says what it is doing: which test,
whether it is making a failing request smaller (and for how long), how many requests went out, and what
the target's pace means for the rest of the run.

pytest's own progress moves once a test ends; a property that shrinks a failure against a slow target, or
a walk of a large domain's pages, can keep it still for minutes.  ``Progress`` looks every
``EVERY`` seconds (``CONFORMANCE_PROGRESS_EVERY`` sets another) and writes one line when the current test
has run longer than that.  Only a run in one process writes: under pytest-xdist the workers' output is
not shown.

pytest captures the terminal's file descriptor while each test runs, so a line written through its
terminal writer from here would land in the test's captured output, shown only if the test fails.  The
line goes instead to a copy of the terminal's descriptor, taken while nothing is captured
(``terminal_line``), on a line of its own.
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


class TerminalLine:
    """Writes one line at a time to a copy of the terminal's file descriptor."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            if self._fd is None:
                return
            try:
                os.write(self._fd, f"\n{line}\n".encode("utf-8", "replace"))
            except OSError:
                pass  # the terminal went away; the run goes on without the line

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def terminal_line(config: Any) -> TerminalLine | None:
    """A writer of one line to the terminal that pytest's capture of each test does not take, or None
    where there is no terminal to write to (no terminal reporter, a descriptor that cannot be copied)."""
    if config.pluginmanager.get_plugin("terminalreporter") is None:
        return None
    capture = config.pluginmanager.get_plugin("capturemanager")
    try:
        if capture is not None:
            with capture.global_and_fixture_disabled():
                return TerminalLine(os.dup(1))
        return TerminalLine(os.dup(1))
    except OSError:
        return None


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
        self._thread.join(timeout=1.0)
        close = getattr(self.write, "close", None)
        if close is not None:
            close()

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
