"""The confirmation link opens a page that asks, in the supporter's language, on a phone and a
wide screen; its one button confirms (tests/artifacts/confirm-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, screen_options
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import confirmation_token
from webapp.models import Submission, SubmissionStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# The shipped campaign's offices all take letters through their own web forms (no CWC key in
# tests): its button confirms and says nothing of sending, which the writer does.
WORDS = {
    "en": ("Confirm your letter", "Confirm my letter", "your letter is confirmed"),
    "ar": ("أكّد رسالتك", "أؤكّد رسالتي", "تأكّدت رسالتك"),
}


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "en-US")


def _status(app: Flask) -> SubmissionStatus:
    with app.app_context():
        return db.session.scalars(select(Submission)).one().status


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_link_asks_first_and_the_button_confirms(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
    language: str,
) -> None:
    # The honeypot holds the letter until its writer confirms it by email.
    post_letter(app.test_client(), default_campaign, website="http://spam.example")
    with app.app_context():
        link = "/confirm/" + confirmation_token(db.session.scalars(select(Submission)).one())
    heading, button, done = WORDS[language]
    page.goto(f"{live_server.url}{link}?lang={language}")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert _status(app) is SubmissionStatus.UNCONFIRMED  # opening it confirmed nothing
    confirm = page.get_by_role("button", name=button)
    box = confirm.bounding_box()
    assert box is not None and box["height"] >= 44
    assert box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[screen]["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SCREENS[screen]["width"], "the page scrolls sideways"
    audit = AxeAudit(page, axe_path)
    audit.run(f"confirm page ({language}, {screen})")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"confirm-{language}-{screen}.png"), full_page=True)
    confirm.click()
    expect(page.get_by_role("status").filter(has_text=done)).to_be_visible()
    assert _status(app) is SubmissionStatus.CONFIRMED
    audit.assert_clean()


PROVING = {
    "en": ("Confirm your email address", "Confirm my email address", "email address is confirmed"),
    "ar": ("أكّد عنوان بريدك الإلكتروني", "أؤكّد عنوان بريدي الإلكتروني", "تأكّد عنوان بريدك"),
}


@pytest.mark.parametrize("language", sorted(PROVING))
def test_a_letter_delivered_at_once_asks_only_to_prove_the_address(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
    language: str,
) -> None:
    """The default campaign asks for no click before delivery: its receipt email's link opens
    the page worded for a letter already recorded, with its own warning to a non-writer."""
    post_letter(app.test_client(), default_campaign)
    assert _status(app) is SubmissionStatus.CONFIRMED
    with app.app_context():
        link = "/confirm/" + confirmation_token(db.session.scalars(select(Submission)).one())
    heading, button, done = PROVING[language]
    page.goto(f"{live_server.url}{link}?lang={language}")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    audit = AxeAudit(page, axe_path)
    audit.run(f"proving page ({language}, {screen})")
    audit.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"proving-{language}-{screen}.png"), full_page=True)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status").filter(has_text=done)).to_be_visible()
    with app.app_context():
        assert db.session.scalars(select(Submission)).one().email_verified
