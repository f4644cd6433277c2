"""A roster sync's audit entry on a phone and a wide screen, in English and Arabic: the member
and their contact page before and after, no sideways scroll from a long web address.
Screenshots go to tests/artifacts/roster-audit-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, create_account
from tests.delivery.changeover_world import record_letter
from tests.delivery.test_roster_contact_changes import SLOTKIN_FORM, mi_12, roster_file, sync
from webapp.database import utcnow

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_the_audit_entry_shows_the_member_and_their_page_before_and_after(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
    tmp_path: Path,
) -> None:
    page = screen_page
    load_civic_data(app)
    app.config["BABEL_DEFAULT_LOCALE"] = locale[:2]
    record_letter(app, default_campaign, "rasha@example.org", mi_12(), utcnow())
    sync(app, roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM}))
    create_account(app, ADMIN)
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}/audit")

    expect(page.get_by_text(SLOTKIN_FORM)).to_be_visible()
    # A field's name is data too (a member's name, in an Arabic page): isolated, or its
    # closing parenthesis flips to the other end.
    expect(page.locator("dt [dir=auto]", has_text="Elissa Slotkin (S001208)")).to_be_visible()
    width = SCREENS[screen]["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"roster-audit-{locale[:2]}-{width}.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
