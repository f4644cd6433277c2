"""A ZIP code the ZIP table knows, typed beside a street the address service places in another
ZIP: asked about on the ZIP field, with both ZIPs, and kept when the supporter says it is theirs
(the geocoder's ZIPs come from TIGER's address ranges and can differ from the Postal Service's
near a ZIP's edge: the recorded 1600 Pennsylvania Ave NW, typed with 20500, matched in 20502)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from tests.civic.data import load_civic_data, zip_table
from tests.civic.geocoder import ADDRESS, DEARBORN, census, census_app_config, census_fixture
from tests.stubs import StubServer
from tests.supporter.dearborn_street import (
    TYPED,
    assert_zip_field_error,
    in_widget,
    letter_count,
    on_page,
)
from webapp.database import db
from webapp.models import Submission

MESSAGES = {
    "en": "The address service found your street address in ZIP code \u206848126\u2069, not "
    "\u206848127\u2069. Check your ZIP code; if \u206848127\u2069 is right, tick the box below it.",
    "ar": "وجدت خدمة العناوين عنوان شارعك في الرمز البريدي \u206848126\u2069، لا "
    "\u206848127\u2069. تحقّق من رمزك البريدي؛ وإن كان \u206848127\u2069 صحيحًا فضع علامة في "
    "المربع تحته.",
}
BOX_LABELS = {
    "en": "Yes, my ZIP code is <bdi>48127</bdi>",
    "ar": "نعم، رمزي البريدي هو <bdi>48127</bdi>",
}
# Fixtures: the geocoder stub, and the app pointed at it.

__all__ = ["census", "census_app_config"]


def letters(app: Flask) -> list[str]:
    with app.app_context():
        return [s.zip_code or "" for s in db.session.scalars(select(Submission))]


@pytest.fixture
def street_in_48126(app: Flask, census: StubServer) -> None:
    load_civic_data(app)
    assert "48127" in zip_table() and "48126" in zip_table()
    census.reply_json(ADDRESS, census_fixture(DEARBORN))  # matched: "..., MI, 48126"


@pytest.mark.parametrize("action", ["preview", "send"])
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])
def test_a_known_zip_the_street_puts_elsewhere_is_asked_about_then_kept(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    street_in_48126: None,
    lang: str,
    post: Any,
    action: str,
) -> None:
    """It was taken without a word: a mistyped 48127 went to the office with the letter."""
    page = post(client, default_campaign, lang, action, zip_code="48127")

    assert_zip_field_error(page, MESSAGES[lang], "48127")
    box = re.search(r'<input[^>]*name="zip_kept"[^>]*>', page.text)
    assert box is not None and 'type="checkbox"' in box.group(0)
    assert 'value="48127"' in box.group(0) and "checked" not in box.group(0)
    assert f'<label for="zip_kept">{BOX_LABELS[lang]}</label>' in page.text
    for name, value in TYPED.items():
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"', page.text)
    assert letter_count(app) == 0

    # The supporter is sure: the box keeps their ZIP, and the letter goes with it.
    kept = post(client, default_campaign, lang, action, zip_code="48127", zip_kept="48127")
    assert kept.status_code in (200, 303), kept.text
    assert 'id="zip_code-error"' not in kept.text
    if action == "preview":
        assert re.search(r'<input type="hidden" name="zip_kept" value="48127">', kept.text)
    else:
        assert letters(app) == ["48127"]


def test_a_zip_kept_before_it_was_changed_is_asked_about_again(
    app: Flask, client: FlaskClient, default_campaign: str, street_in_48126: None
) -> None:
    """The box keeps the ZIP it was ticked for, not whatever is typed after."""
    page = on_page(client, default_campaign, "en", "send", zip_code="48127", zip_kept="48120")
    assert page.status_code == 422
    assert f'<p class="error" id="zip_code-error">{escape(MESSAGES["en"])}</p>' in page.text
    assert letter_count(app) == 0


def test_the_mended_zip_is_taken_and_a_kept_one_survives_change_something(
    app: Flask, client: FlaskClient, default_campaign: str, street_in_48126: None
) -> None:
    back = on_page(client, default_campaign, "en", "edit", zip_code="48127", zip_kept="48127")
    assert '<input type="hidden" name="zip_kept" value="48127">' in back.text
    assert on_page(client, default_campaign, "en", "send", zip_code="48126").status_code == 303
    assert letters(app) == ["48126"]
