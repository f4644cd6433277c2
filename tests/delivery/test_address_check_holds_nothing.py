"""While the postal service checks an address, the worker holds no database transaction open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.delivery.postal_stub import VERIFY, PostalStub
from tests.delivery.postal_world import app_config, president_campaign, rows, write
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus

__all__ = ["app_config"]

# Sessions of this database, other than the asking one, in the middle of a transaction.
OPEN_ELSEWHERE = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
)


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path)


def _held_open(app: Flask) -> int:
    """On SQLite, whether a reader holds the WAL back (a TRUNCATE checkpoint is refused at
    once, as an erasure's would wait busy_timeout); on PostgreSQL, idle transactions."""
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


def test_no_transaction_is_held_open_while_the_service_checks_the_offices_address(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    """The check is a network call that may take seconds (its timeout): a read transaction
    kept across it made a supporter's erasure wait 30 s on SQLite, and on PostgreSQL it sits
    idle in transaction, holding back vacuum."""
    write(client, slug, 1)
    seen: list[int] = []

    def verify(request: Any) -> Any:
        if b"Pennsylvania" in request.body:
            seen.append(_held_open(app))
        return postal._verify(request)

    postal.server.route(VERIFY, verify)
    report = Worker(app).run_batch()
    assert seen == [0]
    assert report.sent == 1 and [row.status for row in rows(app)] == [DeliveryStatus.SENT]
