"""The lock taken before an outcome is recorded holds the row on PostgreSQL until the commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.delivery.campaigns import bulk_email_deliveries
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.leases import Holder, claim, locked_if_held
from webapp.delivery.outbox import load
from webapp.models import Channel, Delivery


def test_locked_if_held_keeps_other_writers_off_the_row_until_commit(
    app: Flask, tmp_path: Path, backend: str
) -> None:
    """It reads only the row's own columns, but still FOR UPDATE: a takeover cannot commit
    between the check of the lease and the outcome written on it (SQLite's writers take
    turns at BEGIN instead)."""
    if backend == "sqlite":
        pytest.skip("SQLite has no row locks: its write lock is taken at BEGIN")
    bulk_email_deliveries(app, tmp_path, 1)
    holder = Holder("outbox")
    with app.app_context():
        session = db.session()
        ids = claim(session, Delivery, holder, utcnow(), 1, 300, {Channel.EMAIL})
        (row,) = load(session, Delivery, ids)
        with write_transaction(session), db.engine.connect() as other:
            assert locked_if_held(session, row, holder)
            other.execute(text("SET lock_timeout = '300ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                other.execute(
                    text("UPDATE delivery SET claimed_by = 'other' WHERE id = :id"), {"id": ids[0]}
                )
