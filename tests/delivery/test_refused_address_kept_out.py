"""A relay refusing a supporter's address, in the words relays use (echoing the address): the
address is kept out of the supporter email's stored error and out of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
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
from webapp.delivery.worker import Worker
from webapp.models import Notification

LOCAL = "writer.private"
# As real relays word a refusal: Postfix, Exchange, a relay quoting it, and one address
# with a name in quotes and Arabic letters.
REPLIES = [
    "550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table",
    "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {a} not found by SMTP address lookup",
    '553 5.1.3 "{a}" is not a valid address',
    "550 5.1.1 {a}... User unknown",
]


class RefusesOne:
    """Accepts every recipient but the supporter, refused with `reply` naming the address."""

    def __init__(self) -> None:
        self.reply = REPLIES[0]

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        if address.startswith(LOCAL):
            return self.reply.format(a=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


@pytest.fixture
def relay() -> Iterator[tuple[RefusesOne, int]]:
    handler, port = RefusesOne(), free_port()
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], relay: tuple[RefusesOne, int]) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": f"smtp://{HOST}:{relay[1]}",
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@localhost",
        "PUBLIC_BASE_URL": "https://letters.example.org",
    }


@pytest.mark.parametrize("domain", ["example.org", "مثال.مصر"])
@pytest.mark.parametrize("reply", REPLIES)
def test_a_refused_supporter_address_is_not_kept_in_the_stored_error(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    relay: tuple[RefusesOne, int],
    reply: str,
    domain: str,
    caplog: Any,
) -> None:
    relay[0].reply = reply
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    address = f"{LOCAL}@{domain}"
    assert post_letter(client, slug, email=address).status_code == 303
    with caplog.at_level(logging.INFO):
        Worker(app, clock=Clock()).run_batch()
    with app.app_context():
        errors = [n.last_error for n in db.session.scalars(select(Notification))]
    assert errors and all(errors), "the supporter email was refused"
    assert all("refused" in e for e in errors if e)
    for said in (*[e for e in errors if e], caplog.text):
        assert LOCAL not in said and domain not in said, said
