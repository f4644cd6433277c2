"""A channel failing for one campaign's letter is shown on every campaign with letters waiting on
it: CWC down for the coalition letter stops the water campaign's House letters too."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.dashboard.helpers import ADMIN, OrganiserClient, add_partner, signed_in
from tests.dashboard.letters import Letter, Office, add_letters
from tests.supporter.campaign_files import write_campaign
from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Notification,
    NotificationKind,
    Role,
)

TLAIB = Office("official:T000481", "Rashida Tlaib", chamber="us_house", state="MI", district="12")
BALINT = Office("official:B001318", "Becca Balint", chamber="us_house", state="VT", district="0")
OUTAGE = "CWC unavailable (HTTP 503): Service Unavailable: CWC maintenance"
BANNER = "House CWC is failing: this campaign’s letters by it wait, as do every other campaign’s."


def _set(app: Flask, key: str, **values: object) -> None:
    """Update the deliveries to the office `key`."""
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(update(Delivery).where(Delivery.recipient_key == key).values(values))


@pytest.fixture
def two_campaigns(app: Flask, default_campaign: str, tmp_path: Path) -> tuple[str, str]:
    """The coalition letter's House letter met CWC's outage; the water campaign's letter to
    another House office waits behind it, never tried (the worker stopped the channel)."""
    water = write_campaign(app, tmp_path, "water")
    add_letters(app, default_campaign, [Letter("rasha@example.org", offices=(TLAIB,))])
    add_letters(app, water, [Letter("ziad@example.org", state="VT", district=0, offices=(BALINT,))])
    now = utcnow()
    _set(app, TLAIB.key, channel=Channel.CWC, status=DeliveryStatus.FAILED, last_error=OUTAGE,
         failure_reason=FailureReason.UNAVAILABLE, failed_at=now,
         next_attempt_at=now + timedelta(minutes=2))  # fmt: skip
    _set(app, BALINT.key, channel=Channel.CWC, status=DeliveryStatus.PENDING)
    return default_campaign, water


_signed_in: dict[int, OrganiserClient] = {}


def _page(app: Flask, path: str) -> str:
    """The page as an admin reads it (one account a test)."""
    if id(app) not in _signed_in:
        _signed_in.clear()
        _signed_in[id(app)] = signed_in(app, ADMIN, Role.ADMIN)
    response = _signed_in[id(app)].get(path)
    assert response.status_code == 200, response.text
    return unescape(response.text)


@pytest.mark.parametrize("page", ["", "/channels"])
def test_another_campaigns_outage_shows_where_letters_wait_on_that_channel(
    app: Flask, two_campaigns: tuple[str, str], page: str
) -> None:
    _coalition, water = two_campaigns
    text = _page(app, f"/dashboard/campaigns/{water}{page}")
    assert BANNER in text, text
    assert 'id="channel-trouble-cwc"' in text
    assert "The office’s system could not be reached or did not answer in time." in text
    assert OUTAGE in text
    assert "Next try:" in text


def test_the_campaign_that_met_it_says_so_too(app: Flask, two_campaigns: tuple[str, str]) -> None:
    coalition, _water = two_campaigns
    assert BANNER in _page(app, f"/dashboard/campaigns/{coalition}")


def test_no_box_once_the_letter_went_or_for_a_campaign_with_nothing_on_it(
    app: Flask, two_campaigns: tuple[str, str]
) -> None:
    coalition, water = two_campaigns
    # Nothing of the water campaign's waits on CWC: its letter went by hand.
    _set(app, BALINT.key, status=DeliveryStatus.DONE_BY_SUPPORTER, channel=Channel.FORM)
    assert "channel-trouble" not in _page(app, f"/dashboard/campaigns/{water}")
    # CWC came back: the letter that met the fault was accepted on its next try.
    _set(app, TLAIB.key, status=DeliveryStatus.ACCEPTED, sent_at=utcnow())
    assert "channel-trouble" not in _page(app, f"/dashboard/campaigns/{coalition}")


def test_an_office_mail_server_down_is_that_offices_not_the_channels(
    app: Flask, two_campaigns: tuple[str, str]
) -> None:
    _coalition, water = two_campaigns
    # An office's own mail server not answering: its row says so on the map, nowhere else.
    _set(app, TLAIB.key, channel=Channel.EMAIL)
    _set(app, BALINT.key, channel=Channel.EMAIL)
    assert "channel-trouble" not in _page(app, f"/dashboard/campaigns/{water}")
    # Our relay refusing the login stops every email: that is the channel's.
    _set(app, TLAIB.key, failure_reason=FailureReason.RELAY_SETTINGS)
    text = _page(app, f"/dashboard/campaigns/{water}/channels")
    assert "Email is failing: this campaign’s letters by it wait" in text


def test_partners_see_no_channel_box(app: Flask, two_campaigns: tuple[str, str]) -> None:
    coalition, _water = two_campaigns
    add_partner(app, coalition, "sama", "Action For Sama")
    client = signed_in(app, "ops@sama.example.org", Role.PARTNER, "sama")
    assert "channel-trouble" not in client.get(f"/dashboard/campaigns/{coalition}").text


def test_the_relay_down_for_a_supporters_email_shows_where_letters_go_by_email_too(
    app: Flask, two_campaigns: tuple[str, str]
) -> None:
    """Only a receipt met the relay's outage (no letter by email was tried yet): the letters
    waiting on email wait for the same relay, and the campaign whose receipt it is says that
    its supporters' receipts are not going out."""
    coalition, water = two_campaigns
    _set(app, TLAIB.key, status=DeliveryStatus.ACCEPTED, sent_at=utcnow())
    _set(app, BALINT.key, channel=Channel.EMAIL, status=DeliveryStatus.PENDING)
    assert "channel-trouble" not in _page(app, f"/dashboard/campaigns/{water}")
    now = utcnow()
    with app.app_context(), write_transaction(db.session()) as session:
        letter = session.scalars(
            select(Delivery.submission_id).where(Delivery.recipient_key == TLAIB.key)
        ).one()
        session.add(
            Notification(
                submission_id=letter,
                kind=NotificationKind.RECEIPT,
                status=DeliveryStatus.FAILED,
                failure_reason=FailureReason.RELAY_UNREACHABLE,
                failed_at=now,
                last_error="could not connect to the mail relay",
                next_attempt_at=now + timedelta(minutes=3),
            )
        )
    water_page = _page(app, f"/dashboard/campaigns/{water}")
    assert "Email is failing: this campaign’s letters by it wait" in water_page
    assert "channel-trouble-supporter-emails" not in water_page  # none of its emails waits
    coalition_page = _page(app, f"/dashboard/campaigns/{coalition}")
    assert 'id="channel-trouble-supporter-emails"' in coalition_page
    assert "supporters’ receipts are not going out" in coalition_page
    assert 'id="channel-trouble-email"' not in coalition_page  # no letter of its by email


def test_the_dashboards_home_says_a_channel_is_down_for_every_campaign(
    app: Flask, two_campaigns: tuple[str, str]
) -> None:
    """Where organisers land on a day of action: the boxes were on campaign pages only."""
    coalition, _water = two_campaigns
    home = _page(app, "/dashboard/")
    assert "House CWC is failing: letters by it wait, in every campaign." in home
    assert 'id="channel-trouble-cwc"' in home and OUTAGE in home
    assert BANNER not in home  # no "this campaign" where every campaign is listed
    add_partner(app, coalition, "sama", "Action For Sama")
    partner = signed_in(app, "ops@sama.example.org", Role.PARTNER, "sama")
    assert "channel-trouble" not in partner.get("/dashboard/").text
    _set(app, TLAIB.key, status=DeliveryStatus.ACCEPTED, sent_at=utcnow())  # CWC is back
    assert "channel-trouble" not in _page(app, "/dashboard/")


def test_the_arabic_home_says_it_in_arabic(app: Flask, two_campaigns: tuple[str, str]) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    home = _page(app, "/dashboard/")
    assert 'id="channel-trouble-cwc"' in home
    assert "تنتظر الرسائل التي تمرّ عبره في كل الحملات" in home
