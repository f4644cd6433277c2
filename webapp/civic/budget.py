"""Time limits for civic lookups: a budget every upstream call shares, and a circuit breaker."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]


class Budget:
    """The time one lookup may spend waiting on upstreams; each call takes what is left."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self.deadline = clock() + max(0.0, seconds)

    def remaining(self) -> float:
        return max(0.0, self.deadline - self._clock())


class CircuitBreaker:
    """Skips an upstream for `cooldown` seconds after `threshold` outages in a row.

    Process-local: each server process counts on its own (the threads of one process share the
    count, under a lock), so with several processes each learns of an outage by itself, at a
    cost of `threshold` budgets per process. After the cool-down one call at a time goes through
    as a probe; its success closes the breaker, its failure opens it for another cool-down.
    A threshold of 0 turns the breaker off.
    """

    def __init__(self, threshold: int, cooldown: float, clock: Clock = time.monotonic) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probe_started: float | None = None

    def allow(self) -> bool:
        """May a call go out now? False while open (the caller answers without the upstream)."""
        with self._lock:
            if self._opened_at is None:
                return True
            now = self._clock()
            if now - self._opened_at < self.cooldown:
                return False
            # A probe whose caller never reported back must not keep the breaker shut forever.
            if self._probe_started is not None and now - self._probe_started < self.cooldown:
                return False
            self._probe_started = now
            return True

    def succeeded(self) -> None:
        """The upstream answered (even "no match" or a malformed body): it is up."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probe_started = None

    def failed(self) -> bool:
        """A timeout, a refused connection or a 5xx/429 answer. True when this opened it."""
        with self._lock:
            self._failures += 1
            self._probe_started = None
            if self.threshold <= 0 or self._failures < self.threshold:
                return False
            was_closed = self._opened_at is None
            self._opened_at = self._clock()
            return was_closed

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None
