"""The Arabic campaign editor on a 360 px phone, walked from top to bottom: nothing wider than
the screen, and every example written left to right (merge fields, ?partner=CODE) laid out so,
which on a right-to-left page read scrambled ("supporter.city {{ | default(...) }}")."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Text outside the form's fields that holds a merge field or the partner link's parameter, with
# the direction it is laid out in.
LTR_EXAMPLES = r"""() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (p.closest('textarea, option, script, [hidden], .editor-preview')) continue;
    if (!/\{\{|\?partner=/.test(n.textContent)) continue;
    found.push([n.textContent.trim(), getComputedStyle(p).direction]);
  }
  return found;
}"""
# Where the "?" of "?partner=CODE" is drawn against its "p": left of it, read left to right.
QUESTION_MARK = r"""() => {
  const code = [...document.querySelectorAll('main code')]
    .find((c) => c.textContent === '?partner=CODE');
  const box = (at) => {
    const range = document.createRange();
    range.setStart(code.firstChild, at);
    range.setEnd(code.firstChild, at + 1);
    return range.getBoundingClientRect().left;
  };
  return box(0) < box(1);
}"""


@pytest.mark.parametrize(
    "context_options", [{"viewport": SCREENS["phone"], "locale": "ar", "bypass_csp": True}]
)
def test_the_arabic_editor_on_a_phone_writes_its_examples_left_to_right(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page
) -> None:
    admin_signed_in(app, live_server, page, "ar")
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}/edit")
    for details in page.locator("details.own-letter").all():
        details.locator("summary").click()
    examples = page.evaluate(LTR_EXAMPLES)
    # The help box's fields and filter, the salutation's example, the partners' parameter.
    texts = " ".join(text for text, _ in examples)
    for expected in ("{{ supporter.first_name }}", "default(", "Dear {{", "?partner=CODE"):
        assert expected in texts, expected
    assert [text for text, direction in examples if direction != "ltr"] == []
    assert page.evaluate(QUESTION_MARK)

    width = SCREENS["phone"]["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # The preview, then a refusal: still the phone's width.
    page.locator("form#campaign-form .actions button").nth(1).click()
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.fill("[name=goal]", "lots")
    page.locator("form#campaign-form .actions button").first.click()
    page.wait_for_load_state("load")
    assert page.locator("#goal-error").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert [text for text, direction in page.evaluate(LTR_EXAMPLES) if direction != "ltr"] == []
