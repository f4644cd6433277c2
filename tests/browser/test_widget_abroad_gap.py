"""In the widget, a supporter abroad sees the title field stand apart from the note above it, as
each field stands apart from the one before: its label sat against the note's last line."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PAGE_ONLY
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# The space above the title field, and under it (a field after a field: the names).
GAPS = """() => {
  const title = document.querySelector('label[for=prefix]').closest('.field');
  const note = document.getElementById('us-voter-hint');
  const names = title.nextElementSibling;
  return {
    above_title: title.getBoundingClientRect().top - note.getBoundingClientRect().bottom,
    between_fields: names.getBoundingClientRect().top - title.getBoundingClientRect().bottom,
  };
}"""


@pytest.mark.parametrize(
    "context_options",
    [
        {"viewport": {"width": 360, "height": 800}},
        {"viewport": {"width": 360, "height": 800}, "java_script_enabled": False},
    ],
    ids=["js", "nojs"],
)
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_title_field_stands_apart_from_the_note_for_supporters_abroad(
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    lang: str,
    context_options: dict[str, Any],
) -> None:
    page.goto(f"{live_server.url}/widget/{default_campaign}?mode=letter&lang={lang}")
    page.select_option("[name=country]", "DE")
    gaps: dict[str, float] = page.evaluate(GAPS)
    assert gaps["between_fields"] > 4, gaps
    assert gaps["above_title"] >= gaps["between_fields"] - 0.5, gaps
