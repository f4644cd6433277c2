"""The campaign dashboard with five partners on a day of action: its numbers and the held
letters come first, the embed snippets on a page of their own (tests/artifacts/order-*.png)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in_admin
from tests.conftest import LiveServer
from tests.dashboard.helpers import add_partner, release_leaked_sessions  # noqa: F401
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db, write_transaction
from webapp.models import Submission, SubmissionStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY, pytest.mark.usefixtures("release_leaked_sessions")]

PARTNERS = [(f"org{n}", f"Partner Organisation {n}") for n in range(1, 6)]
HELD_WHY = ["sent 1.2 s after opening the form", "disposable email domain"]


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return {"viewport": SCREENS[screen], "locale": "en-US"}


def held_letters(app: Flask, slug: str, names: list[str]) -> list[int]:
    """Letters the risk checks held, one per first name, waiting for their senders."""
    letters = [
        Letter(f"{name.lower()}@example.org", first_name=name, status=SubmissionStatus.UNCONFIRMED)
        for name in names
    ]
    ids = add_letters(app, slug, letters)
    with app.app_context(), write_transaction(db.session()):
        db.session.execute(
            update(Submission)
            .where(Submission.id.in_(ids))
            .values(held=True, risk_reasons=HELD_WHY)
        )
    return ids


def _top(page: Page, selector: str) -> float:
    top: float = page.locator(selector).evaluate("e => e.getBoundingClientRect().top + scrollY")
    return top


def test_the_numbers_and_the_held_letters_come_before_the_snippets(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, screen: str
) -> None:
    for code, name in PARTNERS:
        add_partner(app, default_campaign, code, name)
    add_letters(app, default_campaign, [Letter("vt@example.org", state="VT", partner="org1")])
    held_letters(app, default_campaign, ["Bot", "Spam"])
    sign_in_admin(app, page, live_server)
    width, height = SCREENS[screen]["width"], SCREENS[screen]["height"]
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    page.goto(base)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"order-dashboard-{width}.png"), full_page=True)
    # "At a glance" within the first screen on a desktop (it was ~6,700 px down with five
    # partners), the held letters right after it; on a phone within two screens and three.
    glance, held = _top(page, "#totals-heading"), _top(page, "#held")
    screens = 1 if screen == "wide" else 2
    assert glance < screens * height, f"At a glance starts {glance:.0f}px down at {width}px"
    assert held < (screens + 1) * height, f"the held letters start {held:.0f}px down"
    expect(page.locator("textarea")).to_have_count(0)

    # The snippets: every partner's, each with its Arabic variants and a working Copy button.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("link", name="Put it on your site (embed snippets)").click()
    expect(page).to_have_url(f"{base}/embed")
    for code, name in PARTNERS:
        section = page.locator(f"#embed-{code}")
        expect(section.get_by_role("heading", level=2)).to_have_text(f"{name} ({code})")
        expect(section.locator("textarea")).to_have_count(6)
        arabic = section.get_by_label("One line, the widget in Arabic (right to left)")
        script = (
            f'<script src="{live_server.url}/embed.js" data-campaign="{default_campaign}" '
            f'data-partner="{code}" data-lang="ar" async></script>'
        )
        # The way on where the script cannot load: the partner's Arabic campaign link.
        link = (
            f'<a href="{live_server.url}/campaigns/{default_campaign}?partner={code}&amp;lang=ar"'
            ' lang="ar">خمس خطوات'
        )
        expect(arabic).to_have_value(re.compile("^" + re.escape(script + link) + ".*</a>$"))
    page.get_by_role("link", name="Partner Organisation 3 (org3)").click()
    copy = page.locator("#embed-org3").get_by_role("button", name="Copy", exact=True).first
    expect(copy).to_have_accessible_description("One line (recommended)")
    copy.click()
    expect(page.locator("#embed-org3 .snippet .copy-status").first).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert 'data-partner="org3" async></script>' in copied
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"order-embed-{width}.png"), full_page=True)
