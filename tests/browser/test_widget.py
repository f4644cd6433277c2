"""The widget on a partner's page (another origin, third-party cookies blocked), end to end."""

from __future__ import annotations

import itertools
import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Frame, Locator, Page, Response, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from tests.browser import widget_host
from tests.browser.conftest import ARTIFACTS, SEND_BUTTON, ConsoleLog
from tests.browser.widget_host import (
    Embed,
    FitLog,
    HostSite,
    click_to_post,
    frame_height,
    new_host_page,
    shoot,
    unexpected_errors,
    widget_frame,
)
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer
from tests.dashboard.helpers import add_partner
from webapp.database import db
from webapp.models import Consent, Submission

pytestmark = pytest.mark.browser
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site

PARTNERS = {
    "riverside": ("Riverside Syrian Community", "Riverside Syrian Community may email me."),
    "eastside": ("Eastside Relief", "Eastside Relief may text me about events."),
}


@pytest.fixture
def partnered(app: Flask, default_campaign: str) -> dict[str, int]:
    """The coalition letter, the real roster and ZIP table, and two partners; their ids."""
    load_civic_data(app)
    return {
        code: add_partner(app, default_campaign, code, name, consent)
        for code, (name, consent) in PARTNERS.items()
    }


def fill_letter(frame: Frame, zip_code: str) -> None:
    """Type a whole letter into the widget, ticking the partner's consent box only."""
    values = {
        "First name": "Rasha",
        "Last name": "Haddad",
        "Email": "rasha@example.org",
        "Street address": "1 Civic Center Dr",
        "City": "Southfield",
        "ZIP code": zip_code,
        "Your own words (optional)": "My family is from Aleppo.",
    }
    for label, value in values.items():
        frame.get_by_label(label, exact=True).fill(value)
    frame.get_by_label("State", exact=True).select_option("MI")
    frame.get_by_label(PARTNERS["riverside"][1], exact=True).check()


def _open_details(frame: Frame, summary: str, details: str = "details.widget-letter") -> None:
    frame.get_by_text(summary, exact=True).click()
    expect(frame.locator(details).first).to_have_attribute("open", "")


def _set_cookie_headers(responses: list[Response], origin: str) -> list[str]:
    found = []
    for response in responses:
        if response.url.startswith(origin):
            value = response.all_headers().get("set-cookie")
            if value:
                found.append(f"{response.url}: {value}")
    return found


@pytest.mark.parametrize("width", [360, 1280])
def test_supporter_sends_a_letter_from_one_of_two_widgets_on_a_partner_page(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    partnered: dict[str, int],
    cookieless_browser: Browser,
    host_site: HostSite,
    backend: str,
    width: int,
) -> None:
    slug = default_campaign
    url = host_site.serve(
        live_server.url,
        [
            Embed("wa", {"campaign": slug, "partner": "riverside"}),
            Embed("wb", {"campaign": slug, "partner": "eastside"}),
        ],
    )
    page = new_host_page(cookieless_browser, width)
    console = ConsoleLog()
    responses: list[Response] = []
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    page.on("response", lambda response: responses.append(response))
    shot = f"widget-{width}px-{backend}"
    try:
        fits = FitLog()
        _run_two_widget_flow(app, page, url, slug, partnered, shot, fits)
        assert _set_cookie_headers(responses, live_server.url) == []
        assert page.context.cookies() == []
        assert unexpected_errors(console) == [], "console errors on the host page or in a widget"
        fits.assert_all_fitted()
    finally:
        page.context.close()


# The element's top edge is on the host page's screen: it intersects the top-level viewport (an
# observer in a cross-origin frame measures against it) and its top is not cut off. A fresh
# observer on each poll, whose first report is the current state.
TOP_IN_VIEW = """el => {
    if (!el.__clTopWatch) {
        el.__clTopWatch = true;
        const watch = new IntersectionObserver(([e]) => {
            watch.disconnect();
            el.__clTopWatch = false;
            el.__clTopInView = e.isIntersecting
                && e.intersectionRect.top - e.boundingClientRect.top < 1;
        });
        watch.observe(el);
    }
    return el.__clTopInView === true; }"""


def _assert_in_view(frame: Frame, element: Locator) -> None:
    """The element (in `frame`) starts inside the host page's viewport, once it has scrolled."""
    handle = element.element_handle()
    try:
        frame.wait_for_function(TOP_IN_VIEW, arg=handle, polling=100)
    except PlaywrightError as error:
        box = element.bounding_box()  # relative to the host page's viewport
        top = box and box["y"]
        raise AssertionError(f"top at {top}, outside the host page's viewport") from error
    finally:
        handle.dispose()


# The frame's box on the host page (and the page's scroll) unchanged over three of the host
# page's animation frames: laid out, scrolled and painted where the browser will route a click.
FRAME_AT_REST = """([selector, token]) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    const key = [box.top, box.left, box.width, box.height, scrollY].join();
    let seen = window.__clRest;
    if (!seen || seen.token !== token) { seen = window.__clRest = {token, key: "", frames: 0}; }
    seen.frames = key === seen.key ? seen.frames + 1 : 0;
    seen.key = key;
    return seen.frames >= 3; }"""
_RESTS = itertools.count()


