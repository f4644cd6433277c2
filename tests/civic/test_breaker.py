"""CircuitBreaker and Budget on a controlled clock, and the breaker under racing threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

from webapp.civic.budget import Budget, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_budget_counts_down_and_never_goes_negative() -> None:
    clock = Clock()
    budget = Budget(3.0, clock)
    clock.now += 1.25
    assert budget.remaining() == 1.75
    clock.now += 5
    assert budget.remaining() == 0.0


def test_opens_after_the_threshold_of_failures_in_a_row_only() -> None:
    breaker = CircuitBreaker(3, 60.0, Clock())
    breaker.failed()
    breaker.failed()
    breaker.succeeded()  # an answer in between resets the count
    assert not breaker.failed() and not breaker.failed()
    assert breaker.allow()

    assert breaker.failed()  # the third in a row opens it, and says so once

    assert breaker.is_open and not breaker.allow()


def test_after_the_cool_down_one_probe_goes_through_and_its_outcome_decides() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 60.0, clock)
    breaker.failed()
    clock.now += 59
    assert not breaker.allow()
    clock.now += 2

    assert breaker.allow()  # the probe
    assert not breaker.allow()  # everyone else still answers by ZIP meanwhile
    breaker.failed()
    assert not breaker.allow()  # a failed probe opens it for another cool-down
    clock.now += 61
    assert breaker.allow()
    breaker.succeeded()
    assert not breaker.is_open and breaker.allow() and breaker.allow()


def test_a_probe_that_never_reports_back_does_not_keep_it_shut() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 10.0, clock)
    breaker.failed()
    clock.now += 11
    assert breaker.allow()
    clock.now += 11
    assert breaker.allow()


def test_zero_threshold_never_opens() -> None:
    breaker = CircuitBreaker(0, 60.0, Clock())
    for _ in range(10):
        breaker.failed()
    assert breaker.allow() and not breaker.is_open


def _race(work: Callable[[], None], threads: int = 8) -> None:
    """Run `work` in `threads` threads released at the same moment; wait for all."""
    start = threading.Barrier(threads)

    def run() -> None:
        start.wait()
        work()

    running = [threading.Thread(target=run) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()


def test_threads_racing_share_one_count_and_one_probe() -> None:
    clock = Clock()
    breaker = CircuitBreaker(400, 60.0, clock)
    opened: list[bool] = []

    _race(lambda: opened.extend(breaker.failed() for _ in range(50)))

    assert opened.count(True) == 1 and breaker.is_open  # exactly the 400th opened it
    clock.now += 61
    allowed: list[bool] = []

    _race(lambda: allowed.append(breaker.allow()))

    assert allowed.count(True) == 1
