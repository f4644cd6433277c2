"""An error summary's link puts focus on its field with the field's question and error on a
phone's screen: brought to the very top, the label and the error above it were off screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

PHONE = {"viewport": {"width": 360, "height": 760}, "locale": "en-US"}
# From Berlin, with the city and the name in Arabic script, an address without its domain and a
# paragraph over the limit: five fields with an error each, spread down the form.
TYPED = {
    "abroad_city": "برلين",
    "first_name": "رشا",
    "email": "rasha@example",
    "personal_message": "x" * 5001,
}


@pytest.mark.parametrize(
    "context_options", [PHONE, {**PHONE, "java_script_enabled": False}], ids=["js", "no-js"]
)
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("where", ["campaigns", "widget"])
def test_each_summary_link_shows_its_field_with_its_label_and_error(
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    context_options: dict[str, object],
    where: str,
    lang: str,
) -> None:
    page.goto(f"{live_server.url}/{where}/{default_campaign}?lang={lang}")
    page.select_option("[name=country]", "DE")
    for name, value in TYPED.items():
        page.fill(f"[name={name}]", value)
    page.locator("form.letter-form button[type=submit][value=preview]").last.click()
    links = page.locator(".error-summary a")
    expect(links.first).to_be_visible()
    targets = [str(link.get_attribute("href")).removeprefix("#") for link in links.all()]
    assert {"abroad_city", "last_name", "email", "personal_message"} <= set(targets), targets

    for target in targets:
        page.locator(f'.error-summary a[href="#{target}"]').click()
        field = page.locator(f"#{target}")
        expect(field).to_be_focused()
        expect(page.locator(f'label[for="{target}"]')).to_be_in_viewport(ratio=1)
        expect(page.locator(f"#{target}-error")).to_be_in_viewport(ratio=1)
        expect(field).to_be_in_viewport()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    js = "" if context_options.get("java_script_enabled", True) else "-no-js"
    page.screenshot(path=str(ARTIFACTS / f"error-links-{where}-{lang}{js}.png"))
