"""House letters through CWC end to end: form, worker, a loopback CWC stub, honest status."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.delivery.campaigns import CWC_SENDER
from tests.delivery.workers import Clock
from tests.pg import free_port
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.campaigns.services import campaign_by_slug
from webapp.database import db
from webapp.delivery.cwc_schema import validate_message
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus
from webapp.supporter.campaign_page import form_for, render_form

MESSAGE = "/v2/message"


@pytest.fixture
def cwc_stub() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


@pytest.fixture
def app_config(app_config: dict[str, Any], cwc_stub: StubServer) -> dict[str, Any]:
    return {
        **app_config,
        "CWC_API_KEY": "secret-test-key",
        "CWC_URL": cwc_stub.url,
        **CWC_SENDER,
    }


def _house_delivery(app: Flask, client: FlaskClient, slug: str) -> Delivery:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    response = post_letter(client, slug, zip_code=zip_code, street="100 Main St")
    assert response.status_code == 303
    with app.app_context():
        house = db.session.scalars(
            select(Delivery).where(Delivery.recipient_chamber == "us_house")
        ).one()
        assert house.channel is Channel.CWC and house.status is DeliveryStatus.PENDING
        db.session.expunge(house)
        return house


def test_house_letter_is_posted_as_valid_cwc_and_accepted(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 200, b"<Response>Message accepted</Response>")
    house = _house_delivery(app, client, default_campaign)
    report = Worker(app).run(once=True)
    assert report.sent == 1
    request = cwc_stub.last(MESSAGE)
    assert request.params["apikey"] == "secret-test-key"
    assert validate_message(request.body) == []
    root = ET.fromstring(request.body)  # noqa: S314 - XML our own code just built
    assert root.findtext("Recipient/MemberOffice") == "HMI12"
    assert root.findtext("Delivery/DeliveryId") == house.idempotency_key
    assert root.findtext("Message/ConstituentMessage", "").startswith("My family is from Aleppo")
    assert "Appoint a Syria envoy" in root.findtext("Message/OrganizationStatement", "")
    # The address came from the ZIP table, not the geocoder, and the email is unconfirmed.
    assert root.findtext("Constituent/AddressValidation") == "N"
    assert root.findtext("Constituent/EmailValidation") == "N"
    with app.app_context():
        stored = db.session.get(Delivery, house.id)
        assert stored is not None and stored.status is DeliveryStatus.ACCEPTED
        token = stored.submission.receipt_token
    page = client.get(f"/receipts/{token}").text
    assert "Delivered to the office&#39;s correspondence system" in page


def test_a_rejected_cwc_message_is_dead_with_the_office_error(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 400, b"<Error>Constituent zip code not in district</Error>")
    house = _house_delivery(app, client, default_campaign)
    report = Worker(app).run(once=True)
    assert report.dead == 1
    with app.app_context():
        stored = db.session.get(Delivery, house.id)
        assert stored is not None and stored.status is DeliveryStatus.DEAD
        assert "zip code not in district" in (stored.last_error or "")
        assert "secret-test-key" not in (stored.last_error or "")
        token = stored.submission.receipt_token
    assert "Could not be delivered" in client.get(f"/receipts/{token}").text


def test_a_cwc_outage_is_retried_later(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 503, b"busy")
    house = _house_delivery(app, client, default_campaign)
    Worker(app).run(once=True)
    with app.app_context():
        stored = db.session.get(Delivery, house.id)
        assert stored is not None and stored.status is DeliveryStatus.FAILED
        # Alone, a 5xx may be this letter's own doing: it uses an attempt (a second letter
        # meeting one too stops the channel and gives it back: the test below).
        assert stored.next_attempt_at is not None and stored.attempts == 1
        assert stored.last_error == "CWC unavailable (HTTP 503): busy"


def _house_rows(app: Flask) -> list[tuple[DeliveryStatus, int, str | None]]:
    with app.app_context():
        query = select(Delivery).where(Delivery.channel == Channel.CWC).order_by(Delivery.id)
        return [(d.status, d.attempts, d.last_error) for d in db.session.scalars(query)]


@pytest.mark.parametrize(
    ("down", "tried", "error"),
    [
        # A 5xx may be one message's doing: a second letter meeting it stops the channel.
        ("503", 2, "CWC unavailable (HTTP 503): busy"),
        # No answer at all: the first says enough.
        ("closed", 1, "CWC unavailable: unreachable (ConnectionError)"),
    ],
)
def test_cwc_down_stops_its_channel_and_no_letter_goes_dead_of_it(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    cwc_stub: StubServer,
    down: str,
    tried: int,
    error: str,
) -> None:
    if down == "closed":
        app.config["CWC_URL"] = f"http://127.0.0.1:{free_port()}"
    cwc_stub.reply(MESSAGE, 503, b"busy")
    zip_code = single_district_zip("MI", 12)
    load_civic_data(app)
    for n in range(3):
        letter = {"zip_code": zip_code, "street": "100 Main St", "email": f"h{n}@example.org"}
        assert post_letter(client, default_campaign, **letter).status_code == 303
    clock = Clock()
    worker = Worker(app, clock=clock)
    report = worker.run_batch()
    # The first letter's 5xx used its attempt, given back once the second met one too.
    assert report.waiting + report.failed == tried
    assert cwc_stub.count(MESSAGE) == (tried if down == "503" else 0)
    waiting = (DeliveryStatus.FAILED, 0, error)
    assert _house_rows(app) == [waiting] * tried + [(DeliveryStatus.PENDING, 0, None)] * (3 - tried)
    for _ in range(12):  # three days: far past OUTBOX_MAX_ATTEMPTS (8)
        clock.advance(hours=7)
        report = worker.run_batch()
        assert report.waiting + report.failed == tried
    assert _house_rows(app) == [waiting] * tried + [(DeliveryStatus.PENDING, 0, None)] * (3 - tried)
    if down == "503":
        cwc_stub.reply(MESSAGE, 200, b"<Response>Message accepted</Response>")
        clock.advance(hours=7)
        assert worker.run_batch().sent == 3
        assert {row[:2] for row in _house_rows(app)} == {(DeliveryStatus.ACCEPTED, 1)}


def test_the_title_field_says_congress_needs_it_when_its_message_system_is_on(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """An empty "optional" title quietly sent the House letter to the supporter's own hands
    (CWC refuses a letter without one); the field says so while CWC is on, and only then."""
    needed = "لا يوصل نظام رسائل الكونغرس أي رسالة إلا إذا حملت لقبًا"
    page = client.get(f"/campaigns/{default_campaign}?lang=ar").text
    assert needed in page and "تطلبه بعض المكاتب." not in page
    english = client.get(f"/campaigns/{default_campaign}?lang=en").text
    assert "Congress's message system delivers a letter only with a title" in english
    app.config["CWC_API_KEY"] = ""
    # A new page (cached pages are kept per settings' lifetime: a process's).
    with app.test_request_context():
        campaign = campaign_by_slug(db.session(), default_campaign)
        assert campaign is not None
        page = render_form(campaign, form_for(campaign))[0]
    assert "Some offices ask for it." in page and "message system" not in page
