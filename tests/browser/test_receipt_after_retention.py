"""A letter we could not deliver, seen after retention removed its own words, on a phone and a
wide screen in English and Arabic: it says what is left and offers nothing to paste.
Screenshots go to tests/artifacts/receipt-after-retention-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import LiveServer
from tests.supporter.test_receipt_after_retention import _dead_letter
from webapp.database import db, utcnow
from webapp.services.supporters import purge_personal_text

pytestmark = pytest.mark.browser

REMOVED = {"en": "Your own words were removed from this letter on", "ar": "أُزيلت كلماتك"}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_dead_letter_after_retention_on_screen(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    receipt, dead_id = _dead_letter(app, app.test_client(), default_campaign)
    with app.app_context():
        purge_personal_text(db.session(), utcnow() + timedelta(days=91), 90)
    page = screen_page
    page.goto(f"{live_server.url}{receipt}?lang={locale}")
    row = page.locator(f"#delivery-{dead_id}")
    expect(row).to_contain_text(REMOVED[locale])
    expect(row.locator(".handoff, form, textarea")).to_have_count(0)
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"receipt-after-retention-{locale}-{screen}.png"))
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
