"""A hint under a form's buttons stands apart from them at 360 px, in English and Arabic: on the
confirm page, "Lost the link to your receipt?" and the "did they reply?" survey it sat against the
button (0 px), read as the button's own small print."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.conftest import LiveServer
from tests.dashboard.replies import add_answers
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import confirmation_token
from webapp.delivery.survey_email import survey_token
from webapp.models import OfficeReply, Submission

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# The room between a form's bottom edge and the hint after it, in CSS pixels.
GAP = """() => [...document.querySelectorAll("main form + p.hint")].map((hint) => {
  const form = hint.previousElementSibling.getBoundingClientRect();
  return Math.round(hint.getBoundingClientRect().top - form.bottom);
})"""
# As much as between two buttons side by side (.actions: 0.75rem).
AT_LEAST = 12


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_hint_after_the_buttons_stands_apart_from_them(
    app: Flask, live_server: LiveServer, default_campaign: str, browser: Browser, lang: str
) -> None:
    # The honeypot holds the letter until its writer confirms it by email.
    post_letter(app.test_client(), default_campaign, website="http://spam.example")
    add_answers(app, default_campaign, "official:R000001", "Rashida Tlaib", [None])
    with app.app_context():
        held = db.session.scalars(select(Submission).where(Submission.held)).one()
        answer = db.session.scalars(select(OfficeReply)).one()
        pages = {
            "confirm": f"/confirm/{confirmation_token(held)}",
            "receipt-link": f"/campaigns/{default_campaign}/receipt-link",
            "survey": f"/replies/{survey_token(answer.delivery.submission)}",
        }
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale=lang)
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    gaps = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}?lang={lang}")
        page.screenshot(path=str(ARTIFACTS / f"hint-after-buttons-{name}-{lang}.png"))
        gaps[name] = page.evaluate(GAP)
    context.close()
    assert all(gaps.values()), gaps  # each page has its hint after its form
    assert {name: [g for g in found if g < AT_LEAST] for name, found in gaps.items()} == {
        name: [] for name in gaps
    }, gaps
