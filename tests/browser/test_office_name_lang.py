"""On an Arabic page the live list of offices marks a name in Latin letters as English (QA4
item 9), as the preview does: an Arabic voice misreads "Elissa Slotkin"."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "ar"}


def test_the_live_list_marks_latin_names_english_on_an_arabic_page(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    page.locator("[name=state]").select_option("MI")
    page.locator("[name=zip_code]").press_sequentially(single_district_zip("MI", 12), delay=30)
    live = page.locator("#targets-live")
    expect(live.locator('input[name="recipients"]')).to_have_count(3)
    names = live.locator("bdi").evaluate_all("bs => bs.map(b => [b.textContent, b.lang])")
    marked = {text: lang for text, lang in names}
    assert marked["Elissa Slotkin"] == "en" and marked["Rashida Tlaib"] == "en", names
    # Arabic words (the President's name, a senator's title) take the page's language.
    assert marked["رئيس الولايات المتحدة"] == "" and marked["عضو مجلس الشيوخ"] == "", names
