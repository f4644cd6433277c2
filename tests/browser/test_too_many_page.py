"""Send pressed after the connection's letters ran out, in English and Arabic on a phone and a
wide screen: the page keeps the letter, points at its button and names it as the preview did
(tests/artifacts/too-many-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, screen_options
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter

pytestmark = pytest.mark.browser
LANGUAGES = {"en": ("Check your letter", "press the button below again")}
LANGUAGES["ar"] = ("راجع رسالتك", "اضغط الزر أدناه")
FIELDS = {
    "first_name": "Rasha",
    "last_name": "Haddad",
    "email": "rasha@example.org",
    "city": "Dearborn",
    "zip_code": "48126",
}


@pytest.fixture(params=sorted(LANGUAGES))
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(screen: str, lang: str) -> dict[str, Any]:
    return screen_options(screen, lang)


def test_too_many_letters_keeps_the_letter_and_names_the_previews_button(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    axe_path: Path,
    screen: str,
    lang: str,
    backend: str,
) -> None:
    heading, sentence = LANGUAGES[lang]
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={lang}")
    for name, value in FIELDS.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=state]").select_option("MI")
    page.locator("form button[name=action][value=preview]").click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    send = page.locator("button[name=action][value=send]")
    said = " ".join(send.inner_text().split())

    app.config["LETTER_RATE_LIMIT"] = "1/minute"
    # Someone else on the same network (the same address here) sent a letter a moment ago.
    neighbour = post_letter(app.test_client(), default_campaign, email="neighbour@example.org")
    assert neighbour.status_code == 303
    send.click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(sentence)
    again = page.locator("button[name=action][value=send]")
    assert " ".join(again.inner_text().split()) == said
    audit = AxeAudit(page, axe_path)
    audit.run(f"too many letters page ({lang}, {screen})")
    audit.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"too-many-{lang}-{screen}-{backend}.png"), full_page=True)
