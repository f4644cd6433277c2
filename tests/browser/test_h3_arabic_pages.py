"""The organiser pages review h3 mended, looked at in English and Arabic at 360 and 1280 px: a
held letter's reasons, the offices' statuses, the channel map's command, the audit log's
details and the editor's file-check messages. Screenshots go to tests/artifacts/h3-*.png (and
to H3_SHOTS when set, for the review's notes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, campaign_id, create_account
from tests.dashboard.letters import Letter, Office, add_held_letter, add_letters
from tests.dashboard.test_held_reasons_words import STORED
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction, DeliveryStatus
from webapp.services.organisers import audit

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Where a command's hyphen may break it, or a table cell holds one word a line.
COMMAND_BREAKS = """() => [...document.querySelectorAll('main code')].filter(
  c => c.getClientRects().length > 1).map(c => c.textContent)"""
NARROW_CELLS = """() => [...document.querySelectorAll('main td.statuses')].filter(td => {
  const range = document.createRange();
  range.selectNodeContents(td);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  const words = td.textContent.trim().split(/\\s+/).length;
  return words >= 4 && lines >= words - 1;
}).map(td => td.textContent)"""

SCROLL_TO_STATUSES = """() => {
  const cell = document.querySelector('main td.statuses');
  cell.closest('.table-wrap').scrollLeft = 0;
  cell.scrollIntoView({inline: 'center', block: 'nearest'});
}"""


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    notes = os.environ.get("H3_SHOTS")
    if notes:
        page.screenshot(path=str(Path(notes) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_the_mended_pages_read_in_the_pages_language(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    page, lang, width = screen_page, locale[:2], SCREENS[screen]["width"]
    load_civic_data(app)
    app.config["BABEL_DEFAULT_LOCALE"] = lang
    offices = (
        Office("target:president", "The President of the United States", DeliveryStatus.SENT),
        Office("official:S000148", "Charles Schumer", DeliveryStatus.DEAD),
    )
    letters = [Letter(f"w{i}@example.org", offices=offices) for i in range(12)]
    add_letters(app, default_campaign, letters)
    held = add_held_letter(app, default_campaign, tuple(STORED))
    admin = create_account(app, ADMIN)
    with app.app_context(), write_transaction(db.session()):
        cid = campaign_id(app, default_campaign)
        reasons = ["disposable email domain", "12+ letters from one address in 10 minutes"]
        audit(db.session(), admin, AuditAction.MODERATION_DECLINE, utcnow(), cid,
              submission_id=held, reasons=reasons)  # fmt: skip
        audit(db.session(), admin, AuditAction.PACKETS_DELIVERED, utcnow(), cid,
              office="target:president", letters=14)  # fmt: skip
        audit(db.session(), admin, AuditAction.CAMPAIGN_UPDATED, utcnow(), cid,
              goal=[100, 5000], letters_following_correction=3,
              targets=['[{"name": "A", "email": "a@example.org"}]',
                       '[{"name": "A", "email": "b@example.org"}]'])  # fmt: skip
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    problems: list[str] = []
    for name, path in (
        ("campaign", base),
        ("offices", f"{base}/offices"),
        ("channels", f"{base}/channels?show=letters"),
        ("audit", f"{base}/audit"),
    ):
        page.goto(path)
        _shot(page, f"h3-{name}-{lang}-{width}")
        problems += [f"{name}: {c!r} breaks" for c in page.evaluate(COMMAND_BREAKS)]
        problems += [f"{name}: {c!r} one word a line" for c in page.evaluate(NARROW_CELLS)]
        if name == "offices":  # the Statuses column, scrolled into its box's view
            page.evaluate(SCROLL_TO_STATUSES)
            box = page.locator("main .table-wrap").first
            box.screenshot(path=str(ARTIFACTS / f"h3-statuses-{lang}-{width}.png"))
            if os.environ.get("H3_SHOTS"):
                box.screenshot(
                    path=str(Path(os.environ["H3_SHOTS"]) / f"h3-statuses-{lang}-{width}.png")
                )
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{name}: {scroll}px wide")
    # The editor, refused: a closing time before the opening, a bad email on an office.
    page.goto(f"{base}/edit")
    page.fill("[name=starts_at]", "2027-03-01T10:00")
    page.fill("[name=ends_at]", "2027-02-01T10:00")
    page.fill("[name=goal]", "99999999999")
    page.locator("form#campaign-form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    _shot(page, f"h3-editor-{lang}-{width}")
    assert problems == [], "\n".join(problems)
