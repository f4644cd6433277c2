"""Campaign snapshots: reused while unchanged (one small query), replaced on any edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, inspect, select, update
from sqlalchemy.orm import Session

from tests.statements import statements
from tests.widget.helpers import send_letter, widget_campaign
from webapp.campaigns.snapshots import CampaignSnapshots
from webapp.config import ConfigError, load_config
from webapp.database import db
from webapp.models import Campaign, Delivery, Partner, Submission, Target


def _edit(app: Flask, change: Any) -> None:
    """Change the campaign in a session of its own, as the dashboard in another worker would."""
    with app.app_context(), Session(db.engine) as session:
        change(session)
        session.commit()


def test_an_unchanged_campaign_costs_one_small_query_and_comes_whole(
    app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    snapshots = CampaignSnapshots()
    with app.app_context():
        first = snapshots.get(db.session(), slug)
        db.session.remove()
    assert first is not None
    with statements(app) as seen, app.app_context():
        again = snapshots.get(db.session(), slug)
        db.session.remove()
    assert again is first
    queries = [q for q in seen if q != "BEGIN"]  # SQLite's own BEGIN, as any request has
    assert len(queries) == 1 and "updated_at" in queries[0] and "target" not in queries[0]
    # Detached, its relationships loaded: readable from any thread without a session.
    assert inspect(first).detached
    assert [t.name for t in first.targets] and {p.code for p in first.partners} == {
        "eastside",
        "riverside",
    }
    assert first.signatories == []


def test_an_edit_of_the_campaign_or_its_rows_is_seen_by_the_next_request(
    app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    snapshots = CampaignSnapshots()

    def current() -> Campaign:
        with app.app_context():
            campaign = snapshots.get(db.session(), slug)
            db.session.remove()
        assert campaign is not None
        return campaign

    before = current()

    def rename_target(session: Session) -> None:
        target = session.scalars(select(Target).where(Target.campaign_id == before.id)).first()
        assert target is not None
        target.name = "Renamed Office"

    _edit(app, rename_target)
    renamed = current()
    assert renamed is not before and renamed.targets[0].name == "Renamed Office"

    _edit(app, lambda s: s.execute(delete(Partner).where(Partner.code == "eastside")))
    # A Core statement on a partner moves nothing by itself: only the campaign's own edit does.
    _edit(
        app,
        lambda s: s.execute(update(Campaign).where(Campaign.slug == slug).values(title="New")),
    )
    latest = current()
    assert latest.title == "New" and [p.code for p in latest.partners] == ["riverside"]

    _edit(app, lambda s: s.execute(delete(Campaign).where(Campaign.slug == slug)))
    with app.app_context():
        assert snapshots.get(db.session(), slug) is None


def test_letters_through_the_snapshot_go_to_the_offices_as_edited(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    assert "civic-letters-sent" in send_letter(client, slug).text

    def rename_target(session: Session) -> None:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        campaign.targets[0].name = "Renamed Office"

    _edit(app, rename_target)
    done = send_letter(client, slug, email="second@example.org")
    assert "<bdi>Renamed Office</bdi>" in done.text
    with app.app_context():
        names = db.session.scalars(
            select(Delivery.recipient_name).join(Submission).order_by(Submission.id)
        ).all()
    assert names[-1] == "Renamed Office" and names[0] != "Renamed Office"


def test_within_the_recheck_interval_a_worker_asks_nothing_then_sees_the_edit(
    app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    now = [1000.0]
    snapshots = CampaignSnapshots(recheck_seconds=1.0, clock=lambda: now[0])

    def current() -> Campaign | None:
        with app.app_context():
            campaign = snapshots.get(db.session(), slug)
            db.session.remove()
        return campaign

    first = current()
    assert first is not None
    _edit(
        app,
        lambda s: s.execute(update(Campaign).where(Campaign.slug == slug).values(title="Edited")),
    )
    now[0] += 0.9
    with statements(app) as seen:
        within = current()
    assert within is first and seen == []  # not even the version query
    now[0] += 0.2  # 1.1 s after the last check
    edited = current()
    assert edited is not None and edited.title == "Edited"
    # Unchanged since: the version query alone, and the same snapshot, until the next interval.
    now[0] += 1.5
    with statements(app) as seen:
        assert current() is edited
    assert [q for q in seen if q != "BEGIN"] and all(
        "updated_at" in q for q in seen if q != "BEGIN"
    )
    _edit(app, lambda s: s.execute(delete(Campaign).where(Campaign.slug == slug)))
    now[0] += 1.5
    assert current() is None


def test_the_recheck_interval_is_a_setting_and_zero_or_more(tmp_path: Path) -> None:
    def recheck(value: str | None) -> Any:
        env = {"TESTING": "1"} | ({} if value is None else {"CAMPAIGN_RECHECK_SECONDS": value})
        return load_config(env=env, instance_path=tmp_path)["CAMPAIGN_RECHECK_SECONDS"]

    assert recheck(None) == 1.0 and recheck("2.5") == 2.5 and recheck("0") == 0
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(ConfigError, match="CAMPAIGN_RECHECK_SECONDS"):
            recheck(bad)
