"""Back after a letter sent again from the "database busy" page loads a page, never Chromium's
"Confirm Form Resubmission": that page answers a POST too, and its form, unlike the preview's,
left it in the history as that POST (s11's walk: Toronto, Arabic, 360 px)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.browser.test_back_after_send import _back, _letters, _press
from tests.conftest import LiveServer
from tests.supporter.test_database_busy import letters_locked

pytestmark = [pytest.mark.browser, PAGE_ONLY]
BUSY_HEADING = "يُرجى الانتظار قليلًا"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "ar"}


def _write_from_toronto(app: Flask, page: Page, url: str) -> None:
    """Preview a letter from Toronto, press Send while the database is busy, then again."""
    page.goto(url)
    page.select_option("[name=country]", "CA")
    fields = {"abroad_city": "Toronto", "first_name": "Rasha", "last_name": "Haddad"}
    for name, value in {**fields, "email": "rasha@example.org"}.items():
        page.fill(f"[name={name}]", value)
    _press(page, page.locator("form button[name=action][value=preview]"))
    with letters_locked(app):
        _press(page, page.locator("button[name=action][value=send]"))
        expect(page.get_by_role("heading", name=BUSY_HEADING, level=1)).to_be_visible()
    assert _letters(app) == 0
    _press(page, page.locator("button[name=action][value=send]"))


def test_back_after_sending_again_from_the_busy_page_loads_the_campaign_page(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    campaign_url = f"{live_server.url}/campaigns/{default_campaign}?lang=ar"
    _write_from_toronto(app, page, campaign_url)
    expect(page).to_have_url(re.compile(r"/receipts/[^/?]{20,}"))
    assert _letters(app) == 1

    _back(page)  # the busy page's entry
    assert page.url == campaign_url
    expect(page.locator("#letter-form button[name=action][value=preview]")).to_be_visible()
    _back(page)  # the preview's
    assert _letters(app) == 1


def test_back_after_sending_again_from_the_busy_page_in_the_widget_loads_its_form(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    widget = f"{live_server.url}/widget/{default_campaign}"
    _write_from_toronto(app, page, f"{widget}?partner=sama&lang=ar")
    expect(page.locator('meta[name="civic-letters-sent"]')).to_have_attribute("content", "sent")
    assert _letters(app) == 1

    _back(page)
    assert page.url.split("?")[0] == widget and "lang=ar" in page.url
    assert "partner=sama" in page.url and "Rasha" not in page.url
    expect(page.locator("form button[name=action][value=preview]")).to_be_visible()
    assert _letters(app) == 1
