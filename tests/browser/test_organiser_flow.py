"""Organisers in Chromium: create a campaign, see a supporter's letter; a partner sees its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import (
    ARTIFACTS,
    DEFAULT_TIMEOUT_MS,
    SEND_BUTTON,
    ConsoleLog,
    squeezed_isolates,
)
from tests.conftest import LiveServer
from tests.dashboard.helpers import (
    ADMIN,
    PASSWORD,
    create_account,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
)
from tests.dashboard.letters import add_partner_consent, attribute_to_partner, submission_id
from webapp.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("release_leaked_sessions")]

PARTNER = "alpha@partner.example.org"
SLUG = "clean-water"
TITLE = "Safe water for every school"
CAMPAIGN = {
    "#slug": SLUG,
    "#title": TITLE,
    "#goal": "10",
    "#subject": "Safe water in {{ supporter.city }}",
    "#salutation": "Dear {{ target.name }},",
    "#body": "Our children need safe water at school.\n\nPlease fund lead pipe replacement.",
    "#targets-0-name": "Water Board",
    "#targets-0-email": "clerk@water-board.example.org",
    "#partners-0-code": "alpha",
    "#partners-0-name": "Alpha Org",
    "#partners-0-consent_text": "Alpha Org may email me.",
}
SUPPORTERS = (
    ("Rasha", "Haddad", "rasha.haddad@example.org", "100 Main St"),
    ("Omar", "Khalil", "omar.khalil@example.org", "7 Elm Road"),
)


def _new_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def _sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/login\?next="))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url + "/dashboard/")
    expect(page.get_by_role("heading", name="Campaigns", level=1)).to_be_visible()


def _create_campaign(page: Page, server: LiveServer) -> None:
    page.get_by_role("link", name="New campaign").click()
    expect(page).to_have_url(server.url + "/dashboard/campaigns/new")
    for selector, value in CAMPAIGN.items():
        page.locator(selector).fill(value)
    page.locator("#status").select_option("live")
    page.get_by_role("button", name="Save campaign").click()
    expect(page).to_have_url(f"{server.url}/dashboard/campaigns/{SLUG}")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()


def _write_letter(page: Page, server: LiveServer, supporter: tuple[str, str, str, str]) -> None:
    first, last, email, street = supporter
    page.goto(f"{server.url}/campaigns/{SLUG}")
    for label, value in (
        ("First name", first),
        ("Last name", last),
        ("Email", email),
        ("Street address", street),
        ("City", "Dearborn"),
        ("ZIP code", "48126"),
        ("Your own words (optional)", f"{first} drinks this water."),
    ):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option("MI")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page).to_have_url(re.compile(r"/receipts/"))


def _people_who_wrote(page: Page) -> Locator:
    return page.locator("dt", has_text="People who wrote").locator("xpath=following-sibling::dd")


def _download(page: Page, link: str, target: Path) -> str:
    """Click a download link and read the file the browser saved."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    info.value.save_as(target)
    return target.read_text(encoding="utf-8")


def test_organiser_creates_a_campaign_and_sees_letters_and_partner_sees_only_its_own(
    app: Flask,
    live_server: LiveServer,
    browser: Browser,
    page: Page,
    console: ConsoleLog,
    backend: str,
    tmp_path: Path,
) -> None:
    create_account(app, ADMIN)
    create_account(app, PARTNER, Role.PARTNER, "alpha")
    _sign_in(page, live_server, ADMIN)
    _create_campaign(page, live_server)
    expect(_people_who_wrote(page)).to_have_text("0")

    supporter = _new_context(browser)
    try:
        writer = supporter.new_page()
        for person in SUPPORTERS:
            _write_letter(writer, live_server, person)
    finally:
        supporter.close()
    # The partner widget will attribute letters; until then the test marks Omar's as Alpha's.
    omar = submission_id(app, SUPPORTERS[1][2])
    attribute_to_partner(app, omar, "alpha")
    add_partner_consent(app, omar, "alpha")

    page.reload()
    expect(_people_who_wrote(page)).to_have_text("2")
    expect(page.get_by_role("cell", name="Alpha Org (alpha)")).to_be_visible()
    assert page.locator(":is(p, li, label, summary, h2) bdi").count() > 0  # in a sentence
    assert squeezed_isolates(page) == []  # the counts isolated inside sentences keep their spaces
    letters = _download(page, "Download CSV", tmp_path / "letters.csv")
    assert letters.splitlines()[0].startswith("\ufeffsubmitted_at,status,prefix,first_name")
    for first, last, email, street in SUPPORTERS:
        # (name_as_written is empty: both wrote their names in Latin letters)
        assert f"{first},{last},,{email},{street},Dearborn,MI,48126" in letters
    assert console.errors() == []

    partner = _new_context(browser)
    try:
        own = partner.new_page()
        _sign_in(own, live_server, PARTNER)
        expect(own.get_by_role("link", name="New campaign")).to_have_count(0)
        own.get_by_role("link", name=TITLE).click()
        expect(own.get_by_text("Numbers for Alpha Org only")).to_be_visible()
        expect(_people_who_wrote(own)).to_have_text("1")
        assert own.locator(":is(p, li, label, summary, h2) bdi").count() > 0  # in a sentence
        assert squeezed_isolates(own) == []
        expect(own.get_by_text("Rasha drinks this water.")).to_have_count(0)
        mine = _download(own, "Download my opted-in supporters (CSV)", tmp_path / "mine.csv")
        own.screenshot(
            path=str(ARTIFACTS / f"organiser-flow-partner-{backend}.png"), full_page=True
        )
    finally:
        partner.close()
    assert (
        mine.splitlines()[0]
        == "\ufeffsubmitted_at,first_name,last_name,email,city,state,zip,country,consent_text,"
        "name_as_written,language"
    )
    assert "omar.khalil@example.org" in mine
    assert "rasha.haddad@example.org" not in mine and "7 Elm Road" not in mine
