"""In Chromium, in English and Arabic, on a phone and a wide screen: the receipt-link form's errors
come from the app, titles say "Error", the error summary takes focus, and the letter's two
copies have disclosures a screen reader can tell apart. axe on each, with a screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, ConsoleLog
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

ERROR = {"en": "Error: ", "ar": "خطأ: "}
EMPTY = {"en": "Enter your email address.", "ar": "أدخل عنوان بريدك الإلكتروني."}
LOCALES = pytest.mark.parametrize("locale", ["en", "ar"])


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _audit(page: Page, axe_path: Path, name: str) -> None:
    audit = AxeAudit(page, axe_path)
    audit.run(name)
    audit.assert_clean()


@LOCALES
def test_the_receipt_link_form_answers_enter_with_the_apps_errors_in_the_pages_language(
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    console: ConsoleLog,
    axe_path: Path,
    locale: str,
    screen: str,
) -> None:
    """Enter on the empty field, then on "nobody@": Chromium's own bubble came up in English on
    the Arabic page, and nothing was sent (QA4, item 5)."""
    page = screen_page
    page.goto(f"{live_server.url}/campaigns/{default_campaign}/receipt-link?lang={locale}")
    blank = page.title()
    field = page.locator("#receipt-link-email")
    field.focus()
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(EMPTY[locale])
    assert page.title() == ERROR[locale] + blank
    expect(field).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").click()
    expect(field).to_be_focused()
    page.keyboard.type("nobody@")
    page.keyboard.press("Enter")
    expect(summary).to_be_focused()
    expect(field).to_have_value("nobody@")
    error = page.locator("#receipt-link-email-error").inner_text()
    arabic = sum("\u0621" <= c <= "\u064a" for c in error)
    assert error and (arabic > 10 if locale == "ar" else arabic == 0), error
    _shot(page, f"receipt-link-error-{locale}-{screen}")
    _audit(page, axe_path, "receipt-link with errors")
    assert [e for e in console.errors_but_favicon() if "400" not in e] == []


@LOCALES
def test_a_letter_form_sent_back_says_error_in_its_title_and_focuses_its_summary(
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    axe_path: Path,
    locale: str,
    screen: str,
) -> None:
    page = screen_page
    for where in ("campaigns", "widget"):
        page.goto(f"{live_server.url}/{where}/{default_campaign}?lang={locale}")
        blank = page.title()
        page.locator("form button[name=action][value=preview]").last.click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        assert summary.get_attribute("role") is None  # focus reads it out, once
        assert page.title() == ERROR[locale] + blank, where
        _shot(page, f"{where}-errors-{locale}-{screen}")
        _audit(page, axe_path, f"{where} with errors")


@LOCALES
def test_a_letter_form_sent_back_because_it_expired_says_error_and_focuses_why(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    axe_path: Path,
    locale: str,
    screen: str,
) -> None:
    """No error summary there (rev6 item 4): the flash saying why takes focus, once."""
    page = screen_page
    app.config["WIDGET_TOKEN_MAX_AGE_SECONDS"] = 0
    for where in ("campaigns", "widget"):
        page.goto(f"{live_server.url}/{where}/{default_campaign}?lang={locale}")
        blank = page.title()
        if where == "campaigns":
            page.locator("input[name=csrf_token]").first.evaluate("e => { e.value = 'old'; }")
        else:
            page.wait_for_timeout(1100)  # the widget's token, a second old, has expired
        page.locator("form button[name=action][value=preview]").last.click()
        flash = page.locator("p.flash-error")
        expect(flash).to_be_focused()
        assert flash.get_attribute("role") is None  # focus reads it out, once
        assert page.locator("#error-summary").count() == 0
        assert page.title() == ERROR[locale] + blank, where
        _shot(page, f"{where}-expired-{locale}-{screen}")
        _audit(page, axe_path, f"{where} sent back expired")


@pytest.mark.parametrize(("locale", "screen"), [("ar", "wide")])
def test_the_arabic_page_tells_the_two_copies_disclosures_apart(
    live_server: LiveServer, default_campaign: str, screen_page: Page, axe_path: Path
) -> None:
    """Side by side, each copy has "Read the whole letter" and "Signed by 35 organisations":
    four names, two of them twice, in the Tab order (QA4, item 8)."""
    page = screen_page
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    snapshot = page.locator("#letter").aria_snapshot()
    names = [line.strip() for line in snapshot.splitlines() if "اقرأ الرسالة كاملة" in line]
    names += [line.strip() for line in snapshot.splitlines() if "وقّعتها" in line]
    assert len(names) == 4 and len(set(names)) == 4, snapshot
    assert sum("(باللغة الإنجليزية)" in n for n in names) == 2, names
    assert sum("(باللغة العربية)" in n for n in names) == 2, names
    page.locator("#letter").scroll_into_view_if_needed()
    _shot(page, "campaign-two-copies-ar-wide")
    _audit(page, axe_path, "campaign page, Arabic")
