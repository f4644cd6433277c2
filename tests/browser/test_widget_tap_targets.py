"""The widget's disclosures (the letter, its reading copy, each office's letter on the preview)
are tall enough to tap on a phone: WCAG 2.5.8's 24 px, as the site's own are."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

PHONE = {"viewport": {"width": 360, "height": 800}, "locale": "en-US"}
SUMMARY_HEIGHTS = """() => [...document.querySelectorAll('summary')]
  .filter((s) => s.getClientRects().length)
  .map((s) => [s.textContent.trim().slice(0, 40), s.getBoundingClientRect().height])"""


def _short(page: Page) -> list[tuple[str, float]]:
    heights: list[tuple[str, float]] = page.evaluate(SUMMARY_HEIGHTS)
    assert heights, "no disclosure on the page"
    return [(text, height) for text, height in heights if height < 24]


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_disclosure_in_the_widget_is_at_least_24_px_tall(
    live_server: LiveServer, default_campaign: str, page: Page, lang: str
) -> None:
    page.goto(f"{live_server.url}/widget/{default_campaign}?lang={lang}")
    assert _short(page) == [], "the form's letter"

    # From Berlin: the preview lists the President's letter behind its own disclosure.
    page.select_option("[name=country]", "DE")
    for name, value in {
        "abroad_city": "Berlin",
        "first_name": "Rasha",
        "last_name": "Haddad",
        "email": "rasha@example.org",
    }.items():
        page.fill(f"[name={name}]", value)
    page.locator("#widget-form button[type=submit][value=preview]").click()
    expect(page.locator("button[name=action][value=send]")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-tap-targets-{lang}.png"), full_page=True)
    assert _short(page) == [], "the preview's office letters"
