"""The editor's warning after a save that changed a consent sentence in English only, as an
organiser sees it on a phone and a wide screen (tests/artifacts/editor-warning-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, screen_options
from tests.browser.editor import open_editor
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return screen_options(screen, "en-US")


def test_a_save_that_leaves_the_arabic_consent_behind_warns_and_keeps_what_was_saved(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
) -> None:
    open_editor(app, page, live_server, default_campaign)
    sentence = "Email me about this campaign and nothing else."
    page.get_by_label("Wording of the “keep me informed” checkbox", exact=True).fill(sentence)
    page.get_by_role("button", name="Save campaign").click()

    warning = page.locator(".flash-warning")
    expect(warning).to_be_visible()
    # The warning can be in the DOM before the page's stylesheet applies (CI once read both
    # borders as the default black); the colours are compared on the loaded page, as seen.
    page.wait_for_load_state("load")
    expect(warning).to_have_attribute("role", "status")
    expect(warning).to_contain_text(
        "Warning: The consent sentence changed but its Arabic wording did not"
    )
    # Shown as a warning, not as the "Saved." beside it: a border and a colour of its own.
    border = warning.evaluate("el => getComputedStyle(el).borderInlineStartColor")
    saved = page.locator(".flash").filter(has_not_text="Warning:").first
    expect(saved).to_be_visible()
    assert border != saved.evaluate("el => getComputedStyle(el).borderInlineStartColor")
    box = warning.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[screen]["width"]
    audit = AxeAudit(page, axe_path)
    audit.run(f"editor warning ({screen})")
    audit.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"editor-warning-{screen}.png"))
    # The warning's link opens the editor at the Arabic wording to fix.
    warning.get_by_role("link", name="Edit the Arabic wording").click()
    assert page.url.endswith(f"/dashboard/campaigns/{default_campaign}/edit#reading_consent")
    expect(page.locator("#reading_consent")).to_be_in_viewport()
    expect(
        page.get_by_label("Wording of the “keep me informed” checkbox", exact=True)
    ).to_have_value(sentence)


def test_a_save_that_leaves_the_arabic_title_behind_names_it_and_links_to_it(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, screen: str
) -> None:
    open_editor(app, page, live_server, default_campaign)
    arabic = page.locator("#reading_title").input_value()
    title = page.locator("#title")
    title.fill("Day of action: " + title.input_value())
    page.get_by_role("button", name="Save campaign").click()

    warning = page.locator(".flash-warning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text(
        "Warning: The title changed but its Arabic reading copy did not: the page in Arabic "
        "still shows the old title."
    )
    box = warning.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[screen]["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"editor-title-warning-{screen}.png"))
    warning.get_by_role("link", name="Edit the Arabic wording").click()
    assert page.url.endswith(f"/dashboard/campaigns/{default_campaign}/edit#reading_title")
    expect(page.locator("#reading_title")).to_be_in_viewport()
    expect(page.locator("#reading_title")).to_have_value(arabic)
