"""A campaign closed while its form was open: the page says so and gives back what the supporter
wrote, to copy, in English and Arabic on a phone and a wide screen
(tests/artifacts/closed-mid-letter-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, SCREENS, screen_options
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.supporter.campaign_files import write_campaign

pytestmark = pytest.mark.browser

SLUG = "safe-water"
OWN = {
    "en": "My family is in Idlib and has had no clean water since May.",
    "ar": "عائلتي في إدلب، ولا ماء نظيفًا عندها منذ أيار.",
}
SAID = {
    "en": "nothing you wrote was sent or recorded",
    "ar": "فلم يُرسَل ولم يُسجَّل شيء مما كتبته",
}


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "en-US")


# Where the form was open: its address, the part that answers, its screenshots' name.
WHERE = {
    "page": (f"/campaigns/{SLUG}?lang=", ".campaign-form", "closed-mid-letter"),
    "widget": (f"/widget/{SLUG}?mode=letter&lang=", "main", "closed-mid-letter-widget"),
}


@pytest.mark.parametrize("where", sorted(WHERE))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_closed_page_gives_back_what_the_supporter_wrote(
    app: Flask,
    live_server: LiveServer,
    tmp_path: Path,
    page: Page,
    axe_path: Path,
    screen: str,
    lang: str,
    where: str,
) -> None:
    address, answer, shot = WHERE[where]
    write_campaign(app, tmp_path, SLUG)
    page.goto(f"{live_server.url}{address}{lang}")
    page.locator("#personal_message").fill(OWN[lang])
    write_campaign(app, tmp_path, SLUG, status="closed")  # the organisers close it meanwhile
    page.locator("form button[name=action][value=preview]").click()
    panel = page.locator(".unsent-words")
    expect(panel).to_be_visible()
    expect(page.locator(answer)).to_contain_text(SAID[lang])
    expect(panel.locator("textarea")).to_have_value(OWN[lang])
    expect(panel.locator("textarea")).to_have_js_property("readOnly", True)
    width = SCREENS[screen]["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    audit = AxeAudit(page, axe_path)
    audit.run(f"closed mid-letter, {where} ({lang}, {screen})")
    audit.assert_clean()
    page.locator(answer).screenshot(path=str(ARTIFACTS / f"{shot}-{lang}-{screen}.png"))
