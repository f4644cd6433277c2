"""Retry backoff: exponential steps up to a cap, each with jitter so retries spread out."""

from __future__ import annotations

import random
from datetime import timedelta

from webapp.delivery.outcomes import RetryPolicy


class _Fixed(random.Random):
    """A random source whose `uniform` always returns one value."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def uniform(self, a: float, b: float) -> float:
        return self.value


def test_backoff_doubles_up_to_the_cap_with_jitter_between_half_and_full_step() -> None:
    policy = RetryPolicy(base_seconds=60, max_seconds=3600)
    full = [policy.delay(n, _Fixed(1.0)).total_seconds() for n in range(1, 9)]
    assert full == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert [policy.delay(n, _Fixed(0.5)).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    samples = {policy.delay(3, random.Random(seed)).total_seconds() for seed in range(50)}
    assert all(120 <= s <= 240 for s in samples) and len(samples) > 40
    assert policy.delay(0) <= timedelta(seconds=60)
