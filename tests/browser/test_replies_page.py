"""The public replies page at 360 and 1280 px, in English and Arabic, without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer
from tests.dashboard.replies import add_answers
from webapp.database import db
from webapp.delivery.survey_email import survey_token
from webapp.models import OfficeReply, ReplyAnswer
from webapp.models import ReplyAnswer as A

pytestmark = [pytest.mark.browser, PAGE_ONLY]


@pytest.fixture
def answered(app: Flask, default_campaign: str) -> str:
    twelve = [A.REPLIED_ANSWERED] * 5 + [A.REPLIED_NOT_ANSWERED] * 2 + [A.ACKNOWLEDGEMENT] * 2
    twelve += [A.NO_REPLY] * 3 + [A.NOT_EXPECTED] * 2
    add_answers(app, default_campaign, "official:S000001", "Sen. Alma Example-Longname", twelve)
    add_answers(app, default_campaign, "official:R000001", "رشيدة طليب", [A.NO_REPLY] * 3)
    add_answers(app, default_campaign, "target:president", "The President", [A.NOT_EXPECTED])
    return default_campaign


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_public_replies_page_reads_well_on_a_phone_and_a_desktop_without_javascript(
    app: Flask,
    live_server: LiveServer,
    answered: str,
    browser: Browser,
    axe_path: Path,
    lang: str,
    backend: str,
) -> None:
    url = f"{live_server.url}/campaigns/{answered}/replies?lang={lang}"
    for width in (360, 1280):
        # No JavaScript: the page must say everything without it. axe itself needs script, so
        # it runs in a second context with JavaScript on (and CSP bypassed to inject it).
        plain = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=False
        )
        page = plain.new_page()
        page.goto(url)
        root = page.locator("html")
        expect(root).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
        heading = "هل ردّت المكاتب؟" if lang == "ar" else "Did the offices reply?"
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        # 7 replies of 12 answers (the two who did not expect one are left out).
        expect(page.locator("bdi", has_text="58%").first).to_be_visible()
        few = "عدد الإجابات قليل" if lang == "ar" else "Too few answers"
        expect(page.get_by_text(few).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"replies-{backend}-{lang}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        plain.close()
        checked = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = checked.new_page()
        page.goto(url)
        audit = AxeAudit(page, axe_path)
        audit.run(f"replies {lang} {width}px")
        checked.close()
        audit.assert_clean()


def _survey_link(app: Flask) -> tuple[str, int]:
    """The survey token and delivery id of the one unanswered office ("رشيدة طليب")."""
    with app.app_context(), app.test_request_context():
        row = db.session.scalars(
            select(OfficeReply).where(OfficeReply.answer.is_(None)).limit(1)
        ).one()
        return survey_token(row.delivery.submission), row.delivery_id


@pytest.mark.parametrize("lang", ["ar"])
def test_one_click_answer_page_on_a_phone_records_with_its_one_button(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    browser: Browser,
    axe_path: Path,
    lang: str,
    backend: str,
) -> None:
    add_answers(app, default_campaign, "official:R000001", "رشيدة طليب", [None])
    token, delivery_id = _survey_link(app)
    url = f"{live_server.url}/replies/{token}/{delivery_id}?answer=replied_answered&lang={lang}"
    checked = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    page = checked.new_page()
    page.goto(url)
    audit = AxeAudit(page, axe_path)
    audit.run("one-click answer page")
    checked.close()
    audit.assert_clean()
    plain = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = plain.new_page()
    page.goto(url)
    expect(page.get_by_label("ردّوا وأجابوا عن مسألتي")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / f"reply-answer-{backend}-{lang}-360.png"), full_page=True)
    page.get_by_role("button", name="سجّل إجابتي").click()
    expect(page.get_by_role("status")).to_contain_text("سُجّلت إجاباتك")
    plain.close()
    with app.app_context():
        answer = db.session.scalars(select(OfficeReply.answer)).one()
    assert answer is ReplyAnswer.REPLIED_ANSWERED
