"""A supporter in Washington, DC or a territory is told why no senator is offered: the preview, the
live list's API and the Arabic page say that the place has no senators."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.civic.data import load_civic_data, single_district_zip
from tests.supporter.helpers import post_letter

NO_SENATORS = "Washington, DC and the US territories have no senators"
NO_SENATORS_AR = "ليس لواشنطن العاصمة ولا للأقاليم الأمريكية أعضاء في مجلس الشيوخ"


@pytest.fixture
def loaded(app: Flask, default_campaign: str) -> str:
    load_civic_data(app)
    return default_campaign


@pytest.mark.parametrize(("state", "zip_code"), [("DC", "20001"), ("PR", "00601")])
def test_the_preview_says_the_place_has_no_senators(
    client: FlaskClient, loaded: str, state: str, zip_code: str
) -> None:
    letter = {"street": None, "city": "Capital", "state": state, "zip_code": zip_code}

    preview = post_letter(client, loaded, "preview", **letter)

    assert preview.status_code == 200, preview.text
    assert NO_SENATORS in preview.text
    api = client.get(f"/api/representatives?zip={zip_code}&state={state}&campaign={loaded}")
    assert any(NO_SENATORS in note for note in api.get_json()["notes"])


def test_the_arabic_preview_says_it_in_arabic(client: FlaskClient, loaded: str) -> None:
    letter = {"street": None, "city": "Washington", "state": "DC", "zip_code": "20001"}

    preview = post_letter(client, f"{loaded}?lang=ar", "preview", **letter)

    assert preview.status_code == 200, preview.text
    assert NO_SENATORS_AR in preview.text
    assert NO_SENATORS not in preview.text


def test_a_state_with_senators_gets_no_such_note(client: FlaskClient, loaded: str) -> None:
    zip_code = single_district_zip("MI", 12)
    letter = {"street": None, "city": "Southfield", "state": "MI", "zip_code": zip_code}

    preview = post_letter(client, loaded, "preview", **letter)

    assert preview.status_code == 200, preview.text
    assert "no senators" not in preview.text
