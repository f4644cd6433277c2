"""A relay answering DATA with a 4xx (451 local error in processing) is in trouble, not the
letter: no letter dies of it, and 5xx refusals of the message stay the letter's own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import HOST
from tests.delivery.test_smtp_refusals import Refusing
from tests.delivery.workers import Clock
from tests.pg import free_port
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.smtp import ChannelDown, Mailer, SendError, parse_smtp_url
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus, FailureReason, Notification

SUPPORTER = "writer.private@example.org"
LOCAL_ERROR = "451 4.3.0 Error: queue file write error"


@dataclass
class Relay:
    """The relay's answers (`handler.data` for DATA; None accepts) and its port."""

    handler: Refusing
    port: int


@pytest.fixture
def relay() -> Iterator[Relay]:
    relay = Relay(Refusing(None, None, LOCAL_ERROR), free_port())
    controller = Controller(relay.handler, hostname=HOST, port=relay.port)
    controller.start()
    yield relay
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], relay: Relay) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": f"smtp://{HOST}:{relay.port}",
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@localhost",
        "PUBLIC_BASE_URL": "https://letters.example.org",
        "OUTBOX_MAX_ATTEMPTS": 2,
    }


def _send(relay: Relay) -> SendError:
    message = EmailMessage()
    message["From"] = "letters@localhost"
    message["To"] = SUPPORTER
    message["Subject"] = "Your letter"
    message.set_content("Thank you.")
    mailer = Mailer(parse_smtp_url(f"smtp://{HOST}:{relay.port}", 5))
    with pytest.raises(SendError) as caught, mailer:
        mailer.send(message)
    return caught.value


@pytest.mark.parametrize(
    "reply",
    [LOCAL_ERROR, "452 4.3.1 Insufficient system storage", f"450 4.7.1 <{SUPPORTER}>: try later"],
)
def test_a_4xx_at_data_is_the_relays_trouble_until_shown_otherwise(
    relay: Relay, reply: str
) -> None:
    relay.handler.data = reply
    error = _send(relay)
    assert isinstance(error, ChannelDown) and not error.certain, str(error)
    assert not error.permanent and reply[:3] in str(error)
    assert SUPPORTER not in str(error) and "letters@localhost" not in str(error)
    assert error.reason is FailureReason.RELAY_BUSY, "said as the relay's trouble, not the office's"


def test_a_full_mailbox_at_data_is_the_offices_own_for_now(relay: Relay) -> None:
    """452 4.2.2 is the office's mailbox, not the relay: it must not stop everyone's email."""
    relay.handler.data = "452 4.2.2 Mailbox full"
    error = _send(relay)
    assert not isinstance(error, ChannelDown) and not error.permanent, str(error)
    assert error.reason is FailureReason.MAILBOX_FULL


@pytest.mark.parametrize(
    "reply",
    [
        "554 Message rejected: Email address is not verified. The following identities failed "
        "the check in region US-EAST-1: letters@localhost",
        "550 5.7.60 SMTP; Client does not have permissions to send as this sender",
    ],
)
def test_our_sender_refused_at_data_is_the_relays_settings_not_the_letter(
    relay: Relay, reply: str
) -> None:
    """Amazon SES and Microsoft 365 refuse our From at DATA: every letter would die of it."""
    relay.handler.data = reply
    error = _send(relay)
    assert isinstance(error, ChannelDown) and not error.certain, str(error)
    assert error.reason is FailureReason.RELAY_SETTINGS and "MAIL_FROM" in str(error)
    assert "letters@localhost" not in str(error)


def test_a_5xx_at_data_stays_the_letters_own(relay: Relay) -> None:
    relay.handler.data = "554 5.6.0 Message content rejected"
    error = _send(relay)
    assert not isinstance(error, ChannelDown) and error.permanent, str(error)


SES_UNVERIFIED = "554 Message rejected: Email address is not verified."


@pytest.mark.parametrize("reply", [LOCAL_ERROR, SES_UNVERIFIED])
def test_no_letter_dies_of_a_relay_refusing_every_message_at_data(
    app: Flask, client: FlaskClient, tmp_path: Path, relay: Relay, reply: str
) -> None:
    relay.handler.data = reply
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    for n in range(3):
        assert post_letter(client, slug, email=f"writer{n}.private@example.org").status_code == 303
    clock = Clock()
    worker = Worker(app, clock=clock)
    for round_ in range(6):  # far past OUTBOX_MAX_ATTEMPTS (2)
        report = worker.run_batch()
        assert report.dead == 0, f"round {round_}: {report.errors}"
        assert Channel.EMAIL in worker.faults.paused, f"round {round_}"
        clock.advance(hours=7)
    with app.app_context():
        rows = [*db.session.scalars(select(Delivery)), *db.session.scalars(select(Notification))]
        assert {(r.status, r.attempts) for r in rows} <= {
            (DeliveryStatus.FAILED, 0),
            (DeliveryStatus.PENDING, 0),
        }
    relay.handler.data = None  # mended
    clock.advance(hours=7)
    worker.run(once=True)
    with app.app_context():
        assert {d.status for d in db.session.scalars(select(Delivery))} == {DeliveryStatus.SENT}
