"""Rate-limit counters in a SQLite file, shared by every worker process on one machine."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from sqlite3 import Cursor
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

SCHEME = "sqlite"
# Expired counters are deleted in one indexed sweep every this many increments, so the table
# stays the size of the live windows however long a day of action runs.
SWEEP_EVERY = 2000
SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counters_expiry ON counters (expires_at);
"""
# One statement per hit: a window that has ended starts again at `amount`, else it adds up.
# SQLite's write lock makes the read-modify-write atomic across processes.
INCR = """
INSERT INTO counters (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires_at <= :now THEN :amount ELSE count + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING count
"""


def sqlite_uri(path: Path) -> str:
    return f"{SCHEME}:///{path.resolve().as_posix().lstrip('/')}"


def sqlite_path(uri: str) -> Path:
    """The file a `sqlite:///` storage URI names (the inverse of sqlite_uri)."""
    return Path("/" + unquote(urlsplit(uri).path).lstrip("/"))


class SQLiteStorage(Storage):
    """Fixed-window counters (the strategy `rate_limits` uses) in a WAL-mode SQLite file.

    The in-memory store walks every key each 10 ms on a timer thread, which slows a long day
    of action as distinct addresses pile up, and each gunicorn worker has its own, so a per-IP
    limit was multiplied by the number of workers. This file is shared and swept in batches.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]  # type: ignore[misc]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = sqlite_path(uri or "")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._hits = 0
        self._connect().close()  # the file and its table exist before the first count

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: each statement is its own short transaction, so no lock is held between.
        connection = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # A counter lost to a power cut costs nothing; an fsync per hit would cost a lot.
            connection.execute("PRAGMA synchronous=OFF")
            # On every connection: one that replaces a failed one may find a new, empty file.
            connection.executescript(SCHEMA)
        except BaseException:
            connection.close()
            raise
        return connection

    @property
    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        return connection

    def _run(self, sql: str, parameters: Mapping[str, object] | Sequence[object] = ()) -> Cursor:
        try:
            return self._db.execute(sql, parameters)
        except sqlite3.Error:
            # The next call opens a new connection: one that failed (a file replaced or gone,
            # a disk error) may fail for good, and the limits would stay off until a restart.
            connection = self._local.__dict__.pop("connection", None)
            if connection is not None:
                connection.close()
            raise

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        row = self._run(
            INCR, {"key": key, "amount": amount, "now": now, "expiry": float(expiry)}
        ).fetchone()
        self._hits += 1
        if self._hits % SWEEP_EVERY == 0:
            self._run("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        row = self._run(
            "SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._run("SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._run("SELECT 1 FROM counters LIMIT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        cursor = self._run("DELETE FROM counters")
        return cursor.rowcount

    def clear(self, key: str) -> None:
        self._run("DELETE FROM counters WHERE key = ?", (key,))
