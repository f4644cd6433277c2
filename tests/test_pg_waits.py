"""A request that PostgreSQL keeps waiting (another transaction's lock) gives its slot up, so the
process's other pages answer meanwhile, and takes its statement up again when the lock goes."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from tests.supporter.test_database_busy import _letter_form, letters_locked
from webapp.database import db
from webapp.models import Submission
from webapp.pg_waits import SlotYieldingConnection, yield_slot_while_waiting

PATIENCE = 10.0


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite's writers queue on a file lock of ours instead (request_slots.waiting)."""
    return str(request.param)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "REQUEST_SLOTS": 1, "POSTGRES_LOCK_TIMEOUT_MS": 5000}


def _lock_waiters(app: Flask) -> int:
    url = str(app.config["SQLALCHEMY_DATABASE_URI"]).replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
        return int(row[0]) if row else 0


def test_pages_answer_while_a_letter_waits_on_a_table_lock_and_the_letter_then_goes(
    app: Flask, default_campaign: str
) -> None:
    writer, reader = app.test_client(), app.test_client()
    letter = _letter_form(writer, default_campaign)
    assert reader.get("/privacy").status_code == 200  # warm: its first rendering is slower
    sent: dict[str, int] = {}

    def send() -> None:
        sent["status"] = writer.post(f"/campaigns/{default_campaign}", data=letter).status_code

    with letters_locked(app):  # a migration's lock on the letters' table
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        deadline = time.monotonic() + PATIENCE
        while _lock_waiters(app) == 0:
            assert time.monotonic() < deadline, "the letter never queued for the lock"
            time.sleep(0.02)
        started = time.monotonic()
        page = reader.get("/privacy")
        took = time.monotonic() - started
        assert page.status_code == 200
        # Before, /privacy waited for the slot until the letter's lock timeout (5 s) ended;
        # half of it tells the two apart on a loaded machine (a warm /privacy takes ~20 ms).
        assert took < 2.5, f"/privacy took {took:.2f} s while a letter waited on a lock"
        assert sender.is_alive()  # the letter still waits: nothing was cut short
    sender.join(PATIENCE)
    assert sent == {"status": 303}  # its statement went on once the lock was gone
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_an_engines_first_connection_is_set_up_before_it_may_yield(app: Flask) -> None:
    """SQLAlchemy sets up an engine's first connection under a lock that other new connections
    wait on: a set-up statement that gave the slot up could deadlock with the slot's holder."""
    engine = create_engine(str(app.config["SQLALCHEMY_DATABASE_URI"]), poolclass=NullPool)
    yield_slot_while_waiting(engine)
    during_setup: list[bool] = []
    initialize = engine.dialect.initialize

    def spy(connection: Any) -> None:
        during_setup.append(connection.connection.dbapi_connection.ready)
        initialize(connection)

    engine.dialect.initialize = spy  # type: ignore[method-assign]
    try:
        with engine.connect() as first, engine.connect() as second:
            raw = [c.connection.dbapi_connection for c in (first, second)]
            assert all(isinstance(r, SlotYieldingConnection) for r in raw)
            assert [r.ready for r in raw] == [True, True]  # type: ignore[union-attr]
    finally:
        engine.dispose()
    assert during_setup == [False]
