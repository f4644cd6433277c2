"""Review r6: the reasons and the emails' retry work without JavaScript, in Arabic on a phone,
with a relay's long words (a URL) folded under them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.browser.test_failure_reasons_browser import _world
from tests.browser.test_undelivered_letters import _fits, _sign_in
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, create_account
from webapp.database import db, write_transaction
from webapp.models import Delivery, DeliveryStatus, FailureReason, Notification

pytestmark = [pytest.mark.browser, PAGE_ONLY]
GMAIL = (
    "recipient refused (552): 5.2.2 <clerk@house.gov>: The email account is over quota. See "
    "https://support.google.com/mail/?p=OverQuotaPermanentFailureAndMoreWordsWithoutAnySpace"
)


@pytest.fixture(params=[360, 1280])
def context_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    size = {"width": request.param, "height": 900}
    return {"viewport": size, "locale": "ar", "java_script_enabled": False}


def test_without_javascript_in_arabic_the_reasons_fold_and_the_emails_go_again(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    app.config.update(BABEL_DEFAULT_LOCALE="ar")
    _world(app, default_campaign)
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.failure_reason == FailureReason.ADDRESS_REFUSED)
            .values(last_error=GMAIL, failure_reason=FailureReason.MAILBOX_FULL)
        )
    create_account(app, ADMIN)
    _sign_in(page, live_server.url)
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    page.goto(f"{base}/channels")
    section = page.locator("#undelivered")
    for details in section.locator("details.failure-raw").all():
        details.locator("summary").click()
    expect(section.locator("details.failure-raw span[dir]").first).to_contain_text("[address]")
    width = page.viewport_size["width"] if page.viewport_size else 0
    _fits(page, width, "channel map")
    assert "clerk@house.gov" not in page.content()
    section.screenshot(path=str(ARTIFACTS / f"r6-nojs-undelivered-ar-{width}.png"))
    section.locator(".undelivered-emails button").click()
    page.wait_for_url(f"{base}/channels")
    expect(page.locator(".flash-info")).to_be_visible()
    expect(section.locator(".undelivered-emails")).to_have_count(0)
    with app.app_context():
        statuses = set(db.session.scalars(select(Notification.status)))
    assert statuses == {DeliveryStatus.PENDING}
