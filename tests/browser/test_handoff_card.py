"""The hand-off card at 360 px: a version within the form's limit, copied exactly."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter

pytestmark = [pytest.mark.browser, PAGE_ONLY]
# Records what the copy button hands the clipboard, so the test reads exactly that.
RECORD_COPY = """
window.__copied = [];
Object.defineProperty(navigator, 'clipboard', {value: {writeText: function (text) {
  window.__copied.push(text); return Promise.resolve();
}}});
"""


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "en-US"}


def _receipt(app: Flask, slug: str, personal: str) -> str:
    response = post_letter(app.test_client(), slug, personal_message=personal)
    assert response.status_code == 303
    return str(response.headers["Location"])


def _card(page: Page) -> Any:
    return page.locator(".delivery", has_text="The President").locator(".handoff")


def test_the_copy_button_copies_a_version_within_2000_characters(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    page.add_init_script(RECORD_COPY)
    page.goto(live_server.url + _receipt(app, default_campaign, "My family is from Aleppo."))
    card = _card(page)
    button = card.get_by_role("button", name="Copy the letter")
    expect(button).to_be_visible()
    shown = card.locator("textarea").input_value()
    button.click()
    copied = page.evaluate("window.__copied")
    assert copied == [shown]
    assert len(shown) <= 2000 and "My family is from Aleppo" in shown
    expect(card.get_by_text("of 2,000 characters")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_longer_paragraph_is_split_into_parts_each_within_the_limit(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    page.add_init_script(RECORD_COPY)
    personal = " ".join(["Aleppo was my home and my family still lives there."] * 60)
    page.goto(live_server.url + _receipt(app, default_campaign, personal))
    card = _card(page)
    areas = card.locator("textarea")
    total = areas.count()
    assert total >= 2
    for number in range(1, total + 1):
        card.get_by_role("button", name=f"Copy part {number} of the letter").click()
        expect(card.get_by_text(f"part {number} of {total}, ")).to_be_visible()
    copied = page.evaluate("window.__copied")
    assert copied == [areas.nth(i).input_value() for i in range(total)]
    assert all(len(text) <= 2000 for text in copied)
    assert "Aleppo was my home" in copied[0]
