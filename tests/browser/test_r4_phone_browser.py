"""Review r4 probes: how the supporter's Arabic paragraph is drawn, in Chromium, at 360 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS
from webapp.letters.markdown import text_to_html

pytestmark = pytest.mark.browser

# Left edge of each digit group in order: as written, each group lies right of the one before.
GROUP_LEFTS = r"""() => {
  const p = document.querySelector("p"), lefts = [];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (const m of n.textContent.matchAll(/[0-9\u0660-\u0669]+/g)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + 1);
      lefts.push(Math.round(r.getBoundingClientRect().left));
    }
  }
  return lefts;
}"""


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 300}, "locale": "ar"}


def _shown(page: Page, text: str, name: str) -> list[int]:
    page.set_content(
        '<!doctype html><html lang="ar" dir="rtl"><body style="font-size:20px">'
        f"{text_to_html(text)}</body></html>"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"r4-phone-{name}.png"))
    lefts: list[int] = page.evaluate(GROUP_LEFTS)
    return lefts


@pytest.mark.parametrize(
    ("name", "phone"),
    [
        ("us-dashes", "313-555-0100"),
        ("german-mobile", "0176 12345678"),
        ("syrian-4-6", "0933 123456"),
        ("german-landline", "030 1234567"),
        ("international", "+49 176 12345678"),
        ("arabic-indic", "٠٩٣٣ ١٢٣ ٤٥٦"),
    ],
)
def test_r4_phone_groups_read_left_to_right(page: Page, name: str, phone: str) -> None:
    """The groups of a number the supporter wrote read left to right, as dialled."""
    lefts = _shown(page, f"اتصلوا بي على {phone} في أي وقت.", name)
    assert lefts == sorted(lefts), (phone, lefts)


def test_r4_bracketed_phone_keeps_its_brackets_around_it(page: Page) -> None:
    """A bracketed "(0933-123-456)" in Arabic: one bracket on each side of the number."""
    _shown(page, "للتواصل (0933-123-456) شكرًا", "brackets")
    shown = page.evaluate(
        r"""() => {
      const p = document.querySelector("p"), chars = [];
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.textContent.length; i++) {
          const c = n.textContent[i];
          if (!/[()0-9]/.test(c)) continue;
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          chars.push([r.getBoundingClientRect().left, c]);
        }
      }
      return chars.sort((a, b) => a[0] - b[0]).map((x) => x[1]).join("");
    }"""
    )
    # Left to right on screen (mirrored glyphs aside, a bracket's side is what matters).
    assert shown[0] in "()" and shown[-1] in "()" and shown[1] == "0", shown
