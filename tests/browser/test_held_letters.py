"""An organiser reads a held letter's own words and declines it, on a phone and a wide screen;
its writer's receipt then says so, in English and Arabic (tests/artifacts/held-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, SCREENS, screen_options
from tests.browser.editor import sign_in_admin
from tests.browser.test_accessibility import AxeAudit
from tests.browser.test_dashboard_order import held_letters
from tests.conftest import LiveServer
from tests.dashboard.helpers import release_leaked_sessions  # noqa: F401  (a fixture)
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Submission, SubmissionStatus

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("release_leaked_sessions")]

WORDS = "Visit cheap-pills.example for the best prices on watches and pills today"


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "en-US")


def _held_letter(app: Flask, slug: str) -> tuple[int, str]:
    """A letter the honeypot held (a bot filled the hidden field): its id and receipt token."""
    post_letter(app.test_client(), slug, website="http://spam.example", personal_message=WORDS)
    with app.app_context():
        letter = db.session.scalars(select(Submission)).one()
        assert letter.held and letter.status is SubmissionStatus.UNCONFIRMED
        return letter.id, letter.receipt_token


def test_an_organiser_reads_a_held_letter_and_declines_it(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
) -> None:
    letter_id, receipt = _held_letter(app, default_campaign)
    sign_in_admin(app, page, live_server)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}#held")
    held = page.locator("#held")
    expect(held.get_by_role("heading", level=2)).to_have_text("Held for confirmation (1)")
    held.get_by_text("Their own words").click()
    expect(held.get_by_text(WORDS)).to_be_visible()
    decline = held.get_by_role("link", name="Decline: never deliver")
    release = held.get_by_role("button", name="Release and deliver")
    # Each button is described by the letter's line: who, where, when and why it was held.
    described = page.locator(f"#held-{letter_id}").inner_text()
    assert "honeypot field filled in" in described
    expect(decline).to_have_accessible_description(described)
    for button in (decline, release):
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[screen]["width"]
    audit = AxeAudit(page, axe_path)
    audit.run(f"held letters ({screen})")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    held.screenshot(path=str(ARTIFACTS / f"held-dashboard-{screen}.png"))

    decline.click()
    # Asked first, with what it means; the letter's own words again.
    expect(page.get_by_role("heading", name="Decline this letter?", level=1)).to_be_visible()
    expect(page.get_by_text(WORDS)).to_be_visible()
    audit.run(f"decline confirmation ({screen})")
    page.screenshot(path=str(ARTIFACTS / f"held-decline-confirm-{screen}.png"), full_page=True)
    page.get_by_role("button", name="Decline this letter").click()
    expect(page.get_by_role("status").filter(has_text="declined")).to_have_text(
        "The letter was declined and will not be delivered."
    )
    expect(held.get_by_role("heading", level=2)).to_have_text("Held for confirmation (0)")
    expect(held.get_by_role("link", name="Decline: never deliver")).to_have_count(0)

    # The writer's receipt says what happened, in English and in Arabic.
    for lang, said, office in (
        ("en", "the campaign’s organisers declined it", "Not sent: the organisers declined"),
        ("ar", "ثم رفضها منظّمو الحملة", "لم تُرسل: رفض المنظّمون الرسالة"),
    ):
        page.goto(f"{live_server.url}/receipts/{receipt}?lang={lang}")
        notice = page.locator(".flash-error")
        expect(notice).to_contain_text(said)
        # Each office's line gives the same reason, not "never confirmed".
        expect(page.locator(".deliveries .status").first).to_contain_text(office)
        expect(page.get_by_text("Please confirm your letter")).to_have_count(0)
        audit.run(f"declined receipt ({lang}, {screen})")
        page.screenshot(path=str(ARTIFACTS / f"held-receipt-{lang}-{screen}.png"), full_page=True)
    audit.assert_clean()


def test_each_held_letter_is_a_group_its_buttons_apart_from_the_next(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, screen: str
) -> None:
    """Release acts at once: its buttons must not sit against the next letter's line, and each
    names its own letter to a screen reader."""
    held_letters(app, default_campaign, ["Bot", "Spam", "Robo"])
    sign_in_admin(app, page, live_server)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}#held")
    letters = page.locator("#held .held-letter")
    expect(letters).to_have_count(3)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#held").screenshot(path=str(ARTIFACTS / f"held-groups-{screen}.png"))
    previous_bottom = None
    for n in range(3):
        letter = letters.nth(n)
        line = letter.locator("p[id^=held-]")
        said = line.inner_text()
        for button in (
            letter.get_by_role("button", name="Release and deliver"),
            letter.get_by_role("link", name="Decline: never deliver"),
        ):
            expect(button).to_have_accessible_description(said)
        divider = letter.evaluate("e => parseFloat(getComputedStyle(e).borderBlockStartWidth)")
        assert divider >= 1, f"letter {n} has no divider above it"
        top = line.evaluate("e => e.getBoundingClientRect().top")
        if previous_bottom is not None:
            assert top - previous_bottom >= 16, f"{top - previous_bottom:.0f}px between letters"
        previous_bottom = letter.locator(".button").last.evaluate(
            "e => e.getBoundingClientRect().bottom"
        )
