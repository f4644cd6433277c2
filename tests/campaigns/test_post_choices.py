"""Campaign files and the editor: post per letter or batched per target, and postal caps."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.test_editor import admin, edit_form, edit_url, stored
from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.services import export_campaign, import_campaign
from webapp.database import db
from webapp.models import Campaign

__all__ = ["admin"]  # the fixture, used by name


def _file(post: object = True, **meta: object) -> str:
    front = {
        "slug": "paper",
        "title": "On paper",
        "subject": "Please act",
        "salutation": "Dear President,",
        **meta,
        "targets": [
            {"kind": "custom", "name": "The President", "address": "1 Main St, Town, DC 20500"}
            | ({"post": post} if post is not None else {})
        ],
    }
    return f"---\n{yaml.safe_dump(front)}---\nPlease act.\n"


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        (None, (False, False)),
        (False, (False, False)),
        (True, (True, False)),  # the format before batches: one mailing per letter
        ("per_letter", (True, False)),
        ("batched", (True, True)),
    ],
)
def test_a_target_asks_for_post_per_letter_or_batched(
    post: object, expected: tuple[bool, bool]
) -> None:
    (target,) = parse_campaign_file(_file(post), "paper.md").targets
    assert (target.post, target.post_batched) == expected


def test_unknown_post_choices_and_bad_caps_are_named() -> None:
    with pytest.raises(CampaignFileError) as error:
        parse_campaign_file(_file("weekly", post_daily_limit=-1, post_total_limit="x"), "p.md")
    assert error.value.problems == [
        "post_daily_limit: must be a whole number of letters (0: no cap)",
        "post_total_limit: must be a whole number of letters (0: no cap)",
        "targets[1].post: must be true, false, per_letter or batched",
    ]


def test_batched_post_and_caps_round_trip_through_export(app: Flask) -> None:
    spec = parse_campaign_file(_file("batched", post_daily_limit=50, post_total_limit=0), "p.md")
    with app.app_context():
        import_campaign(db.session(), spec)
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == "paper")).one()
        assert (campaign.post_daily_limit, campaign.post_total_limit) == (50, 0)
        text = export_campaign(campaign)
    assert "post: batched" in text and "post_daily_limit: 50" in text
    again = parse_campaign_file(text, "again.md")
    assert (again.targets[0].post_batched, again.post_total_limit) == (True, 0)


def test_the_editor_shows_and_saves_each_offices_postal_choice(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    assert form["targets-0-post"] == "per_letter", "the shipped President is posted"
    form["targets-0-post"] = "batched"
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302
    president = stored(app, default_campaign).targets[0]
    assert (president.post, president.post_batched) == (True, True)
    shown = edit_form(admin, default_campaign)
    assert shown["targets-0-post"] == "batched"
    shown["targets-0-post"] = ""
    assert admin.post(edit_url(default_campaign), data=shown).status_code == 302
    president = stored(app, default_campaign).targets[0]
    assert (president.post, president.post_batched) == (False, False)
