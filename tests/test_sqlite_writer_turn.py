"""SQLite writers take turns on a file lock: one at a time, across threads, re-entrant."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import create_engine

from webapp.database import _sqlite_writer_turn


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
