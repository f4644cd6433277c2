"""Letters and receipts over a real SMTP server: headers, bodies, outages, refusals, retries."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus, Notification, Submission

MAIL_FROM = "letters@civic.example.org"
SITE_NAME = "Water Letters"
PUBLIC_URL = "https://letters.example.org"
SCHOOL_EMAIL = "desk@school-board.example.org"
PERSONAL = "My family is from Aleppo.\n\nPlease <b>act</b> now & fast."


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": MAIL_FROM,
        "SITE_NAME": SITE_NAME,
        "PUBLIC_BASE_URL": PUBLIC_URL,
    }


def _send_letters(
    app: Flask, client: FlaskClient, tmp_path: Path, emails: list[str], **meta: Any
) -> None:
    targets = [
        office("Water Board", email=OFFICE_EMAIL),
        office("School Board", email=SCHOOL_EMAIL),
    ]
    slug = write_delivery_campaign(app, tmp_path, "water", targets, **meta)
    for address in emails:
        response = post_letter(client, slug, email=address, personal_message=PERSONAL)
        assert response.status_code == 303, response.text


def _deliveries(app: Flask) -> list[Delivery]:
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        db.session.expunge_all()
        return rows


def _one(received: list[Received]) -> Received:
    assert len(received) == 1, [m.message_id for m in received]
    return received[0]


def test_letter_arrives_with_sender_reply_to_subject_message_id_and_both_parts(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    _send_letters(app, client, tmp_path, ["Rasha.Haddad@Example.org"])
    report = Worker(app).run_batch()
    assert (report.sent, report.failed, report.dead) == (3, 0, 0)
    with app.app_context():
        delivery = db.session.scalars(select(Delivery).where(Delivery.email == OFFICE_EMAIL)).one()
        submission = delivery.submission
        key, final_text = delivery.idempotency_key, delivery.final_text
        reply_to, subject = submission.supporter.email, submission.subject
        assert delivery.status is DeliveryStatus.SENT and delivery.sent_at is not None
        reference = delivery.remote_reference
    letter = _one(smtp.to(OFFICE_EMAIL))
    message = letter.message
    assert letter.mail_from == MAIL_FROM and letter.rcpt_tos == (OFFICE_EMAIL,)
    sender = message["From"].addresses
    assert [(a.display_name, a.addr_spec) for a in sender] == [
        (f"Rasha Haddad via {SITE_NAME}", MAIL_FROM)
    ]
    assert [a.addr_spec for a in message["To"].addresses] == [OFFICE_EMAIL]
    assert message["To"].addresses[0].display_name == "Water Board"
    assert [(a.display_name, a.addr_spec) for a in message["Reply-To"].addresses] == [
        ("Rasha Haddad", reply_to)
    ]
    assert message["Subject"] == subject == "Safe water in Dearborn"
    assert message["Message-ID"] == f"<{key}@civic.example.org>" == reference
    assert abs(parsedate_to_datetime(message["Date"]) - utcnow()) < timedelta(minutes=5)
    assert message.get_content_type() == "multipart/alternative"
    assert letter.text().startswith(final_text)
    assert "Please <b>act</b> now & fast." in final_text
    html = letter.html()
    assert "Please &lt;b&gt;act&lt;/b&gt; now &amp; fast." in html and "<b>act</b>" not in html
    assert "Dear Water Board," in html and "Rasha Haddad" in html


def test_campaign_sender_email_is_the_from_address_of_letters_and_receipts(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    _send_letters(
        app,
        client,
        tmp_path,
        ["rasha@example.org"],
        sender_name="Water Team",
        sender_email="team@water.example.org",
    )
    Worker(app).run_batch()
    letter = _one(smtp.to(OFFICE_EMAIL)).message
    assert letter["From"].addresses[0].addr_spec == "team@water.example.org"
    assert letter["From"].addresses[0].display_name == f"Rasha Haddad via {SITE_NAME}"
    assert letter["Message-ID"].endswith("@civic.example.org>")
    receipt = _one(smtp.to("rasha@example.org")).message
    assert [(a.display_name, a.addr_spec) for a in receipt["From"].addresses] == [
        ("Water Team", "team@water.example.org")
    ]


def test_receipt_email_carries_each_letter_and_the_receipt_link(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    _send_letters(app, client, tmp_path, ["rasha@example.org"])
    Worker(app).run_batch()
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        # Each office's greeting, and the rest of its letter (shown once for the offices whose
        # letters differ only in their greeting).
        texts = [t for d in submission.deliveries for t in d.final_text.split("\n\n", 1)]
        link = f"{PUBLIC_URL}/receipts/{submission.receipt_token}?lang=en"
        notification = db.session.scalars(select(Notification)).one()
        assert notification.status is DeliveryStatus.SENT
        key = notification.idempotency_key
    receipt = _one(smtp.to("rasha@example.org"))
    assert receipt.rcpt_tos == ("rasha@example.org",)
    assert receipt.message["Subject"] == "Your letter: Safe water for every school"
    assert receipt.message["Message-ID"] == f"<{key}@civic.example.org>"
    text = receipt.text()
    assert link in text and all(t in text for t in texts)
    assert f'href="{link}"' in receipt.html()


def test_crlf_in_supporter_and_office_text_cannot_add_headers(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    _send_letters(app, client, tmp_path, ["rasha@example.org"])
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.first_name = "Rasha\r\nBcc: attacker@evil.example"
        submission.last_name = "Haddad\nX-Injected: yes"
        submission.subject = "Safe water\r\nBcc: attacker@evil.example\r\n\r\nfake body"
        for delivery in submission.deliveries:
            delivery.recipient_name = "Board\r\nCc: attacker@evil.example"
        db.session.commit()
    report = Worker(app).run_batch()
    assert report.sent == 3, report.errors
    assert not smtp.to("attacker@evil.example")
    for received in smtp.messages:
        names = {name.casefold() for name in received.message}
        assert not names & {"bcc", "cc", "x-injected"}, received.message.keys()
        assert "attacker@evil.example" not in received.rcpt_tos
    letter = _one(smtp.to(OFFICE_EMAIL)).message
    assert letter["Subject"] == "Safe water Bcc: attacker@evil.example fake body"
    assert letter["From"].addresses[0].display_name == (
        f"Rasha Bcc: attacker@evil.example Haddad X-Injected: yes via {SITE_NAME}"
    )
    assert [a.addr_spec for a in letter["To"].addresses] == [OFFICE_EMAIL]


def test_smtp_down_then_back_sends_every_letter_exactly_once(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    _send_letters(app, client, tmp_path, [f"s{n}@example.org" for n in range(3)])
    smtp.stop()
    clock = Clock()
    worker = Worker(app, clock=clock)
    report = worker.run_batch()
    # One letter finds the server down; the others, and the receipts, are not tried on it.
    assert (report.claimed, report.sent, report.failed, report.waiting) == (6, 0, 0, 1)
    first, *rest = _deliveries(app)
    assert first.status is DeliveryStatus.FAILED and first.attempts == 0  # not its fault
    assert "cannot connect" in (first.last_error or "")
    assert first.next_attempt_at is not None
    # First retry: between half and all of the 60 s base step.
    assert timedelta(seconds=30) <= first.next_attempt_at - clock.now <= timedelta(seconds=60)
    assert {(d.status, d.attempts, d.last_error) for d in rest} == {
        (DeliveryStatus.PENDING, 0, None)
    }
    smtp.start()
    assert worker.run_batch().claimed == 0  # the channel waits out its backoff, server back or not
    assert smtp.count() == 0
    clock.advance(minutes=2)
    report = worker.run_batch()
    assert (report.claimed, report.sent) == (9, 9)
    assert worker.run_batch().claimed == 0
    ids = smtp.message_ids()
    assert len(ids) == 9 and set(ids.values()) == {1}
    for delivery in _deliveries(app):
        assert delivery.status is DeliveryStatus.SENT and delivery.attempts == 1
        assert delivery.last_error is None and delivery.remote_reference in ids


def test_recipient_refused_with_550_is_dead_at_once(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    smtp.refuse(OFFICE_EMAIL, 550)
    _send_letters(app, client, tmp_path, ["rasha@example.org"])
    report = Worker(app).run_batch()
    assert (report.sent, report.dead, report.failed) == (2, 1, 0)
    by_email = {d.email: d for d in _deliveries(app)}
    dead = by_email[OFFICE_EMAIL]
    assert dead.status is DeliveryStatus.DEAD and dead.attempts == 1
    assert dead.next_attempt_at is None and "550" in (dead.last_error or "")
    assert by_email[SCHOOL_EMAIL].status is DeliveryStatus.SENT
    assert not smtp.to(OFFICE_EMAIL) and len(smtp.to("rasha@example.org")) == 1


def test_recipient_refused_with_451_is_retried_later(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    smtp.refuse(OFFICE_EMAIL, 451)
    _send_letters(app, client, tmp_path, ["rasha@example.org"])
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().failed == 1
    failed = next(d for d in _deliveries(app) if d.email == OFFICE_EMAIL)
    assert failed.status is DeliveryStatus.FAILED and "451" in (failed.last_error or "")
    assert failed.next_attempt_at is not None and failed.next_attempt_at > clock.now
    smtp.accept(OFFICE_EMAIL)
    clock.advance(hours=1)
    assert worker.run_batch().sent == 1
    assert len(smtp.to(OFFICE_EMAIL)) == 1
    assert {d.status for d in _deliveries(app)} == {DeliveryStatus.SENT}


def test_attempts_run_out_then_retry_dead_sends_each_once(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    # No window past the attempts: a receipt email is otherwise retried for that long.
    app.config["CONFIRMATION_EXPIRY_HOURS"] = 0
    _send_letters(app, client, tmp_path, ["rasha@example.org"])
    # Each recipient put off by the server: the letters' own retries. (The server down
    # altogether is its fault, and uses no letter's attempts.)
    for address in (OFFICE_EMAIL, SCHOOL_EMAIL, "rasha@example.org"):
        smtp.refuse(address, 451)
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().failed == 3
    clock.advance(hours=1)
    assert worker.run_batch().dead == 3
    clock.advance(days=1)
    assert worker.run_batch().claimed == 0  # dead rows are not retried by themselves
    dead = _deliveries(app)
    assert {d.status for d in dead} == {DeliveryStatus.DEAD}
    assert all(d.attempts == 2 and "451" in (d.last_error or "") for d in dead)
    status = app.test_cli_runner().invoke(args=["outbox", "status"])
    assert "deliveries: dead 2" in status.output and "supporter emails: dead 1" in status.output
    smtp.refusals.clear()
    result = app.test_cli_runner().invoke(args=["outbox", "retry-dead"])
    assert result.exit_code == 0 and "3 dead row(s) queued again" in result.output
    assert {(d.status, d.attempts) for d in _deliveries(app)} == {(DeliveryStatus.PENDING, 0)}
    assert worker.run_batch().sent == 3
    assert worker.run_batch().claimed == 0
    assert set(smtp.message_ids().values()) == {1} and smtp.count() == 3
    assert {d.status for d in _deliveries(app)} == {DeliveryStatus.SENT}


def test_a_row_that_cannot_be_built_goes_dead_without_stopping_the_batch(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    _send_letters(app, client, tmp_path, ["rasha@example.org"])
    with app.app_context():
        broken = db.session.scalars(select(Delivery).where(Delivery.email == OFFICE_EMAIL)).one()
        broken.email = None  # an email delivery with no address: letter_email raises ValueError
        db.session.commit()
    report = Worker(app).run_batch()
    assert (report.sent, report.dead) == (2, 1)
    by_name = {d.recipient_name: d for d in _deliveries(app)}
    assert by_name["Water Board"].status is DeliveryStatus.DEAD
    assert by_name["School Board"].status is DeliveryStatus.SENT
