"""A held letter to an office the campaign emails: its receipt says the campaign sends it once
it is confirmed, in English and Arabic, on a phone and a wide screen
(tests/artifacts/waiting-email-office-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, SCREENS, screen_options
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.supporter.helpers import post_letter

pytestmark = pytest.mark.browser

SAID = {
    "en": "The campaign sends this letter for you once it is confirmed",
    "ar": "ترسل الحملة هذه الرسالة نيابةً عنك حين تُؤكَّد",
}


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "en-US")


def test_a_held_letters_receipt_says_the_campaign_sends_it_once_confirmed(
    app: Flask,
    live_server: LiveServer,
    tmp_path: Path,
    page: Page,
    axe_path: Path,
    screen: str,
) -> None:
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    # The honeypot holds it until its writer clicks the emailed link or an organiser releases it.
    sent = post_letter(app.test_client(), slug, website="http://spam.example")
    receipt = str(sent.headers["Location"])
    audit = AxeAudit(page, axe_path)
    width = SCREENS[screen]["width"]
    for lang, said in SAID.items():
        page.goto(f"{live_server.url}{receipt}?lang={lang}")
        hint = page.locator(".letter-copy .hint").filter(has_text=said)
        expect(hint).to_be_visible()
        expect(page.get_by_role("link", name="Send it from your own email")).to_have_count(0)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        audit.run(f"held receipt, email office ({lang}, {screen})")
        page.locator(".letter-copy").first.screenshot(
            path=str(ARTIFACTS / f"waiting-email-office-{lang}-{screen}.png")
        )
    audit.assert_clean()
