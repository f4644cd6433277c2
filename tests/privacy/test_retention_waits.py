"""Retention, as the privacy page words it: a letter's own words and street go RETENTION_DAYS
after it was written, unless an office still waits for it; then they go once none does."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.services.supporters import FINISHED, purge_personal_text

WAITING = [status for status in DeliveryStatus if status not in FINISHED]


def test_words_wait_for_every_office_then_go(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    # One letter per state an office can be in, each written long before the retention window.
    for n, _status in enumerate([*WAITING, *FINISHED]):
        response = post_letter(
            app.test_client(),
            default_campaign,
            email=f"w{n}@example.org",
            personal_message=f"words {n}",
        )
        assert response.status_code == 303
    long_ago = utcnow() - timedelta(days=120)
    with app.app_context():
        session = db.session()
        ids = list(session.scalars(select(Submission.id).order_by(Submission.id)))
        session.execute(update(Submission).values(created_at=long_ago))
        for submission_id, status in zip(ids, [*WAITING, *FINISHED], strict=True):
            session.execute(
                update(Delivery)
                .where(Delivery.submission_id == submission_id)
                .values(status=DeliveryStatus.SENT)
            )
            # One of its offices in this state, the others delivered.
            first = session.scalars(
                select(Delivery.id).where(Delivery.submission_id == submission_id).limit(1)
            ).one()
            session.execute(update(Delivery).where(Delivery.id == first).values(status=status))
        session.commit()
        assert purge_personal_text(session, utcnow(), 90) == len(FINISHED)
        kept = {
            status: session.get_one(Submission, submission_id).personal_message
            for submission_id, status in zip(ids, [*WAITING, *FINISHED], strict=True)
        }
    assert all(kept[status] is not None for status in WAITING), kept
    assert all(kept[status] is None for status in FINISHED), kept
    # The hand-off is sent at last: its words go at the next round.
    with app.app_context():
        session = db.session()
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.NEEDS_ACTION)
            .values(status=DeliveryStatus.DONE_BY_SUPPORTER)
        )
        session.commit()
        assert purge_personal_text(session, utcnow(), 90) == 1
        assert DeliveryStatus.NEEDS_ACTION in WAITING
