"""A save that never arrives (the organiser signed out elsewhere) loses nothing typed: the
editor opened again offers the changes back (tests/artifacts/editor-draft-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, screen_options
from tests.browser.editor import open_editor
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.dashboard.editor_helpers import PASSWORD
from webapp.database import db
from webapp.models import Campaign

pytestmark = [pytest.mark.browser, PAGE_ONLY]

SUBJECT = "Five steps for Syria, asked again this winter"
SENTENCE = "Email me about this campaign and nothing else."


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "en-US")


KEPT = "Object.keys(sessionStorage).some(k => k.startsWith('civic-letters:editor-draft:'))"


def _kept(page: Page) -> None:
    """Wait until the editor has kept the changes (a moment after the last key)."""
    page.wait_for_function(f"() => {KEPT}")


def _stored_subject(app: Flask, slug: str) -> str:
    with app.app_context():
        return db.session.scalars(select(Campaign.subject).where(Campaign.slug == slug)).one()


def test_changes_lost_to_an_ended_session_are_offered_back(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
) -> None:
    open_editor(app, page, live_server, default_campaign)
    editor = page.url
    expect(page.locator("#editor-draft")).to_be_hidden()  # nothing kept yet
    page.get_by_label("Subject line", exact=True).fill(SUBJECT)
    page.get_by_label("Wording of the “keep me informed” checkbox", exact=True).fill(SENTENCE)
    _kept(page)
    # Signed out on another device: this browser's session is gone when it presses Save.
    page.context.clear_cookies()
    page.get_by_role("button", name="Save campaign").click()
    assert _stored_subject(app, default_campaign) != SUBJECT
    # Meanwhile another organiser saves a field this one did not touch: it must stay.
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == default_campaign))
        campaign.one().closing = "With hope,"
        db.session.commit()

    page.goto(f"{live_server.url}/dashboard/login")
    page.get_by_label("Email", exact=True).fill("admin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(editor)
    offer = page.locator("#editor-draft")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("This browser kept changes you made here that were never saved")
    subject = page.get_by_label("Subject line", exact=True)
    assert subject.input_value() != SUBJECT  # the page shows what is stored
    audit = AxeAudit(page, axe_path)
    audit.run(f"editor draft offer ({screen})")
    audit.assert_clean()  # run() only collects what it finds
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"editor-draft-{screen}.png"))

    offer.get_by_role("button", name="Put my changes back").click()
    expect(offer).to_be_hidden()
    expect(subject).to_have_value(SUBJECT)
    expect(subject).to_be_focused()  # keyboard users land on the first field put back
    consent = page.get_by_label("Wording of the “keep me informed” checkbox", exact=True)
    expect(consent).to_have_value(SENTENCE)
    # Only the fields this organiser changed came back: the other one's closing stays.
    expect(page.get_by_label("Closing", exact=True)).to_have_value("With hope,")
    page.get_by_role("button", name="Save campaign").click()
    expect(page.locator(".flash").first).to_contain_text("Saved.")
    assert _stored_subject(app, default_campaign) == SUBJECT
    # Saved: opened again, the editor offers nothing.
    page.goto(editor)
    page.wait_for_load_state("load")
    expect(page.locator("#editor-draft")).to_be_hidden()


def test_a_save_the_server_tidied_is_not_offered_back(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, screen: str
) -> None:
    """The server trims what it saves: the page after the save tells the browser the kept
    changes are saved, whatever the editor shows next."""
    open_editor(app, page, live_server, default_campaign)
    editor = page.url
    page.get_by_label("Subject line", exact=True).fill(SUBJECT + "  ")
    _kept(page)
    page.get_by_role("button", name="Save campaign").click()
    expect(page.locator(".flash").first).to_contain_text("Saved.")
    # The page the save lands on drops the kept changes once its (deferred) script has run.
    page.wait_for_function(f"() => !({KEPT})")
    page.goto(editor)
    page.wait_for_load_state("load")
    expect(page.locator("#editor-draft")).to_be_hidden()


def test_discarded_changes_are_not_offered_again(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, screen: str
) -> None:
    open_editor(app, page, live_server, default_campaign)
    editor = page.url
    page.get_by_label("Subject line", exact=True).fill(SUBJECT)
    _kept(page)
    page.goto(editor)  # left without saving
    offer = page.locator("#editor-draft")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Discard them").click()
    expect(offer).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.goto(editor)
    page.wait_for_load_state("load")
    expect(page.locator("#editor-draft")).to_be_hidden()
    expect(page.get_by_label("Subject line", exact=True)).not_to_have_value(SUBJECT)
