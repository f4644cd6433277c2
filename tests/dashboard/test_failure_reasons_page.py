"""Organisers read why an office's letters failed in words, with what to do, and try the
campaign's undelivered emails to supporters again; partners never see any of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.dashboard.helpers import ADMIN, add_partner, audit_actions, signed_in
from tests.dashboard.letters import Letter, Office, add_letters
from tests.supporter.campaign_files import write_campaign
from webapp.database import db, write_transaction
from webapp.letters.compose import fixed_recipients
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Notification,
    NotificationKind,
    Role,
)

SENATOR = Office("official:S000033", "Senator Amal Haddad", DeliveryStatus.DEAD)
OLD = Office("target:board", "School Board", DeliveryStatus.DEAD)
REFUSED = "550 5.1.1 <clerk@house.gov>: Recipient address rejected: User unknown"
FAILED_AT = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
SUPPORTER = "rasha.private@example.org"


@dataclass
class World:
    slug: str
    water: str
    letters: list[int]
    clerk: str  # the campaign's one fixed office, which the channel map lists


def _fail(app: Flask, key: str, error: str, reason: FailureReason | None) -> None:
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.recipient_key == key)
            .values(attempts=8, last_error=error, failure_reason=reason, failed_at=FAILED_AT)
        )


@pytest.fixture
def world(app: Flask, default_campaign: str, tmp_path: Path) -> World:
    """A fixed office whose address was refused, a senator whose CWC key was refused, an
    office failed before reasons were kept (its raw error names an address); two dead emails
    to supporters, and one more in another campaign."""
    water = write_campaign(app, tmp_path, "water")
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == default_campaign))
        (office,) = fixed_recipients(campaign.one())  # as the channel map lists it
    clerk = Office(office.key, "Town Clerk", DeliveryStatus.DEAD)
    letters = add_letters(app, default_campaign, [Letter(SUPPORTER, offices=(clerk, SENATOR, OLD))])
    others = add_letters(app, water, [Letter("lina@example.org", offices=(OLD,))])
    _fail(app, clerk.key, REFUSED, FailureReason.ADDRESS_REFUSED)
    _fail(app, SENATOR.key, "CWC refused the API key (401): check CWC_API_KEY", None)
    _fail(app, SENATOR.key, "CWC refused the API key (401)", FailureReason.KEY_REFUSED)
    _fail(app, OLD.key, "recipient refused (550): desk@board.example.org unknown", None)
    with app.app_context(), write_transaction(db.session()) as session:
        for letter, kind in (
            (letters[0], NotificationKind.RECEIPT),
            (letters[0], NotificationKind.CONFIRMATION),
            (others[0], NotificationKind.RECEIPT),
        ):
            session.add(
                Notification(
                    submission_id=letter,
                    kind=kind,
                    status=DeliveryStatus.DEAD,
                    attempts=8,
                    last_error=f"recipient refused (550): {SUPPORTER} unknown",
                )
            )
    return World(default_campaign, water, letters, clerk.key)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def _section(html: str) -> str:
    found = re.search(r'<section class="undelivered".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def _map(html: str) -> str:
    found = re.search(r'<table class="data-table channel-map">.*?</table>', html, re.S)
    assert found is not None
    return found.group(0)


def test_each_office_says_why_in_words_with_what_to_do_and_no_address(
    app: Flask, world: World
) -> None:
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{world.slug}/channels").text
    section, text = _section(page), _text(_section(page))
    said = "The office’s mail server refused the address. "
    assert (
        said + "Check the office’s email in the campaign editor. Open the campaign editor" in text
    )
    editor = f'href="/dashboard/campaigns/{world.slug}/edit#targets-heading"'
    assert editor in section
    # The senator's details are the roster's: no editor link, but the setting to mend.
    assert "The service refused our API key, or the address set for it is wrong." in text
    assert "The error below names the setting; flask delivery check shows them all." in text
    assert "<bdi><code>flask delivery check</code></bdi>" in section
    # Each system's own words, folded below, without the address they named.
    assert "<details" in section and "What the system said" in text
    assert "550 5.1.1 [address]: Recipient address rejected: User unknown" in text
    # The office failed before reasons were kept: its raw words as before, still no address.
    assert "Last error: recipient refused (550): [address] unknown" in text
    for address in ("clerk@house.gov", "desk@board.example.org", SUPPORTER):
        assert address not in page
    table = _text(_map(page))
    assert "The office’s mail server refused the address." in table
    assert "550 5.1.1 [address]: Recipient address rejected" in table


def test_the_channel_map_hides_addresses_in_an_error_without_a_reason(
    app: Flask, world: World
) -> None:
    _fail(app, world.clerk, REFUSED, None)  # failed before reasons were kept
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{world.slug}/channels").text
    table = _text(_map(page))
    assert "550 5.1.1 [address]: Recipient address rejected: User unknown" in table
    assert "mail server refused" not in table
    assert "clerk@house.gov" not in page


def test_the_reasons_read_in_arabic(app: Flask, world: World) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"  # organiser pages are in the site's language
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{world.slug}/channels").text
    section = _text(_section(page))
    assert "رفض خادم البريد لدى المكتب العنوان." in section
    assert "The office’s mail server refused the address." not in page
    assert "clerk@house.gov" not in page


def test_undelivered_emails_to_supporters_are_a_count_and_a_button(
    app: Flask, world: World
) -> None:
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{world.slug}/channels").text
    section = _section(page)
    text = _text(section)
    assert (
        "2 emails to supporters (receipts, or links to confirm a letter) could not be delivered."
        in text
    )
    assert "Try them again (2 emails)" in text
    assert f'action="/dashboard/campaigns/{world.slug}/undelivered/retry-emails"' in section
    assert SUPPORTER not in page and "Rasha" not in section


def _statuses(app: Flask) -> list[DeliveryStatus]:
    with app.app_context():
        return list(db.session.scalars(select(Notification.status).order_by(Notification.id)))


def _letters(app: Flask) -> list[DeliveryStatus]:
    with app.app_context():
        return list(db.session.scalars(select(Delivery.status).order_by(Delivery.id)))


def test_an_organiser_tries_the_emails_again_and_it_is_recorded(app: Flask, world: World) -> None:
    admin = signed_in(app, ADMIN)
    letters = _letters(app)
    path = f"/dashboard/campaigns/{world.slug}/undelivered/retry-emails"
    response = admin.post(path, data={"csrf_token": admin.token})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/dashboard/campaigns/{world.slug}/channels"
    page = admin.get(response.headers["Location"]).text
    assert "2 emails to supporters will be tried again." in _text(page)
    # As `flask outbox retry-dead` leaves them; the other campaign's and the letters untouched.
    assert _statuses(app) == [DeliveryStatus.PENDING] * 2 + [DeliveryStatus.DEAD]
    with app.app_context():
        retried = db.session.execute(
            select(Notification.attempts, Notification.last_error).where(
                Notification.status == DeliveryStatus.PENDING
            )
        ).all()
    assert [tuple(r) for r in retried] == [(0, None)] * 2
    assert _letters(app) == letters
    assert [(a, d) for a, d in audit_actions(app) if a.startswith("outbox.")] == [
        ("outbox.retry_supporter_emails", {"emails": 2})
    ]
    assert "Try them again (2 emails)" not in _text(_section(page))
    again = admin.post(path, data={"csrf_token": admin.token})
    assert "No email was waiting" in _text(admin.get(again.headers["Location"]).text)
    assert len([a for a, _d in audit_actions(app) if a.startswith("outbox.")]) == 1
    log = _text(admin.get(f"/dashboard/campaigns/{world.slug}/audit").text)
    assert "Undelivered emails to supporters tried again" in log


def test_only_a_post_with_its_token_tries_the_emails_again(app: Flask, world: World) -> None:
    admin = signed_in(app, ADMIN)
    path = f"/dashboard/campaigns/{world.slug}/undelivered/retry-emails"
    assert admin.get(path).status_code == 405
    assert admin.post(path).status_code == 400
    assert admin.post(path, data={"csrf_token": "forged"}).status_code == 400
    assert _statuses(app) == [DeliveryStatus.DEAD] * 3
    assert [a for a, _d in audit_actions(app) if a.startswith("outbox.")] == []


def test_partners_never_see_the_reasons_or_the_emails_nor_retry_them(
    app: Flask, world: World
) -> None:
    add_partner(app, world.slug, "alpha", "Alpha Org")
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    own = f"/dashboard/campaigns/{world.slug}"
    assert alpha.get(f"{own}/channels").status_code == 403
    campaign_page = alpha.get(own).text
    assert "could not be delivered" not in campaign_page and "mail server" not in campaign_page
    response = alpha.post(f"{own}/undelivered/retry-emails", data={"csrf_token": alpha.token})
    assert response.status_code == 403
    assert _statuses(app) == [DeliveryStatus.DEAD] * 3
    assert [a for a, _d in audit_actions(app) if a.startswith("outbox.")] == []
