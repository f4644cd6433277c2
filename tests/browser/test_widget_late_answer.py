"""A widget frame slow to answer the embed script (a phone busy loading the partner's page) does
not move the page the supporter is reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY
from tests.browser.widget_host import Embed, HostPage, HostSite, frame_height, widget_frame
from tests.conftest import LiveServer
from tests.widget.helpers import widget_campaign

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page
TITLE = "Safe water for every school"
STALL_MS = 4500  # past the embed script's 3 s wait for an answer

# In every frame of the page, before its own scripts: in the widget's, the first ping from the
# embed script finds the page busy for STALL_MS (its listener runs before widget.js's), as a
# slow phone's would be while the partner's page loads around it. In the host page, a record of
# the frame's heights, when it loaded (and the reader's place then) and when it answered.
WATCH = """(stall) => {
  if (location.pathname.startsWith('/widget/')) {
    addEventListener('message', e => {
      if ((e.data || {}).type !== 'civic-letters:ping' || window.stalled) return;
      window.stalled = 'busy';
      const end = performance.now() + stall;
      while (performance.now() < end) {}
      window.stalled = 'done';
    });
    return;
  }
  window.seen = {heights: [], loads: [], answers: [], marks: []};
  const readingTop = () => Math.round(
    document.getElementById('reading').getBoundingClientRect().top);
  addEventListener('message', e => {
    const m = e.data || {};
    if (m.type === 'civic-letters:resize') seen.answers.push(performance.now());
    if (m.mark) seen.marks.push(m.mark);
  });
  new MutationObserver(changes => changes.forEach(change => {
    for (const node of change.addedNodes || []) {
      if (node.tagName === 'IFRAME') {
        node.addEventListener('load', () => seen.loads.push([performance.now(), readingTop()]));
      }
    }
    if (change.type === 'attributes' && change.target.tagName === 'IFRAME') {
      seen.heights.push(change.target.style.height);
    }
  })).observe(document, {subtree: true, childList: true, attributes: true,
                         attributeFilter: ['style']});
}"""
READING_TOP = "() => Math.round(document.getElementById('reading').getBoundingClientRect().top)"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def test_a_frame_late_to_answer_on_its_first_load_leaves_the_host_page_where_it_is(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage
) -> None:
    link = f'<a href="{live_server.url}/campaigns/{slug}">{TITLE}</a>'
    script = Embed("wa", {"campaign": slug}).markup(live_server.url)
    article = "".join(f"<p>Paragraph {n} of the partner's article.</p>" for n in range(60))
    body = (
        f"<main><h1>Partner</h1>{script}{link}"
        f"<article><p id='reading'>Read on, below the widget.</p>{article}</article></main>"
    )
    page = host_page(360)
    page.context.add_init_script(f"({WATCH})({STALL_MS})")
    # The supporter reads the article below the widget, the frame above the screen's top.
    page.goto(host_site.serve_page(body) + "#reading")
    frame = widget_frame(page, "wa")
    expect(frame.get_by_role("button", name="Preview my letter")).to_be_attached()

    # The page's stall is over and it has answered: a mark it posts next reaches the host page
    # after the answer (messages from one window to another keep their order).
    frame.wait_for_function("() => window.stalled === 'done'", timeout=STALL_MS + 10_000)
    frame.evaluate("() => parent.postMessage({mark: 'answered'}, '*')")
    page.wait_for_function("() => window.seen.marks.includes('answered')")

    seen = page.evaluate("() => window.seen")
    (loaded, reading), *_ = seen["loads"]  # when the frame loaded, and the reader's place then
    late = seen["answers"][-1] - loaded
    assert late > 3000, f"answered {late:.0f} ms after its load: the watch was not put to the test"
    assert "240px" not in seen["heights"], f"the frame was shrunk as it loaded: {seen['heights']}"
    assert page.evaluate(READING_TOP) == reading, "the article moved under the reader"
    assert int(frame_height(page, "wa").removesuffix("px")) > 600  # the whole form
    expect(page.get_by_role("link", name=TITLE)).to_be_hidden()  # the widget in its place
