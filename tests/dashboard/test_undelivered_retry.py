"""Letters that could not be delivered: organisers see them per office on the channel map and
try them again from there, as `flask outbox retry-dead` does; nobody else can."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.dashboard.helpers import (
    ADMIN,
    OrganiserClient,
    add_partner,
    audit_actions,
    signed_in,
)
from tests.dashboard.letters import Letter, Office, add_letters
from tests.supporter.campaign_files import write_campaign
from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Role,
    Submission,
    WorkerHeartbeat,
)

CLERK = Office("target:clerk", "Town Clerk", DeliveryStatus.DEAD)
MAYOR = Office("target:mayor", "Mayor Amal Haddad", DeliveryStatus.DEAD)
SENT = Office("target:board", "School Board", DeliveryStatus.SENT)
# What an office's relay answered: it names the address, which the page must not show.
REFUSED = "recipient refused (550): <clerk@town.example.org> mailbox unavailable"
FAILED_AT = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)


@dataclass
class World:
    slug: str
    water: str
    letters: list[int]


@pytest.fixture
def world(app: Flask, default_campaign: str, tmp_path: Path) -> World:
    """Two letters to the clerk and one to the mayor given up on, one letter sent, and in
    another campaign one more letter given up on; a dead supporter email on the first."""
    water = write_campaign(app, tmp_path, "water")
    letters = add_letters(
        app,
        default_campaign,
        [
            Letter("rasha@example.org", offices=(CLERK, MAYOR, SENT)),
            Letter("omar@example.org", offices=(CLERK,)),
        ],
    )
    add_letters(app, water, [Letter("lina@example.org", offices=(CLERK,))])
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.DEAD)
            .values(attempts=8, last_error=REFUSED, failed_at=FAILED_AT)
        )
        session.add(
            Notification(
                submission_id=letters[0],
                kind=NotificationKind.RECEIPT,
                status=DeliveryStatus.DEAD,
                attempts=8,
                last_error="recipient refused (550): rasha@example.org unknown",
            )
        )
    return World(default_campaign, water, letters)


def _rows(app: Flask) -> dict[tuple[str, str], list[tuple[DeliveryStatus, int, str | None]]]:
    """(campaign slug's letter or 'water', office key): each delivery's status, attempts, error."""
    found: dict[tuple[str, str], list[tuple[DeliveryStatus, int, str | None]]] = {}
    with app.app_context():
        rows = db.session.execute(
            select(
                Submission.campaign_id,
                Delivery.recipient_key,
                Delivery.status,
                Delivery.attempts,
                Delivery.last_error,
            )
            .join(Submission, Submission.id == Delivery.submission_id)
            .order_by(Delivery.id)
        )
        for campaign, key, status, attempts, error in rows:
            found.setdefault((str(campaign), key), []).append((status, attempts, error))
    return found


def _statuses(app: Flask) -> list[tuple[str, DeliveryStatus]]:
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.recipient_key, Delivery.status, Submission.campaign_id)
            .join(Submission, Submission.id == Delivery.submission_id)
            .order_by(Delivery.id)
        )
        return [(f"{campaign}:{key}", status) for key, status, campaign in rows]


def _receipt_status(app: Flask) -> DeliveryStatus:
    with app.app_context():
        return db.session.scalars(select(Notification.status)).one()


def _flash(text: str) -> str:
    found = re.search(r'<p class="flash flash-info"[^>]*>(.*?)</p>', text, re.S)
    assert found is not None, text
    return unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def _section(text: str) -> str:
    found = re.search(r'<section class="undelivered".*?</section>', text, re.S)
    assert found is not None
    return found.group(0)


def _post(client: OrganiserClient, slug: str, **data: str) -> str:
    path = f"/dashboard/campaigns/{slug}/undelivered/retry"
    response = client.post(path, data={"csrf_token": client.token, **data})
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == f"/dashboard/campaigns/{slug}/channels"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.text


def test_the_channel_map_lists_each_offices_undelivered_letters_without_addresses(
    app: Flask, world: World
) -> None:
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{world.slug}/channels")
    assert page.status_code == 200
    section = _section(page.text)
    text = unescape(re.sub(r"<[^>]+>", "", section))
    assert "Letters that could not be delivered" in text
    assert "Try them again (3 letters)" in text
    # The clerk first (two letters), then the mayor; the letter sent is not listed.
    assert text.index("Town Clerk") < text.index("Mayor Amal Haddad")
    assert "School Board" not in text
    assert "2 letters could not be delivered, by Web-form hand-off." in text
    assert "1 letter could not be delivered, by Web-form hand-off." in text
    assert "Try these 2 letters again" in text and "Try this letter again" in text
    assert "Last error: recipient refused (550): [address] mailbox unavailable" in text
    assert "clerk@town.example.org" not in page.text
    assert "rasha@example.org" not in page.text  # nor the supporter email's error
    assert 'datetime="2026-03-02T14:05:00Z"' in section  # when: the office's last failure
    assert 'name="office" value="target:clerk"' in section
    assert "The delivery worker is stopped" in text  # no worker has run on this database


def test_an_organiser_tries_the_campaigns_letters_again_and_it_is_recorded(
    app: Flask, world: World
) -> None:
    admin = signed_in(app, ADMIN)
    before = _statuses(app)
    page = _post(admin, world.slug)
    assert _flash(page) == (
        "3 letters will be tried again, once the delivery worker runs: it is stopped now, "
        "so the letters wait until it is started."
    )
    assert "autofocus data-focus-on-load><bdi>3</bdi> letters will be tried again" in page
    after = dict(zip([k for k, _s in before], [s for _k, s in _statuses(app)], strict=True))
    rows = _rows(app)
    mine, water = (k for k in rows if k[1] == "target:clerk")
    # As `flask outbox retry-dead` leaves them: queued, no attempts used, no error kept.
    assert rows[mine] == [(DeliveryStatus.PENDING, 0, None)] * 2
    assert rows[(mine[0], "target:mayor")] == [(DeliveryStatus.PENDING, 0, None)]
    assert rows[(mine[0], "target:board")] == [(DeliveryStatus.SENT, 0, None)]
    assert rows[water] == [(DeliveryStatus.DEAD, 8, REFUSED)]  # another campaign's: untouched
    assert _receipt_status(app) is DeliveryStatus.DEAD  # supporter emails are not this page's
    assert list(after.values()).count(DeliveryStatus.DEAD) == 1
    with app.app_context():
        due = db.session.scalars(
            select(Delivery.next_attempt_at).where(Delivery.status == DeliveryStatus.PENDING)
        ).all()
    assert due and all(when is not None and when <= utcnow() for when in due)
    assert [(a, d) for a, d in audit_actions(app) if a.startswith("outbox.")] == [
        ("outbox.retry_dead", {"letters": 3})
    ]
    assert "None: no letter of this campaign was given up on." in _section(page)


def test_one_offices_letters_are_tried_again_alone(app: Flask, world: World) -> None:
    with app.app_context(), write_transaction(db.session()) as session:
        now = utcnow()
        session.add(WorkerHeartbeat(worker_id="web-1:worker", started_at=now, seen_at=now))
    admin = signed_in(app, ADMIN)
    page = _post(admin, world.slug, office="target:clerk")
    assert _flash(page) == (
        "2 letters will be tried again: the delivery worker sends them within a minute or so."
    )
    rows = _rows(app)
    mine = next(k for k in rows if k[1] == "target:mayor")[0]
    assert rows[(mine, "target:clerk")] == [(DeliveryStatus.PENDING, 0, None)] * 2
    assert rows[(mine, "target:mayor")] == [(DeliveryStatus.DEAD, 8, REFUSED)]
    assert [d for a, d in audit_actions(app) if a == "outbox.retry_dead"] == [
        {"letters": 2, "office": "target:clerk"}
    ]
    section = _section(page)
    assert "Try it again (1 letter)" in unescape(re.sub(r"<[^>]+>", "", section))
    assert "The delivery worker is stopped" not in section
    # Again, or another campaign's office through this one: nothing is left to try.
    page = _post(admin, world.slug, office="target:clerk")
    assert _flash(page).startswith("No letter was waiting to be tried again")
    assert _rows(app)[next(k for k in rows if k[0] != mine)] == [(DeliveryStatus.DEAD, 8, REFUSED)]
    assert len([a for a, _d in audit_actions(app) if a == "outbox.retry_dead"]) == 1


def test_partners_cannot_see_or_try_them_again(app: Flask, world: World) -> None:
    add_partner(app, world.slug, "alpha", "Alpha Org")
    add_partner(app, world.water, "gamma", "Gamma Group")
    before = _statuses(app)
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    own = f"/dashboard/campaigns/{world.slug}"
    assert alpha.get(f"{own}/channels").status_code == 403
    assert "undelivered" not in alpha.get(own).text
    data = {"csrf_token": alpha.token}
    assert alpha.post(f"{own}/undelivered/retry", data=data).status_code == 403
    gamma = signed_in(app, "gamma@partner.example.org", Role.PARTNER, "gamma")
    response = gamma.post(f"{own}/undelivered/retry", data={"csrf_token": gamma.token})
    assert response.status_code in (403, 404)
    assert _statuses(app) == before
    assert [a for a, _d in audit_actions(app) if a.startswith("outbox.")] == []


def test_only_a_post_with_its_token_tries_them_again(app: Flask, world: World) -> None:
    admin = signed_in(app, ADMIN)
    before = _statuses(app)
    path = f"/dashboard/campaigns/{world.slug}/undelivered/retry"
    assert admin.get(path).status_code == 405
    assert admin.post(path).status_code == 400
    assert admin.post(path, data={"csrf_token": "forged"}).status_code == 400
    assert admin.post("/dashboard/campaigns/no-such/undelivered/retry").status_code == 400
    data = {"csrf_token": admin.token}
    assert admin.post("/dashboard/campaigns/no-such/undelivered/retry", data=data).status_code == (
        404
    )
    assert _statuses(app) == before
    assert [a for a, _d in audit_actions(app) if a.startswith("outbox.")] == []


def test_the_campaign_page_links_to_them_when_there_are_some(app: Flask, world: World) -> None:
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{world.slug}").text
    link = f'href="/dashboard/campaigns/{world.slug}/channels#undelivered"'
    assert link in page
    assert "See the <bdi>3</bdi> letters that could not be delivered, and try them again" in page
