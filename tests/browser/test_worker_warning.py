"""The dashboard's warning that no outbox worker is sending, as organisers see it on each screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.editor import sign_in
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, campaign_id, create_account
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db, utcnow, write_transaction
from webapp.models import WorkerHeartbeat
from webapp.services import delivery_tallies

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    # The organiser pages are in English only (i18n.select_locale), so no right-to-left run.
    return {"viewport": SCREENS[screen], "locale": "en-US"}


def test_a_stopped_worker_is_the_first_thing_on_the_dashboard(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, screen: str
) -> None:
    seen = utcnow() - timedelta(minutes=12)
    with app.app_context(), write_transaction(db.session()) as session:
        session.add(WorkerHeartbeat(worker_id="web-1:outbox", started_at=seen, seen_at=seen))
    create_account(app, ADMIN)
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    width = SCREENS[screen]["width"]
    warning = page.locator("#worker-status")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Letters are not being sent: the delivery worker was last seen")
    expect(warning).to_contain_text("None is lost.")
    expect(warning).to_contain_text("An operator starts it with flask outbox work.")
    # Right under the page's heading, before anything else: it is why the numbers stand still.
    assert page.evaluate("() => document.querySelector('h1').nextElementSibling.id") == (
        "worker-status"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert squeezed_isolates(page) == []
    page.screenshot(path=str(ARTIFACTS / f"worker-warning-home-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}")
    expect(warning).to_contain_text("None is lost.")
    warning.screenshot(path=str(ARTIFACTS / f"worker-warning-campaign-{width}.png"))

    with app.app_context(), write_transaction(db.session()) as session:
        session.get_one(WorkerHeartbeat, "web-1:outbox").seen_at = utcnow()
    page.goto(f"{live_server.url}/dashboard/")
    expect(warning).to_contain_text("Delivery worker: active, last seen ")
    expect(warning).to_have_class("hint")
    expect(page.locator(".worker-status")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / f"worker-active-home-{width}.png"), full_page=True)

    # Told to stop (Ctrl-C on `make run`, SIGTERM from systemd): red at once, and said so.
    with app.app_context(), write_transaction(db.session()) as session:
        row = session.get_one(WorkerHeartbeat, "web-1:outbox")
        row.seen_at = row.stopped_at = utcnow()
    page.goto(f"{live_server.url}/dashboard/")
    expect(warning).to_contain_text("Letters are not being sent: the delivery worker was stopped")
    assert squeezed_isolates(page) == []
    warning.screenshot(path=str(ARTIFACTS / f"worker-stopped-home-{width}.png"))


def test_old_delivery_counts_say_when_and_why_and_can_be_counted_now(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    screen: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big campaign's counts from an hour ago, the worker stopped: the page says so, points at
    the red box, and counts when asked, instead of holding the organiser for the count."""
    monkeypatch.setattr(delivery_tallies, "PAGE_RECOUNT_MAX_DELIVERIES", 1)  # "too big"
    add_letters(app, default_campaign, [Letter("a@example.org"), Letter("b@example.org")])
    an_hour_ago = utcnow() - timedelta(hours=1)
    with app.app_context():
        session = db.session()
        campaign = campaign_id(app, default_campaign)
        delivery_tallies.refresh_delivery_tallies(session, campaign, an_hour_ago)
        with write_transaction(session):
            session.add(
                WorkerHeartbeat(
                    worker_id="web-1:outbox", started_at=an_hour_ago, seen_at=an_hour_ago
                )
            )
    create_account(app, ADMIN)
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}")
    note = page.locator(".deliveries-when")
    expect(note).to_contain_text("These delivery counts are from")
    expect(note.get_by_role("link", name="see why letters are not being sent")).to_have_attribute(
        "href", "#worker-status"
    )
    width = SCREENS[screen]["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert squeezed_isolates(page) == []
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"stale-counts-campaign-{width}.png"))
    note.get_by_role("button", name="Count now").click()
    expect(page.locator(".deliveries-when")).to_have_count(0)
    expect(page.locator("p.hint", has_text="Counted at")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"stale-counts-counted-{width}.png"))
