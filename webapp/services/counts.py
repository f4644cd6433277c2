"""Live letter counts, cached briefly in-process so a busy campaign page costs one query per TTL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TTLCounter:
    """Caches integer values per key for `ttl` seconds; safe to share between threads."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._values: dict[object, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: object, compute: Callable[[], int]) -> int:
        now = self._clock()
        with self._lock:
            cached = self._values.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        value = compute()
        with self._lock:
            self._values[key] = (now + self.ttl, value)
        return value

    def forget(self, key: object) -> None:
        with self._lock:
            self._values.pop(key, None)
