"""A receipt whose letter the campaign sends by email says why it offers no "send it from your
own email", in English and Arabic, on a phone and a wide screen: read in place, nothing wider
than the screen, no serious axe finding (tests/artifacts/own-email-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.supporter.test_own_email_offer import TWICE, _water_letter
from webapp.models import DeliveryStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_reason_there_is_no_email_link_reads_in_place(
    app: Flask,
    live_server: LiveServer,
    tmp_path: Path,
    screen_page: Page,
    axe_path: Path,
    screen: str,
    locale: str,
) -> None:
    receipt = _water_letter(app, app.test_client(), tmp_path, DeliveryStatus.SENT)
    page = screen_page
    page.goto(f"{live_server.url}{receipt}?lang={locale}")
    reason = page.locator(".letter-copy .hint", has_text=TWICE[locale])
    expect(reason).to_be_visible()
    expect(page.get_by_role("link", name="Send it from your own email")).to_have_count(0)
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    reason.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"own-email-{locale}-{screen}.png"))
    audit = AxeAudit(page, axe_path)
    audit.run("receipt of a letter the campaign sends")
    audit.assert_clean()
