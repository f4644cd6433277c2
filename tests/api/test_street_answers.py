"""What the letter form says as the ZIP is typed: a short summary for screen readers, and the
street address's own answer to every note that asks for it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.civic.data import load_civic_data, single_district_zip

URL = "/api/representatives"
SPLIT_NOTE = {
    "en": "Your ZIP code is split between congressional districts. Enter your street address "
    "so we can find your own representative.",
    "ar": "رمزك البريدي موزّع على أكثر من دائرة انتخابية. أدخل عنوان شارعك لنجد النائب الذي يمثّلك.",
}
WITH_STREET = {
    "en": "We will find your district from your street address when you preview your letter.",
    "ar": "سنحدّد دائرتك الانتخابية من عنوان شارعك عند معاينة رسالتك.",
}
HINTS = {
    "en": (
        "ZIP 48126 is split between districts 12 and 13; add your street address.",
        "ZIP 48126 is split between districts 12 and 13; we will find yours from your street "
        "address.",
    ),
    "ar": (
        "الرمز البريدي \u206848126\u2069 موزّع على الدوائر \u206812\u2069 و\u206813\u2069؛ "
        "أضف عنوان شارعك.",
        "الرمز البريدي \u206848126\u2069 موزّع على الدوائر \u206812\u2069 و\u206813\u2069؛ "
        "سنحدّد دائرتك من عنوان شارعك.",
    ),
}
SUMMARIES = {
    ("en", 3): "Your letter will go to 3 offices.",
    ("en", 4): "Your letter will go to 4 offices.",
    ("ar", 3): "ستُرسَل رسالتك إلى \u20683\u2069 مكاتب.",
    ("ar", 4): "ستُرسَل رسالتك إلى \u20684\u2069 مكاتب.",
}


@pytest.fixture
def loaded(app: Flask) -> Flask:
    load_civic_data(app)
    return app


def _get(client: FlaskClient, **params: str) -> Any:
    response = client.get(URL, query_string=params)
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_split_zip_says_what_the_street_address_will_do_once_typed(
    client: FlaskClient, loaded: Flask, default_campaign: str, lang: str
) -> None:
    body = _get(client, zip="48126", state="MI", campaign=default_campaign, lang=lang)
    assert SPLIT_NOTE[lang] in body["notes"]
    assert body["with_street"] == {SPLIT_NOTE[lang]: WITH_STREET[lang]}
    assert (body["zip_hint"], body["zip_hint_street"]) == HINTS[lang]
    # The President and the two senators: the Representative waits for the street.
    assert body["summary"] == SUMMARIES[(lang, 3)]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_one_district_has_nothing_to_ask_and_counts_every_office(
    client: FlaskClient, loaded: Flask, default_campaign: str, lang: str
) -> None:
    zip_code = single_district_zip("MI", 12)
    body = _get(client, zip=zip_code, state="MI", campaign=default_campaign, lang=lang)
    assert body["with_street"] == {} and body["zip_hint_street"] is None
    assert body["summary"] == SUMMARIES[(lang, 4)]
