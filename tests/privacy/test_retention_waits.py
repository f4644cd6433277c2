"""Retention, as the privacy page words it: a letter's own words and street go RETENTION_DAYS
after it was written, unless an office still waits for us or the organisers (a letter still
being tried, printed or held); then they go once none does. A hand-off waits for its writer,
not for us: its words go on time."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.services.supporters import LEFT_OUR_HANDS, purge_personal_text

# Spelled out, not derived from the constant under test: what the privacy page promises.
WAITING = [
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.FAILED,
    DeliveryStatus.PACKET,
    DeliveryStatus.HELD,
]


def test_words_wait_for_every_office_then_go(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    # One letter per state an office can be in, each written long before the retention window.
    for n, _status in enumerate([*WAITING, *LEFT_OUR_HANDS]):
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
        for submission_id, status in zip(ids, [*WAITING, *LEFT_OUR_HANDS], strict=True):
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
        assert purge_personal_text(session, utcnow(), 90) == len(LEFT_OUR_HANDS)
        kept = {
            status: session.get_one(Submission, submission_id).personal_message
            for submission_id, status in zip(ids, [*WAITING, *LEFT_OUR_HANDS], strict=True)
        }
    assert all(kept[status] is not None for status in WAITING), kept
    assert all(kept[status] is None for status in LEFT_OUR_HANDS), kept
    assert set(WAITING) | set(LEFT_OUR_HANDS) == set(DeliveryStatus)
    # The letter still being tried arrives at last: its words go at the next round.
    with app.app_context():
        session = db.session()
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.PENDING)
            .values(status=DeliveryStatus.SENT)
        )
        session.commit()
        assert purge_personal_text(session, utcnow(), 90) == 1


def test_a_hand_off_left_unsent_does_not_keep_the_words_for_ever(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """Its receipt offered the letter to paste for the whole retention period: the words go
    then, sent or not, and the receipt says so instead of offering what is left."""
    receipt = post_letter(client, default_campaign, personal_message="Mine alone.")
    receipt_path = receipt.headers["Location"]
    with app.app_context():
        session = db.session()
        session.execute(update(Delivery).values(status=DeliveryStatus.SENT))
        session.execute(
            update(Delivery)
            .where(Delivery.contact_url.is_not(None))
            .values(status=DeliveryStatus.NEEDS_ACTION)
        )
        session.commit()
    before = client.get(receipt_path).text
    assert 'class="handoff"' in before and "Mine alone." in before
    with app.app_context():
        assert purge_personal_text(db.session(), utcnow() + timedelta(days=91), 90) == 1
    after = client.get(receipt_path).text
    assert "Mine alone." not in after and 'class="handoff"' not in after
    assert "Your own words were removed from this letter on" in after
    assert "/done" not in after  # nothing to mark sent: what is left is not their letter
