"""Letters that could not be delivered, on the channel map: read and tried again on a phone and
a desktop, in English and Arabic, without sideways scrolling or serious axe findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.editor import sign_in
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, create_account
from tests.dashboard.letters import Letter, Office, add_letters
from webapp.database import db, utcnow, write_transaction
from webapp.models import Delivery, DeliveryStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY]

CLERK = Office("target:clerk", "Town Clerk of Hamtramck", DeliveryStatus.DEAD)
HOUSE = Office("official:W000798", "Tim Walberg", DeliveryStatus.DEAD, "us_house", "MI", "5")
# An office's system's answer, long and with an unbroken run, as a CWC error can be.
ERROR = (
    "HTTP 400: <Error>Validation failed at /APP/Message/Constituent/Address1: "
    "ConstituentAddressLineMustNotBeEmptyWhenTheOfficeRequiresAStreetAddress</Error>"
)
HEADINGS = {"en": "Letters that could not be delivered", "ar": "رسائل تعذّر إيصالها"}


def _letters(app: Flask, slug: str) -> None:
    add_letters(
        app,
        slug,
        [
            Letter("rasha@example.org", offices=(CLERK, HOUSE)),
            Letter("omar@example.org", offices=(CLERK,)),
            Letter("lina@example.org", offices=(CLERK,)),
        ],
    )
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(update(Delivery).values(attempts=8, last_error=ERROR, failed_at=utcnow()))


def _sign_in(page: Page, server: str) -> None:
    sign_in(page, server, ADMIN, PASSWORD)


def _fits(page: Page, width: int, what: str) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{what}: the page is {scroll}px wide on a {width}px screen"


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_undelivered_letters_are_listed_and_tried_again(
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
    _letters(app, default_campaign)
    create_account(app, ADMIN)
    _sign_in(page, live_server.url)
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    # From the campaign's page, as an organiser finds them.
    page.goto(base)
    page.locator(f'a[href="/dashboard/campaigns/{default_campaign}/channels#undelivered"]').click()
    section = page.locator("#undelivered")
    expect(section.get_by_role("heading", level=2)).to_have_text(HEADINGS[lang])
    expect(section.locator("li")).to_have_count(2)
    buttons = section.locator("button[type=submit]")
    expect(buttons).to_have_count(3)  # the campaign's, then one per office
    for index in range(3):
        expect(buttons.nth(index)).to_be_visible()
    assert page.evaluate("() => document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / f"undelivered-section-{lang}-{width}.png"))
    page.screenshot(path=str(ARTIFACTS / f"undelivered-page-{lang}-{width}.png"), full_page=True)
    _fits(page, width, "channel map")
    assert squeezed_isolates(page) == []
    audit = AxeAudit(page, axe_path)
    audit.run("undelivered letters")
    # One office's letters go again: the clerk's three, the listed first.
    section.locator("li").first.locator("button").click()
    page.wait_for_url(f"{base}/channels")
    flash = page.locator(".flash-info")
    expect(flash).to_be_focused()  # said, and in view
    if lang == "en":
        expect(flash).to_have_text(
            "3 letters will be tried again, once the delivery worker runs: it is stopped now, "
            "so the letters wait until it is started."
        )
    expect(section.locator("li")).to_have_count(1)
    shot = ARTIFACTS / f"undelivered-after-office-retry-{lang}-{width}.png"
    page.screenshot(path=str(shot))  # the screen as it opens: the outcome in view
    _fits(page, width, "after the office's retry")
    audit.run("after the office's retry")
    # Then the rest of the campaign's.
    section.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{base}/channels")
    expect(page.locator(".flash-info")).to_be_focused()
    expect(section.locator("li")).to_have_count(0)
    section.screenshot(path=str(ARTIFACTS / f"undelivered-all-retried-{lang}-{width}.png"))
    audit.assert_clean()
    with app.app_context():
        statuses = set(db.session.scalars(select(Delivery.status)))
    assert statuses == {DeliveryStatus.PENDING}
