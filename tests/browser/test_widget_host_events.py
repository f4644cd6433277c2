"""What the host page learns from the widget: the sent event once per letter, each frame's own
name, and a way on when the app cannot be reached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Frame, Page, Route, expect
from sqlalchemy import select

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY, SEND_BUTTON
from tests.browser.widget_host import Embed, HostPage, HostSite, shoot, widget_frame
from tests.conftest import LiveServer
from tests.widget.helpers import PARTNERS, widget_campaign
from webapp.database import db
from webapp.models import Submission

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page
TITLE = "Safe water for every school"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _fill(frame: Frame) -> None:
    for label, value in {
        "First name": "Omar",
        "Last name": "Saleh",
        "Email": "o@example.org",
        "City": "Dearborn",
        "ZIP code": "48126",
    }.items():
        frame.get_by_label(label, exact=True).fill(value)
    frame.get_by_label("State", exact=True).select_option("MI")


def test_the_sent_event_fires_once_per_letter_even_after_back_and_forward(
    app: Flask, live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    page = host_page(360)
    page.goto(host_site.serve(live_server.url, [Embed("wa", {"campaign": slug})]))
    frame = widget_frame(page, "wa")
    _fill(frame)
    frame.get_by_role("button", name="Preview my letter").click()
    expect(frame.get_by_role("heading", name="Check your letter")).to_be_visible()
    # Its script makes the preview's history entry a GET as it is left, so Back loads the form:
    # a press before it runs leaves the POST there (test_back_after_send).
    frame.wait_for_load_state("load")
    frame.get_by_role("button", name=SEND_BUTTON).click()
    expect(frame.get_by_role("heading", name="Thank you, Omar")).to_be_visible()
    page.wait_for_function("() => window.sentEvents.length === 1")

    page.evaluate("() => history.back()")
    expect(widget_frame(page, "wa").get_by_role("button", name="Preview my letter")).to_be_visible()
    page.evaluate("() => history.forward()")
    restored = widget_frame(page, "wa")
    expect(restored.get_by_role("heading", name="Thank you, Omar")).to_be_visible()
    _all_posted(page, restored)  # the restored step's script has run and posted, if it does

    events = page.evaluate("() => window.sentEvents")
    with app.app_context():
        receipt = db.session.scalars(select(Submission.receipt_token)).one()
    assert len(events) == 1, f"one letter, {len(events)} events: {events}"
    detail = events[0]["detail"]
    assert detail["campaign"] == slug and detail["partner"] is None
    # An id the host can count by, that opens nothing: not the receipt's token, nor part of it.
    assert re.fullmatch(r"[0-9a-f]{20}", detail["letter"]), detail
    assert detail["letter"] not in receipt and receipt not in detail["letter"]


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_each_frame_is_named_for_its_campaign_mode_and_partner_in_its_own_language(
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    cookieless_browser: Browser,
    locale: str,
) -> None:
    embeds = [
        Embed("wa", {"campaign": slug, "partner": "riverside"}),
        Embed("wb", {"campaign": slug, "partner": "eastside"}),
        Embed("wc", {"campaign": slug, "partner": "riverside"}),  # pasted twice
        Embed("wd", {"campaign": slug, "mode": "counter"}),
        Embed("we", {"campaign": slug, "mode": "signup", "lang": "ar"}),
    ]
    # The widget follows the browser's language where the snippet names none.
    context = cookieless_browser.new_context(viewport={"width": 1280, "height": 800}, locale=locale)
    page = context.new_page()
    page.goto(host_site.serve(live_server.url, embeds))
    for embed in embeds:
        expect(widget_frame(page, embed.element_id).locator("h1")).to_be_attached()
    river, east = PARTNERS["riverside"][0], PARTNERS["eastside"][0]
    if locale == "ar":
        first = [
            (f"نموذج الرسالة لحملة: {TITLE} ({river}) (1)", "ar"),
            (f"نموذج الرسالة لحملة: {TITLE} ({east})", "ar"),
            (f"نموذج الرسالة لحملة: {TITLE} ({river}) (2)", "ar"),
            (f"عدد الرسائل لحملة: {TITLE}", "ar"),
        ]
    else:
        first = [
            (f"Letter form: {TITLE} ({river}) (1)", "en"),
            (f"Letter form: {TITLE} ({east})", "en"),
            (f"Letter form: {TITLE} ({river}) (2)", "en"),
            (f"Letter count: {TITLE}", "en"),
        ]
    expected = [*first, (f"نموذج التسجيل لحملة: {TITLE}", "ar")]
    titles = "() => [...document.querySelectorAll('iframe')].map(f => [f.title, f.lang])"
    page.wait_for_function(f"() => ({titles})().every(t => t[0].includes(':'))")
    assert [tuple(t) for t in page.evaluate(titles)] == expected
    context.close()


# Marks a frame posts to the host page, kept in the order they arrive.
MARKS = """() => { if (!window.marks) { window.marks = [];
    addEventListener('message', e => e.data && e.data.mark && marks.push(e.data.mark)); } }"""


def _all_posted(page: Page, frame: Frame, mark: str = "posted") -> None:
    """Wait until the host page has handled every message the frame's page posted so far: once
    widget.js has run (it marks the page embedded first), a message the frame posts now reaches
    the host after all of them (messages from one window to another keep their order)."""
    expect(frame.locator("html")).to_have_class(re.compile(r"\bcl-embedded\b"))
    page.evaluate(MARKS)
    frame.evaluate("mark => parent.postMessage({mark}, '*')", mark)
    page.wait_for_function("mark => window.marks.includes(mark)", arg=mark)


def _abort(route: Route) -> None:
    route.abort("connectionrefused")


def test_a_frame_that_cannot_reach_the_app_shrinks_and_offers_the_campaign_page(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    link = f'<a href="{live_server.url}/campaigns/{slug}">{TITLE}</a>'
    script = Embed("wa", {"campaign": slug}).markup(live_server.url)
    body = f"<main><h1>Partner</h1>{script}{link}<footer style='block-size:300px'></footer></main>"
    page = host_page(360)
    page.goto(host_site.serve_page(body))
    frame = widget_frame(page, "wa")
    fallback = page.get_by_role("link", name=TITLE)
    expect(frame.get_by_role("button", name="Preview my letter")).to_be_visible()
    expect(fallback).to_be_hidden()  # the widget took its place
    _fill(frame)

    page.route(f"{live_server.url}/widget/**", _abort)  # the app goes down mid-letter
    frame.get_by_role("button", name="Preview my letter").click()

    expect(fallback).to_be_visible()
    expect(fallback).to_be_in_viewport()
    height = page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().height")
    assert height <= 400, f"the frame of the browser's error page is still {height}px tall"
    shoot(page, "widget-app-down-mid-letter-360px")

    page.unroute(f"{live_server.url}/widget/**")  # back up: Back to the form hides the way on
    page.evaluate("() => history.back()")
    expect(widget_frame(page, "wa").get_by_role("button", name="Preview my letter")).to_be_visible()
    expect(fallback).to_be_hidden()


# In the host page: frame wa's size messages and the marks, in the order they arrive.
HOST_LOG = """wid => { window.got = [];
    addEventListener('message', e => { const m = e.data || {};
        if (m.mark) got.push(m.mark);
        else if (m.type === 'civic-letters:resize' && m.wid === wid) got.push('size'); }); }"""
# In the frame: the test's pings it received (each named by `n`; the embed script's own has no
# name), after widget.js (whose listener came first) handled them.
FRAME_LOG = """() => { window.pings = []; addEventListener('message', e => {
    if ((e.data || {}).type === 'civic-letters:ping' && e.data.n) pings.push(e.data.n); }); }"""


def test_the_frame_answers_a_ping_only_from_its_own_page_and_widget(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    page = host_page(1280)
    # Loaded: the host page's load waits for the frame's, so the embed script's own ping is out.
    page.goto(host_site.serve(live_server.url, [Embed("wa", {"campaign": slug})]))
    frame = widget_frame(page, "wa")
    expect(frame.locator("h1")).to_be_visible()
    wid = frame.evaluate("() => document.documentElement.dataset.wid")
    page.evaluate(HOST_LOG, wid)
    frame.evaluate(FRAME_LOG)
    widget = "document.querySelector('#wa + iframe').contentWindow"

    def received(count: int, mark: str) -> None:
        """The frame has handled `count` pings, and the host every message it posted since."""
        frame.wait_for_function("n => window.pings.length === n", arg=count)
        frame.evaluate("mark => parent.postMessage({mark}, '*')", mark)
        page.wait_for_function("mark => window.got.includes(mark)", arg=mark)

    ping = {"type": "civic-letters:ping", "wid": wid}
    page.evaluate(f"m => {widget}.postMessage({{...m, n: 'own'}}, '*')", ping)
    received(1, "before")  # answered, after any answer to the embed script's ping
    page.evaluate(f"m => {widget}.postMessage({{...m, wid: 'w-other', n: 'wid'}}, '*')", ping)
    page.evaluate(  # the host's origin, but another of its windows
        f"""m => {{ const f = document.createElement('iframe'); f.srcdoc = '<p>x</p>';
            f.onload = () => f.contentWindow.eval("parent.{widget}.postMessage(" +
                JSON.stringify({{...m, n: 'window'}}) + ", '*')");
            document.body.append(f); }}""",
        ping,
    )
    received(3, "spoofed")
    got = page.evaluate("() => window.got")
    assert got[got.index("before") + 1 :] == ["spoofed"], f"a spoofed ping was answered: {got}"
    page.evaluate(f"m => {widget}.postMessage(m, '*')", ping)  # its own page: it answers
    page.wait_for_function("() => window.got.at(-1) === 'size'")
