"""The civic status panel's line on letters that followed members' new contact details, on a
phone and a wide screen, in English and Arabic: shown, numbers isolated, no sideways scroll.
Screenshots go to tests/artifacts/roster-contacts-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.editor import sign_in
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, create_account
from tests.delivery.changeover_world import record_letter
from tests.delivery.test_roster_contact_changes import (
    SLOTKIN,
    SLOTKIN_FORM,
    mi_12,
    roster_file,
    set_status,
    sync,
)
from webapp.database import utcnow
from webapp.models import DeliveryStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_the_panel_says_how_many_letters_followed_and_how_many_kept_the_old_details(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
    tmp_path: Path,
) -> None:
    page = screen_page
    load_civic_data(app)
    app.config["BABEL_DEFAULT_LOCALE"] = locale[:2]
    for name in ("rasha", "omar", "lina", "sami"):
        record_letter(app, default_campaign, f"{name}@example.org", mi_12(), utcnow())
    set_status(app, 4, SLOTKIN, DeliveryStatus.SENDING)  # the last letter's
    sync(app, roster_file(tmp_path, S001208={"contact_form": SLOTKIN_FORM}))
    create_account(app, ADMIN)
    sign_in(page, live_server.url, ADMIN, PASSWORD)

    line = page.locator("#roster-contacts")
    expect(line).to_be_visible()
    if locale == "ar":  # one letter is said in words in Arabic, three with the number
        expect(line).to_contain_text("3 رسائل منتظرة تذهب الآن")
        expect(line).to_contain_text("رسالة واحدة منتظرة بقيت على")
        expect(line.locator("bdi")).to_have_count(1)
    else:
        expect(line).to_contain_text("3 waiting letters now go to their members' new contact")
        expect(line).to_contain_text("1 waiting letter kept its member's old contact details")
        expect(line.locator("bdi")).to_have_count(2)
    width = SCREENS[screen]["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    line.scroll_into_view_if_needed()
    shot = ARTIFACTS / f"roster-contacts-{locale[:2]}-{width}.png"
    page.locator("#civic-status").screenshot(path=str(shot))
    assert squeezed_isolates(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
