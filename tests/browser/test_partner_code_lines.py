"""A partner's name and code on the dashboard, on a phone and a wide screen, in Arabic and
English: the code stays whole on one line, left to right inside its brackets. In one isolate with
an Arabic name, it broke at its hyphens and its brackets landed at the wrong ends of the lines
(tests/artifacts/partner-code-*.png)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.conftest import LiveServer
from tests.dashboard.helpers import add_partner
from tests.dashboard.letters import Letter, add_letters

pytestmark = [pytest.mark.browser, PAGE_ONLY]

CODE = "syrian-american-council"
NAME = "المجلس السوري الأمريكي في ميشيغان"
# The longest code the editor takes (64 characters) is longer than a phone's line.
LONGEST = "great-lakes-coalition-for-syria-michigan-ohio-and-indiana-2026-1"

# Where the code's characters are drawn: the lines it takes, the left edges of its opening
# bracket, first and last characters and closing bracket, and whether it fits its box's width
# on one line (measured as one unbreakable line).
CODE_BOXES = """(el, code) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf("(" + code + ")");
    if (at < 0) continue;
    const box = (start, end) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      return [...range.getClientRects()].filter((r) => r.width > 0);
    };
    const whole = box(at, at + code.length + 2);
    const lines = new Set(whole.map((r) => Math.round(r.top)));
    const left = (i) => box(i, i + 1)[0].left;
    const probe = document.createElement("span");
    probe.style.whiteSpace = "nowrap";
    probe.textContent = "(" + code + ")";
    node.parentElement.append(probe);
    const oneLine = probe.getBoundingClientRect().width;
    probe.remove();
    const style = getComputedStyle(el);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const end = at + code.length;
    return { lines: lines.size, fits: oneLine <= room,
      opening: [left(at), left(at + 1)], closing: [left(end), left(end + 1)] };
  }
  return null;
}"""


@pytest.fixture
def context_options(screen: str, locale: str) -> dict[str, Any]:
    return {"viewport": SCREENS[screen], "locale": locale}


def _drawn_in_order(place: Locator, code: str) -> None:
    found = place.evaluate(CODE_BOXES, code)
    assert found, f"no ({code}) in {place}"
    # Left to right inside its brackets, on whatever lines it takes.
    for pair in (found["opening"], found["closing"]):
        assert pair == sorted(pair), f"({code}) drawn out of order: {found}"
    # Whole on one line wherever a line is long enough for it.
    if found["fits"]:
        assert found["lines"] == 1, f"({code}) broken over {found['lines']} lines: {found}"


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_a_partners_code_stays_whole_and_in_order_beside_its_name(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    screen: str,
    locale: str,
) -> None:
    add_partner(app, default_campaign, CODE, NAME)
    add_partner(app, default_campaign, LONGEST, "Great Lakes Coalition")
    add_letters(
        app,
        default_campaign,
        [Letter("one@example.org", partner=CODE), Letter("two@example.org", partner=LONGEST)],
    )
    admin_signed_in(app, live_server, page, locale)
    width = SCREENS[screen]["width"]
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"

    page.goto(base)
    partners = page.locator("section:has(#partners-heading)")
    partners.screenshot(path=str(ARTIFACTS / f"partner-code-table-{locale}-{width}.png"))
    _drawn_in_order(partners.locator("td", has_text=CODE), CODE)
    _drawn_in_order(partners.locator("td", has_text=LONGEST), LONGEST)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width

    page.goto(f"{base}/embed")
    listed = page.locator("nav.page-sections", has_text=CODE)
    listed.screenshot(path=str(ARTIFACTS / f"partner-code-embed-{locale}-{width}.png"))
    _drawn_in_order(page.locator("nav.page-sections li", has_text=CODE), CODE)
    _drawn_in_order(page.locator("h2", has_text=CODE), CODE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
