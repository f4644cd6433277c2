"""Digits typed in other scripts (Arabic-Indic, full-width…) mean the same as ASCII digits."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import house_member, load_civic_data, zip_table
from tests.civic.geocoder import ADDRESS
from tests.stubs import StubServer
from tests.supporter import test_lookup_flow
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Delivery, Submission
from webapp.models.statuses import LookupMatch

SPLIT_ZIP = "48126"
# The same ZIP in Arabic-Indic, Extended Arabic-Indic (Persian), full-width and Devanagari.
SPELLINGS = {
    "arabic-indic": "٤٨١٢٦",
    "persian": "۴۸۱۲۶",
    "full-width": "４８１２６",
    "devanagari": "४८१२६",
}
DISTRICT_RE = re.compile(r'name="district" id="district-(\d+)" value="(\d+)"')
# The stub Census geocoder and the settings pointing at it.
census = test_lookup_flow.census
app_config = test_lookup_flow.app_config


@pytest.fixture
def loaded(app: Flask, default_campaign: str, census: StubServer) -> str:
    load_civic_data(app)
    census.reply(ADDRESS, 503)  # the street cannot settle the district: the choice is offered
    return default_campaign


def _choice(client: FlaskClient, slug: str, zip_code: str) -> list[tuple[str, str]]:
    page = post_letter(client, slug, "preview", zip_code=zip_code)
    assert page.status_code == 422, page.text
    assert 'id="district-error"' in page.text
    return DISTRICT_RE.findall(page.text)


@pytest.mark.parametrize("script", sorted(SPELLINGS))
def test_split_zip_in_other_digits_offers_the_same_district_choice(
    client: FlaskClient, loaded: str, script: str
) -> None:
    assert {d for _, d in zip_table()[SPLIT_ZIP]} == {12, 13}
    ascii_choice = _choice(client, loaded, SPLIT_ZIP)
    assert ascii_choice == [("12", "12"), ("13", "13")]
    assert _choice(client, loaded, SPELLINGS[script]) == ascii_choice
    assert _choice(client, loaded, SPELLINGS[script] + "-١٢٣٤") == ascii_choice


def test_district_chosen_in_arabic_indic_digits_is_recorded(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    zip_code, district = SPELLINGS["arabic-indic"], "١٣"
    preview = post_letter(client, loaded, "preview", zip_code=zip_code, district=district)
    assert preview.status_code == 200, preview.text
    assert post_letter(client, loaded, zip_code=zip_code, district=district).status_code == 303
    with app.app_context():
        (recorded,) = db.session.scalars(select(Submission)).all()
        assert (recorded.lookup_match, recorded.districts["cd"]) == (LookupMatch.CHOSEN, 13)
        assert recorded.supporter.zip_code == SPLIT_ZIP
        keys = {d.recipient_key for d in db.session.scalars(select(Delivery))}
    assert f"official:{house_member('MI', 13)}" in keys


def test_the_api_reads_other_digits_as_ascii(client: FlaskClient, loaded: str) -> None:
    ascii_answer = client.get("/api/representatives", query_string={"zip": SPLIT_ZIP}).get_json()
    for spelling in SPELLINGS.values():
        answer = client.get("/api/representatives", query_string={"zip": spelling})
        assert answer.status_code == 200
        assert answer.get_json()["candidates"] == ascii_answer["candidates"]
        assert answer.get_json()["candidates"]


def test_superscripts_and_circled_numbers_are_not_digits(client: FlaskClient, loaded: str) -> None:
    page = post_letter(client, loaded, "preview", zip_code="４８１２⑥")
    assert page.status_code == 422
    assert "Enter a 5-digit ZIP code" in page.text
