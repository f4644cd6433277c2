"""Send pressed while the database is busy, in Arabic on a phone and a wide screen: a page that
says so and keeps the letter, and Send again records it (tests/artifacts/busy-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, screen_options
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.supporter.test_database_busy import PARAGRAPH, letters_locked
from tests.supporter.test_database_busy import _letters as recorded_paragraphs

pytestmark = pytest.mark.browser
FIELDS = {
    "first_name": "رشا",
    "last_name": "حداد",
    "latin_first_name": "Rasha",
    "latin_last_name": "Haddad",
    "email": "rasha@example.org",
    "street": "",
    "city": "Dearborn",
    "zip_code": "48126",
    "personal_message": PARAGRAPH,
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "ar")


def test_send_while_the_database_is_busy_keeps_the_letter_to_send_again(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
) -> None:
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    for name, value in FIELDS.items():
        field = page.locator(f"[name={name}]")
        if field.count() and field.is_visible():
            field.fill(value)
    page.locator("select[name=state]").select_option("MI")
    page.locator("form button[name=action][value=preview]").click()
    send = page.locator("button[name=action][value=send]")
    expect(send).to_be_visible()

    with letters_locked(app):
        send.click()
        expect(page.get_by_role("heading", name="يُرجى الانتظار قليلًا", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("لم يضِع شيء مما كتبته")
    audit = AxeAudit(page, axe_path)
    audit.run(f"database busy page (ar, {screen})")
    audit.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"busy-ar-{screen}.png"), full_page=True)
    assert recorded_paragraphs(app) == []

    page.locator("button[name=action][value=send]").click()
    page.wait_for_url("**/receipts/**")
    assert recorded_paragraphs(app) == [PARAGRAPH]
