"""Targets in campaign files: who may write to them and each office's own letter, round trip."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask
from sqlalchemy import select

from tests.conftest import SHARED
from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.services import (
    DEFAULT_CAMPAIGN_FILE,
    export_campaign,
    import_campaign,
    import_campaign_path,
)
from webapp.database import db
from webapp.models import Audience, Campaign, Target, TargetKind

COVER = "As your constituent in {{ supporter.city }}, I send you my letter.\n\n**Please act.**"
OWN_BODY = "Please co-sponsor the water bill, {{ target.title }} {{ target.last_name }}."


def campaign_file(targets: list[dict[str, object]]) -> str:
    front = {
        "slug": "clean-water",
        "title": "Safe water",
        "subject": "Safe water in {{ supporter.city }}",
        "salutation": "Dear Governor,",
        "targets": targets,
    }
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\nFix the pipes.\n"


TARGETS: list[dict[str, object]] = [
    {"kind": "custom", "name": "The Governor", "email": "governor@example.org"},
    {"kind": "custom", "name": "The Mayor", "audience": "constituents", "cover": "A copy."},
    {
        "kind": "lookup",
        "chambers": ["us_senate"],
        "salutation": "Dear Senator {{ target.last_name }},",
        "cover": COVER,
    },
    {"kind": "lookup", "chambers": ["us_house"], "body": OWN_BODY, "audience": "everyone"},
]


def test_audience_defaults_by_kind_and_the_file_may_say_otherwise() -> None:
    governor, mayor, senate, house = parse_campaign_file(campaign_file(TARGETS)).targets
    assert governor.audience is Audience.EVERYONE  # a fixed office hears from everyone
    assert mayor.audience is Audience.CONSTITUENTS
    assert senate.audience is Audience.CONSTITUENTS  # officials found for the supporter
    assert house.audience is Audience.EVERYONE
    assert senate.salutation == "Dear Senator {{ target.last_name }}," and senate.cover == COVER
    assert house.body == OWN_BODY and house.cover is None and governor.body is None


def test_bad_audience_and_merge_fields_in_an_office_letter_are_named() -> None:
    bad = [
        {"kind": "custom", "name": "The Governor", "audience": "residents"},
        {"kind": "lookup", "chambers": ["us_house"], "cover": "Hi {{ supporter.nickname }}"},
        {"kind": "lookup", "chambers": ["us_senate"], "body": "{% if x %}x{% endif %}"},
    ]
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign_file(campaign_file(bad))
    problems = caught.value.problems
    assert any(
        p.startswith("targets[1].audience: must be constituents or everyone") for p in problems
    )
    assert any(p.startswith("targets[2].cover:") and "supporter.nickname" in p for p in problems)
    assert any(p.startswith("targets[3].body:") for p in problems)


def test_office_letters_survive_import_export_and_import(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        import_campaign(session, parse_campaign_file(campaign_file(TARGETS)))
        campaign = session.scalars(select(Campaign)).one()
        exported = export_campaign(campaign)
        ids = [t.id for t in campaign.targets]

        again = parse_campaign_file(exported)
        assert again.targets == parse_campaign_file(campaign_file(TARGETS)).targets
        result = import_campaign(session, again)
        assert (result.targets_added, result.targets_removed) == (0, 0)
        session.expire_all()
        targets = session.scalars(select(Target).order_by(Target.position)).all()
        assert [t.id for t in targets] == ids
        assert [t.audience for t in targets] == [
            Audience.EVERYONE,
            Audience.CONSTITUENTS,
            Audience.CONSTITUENTS,
            Audience.EVERYONE,
        ]
        # Two one-chamber lookup rules stay two rules, each with its own letter.
        senate, house = targets[2:]
        assert (senate.chambers, senate.cover, senate.body) == (["us_senate"], COVER, None)
        assert (house.chambers, house.cover, house.body) == (["us_house"], None, OWN_BODY)
        assert senate.salutation == "Dear Senator {{ target.last_name }},"


def test_a_target_made_in_code_knows_its_audience_before_it_is_saved() -> None:
    assert Target(kind=TargetKind.CUSTOM, name="x").audience is Audience.EVERYONE
    assert Target(kind=TargetKind.LOOKUP, chambers=["us_house"]).audience is Audience.CONSTITUENTS


def test_reimporting_the_default_campaign_updates_an_existing_database(app: Flask) -> None:
    """A database holding the coalition letter from before covers existed gets them on import."""
    with app.app_context():
        session = db.session()
        import_campaign_path(session, SHARED / "campaigns" / "syria-five-steps.md")
        before = {t.kind: (t.id, t.cover) for t in session.scalars(select(Target))}
        assert before[TargetKind.LOOKUP][1] is None

    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(DEFAULT_CAMPAIGN_FILE)])
    assert result.exit_code == 0, result.output
    assert "syria-five-steps: updated (0 target(s) added, 0 removed)" in result.output

    with app.app_context():
        president, congress = db.session.scalars(select(Target).order_by(Target.position)).all()
        assert (president.id, congress.id) == (
            before[TargetKind.CUSTOM][0],
            before[TargetKind.LOOKUP][0],
        )
        assert president.audience is Audience.EVERYONE and president.cover is None
        assert congress.audience is Audience.CONSTITUENTS
        assert congress.salutation == "Dear {{ target.title }} {{ target.last_name }},"
        assert congress.cover is not None and "President Biden" in congress.cover
        assert congress.body is None  # the coalition's letter itself goes below the cover


def test_default_cover_is_plain_and_of_the_promised_length() -> None:
    spec = parse_campaign_file(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    cover = spec.targets[1].cover
    assert cover is not None
    words = cover.replace("{{ supporter.city }}", "Dearborn").split()
    assert 60 <= len(words) <= 110
    assert "five steps" in cover and "press the administration" in cover
