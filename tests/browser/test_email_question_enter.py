"""Enter in a field of the letter form (a phone keyboard's Go) previews the letter, as the visible
"Preview my letter" does. It pressed the form's first submit button in the page's order: the
header's language switch (the page turned Arabic), or "Use …" while an address is questioned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, screen_options
from tests.browser.test_accessibility import AxeAudit
from tests.browser.test_letter_e2e import _fill_form
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
TYPO = "rasha.haddad@gmial.con"


@pytest.fixture
def context_options() -> dict[str, Any]:
    return screen_options("phone", "en-US")


def test_enter_in_another_field_previews_and_keeps_the_address_as_typed(
    live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _fill_form(page)
    page.get_by_label("Email", exact=True).fill(TYPO)
    page.get_by_role("button", name="Preview my letter").click()
    suggestion = page.get_by_role("button", name="Use rasha.haddad@gmail.com")
    expect(suggestion).to_be_visible()
    audit = AxeAudit(page, axe_path)
    audit.run("email question")
    audit.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "email-question-phone.png"), full_page=True)

    page.get_by_label("ZIP code", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    # Kept as typed: Enter is "Preview my letter", not "Use …".
    assert page.locator("input[name=email]").first.input_value() == TYPO


def _open_and_fill(page: Page, url: str) -> None:
    """The page or the widget, filled by field name (the widget has no title to choose)."""
    page.goto(url)
    fields = {"first_name": "Rasha", "last_name": "Haddad", "email": "rasha@example.org"}
    for name, value in {**fields, "street": "100 Main St", "city": "Dearborn"}.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=state]").select_option("MI")
    page.locator("[name=zip_code]").fill("48126")


@pytest.mark.parametrize("path", ["/campaigns/{slug}", "/widget/{slug}?mode=letter"])
def test_enter_in_the_zip_field_previews_in_the_page_s_language(
    live_server: LiveServer, default_campaign: str, page: Page, path: str
) -> None:
    _open_and_fill(page, live_server.url + path.format(slug=default_campaign))
    page.locator("[name=zip_code]").press("Enter")
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize("path", ["/campaigns/{slug}", "/widget/{slug}?mode=letter"])
def test_enter_on_a_box_of_the_preview_shows_the_letter_again_and_sends_nothing(
    live_server: LiveServer, default_campaign: str, page: Page, path: str
) -> None:
    """The page's Enter switched language (third review's probe). In the widget the first button
    is the English version's here (a guard: with offices to tick and no such button, Send)."""
    _open_and_fill(page, live_server.url + path.format(slug=default_campaign))
    # An Arabic paragraph: the preview offers an English version and its box too.
    page.locator("[name=personal_message]").fill("عائلتي من حلب. أرجو أن تتحركوا الآن.")
    page.locator("form button[name=action][value=preview]:visible").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    box = page.locator("form input[type=checkbox]:visible").first
    box.focus()
    box.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "civic-letters-sent" not in page.content()
