"""A supporter in a real Chromium: campaign, form, preview, send, receipt; on a phone too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from tests.browser.conftest import SEND_BUTTON, ConsoleLog, squeezed_isolates
from tests.conftest import LiveServer
from webapp.database import db
from webapp.models import Delivery, Submission, Supporter
from webapp.services.submissions import email_key

pytestmark = pytest.mark.browser

LETTER = {
    "Title (optional)": "Ms.",
    "First name": "Rasha",
    "Last name": "Haddad",
    "Email": "rasha.haddad@example.org",
    "Street address": "100 Main St",
    "City": "Dearborn",
    "State": "MI",
    "ZIP code": "48126",
    "Your own words (optional)": "My family is from Aleppo.\n\nPlease act now.",
}
SELECTS = ("Title (optional)", "State")
CONSENT = 'input[name="consent_updates"]'
STEPS = (
    "Appoint a Syria envoy",
    "Ratchet up the economic and political consequences",
    "Protect the lives of civilians",
    "Give your administration’s full backing",
    "Invest renewed political capital",
)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _open_campaign(page: Page, server: LiveServer, slug: str) -> None:
    """Start at the home page and follow the link to the campaign, as a supporter would."""
    page.goto(server.url + "/")
    page.locator(f'a[href="/campaigns/{slug}"]').click()
    expect(page).to_have_url(f"{server.url}/campaigns/{slug}")


def _fill_form(page: Page) -> None:
    for label, value in LETTER.items():
        field = page.get_by_label(label, exact=True)
        if label in SELECTS:
            field.select_option(value)
        else:
            field.fill(value)
    page.locator(CONSENT).check()


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    scroll_width, client_width = widths
    assert scroll_width <= client_width, f"{page.url}: {scroll_width}px wide in {client_width}px"


def test_supporter_writes_previews_and_sends_one_recorded_letter(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, console: ConsoleLog
) -> None:
    _open_campaign(page, live_server, default_campaign)
    steps = page.locator(".letter-body ol > li")
    expect(steps).to_have_count(5)
    for number, step in enumerate(STEPS):
        expect(steps.nth(number)).to_be_visible()
        expect(steps.nth(number)).to_contain_text(step)
    # The signatories sit behind a disclosure, so the form stays near the top on a phone.
    signed = page.locator("details.disclosure summary", has_text="Signed by 35 organisations")
    expect(signed).to_be_visible()
    assert squeezed_isolates(page) == [], "an isolated number lost its spaces on screen"
    page.wait_for_load_state("load")
    assert console.errors() == [], "console errors on the campaign page"
    assert console.csp_violations() == []

    _fill_form(page)
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    letter = page.locator("article.letter")
    expect(letter).to_have_count(1)
    # Each office's letter opens from its line in the list of offices.
    page.get_by_text("Read the letter to The President of the United States").click()
    expect(letter.get_by_text("Dear President Biden,", exact=True)).to_be_visible()
    expect(letter.locator(".letter-signature")).to_contain_text("Rasha Haddad")
    expect(letter.locator(".letter-signature")).to_contain_text("Dearborn, MI 48126")
    expect(letter.locator(".letter-personal")).to_contain_text("My family is from Aleppo.")
    assert _count(app, Submission) == 0, "a preview must not record anything"

    console.clear()
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/receipts/[^/]{{20,}}$"))
    expect(page.get_by_role("heading", name="Thank you, Rasha", level=1)).to_be_visible()
    expect(page.get_by_text("The President of the United States").first).to_be_visible()
    page.wait_for_load_state("load")
    assert console.errors() == [], "console errors on the receipt page"
    assert console.csp_violations() == []

    with app.app_context():
        supporter = db.session.scalars(select(Supporter)).one()
        submission = db.session.scalars(select(Submission)).one()
        delivery = db.session.scalars(select(Delivery)).one()
        assert supporter.email == "rasha.haddad@example.org"
        assert supporter.email_key == email_key(
            "rasha.haddad@example.org"
        )  # keyed, not the address
        assert submission.supporter_id == supporter.id
        assert submission.personal_message == "My family is from Aleppo.\n\nPlease act now."
        assert page.url.endswith("/receipts/" + submission.receipt_token)
        assert delivery.submission_id == submission.id
        assert "Rasha Haddad\nDearborn, MI 48126" in delivery.final_text


def test_change_something_returns_to_the_form_with_every_value_kept(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    _open_campaign(page, live_server, default_campaign)
    _fill_form(page)
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()

    page.get_by_role("button", name="Change something").click()
    expect(page.get_by_role("button", name="Preview my letter")).to_be_visible()
    for label, value in LETTER.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(page.locator(CONSENT)).to_be_checked()
    expect(page.locator(".error-summary")).to_have_count(0)
    assert _count(app, Submission) == 0


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
def test_every_step_fits_a_360px_screen_without_horizontal_scroll(
    live_server: LiveServer, default_campaign: str, page: Page, context_options: dict[str, Any]
) -> None:
    page.goto(live_server.url + "/")
    _no_horizontal_scroll(page)
    _open_campaign(page, live_server, default_campaign)
    assert page.evaluate("() => document.documentElement.clientWidth") == 360
    _no_horizontal_scroll(page)

    _fill_form(page)
    # A long unbroken run (a hashtag, a link) in the supporter's own words wraps on every step.
    page.get_by_label("Your own words (optional)", exact=True).fill(
        "My family is from Aleppo. #" + "StandWithSyria" * 8
    )
    page.get_by_label("ZIP code", exact=True).fill("10001")  # a New York ZIP: errors shown
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "ZIP code \u206810001\u2069 is not in \u2068Michigan\u2069"
    )
    _no_horizontal_scroll(page)

    page.get_by_label("ZIP code", exact=True).fill("48126")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    _no_horizontal_scroll(page)

    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Thank you, Rasha", level=1)).to_be_visible()
    _no_horizontal_scroll(page)


def test_console_check_catches_an_inline_script_blocked_by_csp(
    live_server: LiveServer, default_campaign: str, page: Page, console: ConsoleLog
) -> None:
    # Guards the check above: if Chromium stopped reporting CSP refusals, it would pass vacuously.
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
        }"""
    )
    for _ in range(50):
        if console.csp_violations():
            break
        page.wait_for_timeout(100)
    assert any("script-src 'self'" in text for text in console.csp_violations())
    assert page.evaluate("() => window.inlineRan === undefined")
    assert console.errors() != []


def test_an_empty_form_gets_every_error_at_once_from_the_app_not_the_browser(
    live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    """The browser's own bubbles came one field at a time, in the browser's language."""
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    page.get_by_role("button", name="Preview my letter").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for message in ("Enter your first name.", "Enter your last name.", "Enter your email"):
        expect(summary).to_contain_text(message)


def test_an_arabic_name_on_the_english_page_brings_up_the_latin_name_fields_at_once(
    live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    """Before, they came only after Preview, with two errors: a round trip on a phone."""
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    latin = page.get_by_label("First name in Latin letters")
    expect(latin).to_be_hidden()
    page.get_by_label("First name", exact=True).fill("Rania")
    expect(latin).to_be_hidden()  # a Latin name needs nothing more
    page.get_by_label("First name", exact=True).fill("رانيا")
    expect(latin).to_be_visible()
    expect(page.get_by_label("Last name in Latin letters")).to_be_visible()
