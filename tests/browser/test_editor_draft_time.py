"""The editor's kept-changes offer tells its time as every other time on the dashboard reads:
the month spelt, Western digits, the reader's zone named, in the page's language
(tests/artifacts/editor-draft-time-*.png)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, screen_options
from tests.browser.editor import admin_signed_in
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

ZONE = "Europe/Berlin"
# Chromium's short month names, as site.js has the server's times rewritten.
MONTHS = {
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
KEPT = "Object.keys(sessionStorage).find(k => k.startsWith('civic-letters:editor-draft:'))"


@pytest.fixture
def backend() -> str:
    return "sqlite"  # what is tested is the page's script, the same on either backend


@pytest.fixture(params=["ar", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(screen: str, language: str) -> dict[str, Any]:
    locale = "ar" if language == "ar" else "en-US"
    return {**screen_options(screen, locale), "timezone_id": ZONE}


def zone_name(language: str, local: datetime) -> str:
    offset = local.utcoffset()
    assert offset is not None
    hours = f"{offset.total_seconds() / 3600:g}"
    return f"غرينتش+{hours}" if language == "ar" else f"GMT+{hours}"


def test_the_kept_changes_time_reads_like_the_dashboards_other_times(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    screen: str,
    language: str,
) -> None:
    admin_signed_in(app, live_server, page, language)
    editor = f"{live_server.url}/dashboard/campaigns/{default_campaign}/edit"
    page.goto(editor)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.fill("[name=subject]", "Five steps for Syria, asked again this winter")
    key = page.wait_for_function(f"() => {KEPT}").json_value()
    kept = json.loads(page.evaluate("k => sessionStorage.getItem(k)", key))
    page.goto(editor)  # left without saving
    offer = page.locator("#editor-draft")
    expect(offer).to_be_visible()
    told = offer.locator("[data-draft-time] time")
    expect(told).to_have_count(1)
    shown = told.text_content() or ""
    moment = datetime.fromtimestamp(kept["at"] / 1000, UTC)
    local = moment.astimezone(ZoneInfo(ZONE))
    # The browser's default said "7‏/12‏/2026، 12:05:00 م": digits for the month, no zone.
    clock = f"{local.hour % 12 or 12}:{local:%M:%S}"
    assert clock in shown, shown
    assert MONTHS[language][local.month - 1] in shown and str(local.year) in shown, shown
    assert zone_name(language, local) in shown, shown
    assert "/" not in shown and not re.search(r"[\u0660-\u0669]", shown), shown
    stamp = told.get_attribute("datetime") or ""
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")) == moment.replace(
        microsecond=moment.microsecond // 1000 * 1000
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    offer.screenshot(path=str(ARTIFACTS / f"editor-draft-time-{language}-{screen}.png"))
