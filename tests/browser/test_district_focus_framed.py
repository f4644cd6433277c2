"""The district choice after the error summary's link: on a phone's screen in a widget framed on a
partner's page (the script alone keeps it there), and arrowing or tapping between its radios
never moves the page (the room kept above the linked radio is for the link's jump only)."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY
from tests.browser.test_district_focus import fill_and_preview
from tests.browser.widget_host import Embed, HostPage, HostSite, widget_frame
from tests.civic.data import load_civic_data, split_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page

BOX = "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }"


def _district_error(where: Page | Frame, zip_code: str) -> None:
    fill_and_preview(where, zip_code)
    expect(where.locator("#district-error")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_in_the_embedded_widget_the_group_is_on_the_phone_screen(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    host_site: HostSite,
    host_page: HostPage,
    lang: str,
) -> None:
    load_civic_data(app)
    zip_code, _ = split_zip("MI")
    url = host_site.serve(
        live_server.url, [Embed("wa", {"campaign": default_campaign, "lang": lang})]
    )
    page = host_page(360)
    page.goto(url)
    frame = widget_frame(page, "wa")
    _district_error(frame, zip_code)
    frame.locator('.error-summary a[href^="#district"]').click()
    page.wait_for_timeout(300)
    focused = frame.evaluate("() => [document.activeElement.type, document.activeElement.name]")
    frame_top = page.eval_on_selector("#wa + iframe", BOX)[0]
    tops = {
        what: frame.eval_on_selector(sel, BOX)
        for what, sel in {
            "legend": "#district legend",
            "error": "#district-error",
            "radio": "#district input[type=radio]",
        }.items()
    }
    # In the host's viewport: the frame's own box offset by where the frame is.
    shown = {k: (v[0] + frame_top, v[1] + frame_top) for k, v in tops.items()}
    assert focused == ["radio", "district"]
    for what, (top, bottom) in shown.items():
        assert top >= -1 and bottom <= 801, f"{what} off the phone's screen: {top}-{bottom}"


def test_arrowing_between_district_radios_leaves_the_page_where_it_is(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    load_civic_data(app)
    zip_code, districts = split_zip("MI")
    assert len(districts) >= 2
    page.set_viewport_size({"width": 360, "height": 760})
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _district_error(page, zip_code)
    # The page's deferred script focuses the error summary; on a loaded machine it ran after
    # the radio was focused below, so ArrowDown moved nothing (clean run 102).
    expect(page.locator("#error-summary")).to_be_focused()
    radios = page.locator("#district input[type=radio]")
    # The supporter has scrolled so the group sits near the top of the screen, all in view.
    page.evaluate(
        "() => { const r = document.querySelector('#district input[type=radio]');"
        " scrollBy(0, r.getBoundingClientRect().top - 120); r.focus({preventScroll: true}); }"
    )
    before = page.evaluate("() => scrollY")
    page.keyboard.press("ArrowDown")  # to the next district: it is on screen already
    expect(radios.nth(1)).to_be_focused()
    page.wait_for_timeout(200)
    after = page.evaluate("() => scrollY")
    assert after == before, f"the page moved {before - after}px under the supporter's finger"


def test_tapping_a_district_radio_near_the_top_leaves_the_page_where_it_is(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    load_civic_data(app)
    zip_code, _ = split_zip("MI")
    page.set_viewport_size({"width": 360, "height": 760})
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _district_error(page, zip_code)
    page.evaluate(
        "() => { const r = document.querySelectorAll('#district input[type=radio]')[1];"
        " scrollBy(0, r.getBoundingClientRect().top - 120); }"
    )
    before = page.evaluate("() => scrollY")
    box = page.locator("#district input[type=radio]").nth(1).bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # no auto-scroll
    page.wait_for_timeout(200)
    after = page.evaluate("() => scrollY")
    assert after == before, f"the page moved {before - after}px under the supporter's finger"
