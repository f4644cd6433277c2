"""The organisations that signed are named as the campaign gives them (in English): on the Arabic
page, in the letter the offices receive as in the reading copy, each name is marked English, or a
screen reader reads "The White Helmets" with its Arabic voice."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
ARABIC = re.compile("[\u0600-\u06ff]")
# Each name in a list of signatories, with the language a screen reader takes it to be in.
NAMES_READ_AS = """lists => lists.map(list => [...list.querySelectorAll("bdi")].map(
    b => [b.textContent.trim(), b.closest("[lang]").getAttribute("lang")]))"""


@pytest.fixture
def context_options() -> dict[str, Any]:
    # Wide: the two copies of the letter side by side, both lists on screen.
    return {"viewport": {"width": 1280, "height": 900}, "locale": "ar"}


def test_every_latin_signatory_name_on_the_arabic_page_is_marked_english(
    default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    lists = page.locator("ul.signatories")
    expect(lists).to_have_count(2)  # the Arabic reading copy, and the letter sent
    found = lists.evaluate_all(NAMES_READ_AS)
    for names in found:
        latin = [(text, lang) for text, lang in names if not ARABIC.search(text)]
        assert len(latin) >= 20, names  # the coalition letter's 35, some translated
        assert [(text, lang) for text, lang in latin if lang != "en"] == []
    assert ["The White Helmets", "en"] in found[1]


def test_signatory_names_on_the_english_page_stay_english(
    default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=en")
    names = page.locator("ul.signatories").evaluate_all(NAMES_READ_AS)
    assert len(names) == 1 and len(names[0]) == 35, names
    assert {lang for _text, lang in names[0]} == {"en"}
