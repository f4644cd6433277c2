"""The receipt with four offices, each with its hand-off card, in English and Arabic on a phone
and a wide screen: no serious axe finding, nothing wider than the screen, and the words only a
screen reader hears stay off it (tests/artifacts/receipt-axe-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.browser.test_accessibility import AxeAudit
from tests.browser.test_receipt_controls import _receipt
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
SENT_IT = {"en": "I have sent it", "ar": "لقد أرسلتها"}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_receipt_with_four_hand_offs_passes_axe_and_fits(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    axe_path: Path,
    screen: str,
    locale: str,
) -> None:
    page, lang = screen_page, locale
    page.goto(f"{live_server.url}{_receipt(app, default_campaign)}?lang={lang}")
    audit = AxeAudit(page, axe_path)
    audit.run("receipt")
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Visually hidden words take no room: a button is as wide as the words it shows.
    button = page.get_by_role("button", name=SENT_IT[lang]).first
    shown = button.locator("span[aria-hidden=true]").bounding_box()
    hidden = button.locator(".visually-hidden").bounding_box()
    assert shown and hidden and hidden["width"] <= 1 and hidden["height"] <= 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"receipt-axe-{lang}-{screen}.png"), full_page=True)
    button.click()
    expect(page.locator(".delivery-note")).to_be_focused()
    audit.run("receipt after 'I have sent it'")
    page.screenshot(path=str(ARTIFACTS / f"receipt-axe-sent-{lang}-{screen}.png"))
    audit.assert_clean()
