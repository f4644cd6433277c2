"""The embed script's options: prefill, sign-up mode, counter mode, and allowed origins."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Frame, expect

from tests.browser import widget_host
from tests.browser.conftest import SEND_BUTTON
from tests.browser.widget_host import (
    Embed,
    FitLog,
    HostPage,
    HostSite,
    shoot,
    widget_frame,
)
from tests.conftest import LiveServer
from tests.dashboard.helpers import partner_ids
from tests.dashboard.letters import Letter, add_letters
from tests.widget.helpers import GOAL, PARTNERS, recorded, widget_campaign

pytestmark = pytest.mark.browser
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page
RIVERSIDE_CONSENT = PARTNERS["riverside"][1]


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _value(frame: Frame, name: str) -> str:
    return str(frame.locator(f'input[name="{name}"]').input_value())


def test_host_page_url_and_data_attributes_prefill_the_widget(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage, backend: str
) -> None:
    url = host_site.serve(
        live_server.url,
        [
            Embed("wa", {"campaign": slug, "partner": "riverside"}),
            Embed(
                "wb",
                {
                    "campaign": slug,
                    "partner": "eastside",
                    "zip": "20500",
                    "email": "dana@example.org",
                    "first-name": "Dana",
                    "source": "blog",
                },
            ),
        ],
    )
    page = host_page(1280)
    page.goto(url + "?zip=48126&email=lina%40example.org&first_name=Lina&source=newsletter")
    a, b = widget_frame(page, "wa"), widget_frame(page, "wb")

    expected = {
        a: {
            "zip_code": "48126",
            "email": "lina@example.org",
            "first_name": "Lina",
            "source": "newsletter",
            "partner": "riverside",
        },
        b: {
            "zip_code": "20500",
            "email": "dana@example.org",
            "first_name": "Dana",
            "source": "blog",
            "partner": "eastside",
        },
    }
    for frame, values in expected.items():
        expect(frame.locator('input[name="first_name"]')).to_have_value(values["first_name"])
        assert {name: _value(frame, name) for name in values} == values
    shoot(page, f"widget-prefill-{backend}")


def test_signup_mode_continues_to_the_letter_and_records_partner_and_consent(
    app: Flask,
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    host_page: HostPage,
    backend: str,
) -> None:
    url = host_site.serve(
        live_server.url, [Embed("wa", {"campaign": slug, "partner": "riverside", "mode": "signup"})]
    )
    page = host_page(360)
    page.goto(url)
    frame, fits = widget_frame(page, "wa"), FitLog()
    expect(frame.get_by_role("button", name="Continue")).to_be_visible()
    fits.check(frame, "sign-up")
    for label, value in {
        "First name": "Lina",
        "Last name": "Saleh",
        "Email": "lina@example.org",
        "ZIP code": "48126",
    }.items():
        frame.get_by_label(label, exact=True).fill(value)
    frame.get_by_label(RIVERSIDE_CONSENT, exact=True).check()
    shoot(page, f"widget-signup-360px-1-signup-{backend}")
    # The page may still be settling (the ZIP's lookup for its hint, the frame being resized):
    # in one loaded run the frame still showed this form 10 s after the click, with no error.
    fits.check(frame, "sign-up filled in")
    frame.get_by_role("button", name="Continue").click()
    expect(frame.get_by_role("button", name="Preview my letter")).to_be_visible()
    expect(frame.get_by_label("Last name", exact=True)).to_have_value("Saleh")
    expect(frame.get_by_label("ZIP code", exact=True)).to_have_value("48126")
    expect(frame.get_by_label(RIVERSIDE_CONSENT, exact=True)).to_be_checked()
    fits.check(frame, "letter form after continue")
    shoot(page, f"widget-signup-360px-2-letter-{backend}")
    frame.get_by_label("City", exact=True).fill("Dearborn")
    frame.get_by_label("State", exact=True).select_option("MI")
    frame.get_by_role("button", name="Preview my letter").click()
    expect(frame.get_by_role("heading", name="Check your letter")).to_be_visible()
    # The host resizes the frame to the preview: a click while it does may land beside the
    # button (once in a loaded run no POST followed it), so the send waits for the fit.
    fits.check(frame, "preview")
    shoot(page, f"widget-signup-360px-2b-preview-{backend}")
    frame.get_by_role("button", name=SEND_BUTTON).click()
    expect(frame.get_by_role("heading", name="Thank you, Lina")).to_be_visible()
    fits.check(frame, "receipt")
    page.wait_for_function("() => window.sentEvents.length === 1")
    shoot(page, f"widget-signup-360px-3-sent-{backend}")

    rid = partner_ids(app, slug)["riverside"]
    assert recorded(app) == [(rid, None, [(rid, RIVERSIDE_CONSENT)])]
    fits.assert_all_fitted()


def test_counter_mode_shows_the_count_and_the_goal_bar(
    app: Flask,
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    host_page: HostPage,
    backend: str,
) -> None:
    add_letters(app, slug, [Letter(f"writer{n}@example.org") for n in range(3)])
    url = host_site.serve(live_server.url, [Embed("wc", {"campaign": slug, "mode": "counter"})])
    page = host_page(360)
    page.goto(url)
    frame, fits = widget_frame(page, "wc"), FitLog()

    expect(frame.locator(".counter-number")).to_have_text("3 letters written")
    bar = frame.get_by_role("progressbar", name=f"Goal: {GOAL}")
    expect(bar).to_have_attribute("max", str(GOAL))
    expect(bar).to_have_attribute("value", "3")
    expect(frame.get_by_role("link", name="Write yours")).to_be_visible()
    fits.check(frame, "counter")
    shoot(page, f"widget-counter-{backend}")
    fits.assert_all_fitted()


def test_counter_in_arabic_counts_one_letter_right_to_left(
    app: Flask,
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    host_page: HostPage,
    backend: str,
) -> None:
    add_letters(app, slug, [Letter("writer@example.org")])
    embed = Embed("wc", {"campaign": slug, "mode": "counter", "lang": "ar"})
    page = host_page(360)
    page.goto(host_site.serve(live_server.url, [embed]))
    frame, fits = widget_frame(page, "wc"), FitLog()

    expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    expect(frame.locator(".counter-number")).to_have_text("1 رسالة كُتبت")
    number = frame.locator(".counter-number strong").bounding_box()
    words = frame.get_by_text("رسالة كُتبت").bounding_box()
    assert number and words and number["x"] > words["x"], "the number starts the line, on the right"
    fits.check(frame, "counter")
    shoot(page, f"widget-counter-ar-{backend}")
    fits.assert_all_fitted()


def test_campaign_with_allowed_origins_shows_only_on_those_sites(
    app: Flask, live_server: LiveServer, tmp_path: Path, host_site: HostSite, host_page: HostPage
) -> None:
    slug = widget_campaign(app, tmp_path, slug="partner-only", origins=(host_site.origin,))
    url = host_site.serve(live_server.url, [Embed("wa", {"campaign": slug})])
    statuses: list[tuple[str, int]] = []
    page = host_page(1280)
    page.on("response", lambda r: statuses.append((r.url, r.status)))

    page.goto(url)
    expect(widget_frame(page, "wa").get_by_role("button", name="Preview my letter")).to_be_visible()
    page.goto(url.replace("localhost", "127.0.0.1"))  # same page, another origin
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)

    widget_statuses = [s for u, s in statuses if f"/widget/{slug}" in u]
    assert widget_statuses == [200, 403]
    assert widget_frame(page, "wa").locator("form").count() == 0
    # The frame says so, and names the site to add, instead of the browser's "refused".
    refusal = widget_frame(page, "wa").get_by_text("This letter cannot be shown here.")
    expect(refusal).to_be_visible()
    expect(widget_frame(page, "wa").get_by_text("http://127.0.0.1:")).to_be_visible()
    shoot(page, "widget-refused-origin-1280")
