"""A fixed office greeted by a salutation written for members of Congress: its letters opened
"Dear  ," (title and last name are a member's, a fixed office has neither). The file check, the
import and the editor now say so, on that office's salutation, and keep everything typed."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.dashboard.editor_helpers import create_account, log_in, read_form
from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.services import import_campaign
from webapp.database import db, write_transaction
from webapp.models import Target

MEMBERS = "Dear {{ target.title }} {{ target.last_name }},"
ENVOY: dict[str, Any] = {"kind": "custom", "name": "Office of the Special Envoy"}
HOUSE: dict[str, Any] = {"kind": "lookup", "chambers": ["us_house"]}


def campaign_file(salutation: str, targets: list[dict[str, Any]]) -> str:
    front = {
        "slug": "free-detainees",
        "title": "Free Syria's detainees",
        "subject": "Act for Syria's detainees",
        "salutation": salutation,
        "targets": targets,
    }
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\nFree them.\n"


def test_a_fixed_office_without_its_own_salutation_is_named() -> None:
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign_file(campaign_file(MEMBERS, [HOUSE, ENVOY]))
    (problem,) = caught.value.problems
    assert problem == (
        "targets[2].salutation: the campaign's salutation greets offices by target.title, "
        "target.last_name, which a fixed office does not have: this office's letters would "
        "open with blanks. Give it its own salutation"
    )


@pytest.mark.parametrize(
    ("salutation", "envoy"),
    [
        (MEMBERS, {**ENVOY, "salutation": "Dear Special Envoy,"}),  # its own greeting
        ("Dear {{ target.name }},", ENVOY),  # a fixed office has a name
        ("Dear {{ target.title | default('friends', true) }},", ENVOY),  # stands in when empty
        ("Dear Representative {{ target.last_name }},", None),  # members only
    ],
)
def test_greetings_that_read_well_pass(salutation: str, envoy: dict[str, Any] | None) -> None:
    parse_campaign_file(campaign_file(salutation, [HOUSE, *([envoy] if envoy else [])]))


def test_the_editor_says_it_on_the_offices_salutation_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient
) -> None:
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    form = read_form(client.get("/dashboard/campaigns/new").text)
    typed = {
        "slug": "free-detainees",
        "title": "Free Syria's detainees",
        "subject": "Act for Syria's detainees",
        "salutation": MEMBERS,
        "body": "More than 100,000 Syrians remain detained.",
        "status": "live",
        "lookup_us_house": "y",
        "targets-0-name": "Office of the Special Envoy",
        "targets-0-email": "envoy@example.org",
    }
    for key, value in typed.items():
        form.setlist(key, [value])
    page = client.post("/dashboard/campaigns/new", data=form)
    assert page.status_code == 422, page.text
    text = unescape(page.text)
    assert '<p class="error" id="targets-0-salutation-error">' in page.text
    assert "which a fixed office does not have: this office's letters would open with blanks" in (
        text
    )
    kept = read_form(page.text)
    assert {key: kept.get(key) for key in typed} == typed


def test_a_campaign_stored_before_the_check_lists_it_on_its_dashboard(
    app: Flask, client: FlaskClient
) -> None:
    envoy = {**ENVOY, "salutation": "Dear Special Envoy,"}
    with app.app_context():
        import_campaign(db.session(), parse_campaign_file(campaign_file(MEMBERS, [HOUSE, envoy])))
        with write_transaction(db.session()) as session:  # as a campaign saved before the check
            session.execute(
                update(Target).where(Target.name == ENVOY["name"]).values(salutation=None)
            )
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    text = unescape(client.get("/dashboard/campaigns/free-detainees").text)
    assert (
        "Letters still go out as it is saved. The editor will ask for these to be corrected:"
        in (text)
    )
    assert "targets[2].salutation: the campaign's salutation greets offices by target.title" in text
