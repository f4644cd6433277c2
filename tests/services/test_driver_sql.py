"""Prepared driver SQL writes what a Core insert of the same values writes, defaults included."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from tests.services.helpers import NOW
from tests.services.helpers import record_letter as _send
from tests.supporter.campaign_files import write_campaign
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus, LetterText
from webapp.services.driver_sql import prepared_insert
from webapp.services.letter_rows import by_column, insert_one


def test_a_prepared_insert_converts_types_and_fills_python_defaults(
    app: Flask, tmp_path: Path
) -> None:
    slug = write_campaign(app, tmp_path, "water")
    _created, submission_id = _send(app, slug)
    with app.app_context():
        session = db.session()
        [core] = session.scalars(select(Delivery)).all()
        fields = {
            "submission_id": submission_id,
            "campaign_id": core.campaign_id,
            "recipient_key": "other-office",
            "recipient_name": "Other Office",
            "channel": core.channel,
            "status": DeliveryStatus.HELD,
            "created_at": NOW,
            "updated_at": NOW,
            "salutation_sealed": bytes(core.salutation_sealed),
        }
        # No idempotency key or attempts given: the model's defaults apply.
        new_id = insert_one(session, Delivery, by_column(Delivery, fields))
        session.commit()
        session.expire_all()
        written = session.get_one(Delivery, new_id)
        assert written.status is DeliveryStatus.HELD and written.channel is core.channel
        assert written.created_at == NOW and written.created_at.tzinfo is not None
        assert written.attempts == 0
        assert len(written.idempotency_key) == len(core.idempotency_key)
        assert written.idempotency_key != core.idempotency_key


def test_a_multi_row_insert_returns_each_row_by_its_key(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        rows = [{"sha256": f"{n:064x}", "body": f"text {n}".encode()} for n in range(3)]
        table = LetterText.__table__
        prepared = prepared_insert(
            session.get_bind().dialect, table, ("sha256", "body"), 3, "sha256,id"
        )
        returned = dict(prepared.run(session, *rows).all())
        session.commit()
        stored = dict(session.execute(select(LetterText.sha256, LetterText.id)).all())
        assert returned == stored and len(stored) == 3
