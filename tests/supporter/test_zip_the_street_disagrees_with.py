"""A ZIP code the ZIP table does not know, beside a street the address service places in another
ZIP: said on the ZIP field, with that ZIP, on the page and in the widget; nothing typed is lost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

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
from tests.supporter.helpers import post_letter

MESSAGES = {
    "en": "We do not know the ZIP code \u206800000\u2069, and the address service found your "
    "street address in ZIP code \u206848126\u2069. Check your ZIP code.",
    "ar": "لا نعرف الرمز البريدي \u206800000\u2069، وقد وجدت خدمة العناوين عنوان شارعك في "
    "الرمز البريدي \u206848126\u2069. تحقّق من رمزك البريدي.",
}
# Fixtures: the geocoder stub, and the app pointed at it.

__all__ = ["census", "census_app_config"]


@pytest.mark.parametrize("action", ["preview", "send"])
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])
def test_an_unknown_zip_the_street_puts_elsewhere_is_named_with_the_streets_zip(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    census: StubServer,
    lang: str,
    post: Any,
    action: str,
) -> None:
    """It was taken without a word: the letter went on with ZIP 00000 in its address."""
    load_civic_data(app)
    assert "00000" not in zip_table()
    census.reply_json(ADDRESS, census_fixture(DEARBORN))  # matched: "..., MI, 48126"

    page = post(client, default_campaign, lang, action, zip_code="00000")

    assert_zip_field_error(page, MESSAGES[lang], "00000")
    assert 'id="street-error"' not in page.text
    for name, value in TYPED.items():
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"', page.text)
    assert letter_count(app) == 0


def test_the_zip_the_street_is_in_is_taken(
    app: Flask, client: FlaskClient, default_campaign: str, census: StubServer
) -> None:
    load_civic_data(app)
    census.reply_json(ADDRESS, census_fixture(DEARBORN))
    assert post_letter(client, default_campaign, zip_code="48126", **TYPED).status_code == 303


def test_a_zip_the_table_lacks_but_the_street_confirms_is_taken(
    app: Flask, client: FlaskClient, default_campaign: str, census: StubServer
) -> None:
    """A ZIP newer than the bundled table: the address service's match vouches for it."""
    load_civic_data(app)
    assert "48199" not in zip_table()
    answer = census_fixture(DEARBORN)
    match = answer["result"]["addressMatches"][0]
    match["matchedAddress"] = "16901 MICHIGAN AVE, DEARBORN, MI, 48199"
    match["addressComponents"]["zip"] = "48199"
    census.reply_json(ADDRESS, answer)

    preview = post_letter(client, default_campaign, "preview", zip_code="48199", **TYPED)
    assert preview.status_code == 200, preview.text
    assert 'id="zip_code-error"' not in preview.text
    assert post_letter(client, default_campaign, zip_code="48199", **TYPED).status_code == 303
