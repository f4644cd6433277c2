"""A letter we could not deliver, after retention removed its own words: the receipt says what
is left and offers no copy of it to send (it is no longer the letter written)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import Delivery, DeliveryStatus
from webapp.services.supporters import purge_personal_text

OWN_WORDS = "My grandmother still lives in Idlib."
REMOVED = "Your own words were removed from this letter on"


def _dead_letter(app: Flask, client: FlaskClient, slug: str) -> tuple[str, int]:
    """A letter whose office reached by its web form failed for good; its receipt and that
    delivery's id."""
    sent = post_letter(client, slug, personal_message=OWN_WORDS)
    assert sent.status_code == 303
    with app.app_context():
        deliveries = db.session.scalars(select(Delivery)).all()
        dead = next(d for d in deliveries if d.contact_url)
        for delivery in deliveries:
            delivery.status = DeliveryStatus.SENT
        dead.status, dead.attempts = DeliveryStatus.DEAD, 8
        db.session.commit()
        return str(sent.headers["Location"]), dead.id


def test_a_dead_letter_offers_its_copy_until_retention_removes_its_own_words(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    receipt, dead_id = _dead_letter(app, client, default_campaign)
    done = f"/deliveries/{dead_id}/done"
    before = client.get(receipt).text
    assert 'class="handoff"' in before and done in before and OWN_WORDS in before
    assert REMOVED not in before

    with app.app_context():
        assert purge_personal_text(db.session(), utcnow() + timedelta(days=91), 90) == 1

    after = client.get(receipt).text
    assert OWN_WORDS not in after
    assert REMOVED in after and "What is left is not the letter you wrote" in after
    # Nothing to paste, mail or mark as sent: that would be a letter the supporter never wrote.
    assert 'class="handoff"' not in after and done not in after
    assert "Send it from your own email" not in after
    assert "the copies below are the letter without them" in after


def test_the_retention_note_in_arabic(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    receipt, _dead_id = _dead_letter(app, client, default_campaign)
    with app.app_context():
        purge_personal_text(db.session(), utcnow() + timedelta(days=91), 90)
    page = client.get(receipt + "?lang=ar").text
    assert "أُزيلت كلماتك" in page and REMOVED not in page
