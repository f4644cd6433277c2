"""Senate CWC beside House CWC: a Vermont letter reaches each office by the right channel."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import house_member, load_civic_data, senators, single_district_zip
from tests.stubs import StubRequest, StubServer
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.cwc_schema import validate_message
from webapp.delivery.senate import (
    MESSAGE_PATH,
    OFFICES_PATH,
    OfficeListError,
    parse_active_offices,
    parse_office_lines,
    senate_offices,
)
from webapp.delivery.worker import Worker
from webapp.models import Channel, CivicDataset, Delivery, DeliveryStatus

HOUSE_MESSAGE = "/v2/message"
AGENT = {
    "CWC_DELIVERY_AGENT": "Civic Letters Test",
    "CWC_ACK_EMAIL": "ack@example.org",
    "CWC_CONTACT_NAME": "Ops Desk",
    "CWC_CONTACT_EMAIL": "ops@example.org",
    "CWC_CONTACT_PHONE": "202-555-0100",
}
VT_LETTER = {
    "prefix": "Mx.",
    "street": "12 Church St",
    "city": "Burlington",
    "state": "VT",
    "response_requested": "y",
}


@pytest.fixture
def house_stub() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


@pytest.fixture
def senate_stub() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


@pytest.fixture
def proxy() -> Iterator[StubServer]:
    """A forwarding HTTP proxy: what reaches either CWC stub must come through here."""
    with StubServer() as stub:
        yield stub


def _forward(proxy: StubServer, target: StubServer, path: str) -> None:
    def handler(request: StubRequest) -> tuple[int, dict[str, str], bytes]:
        answer = requests.post(
            f"{target.url}{path}",
            params=request.params,
            data=request.body,
            headers={"Content-Type": request.header("Content-Type") or ""},
            timeout=5,
        )
        return answer.status_code, {}, answer.content

    proxy.route(path, handler)


@dataclass
class Systems:
    """Both CWC stubs and the proxy in front of them."""

    house: StubServer
    senate: StubServer
    proxy: StubServer

    def answer(self, house: tuple[int, bytes], senate: tuple[int, bytes] | None) -> None:
        """Program each system's answer; every message reaches it through the proxy."""
        self.house.reply(HOUSE_MESSAGE, *house)
        _forward(self.proxy, self.house, HOUSE_MESSAGE)
        if senate is not None:
            self.senate.reply(MESSAGE_PATH, *senate)
            _forward(self.proxy, self.senate, MESSAGE_PATH)


@pytest.fixture
def systems(house_stub: StubServer, senate_stub: StubServer, proxy: StubServer) -> Systems:
    return Systems(house_stub, senate_stub, proxy)


@pytest.fixture
def on_list(tmp_path: Path) -> str:
    """The first Vermont senator (by bioguide ID) is on the Senate list; the second is not."""
    listed = senators("VT")[0]
    path = tmp_path / "senate-offices.txt"
    path.write_text(f"# Senate CWC offices\n{listed}  # Vermont\n\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def app_config(
    app_config: dict[str, Any],
    house_stub: StubServer,
    senate_stub: StubServer,
    proxy: StubServer,
    on_list: str,
) -> dict[str, Any]:
    return {
        **app_config,
        **AGENT,
        "CWC_API_KEY": "house-key",
        "CWC_URL": house_stub.url,
        "SENATE_CWC_API_KEY": "senate-key",
        "SENATE_CWC_URL": senate_stub.url,
        "SENATE_CWC_DELIVERY_AGENT": "Civic Letters Senate Desk",
        "SENATE_CWC_OFFICES": on_list,
        "CWC_PROXY_URL": proxy.url,
    }


def _deliveries(app: Flask, client: FlaskClient, slug: str) -> dict[str, Delivery]:
    """Sync (the Senate list comes with `flask civic sync`), then send a Vermont letter."""
    load_civic_data(app)
    response = post_letter(client, slug, zip_code=single_district_zip("VT", 0), **VT_LETTER)
    assert response.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(Delivery)).all()
        for row in rows:
            db.session.expunge(row)
    return {row.recipient_key.removeprefix("official:"): row for row in rows}


def _stored(app: Flask, delivery_id: int) -> Delivery:
    with app.app_context():
        row = db.session.get(Delivery, delivery_id)
        assert row is not None
        db.session.expunge(row)
        return row


