"""A receipt's time reads in the reader's own zone, named, in the page's language."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PAGE_ONLY, screen_options, write_from_berlin
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# (page language, browser locale, where the supporter is)
READERS = {
    "arabic-berlin": ("ar", "ar", "Europe/Berlin"),
    # The zone the server tells times in: one name for it with the script and without.
    "arabic-utc": ("ar", "ar", "UTC"),
    "english-california": ("en", "en-US", "America/Los_Angeles"),
}


def zone_name(language: str, local: datetime) -> str:
    """The zone as Chromium names it at that moment: summer time changes it."""
    if str(local.tzinfo) == "UTC":
        return "UTC"  # in Arabic too, as the server now writes it
    if language == "ar":
        offset = local.utcoffset()
        assert offset is not None
        return f"غرينتش+{offset.total_seconds() / 3600:g}"
    return local.tzname() or ""  # PST or PDT


def one_line(time: Locator) -> bool:
    """Whether the time sits on one line (a phone broke it between its clock and its zone)."""
    tops: list[float] = time.evaluate(
        "(t) => [...new Set([...t.getClientRects()].filter((r) => r.width).map((r) => r.top))]"
    )
    return len(tops) == 1


@pytest.fixture
def backend() -> str:
    return "sqlite"  # what is tested is the page's script, the same on either backend


@pytest.fixture(params=sorted(READERS))
def reader(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(screen: str, reader: str) -> dict[str, Any]:
    _, locale, zone = READERS[reader]
    return {**screen_options(screen, locale), "timezone_id": zone}


def test_the_receipt_tells_when_it_was_recorded_in_the_readers_zone(
    live_server: LiveServer, default_campaign: str, page: Page, reader: str
) -> None:
    language, _, zone = READERS[reader]
    write_from_berlin(page, live_server.url, default_campaign, "rasha.zone@example.org")
    recorded = page.locator(".lead time[data-local=seconds]")
    expect(recorded).to_have_count(1)
    # The page's script moves the UTC text to the title as it rewrites the time: wait for it,
    # the URL changes before a deferred script has run.
    expect(recorded).to_have_attribute("title", re.compile("."))
    moment = datetime.fromisoformat(recorded.get_attribute("datetime") or "")
    local = moment.astimezone(ZoneInfo(zone))
    # Chromium writes the hour on a 12-hour clock in both languages, with Western digits.
    clock = f"{local.hour % 12 or 12}:{local:%M:%S}"
    shown = recorded.text_content() or ""
    assert clock in shown and zone_name(language, local) in shown, shown
    assert str(local.year) in shown, shown
    assert one_line(recorded), "the time broke across lines"
    # Before the script ran it said UTC; that stays on the element for who wants it.
    utc = recorded.get_attribute("title") or ""
    assert utc.endswith("UTC") and f"{moment.hour % 12 or 12}:{moment:%M:%S}" in utc, utc


def test_without_the_script_the_receipt_says_its_time_is_utc(
    live_server: LiveServer, default_campaign: str, page: Page, reader: str
) -> None:
    page.context.route("**/js/site.js", lambda route: route.abort())
    write_from_berlin(page, live_server.url, default_campaign, "rasha.zone@example.org")
    recorded = page.locator(".lead time[data-local=seconds]")
    expect(recorded).to_have_text(re.compile("UTC$"))
    assert one_line(recorded), "the time broke across lines"
