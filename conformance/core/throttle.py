"""The pace of a run: at most so many requests a second (``RateLimiter``), and resending throttled
requests: a 429 was not processed, so even a POST is safe to send again; how long that may take, each
time and in all."""

from __future__ import annotations

import threading
import time
from typing import Any

import urllib3
from urllib3.util import Retry

from conformance.core.deadline import current

# Longest Retry-After honoured on a 429; a longer one is waited this long.
RETRY_AFTER_MAX = 30


class ThrottleWaits:
    """The time a process may spend waiting to resend throttled (429) requests, all told: a target that
    throttles everything would otherwise cost each request its retries' waits (90 s with Retry-After: 30)
    and the run would look hung.  Once spent, a 429 is the answer at once."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.waited = 0.0
        self.retries = 0
        self.spent = False  # a wait was refused for want of time
        self._lock = threading.Lock()

    def take(self, seconds: float) -> bool:
        with self._lock:
            if self.waited + seconds > self.budget:
                self.spent = True
                return False
            self.waited += seconds
            self.retries += 1
            return True

    def account(self) -> str:
        """How long the process waited on 429s, in a few words."""
        text = f"after {self.retries} retries that waited {self.waited:.0f} s in all"
        if self.spent:
            text += f", all of the {self.budget:g} s that --max-throttle-wait allows"
        return text


class _ThrottleRetry(Retry):
    """urllib3's ``Retry``, except that ``Retry-After: 0`` means "retry now" (urllib3 takes a zero for no
    header at all and backs off instead, 1 s, then 2 s, which the target did not ask for), and each wait
    is taken from the process's ``ThrottleWaits``: with none left, the 429 is the answer."""

    def __init__(self, *args: Any, waits: ThrottleWaits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waits = waits

    def new(self, **kw: Any) -> _ThrottleRetry:
        kw.setdefault("waits", self.waits)
        return super().new(**kw)

    def increment(self, method: Any = None, url: Any = None, *args: Any, **kwargs: Any) -> _ThrottleRetry:
        retry = super().increment(method, url, *args, **kwargs)
        response = kwargs.get("response", args[0] if args else None)
        if response is not None and self.waits is not None:
            if not self.waits.take(retry._wait_for(response)):
                raise urllib3.exceptions.MaxRetryError(
                    kwargs.get("_pool"), url, urllib3.exceptions.ResponseError("no time left for 429 waits")
                )
        return retry

    def _wait_for(self, response: Any) -> float:
        try:
            retry_after = self.get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:
            retry_after = None
        return self.get_backoff_time() if retry_after is None else retry_after

    def sleep(self, response: Any = None) -> None:
        deadline = getattr(current, "deadline", None)
        if deadline is not None:
            deadline.pause()  # the next attempt gets a whole timeout of its own
        super().sleep(response)

    def sleep_for_retry(self, response: Any) -> bool:
        try:
            retry_after = self.get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:  # a Retry-After that is no number or date: back off
            return False
        if retry_after is None:
            return False
        if retry_after > 0:
            time.sleep(retry_after)
        return True


def throttle_retry(retries: int, waits: ThrottleWaits | None) -> Retry | int:
    """Retry a request answered 429 (it was not processed, so even a POST is safe to resend), honouring
    Retry-After, backing off otherwise, while ``waits`` has time left; after the last retry the 429 itself
    is the answer.  Nothing else is retried: every successful request creates a workflow."""
    if not retries:
        return 0
    return _ThrottleRetry(
        total=retries,
        connect=0,
        read=0,
        other=0,
        redirect=0,
        status=retries,
        status_forcelist=[429],
        allowed_methods=None,
        backoff_factor=0.5,
        backoff_max=RETRY_AFTER_MAX,
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX,
        raise_on_status=False,
        raise_on_redirect=False,
        waits=waits,
    )


class RateLimiter:
    """At most ``rate`` requests per second from this process (the plugin divides the run's rate among
    the xdist workers)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)
