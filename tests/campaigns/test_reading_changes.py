"""Which reading copies a save leaves behind: an original changed, its translation did not."""

from __future__ import annotations

import dataclasses

from flask import Flask

from tests.dashboard.test_editor import stored
from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.reading_changes import LeftBehind, left_behind
from webapp.campaigns.services import export_campaign, read_campaign_file


def _file(app: Flask, slug: str) -> CampaignFile:
    with app.app_context():
        return read_campaign_file(export_campaign(stored(app, slug)), origin="test")


def test_only_texts_whose_translation_stayed_are_left_behind(
    app: Flask, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    spec = _file(app, default_campaign)
    assert left_behind(before, spec) == []
    assert left_behind(None, spec) == []
    # The title alone: left behind. The subject with its translation: not.
    spec.title = "New title"
    spec.subject = "New subject"
    spec.translations["ar"]["subject"] = "موضوع جديد"
    # A lookup rule's cover, found again by its chambers.
    lookup = next(i for i, t in enumerate(spec.targets) if t.chambers)
    spec.targets[lookup] = dataclasses.replace(spec.targets[lookup], cover="A new cover.")
    assert left_behind(before, spec) == [
        LeftBehind("ar", "title"),
        LeftBehind("ar", "cover", lookup),
    ]


def test_a_translation_missing_before_or_after_is_not_left_behind(
    app: Flask, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    spec = _file(app, default_campaign)
    spec.title = "New title"
    spec.translations["ar"].pop("title")
    assert left_behind(before, spec) == []
    before.translations = {
        "ar": {k: v for k, v in before.translations["ar"].items() if k != "title"}
    }
    assert left_behind(before, _file(app, default_campaign)) == []


def test_a_renamed_fixed_office_is_compared_with_the_one_it_replaces(
    app: Flask, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    spec = _file(app, default_campaign)
    fixed = next(i for i, t in enumerate(spec.targets) if t.name)
    spec.targets[fixed] = dataclasses.replace(spec.targets[fixed], name="The President")
    assert left_behind(before, spec) == [LeftBehind("ar", "name", fixed)]
