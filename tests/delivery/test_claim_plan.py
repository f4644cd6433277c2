"""The outbox's claim: due rows found through the status index, and a row claimed meanwhile left."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update

from bench.generate import generate
from tests.plans import query_plan
from webapp.database import db
from webapp.delivery.leases import Claimable, claim_query
from webapp.models import Channel, Delivery, DeliveryStatus, Mailing, Notification

LETTERS = 300


@pytest.mark.parametrize("model", [Delivery, Notification, Mailing], ids=lambda m: m.__name__)
def test_the_claim_reads_the_status_index_on_sqlite(
    app: Flask, backend: str, model: Claimable
) -> None:
    """SQLite as the app runs it, never analysed. There the claim holds the write lock letters
    queue for; as the bare waiting-or-abandoned condition, the deliveries' claim read every
    confirmed letter. (Analysed, SQLite's per-index averages cannot tell that few rows wait,
    and it may go back to that plan. PostgreSQL's plan follows its statistics; bench.claim_time
    prints both.)"""
    if backend != "sqlite":
        pytest.skip("the plan that mattered is SQLite's, under its single write lock")
    generate(app, LETTERS)
    with app.app_context():
        session = db.session()
        # As during a day of action: most letters sent, the newest ones waiting.
        newest = session.scalar(select(func.max(Delivery.id))) or 0
        session.execute(
            update(Delivery)
            .where(Delivery.id <= newest - 40)
            .values(status=DeliveryStatus.SENT, mailing_id=None)
        )
        session.commit()
        query = claim_query(model, datetime.now(UTC), 50, list(Channel))
        plan = query_plan(session, query)
    for table in ("delivery", "submission", "notification", "mailing"):
        assert f"SCAN {table}" not in plan, plan
    by_status = [i.name for i in model.__table__.indexes if i.columns[0].name == "status"]
    assert f"ix_{model.__tablename__}_due" in by_status
    assert any(f"INDEX {name} " in plan for name in by_status), plan


def test_a_row_another_worker_claimed_while_this_one_waited_is_not_claimed_again(
    app: Flask, backend: str
) -> None:
    """PostgreSQL, READ COMMITTED: this claim's snapshot still sees the row waiting when another
    worker's claim commits it as sending; waiting for its lock, it checks the row's new version
    and leaves it. (A claim that took the ids from a subquery, as a first try here did, would
    pass that check: PostgreSQL does not run the subquery again.)"""
    if backend != "postgresql":
        pytest.skip("SQLite's claims take the write lock in turn: none waits on a row")
    generate(app, 20)
    now = datetime.now(UTC)
    with app.app_context():
        engine = db.engine
        with engine.connect() as probe:
            first = probe.scalars(claim_query(Delivery, now, 1, list(Channel))).one()
        other = engine.connect()
        other.begin()
        other.execute(
            update(Delivery)
            .where(Delivery.id == first)
            .values(status=DeliveryStatus.SENDING, lease_expires_at=now + timedelta(minutes=5))
        )
        found: list[int] = []

        def claim_waiting() -> None:
            # No SKIP LOCKED: this claim waits for the row instead of passing it by.
            query = claim_query(Delivery, now, 5, list(Channel)).with_for_update(of=Delivery)
            with engine.connect() as waiting:
                found.extend(waiting.scalars(query))
                waiting.rollback()

        thread = threading.Thread(target=claim_waiting)
        thread.start()
        _wait_until_blocked()
        other.commit()
        other.close()
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert found and first not in found, (first, found)
        with engine.connect() as check:
            status = check.scalar(select(Delivery.status).where(Delivery.id == first))
        assert status is DeliveryStatus.SENDING


def _wait_until_blocked() -> None:
    """Until a session of this database waits for a row lock (the claim on its row)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 20
    with db.engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.scalar(waiting):
                return
            connection.rollback()
            time.sleep(0.02)
    raise AssertionError("the second claim never waited for the row")
