"""The dashboard's "By partner" table with a code that names no partner: the marked row fits a
phone and a wide screen, in English and in Arabic (tests/artifacts/partners-unknown-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in_admin
from tests.conftest import LiveServer
from tests.dashboard.helpers import release_leaked_sessions  # noqa: F401
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget, widget_campaign

pytestmark = [
    pytest.mark.browser,
    PAGE_ONLY,
    pytest.mark.usefixtures("release_leaked_sessions"),
]


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return {"viewport": SCREENS[screen], "locale": "en-US"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_unknown_code_row_fits_the_screen(
    app: Flask, live_server: LiveServer, page: Page, screen: str, language: str, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    client = app.test_client()
    for n, code in enumerate(("syrian-forun", "syrian-forun", "riverside", None)):
        frame = open_widget(client, slug, **({"partner": code} if code else {})).text
        data = letter_data(form_token(frame), email=f"w{n}@example.org", partner=code)
        assert "civic-letters-sent" in post_widget(client, slug, data).text
    sign_in_admin(app, page, live_server)
    # The organiser pages speak the installation's default language.
    app.config["BABEL_DEFAULT_LOCALE"] = language
    page.goto(f"{live_server.url}/dashboard/campaigns/{slug}")
    panel = page.locator("section:has(#partners-heading)")
    row = panel.locator("tr.unknown-code")
    assert "syrian-forun" in row.inner_text()
    width = SCREENS[screen]["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / f"partners-unknown-{language}-{width}.png"))
    for wrap in panel.locator(".table-wrap").all():
        sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert sizes[0] <= sizes[1], f"a table is {sizes[0]}px wide in {sizes[1]}px"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
