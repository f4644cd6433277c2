"""A rate-limit store that stops answering is asked once per wait, not once per letter."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask_babel import Babel
from limits.errors import StorageError

from bench.load_report import redis_server
from bench.store_outage import SilentServer, silent_server
from tests.pg import free_port
from webapp.antiabuse import rate_limits
from webapp.antiabuse.limit_store import sqlite_uri
from webapp.antiabuse.rate_limits import RateLimits
from webapp.antiabuse.store_breaker import StoreBreaker

RETRY = 30.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    with silent_server() as server:
        yield server


def _settled(breaker: StoreBreaker) -> None:
    """Wait for the breaker's background check (a few ms against a local Redis)."""
    if breaker.probe is not None:
        breaker.probe.join(timeout=10)
        assert not breaker.probe.is_alive()


def _app(store: str, retry: float = RETRY) -> Flask:
    app = Flask(__name__)
    app.config.update(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=store, RATELIMIT_STORE_RETRY_SECONDS=retry
    )
    Babel(app)  # as in the app: the 503's words are translated
    limits = RateLimits()
    limits.init_app(app)

    @app.post("/letter")
    @limits.limit("3/minute", fail_open=True)
    def letter() -> str:
        return "sent"

    @app.post("/sign-in")
    @limits.limit("5/minute")
    def sign_in() -> str:
        return "in"

    return app


def _post(app: Flask, path: str) -> int:
    client = app.test_client()
    return client.post(path, environ_base={"REMOTE_ADDR": "192.0.2.44"}).status_code


