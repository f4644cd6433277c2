"""`flask civic sync`: members of Congress loaded idempotently, with a roster diff per sync."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from tests.dashboard.helpers import ADMIN, signed_in
from tests.pg import free_port
from tests.stubs import StubRequest, StubServer
from webapp.database import db, write_transaction
from webapp.models import (
    Campaign,
    CampaignStatus,
    CivicDataset,
    Official,
    RosterChange,
    Target,
    TargetKind,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "congress-legislators"
MEMBERS = DATA / "legislators-current.json"
SNAPSHOT_VACANCIES = ["CA-14", "FL-20", "GA-13", "TX-23"]


def civic(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["civic", *args])


def sync(app: Flask, source: Path | str, snapshot: str = "2026-06-15", *extra: str) -> Result:
    result = civic(app, "sync", "--from", str(source), "--snapshot-date", snapshot, *extra)
    return result


def add_campaign(app: Flask, slug: str, status: CampaignStatus, chambers: list[str]) -> int:
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            campaign = Campaign(
                slug=slug, title=slug, subject=slug, salutation="Dear", body="Text.", status=status
            )
            campaign.targets = [Target(kind=TargetKind.LOOKUP, chambers=chambers)]
            session.add(campaign)
        return campaign.id


def campaign_id(app: Flask, slug: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        assert found is not None
        return found


def roster_changes(app: Flask) -> list[RosterChange]:
    with app.app_context():
        return list(db.session.scalars(select(RosterChange).order_by(RosterChange.id)))


def dataset(app: Flask) -> CivicDataset:
    with app.app_context():
        found = db.session.get(CivicDataset, "congress-legislators")
        assert found is not None
        return found


def officials(app: Flask) -> dict[str, Official]:
    with app.app_context():
        return {o.external_id: o for o in db.session.scalars(select(Official))}


def test_first_sync_loads_every_member_and_records_only_the_vacancies(
    app: Flask, default_campaign: str
) -> None:
    result = sync(app, MEMBERS)

    assert result.exit_code == 0, result.output
    assert "loaded 537 members of Congress (snapshot 2026-06-15)" in result.output
    for seat in SNAPSHOT_VACANCIES:
        assert f"vacant: {seat} (US House)\n" in result.output
    assert "added:" not in result.output
    assert "affects live campaigns: syria-five-steps" in result.output

    members = officials(app)
    assert len(members) == 537
    assert all(o.active and o.snapshot_date == "2026-06-15" for o in members.values())
    assert members["C000127"].district is None
    assert members["C000127"].title == "Senator"
    assert members["S001231"].district == "12"
    puerto_rico = next(o for o in members.values() if o.state == "PR")
    assert (puerto_rico.title, puerto_rico.non_voting) == ("Resident Commissioner", True)
    # The district offices file beside the members file is picked up.
    assert [o["city"] for o in members["A000055"].district_offices] == [
        "Cullman",
        "Jasper",
        "Tuscumbia",
    ]

    changes = roster_changes(app)
    assert [(c.kind, c.state, c.district) for c in changes] == [
        ("vacant", "CA", "14"),
        ("vacant", "FL", "20"),
        ("vacant", "GA", "13"),
        ("vacant", "TX", "23"),
    ]
    assert all(c.campaign_ids == [campaign_id(app, default_campaign)] for c in changes)

    loaded = dataset(app)
    assert (loaded.record_count, loaded.snapshot_date, loaded.last_error) == (
        537,
        "2026-06-15",
        None,
    )
    assert loaded.source == str(MEMBERS)
    assert loaded.synced_at is not None


def test_second_sync_is_idempotent(app: Flask) -> None:
    assert sync(app, MEMBERS).exit_code == 0
    with app.app_context():
        stamps = dict(db.session.execute(select(Official.external_id, Official.updated_at)).all())

    again = sync(app, MEMBERS)

    assert again.exit_code == 0, again.output
    assert "no roster changes since the last sync" in again.output
    assert again.output.count("vacant: ") == 4
    assert len(roster_changes(app)) == 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Official)) == 537
        after = dict(db.session.execute(select(Official.external_id, Official.updated_at)).all())
    assert after == stamps  # nothing was rewritten
    assert dataset(app).record_count == 537


def modified_roster(tmp_path: Path) -> Path:
    """The snapshot minus Sen. Cantwell, with Rep. Simon moved CA-12 -> CA-14, plus FL-20."""
    members: list[dict[str, Any]] = json.loads(MEMBERS.read_bytes())
    members = [m for m in members if m["id"]["bioguide"] != "C000127"]
    simon = next(m for m in members if m["id"]["bioguide"] == "S001231")
    simon["terms"][-1]["district"] = 14
    members.append(
        {
            "id": {"bioguide": "Z999999"},
            "name": {"first": "Jane", "last": "Doe"},
            "terms": [
                {"type": "rep", "start": "2026-07-01", "end": "2027-01-03", "state": "FL"}
                | {"district": 20, "party": "Independent", "phone": "202-225-0000"}
            ],
        }
    )
    path = tmp_path / "legislators-current.json"
    path.write_text(json.dumps(members), encoding="utf-8")
    return path


def test_changed_roster_records_each_change_and_the_live_campaigns_it_affects(
    app: Flask, default_campaign: str, tmp_path: Path
) -> None:
    syria = campaign_id(app, default_campaign)
    house_only = add_campaign(app, "house-only", CampaignStatus.LIVE, ["us_house"])
    add_campaign(app, "closed-one", CampaignStatus.CLOSED, ["us_senate", "us_house"])
    add_campaign(app, "state-only", CampaignStatus.LIVE, ["state_upper"])
    assert sync(app, MEMBERS).exit_code == 0
    first = len(roster_changes(app))

    result = sync(app, modified_roster(tmp_path), "2026-07-01")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "added: Jane Doe (US House, FL-20)" in lines
    assert "removed: Maria Cantwell (US Senate, WA)" in lines
    assert "seat changed: Lateefah Simon (US House, CA-12 -> US House, CA-14)" in lines
    assert "vacant: WA (US Senate) (new since the last sync)" in lines
    assert "vacant: CA-12 (US House) (new since the last sync)" in lines
    assert "vacant: GA-13 (US House)" in lines
    assert "vacant: TX-23 (US House)" in lines
    assert not any(line.startswith(("vacant: CA-14", "vacant: FL-20")) for line in lines)
    assert "affects live campaigns: house-only, syria-five-steps" in lines
    # No offices file beside the copy: a warning, and the stored offices stay.
    assert "warning: no district offices file found" in result.output

    new = [
        (c.kind, c.chamber, c.state, c.district, c.external_id, c.campaign_ids)
        for c in roster_changes(app)[first:]
    ]
    both = sorted([syria, house_only])
    assert sorted(new, key=str) == sorted(
        [
            ("added", "us_house", "FL", "20", "Z999999", both),
            ("removed", "us_senate", "WA", None, "C000127", [syria]),
            ("seat_changed", "us_house", "CA", "14", "S001231", both),
            ("vacant", "us_senate", "WA", None, None, [syria]),
            ("vacant", "us_house", "CA", "12", None, both),
        ],
        key=str,
    )

    members = officials(app)
    assert len(members) == 538
    assert members["C000127"].active is False  # kept, not deleted
    assert members["S001231"].district == "14"
    assert members["Z999999"].full_name == "Jane Doe"
    assert members["Z999999"].snapshot_date == "2026-07-01"
    assert len(members["A000055"].district_offices) == 3
    assert dataset(app).snapshot_date == "2026-07-01"

    # Putting the original roster back reverses it: Cantwell is added again, seats refill.
    back = sync(app, MEMBERS)
    assert "added: Maria Cantwell (US Senate, WA)" in back.output.splitlines()
    assert "removed: Jane Doe (US House, FL-20)" in back.output.splitlines()
    assert officials(app)["C000127"].active is True


def test_failed_download_exits_1_and_is_recorded(app: Flask) -> None:
    assert sync(app, MEMBERS).exit_code == 0
    url = f"http://127.0.0.1:{free_port()}/x.json"

    result = sync(app, url)

    assert result.exit_code == 1
    assert f"could not load the members of Congress from {url}" in result.output
    assert "download failed" in result.output
    failed = dataset(app)
    assert failed.last_error is not None
    assert "download failed" in failed.last_error
    assert url in failed.last_error
    assert failed.last_attempt_at is not None
    # What was loaded before stays loaded and is still described.
    assert (failed.record_count, failed.snapshot_date, failed.source) == (
        537,
        "2026-06-15",
        str(MEMBERS),
    )
    assert sum(o.active for o in officials(app).values()) == 537

    status = civic(app, "status")
    assert status.exit_code == 0
    assert "congress-legislators: 537 records, snapshot 2026-06-15" in status.output
    assert "last error" in status.output
    assert "zip-districts: never synced" in status.output
    # The dashboard says when the failed sync was, beside the roster loaded before it.
    home = signed_in(app, ADMIN).get("/dashboard/").text
    assert "The last sync, <bdi><time datetime=" in home and "UTC</time></bdi>, failed:" in home


def test_url_sync_takes_the_snapshot_date_from_last_modified(app: Flask) -> None:
    body = MEMBERS.read_bytes()

    def members(_request: StubRequest) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Last-Modified": "Mon, 15 Jun 2026 19:27:44 GMT"}, body

    with StubServer() as server:
        server.routes["/legislators-current.json"] = members
        result = civic(
            app,
            "sync",
            "--from",
            f"{server.url}/legislators-current.json",
            "--offices-from",
            f"{server.url}/missing-offices.json",
        )

    assert result.exit_code == 0, result.output
    assert "loaded 537 members of Congress (snapshot 2026-06-15)" in result.output
    # Offices are optional: a failed download warns and the members are still loaded.
    assert "warning: district offices not loaded" in result.output
    assert "HTTP 404" in result.output
    assert dataset(app).snapshot_date == "2026-06-15"
    assert all(o.district_offices == [] for o in officials(app).values())


def test_malformed_members_file_is_rejected_and_nothing_changes(app: Flask, tmp_path: Path) -> None:
    broken = tmp_path / "legislators-current.json"
    broken.write_text(
        '[{"id": {"bioguide": "X1"}, "name": {}, "terms": [{"type": "sen", "state": "CA"}]}]',
        encoding="utf-8",
    )

    result = sync(app, broken)

    assert result.exit_code == 1
    assert f"from {broken}: legislators-current.json: member X1: missing 'first'" in result.output
    assert officials(app) == {}
    assert dataset(app).last_error is not None


def test_snapshot_date_must_be_a_date(app: Flask) -> None:
    result = sync(app, MEMBERS, "15/06/2026")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
