"""Why letters failed, in words, on the channel map and its undelivered section, and the
supporter emails tried again: on a phone and a desktop, in English and Arabic."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.test_accessibility import AxeAudit
from tests.browser.test_undelivered_letters import _fits, _sign_in
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, create_account
from tests.dashboard.letters import Letter, Office, add_letters
from webapp.database import db, utcnow, write_transaction
from webapp.letters.compose import fixed_recipients
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Notification,
    NotificationKind,
)

pytestmark = [pytest.mark.browser, PAGE_ONLY]

HOUSE = Office("official:W000798", "Tim Walberg", DeliveryStatus.DEAD, "us_house", "MI", "5")
CWC_ERROR = (
    "CWC refused the message: <Error>Validation failed at /APP/Message/Constituent/Address1: "
    "ConstituentAddressLineMustNotBeEmptyWhenTheOfficeRequiresAStreetAddress</Error>"
)
SMTP_ERROR = "recipient refused (550): 550 5.1.1 <clerk@house.gov>: Recipient address rejected"
SAID = {
    "en": "The office’s mail server refused the address.",
    "ar": "رفض خادم البريد لدى المكتب العنوان.",
}


def _world(app: Flask, slug: str) -> None:
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        (office,) = fixed_recipients(campaign)
    clerk = Office(office.key, office.name, DeliveryStatus.DEAD)
    letters = add_letters(
        app,
        slug,
        [
            Letter("rasha@example.org", offices=(clerk, HOUSE)),
            Letter("omar@example.org", offices=(clerk,)),
        ],
    )
    with app.app_context(), write_transaction(db.session()) as session:
        for key, error, reason in (
            (clerk.key, SMTP_ERROR, FailureReason.ADDRESS_REFUSED),
            (HOUSE.key, CWC_ERROR, FailureReason.FIELDS_REFUSED),
        ):
            session.execute(
                update(Delivery)
                .where(Delivery.recipient_key == key)
                .values(attempts=8, last_error=error, failure_reason=reason, failed_at=utcnow())
            )
        for letter in letters:
            session.add(
                Notification(
                    submission_id=letter,
                    kind=NotificationKind.RECEIPT,
                    status=DeliveryStatus.DEAD,
                    attempts=8,
                    last_error="recipient refused (550): rasha@example.org unknown",
                )
            )


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_reasons_read_in_words_and_supporter_emails_go_again(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
    axe_path: Path,
) -> None:
    page, lang, width = screen_page, locale[:2], SCREENS[screen]["width"]
    app.config.update(BABEL_DEFAULT_LOCALE=lang)
    _world(app, default_campaign)
    create_account(app, ADMIN)
    _sign_in(page, live_server.url)
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    page.goto(f"{base}/channels")
    section = page.locator("#undelivered")
    expect(section.locator(".failure-said").first).to_contain_text(SAID[lang])
    details = section.locator("details.failure-raw").first
    expect(details.locator("span[dir]")).to_be_hidden()  # folded until asked for
    details.locator("summary").click()
    expect(details.locator("span[dir]")).to_contain_text("[address]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / f"failure-reasons-section-{lang}-{width}.png"))
    table = page.locator("table.channel-map")
    expect(table.locator(".failure-said")).to_contain_text(SAID[lang])
    table.locator("details.failure-raw summary").click()
    shot = ARTIFACTS / f"failure-reasons-map-{lang}-{width}.png"
    page.locator(".table-wrap").screenshot(path=str(shot))
    assert "clerk@house.gov" not in page.content() and "rasha@example.org" not in page.content()
    _fits(page, width, "channel map")
    assert squeezed_isolates(page) == []
    audit = AxeAudit(page, axe_path)
    audit.run("failure reasons")
    section.locator(".undelivered-emails button").click()
    page.wait_for_url(f"{base}/channels")
    flash = page.locator(".flash-info")
    expect(flash).to_be_focused()
    if lang == "en":
        expect(flash).to_have_text("2 emails to supporters will be tried again.")
    expect(section.locator(".undelivered-emails")).to_have_count(0)
    audit.run("after the emails' retry")
    audit.assert_clean()
    with app.app_context():
        statuses = set(db.session.scalars(select(Notification.status)))
    assert statuses == {DeliveryStatus.PENDING}
