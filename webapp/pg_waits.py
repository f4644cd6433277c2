"""PostgreSQL connections that give the request's slot up while the server keeps them waiting."""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.abc import PQGen
from sqlalchemy import Engine, event

from webapp.request_slots import holds_slot, waiting

RV = TypeVar("RV")
# psycopg's own poll interval (psycopg.connection._WAIT_INTERVAL).
_INTERVAL = 0.1
# A statement the server has not answered by then is waiting on something (another
# transaction's lock, up to POSTGRES_LOCK_TIMEOUT_MS; a server starting up), not running: its
# request gives the process's slot to the others meanwhile. A statement answered sooner, nearly
# every one, keeps the slot throughout, as before.
PATIENCE_SECONDS = 0.05


class SlotYieldingConnection(psycopg.Connection[Any]):
    """psycopg waits for every answer in `wait`; one slower than PATIENCE_SECONDS is waited
    for without the slot. Before, one letter queued behind a table lock (a migration, a long
    export) held its worker's only slot, and every page of that process, even /privacy, waited
    with it for up to the lock timeout (23 s measured on the n5 deployment walk).

    Safe only while the waiting thread holds no other lock that the slot's next holder could
    block on (request_slots.waiting): the app holds none across a statement (the civic indexes
    swap their data in after reading it), and SQLAlchemy holds one while it sets up an engine's
    first connection, so a connection yields only once set up (`ready`).
    """

    ready = False

    def wait(self, gen: PQGen[RV], interval: float = _INTERVAL, timeout: float | None = None) -> RV:
        if timeout is not None or not self.ready or not holds_slot():
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, PATIENCE_SECONDS)
        except errors._WaitTimeout:
            # The generator stopped at a wait for the socket, and takes up where it stood: its
            # loops read a falsy "ready" as "not yet" (tests/test_pg_waits.py holds it to that).
            with waiting():
                return super().wait(gen, interval)


def yield_slot_while_waiting(engine: Engine) -> None:
    """New connections of a psycopg engine are SlotYieldingConnections (no engine event: any
    makes every statement dispatch, see database._sqlite_begin; a pool event costs nothing per
    statement)."""
    if engine.dialect.driver != "psycopg":
        return

    def connect(*cargs: Any, **cparams: Any) -> SlotYieldingConnection:
        return SlotYieldingConnection.connect(*cargs, **cparams)

    engine.dialect.connect = connect  # type: ignore[method-assign,assignment]

    # Listened to after the dialect's own set-up, which SQLAlchemy runs for an engine's first
    # connection under a lock that other new connections wait on: only then may it yield.
    @event.listens_for(engine, "connect")
    def _ready(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, SlotYieldingConnection):
            dbapi_connection.ready = True
