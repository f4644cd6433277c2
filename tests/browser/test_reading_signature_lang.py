"""The Arabic reading copy of a letter in the preview is signed with the name and address as the
supporter typed them: in Latin letters they are marked English, as offices' names are, or an
Arabic voice reads "Omar Saleh" and "Dearborn, MI" as Arabic; a name typed in Arabic is not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY
from tests.civic.data import load_civic_data, single_district_zip
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
# Each line of the reading copy's signature, with the language a screen reader reads it in.
LINES_READ_AS = """p => [...p.querySelectorAll("bdi")].map(
    b => [b.textContent.trim(), b.closest("[lang]").getAttribute("lang")])"""


@pytest.fixture
def context_options() -> dict[str, Any]:
    return {"viewport": {"width": 360, "height": 800}, "locale": "ar"}


@pytest.mark.parametrize(
    ("names", "signed"),
    [
        ({"first_name": "Omar", "last_name": "Saleh"}, ["Omar Saleh", "en"]),
        (
            {
                "first_name": "عمر",
                "last_name": "صالح",
                "latin_first_name": "Omar",
                "latin_last_name": "Saleh",
            },
            ["عمر صالح", "ar"],
        ),
    ],
    ids=["latin", "arabic"],
)
def test_the_reading_copys_signature_is_read_in_the_language_it_is_typed_in(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    names: dict[str, str],
    signed: list[str],
) -> None:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang=ar")
    fields = {**names, "email": "omar@example.org", "city": "Dearborn", "zip_code": zip_code}
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=state]", "MI")
    page.locator("form button[name=action][value=preview]").click()
    expect(page.get_by_role("heading", name="راجع رسالتك", level=1)).to_be_visible()
    signature = page.locator("article.letter-reading .letter-signature").first
    lines = signature.evaluate(LINES_READ_AS)
    assert lines == [signed, [f"Dearborn, MI {zip_code}", "en"]], lines
