"""The civic indexes hold no lock while the database is asked (a waiting statement may give the
request's slot up; a thread that holds the slot must never block on a lock held by that one)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from webapp.civic.index import ZipIndex

_ROWS_V1 = [("48126", "MI", 12), ("48126", "MI", 13)]
_ROWS_V2 = [("48126", "MI", 12)]


class _Answer:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def __iter__(self) -> Any:
        return iter(self.rows)


class _Database:
    """Answers the dataset's version, then its rows; can be told to keep a reload waiting."""

    def __init__(self) -> None:
        self.version = datetime(2026, 1, 1, tzinfo=UTC)
        self.rows = _ROWS_V1
        self.hold = threading.Event()
        self.held = threading.Event()
        self.release = threading.Event()
        self.locked_during_io: list[bool] = []
        self.index: ZipIndex | None = None

    def execute(self, statement: Any) -> _Answer:
        assert self.index is not None
        self.locked_during_io.append(self.index._lock.locked())
        if "civic_dataset" in str(statement):
            return _Answer([(self.version, "2026-01-01", 119, {})])
        if self.hold.is_set():
            self.held.set()
            assert self.release.wait(10)
        return _Answer(list(self.rows))


def _read_aside(index: ZipIndex, session: Any) -> list[tuple[tuple[str, int], ...]] | None:
    """What another request reads meanwhile, or None if it was still waiting after 5 s."""
    answers: list[tuple[tuple[str, int], ...]] = []
    reader = threading.Thread(
        target=lambda: answers.append(index.districts(session, "48126")), daemon=True
    )
    reader.start()
    reader.join(5)
    return None if reader.is_alive() else answers


def test_reload_waiting_on_database_blocks_no_reader() -> None:
    clock = [0.0]
    index = ZipIndex(clock=lambda: clock[0])
    db = _Database()
    db.index = index
    session: Any = db
    assert index.districts(session, "48126") == (("MI", 12), ("MI", 13))

    # A sync changes the table; the next reload's SELECT is kept waiting (a lock, a busy server).
    db.version, db.rows = datetime(2026, 2, 1, tzinfo=UTC), _ROWS_V2
    db.hold.set()
    clock[0] += 60
    loader = threading.Thread(target=index.districts, args=(session, "48126"), daemon=True)
    loader.start()
    assert db.held.wait(5)

    # Meanwhile another request gets the data already loaded, without waiting for the reload.
    answers = _read_aside(index, session)
    db.release.set()
    loader.join(5)
    assert answers == [(("MI", 12), ("MI", 13))]
    assert not any(db.locked_during_io)
    # Once the reload is in, it serves.
    assert index.districts(session, "48126") == (("MI", 12),)


def test_first_load_does_not_wait_for_another() -> None:
    index = ZipIndex()
    db = _Database()
    db.index = index
    session: Any = db
    db.hold.set()
    first = threading.Thread(target=index.districts, args=(session, "48126"), daemon=True)
    first.start()
    assert db.held.wait(5)
    db.hold.clear()
    answers = _read_aside(index, session)
    db.release.set()
    first.join(5)
    assert answers == [(("MI", 12), ("MI", 13))]
    assert not any(db.locked_during_io)
