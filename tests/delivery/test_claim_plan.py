"""The outbox's claim finds due rows through an index on status, not by reading every row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.generate import generate
from webapp.database import db
from webapp.delivery.leases import Claimable, claim_query
from webapp.models import Channel, Delivery, Mailing, Notification

LETTERS = 300


def _plan(session: Session, sql: str, analyzed: bool) -> str:
    if session.get_bind().dialect.name == "sqlite":
        if analyzed:
            session.execute(text("ANALYZE"))
        rows = session.execute(text("EXPLAIN QUERY PLAN " + sql))
        return "\n".join(str(row[-1]) for row in rows)
    if analyzed:
        session.execute(text("ANALYZE"))
    # Tables this small are read whole whatever the indexes; the question is whether the due
    # index can serve the query.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(row[0] for row in session.execute(text("EXPLAIN " + sql)))


@pytest.mark.parametrize("analyzed", [False, True], ids=["no statistics", "analyzed"])
@pytest.mark.parametrize("model", [Delivery, Notification, Mailing], ids=lambda m: m.__name__)
def test_the_claim_reads_the_due_index(app: Flask, model: Claimable, analyzed: bool) -> None:
    """Without statistics (SQLite as the app runs it) and with them (PostgreSQL's autovacuum)."""
    generate(app, LETTERS)  # deliveries in six statuses, as after a day of sending
    with app.app_context():
        session = db.session()
        query = claim_query(model, datetime.now(UTC), 50, list(Channel))
        sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = _plan(session, sql, analyzed)
        session.rollback()
    for table in ("delivery", "submission", "notification", "mailing"):
        assert f"SCAN {table}" not in plan and f"Seq Scan on {table}" not in plan, plan
    # The due rows come from an index that starts with the status (PostgreSQL may take the
    # deliveries' status-and-campaign one: both find the waiting rows without the others).
    by_status = [i.name for i in model.__table__.indexes if i.columns[0].name == "status"]
    assert f"ix_{model.__tablename__}_due" in by_status
    assert any(str(name) in plan for name in by_status), plan
