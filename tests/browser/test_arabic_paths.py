"""A page address (/campaigns/…) in the Arabic editor reads as typed: its leading slash first, on
its left, not after it ("campaigns/syria-five-steps/"). Screenshots: tests/artifacts/paths-*.png."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.browser.editor import admin_signed_in
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Each "/campaigns/" in the element's text: the left edges of its slash and of the "c" after it.
SLASHES = r"""(el) => {
  const found = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.textContent.matchAll(/\/campaigns\//g)) {
      const left = (at) => {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 1);
        return range.getBoundingClientRect().left;
      };
      found.push([left(m.index), left(m.index + 1)]);
    }
  }
  return found;
}"""


def _slash_first(where: Locator) -> None:
    found = where.evaluate(SLASHES)
    assert found, f"no /campaigns/ in {where.inner_text()!r}"
    for slash, letter in found:
        assert slash < letter, f"the slash is drawn after the path: {where.inner_text()!r}"


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["ar"])
def test_the_arabic_editor_shows_page_addresses_left_to_right(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    page = screen_page
    admin_signed_in(app, live_server, page, locale)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # A campaign's own address, beside its name in the page address.
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}/edit")
    slug = page.locator("p", has=page.locator("code", has_text="/campaigns/")).first
    slug.screenshot(path=str(ARTIFACTS / "paths-edit-ar-360.png"))
    _slash_first(slug.locator("code"))
    # A new campaign's: the hint's example address.
    page.goto(f"{live_server.url}/dashboard/campaigns/new")
    hint = page.locator("#slug-hint, [id^=slug][id$=hint]").first
    hint.screenshot(path=str(ARTIFACTS / "paths-new-ar-360.png"))
    _slash_first(hint)
