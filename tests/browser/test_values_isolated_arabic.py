"""On the Arabic campaign page and letter form, every value set into a sentence (a count, a ZIP
code, district numbers, a name, an example) is isolated, also where a script writes it."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, ConsoleLog
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Arabic letters beside Latin letters or digits in one piece of text, once isolated runs
# (FSI ... PDI) are taken out: a value left to the sentence's direction.
UNISOLATED = r"""(texts) => texts.filter((t) => {
  const bare = t.replace(/\u2068[^\u2069]*\u2069/g, "");
  return /[\u0600-\u06ff]/.test(bare) && /[A-Za-z0-9\u0660-\u0669]/.test(bare);
})"""
LABELS = "els => els.map(e => e.getAttribute('aria-label'))"


def _mixed(page: Page, texts: list[str]) -> list[str]:
    found: list[str] = page.evaluate(UNISOLATED, texts)
    return found


@pytest.mark.parametrize("context_options", [{"viewport": SCREENS["phone"]}], ids=["360px"])
def test_values_in_sentences_are_isolated_on_the_arabic_form_and_preview(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, console: ConsoleLog
) -> None:
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    # An organisation's name in "Members of ..." (the signatories' list).
    labels = page.locator("[aria-label]").evaluate_all(LABELS)
    assert _mixed(page, labels) == [], labels
    # The examples in the city hints are English words, marked so.
    examples = page.locator(".hint bdi[lang=en]").all_inner_texts()
    assert {"Berlin", "Dearborn"} <= set(examples), examples

    for name, value in {"first_name": "Rasha", "last_name": "Haddad", "city": "Dearborn"}.items():
        page.fill(f"[name={name}]", value)
    page.fill("[name=email]", "rasha@example.org")
    page.select_option("[name=state]", "MI")
    page.locator("[name=zip_code]").press_sequentially("48126", delay=30)
    status, hint = page.locator("[data-targets-status]"), page.locator(".zip-hint")
    expect(status).to_contain_text("3")
    expect(hint).to_contain_text("48126")
    written = [status.text_content() or "", hint.text_content() or ""]
    assert _mixed(page, written) == [], written
    page.screenshot(path=str(ARTIFACTS / "values-isolated-ar-form-360.png"), full_page=True)

    page.fill("[name=zip_code]", "")
    page.locator("[name=zip_code]").press_sequentially(single_district_zip("MI", 12), delay=30)
    expect(status).to_contain_text("4")
    page.locator("form button[name=action][value=preview]").click()
    expect(page.locator("ul.offices")).to_be_visible()
    labels = page.locator("[aria-label]").evaluate_all(LABELS)
    assert _mixed(page, labels) == [], labels  # "Letter to <name>" on each office's letter
    page.screenshot(path=str(ARTIFACTS / "values-isolated-ar-preview-360.png"), full_page=True)
    assert console.errors_but_favicon() == []
