"""The widget's thank-you page, built from what the send wrote, says what the stored rows say."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.civic.data import load_civic_data
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.supporter.test_abroad import BERLIN
from tests.widget.helpers import send_letter
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.supporter.templating import delivery_status_label, share_message

OFFICES = [
    office("Water Board", email=OFFICE_EMAIL),
    office("City Council", contact_url="https://council.example.org/contact"),
    office("Archive Office", address="1 Records Lane"),
]
WEBSITE_HINT = "Some offices take letters only through their own website"
ABROAD_LINE = "A friend or relative who lives in the United States can send this letter"


def _listed(page: str) -> list[tuple[str, str]]:
    """(office, status) as the page lists them."""
    found = re.findall(r'<li><bdi>([^<]+)</bdi>: <span class="status">([^<]*)</span></li>', page)
    return [(html.unescape(name), html.unescape(status)) for name, status in found]


def _shared_text(page: str) -> str:
    """What the share links carry, decoded."""
    links = re.findall(r'<a class="share" href="([^"]+)"', page)
    return " ".join(unquote_plus(html.unescape(link)) for link in links)


def _as_stored(app: Flask) -> tuple[Submission, list[tuple[str, str]], str]:
    """The one letter's submission, (office, status label) per stored delivery, and what its
    share links say; labelled as the receipt page labels them."""
    with app.test_request_context():
        submission = db.session.scalars(
            select(Submission).options(
                selectinload(Submission.deliveries).selectinload(Delivery.submission)
            )
        ).one()
        labels = [(d.recipient_name, delivery_status_label(d)) for d in submission.deliveries]
        shared = share_message(submission.residence, submission.campaign)
        return submission, labels, shared


@pytest.mark.parametrize("confirm", [False, True], ids=["confirmed", "waits-for-email"])
def test_each_office_is_listed_with_the_status_its_stored_row_has(
    app: Flask, client: FlaskClient, tmp_path: Path, confirm: bool
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "thanks", OFFICES, require_confirmation=confirm)
    done = send_letter(client, slug)
    assert done.status_code == 200, done.text
    submission, labels, shared = _as_stored(app)
    assert _listed(done.text) == labels
    assert [name for name, _ in labels] == ["Water Board", "City Council", "Archive Office"]
    if confirm:
        assert {label for _, label in labels} == {"Waiting for you to confirm by email"}
    else:
        assert len({label for _, label in labels}) == 3, "email, web form and post differ"
    assert "Thank you, <bdi>Rasha</bdi>" in done.text
    assert f"/receipts/{submission.receipt_token}" in done.text
    website = any(d.status is DeliveryStatus.NEEDS_ACTION for d in submission.deliveries)
    assert (WEBSITE_HINT in done.text) == website
    assert ABROAD_LINE not in done.text
    assert shared in _shared_text(done.text)


def test_a_letter_from_berlin_thanks_them_and_asks_a_friend_in_the_us(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_civic_data(app)
    berlin: dict[str, Any] = {**BERLIN, "first_name": "رشا", "latin_first_name": "Rasha"}
    done = send_letter(client, default_campaign, **berlin)
    assert done.status_code == 200, done.text
    submission, labels, _shared = _as_stored(app)
    assert _listed(done.text) == labels and len(labels) == 1
    assert "Thank you, <bdi>رشا</bdi>" in done.text
    assert ABROAD_LINE in done.text
    assert (WEBSITE_HINT in done.text) == (submission.deliveries[0].status.value == "needs_action")
    assert "I wrote to the President from abroad" in _shared_text(done.text)