def test_a_store_that_hangs_is_asked_once_then_letters_skip_it(
    silent: SilentServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = _app(f"redis://127.0.0.1:{silent.port}?socket_timeout=0.3&socket_connect_timeout=0.3")
    assert [_post(app, "/letter") for _ in range(6)] == [200] * 6, "letters are not refused"
    assert len(silent.accepted) == 1, "only the first letter waited for the store"
    refused = app.test_client().post("/sign-in")
    assert refused.status_code == 503, "a sign-in is refused, not let through uncounted"
    assert 1 <= int(refused.headers["Retry-After"]) <= RETRY
    assert len(silent.accepted) == 1, "and refused without asking the store"
    warnings = [r.getMessage() for r in caplog.records if "rate-limit store" in r.getMessage()]
    assert warnings == [
        "rate-limit store unavailable on letter: TimeoutError; letters go uncounted and "
        "sign-ins are refused, checking the store again every 30 s"
    ]
    assert "192.0.2" not in caplog.text


def test_with_no_wait_every_letter_asks_the_store(
    silent: SilentServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = _app(f"redis://127.0.0.1:{silent.port}?socket_timeout=0.2&socket_connect_timeout=0.2", 0)
    assert [_post(app, "/letter") for _ in range(3)] == [200] * 3
    assert len(silent.accepted) == 3
    assert caplog.text.count("rate-limit store unavailable") == 1
    assert "refused, every request asks it again" in caplog.text


def test_after_the_wait_a_check_finds_the_store_back_and_counting_resumes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    port = free_port()
    url = f"redis://127.0.0.1:{port}?socket_timeout=2&socket_connect_timeout=2"
    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
    with redis_server(tmp_path / "first", port) as started:
        if started is None:
            pytest.fail("redis-server is missing: make test installs it")
        app = _app(url, retry=RETRY)
        assert _post(app, "/letter") == 200
    breaker = app.extensions["rate_limits"].breaker
    clock = Clock()
    breaker._clock = clock  # the wait is tested by moving time, not by sleeping through it
    # Redis stopped: the next letter finds it gone, the three after it do not ask.
    assert [_post(app, "/letter") for _ in range(4)] == [200] * 4
    assert breaker.is_open() and breaker.probe is None
    clock.now += RETRY + 1
    with redis_server(tmp_path / "second", port):
        # The store is back (empty: it kept nothing). The first letter after the wait starts a
        # check and goes on uncounted; once the check has its answer, letters count again.
        assert _post(app, "/letter") == 200
        _settled(breaker)
        assert not breaker.is_open()
        assert [_post(app, "/letter") for _ in range(4)] == [200, 200, 200, 429]
        keys = sorted(k.decode() for k in redis.Redis.from_url(url).keys("LIMITS:*"))
        # The check's own counter, which expires after a wait, and the letters' counter.
        assert keys == [
            "LIMITS:LIMITER/192.0.2.44/letter/3/1/minute",
            "LIMITS:civic-letters/store-check",
        ]
        assert 0 < redis.Redis.from_url(url).ttl("LIMITS:civic-letters/store-check") <= RETRY
    assert "rate-limit store answers again after 31 s; 5 requests were not counted" in caplog.text


def test_one_check_at_a_time_and_a_failed_check_waits_again() -> None:
    clock = Clock()
    answers: list[bool] = []
    release = threading.Event()

    def check() -> bool:
        release.wait(10)
        return answers.pop(0)

    breaker = StoreBreaker(10.0, check, clock)
    assert breaker.try_store() and not breaker.is_open()
    breaker.failed("letter", "ConnectionError")
    assert not breaker.try_store() and breaker.probe is None, "no check before the wait is over"
    assert breaker.retry_after() == 10
    clock.now += 9.5
    assert breaker.retry_after() == 1
    clock.now += 0.5
    answers += [False, True]
    assert not breaker.try_store(), "the request that starts the check does not wait for it"
    first = breaker.probe
    clock.now += 20
    assert not breaker.try_store() and breaker.probe is first, "one check at a time"
    release.set()
    _settled(breaker)
    assert breaker.is_open(), "the store did not answer: still open"
    assert not breaker.try_store() and breaker.probe is not first, "the wait was over: again"
    _settled(breaker)
    assert not breaker.is_open() and breaker.try_store()
    assert answers == []


def test_a_store_that_pings_but_cannot_count_stays_skipped(tmp_path: Path) -> None:
    """A Redis that refuses writes (here: it wants a replica it does not have, as one left
    read-only after a failover does) still answers PING: the check counts, so it stays open."""
    with redis_server(tmp_path) as url:
        if url is None:
            pytest.fail("redis-server is missing: make test installs it")
        admin = redis.Redis.from_url(url)
        app = _app(url)
        breaker = app.extensions["rate_limits"].breaker
        clock = Clock()
        breaker._clock = clock
        assert _post(app, "/letter") == 200 and not breaker.is_open()
        admin.config_set("min-replicas-to-write", 1)
        assert admin.ping()
        assert [_post(app, "/letter") for _ in range(2)] == [200, 200]
        assert breaker.is_open()
        clock.now += RETRY
        assert _post(app, "/letter") == 200
        _settled(breaker)
        assert breaker.is_open(), "a ping would have closed it; the count did not"
        admin.config_set("min-replicas-to-write", 0)
        clock.now += RETRY
        assert _post(app, "/letter") == 200
        _settled(breaker)
        assert not breaker.is_open()
        # 3/minute: the first letter and these two count; the letters between did not.
        assert [_post(app, "/letter") for _ in range(3)] == [200, 200, 429]


def test_a_letter_counted_while_another_found_the_store_down_does_not_end_the_outage(
    tmp_path: Path,
) -> None:
    """Two letters at once: the first is counting when the second finds the store down. The
    first's late success began before the outage, so the breaker stays open."""
    app = _app(sqlite_uri(tmp_path / "counters.sqlite3"))
    counters = app.extensions["rate_limits"]
    storage = counters.strategy.storage
    counting, release = threading.Event(), threading.Event()
    real_incr = storage.incr

    def incr(key: str, expiry: float, amount: int = 1) -> int:
        if threading.current_thread().name == "first":
            counting.set()
            release.wait(10)
            return real_incr(key, expiry, amount)
        raise StorageError(sqlite3.OperationalError("disk I/O error"))

    storage.incr = incr
    statuses: list[int] = []
    first = threading.Thread(
        target=lambda: statuses.append(_post(app, "/letter")), name="first", daemon=True
    )
    first.start()
    assert counting.wait(10)
    assert _post(app, "/letter") == 200, "the second letter goes through uncounted"
    assert counters.breaker.is_open()
    release.set()
    first.join(10)
    assert statuses == [200]
    assert counters.breaker.is_open(), "the first letter's count began before the outage"


def test_an_answer_that_began_before_the_outage_does_not_end_it() -> None:
    clock = Clock()
    breaker = StoreBreaker(10.0, lambda: True, clock)
    before = breaker.outages  # a request starts counting, then another finds the store down
    breaker.failed("letter", "TimeoutError")
    breaker.answered(before)
    assert breaker.is_open()
    breaker.answered(breaker.outages)
    assert not breaker.is_open()


def test_a_check_that_cannot_start_leaves_the_letter_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    breaker = StoreBreaker(10.0, lambda: True, clock)
    breaker.failed("letter", "TimeoutError")
    clock.now += 10

    def no_thread(probe: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(breaker, "_start", no_thread)
    assert not breaker.try_store() and breaker.probe is None
    monkeypatch.undo()
    clock.now += 10
    assert not breaker.try_store()
    _settled(breaker)
    assert not breaker.is_open()


def test_a_check_stuck_for_three_waits_is_left_and_another_starts() -> None:
    clock = Clock()
    release = threading.Event()
    breaker = StoreBreaker(10.0, lambda: release.wait(10), clock)
    breaker.failed("letter", "TimeoutError")
    clock.now += 10
    breaker.try_store()
    stuck = breaker.probe
    clock.now += 20
    breaker.try_store()
    assert breaker.probe is stuck, "two waits: still its check"
    clock.now += 10
    breaker.try_store()
    assert breaker.probe is not stuck and stuck is not None and stuck.is_alive()
    release.set()
    _settled(breaker)
    stuck.join(10)
    assert not breaker.is_open()


def test_a_check_that_raises_counts_as_no_answer() -> None:
    def check() -> bool:
        raise OSError("unreachable")

    clock = Clock()
    breaker = StoreBreaker(1.0, check, clock)
    breaker.failed("letter", "ConnectionError")
    clock.now += 1
    assert not breaker.try_store()
    _settled(breaker)
    assert breaker.is_open()


def _post_within(app: Flask, path: str, waiting_for: str, seconds: float = 15) -> int:
    """_post on a thread of its own, which must end within `seconds` (a hang fails the test
    rather than blocking the suite)."""
    statuses: list[int] = []
    sender = threading.Thread(target=lambda: statuses.append(_post(app, path)), daemon=True)
    sender.start()
    sender.join(timeout=seconds)
    assert not sender.is_alive(), f"the request still waits for {waiting_for}"
    (status,) = statuses
    return status


def test_with_a_file_store_nothing_changes(tmp_path: Path) -> None:
    app = _app(sqlite_uri(tmp_path / "counters.sqlite3"))
    assert [_post(app, "/letter") for _ in range(4)] == [200, 200, 200, 429]
    assert not app.extensions["rate_limits"].breaker.is_open()


def test_a_redis_address_without_timeouts_gets_them(silent: SilentServer) -> None:
    """Without a timeout the first letter would wait for the hanging store for good."""
    app = _app(f"redis://127.0.0.1:{silent.port}")
    assert _post_within(app, "/letter", "a store that never answers") == 200
    client = app.extensions["rate_limits"].strategy.storage.storage
    assert client.connection_pool.connection_kwargs["socket_timeout"] == 1.0
    assert client.connection_pool.connection_kwargs["socket_connect_timeout"] == 1.0


def test_timeouts_in_the_address_win_and_other_stores_get_none() -> None:
    url = "redis://127.0.0.1:1?socket_timeout=0.25"
    options = rate_limits.store_options(url)
    assert options == rate_limits.REDIS_TIMEOUTS
    pool = redis.Redis.from_url(url, **options).connection_pool
    assert pool.connection_kwargs["socket_timeout"] == 0.25
    assert pool.connection_kwargs["socket_connect_timeout"] == 1.0
    assert rate_limits.store_options("rediss://h:6380") == rate_limits.REDIS_TIMEOUTS
    assert rate_limits.store_options("sqlite:///tmp/c.sqlite3") == {}
    assert rate_limits.store_options("memory://") == {}


def test_a_sentinel_that_never_answers_times_out_and_the_letter_goes_through(
    silent: SilentServer,
) -> None:
    """limits gives redis-py sentinel_kwargs of its own, so the sentinels' connections would
    not inherit a timeout: a letter would wait for the hanging sentinel for good."""
    app = _app(f"redis+sentinel://127.0.0.1:{silent.port}/primary")
    assert _post_within(app, "/letter", "a sentinel that never answers") == 200
    assert silent.accepted, "the sentinel was asked"
    sentinel = app.extensions["rate_limits"].strategy.storage.sentinel
    for kwargs in (sentinel.sentinel_kwargs, sentinel.connection_kwargs):
        assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 1.0


def test_a_cluster_that_never_answers_fails_the_start_instead_of_hanging_it(
    silent: SilentServer,
) -> None:
    """A cluster client asks for the cluster's layout as it is made, when the app starts."""
    failures: list[BaseException] = []

    def start() -> None:
        try:
            _app(f"redis+cluster://127.0.0.1:{silent.port}")
        except Exception as exc:
            failures.append(exc)

    starter = threading.Thread(target=start, daemon=True)
    starter.start()
    starter.join(timeout=15)
    assert not starter.is_alive(), "the start still waits for a cluster that never answers"
    assert silent.accepted
    assert len(failures) == 1, "a cluster that cannot be reached stops the start"
    assert isinstance(failures[0], redis.exceptions.RedisClusterException)
    assert "Timeout reading from socket" in str(failures[0])
    assert rate_limits.store_options("valkey+cluster://h:7000") == rate_limits.REDIS_TIMEOUTS


def test_a_sentinel_lookup_tries_each_sentinel_once() -> None:
    """redis-py retries a connection three times with up to 14 s of backoff by default; the
    sentinels are asked once each, and a failed lookup goes to the breaker."""
    app = _app(f"redis+sentinel://127.0.0.1:{free_port()}/primary")  # nothing listens there
    assert _post(app, "/letter") == 200
    assert app.extensions["rate_limits"].breaker.is_open()
    sentinel = app.extensions["rate_limits"].strategy.storage.sentinel
    connection = sentinel.sentinels[0].connection_pool.make_connection()
    assert connection.retry.get_retries() == 0


def test_a_cluster_that_stops_answering_while_running_lets_letters_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its start a cluster client raises RedisClusterException, which limits does not wrap
    as a StorageError: it must still reach the breaker, not end the letter in a 500."""
    app = _app(sqlite_uri(tmp_path / "counters.sqlite3"))
    counters = app.extensions["rate_limits"]

    def down(*_args: object, **_kwargs: object) -> int:
        raise redis.exceptions.RedisClusterException("Redis Cluster cannot be connected.")

    monkeypatch.setattr(counters.strategy.storage, "incr", down)
    assert _post(app, "/letter") == 200
    assert counters.breaker.is_open()
    assert _post(app, "/sign-in") == 503
