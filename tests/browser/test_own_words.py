"""The own-words nudge in a browser at 360 px: prompts, a meter that moves, the "common" hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, ConsoleLog
from tests.browser.test_accessibility import AxeAudit, _fill
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter

pytestmark = [pytest.mark.browser, PAGE_ONLY]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
MANY = 3
COPIED = (
    "My cousin was detained in Homs in 2013 and we have heard nothing since. "
    "Please push for the release of every detainee."
)
COMMON_HINT = "Many people have sent nearly these same words."
PATHS = pytest.mark.parametrize(
    "path", ["/campaigns/{slug}", "/widget/{slug}?mode=letter"], ids=["campaign-page", "widget"]
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "OWN_WORDS_COMMON_AT": MANY}


def _send_copies(app: Flask, slug: str) -> None:
    for number in range(MANY):
        response = post_letter(
            app.test_client(), slug, email=f"copy{number}@example.org", personal_message=COPIED
        )
        assert response.status_code == 303


def _meter_value(page: Page) -> int:
    return int(page.locator("#own-words-meter").evaluate("m => m.value"))


def _check_nudge(page: Page) -> None:
    prompts = page.locator(".story-prompts li")
    expect(prompts).to_have_count(3)
    expect(prompts.first).to_be_visible()
    box = prompts.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    hint = page.locator("#own-words-hint")
    expect(hint).to_have_attribute("aria-live", "polite")
    expect(hint).to_have_text("")
    assert _meter_value(page) == 0
    expect(page.locator("#own-words-text")).to_contain_text("No words of your own yet")

    paragraph = page.locator("textarea[name=personal_message]")
    paragraph.press_sequentially("M", delay=10)
    expect(page.locator("#own-words-text")).to_contain_text("(\u20681\u2069 character)")
    paragraph.press_sequentially("y grandmother still lives in Idlib.", delay=10)
    expect(page.locator("#own-words-text")).to_contain_text("(\u206836\u2069 characters)")
    first = _meter_value(page)
    assert first > 0
    paragraph.press_sequentially(" She has been displaced four times since 2015.", delay=10)
    expect(page.locator("#own-words-text")).not_to_contain_text("(\u206836\u2069 characters)")
    assert _meter_value(page) > first
    expect(hint).to_have_text("")  # her own story is not a common one

    paragraph.fill(COPIED)
    expect(hint).to_contain_text(COMMON_HINT)
    paragraph.fill("These are words nobody else has written about my family in Aleppo today.")
    expect(hint).to_have_text("")


@pytest.mark.parametrize("context_options", [PHONE], ids=["360px"])
@PATHS
def test_prompts_show_the_meter_moves_and_the_hint_appears_for_a_common_paragraph(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    console: ConsoleLog,
    path: str,
) -> None:
    _send_copies(app, default_campaign)
    page.goto(live_server.url + path.format(slug=default_campaign))
    _check_nudge(page)
    assert console.errors_but_favicon() == [] and console.csp_violations() == []


@pytest.mark.parametrize("context_options", [{**PHONE, "bypass_csp": True}], ids=["360px"])
@PATHS
def test_the_nudge_has_no_serious_accessibility_violations(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    path: str,
) -> None:
    _send_copies(app, default_campaign)
    page.goto(live_server.url + path.format(slug=default_campaign))
    page.locator("textarea[name=personal_message]").fill(COPIED)
    expect(page.locator("#own-words-hint")).to_contain_text(COMMON_HINT)
    audit = AxeAudit(page, axe_path)
    audit.run("form with the hint")
    audit.assert_clean()


@pytest.mark.parametrize(
    "context_options", [{**PHONE, "java_script_enabled": False}], ids=["360px-no-js"]
)
def test_without_javascript_the_preview_shows_the_meter_and_the_hint(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page
) -> None:
    _send_copies(app, default_campaign)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    expect(page.locator(".story-prompts li")).to_have_count(3)
    _fill(page, **{"Street address": "100 Main St", "Your own words (optional)": COPIED})
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter")).to_be_visible()
    meter = page.locator("#own-words-meter")
    expect(meter).to_be_visible()
    assert int(meter.get_attribute("value") or "0") > 0
    expect(page.locator("#own-words-text")).to_contain_text(f"({len(COPIED):,} characters)")
    expect(page.locator("#own-words-text bdi")).to_have_text(f"{len(COPIED):,}")  # isolated
    expect(page.locator("#own-words-hint")).to_contain_text(COMMON_HINT)


SHOTS = [
    ({"viewport": {"width": w, "height": 900}, "locale": lang}, w, lang)
    for w in (360, 1280)
    for lang in ("en-US", "ar")
]


@pytest.mark.parametrize(
    ("context_options", "width", "lang"), SHOTS, ids=[f"{w}-{lang}" for _, w, lang in SHOTS]
)
def test_screenshots_of_the_form_with_prompts_and_meter(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    console: ConsoleLog,
    width: int,
    lang: str,
) -> None:
    """Pictures for people to look at (tests/artifacts/own-words-*.png), checked for overflow."""
    query = "?lang=ar" if lang == "ar" else ""
    page.goto(f"{live_server.url}/campaigns/{default_campaign}{query}")
    paragraph = page.locator("textarea[name=personal_message]")
    text = "جدتي ما زالت تعيش في إدلب، وقد نزحت أربع مرات." if lang == "ar" else COPIED
    paragraph.press_sequentially(text, delay=5)
    expect(page.locator("#own-words-text")).to_contain_text(str(len(text)))
    if lang == "ar":  # Arabic names the count without a counted noun, in every form
        counted = f"(عدد الأحرف: \u2068{len(text)}\u2069)"
        expect(page.locator("#own-words-text")).to_contain_text(counted)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    block = page.locator(".own-words-block")
    block.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    block.screenshot(path=str(ARTIFACTS / f"own-words-{width}-{lang}.png"))
    for selector in (".story-prompts", "#own-words-meter", "textarea[name=personal_message]"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert console.errors_but_favicon() == []
