"""A test aid: network calls made while the calling thread holds a database transaction open."""

from __future__ import annotations

import socket
import sqlite3
import ssl
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import Connection

from webapp.database import db

# What a network call is, seen from Python: every client the product uses (requests through
# urllib3, smtplib, redis-py) connects and writes through these. libpq's own socket (psycopg)
# is not a Python socket, and SQLite has none, so the database's own traffic is never counted.
_SOCKET_METHODS: tuple[tuple[type[socket.socket], str], ...] = (
    (socket.socket, "connect"),
    (socket.socket, "connect_ex"),
    (socket.socket, "sendall"),
    (socket.socket, "send"),
    (ssl.SSLSocket, "sendall"),
    (ssl.SSLSocket, "send"),
)


# Sessions of this database, other than the asking one, in the middle of a transaction.
OPEN_ELSEWHERE = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
)


def held_elsewhere(app: Flask) -> int:
    """What a transaction left open costs others, asked from outside it (a stub's handler): on
    SQLite, whether a reader holds the WAL back (a TRUNCATE checkpoint is refused at once, as an
    erasure's would wait busy_timeout); on PostgreSQL, the sessions idle in transaction."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                return int(connection.execute(OPEN_ELSEWHERE).scalar_one())
        path = engine.url.database
        assert path
        own = sqlite3.connect(path, timeout=0)
        try:
            busy, _, _ = own.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return int(busy)
        finally:
            own.close()


def _where(skip: int) -> tuple[str, ...]:
    """The product's frames on the current stack, outermost first (test and library frames
    left out): enough to name the code that began a transaction or made a call."""
    frames = traceback.extract_stack()[:-skip]
    return tuple(
        f"{f.filename.rsplit('/webapp/', 1)[-1]}:{f.lineno} {f.name}"
        for f in frames
        if "/webapp/" in f.filename
    )


@dataclass(frozen=True)
class HeldCall:
    """One network call made inside a transaction: what, to where, from where, and where each
    transaction still open in that thread began."""

    what: str
    peer: str
    called_from: tuple[str, ...]
    begun_at: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        begun = "\n".join("    began: " + " > ".join(b[-4:]) for b in self.begun_at)
        return f"{self.what} {self.peer}\n    from: {' > '.join(self.called_from[-5:])}\n{begun}"


class NetworkWatch:
    """Records each network call made while its thread has a database transaction open.

    Transactions are followed through SQLAlchemy's engine events (any engine, any session or
    Core connection), per thread, as every call of the product runs on the thread that asked.
    """

    def __init__(self) -> None:
        self.held: list[HeldCall] = []
        self.calls = 0
        self._open: dict[int, dict[int, tuple[Connection, tuple[str, ...]]]] = {}
        self._lock = threading.Lock()

    # -- transactions ---------------------------------------------------------------------------
    def _begin(self, conn: Connection) -> None:
        with self._lock:
            mine = self._open.setdefault(threading.get_ident(), {})
            mine[id(conn)] = (conn, _where(3))

    def _end(self, conn: Connection) -> None:
        with self._lock:
            for mine in self._open.values():
                mine.pop(id(conn), None)

    def open_here(self) -> list[tuple[str, ...]]:
        """Where each transaction this thread holds open began."""
        with self._lock:
            return [where for _, where in self._open.get(threading.get_ident(), {}).values()]

    # -- calls ----------------------------------------------------------------------------------
    def _seen(self, sock: socket.socket, what: str, args: tuple[Any, ...]) -> None:
        self.calls += 1
        begun = self.open_here()
        if not begun:
            return
        try:
            peer = str(args[0]) if what.startswith("connect") else str(sock.getpeername())
        except OSError:
            peer = "?"
        self.held.append(HeldCall(what, peer, _where(3), tuple(begun)))

    def _wrap(self, method: Callable[..., Any], what: str) -> Callable[..., Any]:
        def watched(sock: socket.socket, *args: Any, **kwargs: Any) -> Any:
            self._seen(sock, what, args)
            return method(sock, *args, **kwargs)

        return watched

    @contextmanager
    def watching(self) -> Iterator[NetworkWatch]:
        listeners = (("begin", self._begin), ("commit", self._end), ("rollback", self._end))
        with pytest.MonkeyPatch.context() as patch:
            for cls, name in _SOCKET_METHODS:
                patch.setattr(cls, name, self._wrap(getattr(cls, name), name))
            # Listening on the class sets Engine._has_events for good, and removing the listener
            # leaves it set: every engine of this process would then dispatch connection events
            # (the app's engines have none), so the flag goes back as it was.
            patch.setattr(Engine, "_has_events", Engine._has_events)
            for name, listener in listeners:
                event.listen(Engine, name, listener)
            try:
                yield self
            finally:
                for name, listener in listeners:
                    event.remove(Engine, name, listener)

    def report(self) -> str:
        return "\n".join(str(call) for call in self.held)


@pytest.fixture
def network_watch() -> Iterator[NetworkWatch]:
    """Opt-in (it follows every transaction and socket write of the test while on)."""
    with NetworkWatch().watching() as watch:
        yield watch
