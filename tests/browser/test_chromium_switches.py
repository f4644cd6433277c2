"""The suite's Chromium: no address-bar popup per context, Playwright's own switches still kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import CHROMIUM_ARGS, DISABLED_FEATURES, OMNIBOX_POPUP_FEATURES
from tests.browser.widget_host import COOKIELESS_ARGS

pytestmark = pytest.mark.browser


def disabled_features_switches(args: list[str]) -> list[str]:
    """The values of every --disable-features switch, in order."""
    return re.findall(r"(?:^|\s)--disable-features=(\S*)", " ".join(args))


def test_a_new_context_opens_no_webui_page_of_chromes_own(browser: Browser) -> None:
    # Without OMNIBOX_POPUP_FEATURES each new context's first page comes with two targets of
    # type "browser_ui", chrome://omnibox-popup.top-chrome/ and its omnibox_popup_aim.html,
    # listed as soon as the page is.
    cdp = browser.new_browser_cdp_session()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("about:blank")
        targets = cdp.send("Target.getTargets", {"filter": [{}]})["targetInfos"]
        # Listed again a moment later, for a Chromium that opens the popup after the page.
        page.wait_for_timeout(500)
        targets += cdp.send("Target.getTargets", {"filter": [{}]})["targetInfos"]
    finally:
        context.close()
        cdp.detach()
    assert [t for t in targets if t["type"] == "page"], targets  # the listing sees the page
    chrome_own = [
        f"{t['type']} {t['url']}"
        for t in targets
        if t["type"] == "browser_ui" or t["url"].startswith("chrome://")
    ]
    assert chrome_own == []


def test_playwrights_disabled_features_are_kept(browser: Browser) -> None:
    """Chromium honours only the last --disable-features: it must be ours, and name every
    feature that Playwright's own (earlier) switch names."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("chrome://version")
        command_line = page.locator("#command_line").inner_text()
    finally:
        context.close()
    switches = disabled_features_switches(command_line.split())
    assert len(switches) >= 2, f"Playwright's switch or ours is missing: {command_line}"
    *earlier, honoured = switches
    assert honoured == DISABLED_FEATURES
    ours = set(honoured.split(","))
    for switch in earlier:
        dropped = set(switch.split(",")) - ours
        assert not dropped, f"add {sorted(dropped)} to PLAYWRIGHT_DISABLED_FEATURES"
    assert set(OMNIBOX_POPUP_FEATURES) <= ours


def test_the_cookieless_browser_disables_the_same_features() -> None:
    assert disabled_features_switches(COOKIELESS_ARGS) == [DISABLED_FEATURES]
    assert disabled_features_switches(CHROMIUM_ARGS) == [DISABLED_FEATURES]
