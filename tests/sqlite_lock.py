"""Whether another SQLite connection holds the write lock, for tests of when it is taken."""

from __future__ import annotations

import sqlite3


def write_lock_taken(path: str) -> bool:
    """Whether another connection holds the write lock now: BEGIN IMMEDIATE fails at once."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()
