"""Whose fault an SMTP refusal is: a relay refusing every letter alike is the channel's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
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
from tests.delivery.workers import Clock
from tests.pg import free_port
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.smtp import ChannelDown, Mailer, SendError, parse_smtp_url
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus, Notification

SUPPORTER = "writer.private@example.org"


class Refusing:
    """Answers MAIL, RCPT or DATA with the reply given, else accepts."""

    def __init__(self, mail: str | None, rcpt: str | None, data: str | None) -> None:
        self.mail, self.rcpt, self.data = mail, rcpt, data

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        envelope.mail_from = address
        return self.mail or "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        envelope.rcpt_tos.append(address)
        return self.rcpt or "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.data or "250 OK"


@pytest.fixture
def refusing() -> Iterator[Any]:
    controllers: list[Controller] = []

    def start(mail: str | None = None, rcpt: str | None = None, data: str | None = None) -> Mailer:
        port = free_port()
        controller = Controller(Refusing(mail, rcpt, data), hostname=HOST, port=port)
        controller.start()
        controllers.append(controller)
        return Mailer(parse_smtp_url(f"smtp://{HOST}:{port}", 5))

    yield start
    for controller in controllers:
        controller.stop()


def _send(mailer: Mailer) -> SendError:
    message = EmailMessage()
    message["From"] = "letters@localhost"
    message["To"] = SUPPORTER
    message["Subject"] = "Your letter"
    message.set_content("Thank you.")
    with pytest.raises(SendError) as caught, mailer:
        mailer.send(message)
    return caught.value


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (
            {"mail": "550 5.7.1 Sender address rejected: not owned by user"},
            "the relay refused the sender address MAIL_FROM (550)",
        ),
        (
            {"mail": "553 5.7.1 <letters@localhost>: Sender address rejected"},
            "the relay refused the sender address MAIL_FROM (553)",
        ),
        (
            {"rcpt": f"554 5.7.1 <{SUPPORTER}>: Relay access denied"},
            "the relay does not relay for us (554)",
        ),
        (
            {"rcpt": f"550 5.7.1 <{SUPPORTER}>: Relaying denied"},
            "the relay does not relay for us (550)",
        ),
        (
            {"mail": "454 4.7.0 Throttling failure: Maximum sending rate exceeded"},
            "the relay is limiting how much we send (454)",
        ),
        (
            {"rcpt": "452 4.5.3 Daily sending quota exceeded"},
            "the relay is limiting how much we send (452)",
        ),
        (
            {"data": "554 5.2.0 Sending quota exceeded"},
            "the relay is limiting how much we send (554)",
        ),
        ({"mail": "421 4.7.0 Try again later, closing connection"}, "answered 421"),
    ],
)
def test_a_refusal_every_letter_meets_is_the_channels(
    refusing: Any, reply: dict[str, str], says: str
) -> None:
    error = _send(refusing(**reply))
    assert isinstance(error, ChannelDown), f"letter's own: {error}"
    assert says in str(error)
    assert SUPPORTER not in str(error) and "letters@localhost" not in str(error)


@pytest.mark.parametrize(
    ("reply", "permanent"),
    [
        ({"rcpt": "550 5.1.1 User unknown"}, True),
        ({"rcpt": f"550 5.1.1 <{SUPPORTER}>: Recipient address rejected: User unknown"}, True),
        ({"rcpt": "450 4.2.1 Mailbox busy"}, False),
        ({"data": "552 5.3.4 Message size exceeds fixed limit"}, True),
    ],
)
def test_a_recipient_refused_for_itself_stays_the_letters_own(
    refusing: Any, reply: dict[str, str], permanent: bool
) -> None:
    error = _send(refusing(**reply))
    assert not isinstance(error, ChannelDown), str(error)
    assert error.permanent is permanent
    assert SUPPORTER not in str(error), "no supporter's address in errors or logs"


@pytest.fixture
def sender_refused() -> Iterator[int]:
    port = free_port()
    refusal = "553 5.7.1 <letters@localhost>: Sender address rejected: not owned by user"
    controller = Controller(Refusing(refusal, None, None), hostname=HOST, port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], sender_refused: int) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": f"smtp://{HOST}:{sender_refused}",
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@localhost",  # the operator walk-through's
        "PUBLIC_BASE_URL": "https://letters.example.org",
        "OUTBOX_MAX_ATTEMPTS": 2,
    }


def test_a_refused_sender_address_stops_email_and_kills_no_letter(
    app: Flask, client: FlaskClient, tmp_path: Path, caplog: Any
) -> None:
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    for n in range(3):
        assert post_letter(client, slug, email=f"writer{n}.private@example.org").status_code == 303
    clock = Clock()
    worker = Worker(app, clock=clock)
    with caplog.at_level(logging.INFO):
        for _ in range(6):  # far past OUTBOX_MAX_ATTEMPTS (2)
            report = worker.run_batch()
            assert report.dead == 0 and report.waiting == 1
            assert Channel.EMAIL in worker.faults.paused
            clock.advance(hours=7)
    with app.app_context():
        rows = [*db.session.scalars(select(Delivery)), *db.session.scalars(select(Notification))]
        assert {(r.status, r.attempts) for r in rows} <= {
            (DeliveryStatus.FAILED, 0),
            (DeliveryStatus.PENDING, 0),
        }
        errors = {r.last_error for r in rows if r.last_error}
    assert errors and all("refused the sender address MAIL_FROM (553)" in e for e in errors)
    assert "private@example.org" not in caplog.text
    assert not any("private@example.org" in e for e in errors)
