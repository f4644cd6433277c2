"""SQLite writers take turns on a file lock: one at a time, across threads, re-entrant; the WAL
is checkpointed between turns, on a thread of its own."""

from __future__ import annotations

import fcntl
import itertools
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

import webapp.database as database
import webapp.wal_checkpoints as wal_checkpoints
from webapp.database import _sqlite_writer_turn, configure_engine
from webapp.wal_checkpoints import checkpointer


@pytest.fixture(autouse=True)
def _no_checkpoint_pending() -> Iterator[None]:
    """Every 32nd writer turn of the session asks for a checkpoint: none left over from an
    earlier test may run through this test's spies, or after it."""
    assert checkpointer.wait_idle()
    yield
    assert checkpointer.wait_idle()


def test_writers_take_turns_one_at_a_time(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    inside, most, turns = 0, 0, 0
    guard = threading.Lock()

    def writer() -> None:
        nonlocal inside, most, turns
        for _ in range(20):
            with _sqlite_writer_turn(engine):
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.0005)
                with guard:
                    inside -= 1
                    turns += 1

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert turns == 120
    assert most == 1
    assert (tmp_path / "turns.db-writers").exists()


def test_a_nested_turn_does_not_wait_for_itself(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'nested.db'}")
    done = threading.Event()

    def nested() -> None:
        with _sqlite_writer_turn(engine), _sqlite_writer_turn(engine):
            done.set()

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert done.is_set()


def _wal_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine, 5000)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x BLOB)")
    return engine


def test_the_wal_is_checkpointed_after_the_asking_turn_outside_the_writers_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "checkpoints.db"
    engine = _wal_engine(path)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    monkeypatch.setattr(database, "_turns", itertools.count(1))
    real = wal_checkpoints.checkpoint_now
    outside: list[bool] = []

    def spied(engine_: Engine) -> None:
        fd = os.open(f"{path}-writers", os.O_RDWR)
        try:  # the writers' lock is free while the checkpoint runs
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            outside.append(True)
        finally:
            os.close(fd)
        real(engine_)

    monkeypatch.setattr(wal_checkpoints, "checkpoint_now", spied)
    size = path.stat().st_size
    for n in range(1, database.CHECKPOINT_EVERY_TURNS + 1):
        with _sqlite_writer_turn(engine), engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", (os.urandom(150_000),))
        if n < database.CHECKPOINT_EVERY_TURNS:
            # Every commit so far went to the WAL only (past SQLite's 1,000-page automatic
            # checkpoint by turn 27): no checkpoint inside a turn.
            assert path.stat().st_size == size and not outside
    assert checkpointer.wait_idle()
    assert outside == [True]
    assert path.stat().st_size > size + 150_000 * (database.CHECKPOINT_EVERY_TURNS - 1)


def test_the_writer_whose_turn_asks_for_a_checkpoint_does_not_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _wal_engine(tmp_path / "async.db")
    monkeypatch.setattr(database, "_turns", itertools.count(1))
    release, ran_on = threading.Event(), []

    def slow(engine_: Engine) -> None:
        ran_on.append(threading.current_thread().name)
        release.wait(10)  # a checkpoint as slow as you like

    monkeypatch.setattr(wal_checkpoints, "checkpoint_now", slow)
    for _ in range(database.CHECKPOINT_EVERY_TURNS):
        with _sqlite_writer_turn(engine), engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (x'00')")
    # The last turn asked for a checkpoint and returned while it is still running.
    assert not checkpointer.wait_idle(timeout=0.5)
    release.set()
    assert checkpointer.wait_idle()
    assert ran_on == ["wal-checkpoints"]
    engine.dispose()


def test_a_checkpoint_that_fails_is_logged_by_kind_and_the_next_one_still_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    gone = _wal_engine(folder / "gone.db")
    gone.dispose()
    shutil.rmtree(folder)  # the database's folder taken away: the checkpoint cannot connect
    kept = _wal_engine(tmp_path / "kept.db")
    with kept.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (?)", (os.urandom(200_000),))
    size = (tmp_path / "kept.db").stat().st_size
    with caplog.at_level(logging.WARNING, logger="webapp.wal_checkpoints"):
        checkpointer.ask(gone)
        assert checkpointer.wait_idle()
        checkpointer.ask(kept)
        assert checkpointer.wait_idle()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["WAL checkpoint skipped: OperationalError SQLITE_CANTOPEN"]
    assert (tmp_path / "kept.db").stat().st_size > size + 150_000  # the WAL was copied in
    kept.dispose()


def test_a_forked_process_runs_its_checkpoints_on_its_own_thread(tmp_path: Path) -> None:
    engine = _wal_engine(tmp_path / "forked.db")
    checkpointer.ask(engine)  # the parent's thread is running
    assert checkpointer.wait_idle()
    engine.dispose()
    pid = os.fork()
    if pid == 0:  # the child: a gunicorn worker forked from a process that had written
        code = 1
        try:
            child = _wal_engine(tmp_path / "child.db")
            checkpointer.ask(child)
            code = 0 if checkpointer.wait_idle(timeout=10) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_an_unexpected_error_in_a_checkpoint_leaves_the_thread_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = _wal_engine(tmp_path / "odd.db")
    real, calls = wal_checkpoints.checkpoint_now, []

    def odd_then_real(engine_: Engine) -> None:
        calls.append(engine_)
        if len(calls) == 1:
            raise RuntimeError("something no one expected")
        real(engine_)

    monkeypatch.setattr(wal_checkpoints, "checkpoint_now", odd_then_real)
    with caplog.at_level(logging.WARNING, logger="webapp.wal_checkpoints"):
        for _ in range(2):
            checkpointer.ask(engine)
            assert checkpointer.wait_idle()
    assert len(calls) == 2
    [failed] = caplog.records
    assert failed.getMessage() == "WAL checkpoint failed"
    # Its traceback is logged: as the exception, or as text once the app's log filter (on every
    # app module's logger since b335a92) has cleaned it.
    if failed.exc_info is not None:
        traceback = logging.Formatter().formatException(failed.exc_info)
    else:
        traceback = failed.exc_text or ""
    assert "RuntimeError: something no one expected" in traceback, traceback
    engine.dispose()


def test_without_a_thread_to_be_had_the_turn_checkpoints_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _wal_engine(tmp_path / "threadless.db")
    fresh = wal_checkpoints._Checkpointer()
    ran_on: list[str] = []
    monkeypatch.setattr(
        wal_checkpoints, "checkpoint_now", lambda _e: ran_on.append(threading.current_thread().name)
    )

    def refused(_thread: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    fresh.ask(engine)  # does not raise: the letter that asked is committed
    assert ran_on == [threading.current_thread().name]
    assert fresh.wait_idle(timeout=0.1)
    engine.dispose()
