"""A confirmation link's email states the time its letter has left when it is written, not the
whole window: it may go out late (retried while SMTP was down) or again with a receipt link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.delivery.smtp_server import Received, SmtpSink
from tests.delivery.test_confirmation import EXPIRY_HOURS, _notifications, app_config
from tests.delivery.test_confirmation_later import WRITER, _letter, _write, slug
from tests.delivery.workers import Clock
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus, NotificationKind, SubmissionStatus

# Fixtures: mail over the SMTP stub with a two-hour window, and a campaign to one office.
__all__ = ["app_config", "slug"]
TAIL = "If you did not write this letter, ignore this email and nothing will be sent."


def _sent_after(app: Flask, smtp: SmtpSink, minutes: float) -> list[Received]:
    """What the worker emails the writer `minutes` after the letter was written."""
    Worker(app, clock=Clock(_letter(app).created_at + timedelta(minutes=minutes))).run_batch()
    found = smtp.to(WRITER)
    smtp.clear()
    return found


def _ask_for_the_link(client: FlaskClient, slug: str) -> None:
    asked = client.get(f"/campaigns/{slug}/receipt-link")
    client.post(
        f"/campaigns/{slug}/receipt-link",
        data={"email": WRITER, "csrf_token": csrf_token(asked.text)},
    )


@pytest.mark.parametrize(
    ("minutes", "left", "html_left"),
    [
        (0, "about 2 more hours.", "about <bdi>2</bdi> more hours."),
        (50, "about 1 more hour.", "about <bdi>1</bdi> more hour."),
        (95, "about 25 more minutes.", "about <bdi>25</bdi> more minutes."),
        (119.5, "about 1 more minute.", "about <bdi>1</bdi> more minute."),
    ],
)
def test_the_email_states_the_time_left_when_it_is_written(
    app: Flask,
    client: FlaskClient,
    slug: str,
    smtp: SmtpSink,
    minutes: float,
    left: str,
    html_left: str,
) -> None:
    assert EXPIRY_HOURS == 2  # the cases count down from a two-hour window
    _write(client, slug)
    (email,) = _sent_after(app, smtp, minutes)
    assert f"The link works for {left} {TAIL}" in email.text()
    assert f"The link works for {html_left} {TAIL}" in email.html()


def test_a_held_letters_email_names_no_deadline_however_late_it_goes(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug, website="bot")  # the honeypot: held for the organisers
    (email,) = _sent_after(app, smtp, EXPIRY_HOURS * 60 * 5)
    assert "The link works" not in email.text() and "The link works" not in email.html()
    assert TAIL in email.text() and TAIL in email.html()
    assert _letter(app).status is SubmissionStatus.UNCONFIRMED


def test_a_confirmation_email_past_the_window_is_not_sent_and_the_letter_expires(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug)
    # Still within the window when claimed, past it by the time it is written: no expiry
    # round has run, and the email must not offer a click that could confirm nothing.
    assert _sent_after(app, smtp, EXPIRY_HOURS * 60 + 1) == []
    letter = _letter(app)
    assert letter.status is SubmissionStatus.EXPIRED
    assert {d.status for d in letter.deliveries} == {DeliveryStatus.CANCELLED}
    assert _notifications(app) == [(NotificationKind.CONFIRMATION, DeliveryStatus.CANCELLED)]


def test_a_receipt_link_sent_later_states_the_time_left_or_drops_the_confirmation_link(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug)
    _sent_after(app, smtp, 0)  # the first confirmation email, lost
    _ask_for_the_link(client, slug)
    (email,) = _sent_after(app, smtp, 95)
    assert "/confirm/" in email.text()
    assert "The link works for about 25 more minutes." in email.text()
    assert "The link works for about <bdi>25</bdi> more minutes." in email.html()
    _ask_for_the_link(client, slug)
    (late,) = _sent_after(app, smtp, EXPIRY_HOURS * 60 + 1)
    # The receipt link still goes: its receipt says the letter was never confirmed.
    assert "/receipts/" in late.text() and "/confirm/" not in late.text()
    assert "/confirm/" not in late.html() and "The link works" not in late.text()
    assert _letter(app).status is SubmissionStatus.EXPIRED


def test_a_receipt_link_asked_for_just_before_the_expiry_round_still_goes(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug)
    _sent_after(app, smtp, 0)  # the confirmation email, lost
    _ask_for_the_link(client, slug)
    late = _letter(app).created_at + timedelta(minutes=EXPIRY_HOURS * 60 + 1)
    assert Worker(app, clock=Clock(late)).upkeep.expire() == 1  # the round runs before the email
    assert _letter(app).status is SubmissionStatus.EXPIRED
    (email,) = _sent_after(app, smtp, EXPIRY_HOURS * 60 + 2)
    assert "/receipts/" in email.text() and "/confirm/" not in email.text()
    assert (NotificationKind.RECEIPT_LINK, DeliveryStatus.SENT) in _notifications(app)
