"""SQLite writers take turns on a file lock: one at a time, across threads, re-entrant; the WAL
is checkpointed between turns."""

from __future__ import annotations

import fcntl
import itertools
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

import webapp.database as database
from webapp.database import _sqlite_writer_turn, configure_engine


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


def test_the_wal_is_checkpointed_after_a_turn_never_inside_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "checkpoints.db"
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine, 5000)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x BLOB)")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    monkeypatch.setattr(database, "_turns", itertools.count(1))
    real = database._checkpoint_now
    outside: list[bool] = []

    def spied(engine_: Engine) -> None:
        fd = os.open(f"{path}-writers", os.O_RDWR)
        try:  # the writers' lock is free while the checkpoint runs
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            outside.append(True)
        finally:
            os.close(fd)
        real(engine_)

    monkeypatch.setattr(database, "_checkpoint_now", spied)
    size = path.stat().st_size
    for n in range(1, database.CHECKPOINT_EVERY_TURNS + 1):
        with _sqlite_writer_turn(engine), engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", (os.urandom(150_000),))
        if n < database.CHECKPOINT_EVERY_TURNS:
            # Every commit so far went to the WAL only (past SQLite's 1,000-page automatic
            # checkpoint by turn 27): no checkpoint inside a turn.
            assert path.stat().st_size == size and not outside
    assert outside == [True]
    assert path.stat().st_size > size + 150_000 * (database.CHECKPOINT_EVERY_TURNS - 1)
