"""When the rate-limit store cannot be reached, requests skip it until a check finds it back."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# A check still running after this many waits (a store whose timeouts were set very long) is
# left to itself, and the next request after the wait starts another.
ABANDON_AFTER_WAITS = 3


class StoreBreaker:
    """A worker process's view of whether its rate-limit store answers.

    Without it, every limited request asked a store that was down and waited out the store's
    timeout (a second or more for each counter) while holding its worker's request slot, so a
    Redis that stopped answering stopped the letters too. Once a request finds the store down
    (with the requests already asking it then), the breaker opens: requests skip the store,
    letters uncounted and sign-ins refused at once. After each wait of `retry_seconds`, the
    next request starts `check` in a thread of its own and goes on without the store: under
    gunicorn's threads, one request waiting a second held up its worker's other connections.
    A check that answers closes the breaker.

    Each outage has a number, so an answer that began before the outage (a request that was
    already counting, a check that was already running) cannot close it.
    """

    def __init__(
        self,
        retry_seconds: float,
        check: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.retry_seconds = retry_seconds
        self._check = check
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed, the store is asked
        self._opened_at = 0.0
        self._skipped = 0
        self.outages = 0
        self.probe: threading.Thread | None = None
        self._probe_started = 0.0

    def is_open(self) -> bool:
        return self._open_until is not None

    def try_store(self) -> bool:
        """Whether this request may ask the store. When the wait is over, the first request
        to come starts a check in the background and goes on without the store."""
        with self._lock:
            if self._open_until is None:
                return True
            self._skipped += 1
            now = self._clock()
            if now < self._open_until or self._checking(now):
                return False
            self._open_until = now + self.retry_seconds
            probe = threading.Thread(
                target=self._run_check,
                args=(self.outages,),
                name="rate-limit-store-check",
                daemon=True,
            )
            try:
                self._start(probe)
            except RuntimeError:  # no thread to be had, or shutting down: the next wait retries
                return False
            self.probe, self._probe_started = probe, now
        return False

    def _start(self, probe: threading.Thread) -> None:
        probe.start()

    def _checking(self, now: float) -> bool:
        if self.probe is None or not self.probe.is_alive():
            return False
        limit = ABANDON_AFTER_WAITS * max(self.retry_seconds, 1.0)
        if now - self._probe_started < limit:
            return True
        # Its store's timeouts are longer than three waits; each left check holds a thread.
        log.warning("rate-limit store check still waiting after %.0f s: starting another", limit)
        return False

    def _run_check(self, outage: int) -> None:
        try:
            answered = self._check()
        except Exception:  # a check that raises is a store that does not answer
            answered = False
        if answered:
            self.answered(outage)

    def retry_after(self) -> int:
        """Whole seconds until the store is tried again (at least 1)."""
        until = self._open_until
        left = 0.0 if until is None else until - self._clock()
        return max(1, math.ceil(left))

    def failed(self, scope: str, reason: str) -> None:
        # `reason` is the exception's class: its text may hold a key, which is an address.
        with self._lock:
            first = self._open_until is None
            now = self._clock()
            self._open_until = now + self.retry_seconds
            if first:
                self.outages += 1
                self._opened_at = now
                self._skipped = 0
            self._skipped += 1
        if first:
            again = (
                f"checking the store again every {self.retry_seconds:g} s"
                if self.retry_seconds
                else "every request asks it again"
            )
            log.warning(
                "rate-limit store unavailable on %s: %s; letters go uncounted and sign-ins are "
                "refused, %s",
                scope,
                reason,
                again,
            )

    def answered(self, outage: int) -> None:
        """The store answered a request or check that began when `outages` was `outage`."""
        with self._lock:
            if self._open_until is None or outage != self.outages:
                return
            self._open_until = None
            down, skipped = self._clock() - self._opened_at, self._skipped
        log.warning(
            "rate-limit store answers again after %.0f s; %d requests were not counted",
            down,
            skipped,
        )
