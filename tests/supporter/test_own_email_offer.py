"""The receipt offers a letter to the supporter's own email only while it waits on their hand:
one the campaign sends, has sent or will try again would reach the office twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus, Submission, SubmissionStatus

OFFER = "Send it from your own email"
TWICE = {
    "en": "The campaign sends this letter for you: sent from your own email as well, it would "
    "reach the office twice.",
    "ar": "ترسل الحملة هذه الرسالة نيابةً عنك: إن أرسلتها من بريدك الإلكتروني أيضًا فستصل "
    "المكتبَ مرتين.",
}
# The same, for a letter waiting for its writer's link or an organiser's release.
TWICE_ONCE_CONFIRMED = {
    "en": "The campaign sends this letter for you once it is confirmed: sent from your own email "
    "as well, it would reach the office twice.",
    "ar": "ترسل الحملة هذه الرسالة نيابةً عنك حين تُؤكَّد: إن أرسلتها من بريدك الإلكتروني أيضًا "
    "فستصل المكتبَ مرتين.",
}


def _water_letter(app: Flask, client: FlaskClient, tmp_path: Path, status: DeliveryStatus) -> str:
    """A letter to one office with an email address, its delivery set to `status`; the
    receipt's address."""
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    location = str(post_letter(client, slug).headers["Location"])
    with app.app_context():
        delivery = db.session.scalars(select(Delivery)).one()
        delivery.status = status
        db.session.commit()
    return location


@pytest.mark.parametrize(
    "status",
    [
        DeliveryStatus.PENDING,
        DeliveryStatus.SENDING,
        DeliveryStatus.SENT,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.FAILED,
    ],
)
def test_a_letter_the_campaign_sends_is_not_offered_to_the_supporters_email(
    app: Flask, client: FlaskClient, tmp_path: Path, status: DeliveryStatus
) -> None:
    receipt = client.get(_water_letter(app, client, tmp_path, status)).text
    assert OFFER not in receipt and f"mailto:{OFFICE_EMAIL}" not in receipt
    assert TWICE["en"] in receipt
    # The copy of the letter stays, to read.
    assert "Please fund lead pipe replacement." in receipt


def test_a_letter_every_attempt_failed_for_is_offered_to_the_supporters_email(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = client.get(_water_letter(app, client, tmp_path, DeliveryStatus.DEAD)).text
    assert OFFER in receipt and f"mailto:{OFFICE_EMAIL}?" in receipt
    assert TWICE["en"] not in receipt


def test_the_reason_reads_in_arabic(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    location = _water_letter(app, client, tmp_path, DeliveryStatus.SENT)
    receipt = client.get(location, query_string={"lang": "ar"}).text
    assert TWICE["ar"] in receipt


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("waits_for", ["risk checks", "email confirmation"])
def test_a_letter_not_yet_confirmed_says_the_campaign_sends_it_once_confirmed(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str, waits_for: str
) -> None:
    """Nothing goes before the writer's click or an organiser's release: "The campaign sends
    this letter for you" read as if it were on its way."""
    meta = {"require_confirmation": True} if waits_for == "email confirmation" else {}
    extra = {} if meta else {"website": "http://spam.example"}  # the honeypot holds it
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)], **meta
    )
    location = str(post_letter(client, slug, **extra).headers["Location"])
    receipt = client.get(location, query_string={"lang": lang}).text
    assert TWICE_ONCE_CONFIRMED[lang] in receipt and TWICE[lang] not in receipt
    assert OFFER not in receipt and f"mailto:{OFFICE_EMAIL}" not in receipt
    with app.app_context():
        letter = db.session.scalars(select(Submission)).one()
        assert letter.status is SubmissionStatus.UNCONFIRMED
        letter.status = SubmissionStatus.CONFIRMED
        db.session.commit()
    receipt = client.get(location, query_string={"lang": lang}).text
    assert TWICE[lang] in receipt and TWICE_ONCE_CONFIRMED[lang] not in receipt
