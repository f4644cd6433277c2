"""Every copy on the receipt is confirmed anew (QA4 item 6): the status of the button pressed
changes each time, so a screen reader says "Copied" again, and no other still says it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.browser.test_handoff_card import RECORD_COPY
from tests.browser.test_receipt_controls import _receipt
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Records each text the copy statuses show, in order, so a repeated "Copied" is seen.
RECORD_STATUSES = """
window.__said = [];
document.addEventListener('DOMContentLoaded', function () {
  new MutationObserver(function () {
    window.__said.push(Array.from(document.querySelectorAll('.copy-status'),
      function (s) { return s.textContent; }));
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
});
"""


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "en-US"}


def test_every_copy_is_confirmed_and_only_the_last_says_copied(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    page.add_init_script(RECORD_COPY)
    page.add_init_script(RECORD_STATUSES)
    page.goto(live_server.url + _receipt(app, default_campaign))
    buttons = page.get_by_role("button", name=re.compile("^Copy the letter"))
    statuses = page.locator(".handoff .copy-status")
    buttons.nth(0).click()
    expect(statuses.nth(0)).to_have_text("Copied")
    page.evaluate("window.__said = []")
    # The same button again: its status changes, so it is announced again.
    buttons.nth(0).press("Enter")
    expect(statuses.nth(0)).to_have_text("Copied")
    said = page.evaluate("window.__said")
    assert any(state[0] == "" for state in said) and said[-1][0] == "Copied", said
    # Another letter: the earlier status no longer says "Copied".
    buttons.nth(1).click()
    expect(statuses.nth(1)).to_have_text("Copied")
    expect(statuses.nth(0)).to_have_text("")
    assert len(page.evaluate("window.__copied")) == 3
