"""What the host page learns from the widget: the sent event once per letter, each frame's own
name, and a way on when the app cannot be reached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Frame, Route, expect
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
    expect(widget_frame(page, "wa").get_by_role("heading", name="Thank you, Omar")).to_be_visible()
    page.wait_for_timeout(1000)  # the restored step's script has run and posted, if it does

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


def test_the_frame_answers_a_ping_only_from_its_own_page_and_widget(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    page = host_page(1280)
    page.goto(host_site.serve(live_server.url, [Embed("wa", {"campaign": slug})]))
    expect(widget_frame(page, "wa").locator("h1")).to_be_visible()
    wid = widget_frame(page, "wa").evaluate("() => document.documentElement.dataset.wid")
    page.wait_for_timeout(500)
    page.evaluate(
        """() => { window.answers = 0; addEventListener('message', e => {
            if (e.data && e.data.type === 'civic-letters:resize') answers += 1; }); }"""
    )
    ping = {"type": "civic-letters:ping", "wid": wid}
    widget = "document.querySelector('#wa + iframe').contentWindow"
    page.evaluate(f"m => {widget}.postMessage({{...m, wid: 'w-other'}}, '*')", ping)
    page.evaluate(  # the host's origin, but another of its windows
        f"""m => {{ const f = document.createElement('iframe'); f.srcdoc = '<p>x</p>';
            f.onload = () => f.contentWindow.eval("parent.{widget}.postMessage(" +
                JSON.stringify(m) + ", '*')");
            document.body.append(f); }}""",
        ping,
    )
    page.wait_for_timeout(800)
    assert page.evaluate("() => answers") == 0
    page.evaluate(f"m => {widget}.postMessage(m, '*')", ping)  # its own page: it answers
    page.wait_for_function("() => answers === 1")
