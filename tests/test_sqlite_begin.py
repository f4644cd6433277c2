"""SQLite transactions begin as before without an engine event: BEGIN for reads, IMMEDIATE for
write_transaction, each transaction one snapshot."""

from __future__ import annotations

import sqlite3

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.sqlite_lock import write_lock_taken
from webapp.database import db, write_transaction
from webapp.models import Campaign


@pytest.fixture
def sqlite_path(app: Flask, backend: str) -> str:
    if backend != "sqlite":
        pytest.skip("PostgreSQL begins its transactions itself")
    with app.app_context():
        path = db.engine.url.database
    assert path
    return path


def test_the_engine_has_no_connection_events(app: Flask, sqlite_path: str) -> None:
    """Any engine-level connection event makes every connection and statement dispatch."""
    with app.app_context():
        assert not db.engine._has_events
        assert len(db.engine.dispatch.begin) == 0


def test_a_write_transaction_holds_the_write_lock_from_its_begin(
    app: Flask, sqlite_path: str
) -> None:
    """Pins BEGIN IMMEDIATE: the lock is held before the block runs any statement."""
    with app.app_context():
        session = db.session()
        session.scalar(select(func.count()).select_from(Campaign))  # a read transaction first
        assert not write_lock_taken(sqlite_path)  # a plain BEGIN takes no write lock
        with write_transaction(session):
            assert write_lock_taken(sqlite_path)
        assert not write_lock_taken(sqlite_path)
        # The next transaction this thread begins is a plain one again.
        session.scalar(select(func.count()).select_from(Campaign))
        assert not write_lock_taken(sqlite_path)
        session.commit()


def test_a_read_transaction_reads_one_snapshot(app: Flask, sqlite_path: str) -> None:
    """Pins the plain BEGIN: statements of one transaction read the same state of the file;
    without BEGIN each would see the latest commit."""
    with app.app_context():
        session = db.session()
        before = session.scalar(select(func.count()).select_from(Campaign))
        other = sqlite3.connect(sqlite_path, isolation_level=None)
        try:
            other.execute("CREATE TABLE seen_later (x INTEGER)")
        finally:
            other.close()
        tables = "SELECT count(*) FROM sqlite_master WHERE name = 'seen_later'"
        assert session.connection().exec_driver_sql(tables).scalar_one() == 0
        assert session.scalar(select(func.count()).select_from(Campaign)) == before
        session.commit()
        assert session.connection().exec_driver_sql(tables).scalar_one() == 1
        session.commit()