def _bring_to_rest(page: Page, element_id: str, target: Locator) -> None:
    """Scroll the host page itself to `target` (in widget `element_id`'s frame) and wait until the
    frame is at rest there and its page sees the target on screen, so that the click needs no
    scroll of its own. Left to Playwright, the scroll starts inside the frame and reaches the
    host page (another origin, another process) later, while Playwright checks stability and the
    hit target inside the frame only; a click that lands outside the frame is taken as done."""
    selector = f"#{element_id} + iframe"
    within = target.evaluate("el => el.getBoundingClientRect().top")  # in the frame
    page.evaluate(
        """([selector, within]) => { const box = document.querySelector(selector)
            .getBoundingClientRect(); scrollBy(0, box.top + within - innerHeight / 3); }""",
        [selector, within],
    )
    page.wait_for_function(FRAME_AT_REST, arg=[selector, next(_RESTS)], polling="raf")
    expect(target).to_be_in_viewport()  # as the frame's page itself now sees it


def _run_two_widget_flow(
    app: Flask,
    page: Page,
    url: str,
    slug: str,
    partners: dict[str, int],
    shot: str,
    fits: FitLog,
) -> None:
    page.goto(url)
    assert page.evaluate("() => location.origin").startswith("http://localhost:")
    a, b = widget_frame(page, "wa"), widget_frame(page, "wb")
    for name, frame in (("a", a), ("b", b)):
        expect(frame.locator("h1.widget-title")).to_contain_text("5 steps that Biden must take")
        fits.check(frame, f"widget {name}: form")
        assert frame.evaluate("() => document.cookie") == ""
    expect(b.get_by_label(PARTNERS["eastside"][1], exact=True)).not_to_be_checked()
    shoot(page, f"{shot}-1-two-widgets-form")
    b_height = frame_height(page, "wb")

    fill_letter(a, "10001")  # a New York ZIP with Michigan: the form answers with errors
    a.get_by_role("button", name="Preview my letter").click()
    expect(a.locator(".error-summary")).to_contain_text(
        "ZIP code \u206810001\u2069 is not in \u2068Michigan\u2069"
    )
    fits.check(a, "form with errors")
    # Pressed at the form's foot, the errors at its top are brought into view and focused.
    expect(a.locator("#error-summary")).to_be_focused()
    _assert_in_view(a, a.locator("#error-summary"))
    page.screenshot(path=str(ARTIFACTS / f"{shot}-2-widget-a-errors-as-seen.png"))
    shoot(page, f"{shot}-2-widget-a-errors")

    a.get_by_label("ZIP code", exact=True).fill(single_district_zip("MI", 12))
    # The offices found for the ZIP appear above the button as it is typed, moving it down: a
    # press before they do could land where the button was (it did, once, in a busy run). Two
    # senators and a representative.
    expect(a.locator("#targets-live input[name=recipients]")).to_have_count(3)
    a.get_by_role("button", name="Preview my letter").click()
    expect(a.get_by_role("heading", name="Check your letter")).to_be_visible()
    _assert_in_view(a, a.get_by_role("heading", name="Check your letter"))
    expect(a.locator(".offices")).to_contain_text("The President of the United States")
    fits.check(a, "preview")
    # The preview opens each office's own letter from its line in the list.
    _open_details(
        a, "Read the letter to The President of the United States", "details.office-letter"
    )
    expect(a.locator("article.letter").first).to_contain_text("My family is from Aleppo.")
    fits.check(a, "preview with the letter open")
    assert a.evaluate("() => document.cookie") == ""
    shoot(page, f"{shot}-3-widget-a-preview")
    with app.app_context():
        assert db.session.scalars(select(Submission)).all() == []

    click_to_post(page, a.get_by_role("button", name=SEND_BUTTON), f"/widget/{slug}")
    expect(a.get_by_role("heading", name="Thank you, Rasha")).to_be_visible()
    fits.check(a, "receipt")
    assert a.evaluate("() => document.cookie") == ""
    page.wait_for_function("() => window.sentEvents.length > 0")
    shoot(page, f"{shot}-4-widget-a-sent")
    events = page.evaluate("() => window.sentEvents")
    letter = events[0]["detail"].get("letter") or ""
    assert re.fullmatch(r"[0-9a-f]{20}", letter), events  # the letter's id, to count it once
    assert events == [
        {"id": "wa", "detail": {"campaign": slug, "partner": "riverside", "letter": letter}}
    ]

    # The other widget is untouched: same form, empty, same height, same page.
    assert "partner=eastside" in b.url and frame_height(page, "wb") == b_height
    expect(b.get_by_label("First name", exact=True)).to_have_value("")
    expect(b.locator("h1.widget-title")).to_contain_text("5 steps that Biden must take")
    a_height = frame_height(page, "wa")
    _bring_to_rest(page, "wb", b.get_by_text("Read the letter", exact=True))
    _open_details(b, "Read the letter")
    page.wait_for_function(
        "h => document.querySelector('#wb + iframe').style.height !== h", arg=b_height
    )
    fits.check(b, "widget b with the letter open")
    assert frame_height(page, "wa") == a_height, "resizing one widget moved the other"
    shoot(page, f"{shot}-5-widget-b-letter-open")
    _check_recorded(app, partners)


def _check_recorded(app: Flask, partners: dict[str, int]) -> None:
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        consents = db.session.scalars(select(Consent)).all()
        assert submission.partner_id == partners["riverside"]
        assert submission.first_name == "Rasha"
        assert [(c.partner_id, c.wording, c.submission_id) for c in consents] == [
            (partners["riverside"], PARTNERS["riverside"][1], submission.id)
        ]
