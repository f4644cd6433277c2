"""What a button did is read out (QA4 item 2): after "I have sent it", confirming the email and
asking for the receipt link, and saving an answer to "did they reply?", focus is on the message
saying so, on screen at 360 px, with and without JavaScript."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.conftest import LiveServer
from tests.dashboard.letters import Letter, add_letters
from tests.dashboard.replies import add_answers
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import confirmation_token
from webapp.delivery.survey_email import survey_token
from webapp.models import OfficeReply, Submission

pytestmark = [pytest.mark.browser, PAGE_ONLY]

SENT_IT = {"en": "I have sent it", "ar": "لقد أرسلتها"}
THANKS = {"en": "Thank you: we recorded", "ar": "شكرًا لك: سجّلنا"}
CONFIRM = {"en": "Confirm", "ar": "أؤكّد"}
CONFIRMED = {"en": "Thank you: your", "ar": "شكرًا لك"}
ASK = {"en": "Email me my receipt link", "ar": "أرسلوا إليّ رابط إيصالي"}
ASKED = {"en": "If this address wrote to this campaign", "ar": "إن كان هذا العنوان"}
EMAIL = {"en": "Your email address", "ar": "عنوان بريدك الإلكتروني"}
BOTH = [
    pytest.param(lang, js, id=f"{lang}-{'js' if js else 'no-js'}")
    for lang in ("en", "ar")
    for js in (True, False)
]


def _page(browser: Browser, js: bool, lang: str, width: int = 360) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 760}, locale=lang, java_script_enabled=js
    )
    return context.new_page()


def _focused_text(page: Page) -> str:
    # evaluate runs even where the page's own scripts are off.
    return str(page.evaluate("document.activeElement.textContent"))


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize(("lang", "js"), BOTH)
def test_i_have_sent_it_focuses_the_thank_you_in_the_offices_row(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    browser: Browser,
    lang: str,
    js: bool,
) -> None:
    receipt = post_letter(app.test_client(), default_campaign).headers["Location"]
    page = _page(browser, js, lang)
    page.goto(f"{live_server.url}{receipt}?lang={lang}")
    row = page.locator(".delivery", has=page.get_by_role("button", name=SENT_IT[lang])).first
    row_id = row.get_attribute("id")
    row.get_by_role("button", name=SENT_IT[lang]).click()
    page.wait_for_load_state()
    thanks = page.locator(f"#{row_id}").get_by_role("status").filter(has_text=THANKS[lang])
    expect(thanks).to_be_focused()
    expect(thanks).to_be_in_viewport(ratio=1)
    _shot(page, f"outcome-sent-it-{lang}-{'js' if js else 'no-js'}-360")
    page.context.close()


@pytest.mark.parametrize(("lang", "js"), BOTH)
def test_confirming_focuses_the_thank_you(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    browser: Browser,
    lang: str,
    js: bool,
) -> None:
    # The honeypot holds the letter until its writer confirms it by email.
    post_letter(app.test_client(), default_campaign, website="http://spam.example")
    with app.app_context():
        link = "/confirm/" + confirmation_token(db.session.scalars(select(Submission)).one())
    page = _page(browser, js, lang)
    page.goto(f"{live_server.url}{link}?lang={lang}")
    page.get_by_role("button", name=CONFIRM[lang]).first.click()
    page.wait_for_url("**/receipts/**")
    page.wait_for_load_state()
    message = page.get_by_role("status").filter(has_text=CONFIRMED[lang]).first
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport(ratio=1)
    assert CONFIRMED[lang] in _focused_text(page)
    _shot(page, f"outcome-confirmed-{lang}-{'js' if js else 'no-js'}-360")
    page.context.close()


@pytest.mark.parametrize(("lang", "js"), BOTH)
def test_asking_for_the_receipt_link_focuses_the_answer(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    browser: Browser,
    lang: str,
    js: bool,
) -> None:
    add_letters(app, default_campaign, [Letter("rasha@example.org")])
    page = _page(browser, js, lang)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}/receipt-link?lang={lang}")
    page.get_by_label(EMAIL[lang], exact=True).fill("rasha@example.org")
    page.get_by_role("button", name=ASK[lang]).click()
    page.wait_for_load_state()
    answer = page.get_by_role("status").filter(has_text=ASKED[lang])
    expect(answer).to_be_focused()
    expect(answer).to_be_in_viewport(ratio=1)
    _shot(page, f"outcome-receipt-link-{lang}-{'js' if js else 'no-js'}-360")
    page.context.close()


SAVE = {"en": "Save my answer", "ar": "سجّل إجابتي"}
RECORDED = {"en": "Thank you: your answers are recorded", "ar": "شكرًا لك: سُجّلت إجاباتك"}


@pytest.mark.parametrize(("lang", "js"), BOTH)
def test_saving_a_reply_answer_focuses_the_thank_you(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    browser: Browser,
    lang: str,
    js: bool,
) -> None:
    """The one-click link from the survey email: its button records the answer and the page that
    opens says so where focus is, as the other buttons a supporter presses do."""
    add_answers(app, default_campaign, "official:R000001", "Rashida Tlaib", [None])
    with app.app_context():
        row = db.session.scalars(select(OfficeReply)).one()
        token, delivery_id = survey_token(row.delivery.submission), row.delivery_id
    page = _page(browser, js, lang)
    page.goto(f"{live_server.url}/replies/{token}/{delivery_id}?answer=no_reply&lang={lang}")
    page.get_by_role("button", name=SAVE[lang]).click()
    page.wait_for_url(f"**/replies/{token}?*")
    page.wait_for_load_state()
    thanks = page.get_by_role("status").filter(has_text=RECORDED[lang])
    expect(thanks).to_be_focused()
    expect(thanks).to_be_in_viewport(ratio=1)
    _shot(page, f"outcome-reply-answer-{lang}-{'js' if js else 'no-js'}-360")
    page.context.close()
