"""The district choice's error leads into its radio group, for a keyboard and a screen reader."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.civic.data import load_civic_data, split_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

FOCUSED = "() => { const e = document.activeElement; return [e.tagName, e.type, e.name]; }"


def fill_and_preview(where: Page | Frame, zip_code: str) -> None:
    """A Dearborn street in a ZIP split between districts, then Preview."""
    for name, value in {
        "first_name": "Rana",
        "last_name": "Haddad",
        "email": "rana@example.org",
        "street": "13615 Michigan Ave",
        "city": "Dearborn",
        "zip_code": zip_code,
    }.items():
        where.locator(f'[name="{name}"]').fill(value)
    where.locator('[name="state"]').select_option("MI")
    where.locator('form button[name="action"][value="preview"]').click()


PHONE = {"viewport": {"width": 360, "height": 760}, "locale": "en-US"}


@pytest.mark.parametrize(
    "context_options",
    [PHONE, {**PHONE, "java_script_enabled": False}],
    ids=["360px", "360px-no-js"],
)
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("where", ["campaigns", "widget"])
def test_the_summary_link_puts_focus_on_the_first_district_radio(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    context_options: dict[str, object],
    where: str,
    lang: str,
) -> None:
    load_civic_data(app)
    zip_code, districts = split_zip("MI")
    page.goto(f"{live_server.url}/{where}/{default_campaign}?lang={lang}")
    fill_and_preview(page, zip_code)
    # The address service cannot be reached from tests: the district is asked for instead.
    error = page.locator("#district-error")
    expect(error).to_be_visible()
    fieldset = page.locator("fieldset#district")
    expect(fieldset).to_have_attribute("aria-describedby", "district-error")
    radios = fieldset.locator('input[type="radio"][name="district"]')
    expect(radios).to_have_count(len(districts))
    for n in range(len(districts)):
        expect(radios.nth(n)).to_have_attribute("aria-invalid", "true")
    page.locator('.error-summary a[href^="#district"]').click()
    assert page.evaluate(FOCUSED) == ["INPUT", "radio", "district"]
    expect(radios.first).to_be_focused()
    # On a phone the group's question and its error are on screen with the radio, not above it.
    expect(fieldset.locator("legend")).to_be_in_viewport(ratio=1)
    expect(error).to_be_in_viewport(ratio=1)
    expect(radios.first).to_be_in_viewport(ratio=1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    js = "" if context_options.get("java_script_enabled", True) else "-no-js"
    page.screenshot(path=str(ARTIFACTS / f"district-focus-{where}-{lang}{js}.png"))
