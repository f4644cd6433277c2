"""A supporter's value inside a reading copy's sentence is isolated for bidi: "Dearborn (MI)" in
the Arabic cover note read "(Dearborn (MI" on screen. The letter offices get carries no marks."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.civic.data import load_civic_data, single_district_zip
from tests.supporter.helpers import post_letter

CITY = "Dearborn (MI)"


def test_the_arabic_cover_note_isolates_the_city_and_the_english_one_does_not(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    letter = {"street": None, "city": CITY, "state": "MI", "zip_code": zip_code}

    page = post_letter(client, f"{default_campaign}?lang=ar", "preview", **letter)

    assert page.status_code == 200, page.text
    assert f"أكتب إليكم بصفتي أحد ناخبيكم في \u2068{CITY}\u2069." in page.text
    # What offices receive is the text as merged, without isolate marks.
    assert f"I am writing to you as your constituent in {CITY}." in page.text
