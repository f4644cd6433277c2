"""From a receipt, on a phone and a wide screen, in English and Arabic: a copy, then deletion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, screen_options, write_from_berlin
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "download": "Download what this letter holds about you",
        "delete": "Delete this letter",
        "confirm": "Delete this letter?",
        "button": "Delete this letter",
        "done": "Your letter is deleted",
        "missing": "We could not find this receipt",
    },
    "ar": {
        "download": "نزّل ما تحمله هذه الرسالة عنك",
        "delete": "احذف هذه الرسالة",
        "confirm": "هل تريد حذف هذه الرسالة؟",
        "button": "احذف هذه الرسالة",
        "done": "حُذفت رسالتك",
        "missing": "لم نجد هذا الإيصال",
    },
}


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the pages and the browser's download; erasure itself is tested on both


@pytest.fixture(params=sorted(WORDS))
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(screen: str, language: str) -> dict[str, Any]:
    return {**screen_options(screen, language), "accept_downloads": True}


def test_a_supporter_takes_a_copy_then_deletes_everything_from_the_receipt(
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    axe_path: Path,
    screen: str,
    language: str,
) -> None:
    words = WORDS[language]
    audit = AxeAudit(page, axe_path)
    write_from_berlin(page, live_server.url, default_campaign, "rasha.own@example.org")
    receipt = page.url

    link = page.get_by_role("link", name=words["download"])
    link.scroll_into_view_if_needed()
    with page.expect_download() as download:
        link.click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["email"] == "rasha.own@example.org"
    assert saved["letter"]["address"]["city"] == "Berlin"

    page.screenshot(
        path=str(ARTIFACTS / f"own-data-receipt-{language}-{screen}.png"), full_page=True
    )
    # The receipt's standalone links are tall enough to tap on a phone (WCAG 2.5.8's 24 px).
    for name in (words["download"], words["delete"]):
        tapped = page.get_by_role("link", name=name).bounding_box()
        assert tapped is not None and tapped["height"] >= 24, (name, tapped)
    page.get_by_role("link", name=words["delete"]).click()
    expect(page.get_by_role("heading", name=words["confirm"], level=1)).to_be_visible()
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    audit.run("confirmation")
    button = page.get_by_role("button", name=words["button"], exact=True)
    box = button.bounding_box()
    assert (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )  # type: ignore[index]
    page.screenshot(
        path=str(ARTIFACTS / f"own-data-confirm-{language}-{screen}.png"), full_page=True
    )

    button.click()
    expect(page.get_by_role("heading", name=words["done"], level=1)).to_be_visible()
    audit.run("deleted")
    page.screenshot(
        path=str(ARTIFACTS / f"own-data-deleted-{language}-{screen}.png"), full_page=True
    )
    # Its old link says the letter may have been deleted, and offers a receipt link by email.
    assert page.goto(receipt).status == 404  # type: ignore[union-attr]
    expect(page.get_by_role("heading", name=words["missing"], level=1)).to_be_visible()
    expect(page.locator("form.receipt-link-form")).to_be_visible()
    audit.run("receipt missing")
    page.screenshot(
        path=str(ARTIFACTS / f"own-data-receipt-missing-{language}-{screen}.png"), full_page=True
    )
    audit.assert_clean()
