"""The receipt's outcome notes as a supporter meets them (eighth review): the office's name in view
with larger system text, an English name marked English on an Arabic page, an unfollowed
outcome never taking focus from a form's errors nor said twice, hidden words never selected."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.browser.test_receipt_controls import _receipt
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]


def _flash_outcome_unfollowed(page: Page, base: str, slug: str) -> None:
    """The receipt-link POST answered, its redirect not followed: the flash stays in the cookie."""
    html = page.request.get(f"{base}/campaigns/{slug}/receipt-link").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    r = page.request.post(
        f"{base}/campaigns/{slug}/receipt-link",
        form={"csrf_token": token, "email": "rasha@example.org"},
        max_redirects=0,
    )
    assert r.status == 303, r.status


@pytest.mark.parametrize("js", [True, False])
def test_an_unfollowed_outcome_never_takes_focus_from_a_forms_errors(
    live_server: LiveServer, default_campaign: str, browser: Browser, js: bool
) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 760}, java_script_enabled=js)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _flash_outcome_unfollowed(page, live_server.url, default_campaign)
    page.get_by_role("button", name="Preview my letter").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.textContent.slice(0, 60)]"
    )
    ctx.close()
    # With JavaScript the summary takes focus; without it, the stale word must not take it.
    assert ("error-summary" in focused[0]) if js else ("flash" not in focused[0]), focused


# The system's larger text (125 %), as a phone applies it: before the page lays out or runs a
# script, so the fragment's scroll and the page's script both see it.
BIGGER_TEXT = """
new MutationObserver((changes, watch) => {
  if (document.documentElement) {
    document.documentElement.style.fontSize = '125%';
    watch.disconnect();
  }
}).observe(document, { childList: true });
"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_office_name_stays_above_its_note_with_larger_text(
    app: Flask, live_server: LiveServer, default_campaign: str, browser: Browser, lang: str
) -> None:
    """Phones with the system's larger text (125 %): the office's name above the note."""
    receipt = _receipt(app, default_campaign)
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale=lang, bypass_csp=True)
    page = ctx.new_page()
    page.add_init_script(BIGGER_TEXT)
    page.goto(f"{live_server.url}{receipt}?lang={lang}")
    tops = []
    for i in range(4):
        row = page.locator("#where-heading + .deliveries > .delivery").nth(i)
        row.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        page.wait_for_timeout(200)
        row = page.locator("#where-heading + .deliveries > .delivery").nth(i)
        expect(row.locator(".delivery-note")).to_be_focused()
        top = page.evaluate(
            "e => e.getBoundingClientRect().top", row.locator(".delivery-name").element_handle()
        )
        tops.append(round(top))
        page.goto(f"{live_server.url}{receipt}?lang={lang}")
    ctx.close()
    assert min(tops) >= 0, tops


def test_selecting_a_hand_off_card_leaves_out_the_hidden_words(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    """A long-press "Select all" over a card, as a phone copies it: hidden words come along."""
    page.goto(live_server.url + _receipt(app, default_campaign))
    text = page.evaluate("""() => { const p = document.querySelectorAll('.handoff-actions a')[1];
        const r = document.createRange(); r.selectNodeContents(p.parentElement);
        const s = getSelection(); s.removeAllRanges(); s.addRange(r); return s.toString(); }""")
    assert "(opens in a new tab)" not in text and "for Elissa" not in text, text


def test_a_double_tap_on_ask_for_the_link_takes_focus_once(
    live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    """A double tap: the first POST's redirect is dropped, its flash waits for the next page."""
    base, slug = live_server.url, default_campaign
    html = page.request.get(f"{base}/campaigns/{slug}/receipt-link").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    for _ in range(2):
        page.request.post(
            f"{base}/campaigns/{slug}/receipt-link",
            form={"csrf_token": token, "email": "rasha@example.org"},
            max_redirects=0,
        )
    page.goto(f"{live_server.url}/campaigns/{default_campaign}/receipt-link")
    flashes = page.locator(".flash[autofocus]")
    expect(flashes).to_have_count(1)


def test_the_row_note_marks_an_english_name_english_on_an_arabic_page(
    app: Flask, live_server: LiveServer, default_campaign: str, browser: Browser
) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 760}, locale="ar")
    page = ctx.new_page()
    page.goto(f"{live_server.url}{_receipt(app, default_campaign)}?lang=ar")
    row = page.locator("#where-heading + .deliveries > .delivery").nth(1)
    row.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    note = page.locator(".delivery-note")
    html = note.inner_html()
    ctx.close()
    assert '<bdi lang="en">Elissa Slotkin</bdi>' in html, html
