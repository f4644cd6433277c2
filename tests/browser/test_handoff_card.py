"""The hand-off card at 360 px: a version within the form's limit, copied exactly."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter

pytestmark = [pytest.mark.browser, PAGE_ONLY]
# Records what the copy button hands the clipboard, so the test reads exactly that.
RECORD_COPY = """
window.__copied = [];
Object.defineProperty(navigator, 'clipboard', {value: {writeText: function (text) {
  window.__copied.push(text); return Promise.resolve();
}}});
"""


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "en-US"}


def _receipt(app: Flask, slug: str, personal: str) -> str:
    response = post_letter(app.test_client(), slug, personal_message=personal)
    assert response.status_code == 303
    return str(response.headers["Location"])


def _card(page: Page) -> Any:
    return page.locator(".delivery", has_text="The President").locator(".handoff")


def test_the_copy_button_copies_a_version_within_2000_characters(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    page.add_init_script(RECORD_COPY)
    page.goto(live_server.url + _receipt(app, default_campaign, "My family is from Aleppo."))
    card = _card(page)
    button = card.get_by_role("button", name="Copy the letter")
    expect(button).to_be_visible()
    shown = card.locator("textarea").input_value()
    button.click()
    copied = page.evaluate("window.__copied")
    assert copied == [shown]
    assert len(shown) <= 2000 and "My family is from Aleppo" in shown
    expect(card.get_by_text("of 2,000 characters")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_longer_paragraph_is_split_into_parts_each_within_the_limit(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    page.add_init_script(RECORD_COPY)
    personal = " ".join(["Aleppo was my home and my family still lives there."] * 60)
    page.goto(live_server.url + _receipt(app, default_campaign, personal))
    card = _card(page)
    areas = card.locator("textarea")
    total = areas.count()
    assert total >= 2
    for number in range(1, total + 1):
        card.get_by_role("button", name=f"Copy part {number} of the letter").click()
        expect(card.get_by_text(f"part {number} of {total}, ")).to_be_visible()
    copied = page.evaluate("window.__copied")
    assert copied == [areas.nth(i).input_value() for i in range(total)]
    assert all(len(text) <= 2000 for text in copied)
    assert "Aleppo was my home" in copied[0]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_titles_to_choose_from_read_left_to_right_on_one_line(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, lang: str
) -> None:
    """The hint lists the English titles the office's form offers. In an Arabic sentence at
    360 px they stay one run, in the form's order (Mr. leftmost), inside their brackets and on
    one line: isolated one by one among Arabic commas, the line broke after "(Mr.،" and the
    rest, "Ms.، Mx.، Dr.)", read from the right on the next line."""
    location = post_letter(app.test_client(), default_campaign, prefix="").headers["Location"]
    page.goto(f"{live_server.url}{location}?lang={lang}")
    hint = page.locator(".handoff p.hint", has_text="Mr.").first
    titles = hint.locator("bdi", has_text="Mr.")
    expect(titles).to_have_text("Mr., Ms., Mx., Dr.")
    if lang == "ar":
        expect(titles).to_have_attribute("lang", "en")
    line = hint.evaluate("p => parseFloat(getComputedStyle(p).lineHeight)")
    box = titles.bounding_box()
    assert box is not None and box["height"] < 1.5 * line, box
    # Mr. before Dr. from the left, the brackets around them: the text's own order on screen.
    order = hint.evaluate(
        """p => {
          const x = (s) => { const r = document.createRange();
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const i = n.data.indexOf(s);
              if (i >= 0) { r.setStart(n, i); r.setEnd(n, i + s.length);
                return r.getBoundingClientRect(); } }
            return null; };
          const mr = x("Mr."), dr = x("Dr.");
          return mr && dr && mr.top === dr.top ? mr.left < dr.left : null;
        }"""
    )
    assert order is True, order
    text = hint.text_content() or ""
    assert ("(Mr., Ms., Mx., Dr.)" if lang == "en" else "لقبك (Mr., Ms., Mx., Dr.)،") in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
