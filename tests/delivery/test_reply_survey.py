"""The survey "did they reply?" with the worker's clock: once on day 21, one reminder on day 28,
never before the letter went, never to erased or unsubscribed supporters; answers by link."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.letter_emails import first_strong
from tests.delivery.smtp_server import Received, SmtpSink, mailing_config
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.outbox import mark_done_by_supporter
from webapp.delivery.worker import Worker
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    OfficeReply,
    ReplyAnswer,
    ReplySurvey,
    Supporter,
)
from webapp.services import reply_survey
from webapp.services.reply_survey import queue_reply_surveys, stop_contact
from webapp.services.submissions import email_key
from webapp.services.supporters import erase_supporter

PUBLIC_URL = "https://letters.example.org"
SCHOOL_EMAIL = "desk@school-board.example.org"
RASHA = "rasha@example.org"
LINK_RE = re.compile(r"https://letters\.example\.org/replies/\S+")


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return mailing_config(app_config, smtp, PUBLIC_URL)


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    """Two offices by email and one through its own web form (a hand-off)."""
    targets = [
        office("Water Board", email=OFFICE_EMAIL),
        office("School Board", email=SCHOOL_EMAIL),
        office("City Hall", contact_url="https://city.example.gov/contact"),
    ]
    return write_delivery_campaign(app, tmp_path, "water", targets)


def _surveys(smtp: SmtpSink, kind: NotificationKind, to: str | None = None) -> list[Received]:
    found = smtp.to(to) if to else smtp.messages
    return [m for m in found if str(m.message["X-Civic-Letters"]).startswith(f"{kind.value} ")]


def _run(app: Flask, clock: Clock, at: datetime) -> None:
    clock.now = at
    Worker(app, clock=clock).run(once=True)


def _surveyed(app: Flask, clock: Clock, smtp: SmtpSink) -> Received:
    """Deliver the letters now, move to day 21: the one survey email to RASHA."""
    _run(app, clock, clock.now)
    _run(app, clock, clock.now + timedelta(days=21))
    [survey] = _surveys(smtp, NotificationKind.REPLY_SURVEY, RASHA)
    return survey


def _answers(app: Flask) -> dict[str, ReplyAnswer | None]:
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.recipient_name, OfficeReply.answer).join(
                OfficeReply, OfficeReply.delivery_id == Delivery.id
            )
        )
        return {name: answer for name, answer in rows}


def test_survey_goes_once_on_day_21_and_the_reminder_once_on_day_28(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    assert post_letter(client, slug, email=RASHA, response_requested="y").status_code == 303
    clock = Clock()
    start = clock.now
    _run(app, clock, start)
    letter = smtp.to(OFFICE_EMAIL)[0].text()
    assert "Rasha Haddad would like a reply." in letter  # "I would like a reply", by email
    _run(app, clock, start + timedelta(days=21, minutes=-1))
    assert _surveys(smtp, NotificationKind.REPLY_SURVEY) == []
    _run(app, clock, start + timedelta(days=21))
    [survey] = _surveys(smtp, NotificationKind.REPLY_SURVEY, RASHA)
    text = survey.text()
    # Only offices that had the letter: the hand-off was never marked sent.
    assert "Water Board" in text and "School Board" in text and "City Hall" not in text
    assert len(LINK_RE.findall(text)) == 2 * 5 + 2  # five answers per office, page, unsubscribe
    for day in (21, 22, 28 - 1 / 24):
        _run(app, clock, start + timedelta(days=day))
    assert len(_surveys(smtp, NotificationKind.REPLY_SURVEY)) == 1
    assert _surveys(smtp, NotificationKind.REPLY_REMINDER) == []
    _run(app, clock, start + timedelta(days=28))
    [reminder] = _surveys(smtp, NotificationKind.REPLY_REMINDER, RASHA)
    assert "A week ago we asked" in reminder.text()
    # The hand-off, marked sent on day 30, joins the survey page; no third email ever goes.
    with app.app_context():
        hand_off = db.session.scalars(
            select(Delivery).where(Delivery.recipient_name == "City Hall")
        ).one()
        assert hand_off.status is DeliveryStatus.NEEDS_ACTION
        assert mark_done_by_supporter(db.session(), hand_off, start + timedelta(days=30))
    for day in (29, 40, 50, 51, 60, 90):
        _run(app, clock, start + timedelta(days=day))
    assert len(_surveys(smtp, NotificationKind.REPLY_SURVEY)) == 1
    assert len(_surveys(smtp, NotificationKind.REPLY_REMINDER)) == 1
    assert set(_answers(app)) == {"Water Board", "School Board", "City Hall"}


def test_no_survey_before_any_letter_was_sent(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    assert post_letter(client, slug, email=RASHA).status_code == 303
    smtp.stop()  # the emailed letters cannot go: they stay failed and retrying
    clock = Clock()
    start = clock.now
    for day in (0, 21, 28, 40):
        _run(app, clock, start + timedelta(days=day))
    with app.app_context():
        assert db.session.scalars(select(OfficeReply)).all() == []
        kinds = set(db.session.scalars(select(Notification.kind)))
    assert kinds == {NotificationKind.RECEIPT}


def test_letters_from_long_before_are_not_asked_about(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    """After an upgrade, or weeks without a worker: no survey more than LATEST overdue."""
    assert post_letter(client, slug, email=RASHA).status_code == 303
    clock = Clock()
    start = clock.now
    _run(app, clock, start)
    for day in (21 + 14 + 1, 60, 90):
        _run(app, clock, start + timedelta(days=day))
    assert _surveys(smtp, NotificationKind.REPLY_SURVEY) == []
    _run(app, clock, start + timedelta(days=21 + 14 - 1))  # the clock back: still in time
    assert len(_surveys(smtp, NotificationKind.REPLY_SURVEY)) == 1


def test_erased_and_unsubscribed_supporters_get_no_survey(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    for address in ("erased@example.org", "stopped@example.org", RASHA, "late@example.org"):
        assert post_letter(client, slug, email=address).status_code == 303
    clock = Clock()
    start = clock.now
    _run(app, clock, start)
    with app.app_context():
        assert erase_supporter(db.session(), "erased@example.org") == 1
        stopped = db.session.scalars(
            select(Supporter).where(Supporter.email_key == email_key("stopped@example.org"))
        ).one()
        stop_contact(db.session(), stopped, start + timedelta(days=3))
        # Queued at day 21, then the supporter unsubscribes before the worker sends it.
        surveys = queue_reply_surveys(db.session(), start + timedelta(days=21), 21, 7)
        assert surveys.invited == 2
        late = db.session.scalars(
            select(Supporter).where(Supporter.email_key == email_key("late@example.org"))
        ).one()
        stop_contact(db.session(), late, start + timedelta(days=21))
    for day in (21, 28, 35):
        _run(app, clock, start + timedelta(days=day, hours=1))
    surveyed = {r for m in _surveys(smtp, NotificationKind.REPLY_SURVEY) for r in m.rcpt_tos}
    assert surveyed == {RASHA}
    reminded = {r for m in _surveys(smtp, NotificationKind.REPLY_REMINDER) for r in m.rcpt_tos}
    assert reminded == {RASHA}
    with app.app_context():
        late_survey = db.session.scalars(
            select(Notification.status).where(
                Notification.kind == NotificationKind.REPLY_SURVEY,
                Notification.status == DeliveryStatus.CANCELLED,
            )
        ).all()
    assert late_survey == [DeliveryStatus.CANCELLED]


def _raw_header(received: Received, name: str) -> str:
    """A header's value as the bytes on the wire spell it, folding undone."""
    head = received.content.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n")
    head = head.split(b"\n\n", 1)[0].decode("ascii")
    unfolded = re.sub(r"\n[ \t]+", " ", head)
    values = [
        line.split(":", 1)[1].strip()
        for line in unfolded.split("\n")
        if line.split(":", 1)[0].lower() == name.lower()
    ]
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _links(received: Received) -> dict[tuple[str, str], str]:
    """(office, answer) -> link, from the plain-text part."""
    links: dict[tuple[str, str], str] = {}
    office_name = line_before = ""
    for line in received.text().splitlines():
        match = LINK_RE.search(line)
        if match and line.startswith("  ") and not line_before.startswith("  "):
            office_name = line_before.strip("\u2068\u2069")  # the office's line heads its links
        line_before = line
        if match and "answer=" in match.group(0):
            answer = re.search(r"answer=(\w+)", match.group(0))
            assert answer is not None
            links[(office_name, answer.group(1))] = match.group(0)
    return links


