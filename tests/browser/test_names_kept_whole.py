"""An office's name in the words that open its letter is kept whole on a phone: "اقرأ الرسالة
الموجّهة إلى Gary C. Peters" broke inside the name at 360 px, "Gary C." on one line and
"Peters" on the next (tests/artifacts/names-whole-*.png)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, screen_options
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Each isolate in the openers that fits its line, yet sits on more than one.
BROKEN_NAMES = """(selector) => [...document.querySelectorAll(selector)].filter((bdi) => {
  const lines = new Set([...bdi.getClientRects()].filter((r) => r.width).map((r) => r.top));
  const room = bdi.closest("summary").getBoundingClientRect().width;
  return lines.size > 1 && bdi.scrollWidth < room;
}).map((bdi) => bdi.textContent)"""


def _fill_in_michigan(page: Page) -> None:
    """Rania's details, in Michigan's 12th district (two senators and Representative Tlaib)."""
    fields = {"first_name": "Rania", "last_name": "Haddad", "email": "rania@example.org"}
    for name, value in {**fields, "street": "100 Main St", "city": "Southfield"}.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=state]", "MI")
    page.fill("[name=zip_code]", single_district_zip("MI", 12))


@pytest.fixture
def context_options() -> dict[str, Any]:
    return screen_options("phone", "ar")


def test_the_arabic_preview_keeps_each_office_name_whole_on_a_phone(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    load_civic_data(app)  # Michigan's members, Senator Peters among them
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    _fill_in_michigan(page)
    page.get_by_role("button", name="معاينة رسالتي").click()
    expect(page.get_by_role("heading", name="راجع رسالتك", level=1)).to_be_visible()
    openers = page.locator(".office-letter summary bdi")
    expect(openers.filter(has_text="Gary C. Peters")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "names-whole-preview.png"), full_page=True)
    assert page.evaluate(BROKEN_NAMES, ".office-letter > summary bdi") == []
    page.locator("button[name=action][value=send]").click()
    expect(page.get_by_role("heading", name="شكرًا لك يا Rania", level=1)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "names-whole-receipt.png"), full_page=True)
    assert page.evaluate(BROKEN_NAMES, ".letter-copy > summary bdi") == []


def test_the_arabic_widget_preview_keeps_each_office_name_whole_on_a_phone(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    load_civic_data(app)
    page.goto(f"{live_server.url}/widget/{default_campaign}?lang=ar")
    _fill_in_michigan(page)
    expect(page.locator("#targets-live input[name=recipients]")).to_have_count(3)
    page.get_by_role("button", name="معاينة رسالتي").click()
    expect(page.locator(".office-letter summary bdi", has_text="Gary C. Peters")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "names-whole-widget-preview.png"), full_page=True)
    assert page.evaluate(BROKEN_NAMES, ".office-letter > summary bdi") == []
