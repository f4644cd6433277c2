"""The campaign page's letter steps on a phone: after "Preview my letter" and "Change something"
the page opens at the step (the form's address ends #write, with or without JavaScript), not at
the top of the campaign's text, and with JavaScript focus moves once, to the step's heading; a
form sent back with errors still gives focus to its error summary, and to nothing else
(a fragment naming an element the browser cannot focus blurs what had focus)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Every element that takes focus in a document, in order (a screen reader speaks each).
RECORD_FOCUS = """
window.focusMoves = [];
document.addEventListener("focusin", (event) => {
  const el = event.target;
  window.focusMoves.push(el.tagName + (el.id ? "#" + el.id : ""));
}, true);
"""
HEADINGS = {
    "en": ("Check your letter", "Add your name"),
    "ar": ("راجع رسالتك", "أضف اسمك"),
}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(
    request: pytest.FixtureRequest, browser: Browser, locale: str
) -> Iterator[tuple[Page, bool]]:
    js = bool(request.param)
    context = browser.new_context(
        viewport=SCREENS["phone"], locale=locale, java_script_enabled=js, is_mobile=True
    )
    context.add_init_script(RECORD_FOCUS)
    page = context.new_page()
    try:
        yield page, js
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"step-focus-{locale}-{'js' if js else 'no-js'}.png"
        page.screenshot(path=str(shot))
        context.close()


def shot(page: Page, locale: str, js: bool, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"step-focus-{step}-{locale}-{'js' if js else 'no-js'}.png")
    )


def top(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return float(box["y"])


def assert_opens_at(page: Page, target: Locator) -> None:
    """The page opened scrolled to `target` (the campaign's title and text above the screen)."""
    page.wait_for_load_state("load")
    assert page.url.endswith("#write"), page.url
    assert -2 <= top(target) <= 40, top(target)


def assert_focus_moves(page: Page, js: bool, expected: list[str]) -> None:
    """Focus is on the step's heading (Chromium focuses a fragment's focusable target itself,
    site.js does it in other browsers); with JavaScript, counted: it moved once, there."""
    expect(page.locator("#write")).to_be_focused()
    if js:
        assert page.evaluate("window.focusMoves") == expected


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_each_step_opens_at_its_heading_and_errors_at_their_summary(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    phone: tuple[Page, bool],
    locale: str,
) -> None:
    load_civic_data(app)
    page, js = phone
    check, add_name = HEADINGS[locale]
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={locale}")
    for name, value in {
        "first_name": "Omar",
        "last_name": "Saleh",
        "email": "omar@example.org",
        "city": "Dearborn",
        "zip_code": single_district_zip("MI", 12),
    }.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=state]", "MI")

    page.locator("form button[name=action][value=preview]").click()
    heading = page.get_by_role("heading", name=check, level=1)
    expect(heading).to_be_visible()
    assert_opens_at(page, heading)
    assert_focus_moves(page, js, ["H1#write"])
    shot(page, locale, js, "preview")

    page.locator("button[name=action][value=edit]").click()
    form_heading = page.get_by_role("heading", name=add_name, level=2)
    expect(form_heading).to_be_visible()
    assert_opens_at(page, form_heading)
    assert top(page.locator(".campaign-head")) < 0  # the title and its text, scrolled past
    assert_focus_moves(page, js, ["H2#write"])
    shot(page, locale, js, "change")

    page.fill("[name=email]", "")
    page.locator("form button[name=action][value=preview]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    page.wait_for_load_state("load")
    # No element is #write here (its fragment would take focus from the summary): the page
    # opens as before, the summary on the first screen; with JavaScript it has focus, and it
    # alone ever had.
    assert 0 <= top(summary) < SCREENS["phone"]["height"] - 100, top(summary)
    assert page.locator("#write").count() == 0
    if js:
        expect(summary).to_be_focused()
        assert page.evaluate("window.focusMoves") == ["DIV#error-summary"]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_letter_shown_again_with_an_english_version_opens_at_its_heading(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    phone: tuple[Page, bool],
    locale: str,
) -> None:
    """A paragraph in Arabic: the preview offers a box for an English version, and "Show my
    letter with this version" (or Enter, which presses the same) shows the letter again at its
    heading, like the other steps; Send's receipt gets no #write of the form's."""
    load_civic_data(app)
    page, js = phone
    check = HEADINGS[locale][0]
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={locale}")
    for name, value in {
        "first_name": "Rania",
        "last_name": "Haddad",
        "email": "rania@example.org",
        "city": "Dearborn",
        "zip_code": single_district_zip("MI", 12),
        "personal_message": "عائلتي من حلب، وأكتب إليكم باسمها.",
    }.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=state]", "MI")
    page.locator("form button[name=action][value=preview]").click()
    heading = page.get_by_role("heading", name=check, level=1)
    expect(heading).to_be_visible()

    page.fill("[name=personal_english]", "My family is from Aleppo, and I write in its name.")
    page.locator("#english-version ~ button[name=action][value=preview]").click()
    expect(page.locator(".letter-personal").first).to_contain_text("My family is from Aleppo")
    assert_opens_at(page, heading)
    assert_focus_moves(page, js, ["H1#write"])
    shot(page, locale, js, "english-version")

    # Enter in an office's box presses the page's first button, the same "show it again".
    page.locator(".offices input[type=checkbox]").first.press("Enter")
    expect(page.locator(".letter-personal").first).to_contain_text("My family is from Aleppo")
    assert_opens_at(page, heading)
    assert_focus_moves(page, js, ["H1#write"])

    page.locator("button[name=action][value=send]").click()
    page.wait_for_url("**/receipts/**")
    assert "#" not in page.url, page.url
