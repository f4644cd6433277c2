"""An Arabic reader sees each office named in Arabic as the ZIP is typed and on the preview, on a
phone and a wide screen (tests/artifacts/office-names-*.png); the letters keep the English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    ARTIFACTS,
    SCREENS,
    ConsoleLog,
    screen_options,
    squeezed_isolates,
)
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

PRESIDENT_AR = "رئيس الولايات المتحدة"


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the same pages on PostgreSQL; the names come from the campaign and roster


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "ar")


def test_an_arabic_reader_sees_the_offices_named_in_arabic_from_zip_to_preview(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    console: ConsoleLog,
    axe_path: Path,
    screen: str,
) -> None:
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("[name=first_name]").fill("رانيا")
    page.locator("[name=latin_first_name]").fill("Rania")
    page.locator("[name=last_name]").fill("حداد")
    page.locator("[name=latin_last_name]").fill("Haddad")
    page.locator("[name=email]").fill("rania@example.org")
    page.locator("[name=city]").fill("Southfield")
    page.locator("[name=state]").select_option("MI")
    page.locator("[name=zip_code]").press_sequentially(single_district_zip("MI", 12), delay=30)

    live = page.locator("#targets-live")
    expect(live).to_be_visible()
    expect(live.locator("li").first).to_have_text(f"{PRESIDENT_AR}، البيت الأبيض")
    senators = live.locator("li", has_text="عضو مجلس الشيوخ")
    expect(senators).to_have_count(2)
    expect(live.locator("li", has_text="عضو مجلس النواب")).to_have_count(1)
    expect(live).not_to_contain_text("Senator")
    # Each part keeps its own direction: the Latin name, the Arabic title and the party are
    # isolates of their own.
    assert live.locator("li").nth(1).locator("bdi").count() == 3
    shots = ARTIFACTS / f"office-names-{screen}-form.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    live.scroll_into_view_if_needed()
    page.screenshot(path=str(shots))
    audit = AxeAudit(page, axe_path)
    audit.run(f"letter form, offices in Arabic ({screen})")

    page.locator("form button[name=action][value=preview]").click()
    offices = page.locator("ul.offices")
    expect(offices).to_be_visible()
    expect(offices.locator(".office-name").first).to_have_text(f"{PRESIDENT_AR}، البيت الأبيض")
    expect(offices.locator("label", has_text="عضو مجلس الشيوخ")).to_have_count(2)
    # The English letter each office receives still names it in English.
    expect(page.locator(".letter-to").first).to_contain_text("The President of the United States")
    assert squeezed_isolates(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    offices.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"office-names-{screen}-preview.png"))
    audit.run(f"preview, offices in Arabic ({screen})")
    audit.assert_clean()
    assert console.errors() == []
