"""A confirmation email through a mail server's outage: retried while its letter can still be
confirmed, and the receipt says where the email stands instead of "we sent a link"."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.test_confirmation import (
    _confirmation_link,
    _notifications,
    _state,
    _write,
    app_config,
)
from tests.delivery.workers import Clock
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus, NotificationKind, SubmissionStatus

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
    assert worker.run_batch().failed == 1
    assert _says(client.get(receipt).text) == [RETRYING]
    clock.advance(minutes=5)
    # Its attempts have run out; a receipt email would be dead now, this one is not.
    assert worker.run_batch().failed == 1
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


def test_other_supporter_emails_still_stop_when_their_attempts_run_out(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    _write(client, slug, WRITER)
    clock = Clock()
    worker = Worker(app, clock=clock)
    worker.run_batch()
    client.post(_confirmation_link(smtp, WRITER))
    smtp.stop()
    assert worker.run_batch().failed == 2  # the office's letter and the receipt email
    clock.advance(minutes=5)
    assert worker.run_batch().dead == 2
    assert _notifications(app)[-1] == (NotificationKind.RECEIPT, DeliveryStatus.DEAD)


def test_a_refused_address_is_said_plainly_on_the_receipt(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    smtp.refuse(WRITER, 550)
    receipt = _write(client, slug, WRITER)
    assert Worker(app).run_batch().dead == 1
    page = client.get(receipt).text
    assert _says(page) == [NOT_SENT]
    assert "No email? Have the link sent again." in page
