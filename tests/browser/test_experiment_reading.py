"""The story-prompt experiment on the dashboard, read in Arabic on a phone and a wide screen: the
verdict keeps each variant's name inside its own quotation marks (screenshots:
tests/artifacts/experiment-*.png)."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.conftest import LiveServer
from tests.dashboard.test_experiment import _add as add_variant_letters

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Where each «name» of the verdict is drawn: the boxes of its opening mark, its first and last
# letters and its closing mark, in CSS px ([left, right] each).
QUOTED_NAMES = """(el) => {
  const chars = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.textContent.length; i++) chars.push([node, i]);
  }
  const text = chars.map(([node, i]) => node.textContent[i]).join("");
  const box = (at) => {
    const range = document.createRange();
    range.setStart(chars[at][0], chars[at][1]);
    range.setEnd(chars[at][0], chars[at][1] + 1);
    const r = range.getBoundingClientRect();
    return [r.left, r.right];
  };
  const found = [];
  for (const m of text.matchAll(/«([^«»\\u2068\\u2069]+)»/g)) {
    const start = m.index, end = m.index + m[0].length - 1;
    found.push({name: m[1], open: box(start), first: box(start + 1), last: box(end - 1),
                close: box(end)});
  }
  return found;
}"""


@pytest.mark.parametrize("locale", ["ar"])
def test_the_arabic_verdict_keeps_each_variant_inside_its_quotation_marks(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """«why» against «family» is -15 points: the English name and the signed number that
    follows it made one left-to-right run, drawn "«15- «family»" at 360 and 1280 px."""
    page = screen_page
    add_variant_letters(app, default_campaign, "family", [100, 100, 0])
    add_variant_letters(app, default_campaign, "why", [100, 0, 0])
    admin_signed_in(app, live_server, page, locale)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}#experiment")
    verdict = page.locator("#experiment-verdict")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = SCREENS[screen]["width"]
    page.locator("#experiment").screenshot(path=str(ARTIFACTS / f"experiment-ar-{width}.png"))
    quoted = verdict.evaluate(QUOTED_NAMES)
    assert sorted(q["name"] for q in quoted) == ["family", "why"], verdict.inner_text()
    for q in quoted:
        # Right to left: « on the name's right, » on its left, around the whole name.
        around = q["open"][0] >= q["first"][1] - 1 and q["close"][1] <= q["last"][0] + 1
        assert around, f"«{q['name']}» is not drawn inside its marks: {q}"
