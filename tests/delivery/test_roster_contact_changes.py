"""A roster sync that changes a sitting member's contact details: their waiting letters follow
(a hand-off's contact page, a packet's office address), unless the way of delivery would change
or a worker is sending them; a member who left office is the changeover's, not a correction."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.civic.data import MEMBERS_FILE, house_member, load_civic_data, single_district_zip
from tests.civic.roster120 import JAN_2, JAN_4
from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.changeover_world import (
    deliveries_of,
    import_default_campaign,
    receipt_token,
    record_letter,
)
from webapp.civic.loading import load_roster
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditEntry, Campaign, Channel, Delivery, DeliveryStatus

SLOTKIN, TLAIB, PETERS = "official:S001208", "official:T000481", "official:P000595"
SLOTKIN_SITE = "https://www.slotkin.senate.gov"
SLOTKIN_FORM = "https://www.slotkin.senate.gov/contact/write-to-elissa"


def mi_12() -> str:
    """A ZIP wholly in MI-12: the supporter writes to its representative and MI's senators."""
    return single_district_zip("MI", 12)


def roster_file(tmp_path: Path, **terms: dict[str, Any]) -> Path:
    """The shared members file with these members' latest term fields changed."""
    members = json.loads(MEMBERS_FILE.read_text(encoding="utf-8"))
    for member in members:
        member["terms"][-1].update(terms.get(member["id"]["bioguide"], {}))
    path = tmp_path / "legislators-current.json"
    path.write_text(json.dumps(members), encoding="utf-8")
    return path


def sync(app: Flask, path: Path) -> str:
    """`flask civic sync` from `path`; what it printed."""
    args = ["civic", "sync", "--from", str(path), "--snapshot-date", "2026-12-05"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output


def set_status(app: Flask, submission_id: int, key: str, status: DeliveryStatus) -> None:
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.submission_id == submission_id, Delivery.recipient_key == key)
            .values(status=status)
        )


def audits(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "roster.contacts_changed")
        )
        found = list(entries)
        db.session.expunge_all()
        return found


def campaign_id(app: Flask, slug: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        assert found is not None
        return found


def civic_panel(app: Flask) -> str:
    page = signed_in(app, ADMIN).get("/dashboard/")
    assert page.status_code == 200
    return page.text


def test_a_new_contact_page_reaches_a_waiting_hand_off_and_its_receipt_but_not_one_being_sent(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    load_civic_data(app)
    slug = import_default_campaign(app)
    waiting = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    sending = record_letter(app, slug, "omar@example.org", mi_12(), utcnow())
    set_status(app, sending, SLOTKIN, DeliveryStatus.SENDING)
    before = deliveries_of(app, waiting)
    assert before[SLOTKIN].channel is Channel.FORM
    assert before[SLOTKIN].contact_url == SLOTKIN_SITE

    printed = sync(app, roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM}))

    after = deliveries_of(app, waiting)
    assert after[SLOTKIN].contact_url == SLOTKIN_FORM
    assert after[SLOTKIN].status is before[SLOTKIN].status
    assert after[SLOTKIN].channel is Channel.FORM
    assert after[SLOTKIN].idempotency_key == before[SLOTKIN].idempotency_key
    for key in (TLAIB, PETERS):
        assert after[key].contact_url == before[key].contact_url
    busy = deliveries_of(app, sending)[SLOTKIN]
    assert (busy.status, busy.contact_url) == (DeliveryStatus.SENDING, SLOTKIN_SITE)
    assert "1 now go to the new details, 1 keep the old ones" in printed
    # The receipt reads the row: the hand-off opens the member's new contact page.
    page = html.unescape(client.get(f"/receipts/{receipt_token(app, waiting)}").text)
    assert f'href="{SLOTKIN_FORM}"' in page and f'href="{SLOTKIN_SITE}"' not in page
    (entry,) = audits(app)
    assert entry.organiser_id is None and entry.campaign_id == campaign_id(app, slug)
    assert entry.details == {
        "letters_following_correction": 1,
        "letters_keeping_old_details": 1,
        "members_with_new_contact_details": 1,
        "contact_details": {
            "Elissa Slotkin (S001208)": {"contact_url": [SLOTKIN_SITE, SLOTKIN_FORM]},
        },
    }
    line = (
        "<bdi>1</bdi> waiting letter now goes to its member's new contact details. "
        "<bdi>1</bdi> waiting letter kept its member's old contact details: it was being "
        "sent, or the way of delivery would change."
    )
    admin = signed_in(app, ADMIN)
    assert line in admin.get("/dashboard/").text
    assert line in admin.get(f"/dashboard/campaigns/{slug}").text  # this campaign's letters