def test_answer_links_record_only_when_confirmed_and_can_be_changed(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    assert post_letter(client, slug, email=RASHA).status_code == 303
    clock = Clock()
    survey = _surveyed(app, clock, smtp)
    assert "would like a reply" not in smtp.to(OFFICE_EMAIL)[0].text()  # not asked for
    links = _links(survey)
    assert len(links) == 10
    visitor = app.test_client()  # no session of the supporter's: the link is the key
    link = links[("Water Board", "no_reply")]
    page = visitor.get(_path(link))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store, private"
    assert re.search(r'value="no_reply" checked', page.text)
    assert page.text.count('type="radio"') == 5  # this office only
    assert _answers(app)["Water Board"] is None  # a scanner opening the link records nothing
    form = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert form is not None
    field = re.search(r'name="(office-\d+)" value="no_reply" checked', page.text)
    assert field is not None
    saved = visitor.post(form.group(1), data={field.group(1): "no_reply"})
    assert saved.status_code == 303
    assert _answers(app) == {"Water Board": ReplyAnswer.NO_REPLY, "School Board": None}
    # Changed later, from another answer's link.
    page = visitor.get(_path(links[("Water Board", "replied_answered")]))
    assert re.search(r'value="replied_answered" checked', page.text)
    visitor.post(form.group(1), data={field.group(1): "replied_answered"})
    assert _answers(app)["Water Board"] is ReplyAnswer.REPLIED_ANSWERED
    # The survey page shows both offices with their current answers.
    whole = visitor.get(_path(form.group(1).replace("&amp;", "&")))
    assert whole.status_code == 200 and whole.text.count('type="radio"') == 10
    assert re.search(r'value="replied_answered" checked', whole.text)
    # An answer not on the list, a forged token, an office of another letter: nothing.
    visitor.post(form.group(1), data={field.group(1): "maybe"})
    assert _answers(app)["Water Board"] is ReplyAnswer.REPLIED_ANSWERED
    token = urlsplit(link).path.split("/")[2]
    assert visitor.get(f"/replies/{token[:-2]}xx").status_code == 404
    assert visitor.get(f"/replies/{token}/999999").status_code == 404
    # No reminder once something was answered.
    _run(app, clock, clock.now + timedelta(days=7))
    assert _surveys(smtp, NotificationKind.REPLY_REMINDER) == []


# What each survey email says about its links, as the page they open asks: a press of its button.
ASK_BUTTON = {
    "en": "then press the button on the page that opens to record it",
    "ar": "ثم اضغط الزر في الصفحة التي تُفتح لتسجيلها",
}
ONE_CLICK = {"en": "One click per office", "ar": "نقرة واحدة لكل مكتب"}


def test_the_emails_say_an_answer_takes_the_button_its_link_opens(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    """Opening an answer's link records nothing (mail scanners open links too): its page asks
    for one button. The email and its reminder say so; "one click per office is enough" had a
    supporter who clicked and closed the page believe they had answered."""
    assert post_letter(client, slug, email=RASHA).status_code == 303
    arabic = app.test_client()
    arabic.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    response = post_letter(
        arabic, slug, email="rania@example.org", first_name="رانيا", latin_first_name="Rania"
    )
    assert response.status_code == 303
    clock = Clock()
    _surveyed(app, clock, smtp)
    _run(app, clock, clock.now + timedelta(days=7))
    for lang, to in (("en", RASHA), ("ar", "rania@example.org")):
        for kind in (NotificationKind.REPLY_SURVEY, NotificationKind.REPLY_REMINDER):
            [email] = _surveys(smtp, kind, to)
            for body in (email.text(), email.html()):
                assert ASK_BUTTON[lang] in body, (lang, kind)
                assert ONE_CLICK[lang] not in body, (lang, kind)
                # Writers abroad are nobody's constituents: the offices answer who writes.
                assert "constituents" not in body and "ناخبيه" not in body, (lang, kind)
    link = _links(_surveys(smtp, NotificationKind.REPLY_SURVEY, RASHA)[0])[
        ("Water Board", "no_reply")
    ]
    app.test_client().get(_path(link))
    assert _answers(app)["Water Board"] is None


def test_one_click_unsubscribe_by_rfc_8058_post_stops_the_reminder(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    assert post_letter(client, slug, email=RASHA).status_code == 303
    clock = Clock()
    survey = _surveyed(app, clock, smtp)
    assert survey.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(survey.message["List-Unsubscribe"])
    assert header.startswith(f"<{PUBLIC_URL}/replies/") and header.endswith(">")
    # Mail programs read the header as it came over the wire: the plain address in angle
    # brackets (RFC 2369), never RFC 2047 encoded words, which Python's folding made of a long
    # URL and which no mail program decodes there, so its unsubscribe button never showed.
    assert _raw_header(survey, "List-Unsubscribe") == header
    url = _path(header[1:-1])
    visitor = app.test_client()
    assert "Stop these emails" in visitor.get(url).text  # opening it changes nothing
    with app.app_context():
        assert db.session.scalars(select(Supporter.no_contact_at)).one() is None
    # What a mail program sends: a POST with this body, no cookies, no CSRF token.
    stopped = visitor.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert stopped.status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Supporter.no_contact_at)).one() is not None
    _run(app, clock, clock.now + timedelta(days=7))
    assert _surveys(smtp, NotificationKind.REPLY_REMINDER) == []


def test_survey_email_over_smtp_in_english_and_in_arabic(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    assert post_letter(client, slug, email=RASHA).status_code == 303
    arabic = app.test_client()
    arabic.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar-SY,en;q=0.5"
    response = post_letter(
        arabic, slug, email="rania@example.org", first_name="رانيا", latin_first_name="Rania"
    )
    assert response.status_code == 303
    with app.app_context():  # the campaign's title in Arabic, for the Arabic subject
        campaign = db.session.scalars(select(Campaign)).one()
        english_title = campaign.title
        campaign.translations = {"ar": {"title": "مياه آمنة", "body": "موّلوا الأنابيب."}}
        water = next(t for t in campaign.targets if t.name == "Water Board")
        water.translations = {"ar": {"name": "مجلس المياه"}}  # how Arabic readers see it named
        db.session.commit()
    clock = Clock()
    _run(app, clock, clock.now)
    _run(app, clock, clock.now + timedelta(days=21))
    [english] = _surveys(smtp, NotificationKind.REPLY_SURVEY, RASHA)
    [in_arabic] = _surveys(smtp, NotificationKind.REPLY_SURVEY, "rania@example.org")
    assert str(english.message["Subject"]) == (
        f"Did the offices reply to your letter? {english_title}"
    )
    assert '<html lang="en" dir="ltr">' in english.html()
    assert english.message["Content-Language"] == "en"
    assert in_arabic.message["Content-Language"] == "ar"
    assert "They replied and answered my point" in english.html()
    assert "Hello Rasha," in english.text()  # no isolate marks in English
    subject = str(in_arabic.message["Subject"])
    assert subject == "هل ردّت المكاتب على رسالتك؟ \u2068مياه آمنة\u2069"
    html = in_arabic.html()
    assert '<html lang="ar" dir="rtl">' in html
    assert "<bdi>رانيا</bdi>" in html and "<bdi>مجلس المياه</bdi>" in html
    assert "<bdi>Water Board</bdi>" in english.html() and "\nWater Board\n" in english.text()
    for label in ("ردّوا وأجابوا عن مسألتي", "إشعار بالاستلام فقط", "لم أكن أنتظر ردًّا"):
        assert label in html
    assert "lang=ar" in html and "lang=en" not in html
    assert "\u2068رانيا\u2069" in in_arabic.text() and "\u2068مجلس المياه\u2069" in in_arabic.text()
    # Each office's line reads right to left in a plain-text client, its name whole.
    assert "\n\u200f\u2068School Board\u2069\n" in in_arabic.text()
    for line in in_arabic.text().splitlines():
        assert "\u2068" not in line or first_strong(line) == "rtl", repr(line)
    assert in_arabic.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link opens the survey in Arabic too.
    link = LINK_RE.findall(in_arabic.text())[0]
    page = app.test_client().get(_path(link))
    assert '<html lang="ar" dir="rtl">' in page.text and "سجّل إجابتي" in page.text
    assert "<legend><bdi>مجلس المياه</bdi></legend>" in page.text


def test_export_shows_the_answers_and_no_contact_stops_the_survey(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    assert post_letter(client, slug, email=RASHA).status_code == 303
    assert post_letter(client, slug, email="other@example.org").status_code == 303
    runner = app.test_cli_runner()
    result = runner.invoke(args=["supporters", "no-contact", "Other@Example.org"])
    assert result.exit_code == 0, result.output
    clock = Clock()
    _run(app, clock, clock.now)
    _run(app, clock, clock.now + timedelta(days=21))
    [survey] = _surveys(smtp, NotificationKind.REPLY_SURVEY)
    assert survey.rcpt_tos == (RASHA,)
    page = app.test_client().get(_path(_links(survey)[("School Board", "acknowledgement")]))
    field = re.search(r'name="(office-\d+)" value="acknowledgement" checked', page.text)
    assert field is not None
    token = urlsplit(LINK_RE.findall(survey.text())[0]).path.split("/")[2]
    app.test_client().post(f"/replies/{token}", data={field.group(1): "acknowledgement"})
    exported = json.loads(runner.invoke(args=["supporters", "export", RASHA]).output)
    replies = exported["letters"][0]["did_they_reply"]
    assert replies["asked_at"] is not None and replies["reminded_at"] is None
    answers = {a["to"]: a["answer"] for a in replies["answers"]}
    assert answers == {"Water Board": None, "School Board": "acknowledgement"}
    other = json.loads(runner.invoke(args=["supporters", "export", "other@example.org"]).output)
    assert other["supporter"]["asked_for_no_follow_up_emails_at"] is not None
    assert other["letters"][0]["did_they_reply"] is None
    # Erasing the supporter takes their survey and answers with it; the link leads nowhere.
    assert runner.invoke(args=["supporters", "erase", RASHA, "--yes"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(OfficeReply)).all() == []
        assert db.session.scalars(select(ReplySurvey)).all() == []
    assert app.test_client().get(f"/replies/{token}").status_code == 404


def test_a_letter_is_never_split_between_two_batches(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    for address in (RASHA, "other@example.org"):
        assert post_letter(client, slug, email=address).status_code == 303
    clock = Clock()
    _run(app, clock, clock.now)
    monkeypatch.setattr(reply_survey, "_BATCH", 3)  # two letters of two emailed offices each
    day_21 = clock.now + timedelta(days=21)
    with app.app_context():
        first = queue_reply_surveys(db.session(), day_21, 21, 7)
        second = queue_reply_surveys(db.session(), day_21, 21, 7)
        again = queue_reply_surveys(db.session(), day_21, 21, 7)
        per_letter = db.session.execute(
            select(OfficeReply.survey_id, func.count()).group_by(OfficeReply.survey_id)
        ).all()
    assert (first.invited, first.offices_added) == (1, 0)
    assert (second.invited, second.offices_added) == (1, 0)
    assert (again.invited, again.offices_added) == (0, 0)
    assert sorted(n for _survey, n in per_letter) == [2, 2]
