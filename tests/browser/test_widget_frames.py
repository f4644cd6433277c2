"""The plain <iframe> snippet, and the embed script's checks on who sends it messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect

from tests.browser import widget_host
from tests.browser.conftest import SEND_BUTTON
from tests.browser.widget_host import Embed, HostPage, HostSite, frame_height, shoot, widget_frame
from tests.conftest import LiveServer
from tests.dashboard.helpers import partner_ids
from tests.widget.helpers import PARTNERS, recorded, widget_campaign

pytestmark = pytest.mark.browser
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page
RIVERSIDE_CONSENT = PARTNERS["riverside"][1]


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _plain_frame(live_server: LiveServer, slug: str, site: HostSite, page: Page) -> Frame:
    src = f"/widget/{slug}?partner=riverside"
    page.goto(site.serve(live_server.url, [Embed("plain", plain_frame_src=src)]))
    frame = widget_frame(page, "plain")
    expect(frame.get_by_role("button", name="Preview my letter")).to_be_attached()
    return frame


@pytest.mark.parametrize("width", [360, 1280])
def test_plain_iframe_snippet_completes_a_letter_at_its_fixed_height(
    app: Flask,
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    host_page: HostPage,
    backend: str,
    width: int,
) -> None:
    page = host_page(width)
    frame = _plain_frame(live_server, slug, host_site, page)
    letter_box = frame.get_by_label("The letter", exact=True)
    expect(letter_box).to_have_value(re.compile(r"^Our children need safe water at school\."))

    _send_from(frame, lambda: shoot(page, f"widget-plain-iframe-{width}px-preview-{backend}"))

    shoot(page, f"widget-plain-iframe-{width}px-sent-{backend}")
    assert page.eval_on_selector("#plain", "f => f.getBoundingClientRect().height") == 900
    rid = partner_ids(app, slug)["riverside"]
    assert recorded(app) == [(rid, None, [(rid, RIVERSIDE_CONSENT)])]
    assert page.evaluate("() => window.sentEvents") == []


@pytest.mark.parametrize("width", [360, 1280])
def test_plain_iframe_lets_a_visitor_scroll_to_the_end_of_the_form(
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    host_page: HostPage,
    backend: str,
    width: int,
) -> None:
    page = host_page(width)
    frame = _plain_frame(live_server, slug, host_site, page)
    tall = frame.evaluate("() => document.documentElement.scrollHeight")

    _scroll_inside(page, frame)

    shoot(page, f"widget-plain-iframe-{width}px-scrolled-{backend}")
    bottom = frame.evaluate(
        "() => document.querySelector('form button[value=preview]').getBoundingClientRect().bottom"
    )
    assert bottom <= 900, (
        f"at {width}px the plain frame (900px) holds {tall}px of form and cannot be scrolled: "
        "the Preview button stays out of reach with a mouse or a finger"
    )


def _scroll_inside(page: Page, frame: Frame) -> None:
    """Scroll with the mouse wheel over the frame, as a visitor would to reach the button."""
    box = frame.frame_element().bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 100)
    for _ in range(5):
        page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)


def _send_from(frame: Frame, at_preview: Callable[[], None] = lambda: None) -> None:
    for label, value in {
        "First name": "Omar",
        "Last name": "Saleh",
        "Email": "o@example.org",
        "City": "Dearborn",
        "ZIP code": "48126",
    }.items():
        frame.get_by_label(label, exact=True).fill(value)
    frame.get_by_label("State", exact=True).select_option("MI")
    frame.get_by_label(RIVERSIDE_CONSENT, exact=True).check()
    frame.get_by_role("button", name="Preview my letter").click()
    expect(frame.get_by_role("heading", name="Check your letter")).to_be_visible()
    at_preview()
    frame.get_by_role("button", name=SEND_BUTTON).click()
    expect(frame.get_by_role("heading", name="Thank you, Omar")).to_be_visible()


EVIL_PAGE = (
    b"<script>const [wid, probe] = location.hash.slice(1).split(':');"
    b" parent.postMessage({type: 'civic-letters:resize', height: 7, wid, probe}, '*')</script>"
)
SPOOFS = ("host", "host-sent", "srcdoc", "other-widget", "third", "navigated")


def test_messages_from_other_windows_or_frames_never_resize_a_widget(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    url = host_site.serve(
        live_server.url, [Embed("wa", {"campaign": slug}), Embed("wb", {"campaign": slug})]
    )
    host_site.stub.reply("/evil.html", 200, EVIL_PAGE, {"Content-Type": "text/html"})
    evil = f"{host_site.stub.url}/evil.html"  # http://127.0.0.1:<port>: a third origin
    page = host_page(1280)
    page.goto(url)
    a, b = widget_frame(page, "wa"), widget_frame(page, "wb")
    expect(b.locator("h1")).to_be_visible()
    wid = a.evaluate("() => document.documentElement.dataset.wid")
    b_wid = b.evaluate("() => document.documentElement.dataset.wid")
    # Every height each frame is given from here on: the frames' own pages may still resize
    # them as their scripts run (legitimately), so the spoofs' heights (5 and 7) are looked for
    # among all of them, rather than the heights compared before and after.
    page.evaluate(
        """() => { window.probes = [];
        addEventListener('message', e => e.data.probe && probes.push(e.data.probe));
        window.heights = {wa: [], wb: []};
        for (const id of ['wa', 'wb']) {
            const f = document.querySelector(`#${id} + iframe`);
            new MutationObserver(() => heights[id].push(f.style.height))
                .observe(f, {attributes: true, attributeFilter: ['style']}); } }"""
    )
    fake = {"type": "civic-letters:resize", "height": 5, "wid": wid}

    page.evaluate("m => postMessage({...m, probe: 'host'}, '*')", fake)  # the host's own window
    page.evaluate(
        "m => postMessage({...m, type: 'civic-letters:sent', probe: 'host-sent'}, '*')", fake
    )
    page.evaluate(
        """m => { const f = document.createElement('iframe');  // a frame of the host's origin
        f.srcdoc = '<p>x</p>';
        f.onload = () => f.contentWindow.parent.postMessage({...m, probe: 'srcdoc'}, '*');
        document.body.append(f); }""",
        fake,
    )
    b.evaluate("m => parent.postMessage({...m, probe: 'other-widget'}, '*')", fake)  # our origin
    page.evaluate(
        "u => { const f = document.createElement('iframe'); f.src = u; document.body.append(f); }",
        f"{evil}#{wid}:third",
    )
    # Widget b's own frame, navigated to another origin: right window, wrong origin.
    page.evaluate(
        "u => { document.querySelector('#wb + iframe').src = u; }", f"{evil}#{b_wid}:navigated"
    )
    page.wait_for_function("all => all.every(p => window.probes.includes(p))", arg=list(SPOOFS))
    # b now holds another site's page, which cannot answer the embed script's question after a
    # load, so 3 s on the script shrinks the frame for the browser's few lines (lost()): the
    # page's message, from b's own window with b's id, is no answer. Waited for, not raced: the
    # checks below once ran within those 3 s, and on a loaded machine they need not.
    page.wait_for_function("() => document.querySelector('#wb + iframe').style.height === '240px'")

    heights = page.evaluate("() => window.heights")
    assert not {"5px", "7px"} & {*heights["wa"], *heights["wb"]}, heights
    assert page.evaluate("() => window.sentEvents") == []
    # The same message from the widget's own frame, to the host's origin, is obeyed.
    a.evaluate("([m, o]) => parent.postMessage({...m, height: 321}, o)", [fake, host_site.origin])
    page.wait_for_function("() => document.querySelector('#wa + iframe').style.height === '321px'")
    assert frame_height(page, "wb") == "240px"
    assert "321px" not in page.evaluate("() => window.heights.wb")