def test_a_new_office_address_reaches_a_waiting_packet(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """CA-1's member has no website in the roster: letters to them wait in the organisers'
    printed packet, which prints the address the row holds."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    member = house_member("CA", 1)
    zip_code = single_district_zip("CA", 1)
    letter = record_letter(app, slug, "rasha@example.org", zip_code, utcnow(), state="CA", city="")
    key = f"official:{member}"
    assert deliveries_of(app, letter)[key].channel is Channel.PACKET
    new = "1 Capitol Plaza, Room 9 Washington DC 20515"

    sync(app, roster_file(tmp_path, **{member: {"address": new}}))

    row = deliveries_of(app, letter)[key]
    assert (row.recipient_address, row.channel) == (new, Channel.PACKET)
    (entry,) = audits(app)
    assert entry.details["letters_following_correction"] == 1


def test_a_website_that_would_change_the_way_leaves_the_packet_and_says_so(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """A member without a website gets one (as new members do weeks after they are sworn in):
    the packet letter would become a hand-off for a supporter told the organisers deliver it.
    (The congress-legislators roster has no email addresses: a web page is what it can add.)"""
    load_civic_data(app)
    slug = import_default_campaign(app)
    member = house_member("CA", 1)
    zip_code = single_district_zip("CA", 1)
    letter = record_letter(app, slug, "rasha@example.org", zip_code, utcnow(), state="CA", city="")
    key = f"official:{member}"
    before = deliveries_of(app, letter)[key]

    sync(app, roster_file(tmp_path, **{member: {"url": "https://gallagher.house.gov"}}))

    after = deliveries_of(app, letter)[key]
    assert (after.channel, after.contact_url) == (Channel.PACKET, None)
    assert after.status is before.status
    (entry,) = audits(app)
    assert entry.details == {
        "letters_keeping_old_details": 1,
        "members_with_new_contact_details": 1,
        "contact_details": {
            f"James Gallagher ({member})": {"contact_url": [None, "https://gallagher.house.gov"]},
        },
    }
    panel = civic_panel(app)
    assert "<bdi>1</bdi> waiting letter kept its member's old contact details" in panel
    assert "now goes to its member" not in panel


def test_a_member_whose_term_is_over_is_left_to_the_changeover(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """On 4 January a roster still listing MI-12's representative (term ended 3 January) with
    a new contact page: her letter is for the seat's new member, not her new page."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    waiting = record_letter(app, slug, "rasha@example.org", mi_12(), JAN_2)
    before = deliveries_of(app, waiting)
    tlaib_form = "https://tlaib.house.gov/contact/new"
    path = roster_file(
        tmp_path,
        T000481={"contact_form": tlaib_form},
        S001208={"contact_form": SLOTKIN_FORM},
    )

    with app.app_context():
        diff = load_roster(str(path), None, "2027-01-04", JAN_4)

    after = deliveries_of(app, waiting)
    assert after[SLOTKIN].contact_url == SLOTKIN_FORM
    assert after[TLAIB].contact_url == before[TLAIB].contact_url != tlaib_form
    assert {"T000481", "S001208"} <= set(diff.contacts_changed)  # both changed in the roster
    (entry,) = audits(app)
    assert entry.details["letters_following_correction"] == 1
    assert "letters_keeping_old_details" not in entry.details


def test_with_house_cwc_on_a_hand_off_for_a_supporter_cwc_cannot_carry_follows_too(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """House CWC takes a letter with a prefix and a street; this one has neither, so it waits
    as a hand-off. The member's way is CWC for some letters and the web form for others, and
    a new contact page changes neither: the hand-off follows it."""
    load_civic_data(app)
    slug = import_default_campaign(app)
    app.config["CWC_API_KEY"] = "house-key"
    letter = record_letter(app, slug, "rasha@example.org", mi_12(), utcnow())
    assert deliveries_of(app, letter)[TLAIB].channel is Channel.FORM
    tlaib_form = "https://tlaib.house.gov/contact/write"

    sync(app, roster_file(tmp_path, T000481={"contact_form": tlaib_form}))

    row = deliveries_of(app, letter)[TLAIB]
    assert (row.channel, row.contact_url) == (Channel.FORM, tlaib_form)
