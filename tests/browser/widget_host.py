"""A partner's page on another origin (http://localhost:<port>) that embeds the widget."""

from __future__ import annotations

import contextlib
import html
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_TIMEOUT_MS,
    ConsoleLog,
)
from tests.stubs import StubServer

# Block third-party cookies explicitly, as Safari and Firefox (and Chrome, soon) do.
COOKIELESS_ARGS = [*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"]
# Records every civic-letters:sent event the embed script dispatches on the host page.
RECORDER = """<script>
window.sentEvents = [];
document.addEventListener("civic-letters:sent", function (event) {
  window.sentEvents.push({id: event.target.id, detail: event.detail});
});
</script>"""


@dataclass
class Embed:
    """One widget on the host page: an embed script with data-attributes, or a plain frame."""

    element_id: str
    attrs: dict[str, str] = field(default_factory=dict)
    plain_frame_src: str | None = None

    def markup(self, app_url: str) -> str:
        if self.plain_frame_src is not None:
            src = html.escape(app_url + self.plain_frame_src)
            return (
                f'<iframe id="{self.element_id}" src="{src}" title="Write a letter" '
                'width="100%" height="900" frameborder="0"></iframe>'
            )
        data = "".join(f' data-{k}="{html.escape(v)}"' for k, v in self.attrs.items())
        return f'<script id="{self.element_id}" src="{app_url}/embed.js"{data} async></script>'


def host_html(app_url: str, embeds: list[Embed]) -> bytes:
    """The partner's page: a heading, then each widget in its own section."""
    sections = "\n".join(
        f'<section aria-label="Widget {e.element_id}"><h2>Widget {e.element_id}</h2>'
        f"{e.markup(app_url)}</section>"
        for e in embeds
    )
    page = (
        '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Partner site</title><link rel="icon" href="data:,">'
        f"{RECORDER}</head>"
        f"<body><main><h1>Partner site</h1>{sections}</main></body></html>"
    )
    return page.encode()


class HostSite:
    """A StubServer answering /host.html, reached as http://localhost:<port> (not 127.0.0.1)."""

    def __init__(self) -> None:
        self.stub = StubServer().start()
        self.port = int(self.stub.url.rsplit(":", 1)[1])
        self.origin = f"http://localhost:{self.port}"

    def serve(self, app_url: str, embeds: list[Embed], path: str = "/host.html") -> str:
        """Serve a page with these widgets; returns its URL on the host origin."""
        body = host_html(app_url, embeds)
        self.stub.reply(path, 200, body, {"Content-Type": "text/html; charset=utf-8"})
        return self.origin + path

    def serve_page(self, body: str, head: str = "", path: str = "/page.html") -> str:
        """Serve a page of the partner's own layout (`head` its styles, `body` its snippets as
        pasted), with the event recorder; returns its URL on the host origin."""
        page = (
            '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Partner site</title><link rel="icon" href="data:,">{RECORDER}{head}</head>'
            f"<body>{body}</body></html>"
        )
        self.stub.reply(path, 200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
        return self.origin + path

    def close(self) -> None:
        self.stub.close()


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    try:
        yield site
    finally:
        site.close()


@pytest.fixture(scope="session")
def cookieless_browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """A Chromium of its own, launched with third-party cookies blocked."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=COOKIELESS_ARGS)
    yield browser
    browser.close()


HostPage = Callable[[int], Page]


@pytest.fixture
def host_page(cookieless_browser: Browser) -> Iterator[HostPage]:
    """Makes pages (in fresh contexts of the cookieless browser) at a viewport width."""
    pages: list[Page] = []

    def make(width: int) -> Page:
        pages.append(new_host_page(cookieless_browser, width))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


def new_host_page(browser: Browser, width: int, height: int = 800) -> Page:
    """A page in a fresh context of `browser` at this viewport width."""
    mobile: dict[str, Any] = {"is_mobile": True, "has_touch": True} if width < 500 else {}
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-US", **mobile
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


def widget_frame(page: Page, element_id: str) -> Frame:
    """The frame of the widget whose script (or plain iframe) has this id."""
    selector = f"#{element_id}" if element_id.startswith("plain") else f"#{element_id} + iframe"
    handle = page.wait_for_selector(selector, state="attached")
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None, f"{selector} has no frame"
    return frame


def frame_metrics(frame: Frame) -> dict[str, float]:
    """Heights inside the frame: document scroll height, viewport and body."""
    metrics: dict[str, float] = frame.evaluate(
        """() => ({scroll: document.documentElement.scrollHeight, inner: window.innerHeight,
                   body: document.body.getBoundingClientRect().height,
                   width: document.documentElement.scrollWidth,
                   clientWidth: document.documentElement.clientWidth})"""
    )
    return metrics


# Fitted, and unchanged for `ms`: the widget's scripts change the page after it loads (the
# residence fields one way, the live list of offices the other), and a page fitted for a moment
# before they run would be measured mid-change. The rule is FitLog's own verdict. Each check
# starts its own watch (a new token), so a state seen by an earlier check on the same page does
# not count. Polled on a timer, not on animation frames, which Chromium may hold back in a
# cross-origin frame on a loaded machine.
SETTLED_FIT = """({ms, token}) => { const d = document.documentElement;
    const body = document.body.getBoundingClientRect().height;
    const fitted = d.scrollHeight <= window.innerHeight + 1 && window.innerHeight <= body + 8
        && d.scrollWidth <= d.clientWidth;
    const key = fitted ? d.scrollHeight + "x" + window.innerHeight + "x" + d.scrollWidth : "";
    const now = performance.now();
    let seen = window.__clFit;
    if (!seen || seen.token !== token) { seen = window.__clFit = {token, key: "", since: now}; }
    if (key !== seen.key) { seen.key = key; seen.since = now; }
    return key !== "" && now - seen.since >= ms; }"""
SETTLE_MS = 400
_WATCHES = itertools.count()


def click_to_post(page: Page, button: Any, path: str, tries: int = 3) -> None:
    """Click `button` in a frame until its form's POST to `path` leaves the browser. In two
    clean runs (125, 129) a click on a widget's button after the frame had settled sent
    nothing at all (the server's log shows no request): the host resized the frame between
    Playwright's check of the button's place and its click. A click that sent nothing is
    tried again; one that sent its POST is never repeated, so a product failure still fails."""
    for attempt in range(tries):
        try:
            with page.expect_request(lambda r: r.method == "POST" and path in r.url, timeout=5000):
                button.click()
            return
        except PlaywrightError:
            if attempt == tries - 1:
                raise


class FitLog:
    """Checks, step by step, that a frame fits its content; keeps going and reports them all."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.problems: list[str] = []

    def check(self, frame: Frame, step: str, timeout_ms: int = 5000) -> dict[str, float]:
        """Wait for the frame's page to settle and be resized to its content; note the step if
        it is not."""
        # Chromium does not lay out a cross-origin frame while it is off screen: show it first.
        frame.frame_element().scroll_into_view_if_needed()
        with contextlib.suppress(PlaywrightError):
            # After a navigation: the new page's scripts and their first lookups done (Playwright
            # marks a page idle once, so on a page already idle this returns at once).
            frame.wait_for_load_state("networkidle", timeout=timeout_ms)
        watch = {"ms": SETTLE_MS, "token": next(_WATCHES)}
        with contextlib.suppress(PlaywrightError):
            frame.wait_for_function(SETTLED_FIT, arg=watch, polling=100, timeout=timeout_ms)
        m = frame_metrics(frame)
        self.steps.append(f"{step}: {m}")
        if m["scroll"] > m["inner"] + 1:
            self.problems.append(
                f"{step}: content {m['scroll']}px tall in a {m['inner']}px "
                "frame (cut off, or an inner scrollbar)"
            )
        if m["inner"] > m["body"] + 8:
            self.problems.append(f"{step}: frame {m['inner']}px tall for {m['body']}px of content")
        if m["width"] > m["clientWidth"]:
            self.problems.append(f"{step}: {m['width']}px wide in {m['clientWidth']}px")
        return m

    def assert_all_fitted(self) -> None:
        assert self.problems == [], "the frame did not fit its content:\n" + "\n".join(
            self.problems
        )


def unexpected_errors(console: ConsoleLog) -> list[str]:
    """Console errors, except Chromium's note on the 422 page that shows a form's errors."""
    return [e for e in console.errors() if "status of 422" not in e]


def shoot(page: Page, name: str) -> None:
    """Save the whole host page under tests/artifacts/, every widget frame painted."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    assert viewport is not None
    # Chromium leaves cross-origin frames outside the viewport unpainted in a full-page shot,
    # so make the viewport as tall as the page for the picture, then put it back.
    height = min(int(page.evaluate("() => document.documentElement.scrollHeight")), 12000)
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.wait_for_timeout(150)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    finally:
        page.set_viewport_size(viewport)


def frame_height(page: Page, element_id: str) -> str:
    """The iframe's CSS height as the embed script set it, e.g. '812px'."""
    return str(page.eval_on_selector(f"#{element_id} + iframe", "f => f.style.height"))
