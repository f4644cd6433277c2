"""The receipt email shows a letter once for the offices whose copies differ only in their
greeting (listed with each office), and keeps whole the copies that differ in more."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import supporter_email
from webapp.models import NotificationKind, Submission

STEP = "Appoint a Syria envoy"  # a sentence of the coalition letter every office receives
GREETINGS = ("Dear Senator Slotkin,", "Dear Senator Peters,", "Dear Representative Tlaib,")


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain, html = (message.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


def _receipt(app: Flask, slug: str, **fields: str) -> tuple[str, str]:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    sent = post_letter(app.test_client(), slug, city="Southfield", zip_code=zip_code, **fields)
    assert sent.status_code == 303, sent.text
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert len(submission.deliveries) == 4  # the President, two senators, a representative
        return _parts(supporter_email(submission, NotificationKind.RECEIPT, "k1"))


def test_a_letter_to_four_offices_is_copied_once_per_distinct_text(
    app: Flask, default_campaign: str
) -> None:
    text, html = _receipt(app, default_campaign)
    # The President's letter (no cover note) and Congress's (one cover note, own greetings):
    # two copies, not four.
    for part in (text, html):
        assert part.count(STEP) == 2
        assert part.count("My family is from Aleppo.") == 2
    assert "Dear President Biden," in text
    # Addressed, not "went": the status lines above say which offices it has reached.
    assert "This copy is addressed to these 3 offices:" in text
    assert "went to" not in text + html
    for greeting in GREETINGS:
        assert f":\n  {greeting}\n" in text  # a greeting a line of its own
        assert f'<bdi lang="en">{greeting}</bdi>' in html
    assert "opens with its own greeting, listed above; the rest is the same:" in text
    assert "I am writing to you as your constituent in Southfield." in text


def test_the_grouped_copy_in_arabic(app: Flask, default_campaign: str) -> None:
    client_language = {"HTTP_ACCEPT_LANGUAGE": "ar"}
    load_civic_data(app)
    client = app.test_client()
    client.environ_base.update(client_language)
    zip_code = single_district_zip("MI", 12)
    sent = post_letter(client, default_campaign, city="Southfield", zip_code=zip_code)
    assert sent.status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        text, _html = _parts(supporter_email(submission, NotificationKind.RECEIPT, "k1"))
    assert "هذه النسخة موجّهة إلى هذه المكاتب الـ\u20683\u2069:" in text
    assert text.count(STEP) == 2
