"""A partner's Arabic name and consent wording save on a campaign without an Arabic letter, and
Arabic pages read them; Arabic letter texts without the Arabic letter are refused on that field."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from tests.campaigns.test_consent_translations import ARABIC, _partner_file
from tests.campaigns.test_translations import _problems
from tests.dashboard.editor_helpers import read_form
from tests.dashboard.test_editor import (
    NEW,
    WATER,
    admin,
    edit_form,
    field_error,
    new_form,
    stored,
)
from webapp.campaigns.fileformat import parse_campaign_file

__all__ = ["admin"]  # the fixture, used by name

NAME_AR = "فرع البلدة"
CONSENT_AR = "يمكن لفرع البلدة مراسلتي."
PARTNER = {
    "partners-0-reading_name": NAME_AR,
    "partners-0-consent_text": "Town Chapter may email me.",
    "partners-0-reading_consent": CONSENT_AR,
}


def test_a_file_may_word_its_partners_in_a_language_it_has_no_letter_in() -> None:
    copy = {"ar": {"partners": {"riverside": {"name": NAME_AR, "consent": CONSENT_AR}}}}
    spec = parse_campaign_file(_partner_file(copy))
    assert spec.translations == {
        "ar": {"partners": {"riverside": CONSENT_AR}, "partner_names": {"riverside": NAME_AR}}
    }
    spec = parse_campaign_file(_partner_file({"ar": {"consent_text": "راسلوني."}}))
    assert spec.translations == {"ar": {"consent_text": "راسلوني."}}
    # The letter's own texts still come with the letter.
    (problem,) = _problems(_partner_file({"ar": {"title": "مياه", **copy["ar"]}}))
    assert problem.startswith("translations.ar.body: is required when this language has a title")


def test_a_partners_arabic_saves_on_a_campaign_with_no_arabic_letter(
    app: Flask, admin: FlaskClient
) -> None:
    response = admin.post(NEW, data=new_form(admin, **WATER, **PARTNER))
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>(.*?)<', response.text)
    campaign = stored(app, "clean-water")
    assert campaign.reading_copy("ar") is None  # still no Arabic letter
    form = edit_form(admin, "clean-water")
    assert (form["partners-0-reading_name"], form["partners-0-reading_consent"]) == (
        NAME_AR,
        CONSENT_AR,
    )
    # Arabic pages read them: the partner named, and asked, in Arabic.
    (partner,) = campaign.partners
    assert campaign.partner_name(partner, "ar") == NAME_AR
    assert campaign.consent_wording("ar", partner) == (CONSENT_AR, "ar")
    assert campaign.partner_name(partner, "en") == "Town Chapter"


def test_arabic_page_of_such_a_campaign_asks_in_the_partners_arabic(
    admin: FlaskClient, client: FlaskClient
) -> None:
    assert admin.post(NEW, data=new_form(admin, **WATER, **PARTNER)).status_code == 302
    # A supporter's browser that asks for Arabic (the fixtures share one client).
    client.environ_base.update(ARABIC)
    page = client.get("/campaigns/clean-water?partner=town")
    assert page.status_code == 200
    assert CONSENT_AR in page.text and f"\u2068{NAME_AR}\u2069" in unescape(page.text)


def test_an_arabic_title_without_the_arabic_letter_says_what_to_do_and_keeps_it(
    admin: FlaskClient,
) -> None:
    typed = {**WATER, **PARTNER, "reading_title": "مياه آمنة لكل مدرسة"}
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    assert re.findall(r'id="([a-z_0-9-]+)-error"', page.text) == ["reading_body"]
    assert field_error(page, "reading_body") == (
        "Is required when this language has a title, subject, introduction, salutation "
        "or signatories' names: write the letter in it too, or empty those"
    )
    kept = read_form(page.text)
    assert kept["reading_title"] == "مياه آمنة لكل مدرسة"
    assert (kept["partners-0-reading_name"], kept["partners-0-reading_consent"]) == (
        NAME_AR,
        CONSENT_AR,
    )
