"""Plain-text emails carry bidi isolate marks only where direction can move a value: in an
Arabic email, or around right-to-left text in an English one (some clients draw them as boxes)."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import supporter_email
from webapp.i18n import isolate_in_text
from webapp.models import NotificationKind, Submission, SubmissionStatus

MARKS = ("\u2068", "\u2069")


def _plain(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _emails(app: Flask, slug: str, language: str, **fields: str) -> tuple[str, str]:
    """The plain text of the receipt and of the confirmation of one letter to four offices."""
    load_civic_data(app)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    zip_code = single_district_zip("MI", 12)
    sent = post_letter(client, slug, city="Southfield", zip_code=zip_code, **fields)
    assert sent.status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        receipt = _plain(supporter_email(submission, NotificationKind.RECEIPT, "k1"))
        submission.status = SubmissionStatus.UNCONFIRMED
        confirmation = _plain(supporter_email(submission, NotificationKind.CONFIRMATION, "k2"))
        db.session.rollback()
    return receipt, confirmation


def test_an_english_email_in_latin_letters_has_no_isolate_marks(
    app: Flask, default_campaign: str
) -> None:
    receipt, confirmation = _emails(app, default_campaign, "en")
    for text in (receipt, confirmation):
        assert not any(mark in text for mark in MARKS), text
    assert "Thank you, Rasha." in receipt
    assert "To: Elissa Slotkin, United States Senate — Needs your action" in receipt
    assert "4 offices take letters only through their own websites." in receipt
    assert "This copy is addressed to these 3 offices:" in receipt
    assert "The link works for about " in confirmation


def test_right_to_left_text_is_isolated_in_an_english_email(
    app: Flask, default_campaign: str
) -> None:
    receipt, _confirmation = _emails(
        app, default_campaign, "en", first_name="رانيا", latin_first_name="Rania"
    )
    assert "Thank you, \u2068رانيا\u2069." in receipt
    assert "To: Elissa Slotkin, United States Senate" in receipt  # its neighbours stay bare


def test_an_arabic_email_isolates_every_value(app: Flask, default_campaign: str) -> None:
    receipt, confirmation = _emails(
        app, default_campaign, "ar", first_name="رانيا", latin_first_name="Rania"
    )
    assert "\u2068رانيا\u2069" in receipt
    assert "\u2068Elissa Slotkin\u2069" in receipt
    assert "الـ\u20683\u2069" in receipt
    assert "\u2068رانيا\u2069" in confirmation


def test_a_bidi_control_in_a_value_is_contained_in_an_english_email(app: Flask) -> None:
    """A name may hold an unclosed embedding, override or isolate control (the form keeps them):
    isolated, it cannot carry past the name into the sentence (review 4)."""
    with app.app_context():
        for control in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"):
            assert isolate_in_text(f"Rasha{control}") == f"\u2068Rasha{control}\u2069"
        assert isolate_in_text("Rasha") == "Rasha"
