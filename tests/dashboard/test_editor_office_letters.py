"""The editor carries each office's audience and own letter, per fixed office and per chamber."""

from __future__ import annotations

from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.test_editor import (
    admin,
    audit_entries,
    edit_form,
    edit_url,
    field_error,
    stored,
)
from webapp.models import Audience, TargetKind

__all__ = ["admin"]  # the fixture, used by name

SENATE_COVER = "A copy for you, Senator, from {{ supporter.city }}."
HOUSE_BODY = "Please co-sponsor the Syria bill, {{ target.title }} {{ target.last_name }}."


def test_the_default_campaign_shows_its_audiences_and_congress_letter(
    admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    assert form["targets-0-audience"] == "everyone"
    for chamber in ("us_senate", "us_house"):
        assert (
            form[f"letter_{chamber}-salutation"]
            == "Dear {{ target.title }} {{ target.last_name }},"
        )
        assert form[f"letter_{chamber}-cover"].startswith("I am writing to you as your constituent")
        assert form[f"letter_{chamber}-body"] == ""
    assert form["letter_state_upper-cover"] == ""


def test_saving_per_chamber_letters_splits_the_lookup_rule_and_shows_them_again(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    congress_id = stored(app, default_campaign).targets[1].id
    form = edit_form(admin, default_campaign)
    form["targets-0-audience"] = "constituents"
    form["targets-0-cover"] = "Mr President, a cover."
    form["letter_us_senate-cover"] = SENATE_COVER
    form["letter_us_house-salutation"] = ""
    form["letter_us_house-cover"] = ""
    form["letter_us_house-body"] = HOUSE_BODY
    response = admin.post(edit_url(default_campaign), data=form)
    assert response.status_code == 302, response.text

    president, senate, house = stored(app, default_campaign).targets
    assert president.audience is Audience.CONSTITUENTS
    assert president.cover == "Mr President, a cover."
    assert senate.kind is TargetKind.LOOKUP and senate.chambers == ["us_senate"]
    assert senate.cover == SENATE_COVER and senate.optional
    assert senate.salutation == "Dear {{ target.title }} {{ target.last_name }},"
    assert senate.audience is Audience.CONSTITUENTS
    assert house.chambers == ["us_house"] and house.body == HOUSE_BODY and house.cover is None
    assert house.salutation is None and house.optional
    assert congress_id not in {senate.id, house.id}  # a rule of different chambers is a new one
    (entry,) = audit_entries(app, "campaign.updated")
    assert "targets" in entry.details

    shown = edit_form(admin, default_campaign)
    assert shown["targets-0-audience"] == "constituents"
    assert shown["targets-0-cover"] == "Mr President, a cover."
    assert shown["letter_us_senate-cover"] == SENATE_COVER
    assert shown["letter_us_house-body"] == HOUSE_BODY

    # Giving both chambers the same letter again joins them into one rule.
    for part in ("salutation", "cover", "body"):
        shown[f"letter_us_house-{part}"] = shown[f"letter_us_senate-{part}"]
    assert admin.post(edit_url(default_campaign), data=shown).status_code == 302
    (_president, congress) = stored(app, default_campaign).targets
    assert congress.chambers == ["us_senate", "us_house"] and congress.cover == SENATE_COVER


def test_preview_shows_each_office_its_own_salutation_cover_and_body(
    admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form["letter_us_senate-cover"] = SENATE_COVER
    form["letter_us_house-cover"] = ""
    form["letter_us_house-body"] = HOUSE_BODY
    page = admin.post(
        f"/dashboard/campaigns/{default_campaign}/preview",
        data=form,
        headers={"X-Requested-With": "fetch"},
    )
    assert page.status_code == 200
    text = unescape(page.text)
    president, senator, representative = text.split('<article class="letter"')[1:]
    assert "Dear President Biden," in president and "letter-cover" not in president
    assert "One year ago when you became president" in president
    assert "Dear Senator Example," in senator
    assert (
        '<div class="letter-cover" lang="en" dir="auto">'
        "<p>A copy for you, Senator, from Dearborn.</p>" in senator
    )
    assert senator.index("letter-cover") < senator.index("One year ago")
    assert "Dear Representative Example," in representative
    assert "Please co-sponsor the Syria bill, Representative Example." in representative
    assert "One year ago" not in representative


def test_a_bad_merge_field_in_a_chamber_letter_is_shown_on_that_field(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form["letter_us_house-cover"] = "Hello {{ supporter.nickname }}"
    page = admin.post(edit_url(default_campaign), data=form)
    assert page.status_code == 422
    assert "unknown merge field supporter.nickname" in field_error(page, "letter_us_house-cover")
    assert 'href="#letter_us_house-cover"' in page.text  # linked from the summary
    assert stored(app, default_campaign).targets[1].chambers == ["us_senate", "us_house"]
