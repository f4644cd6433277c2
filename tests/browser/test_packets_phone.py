"""The office packets page on a phone: each office's packet in one block, its "I delivered
these letters" button on screen, not past the edge of a table that scrolls sideways; English
and Arabic, 360 and 1280 px, no serious axe finding (tests/artifacts/packets-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.browser.editor import admin_signed_in
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.delivery.campaigns import office, write_delivery_campaign
from tests.supporter.helpers import post_letter

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Each element's box against the page's own edges, and the wrapper's scroll: what sticks out.
OUT_OF_VIEW = """() => {
  const width = document.documentElement.clientWidth;
  const wrap = document.querySelector(".table-wrap");
  const out = [...document.querySelectorAll(".table-wrap table :is(button, a)")]
    .map((el) => [el.textContent.trim(), el.getBoundingClientRect()])
    .filter(([, box]) => box.left < -0.5 || box.right > width + 0.5)
    .map(([text]) => text);
  return {out, scrolls: wrap.scrollWidth > wrap.clientWidth + 1};
}"""


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_each_packet_and_its_button_fit_the_screen(
    app: Flask,
    live_server: LiveServer,
    screen_page: Page,
    screen: str,
    locale: str,
    tmp_path: Path,
    axe_path: Path,
) -> None:
    targets = [
        office("City Council", office="Clerk", address="1 Civic Plaza, Dearborn"),
        office("Mayor", address="City Hall"),
    ]
    slug = write_delivery_campaign(app, tmp_path, "packets", targets)
    client = app.test_client()
    for n in range(3):
        assert post_letter(client, slug, email=f"p{n}@example.org").status_code == 303
    page = screen_page
    language = locale[:2]
    admin_signed_in(app, live_server, page, language)
    page.goto(f"{live_server.url}/dashboard/campaigns/{slug}/packets")
    buttons = page.locator(".table-wrap table button[type=submit]")
    expect(buttons).to_have_count(2)
    # The office's name and its place joined as the page's language punctuates them.
    joined = {"en": "City Council, Clerk", "ar": "City Council، Clerk"}[language]
    expect(page.locator("#packet-1")).to_have_text(joined)
    fitted = page.evaluate(OUT_OF_VIEW)
    assert fitted == {"out": [], "scrolls": False}, fitted
    assert (
        page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
    )
    page.screenshot(path=str(ARTIFACTS / f"packets-{language}-{screen}.png"), full_page=True)
    audit = AxeAudit(page, axe_path)
    audit.run(f"packets ({language}, {screen})")
    audit.assert_clean()
