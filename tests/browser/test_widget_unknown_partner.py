"""A snippet whose partner code names no partner of the campaign: the embed script says so in
the host page's console, naming the code; a known code (in any case) gives no warning."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, expect

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY
from tests.browser.widget_host import Embed, HostPage, HostSite, widget_frame
from tests.conftest import LiveServer
from tests.widget.helpers import widget_campaign

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page
TYPO = "riversde"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def test_the_host_page_console_names_a_code_that_names_no_partner(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    url = host_site.serve(
        live_server.url,
        [
            Embed("typo", {"campaign": slug, "partner": TYPO}),
            Embed("known", {"campaign": slug, "partner": "riverside"}),
            Embed("cased", {"campaign": slug, "partner": "EastSide"}),
        ],
    )
    page = host_page(1280)
    warnings: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", on_console)
    page.goto(url)
    for element_id, code in (("typo", TYPO), ("known", "riverside"), ("cased", "eastside")):
        frame = widget_frame(page, element_id)
        expect(frame.locator('input[name="partner"]')).to_have_value(code)
    # Each frame posts its unknown-partner message (if any) before its name, in one script run,
    # and the host page handles a frame's messages in order: once every frame is named, every
    # warning there will be has been written.
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].every(f => f.title.includes(':'))"
    )
    page.evaluate("() => 0")  # console events come before this answer
    assert warnings == [
        f'civic-letters: partner code "{TYPO}" is not known to campaign "{slug}": letters here '
        "credit no partner. Check data-partner."
    ]

    # The message is heeded only from the widget's own frame and origin: the host page posting
    # it itself, as any script on it could, is ignored.
    src = page.locator("#known + iframe").get_attribute("src") or ""
    wid = parse_qs(urlparse(src).query)["wid"][0]
    page.evaluate(
        """wid => new Promise(done => {
            // Posted after the forgery from the same window: the embed script has handled the
            // forgery by the time this arrives.
            addEventListener('message', e => e.data === 'after' && done());
            postMessage({type: 'civic-letters:unknown-partner', wid: wid}, '*');
            postMessage('after', '*'); })""",
        wid,
    )
    assert len(warnings) == 1, warnings
