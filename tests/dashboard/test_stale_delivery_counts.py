"""A big campaign's stale delivery counts are shown with their time, never recounted in the page."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, update

from tests.dashboard.helpers import ADMIN, campaign_id, signed_in
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from tests.statements import statements
from webapp.database import db, utcnow, write_transaction
from webapp.models import DeliveryStatus, DeliveryTally, Role, WorkerHeartbeat
from webapp.services import delivery_tallies

SENATOR = Office("official:S000001", "Sen. Alma Example", DeliveryStatus.SENT, "us_senate", "MI")
AN_HOUR_AGO = timedelta(hours=1)


@pytest.fixture
def slug(app: Flask, default_campaign: str) -> str:
    """Two letters, three deliveries, counted once an hour ago; no worker has run since."""
    add_letters(
        app,
        default_campaign,
        [
            Letter("a@example.org", offices=(Office(PRESIDENT.key, PRESIDENT.name), SENATOR)),
            Letter("b@example.org", offices=(Office(PRESIDENT.key, PRESIDENT.name),)),
        ],
    )
    return default_campaign


def _count_then_age(app: Flask, slug: str, age: timedelta) -> datetime:
    """Tallies as the worker left them `age` ago; returns their time."""
    when = utcnow() - age
    with app.app_context():
        delivery_tallies.refresh_delivery_tallies(db.session(), campaign_id(app, slug), when)
    return when


def _forget_counts(app: Flask) -> None:
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(delete(DeliveryTally))


def _tally_writes(app: Flask) -> AbstractContextManager[list[str]]:
    """Every statement that writes the delivery tallies (a recount) while the block runs."""

    def writes_tallies(statement: str) -> bool:
        head = statement.lstrip().upper()
        return head.startswith(("DELETE", "INSERT", "UPDATE")) and "DELIVERY_TALLY" in head

    return statements(app, writes_tallies)


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every campaign counts as too big to recount while a page waits."""
    monkeypatch.setattr(delivery_tallies, "PAGE_RECOUNT_MAX_DELIVERIES", 1)


def _stamp(when: datetime) -> str:
    return f'<bdi><time datetime="{when:%Y-%m-%dT%H:%M:%S}Z"'


@pytest.mark.usefixtures("big")
def test_a_big_campaign_s_stale_counts_are_shown_with_their_time_and_not_recounted(
    app: Flask, slug: str
) -> None:
    counted = _count_then_age(app, slug, AN_HOUR_AGO)
    admin = signed_in(app, ADMIN)
    with _tally_writes(app) as writes:
        html = admin.get(f"/dashboard/campaigns/{slug}").text
        data = admin.get(f"/dashboard/campaigns/{slug}/data.json").get_json()
    assert writes == []
    deliveries = html[html.index('id="deliveries-heading"') : html.index('id="time-heading"')]
    assert f"These delivery counts are from {_stamp(counted)}" in deliveries, deliveries
    # Why: no worker runs, which the warning at the top of the page explains.
    assert "but it is not running (" in deliveries
    assert '<a href="#worker-status">see why letters are not being sent</a>' in deliveries
    assert 'id="worker-status" role="status"' in html
    assert "Count now" in deliveries
    assert data["deliveries_by_status"] == {"pending": 2, "sent": 1}
    assert data["deliveries_counted_at"] == counted.isoformat()


@pytest.mark.usefixtures("big")
def test_the_offices_page_says_the_same_and_links_to_the_dashboard_s_warning(
    app: Flask, slug: str
) -> None:
    counted = _count_then_age(app, slug, AN_HOUR_AGO)
    admin = signed_in(app, ADMIN)
    with _tally_writes(app) as writes:
        html = admin.get(f"/dashboard/campaigns/{slug}/offices").text
    assert writes == []
    assert f"These delivery counts are from {_stamp(counted)}" in html
    assert f'<a href="/dashboard/campaigns/{slug}#worker-status">' in html
    assert '<input type="hidden" name="back" value="offices">' in html


@pytest.mark.usefixtures("big")
def test_a_live_worker_behind_is_named_as_the_reason(app: Flask, slug: str) -> None:
    _count_then_age(app, slug, AN_HOUR_AGO)
    with app.app_context(), write_transaction(db.session()) as session:
        now = utcnow()
        session.add(WorkerHeartbeat(worker_id="w:1", started_at=now, seen_at=now))
    html = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    assert "The delivery worker recounts them every minute, and has not done so yet." in html
    assert "#worker-status" not in html.split('id="deliveries-heading"')[1]


@pytest.mark.usefixtures("big")
def test_a_big_campaign_never_counted_offers_to_count_now_instead_of_counting(
    app: Flask, slug: str
) -> None:
    _forget_counts(app)
    admin = signed_in(app, ADMIN)
    with _tally_writes(app) as writes:
        html = admin.get(f"/dashboard/campaigns/{slug}").text
    assert writes == []
    assert "The deliveries have not been counted yet." in html
    assert "<dt>Letters to offices</dt><dd>—</dd>" in html
    # Not a list of every office as if none had a letter.
    assert "Offices with fewer than 3 letters: not counted yet." in html
    response = admin.post(
        f"/dashboard/campaigns/{slug}/deliveries/recount", data={"csrf_token": admin.token}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/campaigns/{slug}#deliveries-heading")
    html = admin.get(f"/dashboard/campaigns/{slug}").text
    assert "have not been counted yet" not in html and "Count now" not in html
    assert "<dt>Letters to offices</dt><dd>3</dd>" in html


def test_count_now_needs_an_admin_and_a_csrf_token(app: Flask, slug: str) -> None:
    _forget_counts(app)
    url = f"/dashboard/campaigns/{slug}/deliveries/recount"
    partner = signed_in(app, "partner@example.org", Role.PARTNER, "sama")
    admin = signed_in(app, ADMIN)
    with _tally_writes(app) as writes:
        assert partner.post(url, data={"csrf_token": partner.token}).status_code in (403, 404)
        assert admin.post(url).status_code == 400
    assert writes == []


def test_a_small_campaign_s_stale_counts_are_still_recounted_in_the_page(
    app: Flask, slug: str
) -> None:
    old = _count_then_age(app, slug, AN_HOUR_AGO)
    with app.app_context(), write_transaction(db.session()) as session:
        # A letter sent since: only a recount shows it.
        session.execute(update(DeliveryTally).values(count=0))
    admin = signed_in(app, ADMIN)
    with _tally_writes(app) as writes:
        html = admin.get(f"/dashboard/campaigns/{slug}").text
    assert writes, "the page did not recount"
    assert "These delivery counts are from" not in html and _stamp(old) not in html
    assert "<dt>Letters to offices</dt><dd>3</dd>" in html
