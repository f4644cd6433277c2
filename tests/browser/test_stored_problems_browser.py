"""The notice of a stored campaign's problems on the organisers' campaign page, in English and
Arabic, on a phone and a wide screen: it fits, reads in order, links to the editor, and axe finds
nothing serious. Screenshots: tests/artifacts/stored-problems-{en,ar}-{width}.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.editor import sign_in
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, create_account
from tests.letters.test_stored_merge_problem import BROKEN, store

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.fixture(params=["en", "ar"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(screen: str, language: str) -> dict[str, Any]:
    # bypass_csp: Playwright injects axe as an inline script.
    return {"viewport": SCREENS[screen], "locale": language, "bypass_csp": True}


def test_the_notice_fits_and_leads_to_the_editor(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    screen: str,
    language: str,
    axe_path: Path,
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = language  # the organiser pages' language
    store(app, default_campaign, salutation=BROKEN)
    create_account(app, ADMIN)
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}")
    notice = page.locator("#stored-problems")
    expect(notice).to_be_visible()
    width = SCREENS[screen]["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    box = notice.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert squeezed_isolates(page) == []
    # The filter's name and line keep their places in the Arabic sentence.
    item = notice.locator("li").inner_text()
    expected = {"en": "line 1: the filter 'title'", "ar": "السطر \u20681\u2069: لا يقبل المرشّح"}
    assert expected[language] in item, item
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"stored-problems-{language}-{width}.png"
    notice.screenshot(path=str(shot))
    axe = AxeAudit(page, axe_path)
    axe.run(f"campaign-{language}")
    axe.assert_clean()
    notice.locator("a").click()
    page.wait_for_url(f"{live_server.url}/dashboard/campaigns/{default_campaign}/edit")
