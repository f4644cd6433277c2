"""The per-office recount reads without SQLite's write lock, which letters being recorded need."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from tests.sqlite_lock import write_lock_taken
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import Campaign, DeliveryTally
from webapp.services.delivery_tallies import refresh_delivery_tallies


def test_the_recount_holds_no_write_lock_while_it_counts(
    app: Flask, backend: str, default_campaign: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's readers and writers never wait on one another")
    client = app.test_client()
    for n in range(3):
        response = post_letter(client, default_campaign, email=f"w{n}@example.org", street="")
        assert response.status_code == 303, response.text
    counts: list[bool] = []
    with app.app_context():
        engine = db.engine
        path = engine.url.database
        assert path

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if "GROUP BY" in statement and "FROM delivery" in statement:
                counts.append(write_lock_taken(path))

        event.listen(engine, "before_cursor_execute", before)
        try:
            campaign_id = db.session.scalar(
                select(Campaign.id).where(Campaign.slug == default_campaign)
            )
            assert campaign_id is not None
            refresh_delivery_tallies(db.session(), campaign_id, utcnow())
        finally:
            event.remove(engine, "before_cursor_execute", before)
        written = db.session.scalar(
            select(func.sum(DeliveryTally.count)).where(DeliveryTally.campaign_id == campaign_id)
        )
    assert counts == [False], counts  # counted once, with the write lock free for letters
    assert written and written >= 3  # and the counts were written all the same
