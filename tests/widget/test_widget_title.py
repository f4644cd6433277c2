"""The widget asks for the writer's title as the full page does: without one, Congress's message
system (CWC) takes no letter, and a widget letter to a member of Congress waited for its writer to
paste it into the member's website."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.delivery.campaigns import CWC_SENDER
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from webapp.database import db
from webapp.models import Channel, Delivery, Submission

SELECT_RE = re.compile(r'<select[^>]*name="prefix"[^>]*>(.*?)</select>', re.S)
NEEDED = "Congress's message system delivers a letter only with a title"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "CWC_API_KEY": "secret-test-key",
        "CWC_URL": "http://127.0.0.1:9/",
        **CWC_SENDER,
    }


def _titles(page: str) -> list[str]:
    """The title field's options, as the widget's form offers them."""
    found = SELECT_RE.search(page)
    assert found, "the widget's form has no title field"
    assert 'autocomplete="honorific-prefix"' in found.group(0)
    return re.findall(r'<option [^>]*value="([^"]*)"', found.group(1))


def test_a_letter_written_in_the_widget_with_a_title_goes_to_the_house_by_cwc(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_civic_data(app)
    page = open_widget(client, default_campaign).text
    titles = _titles(page)
    assert titles[0] == "" and "Ms." in titles
    assert NEEDED in page
    letter = letter_data(
        form_token(page),
        prefix="Ms.",
        street="100 Main St",
        zip_code=single_district_zip("MI", 12),
        body=None,
    )
    assert post_widget(client, default_campaign, letter).status_code in (200, 303)
    with app.app_context():
        assert db.session.scalars(select(Submission)).one().prefix == "Ms."
        house = db.session.scalars(
            select(Delivery.channel).where(Delivery.recipient_chamber == "us_house")
        ).one()
    assert house is Channel.CWC


def test_the_arabic_widget_says_why_the_title_matters(
    client: FlaskClient, default_campaign: str
) -> None:
    page = open_widget(client, default_campaign, lang="ar").text
    assert _titles(page)[0] == ""
    assert "لا يوصل نظام رسائل الكونغرس أي رسالة إلا إذا حملت لقبًا" in page
