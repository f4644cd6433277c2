"""A letter not yet released (held by the risk checks, or waiting for its writer's emailed link)
is shown on its receipt to read, never offered to paste into an office's contact page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Submission, SubmissionStatus

CONTACT = "https://water.example.org/contact"
BODY_WORDS = "Please fund lead pipe replacement."


def _copies(page: str) -> str:
    """The receipt's 'What you wrote' section."""
    return page.split('id="letters-heading"', 1)[1].split("</section>", 1)[0]


def _receipt(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str, **meta: bool
) -> tuple[str, str]:
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", contact_url=CONTACT)], **meta
    )
    extra = {} if meta else {"website": "http://spam.example"}  # the honeypot holds it
    location = str(post_letter(client, slug, **extra).headers["Location"])
    with app.app_context():
        letter = db.session.scalars(select(Submission)).one()
        assert letter.status is SubmissionStatus.UNCONFIRMED
        assert letter.held is not bool(meta)
    return location, client.get(location, query_string={"lang": lang}).text


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("waits_for", ["risk checks", "email confirmation"])
def test_a_letter_waiting_for_confirmation_offers_no_contact_page(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str, waits_for: str
) -> None:
    meta = {"require_confirmation": True} if waits_for == "email confirmation" else {}
    _location, page = _receipt(app, client, tmp_path, lang, **meta)
    copies = _copies(page)
    assert BODY_WORDS in copies  # still there to read
    assert CONTACT not in page


def test_once_confirmed_the_copy_offers_the_contact_page_again(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    location, _page = _receipt(app, client, tmp_path, "en", require_confirmation=True)
    with app.app_context():
        letter = db.session.scalars(select(Submission)).one()
        letter.status = SubmissionStatus.CONFIRMED
        db.session.commit()
    assert CONTACT in _copies(client.get(location).text)
