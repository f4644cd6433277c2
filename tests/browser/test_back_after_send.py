"""Back after Send loads a page, never Chromium's "Confirm Form Resubmission".

The preview (and a form sent back with errors) answers a POST. Left in the history as that POST,
Back to it after Send failed with net::ERR_CACHE_MISS and offered to post it again. The page's
script makes each such step's entry its form's own address as the supporter leaves it.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, Response, expect
from sqlalchemy import func, select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SEND_BUTTON
from tests.conftest import LiveServer
from webapp.database import db
from webapp.models import Submission

pytestmark = [pytest.mark.browser, PAGE_ONLY]


def _letters(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission)) or 0


def _fill_from_berlin(page: Page, email: str) -> None:
    page.select_option("[name=country]", "DE")
    fields = {"abroad_city": "Berlin", "first_name": "Rasha", "last_name": "Haddad"}
    for name, value in {**fields, "email": email}.items():
        page.fill(f"[name={name}]", value)
    _press(page, page.locator("form button[name=action][value=preview]"))


def _press(page: Page, button: Locator) -> None:
    """Press a button as a person would, once the page has loaded: its deferred script, which
    makes the history entry a GET on submit, runs before "load" (a click while a slow machine
    was still parsing beat it)."""
    page.wait_for_load_state("load")
    button.click()


def _back(page: Page) -> Response:
    """Back, as the browser's button does: a POST entry fails here with ERR_CACHE_MISS."""
    response = page.go_back(wait_until="load")
    assert response is not None, "Back did not load a page"
    assert response.request.method == "GET", f"Back posted {response.url} again"
    assert response.ok, (response.status, response.url)
    return response


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_back_after_send_loads_the_campaign_page_and_records_nothing_more(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    page = screen_page
    campaign_url = f"{live_server.url}/campaigns/{default_campaign}?lang={locale}"
    page.goto(campaign_url)
    _fill_from_berlin(page, "rasha@example.org")
    _press(page, page.locator("button[name=action][value=send]"))
    expect(page).to_have_url(re.compile(r"/receipts/[^/?]{20,}"))
    assert _letters(app) == 1

    _back(page)  # the preview's entry
    assert page.url == campaign_url
    expect(page.locator("#letter-form button[name=action][value=preview]")).to_be_visible()
    assert "Rasha" not in page.url and "Berlin" not in page.url
    page.screenshot(path=str(ARTIFACTS / f"back-after-send-{locale}-{screen}.png"))
    page.reload()
    _back(page)  # the form as first loaded
    assert page.url == campaign_url
    assert _letters(app) == 1, "Back (or a reload) recorded a second letter"


def test_back_through_a_changed_and_previewed_again_letter_is_a_get_each_time(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    """Form, preview, "change something", preview, send: every step Back reaches loads."""
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _fill_from_berlin(page, "rasha@example.org")
    _press(page, page.locator("button[name=action][value=edit]"))
    expect(page.locator("[name=abroad_city]")).to_have_value("Berlin")
    page.fill("[name=abroad_city]", "Hamburg")
    _press(page, page.locator("form button[name=action][value=preview]"))
    _press(page, page.get_by_role("button", name=SEND_BUTTON))
    expect(page).to_have_url(re.compile(r"/receipts/"))
    for _step in range(4):  # the second preview, the changed form, the first preview, the form
        _back(page)
    assert _letters(app) == 1


def test_a_form_sent_back_with_errors_is_a_get_when_come_back_to(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    page.select_option("[name=country]", "DE")
    _press(page, page.locator("form button[name=action][value=preview]"))  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()
    _fill_from_berlin(page, "rasha@example.org")
    _press(page, page.get_by_role("button", name=SEND_BUTTON))
    expect(page).to_have_url(re.compile(r"/receipts/"))
    _back(page)
    _back(page)
    assert _letters(app) == 1


def test_back_after_send_in_the_widget_loads_its_form_with_the_frame_s_own_address(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    widget_url = f"{live_server.url}/widget/{default_campaign}?partner=sama&lang=ar"
    page.goto(widget_url)
    _fill_from_berlin(page, "widget@example.org")
    _press(page, page.locator("button[name=action][value=send]"))
    expect(page.locator('meta[name="civic-letters-sent"]')).to_have_attribute("content", "sent")
    assert _letters(app) == 1
    _back(page)
    assert page.url.split("?")[0] == f"{live_server.url}/widget/{default_campaign}"
    assert "lang=ar" in page.url and "Rasha" not in page.url
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("form button[name=action][value=preview]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "back-after-send-widget.png"))
    page.reload()
    assert _letters(app) == 1


def test_the_privacy_notice_read_from_a_form_with_errors_leaves_the_form_as_it_was(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    """Read in the same tab, Back from the notice to the form sent back with its errors (a
    POST) was Chromium's "Confirm Form Resubmission", and what was typed was out of sight."""
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    page.select_option("[name=country]", "DE")
    page.fill("[name=abroad_city]", "Berlin")
    _press(page, page.locator("form button[name=action][value=preview]"))  # no name, no email
    expect(page.locator("#error-summary")).to_be_visible()
    form_url = page.url
    with page.context.expect_page() as opened:
        page.locator("#letter-form a[href*='/privacy']").click()
    notice = opened.value
    notice.wait_for_load_state("load")
    assert "/privacy" in notice.url and "lang=ar" in notice.url
    expect(notice.locator("html")).to_have_attribute("dir", "rtl")
    notice.close()
    assert page.url == form_url
    expect(page.locator("[name=abroad_city]")).to_have_value("Berlin")
    expect(page.locator("#error-summary")).to_be_visible()
    assert _letters(app) == 0
