"""Double opt-in: letters wait for the emailed link, then go; unconfirmed ones expire unsent."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.worker import Worker
from webapp.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Submission,
    SubmissionStatus,
)
from webapp.services.stats import public_letter_count
from webapp.services.submissions import same_email

PUBLIC_URL = "https://letters.example.org"
EXPIRY_HOURS = 2
# The link opens the page in the email's language (the letter was written in English).
LINK_RE = re.compile(re.escape(PUBLIC_URL) + r"(/confirm/[A-Za-z0-9_.\-]+)\?lang=en")
REFUSED = (
    "This confirmation link is not valid. Please open the whole link from the email, "
    "or copy it into the address bar in one piece."
)


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "PUBLIC_BASE_URL": PUBLIC_URL,
        "CONFIRMATION_EXPIRY_HOURS": EXPIRY_HOURS,
    }


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    targets = [
        office("Water Board", email=OFFICE_EMAIL),
        office("City Council", contact_url="https://council.example.org/contact"),
        office("Archive Office", address="1 Records Lane"),
    ]
    return write_delivery_campaign(app, tmp_path, "confirm", targets, require_confirmation=True)


BY_HAND_ONE = (
    "Thank you: your letter is confirmed. <bdi>1</bdi> office takes letters only through its "
    "own website: send your letter to it with the steps below."
)


def test_a_letter_only_automatic_channels_carry_is_confirmed_and_on_its_way(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    targets = [office("Water Board", email=OFFICE_EMAIL)]
    slug = write_delivery_campaign(app, tmp_path, "auto", targets, require_confirmation=True)
    receipt = _write(client, slug, "rasha@example.org")
    Worker(app).run_batch()
    client.post(_confirmation_link(smtp, "rasha@example.org"))
    page = client.get(receipt).text
    assert "Thank you: your letter is confirmed and on its way." in page
    assert "only through" not in page


def test_the_thanks_in_arabic_counts_the_offices_the_supporter_must_write_to_by_hand(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    forms = [office(f"Office {n}", contact_url=f"https://o{n}.example.org/c") for n in range(3)]
    slug = write_delivery_campaign(app, tmp_path, "forms", forms, require_confirmation=True)
    receipt = _write(client, slug, "rasha@example.org")
    Worker(app).run_batch()
    client.post(_confirmation_link(smtp, "rasha@example.org") + "?lang=ar")
    page = client.get(receipt + "?lang=ar").text
    assert "تأكّدت رسالتك. <bdi>3</bdi> مكاتب لا تقبل الرسائل إلا عبر مواقعها" in page
    assert "في طريقها" not in page


def _write(client: FlaskClient, slug: str, email: str) -> str:
    response = post_letter(client, slug, email=email)
    assert response.status_code == 303
    return str(response.headers["Location"])


def _confirmation_link(smtp: SmtpSink, email: str) -> str:
    """The confirmation path in the email sent to `email` (and the same link in its HTML part)."""
    (received,) = smtp.to(email)
    assert received.message["Subject"] == "Please confirm your letter: Safe water for every school"
    match = LINK_RE.search(received.text())
    assert match, received.text()
    assert f'href="{match[0]}"' in received.html()
    return match[1]


def _state(app: Flask, email: str) -> tuple[Submission, dict[Channel | None, DeliveryStatus]]:
    with app.app_context():
        submission = db.session.scalars(
            select(Submission).where(Submission.supporter.has(same_email(email)))
        ).one()
        statuses = {d.channel: d.status for d in submission.deliveries}
        db.session.expunge_all()
        return submission, statuses


def _notifications(app: Flask) -> list[tuple[NotificationKind, DeliveryStatus]]:
    with app.app_context():
        rows = db.session.scalars(select(Notification).order_by(Notification.id))
        return [(n.kind, n.status) for n in rows]


def _count_text(client: FlaskClient, slug: str) -> str:
    match = re.search(
        r"<bdi>\d+</bdi> (?:person has|people have) written so far",
        client.get(f"/campaigns/{slug}").text,
    )
    assert match
    return match[0]


def test_letter_waits_unconfirmed_and_only_the_confirmation_email_leaves(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug, "rasha@example.org")
    submission, statuses = _state(app, "rasha@example.org")
    assert submission.status is SubmissionStatus.UNCONFIRMED and not submission.email_verified
    assert statuses == {
        Channel.EMAIL: DeliveryStatus.PENDING,
        Channel.FORM: DeliveryStatus.PENDING,
        Channel.PACKET: DeliveryStatus.PENDING,
    }
    assert Worker(app).run(once=True).sent == 1
    assert [r.rcpt_tos for r in smtp.messages] == [("rasha@example.org",)]
    _confirmation_link(smtp, "rasha@example.org")
    assert _state(app, "rasha@example.org")[1] == statuses
    assert _notifications(app) == [(NotificationKind.CONFIRMATION, DeliveryStatus.SENT)]
    page = client.get(receipt).text
    assert "Please confirm your letter: we sent a link to <bdi>rasha@example.org</bdi>." in page
    assert page.count("Waiting for you to confirm by email") == 3
    assert _count_text(client, slug) == "<bdi>0</bdi> people have written so far"


def test_the_emailed_link_confirms_and_releases_each_delivery(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug, "rasha@example.org")
    _write(client, slug, "omar@example.org")  # never confirmed: not counted, not sent
    Worker(app).run_batch()
    link = _confirmation_link(smtp, "rasha@example.org")
    response = client.post(link)
    assert response.status_code == 303 and response.headers["Location"] == receipt
    # The City Council takes letters only through its web form: the letter is not "on its way"
    # there until its writer pastes it, so the thanks sends them to the steps on the receipt.
    page = client.get(receipt).text
    assert BY_HAND_ONE in page and "on its way" not in page
    submission, statuses = _state(app, "rasha@example.org")
    assert submission.status is SubmissionStatus.CONFIRMED and submission.email_verified
    assert submission.confirmed_at is not None
    assert statuses == {
        Channel.EMAIL: DeliveryStatus.PENDING,
        Channel.FORM: DeliveryStatus.NEEDS_ACTION,
        Channel.PACKET: DeliveryStatus.PACKET,
    }
    assert _state(app, "omar@example.org")[0].status is SubmissionStatus.UNCONFIRMED
    with app.app_context():
        assert public_letter_count(db.session(), submission.campaign_id) == 1
    assert _count_text(client, slug) == "<bdi>1</bdi> person has written so far"
    smtp.clear()
    assert Worker(app).run(once=True).sent == 2
    assert len(smtp.to(OFFICE_EMAIL)) == 1 and smtp.count() == 2
    receipt_email = smtp.to("rasha@example.org")[0]
    subject = "Your letter: Safe water for every school"
    assert receipt_email.message["Subject"] == subject
    assert f"{PUBLIC_URL}{receipt}" in receipt_email.text()
    # The City Council takes letters through its web form only: the email says what to do.
    by_hand = (
        "office takes letters only through its own website. Your receipt page has your letter "
        "ready to paste there, with the link to its form."
    )
    assert f"\n1 {by_hand}" in receipt_email.text()  # no isolate marks in English
    assert f"<bdi>1</bdi> {by_hand}" in receipt_email.html()
    assert _state(app, "rasha@example.org")[1][Channel.EMAIL] is DeliveryStatus.SENT
    # A second click changes nothing and queues no second receipt.
    assert client.post(link).status_code == 303
    assert Worker(app).run(once=True).claimed == 0
    kinds = [kind for kind, _status in _notifications(app)]
    assert kinds.count(NotificationKind.RECEIPT) == 1


def test_tampered_or_foreign_links_are_refused_with_a_clear_page(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug, "rasha@example.org")
    Worker(app).run_batch()
    link = _confirmation_link(smtp, "rasha@example.org")
    submission, _statuses = _state(app, "rasha@example.org")
    forged = URLSafeTimedSerializer("another-key", salt="confirm-letter").dumps(
        submission.receipt_token
    )
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for bad in (tampered, f"/confirm/{forged}", "/confirm/nonsense"):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert REFUSED in response.text
    assert _state(app, "rasha@example.org")[0].status is SubmissionStatus.UNCONFIRMED


def test_an_old_link_still_works_while_its_letter_is_in_time(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The letter's age decides, not the link's (a link emailed again later is no younger than
    # its letter): test_confirmation_later shows a letter past the window refused at the click.
    _write(client, slug, "rasha@example.org")
    Worker(app).run_batch()
    link = _confirmation_link(smtp, "rasha@example.org")
    later = int(time.time()) + EXPIRY_HOURS * 3600 + 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
        response = client.post(link)
    assert response.status_code == 303
    assert _state(app, "rasha@example.org")[0].status is SubmissionStatus.CONFIRMED


def test_unconfirmed_letters_expire_after_the_window_and_nothing_is_sent(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug, "rasha@example.org")
    _write(client, slug, "omar@example.org")
    Worker(app).run_batch()
    assert client.post(_confirmation_link(smtp, "omar@example.org")).status_code == 303
    rasha_link = _confirmation_link(smtp, "rasha@example.org")
    assert _count_text(client, slug) == "<bdi>1</bdi> person has written so far"
    soon = Worker(app, clock=Clock(utcnow() + timedelta(hours=EXPIRY_HOURS, minutes=-5)))
    assert soon.upkeep.expire() == 0
    smtp.clear()
    later = Worker(app, clock=Clock(utcnow() + timedelta(hours=EXPIRY_HOURS, minutes=5)))
    later.run(once=True)  # the worker expires old letters before each round
    submission, statuses = _state(app, "rasha@example.org")
    assert submission.status is SubmissionStatus.EXPIRED and not submission.email_verified
    assert set(statuses.values()) == {DeliveryStatus.CANCELLED}
    assert _state(app, "omar@example.org")[0].status is SubmissionStatus.CONFIRMED
    assert not smtp.to("rasha@example.org")
    assert [m.rcpt_tos for m in smtp.to(OFFICE_EMAIL)] == [(OFFICE_EMAIL,)]  # Omar's only
    assert _count_text(client, slug) == "<bdi>1</bdi> person has written so far"
    page = client.get(receipt).text
    assert "This letter was never confirmed, so it was not sent." in page
    assert page.count("Not sent: the letter was never confirmed") == 3
    # Her link, still within its signature's age, cannot bring the expired letter back.
    response = client.post(rasha_link, follow_redirects=True)
    assert "This letter was never confirmed in time, so it was not sent." in response.text
    assert _state(app, "rasha@example.org")[0].status is SubmissionStatus.EXPIRED
    before = smtp.count()
    assert later.run(once=True).sent == 0 and smtp.count() == before == 2
    with app.app_context():
        sent = db.session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.SENT))
        assert [d.submission.supporter.email for d in sent] == ["omar@example.org"]
