"""Review probes of a roster sync's new contact details for sitting members: a seat change is
never a correction, a failed sync moves no letter, what retention emptied is not waiting, a
dead letter's own hand-off link survives, and the sync's statements do not grow with campaigns."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError

from tests.civic.data import load_civic_data
from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.changeover_world import (
    deliveries_of,
    import_default_campaign,
    receipt_token,
    record_letter,
)
from tests.delivery.test_roster_contact_changes import (
    SLOTKIN,
    SLOTKIN_FORM,
    SLOTKIN_SITE,
    TLAIB,
    audits,
    campaign_id,
    mi_12,
    roster_file,
    set_status,
    sync,
)
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.civic.loading import DatasetLoadError, load_roster
from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    Official,
    Submission,
)
from webapp.services import member_corrections


def official_contact_form(app: Flask, bioguide: str) -> str | None:
    with app.app_context():
        official = db.session.scalar(select(Official).where(Official.external_id == bioguide))
        assert official is not None
        return official.contact_form


def test_a_representative_whose_district_is_renumbered_is_no_correction(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Redistricting renumbers MI-12 to MI-13 and the roster brings a new contact page: the
    member is in another seat, so her letters are the changeover's, not a correction's."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    before = deliveries_of(app, letter)[TLAIB]
    new_form = "https://tlaib.house.gov/contact/renumbered"

    sync(app, roster_file(tmp_path, T000481={"district": 13, "contact_form": new_form}))

    assert deliveries_of(app, letter)[TLAIB].contact_url == before.contact_url != new_form
    assert audits(app) == []


def test_a_senator_elected_to_the_house_is_no_correction(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_civic_data(app)
    slug = import_default_campaign(app)
    letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    seat = {"type": "rep", "district": 7, "contact_form": SLOTKIN_FORM}

    sync(app, roster_file(tmp_path, S001208=seat))

    assert deliveries_of(app, letter)[SLOTKIN].contact_url == SLOTKIN_SITE
    assert audits(app) == []


def test_a_sync_that_fails_after_the_letters_moved_moves_neither_letters_nor_roster(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_civic_data(app)
    slug = import_default_campaign(app)
    letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    path = roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM})

    def broken_audit(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_entry", {}, Exception("disk full"))

    monkeypatch.setattr(member_corrections, "audit", broken_audit)
    with app.app_context(), pytest.raises(DatasetLoadError):
        load_roster(str(path), None, "2026-12-05", utcnow())

    assert deliveries_of(app, letter)[SLOTKIN].contact_url == SLOTKIN_SITE
    assert official_contact_form(app, "S001208") is None
    assert audits(app) == []


def test_a_letter_retention_emptied_is_not_a_waiting_letter_that_follows(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Retention took the words of a hand-off left waiting for its writer: what is left is
    offered to no one (the receipt, the changeover and "Try them again" all leave it), so a
    roster sync neither rewrites it nor counts it as a waiting letter on the civic panel."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    assert deliveries_of(app, letter)[SLOTKIN].status is DeliveryStatus.NEEDS_ACTION
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Submission).where(Submission.id == letter).values(purged_at=utcnow())
        )

    printed = sync(app, roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM}))

    assert deliveries_of(app, letter)[SLOTKIN].contact_url == SLOTKIN_SITE
    assert "now go to the new details" not in printed
    assert audits(app) == []
    assert 'id="roster-contacts"' not in signed_in(app, ADMIN).get("/dashboard/").text


def test_a_dead_letter_keeps_the_contact_page_its_receipt_offers_when_the_roster_drops_it(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """House CWC gave up on a letter: its receipt offers the supporter the member's contact
    page to send it themselves. A roster that drops the member's page (and website) leaves the
    CWC way as it was, but taking the link would leave the supporter no way at all."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    app.config["CWC_API_KEY"] = "house-key"
    letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    set_status(app, letter, TLAIB, DeliveryStatus.DEAD)
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.submission_id == letter)
            .where(Delivery.recipient_key == TLAIB)
            .values(channel=Channel.CWC)
        )
    link = deliveries_of(app, letter)[TLAIB].contact_url
    assert link

    sync(app, roster_file(tmp_path, T000481={"contact_form": None, "url": None}))

    assert deliveries_of(app, letter)[TLAIB].contact_url == link
    page = html.unescape(client.get(f"/receipts/{receipt_token(app, letter)}").text)
    assert f'href="{link}"' in page
    (entry,) = audits(app)
    assert entry.details["letters_keeping_old_details"] == 1


def test_the_statements_a_sync_runs_do_not_grow_with_the_campaigns_a_member_has_letters_in(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """535 members whose pages all change (a roster moving every site to a new address) in 20
    campaigns must not be 10,700 counts and 10,700 updates inside the sync's write lock: the
    letters to one member are found and moved together, whatever their campaigns."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    letters = [record_letter(app, slug, f"w{n}@example.org", mi_12(), utcnow()) for n in (1, 2)]
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.submission_id == letters[1])
            .values(campaign_id=None)  # as if in a second campaign
        )
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "delivery" in statement.lower():
            statements.append(statement)

    path = roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM})
    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            load_roster(str(path), None, "2026-12-05", utcnow())
        finally:
            event.remove(engine, "before_cursor_execute", count)

    assert {deliveries_of(app, n)[SLOTKIN].contact_url for n in letters} == {SLOTKIN_FORM}
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1, updates


def test_the_audit_entry_names_each_member_and_their_details_before_and_after(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """A roster sync rewrote the page a supporter's hand-off opens: the log must say whose and
    from what to what (public details of a member of Congress), as a fixed office's edit does,
    or a wrong or hostile roster's link on waiting letters cannot be traced from it."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())

    sync(app, roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM}))

    (entry,) = audits(app)
    (member,) = entry.details["contact_details"].items()
    assert "S001208" in member[0] and "Slotkin" in member[0]
    assert member[1] == {"contact_url": [SLOTKIN_SITE, SLOTKIN_FORM]}
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/audit").text
    assert SLOTKIN_FORM in page and "rasha" not in page.lower()


def test_two_campaigns_one_closed_each_letter_follows_and_each_campaign_sees_its_own(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """A closed campaign's hand-offs still wait for their writers: they follow too, each
    campaign's audit entry and page count its own letters, and the sync prints no writer."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    text = DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8")
    copy = tmp_path / "second.md"
    copy.write_text(text.replace("slug: syria-five-steps", "slug: second-letter", 1), "utf-8")
    with app.app_context():
        second = import_campaign_path(db.session(), copy).slug
    first_letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    letters = [record_letter(app, second, f"w{n}@example.org", mi_12(), utcnow()) for n in (1, 2)]
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Campaign).where(Campaign.slug == second).values(status=CampaignStatus.CLOSED)
        )

    printed = sync(app, roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM}))

    for letter in (first_letter, *letters):
        assert deliveries_of(app, letter)[SLOTKIN].contact_url == SLOTKIN_FORM
    assert "example.org" not in printed and "Rasha" not in printed
    counts = {e.campaign_id: e.details["letters_following_correction"] for e in audits(app)}
    assert counts == {campaign_id(app, slug): 1, campaign_id(app, second): 2}
    admin = signed_in(app, ADMIN)
    for name, number in ((slug, 1), (second, 2)):
        page = admin.get(f"/dashboard/campaigns/{name}").text
        assert f"<bdi>{number}</bdi> waiting letter" in page
