"""What a screen reader is told as a split ZIP and then a street are typed: every live region's
text recorded over time (as the QA walk-through's live.py did), on a phone and a wide screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, ConsoleLog
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Every live region in the page, found again at each change (zip-hint.js adds its own late):
# [region id, its text, ms since the recorder started, how many focusable things it holds].
RECORDER = """() => {
  const live = '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]';
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const seen = new Map();
  const start = performance.now();
  window.__live = [];
  const record = () => {
    document.querySelectorAll(live).forEach((region) => {
      const text = region.textContent.replace(/\\s+/g, " ").trim();
      if (seen.get(region) === text) { return; }
      seen.set(region, text);
      window.__live.push([region.id || region.className, text,
        Math.round(performance.now() - start), region.querySelectorAll(focusable).length]);
    });
  };
  record();
  new MutationObserver(record).observe(document.body,
    { childList: true, subtree: true, characterData: true, attributes: true });
}"""

WORDS = {
    "en": {
        "split": "split",
        "summary": "Your letter will go to 3 offices.",
        "two": "Your letter will go to 2 offices.",
        "asks_street": ("add your street address", "Enter your street address"),
        "street_note": "We will find your district from your street address when you preview",
        "street_hint": "we will find yours from your street address",
        "offices": ("President", "Peters", "Slotkin"),
    },
    "ar": {
        "split": "موزّع",
        "summary": "ستُرسَل رسالتك إلى \u20683\u2069 مكاتب.",
        "two": "ستُرسَل رسالتك إلى مكتبين.",
        "asks_street": ("أضف عنوان شارعك", "أدخل عنوان شارعك"),
        "street_note": "سنحدّد دائرتك الانتخابية من عنوان شارعك عند معاينة رسالتك.",
        "street_hint": "سنحدّد دائرتك من عنوان شارعك",
        "offices": ("رئيس", "Peters", "Slotkin"),
    },
}
CASES = [
    ("campaign", "en", "phone"),
    ("campaign", "en", "wide"),
    ("campaign", "ar", "phone"),
    ("campaign", "ar", "wide"),
    ("widget", "ar", "phone"),
]


def _records(page: Page) -> list[list[Any]]:
    found: list[list[Any]] = page.evaluate("window.__live")
    return found


def _non_empty(records: list[list[Any]]) -> list[list[Any]]:
    return [r for r in records if r[1]]


@pytest.mark.parametrize(("where", "locale", "screen"), CASES)
def test_a_split_zip_is_announced_once_briefly_and_the_street_answers_it(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    screen_page: Page,
    console: ConsoleLog,
    axe_path: Path,
    where: str,
    locale: str,
    screen: str,
) -> None:
    load_civic_data(app)
    page, words = screen_page, WORDS[locale]
    path = "campaigns" if where == "campaign" else "widget"
    page.goto(f"{live_server.url}/{path}/{default_campaign}?lang={locale}")
    expect(page.locator(".zip-hint")).to_have_count(1)
    page.evaluate(RECORDER)
    before = len(_records(page))  # the regions as the page was loaded
    page.locator("select[name=state]").select_option("MI")
    page.locator("input[name=zip_code]").click()
    page.keyboard.type("48126", delay=60)
    targets = page.locator("#targets-live")
    expect(targets.locator("input[name=recipients]")).to_have_count(2)  # the senators
    expect(page.locator(".zip-hint")).to_contain_text(words["split"])
    page.wait_for_timeout(800)  # anything else the ZIP set off
    typed_zip = _records(page)[before:]

    # One announcement, by one region, short: the count and the note, no list of offices.
    said = _non_empty(typed_zip)
    assert [r[0] for r in said] == ["targets-status"], said
    assert words["split"] in said[0][1] and words["summary"] in said[0][1]
    assert not any(office in said[0][1] for office in words["offices"]), said
    assert all(r[3] == 0 for r in typed_zip), f"a live region holds controls: {typed_zip}"
    assert targets.get_attribute("aria-live") is None and targets.get_attribute("role") is None
    page.locator("input[name=recipients]").first.uncheck()

    page.locator("input[name=street]").click()
    page.keyboard.type("16901 Michigan Ave", delay=20)
    page.locator("input[name=city]").click()  # leaving the street
    page.keyboard.type("Dearborn", delay=20)
    status = page.locator("[data-targets-status]")
    expect(status).to_contain_text(words["street_note"])
    page.wait_for_timeout(500)
    typed_street = _records(page)[before + len(typed_zip) :]

    # Said once, as the street was left; nothing asks for the street any more. The count is of
    # the offices still ticked: a senator was unticked.
    assert [r[0] for r in _non_empty(typed_street)] == ["targets-status"], typed_street
    assert words["two"] in _non_empty(typed_street)[0][1], typed_street
    zip_field = page.locator("input[name=zip_code]")
    described = (zip_field.get_attribute("aria-describedby") or "").split()
    description = " ".join(page.locator(f"#{i}").inner_text() for i in described)
    assert words["street_hint"] in description
    for asking in words["asks_street"]:
        assert asking not in description and asking not in targets.inner_text()
        assert asking not in (status.text_content() or "")
    expect(page.locator("input[name=recipients]").first).not_to_be_checked()  # kept as ticked

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"live-{where}-{locale}-{screen}"
    log = {"after_zip": typed_zip, "after_street": typed_street}
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(log, ensure_ascii=False, indent=1))
    page.locator("input[name=street]").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    targets.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}-list.png"))
    audit = AxeAudit(page, axe_path)
    audit.run(name)
    audit.assert_clean()
    assert console.errors_but_favicon() == []


@pytest.mark.parametrize(("locale", "screen"), [("en", "phone"), ("ar", "phone")])
def test_a_new_zip_that_changes_the_representative_is_announced_once(
    app: Flask, default_campaign: str, live_server: LiveServer, screen_page: Page, locale: str
) -> None:
    """Two ZIPs with as many offices but another Representative: the status's words are the
    same ("Your letter will go to 3 offices."), and the change is still said, once (rev6)."""
    load_civic_data(app)
    page = screen_page
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={locale}")
    page.evaluate(RECORDER)
    page.locator("select[name=state]").select_option("MI")
    zip_field = page.locator("input[name=zip_code]")
    zip_field.click()
    page.keyboard.type(single_district_zip("MI", 12), delay=40)
    targets = page.locator("#targets-live")
    expect(targets.locator("input[name=recipients]")).to_have_count(3)
    page.wait_for_timeout(600)
    first_list = targets.inner_text()
    before = len(_records(page))
    zip_field.fill("")
    page.keyboard.type(single_district_zip("MI", 13), delay=40)
    expect(targets).not_to_have_text(first_list)
    page.wait_for_timeout(800)
    said = [r for r in _non_empty(_records(page)[before:]) if r[0] == "targets-status"]
    assert [r[1] for r in said] == [WORDS[locale]["summary"].replace("3", "4")], said
    # The same ZIP typed again changes nothing, and says nothing.
    before = len(_records(page))
    zip_field.fill("")
    page.keyboard.type(single_district_zip("MI", 13), delay=40)
    page.wait_for_timeout(800)
    assert not _non_empty(_records(page)[before:]), _records(page)[before:]
