"""SQLite WAL checkpoints, run by one background thread a process instead of by a request."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import weakref
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


def wal_checkpoint(engine: Engine, mode: str) -> Any:
    """Run a WAL checkpoint on a pooled connection, outside any transaction; its result row."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA wal_checkpoint({mode})")
        row = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    return row


def checkpoint_now(engine: Engine) -> None:
    """Copy the WAL's committed pages into the database file (PASSIVE: writers carry on)."""
    # What was written is committed; if this fails, the next one (or the safety net) will do.
    try:
        wal_checkpoint(engine, "PASSIVE")
    except (sqlite3.Error, SQLAlchemyError) as error:
        cause = getattr(error, "orig", error)  # SQLAlchemy wraps the driver's error
        code = getattr(cause, "sqlite_errorname", "")
        log.warning("WAL checkpoint skipped: %s %s", type(error).__name__, code)


class _Checkpointer:
    """Runs the checkpoints writers ask for, one at a time, on its own thread.

    A checkpoint copies pages and syncs the database file: run by the request whose turn asked
    for it, that letter's reply waited about 30 ms more on a 2-core test machine (every 32nd
    letter, so most of the wall time p97 to p99). SQLite releases the GIL while it copies.
    """

    def __init__(self) -> None:
        self._reset()
        # A forked child has none of its parent's threads, and the lock may have been held.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        # By id, so an engine asked for twice is done once; weakly, so an engine its owner let
        # go of is neither kept alive nor reopened.
        self._wanted: dict[int, weakref.ref[Engine]] = {}
        self._asked = threading.Condition(self._lock)
        self._running = 0
        self._thread: threading.Thread | None = None

    def ask(self, engine: Engine) -> None:
        """Have `engine` checkpointed soon; never raises (the letter has been committed)."""
        with self._lock:
            self._wanted[id(engine)] = weakref.ref(engine)
            started = self._thread is not None and self._thread.is_alive()
            if not started:
                thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
                try:
                    thread.start()
                except RuntimeError:  # no thread to be had (limits, interpreter shutdown)
                    del self._wanted[id(engine)]
                else:
                    self._thread, started = thread, True
            self._asked.notify_all()
        if not started:
            checkpoint_now(engine)  # as before the thread: in the turn's own request

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Whether every checkpoint asked for so far has run (False: `timeout` passed first)."""
        with self._lock:
            return self._asked.wait_for(lambda: not self._wanted and not self._running, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                self._asked.wait_for(lambda: bool(self._wanted))
                engines = list(self._wanted.values())
                self._wanted.clear()
                self._running = len(engines)
            try:
                self._checkpoint_all(engines)
            finally:
                with self._lock:
                    self._running = 0
                    self._asked.notify_all()

    @staticmethod
    def _checkpoint_all(engines: list[weakref.ref[Engine]]) -> None:
        # Its own frame, so no engine stays referenced while the thread waits for the next.
        for ref in engines:
            engine = ref()
            if engine is None:
                continue
            try:
                checkpoint_now(engine)
            except Exception:  # the thread outlives any one checkpoint
                log.warning("WAL checkpoint failed", exc_info=True)


checkpointer = _Checkpointer()
