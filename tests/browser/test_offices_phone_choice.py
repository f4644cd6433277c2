"""The every-office page on a phone on a day of action, in English and Arabic: the offices
with letters, a state chosen without JavaScript, every office a link away; no sideways scroll,
no serious axe finding (tests/artifacts/offices-choice-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import release_leaked_sessions  # noqa: F401
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from webapp.models import DeliveryStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY, pytest.mark.usefixtures("release_leaked_sessions")]

OHIO = Office("official:S000002", "Sen. Bea Buckeye", DeliveryStatus.SENT, "us_senate", "OH")
HEIGHT = "() => document.documentElement.scrollHeight"
WIDTH = "() => document.documentElement.scrollWidth"


@pytest.fixture(params=["en-US", "ar"])
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(locale: str) -> dict[str, Any]:
    # No script: the choices are links and a plain form (axe runs in a second context).
    return {"viewport": SCREENS["phone"], "locale": locale, "java_script_enabled": False}


def test_an_organiser_on_a_phone_finds_the_offices_with_letters_and_one_state(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    browser: Browser,
    locale: str,
    axe_path: Path,
) -> None:
    load_civic_data(app)
    add_letters(
        app,
        default_campaign,
        [
            *(Letter(f"w{n}@example.org", offices=(PRESIDENT,)) for n in range(3)),
            Letter("oh@example.org", state="OH", district=3, offices=(OHIO,)),
        ],
    )
    language = locale[:2]
    admin_signed_in(app, live_server, page, language)
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}/offices"
    page.goto(base)
    rows = page.locator("section:has(#offices-heading) tbody tr")
    expect(rows).to_have_count(2)
    short = page.evaluate(HEIGHT)
    assert page.evaluate(WIDTH) <= 360
    page.screenshot(path=str(ARTIFACTS / f"offices-choice-{language}-letters.png"), full_page=True)
    # Every office, a link away; the page says how many it left out before.
    page.locator("a[href$='/offices?show=all']").first.click()
    # The click returns once navigation starts; the 541 rows are there once the page loads.
    page.wait_for_url(f"{base}?show=all")
    assert rows.count() > 500
    assert page.evaluate(HEIGHT) > 10 * short, short
    # One state, with the form and no script; the choice of every office is kept.
    page.select_option("#office-state", "OH")
    page.locator("form.office-filter button[type=submit]").click()
    page.wait_for_url(f"{base}?show=all&state=OH")
    # Ohio's offices in their table; the President, of no state, in its own below it.
    in_state = page.locator("section:has(#offices-heading) table:not(.stateless-offices) tbody tr")
    stateless = page.locator("section:has(#offices-heading) table.stateless-offices tbody tr")
    assert in_state.count() == 1 + 2 + 15  # the test's senator, Ohio's two, its fifteen seats
    expect(in_state.first).to_contain_text(OHIO.name)
    expect(stateless).to_have_count(1)
    expect(page.locator("#office-state")).to_have_value("OH")
    page.locator("nav a[href$='/offices?state=OH']").click()
    expect(in_state).to_have_count(1)
    expect(stateless).to_have_count(1)
    assert page.evaluate(WIDTH) <= 360
    page.screenshot(path=str(ARTIFACTS / f"offices-choice-{language}-ohio.png"), full_page=True)

    scripted = browser.new_context(
        viewport=SCREENS["phone"],
        locale=locale,
        bypass_csp=True,
        storage_state=page.context.storage_state(),
    )
    try:
        checked = scripted.new_page()
        checked.goto(f"{base}?state=OH")
        audit = AxeAudit(checked, axe_path)
        audit.run(f"offices, Ohio, with letters ({language})")
        audit.assert_clean()
    finally:
        scripted.close()
