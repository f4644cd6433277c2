"""The receipt's controls for each office, as a screen reader lists them (QA4 item 1): each
names its office, so a supporter jumping by buttons presses the right office's."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter

pytestmark = [pytest.mark.browser, PAGE_ONLY]

OFFICES = {
    "en": [
        "The President of the United States",
        "Elissa Slotkin",
        "Gary C. Peters",
        "Rashida Tlaib",
    ],
    "ar": ["رئيس الولايات المتحدة", "Elissa Slotkin", "Gary C. Peters", "Rashida Tlaib"],
}
# The words each office's controls show, and what the office's name is added to.
SHOWN = {
    "en": ["Copy the letter", "I have sent it", "Open the office's contact page", "Text to paste"],
    "ar": ["انسخ الرسالة", "لقد أرسلتها", "افتح صفحة التواصل الخاصة بالمكتب", "النص الذي ستلصقه"],
}
# A snapshot line: - button "name", or quoted when the name holds a colon.
CONTROL_RE = re.compile(r'^\s*- \'?(button|link|textbox) "([^"]+)"', re.M)


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "en-US"}


def _receipt(app: Flask, slug: str) -> str:
    """Michigan's 12th: the President and three members of Congress, all by their web forms."""
    load_civic_data(app)
    where = {"street": None, "city": "Southfield", "zip_code": single_district_zip("MI", 12)}
    response = post_letter(app.test_client(), slug, **where)
    assert response.status_code == 303, response.text
    return str(response.headers["Location"])


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_offices_controls_name_the_office(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, lang: str
) -> None:
    page.goto(f"{live_server.url}{_receipt(app, default_campaign)}?lang={lang}")
    rows = page.locator("#where-heading + .deliveries > .delivery")
    expect(rows).to_have_count(4)
    for row, office in zip(rows.all(), OFFICES[lang], strict=True):
        names = [name for _role, name in CONTROL_RE.findall(row.aria_snapshot())]
        for shown in SHOWN[lang]:
            named = [name for name in names if name.startswith(shown)]
            assert named, f"no {shown!r} in {names}"
            assert all(office in name for name in named), named
    # No two buttons or boxes on the page share a name, so a list of them tells them apart
    # (two links to one office's contact page may: they go to the same place).
    everything = Counter(CONTROL_RE.findall(page.locator("main").aria_snapshot()))
    assert [c for c, n in everything.items() if n > 1 and c[0] != "link"] == []
