"""Without JavaScript, "I have sent it" lands at the office's row: its thank-you is there."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter

pytestmark = [pytest.mark.browser, PAGE_ONLY]

SENT_IT = {"en": "I have sent it", "ar": "لقد أرسلتها"}
THANKS = {"en": "Thank you: we recorded", "ar": "شكرًا لك: سجّلنا"}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_thank_you_is_on_screen_where_the_page_lands(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    browser: Browser,
    lang: str,
    width: int,
) -> None:
    receipt = post_letter(app.test_client(), default_campaign).headers["Location"]
    context = browser.new_context(
        viewport={"width": width, "height": 760}, locale=lang, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{receipt}?lang={lang}")
    row = page.locator(".delivery", has=page.get_by_role("button", name=SENT_IT[lang])).first
    row_id = row.get_attribute("id")
    row.get_by_role("button", name=SENT_IT[lang]).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#{row_id}-note")
    thanks = page.get_by_role("status").filter(has_text=THANKS[lang])
    expect(thanks).to_have_count(1)
    # Where the supporter lands, whole, and inside the office's own row.
    expect(thanks).to_be_in_viewport(ratio=1)
    expect(
        page.locator(f"#{row_id}").get_by_role("status").filter(has_text=THANKS[lang])
    ).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sent-it-no-js-{lang}-{width}.png"))
    context.close()
