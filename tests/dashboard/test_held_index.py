"""The dashboard's held-letter count reads an index on status, not every delivery of a campaign."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, text

from bench.generate import generate
from tests.plans import query_plan
from webapp.database import db
from webapp.models import Campaign
from webapp.services.civic_status import held_count

LETTERS = 200


@pytest.mark.truncated  # its PostgreSQL plan rests on the table's statistics and pages
def test_held_letters_are_counted_from_the_status_index(app: Flask) -> None:
    slug = generate(app, LETTERS)
    with app.app_context():
        session = db.session()
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        assert campaign_id is not None
        query = held_count(campaign_id)
        assert session.scalar(query) == 0  # generated letters are never held
        analyze = "ANALYZE" if session.get_bind().dialect.name == "sqlite" else "ANALYZE delivery"
        session.execute(text(analyze))  # as a long-running database would have
        plan = query_plan(session, query)
        assert "ix_delivery_status_campaign" in plan, plan
