"""Small in-process caches: live letter counts and public stats, each kept for a few seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    """Caches values per key for `ttl` seconds; safe to share between threads."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._values: dict[object, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: object, compute: Callable[[], V]) -> V:
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


TTLCounter = TTLCache[int]
PublicStatsCache = TTLCache[dict[str, Any]]
