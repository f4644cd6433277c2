"""PostgreSQL connections that give the request's slot up while the server keeps them waiting."""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.abc import PQGen
from sqlalchemy import Engine

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
    with it for up to the lock timeout (23 s measured on the n5 deployment walk)."""

    def wait(self, gen: PQGen[RV], interval: float = _INTERVAL, timeout: float | None = None) -> RV:
        if timeout is not None or not holds_slot():
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
    makes every statement dispatch, see database._sqlite_begin)."""
    if engine.dialect.driver != "psycopg":
        return

    def connect(*cargs: Any, **cparams: Any) -> SlotYieldingConnection:
        return SlotYieldingConnection.connect(*cargs, **cparams)

    engine.dialect.connect = connect  # type: ignore[method-assign,assignment]
