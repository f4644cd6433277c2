"""The SQLite rate-limit store: fixed windows, atomic across processes, swept as it goes."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from webapp.antiabuse import limit_store
from webapp.antiabuse.limit_store import SQLiteStorage, sqlite_uri


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(limit_store, "time", clock)
    return clock


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStorage:
    storage = storage_from_string(sqlite_uri(tmp_path / "limits" / "counters.sqlite3"))
    assert isinstance(storage, SQLiteStorage)
    return storage


def test_a_window_counts_up_then_starts_again_when_it_ends(
    store: SQLiteStorage, clock: Clock
) -> None:
    assert [store.incr("ip/a", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("ip/a") == 3 and store.get("ip/b") == 0
    assert store.get_expiry("ip/a") == clock.now + 60
    clock.now += 59.9
    assert store.incr("ip/a", 60, amount=2) == 5  # still the same window, its end unchanged
    clock.now += 0.1
    assert store.get("ip/a") == 0
    assert store.incr("ip/a", 60) == 1
    assert store.get_expiry("ip/a") == clock.now + 60
    store.clear("ip/a")
    assert store.get("ip/a") == 0


def test_the_limiter_refuses_the_twenty_first_in_a_minute(
    store: SQLiteStorage, clock: Clock
) -> None:
    limiter = FixedWindowRateLimiter(store)
    limit = RateLimitItemPerMinute(20)
    assert [limiter.hit(limit, "127.0.0.1") for _ in range(21)] == [True] * 20 + [False]
    clock.now += 60
    assert limiter.hit(limit, "127.0.0.1")


def _hammer(uri: str, count: int) -> None:
    storage = storage_from_string(uri)
    for _ in range(count):
        storage.incr("shared", 3600)


def test_counts_from_several_processes_add_up_exactly(store: SQLiteStorage) -> None:
    uri = sqlite_uri(store.path)
    processes = [
        multiprocessing.get_context("spawn").Process(target=_hammer, args=(uri, 300))
        for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert store.get("shared") == 1200


def test_ended_windows_are_swept_so_the_table_stays_the_size_of_the_live_ones(
    store: SQLiteStorage, clock: Clock
) -> None:
    for n in range(limit_store.SWEEP_EVERY - 1):
        store.incr(f"ip/{n}", 60)
    clock.now += 61
    store.incr("ip/last", 60)  # the sweep runs on this hit
    rows = sqlite3.connect(store.path).execute("SELECT key FROM counters").fetchall()
    assert rows == [("ip/last",)]


def test_the_file_store_opens_a_new_connection_after_one_fails(tmp_path: Path) -> None:
    store = SQLiteStorage(sqlite_uri(tmp_path / "counters.sqlite3"))
    assert store.incr("k", 60) == 1
    store._db.execute("PRAGMA query_only = 1")  # this connection can no longer write
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.incr("k", 60)
    assert store.incr("k", 60) == 2, "the next count has a connection that works"
    assert store.check()


def test_a_file_that_lost_its_table_fails_the_check_and_the_next_connection_restores_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "counters.sqlite3"
    store = SQLiteStorage(sqlite_uri(path))
    assert store.incr("k", 60) == 1 and store.check()
    with sqlite3.connect(path) as other:
        other.execute("DROP TABLE counters")
    assert not store.check(), "a check that reads the counters, not SELECT 1"
    assert store.check(), "the new connection made the table again"
    assert store.incr("k", 60) == 1
