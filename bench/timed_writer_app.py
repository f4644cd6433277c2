"""`app:app` with SQLite's writer turn timed, for bench.writer_lock (never served for real).

Each worker adds up how long its letters waited for the turn and held it, and writes the sums to
a file in $WRITER_LOCK_STATS when it exits.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

import webapp.database as database

_untimed = database._sqlite_writer_turn
_sums = {"turns": 0.0, "held": 0.0, "waited": 0.0}
_lock = threading.Lock()


@contextmanager
def _timed_turn(engine: Engine) -> Iterator[None]:
    asked = time.perf_counter()
    with _untimed(engine):
        got = time.perf_counter()
        try:
            yield
        finally:
            with _lock:
                _sums["turns"] += 1
                _sums["held"] += time.perf_counter() - got
                _sums["waited"] += got - asked


def _write_sums() -> None:
    folder = os.environ.get("WRITER_LOCK_STATS")
    if folder and _sums["turns"]:
        line = f"{int(_sums['turns'])} {_sums['held']:.4f} {_sums['waited']:.4f}\n"
        (Path(folder) / f"worker-{os.getpid()}.txt").write_text(line)


database._sqlite_writer_turn = _timed_turn
atexit.register(_write_sums)

from app import app  # noqa: E402  (after the patch, which write_transaction looks up by name)

__all__ = ["app"]