def test_vermont_letter_goes_house_cwc_senate_cwc_and_hand_off(
    app: Flask, client: FlaskClient, default_campaign: str, systems: Systems
) -> None:
    systems.answer((200, b"<Response>accepted</Response>"), (200, b'{"status": "received"}'))
    house_stub, senate_stub, proxy = systems.house, systems.senate, systems.proxy
    listed, unlisted = senators("VT")
    rows = _deliveries(app, client, default_campaign)
    with app.app_context():
        assert senate_offices(db.session()) == {listed}
        dataset = db.session.get(CivicDataset, "senate_cwc")
        assert dataset is not None and dataset.snapshot_date and dataset.record_count == 1
    representative = rows[house_member("VT", 0)]
    assert representative.channel is Channel.CWC
    assert rows[listed].channel is Channel.SENATE_CWC
    assert rows[unlisted].channel is Channel.FORM
    assert rows[unlisted].status is DeliveryStatus.NEEDS_ACTION

    report = Worker(app).run(once=True)

    assert report.sent == 2
    # Both went through the proxy: its allow-listed address is what the systems see.
    assert proxy.count(HOUSE_MESSAGE) == 1 and proxy.count(MESSAGE_PATH) == 1
    sent = senate_stub.last(MESSAGE_PATH)
    assert sent.params["apikey"] == "senate-key"
    assert validate_message(sent.body) == []
    root = ET.fromstring(sent.body)  # noqa: S314 - XML our own code just built
    assert root.findtext("Recipient/MemberOffice") == listed
    assert root.findtext("Recipient/IsResponseRequested") == "Y"
    assert root.findtext("Delivery/DeliveryAgent") == "Civic Letters Senate Desk"
    assert root.findtext("Message/ConstituentMessage", "").startswith("My family is from Aleppo")
    assert "Aleppo" not in root.findtext("Message/OrganizationStatement", "")
    assert "Appoint a Syria envoy" in root.findtext("Message/OrganizationStatement", "")
    house = ET.fromstring(house_stub.last(HOUSE_MESSAGE).body)  # noqa: S314
    assert house.findtext("Recipient/MemberOffice") == "HVT00"
    assert house_stub.last(HOUSE_MESSAGE).params["apikey"] == "house-key"
    for delivery in (representative, rows[listed]):
        assert _stored(app, delivery.id).status is DeliveryStatus.ACCEPTED
    assert _stored(app, rows[unlisted].id).status is DeliveryStatus.NEEDS_ACTION


def test_senate_rejection_and_house_outage_land_on_their_own_rows(
    app: Flask, client: FlaskClient, default_campaign: str, systems: Systems
) -> None:
    systems.answer((503, b"busy"), (400, b'{"error": "Office SVT: constituent not in state"}'))
    rows = _deliveries(app, client, default_campaign)
    Worker(app).run(once=True)
    senate = _stored(app, rows[senators("VT")[0]].id)
    assert senate.status is DeliveryStatus.DEAD
    assert "Senate CWC refused" in (senate.last_error or "")
    assert "constituent not in state" in (senate.last_error or "")
    assert "senate-key" not in (senate.last_error or "")
    assert senate.failed_at is not None
    house = _stored(app, rows[house_member("VT", 0)].id)
    assert (
        house.status is DeliveryStatus.FAILED
        and house.last_error == "CWC unavailable (HTTP 503): busy"
    )
    assert "constituent not in state" not in (house.last_error or "")


def test_a_senate_timeout_is_retried(
    app: Flask, client: FlaskClient, default_campaign: str, systems: Systems
) -> None:
    systems.answer((200, b"ok"), None)
    systems.proxy.reply_slowly(MESSAGE_PATH, 3.0)
    app.config["SENATE_CWC_API_KEY"] = "senate-key"
    rows = _deliveries(app, client, default_campaign)
    worker = Worker(app)
    client_ = worker.cwc_clients[Channel.SENATE_CWC]
    client_.timeouts = type(client_.timeouts)(connect=1.0, read=0.3)
    worker.run(once=True)
    senate = _stored(app, rows[senators("VT")[0]].id)
    assert senate.status is DeliveryStatus.FAILED
    assert senate.last_error and "timed out" in senate.last_error
    assert senate.next_attempt_at is not None


def test_the_system_list_wins_over_the_file(
    app: Flask, senate_stub: StubServer, proxy: StubServer
) -> None:
    listed = senators("VT")[1]
    senate_stub.reply_json(OFFICES_PATH, [{"bioguide_id": listed, "name": "x"}])

    def via_proxy(request: StubRequest) -> tuple[int, dict[str, str], bytes]:
        answer = requests.get(f"{senate_stub.url}{OFFICES_PATH}", params=request.params, timeout=5)
        return answer.status_code, {"Content-Type": "application/json"}, answer.content

    proxy.route(OFFICES_PATH, via_proxy)
    load_civic_data(app)
    assert senate_stub.last(OFFICES_PATH).params["apikey"] == "senate-key"
    with app.app_context():
        assert senate_offices(db.session()) == {listed}
        dataset = db.session.get(CivicDataset, "senate_cwc")
        assert dataset is not None and dataset.source and "senate-key" not in dataset.source


def test_office_list_file_format() -> None:
    assert parse_office_lines("# list\nS000033\n s000033 # again\n\nL000174\n") == {
        "S000033",
        "L000174",
    }
    with pytest.raises(OfficeListError, match="line 2"):
        parse_office_lines("S000033\nBernie Sanders\n")
    assert parse_active_offices({"offices": ["S000033", {"office_code": "l000174"}, 7]}) == {
        "S000033",
        "L000174",
    }
    with pytest.raises(OfficeListError):
        parse_active_offices({"status": "ok"})
