"""Campaign files import idempotently and keep their letters; the coalition letter arrives whole."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from tests.conftest import SHARED
from webapp.campaigns.fileformat import parse_campaign_file
from webapp.campaigns.services import (
    DEFAULT_CAMPAIGN_FILE,
    export_campaign,
    import_campaign,
    import_campaign_path,
)
from webapp.database import db
from webapp.models import Campaign, Signatory, Target, TargetKind


def _campaign(slug: str) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    assert campaign is not None
    return campaign


def test_coalition_letter_imports_without_loss(app: Flask) -> None:
    with app.app_context():
        import_campaign_path(db.session(), SHARED / "campaigns" / "syria-five-steps.md")
        campaign = _campaign("syria-five-steps")
        assert campaign.salutation == "Dear President Biden,"
        assert campaign.subject.startswith("5 steps to show")
        for step in range(1, 6):
            assert f"\n{step}. " in campaign.body
        assert len(campaign.signatories) == 35
        members = [
            s.name for s in campaign.signatories if s.member_of == "American Coalition for Syria"
        ]
        assert len(members) == 10
        assert "Syrian Emergency Task Force" in members
        president, congress = campaign.targets
        assert president.kind is TargetKind.CUSTOM and president.office == "The White House"
        assert president.address == "1600 Pennsylvania Avenue NW, Washington, DC 20500"
        assert president.contact_url == "https://www.whitehouse.gov/contact/"
        assert congress.kind is TargetKind.LOOKUP
        assert congress.chambers == ["us_senate", "us_house"] and congress.optional


def test_shipped_default_matches_the_coalition_text(app: Flask) -> None:
    shipped = parse_campaign_file(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    original = parse_campaign_file((SHARED / "campaigns" / "syria-five-steps.md").read_text())
    assert shipped.body == original.body
    assert [s.name for s in shipped.signatories] == [s.name for s in original.signatories]
    assert shipped.salutation == original.salutation and shipped.title == original.title


def test_reimport_updates_in_place_and_keeps_target_ids(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        first = import_campaign_path(session, DEFAULT_CAMPAIGN_FILE)
        assert first.created
        target_ids = [t.id for t in _campaign("syria-five-steps").targets]
        external_id = _campaign("syria-five-steps").external_id
        text = DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8").replace(
            'subject: "5 steps', 'subject: "Five steps'
        )
        second = import_campaign(session, parse_campaign_file(text))
        assert not second.created and second.targets_added == 0 and second.targets_removed == 0
        session.expire_all()
        campaign = _campaign("syria-five-steps")
        assert campaign.subject.startswith("Five steps")
        assert [t.id for t in campaign.targets] == target_ids
        assert campaign.external_id == external_id
        assert session.scalar(select(func.count(Campaign.id))) == 1
        assert session.scalar(select(func.count(Signatory.id))) == 35
        assert session.scalar(select(func.count(Target.id))) == 2


def test_export_then_import_round_trips(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        import_campaign_path(session, DEFAULT_CAMPAIGN_FILE)
        campaign = _campaign("syria-five-steps")
        exported = export_campaign(campaign)
        spec = parse_campaign_file(exported)
        assert spec.body.strip() == campaign.body.strip()
        assert spec.external_id == campaign.external_id
        assert [s.member_of for s in spec.signatories] == [
            s.member_of for s in campaign.signatories
        ]
        again = import_campaign(session, spec)
        assert not again.created and again.targets_added == 0


def test_cli_import_reports_every_problem(app: Flask, tmp_path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\nslug: Bad Slug\ntargets: []\n---\nHello {{ supporter.password }}\n")
    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(bad)])
    assert result.exit_code == 1
    assert "slug:" in result.output and "targets:" in result.output
    assert "title: is required" in result.output
    assert "unknown merge field supporter.password" in result.output


def test_cli_import_twice_creates_then_updates(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["campaigns", "import", str(DEFAULT_CAMPAIGN_FILE)])
    second = runner.invoke(args=["campaigns", "import", str(DEFAULT_CAMPAIGN_FILE)])
    assert "syria-five-steps: created" in first.output
    assert "syria-five-steps: updated" in second.output
    listed = runner.invoke(args=["campaigns", "list"])
    assert "syria-five-steps\tlive\t0 letter(s)" in listed.output


def test_default_campaign_files_its_letters_under_international_affairs(app: Flask) -> None:
    with app.app_context():
        import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
        assert _campaign("syria-five-steps").topics == ["International Affairs"]
