"""Typing a ZIP that spans districts shows them beside the ZIP field, on a 360 px screen."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY, ConsoleLog
from tests.civic.data import load_civic_data, single_district_zip, split_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SPLIT = "ZIP 48126 is split between districts 12 and 13; add your street address."


def _type_zips(page: Page) -> None:
    zip_field = page.get_by_label("ZIP code", exact=True)
    hint = page.locator(".zip-hint")
    expect(hint).to_have_count(1)
    # Live only where no status says the same (the form listing the offices as they are found:
    # test_live_announcements).
    if page.locator("[data-targets-status]").count():
        assert hint.get_attribute("aria-live") is None
    else:
        expect(hint).to_have_attribute("aria-live", "polite")
    expect(hint).to_have_text("")
    zip_field.press_sequentially("48126", delay=30)
    expect(hint).to_have_text(SPLIT)
    hint_id = hint.get_attribute("id") or ""
    assert hint_id in (zip_field.get_attribute("aria-describedby") or "").split()
    box = hint.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360  # beside the field, on screen
    zip_field.fill("")
    zip_field.press_sequentially(single_district_zip("MI", 12), delay=30)
    expect(hint).to_have_text("")  # one district: nothing to add


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
@pytest.mark.parametrize(
    "path",
    ["/campaigns/{slug}", "/widget/{slug}?mode=letter", "/widget/{slug}?mode=signup"],
    ids=["campaign-page", "widget-letter", "widget-signup"],
)
def test_split_zip_names_its_districts_as_it_is_typed(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    console: ConsoleLog,
    context_options: dict[str, Any],
    path: str,
) -> None:
    load_civic_data(app)
    page.goto(live_server.url + path.format(slug=default_campaign))

    _type_zips(page)

    assert console.errors_but_favicon() == [] and console.csp_violations() == []


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
@pytest.mark.parametrize(
    "path", ["/campaigns/{slug}", "/widget/{slug}?mode=letter"], ids=["campaign-page", "widget"]
)
def test_the_preview_carries_the_zip_with_no_hint_and_no_lookup(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    console: ConsoleLog,
    context_options: dict[str, Any],
    path: str,
) -> None:
    """The preview holds the ZIP in a hidden field. The hint's script used to load there too,
    add its paragraph to the form after the page was shown and ask for a lookup."""
    load_civic_data(app)
    page.goto(live_server.url + path.format(slug=default_campaign))
    for label, value in {
        "First name": "Rasha",
        "Last name": "Haddad",
        "Email": "rasha@example.org",
        "City": "Dearborn",
        "ZIP code": single_district_zip("MI", 12),
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option("MI")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    assert page.locator("input[name=zip_code][type=hidden]").count() == 1
    page.wait_for_load_state("networkidle")

    assert page.locator(".zip-hint").count() == 0
    assert page.locator("script[src*='zip-hint.js']").count() == 0
    assert console.errors_but_favicon() == [] and console.csp_violations() == []


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
def test_a_zip_typed_in_arabic_digits_names_its_districts_and_lists_the_offices(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, console: ConsoleLog
) -> None:
    """An Arabic phone keyboard types ٤٨١٢٦: the server took it, the page's scripts did not."""
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    page.locator("select[name=state]").select_option("MI")
    page.locator("input[name=zip_code]").press_sequentially("٤٨١٢٦", delay=30)
    expect(page.locator(".zip-hint")).not_to_have_text("")
    expect(page.locator("#targets-live input[name=recipients]")).to_have_count(2)  # senators
    zip_field = page.locator("input[name=zip_code]")
    zip_field.fill("")
    expect(page.locator(".zip-hint")).to_have_text("")
    zip_field.press_sequentially("۴۸۱۲۶", delay=30)  # Persian digits, the same ZIP
    expect(page.locator(".zip-hint")).not_to_have_text("")
    assert console.errors_but_favicon() == []


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
def test_no_street_hint_beside_the_zip_while_the_form_asks_to_choose_a_district(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    """The street was given but the address service could not place it: the form comes back
    asking which of the ZIP's districts is theirs. The hint used to say "add your street"
    beside the ZIP as well (the QA walk-through, in Arabic on a phone)."""
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    for label, value in {
        "First name": "Rasha",
        "Last name": "Haddad",
        "Email": "rasha@example.org",
        "Street address": "1 Main Street",
        "City": "Dearborn",
        "ZIP code": "48126",
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option("MI")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.locator("fieldset.district-choice")).to_be_visible()
    page.wait_for_load_state("networkidle")
    hint = page.locator(".zip-hint")
    assert hint.text_content() == ""  # read once the page's requests are done, not awaited
    # Another ZIP typed here is a new question: its districts are named again, and back to
    # the one the form asks about, the hint goes.
    zip_field = page.get_by_label("ZIP code", exact=True)
    other, _districts = split_zip("MI")
    assert other != "48126"
    zip_field.fill("")
    zip_field.press_sequentially(other, delay=30)
    expect(hint).to_contain_text(f"ZIP {other} is split between districts")
    zip_field.fill("")
    zip_field.press_sequentially("48126", delay=30)
    expect(hint).to_have_text("")


WITH_STREET = {
    "en": "We will find your district from your street address when you preview your letter.",
    "ar": "سنحدّد دائرتك الانتخابية من عنوان شارعك عند معاينة رسالتك.",
}


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
def test_the_office_list_makes_no_street_promise_while_the_form_asks_to_choose_a_district(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, lang: str
) -> None:
    """The preview tried the street and the address service could not place it, so the form
    asks which district is theirs; the list of offices below still said "We will find your
    district from your street address when you preview your letter" (u1's walk, Dearborn
    48126 on a phone, /work/notes/s65/u1/b-district-note-en-360.png)."""
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={lang}")
    for name, value in {
        "first_name": "Rasha",
        "last_name": "Haddad",
        "email": "rasha@example.org",
        "street": "13615 Michigan Ave",
        "city": "Dearborn",
        "zip_code": "48126",
    }.items():
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('[name="state"]').select_option("MI")
    page.locator('form button[name="action"][value="preview"]').click()
    expect(page.locator("fieldset.district-choice")).to_be_visible()
    offices = page.locator("#targets-live")
    expect(offices.locator("input[name=recipients]")).to_have_count(2)  # the senators, listed
    page.wait_for_load_state("networkidle")
    assert WITH_STREET[lang] not in offices.inner_text()
    # Another split ZIP typed here is a new question, which the street will settle.
    zip_field = page.locator("input[name=zip_code]")
    other, _districts = split_zip("MI")
    zip_field.fill("")
    zip_field.press_sequentially(other, delay=30)
    expect(offices.locator("p.note")).to_have_text([WITH_STREET[lang]])
    zip_field.fill("")
    zip_field.press_sequentially("48126", delay=30)
    expect(offices.locator("p.note")).to_have_count(0)
