"""With JavaScript on, a ZIP code the street is placed outside of is asked about once, on the ZIP
field, with everything typed kept; ticking the box under it takes the letter to its receipt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SEND_BUTTON, ConsoleLog
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data
from tests.civic.geocoder import ADDRESS, DEARBORN, census, census_app_config, census_fixture
from tests.conftest import LiveServer
from tests.stubs import StubServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
__all__ = ["census", "census_app_config"]

TYPED = {
    "street": "16901 Michigan Ave",
    "city": "Dearborn",
    "first_name": "Rana",
    "last_name": "Haddad",
    "email": "rana@example.org",
}
# Both ZIPs in the field's error, each isolated (the page's language around them).
ISOLATED_ZIPS = re.compile(r"\u206848126\u2069.*\u206848127\u2069")
BOX = {"en": "Yes, my ZIP code is 48127", "ar": "نعم، رمزي البريدي هو 48127"}


def _ask_about_48127(
    app: Flask,
    census: StubServer,
    live_server: LiveServer,
    page: Page,
    campaign: str,
    where: str,
    locale: str,
) -> None:
    """The Dearborn supporter types everything, with 48127 for the ZIP the geocoder places their
    street outside of, and asks for the preview: the form comes back asking about the ZIP."""
    load_civic_data(app)
    census.reply_json(ADDRESS, census_fixture(DEARBORN))  # matched: "..., MI, 48126"
    path = f"/campaigns/{campaign}" if where == "page" else f"/widget/{campaign}"
    page.goto(f"{live_server.url}{path}?lang={locale}&mode=letter")
    for name, value in TYPED.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=state]", "MI")
    page.locator("[name=zip_code]").press_sequentially("48127", delay=30)
    page.locator("form button[name=action][value=preview]").click()


@pytest.mark.parametrize("where", ["page", "widget"])
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_zip_the_street_is_not_in_is_asked_about_then_kept(
    app: Flask,
    default_campaign: str,
    census: StubServer,
    live_server: LiveServer,
    screen_page: Page,
    console: ConsoleLog,
    axe_path: Path,
    screen: str,
    locale: str,
    where: str,
) -> None:
    page = screen_page
    _ask_about_48127(app, census, live_server, page, default_campaign, where, locale)

    expect(page.locator("#error-summary")).to_be_focused()
    error = page.locator("#zip_code-error")
    expect(error).to_be_visible()
    assert ISOLATED_ZIPS.search(error.inner_text()), error.inner_text()
    expect(page.locator("[name=zip_code]")).to_have_value("48127")
    for name, value in TYPED.items():
        expect(page.locator(f"[name={name}]")).to_have_value(value)
    box = page.get_by_label(BOX[locale])
    expect(box).not_to_be_checked()
    # The summary's link takes focus to the ZIP field, the box is the next stop after it.
    page.locator('#error-summary a[href="#zip_code"]').click()
    expect(page.locator("[name=zip_code]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] if page.viewport_size else True
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"zip-elsewhere-{where}-{locale}-{screen}"
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    audit = AxeAudit(page, axe_path)
    audit.run(name)
    audit.assert_clean()

    page.keyboard.press("Space")
    page.locator("form button[name=action][value=preview]").click()
    send = page.locator("button[name=action][value=send]")
    expect(send).to_be_visible()
    if locale == "en":
        expect(send).to_have_text(SEND_BUTTON)
    send.click()
    if where == "page":
        expect(page).to_have_url(re.compile(r"/receipts/[^/]{20,}"))
    else:
        expect(page.locator("h1")).to_contain_text("Rana")
    assert console.page_errors == [] and console.csp_violations() == []


@pytest.mark.parametrize("screen", ["phone"])  # the same on both screens
@pytest.mark.parametrize("where", ["page", "widget"])
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_box_is_there_only_while_the_field_holds_the_zip_it_names(
    app: Flask,
    default_campaign: str,
    census: StubServer,
    live_server: LiveServer,
    screen_page: Page,
    console: ConsoleLog,
    screen: str,
    locale: str,
    where: str,
) -> None:
    """Asked about 48127, the supporter types 48126 instead: "Yes, my ZIP code is 48127" would
    name a ZIP no longer in the field (the server counts it for no other). It goes, unticked,
    and comes back, unticked, with 48127."""
    page = screen_page
    _ask_about_48127(app, census, live_server, page, default_campaign, where, locale)
    box = page.get_by_label(BOX[locale])
    expect(box).to_be_visible()
    box.check()

    zip_field = page.locator("[name=zip_code]")
    zip_field.press("End")
    zip_field.press("Backspace")
    expect(box).to_be_hidden()
    expect(box).not_to_be_checked()
    zip_field.press_sequentially("6", delay=30)  # 48126, the street's own
    expect(box).to_be_hidden()
    zip_field.fill("")
    zip_field.press_sequentially("٤٨١٢٧", delay=30)  # 48127 again, in Arabic digits
    expect(box).to_be_visible()
    expect(box).not_to_be_checked()
    zip_field.fill("48127-1234")  # the same ZIP with its four digits: the server counts it too
    expect(box).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"zip-kept-follows-{where}-{locale}-{screen}.png"))
    zip_field.fill("48126")
    expect(box).to_be_hidden()
    page.locator("form button[name=action][value=preview]").click()
    send = page.locator("button[name=action][value=send]")
    expect(send).to_be_visible()  # 48126 is where the street is: no question
    assert console.page_errors == [] and console.csp_violations() == []
