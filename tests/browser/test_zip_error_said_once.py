"""A ZIP code the form sends back (unknown, or split with no street) is said once: by the error
summary, with the field's own error beside the field, and by no live region besides."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, ConsoleLog
from tests.browser.test_accessibility import AxeAudit
from tests.browser.test_live_announcements import RECORDER
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# The news each case tells, in a few words every sentence about it holds.
NEWS = {
    ("unknown", "en"): ("00001", "ZIP code"),
    ("unknown", "ar"): ("00001", "الرمز البريدي"),
    ("split", "en"): ("split between", "street address"),
    ("split", "ar"): ("موزّع", "عنوان شارعك"),
}
ZIPS = {"unknown": "00001", "split": "48126"}
# Words of the notes and hints that told it again beside the field's error.
AGAIN = {
    ("unknown", "en"): "We do not know which district",
    ("unknown", "ar"): "لا نعرف الدائرة التي يقع فيها",
    ("split", "en"): "split between",
    ("split", "ar"): "موزّع",
}
LIVE = '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]'


@pytest.mark.parametrize("case", ["unknown", "split"])
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_zip_sent_back_is_said_once_by_the_summary_and_shown_on_its_field(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    screen_page: Page,
    console: ConsoleLog,
    axe_path: Path,
    screen: str,
    locale: str,
    case: str,
) -> None:
    load_civic_data(app)
    page = screen_page
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={locale}")
    for name, value in {"first_name": "Rasha", "last_name": "Haddad", "city": "Dearborn"}.items():
        page.fill(f"[name={name}]", value)
    page.fill("[name=email]", "rasha@example.org")
    page.select_option("[name=state]", "MI")
    page.locator("[name=zip_code]").press_sequentially(ZIPS[case], delay=30)
    expect(page.locator("[data-targets-status]")).not_to_have_text("")
    page.locator("form button[name=action][value=preview]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    page.evaluate(RECORDER)
    page.wait_for_timeout(800)  # the page's scripts, and anything they set off

    words = NEWS[(case, locale)]
    regions = page.locator(LIVE)
    telling = [
        text
        for text in regions.all_text_contents()
        if all(word in text for word in words[1:]) or words[0] in text
    ]
    # The summary's alert alone: a status under the address said it a second time (a third
    # with the field's error read as the field is reached).
    assert len(telling) == 1, telling
    assert page.locator("#error-summary [role=alert]").text_content() == telling[0]
    field = "zip_code" if case == "unknown" else "street"
    error = page.locator(f"#{field}-error")
    expect(error).to_be_visible()
    assert error.inner_text() in telling[0]
    assert f"{field}-error" in (page.locator(f"#{field}").get_attribute("aria-describedby") or "")
    # Nor shown again under the address (the live list's notes, the ZIP field's hint).
    shown = page.locator("p:visible").filter(has_text=AGAIN[(case, locale)])
    expect(shown).to_have_count(1 if case == "split" else 0)
    if case == "split":
        expect(shown).to_have_id("street-error")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"zip-said-once-{case}-{locale}-{screen}"
    page.locator(f"#{field}").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    audit = AxeAudit(page, axe_path)
    audit.run(name)
    audit.assert_clean()
    # The page answered 422, which Chromium logs as a failed resource; nothing else.
    assert console.page_errors == [] and console.csp_violations() == []
