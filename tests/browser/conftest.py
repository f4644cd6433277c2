"""Playwright fixtures: one headless Debian Chromium per session, a fresh context per test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Frame,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
# Playwright 1.65 launches Chromium with --disable-features=<these>, and Chromium honours only the
# last --disable-features switch: ours comes after it, so it must repeat them.
# test_chromium_switches fails when a Playwright upgrade passes one not listed here.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
# Chromium 156 opens, with each new context's first page, the address bar's popup as two WebUI
# pages in a renderer of their own: headless, no test can see them, yet every test paid for them.
OMNIBOX_POPUP_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
DISABLED_FEATURES = ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *OMNIBOX_POPUP_FEATURES))
# Without the background-networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--disable-features={DISABLED_FEATURES}",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# For a browser test of the page alone (focus, live regions, names a screen reader reads, what
# fits the screen): what the server does under it runs on both backends in the app's own tests,
# and the page is the same from either, so a second run on PostgreSQL would only cost the suite.
PAGE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
DEFAULT_TIMEOUT_MS = 10_000
# expect() waits 5 s unless told; the suite runs two workers and Chromium on two cores, where a
# letter sent on PostgreSQL has been seen to need longer. Same wait as every other action.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


# Every shown <bdi> whose neighbouring text has a space against it: is that space on screen?
# A <bdi> that is a direct flex item loses them ("Signed by35organisations"): whitespace between
# flex items is not rendered. Measures the nearest visible character on the same line.
SPACES_AROUND_ISOLATES = r"""() => {
  const squeezed = [];
  const charBox = (node, at) => {
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect();
  };
  for (const bdi of document.querySelectorAll("bdi")) {
    const boxes = [...bdi.getClientRects()].filter((r) => r.width && r.height);
    // A block isolate has lines of its own: no space beside it on screen to lose.
    if (!boxes.length || getComputedStyle(bdi).display !== "inline") continue;
    const sides = [[bdi.previousSibling, true], [bdi.nextSibling, false]];
    for (const [node, before] of sides) {
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.textContent;
      const spaced = before ? /\S\s+$/.test(text) : /^\s+\S/.test(text);
      if (!spaced) continue;
      const at = before ? text.trimEnd().length - 1 : text.length - text.trimStart().length;
      const near = charBox(node, at);
      // Only the isolate's pieces on the character's line (a long one wraps).
      const line = boxes.filter((r) => Math.abs(r.top - near.top) < r.height / 2);
      if (!near.width || !line.length) continue;
      const gap = Math.min(...line.map((r) => Math.max(r.left - near.right, near.left - r.right)));
      if (gap < 2) squeezed.push(bdi.parentElement.textContent.trim().slice(0, 80));
    }
  }
  return squeezed;
}"""


def squeezed_isolates(page: Page | Frame) -> list[str]:
    """Sentences where an isolated value lost the spaces around it on screen."""
    found: list[str] = page.evaluate(SPACES_AROUND_ISOLATES)
    return found


class ConsoleLog:
    """Console messages and uncaught page errors seen in one browser context."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []  # (type, text, source url)
        self.page_errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        self.messages.append((message.type, message.text, message.location.get("url", "")))

    def on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    def errors(self) -> list[str]:
        """Console errors (CSP violations are logged as errors) and uncaught exceptions."""
        found = [f"{source}: {text}" for kind, text, source in self.messages if kind == "error"]
        return found + [f"uncaught: {text}" for text in self.page_errors]

    def errors_but_favicon(self) -> list[str]:
        """errors() less the favicon request Chromium makes for a page opened on its own (the
        widget page outside a frame has no favicon link)."""
        return [e for e in self.errors() if "/favicon.ico" not in e]

    def csp_violations(self) -> list[str]:
        return [text for _kind, text, _source in self.messages if "Content Security Policy" in text]

    def clear(self) -> None:
        self.messages.clear()
        self.page_errors.clear()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; `playwright install` is never needed (nor possible) here."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make test` (it installs chromium)")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context_options() -> dict[str, Any]:
    """Options for each test's browser context; parametrise this name to change them."""
    return {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


# The two screens a page is looked at on: a small phone and a desktop.
SCREENS = {"phone": {"width": 360, "height": 800}, "wide": {"width": 1280, "height": 900}}


@pytest.fixture(params=sorted(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    """Runs a test that asks for it once on each of SCREENS."""
    return str(request.param)


def screen_options(screen: str, locale: str) -> dict[str, Any]:
    """A context on one of SCREENS in `locale`; bypass_csp because axe is injected as a script
    the site's own policy would refuse."""
    return {"viewport": SCREENS[screen], "locale": locale, "bypass_csp": True}


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")[:150]


@contextmanager
def _opened_page(
    browser: Browser, options: dict[str, Any], console: ConsoleLog, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    try:
        yield page
    finally:
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"{_artifact_name(request.node.nodeid)}.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()


@pytest.fixture
def page(
    browser: Browser,
    context_options: dict[str, Any],
    console: ConsoleLog,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A page in a fresh context (no cookies shared between tests); screenshot on the way out."""
    with _opened_page(browser, context_options, console, request) as opened:
        yield opened


@pytest.fixture
def screen_page(
    browser: Browser, screen: str, locale: str, console: ConsoleLog, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """The same on one of SCREENS in `locale` (parametrise the test with "locale"), for a test
    whose module keeps the default page for its other tests."""
    with _opened_page(browser, screen_options(screen, locale), console, request) as opened:
        yield opened


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core from npm (`make test` installs it before pytest)."""
    axe = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.fail(f"{axe} is missing: run `make test` (it installs axe-core)", pytrace=False)
    return axe


# The Send button says how the letters travel ("Send my letter to 3 offices", "Record my
# letter, then send it to 1 office myself"); tests press it whatever it says.
SEND_BUTTON = re.compile(r"^(Send my letter|Record my letter)")


def write_from_berlin(page: Page, server_url: str, slug: str, email: str) -> None:
    """Write the campaign's letter from Berlin, Germany, through the page, to its receipt."""
    page.goto(f"{server_url}/campaigns/{slug}")
    page.select_option("[name=country]", "DE")
    fields = {"abroad_city": "Berlin", "first_name": "Rasha", "last_name": "Haddad"}
    for name, value in {**fields, "email": email}.items():
        page.fill(f"[name={name}]", value)
    page.locator("form button[name=action][value=preview]").click()
    page.locator("button[name=action][value=send]").click()
    expect(page).to_have_url(re.compile(r"/receipts/[^/]{20,}$"))
