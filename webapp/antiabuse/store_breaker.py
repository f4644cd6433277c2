"""When the rate-limit store cannot be reached, requests skip it until a check finds it back."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class StoreBreaker:
    """A worker process's view of whether its rate-limit store answers.

    Without it, every limited request asked a store that was down and waited out the store's
    timeout (a second or more for each counter) while holding its worker's request slot, so a
    Redis that stopped answering stopped the letters too. After a failure the breaker opens:
    requests skip the store, letters uncounted and sign-ins refused at once. Every
    `retry_seconds` a thread of its own asks the store (`check`), never a request, since under
    gunicorn's threads one request waiting a second held up the worker's other connections;
    an answer closes the breaker.
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
        self.probe: threading.Thread | None = None

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
            if now < self._open_until or (self.probe is not None and self.probe.is_alive()):
                return False
            self._open_until = now + self.retry_seconds
            self.probe = threading.Thread(
                target=self._run_check, name="rate-limit-store-check", daemon=True
            )
            self.probe.start()
        return False

    def _run_check(self) -> None:
        try:
            answered = self._check()
        except Exception:  # a check that raises is a store that does not answer
            answered = False
        if answered:
            self.answered()

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
                self._opened_at = now
                self._skipped = 0
            self._skipped += 1
        if first:
            log.warning(
                "rate-limit store unavailable on %s: %s; letters go uncounted and sign-ins are "
                "refused, checking the store again every %g s",
                scope,
                reason,
                self.retry_seconds,
            )

    def answered(self) -> None:
        with self._lock:
            if self._open_until is None:
                return
            self._open_until = None
            down, skipped = self._clock() - self._opened_at, self._skipped
        log.warning(
            "rate-limit store answers again after %.0f s; %d requests were not counted",
            down,
            skipped,
        )
