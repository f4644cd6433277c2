"""A confirmation email through a mail server's outage: retried while its letter can still be
confirmed, and the receipt says where the email stands instead of "we sent a link"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.test_confirmation import (
    _confirmation_link,
    _notifications,
    _state,
    _write,
    app_config,
)
from tests.delivery.test_confirmation_later import _link
from tests.delivery.workers import Clock
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus, Notification, NotificationKind, SubmissionStatus

WRITER = "rasha@example.org"
__all__ = ["app_config"]  # mail over the SMTP stub, a two-hour window (a fixture)
SENDING = "Please confirm your letter: we are emailing a link to <bdi>rasha@example.org</bdi>."
RETRYING = (
    "Please confirm your letter: our email to <bdi>rasha@example.org</bdi> with the link has "
    "not gone through yet, and we keep trying."
)
SENT = "Please confirm your letter: we sent a link to <bdi>rasha@example.org</bdi>."
NOT_SENT = (
    "Please confirm your letter: we could not email the link to <bdi>rasha@example.org</bdi>. "
    "Check that address, then have the link sent again."
)


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    targets = [office("Water Board", email=OFFICE_EMAIL)]
    return write_delivery_campaign(app, tmp_path, "confirm", targets, require_confirmation=True)


def _says(page: str) -> list[str]:
    return [line for line in (SENDING, RETRYING, SENT, NOT_SENT) if line in page]


def test_the_email_outlives_an_outage_longer_than_its_attempts_and_the_letter_goes(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    receipt = _write(client, slug, WRITER)
    assert _says(client.get(receipt).text) == [SENDING]  # the worker has not run yet
    smtp.stop()
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().waiting == 1  # the server's fault: no attempt used
    assert _says(client.get(receipt).text) == [RETRYING]
    clock.advance(minutes=5)
    assert worker.run_batch().waiting == 1
    assert _notifications(app) == [(NotificationKind.CONFIRMATION, DeliveryStatus.FAILED)]
    assert _says(client.get(receipt).text) == [RETRYING]
    smtp.start()
    clock.advance(minutes=30)
    assert worker.run_batch().sent == 1
    assert _says(client.get(receipt).text) == [SENT]
    client.post(_confirmation_link(smtp, WRITER))
    assert _state(app, WRITER)[0].status is SubmissionStatus.CONFIRMED
    assert worker.run_batch().sent == 2  # the letter to the office, and the receipt email
    assert len(smtp.to(OFFICE_EMAIL)) == 1


def _confirmed_then_mail_down(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> tuple[Clock, Worker]:
    """A letter confirmed by its link, then the mail server gone: its office's letter and its
    receipt email are queued, two attempts each."""
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    _write(client, slug, WRITER)
    clock = Clock()
    worker = Worker(app, clock=clock)
    worker.run_batch()
    client.post(_confirmation_link(smtp, WRITER))
    smtp.stop()
    return clock, worker


def test_the_receipt_email_outlives_an_outage_past_its_attempts(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    """It carries the writer's only way back to the letter: a two-hour outage had left it dead
    after its attempts, until an operator ran `outbox retry-dead` (QA walk-through)."""
    clock, worker = _confirmed_then_mail_down(app, client, slug, smtp)
    # The office's letter finds the server down; the receipt email waits for it untried.
    assert worker.run_batch().waiting == 1
    for _ in range(3):  # past both rows' attempts: the server's fault uses none of them
        clock.advance(minutes=5)
        assert worker.run_batch().dead == 0
    assert _notifications(app)[-1] == (NotificationKind.RECEIPT, DeliveryStatus.PENDING)
    smtp.start()
    clock.advance(minutes=30)
    assert worker.run_batch().sent == 2  # the office's letter, and the receipt email
    assert _notifications(app)[-1] == (NotificationKind.RECEIPT, DeliveryStatus.SENT)
    assert len(smtp.to(WRITER)) == 2  # the confirmation link, then the receipt


@pytest.mark.parametrize(
    ("refused", "left"),
    [
        # Its writer's server puts it off: its own failures, given up when the window shuts.
        (True, DeliveryStatus.DEAD),
        # Our server down: the channel's fault, and nothing is given up for it (the office's
        # letter, first in line, finds it down each time; the email waits behind it).
        (False, DeliveryStatus.PENDING),
    ],
)
def test_a_receipt_email_still_failing_when_its_window_shuts_is_given_up(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink, refused: bool, left: DeliveryStatus
) -> None:
    clock, worker = _confirmed_then_mail_down(app, client, slug, smtp)
    if refused:
        smtp.start()
        smtp.refuse(WRITER, 451)
    worker.run_batch()
    for _ in range(4):  # the window (two hours here) runs out while the failures go on
        clock.advance(hours=1)
        worker.run_batch()
    assert _notifications(app)[-1] == (NotificationKind.RECEIPT, left)


def test_a_refused_address_is_said_plainly_on_the_receipt(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    smtp.refuse(WRITER, 550)
    receipt = _write(client, slug, WRITER)
    assert Worker(app).run_batch().dead == 1
    page = client.get(receipt).text
    assert _says(page) == [NOT_SENT]
    assert "No email? Have the link sent again." in page


def _ask_for_the_link_again(client: FlaskClient, slug: str) -> None:
    asked = client.get(f"/campaigns/{slug}/receipt-link")
    client.post(
        f"/campaigns/{slug}/receipt-link",
        data={"email": WRITER, "csrf_token": csrf_token(asked.text)},
    )


def test_asking_for_the_link_again_during_the_outage_never_says_the_address_failed(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    """The receipt's own "have the link sent again" made a second email; given up on after its
    attempts, it made the receipt say the address could not be emailed, while the first was
    still being tried. Both carry the link, so both are retried, and the receipt tells the best."""
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    receipt = _write(client, slug, WRITER)
    smtp.stop()
    clock = Clock()
    worker = Worker(app, clock=clock)
    worker.run_batch()
    _ask_for_the_link_again(client, slug)
    clock.advance(minutes=5)
    assert worker.run_batch().waiting == 1 and worker.run_batch().dead == 0
    waiting = {DeliveryStatus.FAILED, DeliveryStatus.PENDING}  # the second not tried yet
    assert {status for _, status in _notifications(app)} == waiting
    assert _says(client.get(receipt).text) == [RETRYING]


def test_a_confirmation_email_still_retrying_is_dropped_once_the_letter_is_confirmed(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug, WRITER)
    smtp.refuse(WRITER, 451)
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().failed == 1  # the confirmation email, retried in a minute or so
    smtp.accept(WRITER)
    _ask_for_the_link_again(client, slug)
    assert worker.run_batch().sent == 1  # the receipt link, with its confirmation link
    client.post(_link(smtp.to(WRITER)[-1]))
    assert _state(app, WRITER)[0].status is SubmissionStatus.CONFIRMED
    smtp.clear()
    clock.advance(hours=1)
    worker.run_batch()
    # The office's letter and the receipt go; "please confirm" would now be wrong.
    assert not any("confirm" in m.message["Subject"].lower() for m in smtp.to(WRITER))
    assert (NotificationKind.CONFIRMATION, DeliveryStatus.CANCELLED) in _notifications(app)
    assert "we sent a link" not in client.get(receipt).text


def test_the_last_retry_comes_before_the_window_shuts(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    _write(client, slug, WRITER)
    smtp.stop()
    with app.app_context():
        letter_at = db.session.scalars(select(Notification)).one().submission.created_at
    # An hour and a half into the two-hour window, with backoff at hours by now.
    app.config["OUTBOX_BACKOFF_BASE_SECONDS"] = 6 * 3600
    clock = Clock(letter_at + timedelta(minutes=90))
    assert Worker(app, clock=clock).run_batch().waiting == 1
    with app.app_context():
        retry = db.session.scalars(select(Notification)).one().next_attempt_at
    assert retry is not None and retry <= letter_at + timedelta(hours=2) - timedelta(minutes=15)
