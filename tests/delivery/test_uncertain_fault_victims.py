"""A letter that used its last attempt on a 5xx one message alone could cause is the channel's
victim once a second letter meets the fault too: it waits for the channel, it is not dead."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.delivery.campaigns import CWC_SENDER
from tests.delivery.test_cwc_fault_owners import ACCEPTED, cwc_stub
from tests.delivery.test_cwc_worker import MESSAGE
from tests.delivery.workers import Clock
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus

__all__ = ["cwc_stub"]  # the fixture, used by name


@pytest.fixture
def app_config(app_config: dict[str, Any], cwc_stub: StubServer) -> dict[str, Any]:
    """CWC through the stub; one attempt a letter, so the first 5xx is a letter's last."""
    cwc = {"CWC_API_KEY": "secret-test-key", "CWC_URL": cwc_stub.url, **CWC_SENDER}
    return {**app_config, **cwc, "OUTBOX_MAX_ATTEMPTS": 1}


def _write(app: Flask, client: FlaskClient, slug: str, name: str) -> None:
    load_civic_data(app)
    letter = {"zip_code": single_district_zip("MI", 12), "street": "100 Main St"}
    assert post_letter(client, slug, email=f"{name}@example.org", **letter).status_code == 303


def _house(app: Flask) -> list[tuple[DeliveryStatus, int]]:
    with app.app_context():
        query = select(Delivery).where(Delivery.channel == Channel.CWC).order_by(Delivery.id)
        return [(d.status, d.attempts) for d in db.session.scalars(query)]


def test_a_letter_killed_by_a_5xx_comes_back_when_a_second_letter_finds_the_channel_down(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 503, b"Service Unavailable")
    _write(app, client, default_campaign, "first")
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().dead == 1  # alone, it may be its own doing: its last attempt
    assert _house(app) == [(DeliveryStatus.DEAD, 1)]

    clock.advance(minutes=5)
    _write(app, client, default_campaign, "second")
    worker.run_batch()  # a second letter meets it: the channel's fault after all
    assert Channel.CWC in worker.faults.paused
    assert _house(app) == [(DeliveryStatus.FAILED, 0)] * 2, "both wait for the channel"

    cwc_stub.reply(MESSAGE, 200, ACCEPTED)
    clock.advance(hours=7)
    worker.run_batch()
    assert _house(app) == [(DeliveryStatus.ACCEPTED, 1)] * 2


def test_a_letter_dead_of_its_own_fault_stays_dead_when_the_channel_goes_down(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 400, b"<Error>Invalid field</Error>")
    _write(app, client, default_campaign, "first")
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().dead == 1
    cwc_stub.reply(MESSAGE, 503, b"Service Unavailable")
    for name in ("second", "third"):
        clock.advance(minutes=5)
        _write(app, client, default_campaign, name)
        worker.run_batch()
    assert Channel.CWC in worker.faults.paused
    assert _house(app)[0] == (DeliveryStatus.DEAD, 1), "its own refusal, not the outage"
