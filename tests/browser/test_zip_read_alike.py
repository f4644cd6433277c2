"""The letter form's three scripts read the ZIP field as the server does, through one function
(letter-form.js's civicZip): the live office list (targets.js), the district hint (zip-hint.js)
and the "Yes, my ZIP code is" box (letter-form.js). The box read "4812-7" or "48127 1234" as
48127 (it dropped every space and hyphen) while the list and hint, like the server, refused it;
the list asked for "48127-1234" where the hint asked for 48127."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, ConsoleLog
from tests.browser.test_zip_elsewhere_kept import BOX, _ask_about_48127
from tests.civic.data import load_civic_data
from tests.civic.geocoder import census, census_app_config
from tests.conftest import LiveServer
from tests.stubs import StubServer
from webapp.supporter.form_checks import _ZIP_RE
from webapp.text_input import ascii_digits, clean_line

pytestmark = [pytest.mark.browser, PAGE_ONLY]
__all__ = ["census", "census_app_config"]

# The same ZIP as a supporter may type it: ZIP+4 with a space before, Arabic-Indic digits, a
# space after; and as the server refuses it.
SAME = [" 48127-1234", "٤٨١٢٧", "48127 "]
REFUSED = ["48127 1234", "4812-7"]
WHERE = {
    "page": "/campaigns/{slug}?lang={lang}",
    "widget": "/widget/{slug}?mode=letter&lang={lang}",
}


def server_zip(typed: str) -> str:
    """The five digits the letter form keeps of a typed ZIP (forms.py, check_zip), or ""."""
    value = clean_line(ascii_digits(typed))
    return value.replace("-", "")[:5] if _ZIP_RE.match(value) else ""


def _asked(page: Page, typed: str) -> dict[str, str]:
    """Which ZIP the office list ("targets") and the district hint ("hint") ask the API about
    once `typed` is typed into a fresh form, the state already chosen."""
    asked: dict[str, str] = {}

    def seen(request: Request) -> None:
        if "/api/representatives" in request.url:
            query = parse_qs(urlsplit(request.url).query)
            asked["targets" if "campaign" in query else "hint"] = query["zip"][0]

    page.select_option("[name=state]", "MI")
    page.on("request", seen)
    page.locator("[name=zip_code]").press_sequentially(typed, delay=30)
    page.wait_for_timeout(900)  # both scripts wait 250 ms after the last key
    page.remove_listener("request", seen)
    return asked


@pytest.mark.parametrize("screen", ["phone"])
@pytest.mark.parametrize("locale", ["ar"])
@pytest.mark.parametrize("where", ["page", "widget"])
def test_the_list_and_the_hint_ask_about_the_zip_the_server_reads(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    screen_page: Page,
    console: ConsoleLog,
    screen: str,
    locale: str,
    where: str,
) -> None:
    assert [server_zip(typed) for typed in SAME] == ["48127"] * 3
    assert [server_zip(typed) for typed in REFUSED] == ["", ""]
    load_civic_data(app)
    page = screen_page
    url = live_server.url + WHERE[where].format(slug=default_campaign, lang=locale)
    reads: dict[str, str | None] = {}
    for typed in ["48127", *SAME, *REFUSED]:
        page.goto(url)
        read = page.evaluate("typed => window.civicZip && window.civicZip(typed)", typed)
        asked = _asked(page, typed)
        if server_zip(typed):
            assert asked == {"targets": "48127", "hint": "48127"}, typed
            expect(page.locator("li.recipient").first).to_be_visible()
        else:
            assert asked == {}, typed
            expect(page.locator(".zip-hint")).to_have_text("")
        reads[typed] = read
    # The one reader the three scripts share reads each as the server does.
    assert reads == {typed: server_zip(typed) for typed in reads}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"zip-read-alike-{where}-{locale}-{screen}.png"))
    assert console.page_errors == [] and console.csp_violations() == []


@pytest.mark.parametrize("screen", ["phone"])
@pytest.mark.parametrize("locale", ["ar"])
@pytest.mark.parametrize("where", ["page", "widget"])
def test_the_kept_box_reads_the_zip_as_the_list_and_the_server_do(
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
    """Asked whether 48127 is their ZIP, the supporter types it again in each spelling: the box
    stays; typed as the server refuses it, the box goes, as the list and the hint ignore it."""
    page = screen_page
    _ask_about_48127(app, census, live_server, page, default_campaign, where, locale)
    box = page.get_by_label(BOX[locale])
    zip_field = page.locator("[name=zip_code]")
    for typed in SAME + REFUSED:
        zip_field.fill("")
        zip_field.press_sequentially(typed, delay=30)
        if server_zip(typed):
            expect(box).to_be_visible()
        else:
            expect(box).to_be_hidden()
    assert console.page_errors == [] and console.csp_violations() == []
