"""Which reading copies a save leaves behind: an original changed, its translation did not."""

from __future__ import annotations

import dataclasses

from flask import Flask

from tests.dashboard.test_editor import stored
from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.reading_changes import LeftBehind, left_behind
from webapp.campaigns.services import export_campaign, read_campaign_file
from webapp.models import Target, TargetKind


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


GOVERNOR_AR = {"ar": {"name": "حاكم ميشيغان"}}


def test_a_new_office_above_a_renamed_one_leaves_the_rename_found(
    app: Flask, default_campaign: str
) -> None:
    """A fixed office added above the President, whose English name changes while its Arabic
    name stays: the President is still found by its Arabic name (review rev4)."""
    before = stored(app, default_campaign)
    spec = _file(app, default_campaign)
    fixed = next(i for i, t in enumerate(spec.targets) if t.name)
    president = dataclasses.replace(spec.targets[fixed], name="The President")
    governor = dataclasses.replace(
        spec.targets[fixed], name="Governor of Michigan", translations=GOVERNOR_AR
    )
    rest = [t for i, t in enumerate(spec.targets) if i != fixed]
    spec.targets = [governor, president, *rest]
    assert left_behind(before, spec) == [LeftBehind("ar", "name", 1)]


def test_two_renamed_offices_swapped_are_each_compared_with_their_own(
    app: Flask, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    spec = _file(app, default_campaign)
    fixed = next(i for i, t in enumerate(spec.targets) if t.name)
    president = spec.targets[fixed]
    before.targets = [
        *before.targets,
        Target(
            kind=TargetKind.CUSTOM,
            name="Governor of Michigan",
            office=president.office,
            translations=GOVERNOR_AR,
        ),
    ]
    # Both renamed in English only, and their order swapped; the governor's new row copies the
    # President's address, so only the Arabic names tell them apart.
    governor = dataclasses.replace(president, name="Gov. of Michigan", translations=GOVERNOR_AR)
    spec.targets = [
        governor,
        dataclasses.replace(president, name="The President"),
        *[t for i, t in enumerate(spec.targets) if i != fixed],
    ]
    assert left_behind(before, spec) == [LeftBehind("ar", "name", 0), LeftBehind("ar", "name", 1)]


def test_line_ends_and_edge_spaces_are_not_a_change(app: Flask, default_campaign: str) -> None:
    """A campaign file written with CRLF keeps them in the letter; the editor's save folds them
    (clean_block). Neither is a new wording (review rev4)."""
    before = stored(app, default_campaign)
    spec = _file(app, default_campaign)
    before.body = before.body.replace("\n", "\r\n") + "\r\n"
    spec.title = f" {spec.title} "
    assert left_behind(before, spec) == []
    spec.body = spec.body + "\n\nThank you for reading."
    assert left_behind(before, spec) == [LeftBehind("ar", "body")]
