"""Each email about one letter to four offices (one sent, one failed, two by hand), and how a
plain-text client sets a line's direction."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from email.message import EmailMessage

from flask import Flask
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import supporter_email
from webapp.models import DeliveryStatus, NotificationKind, Submission, SubmissionStatus

SENT_AT = datetime(2026, 12, 7, 9, 4, 59, tzinfo=UTC)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part."""
    plain, html = (message.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


def letter_emails(
    app: Flask, slug: str, language: str, failed: bool = True
) -> dict[NotificationKind, EmailMessage]:
    """The receipt, confirmation and receipt-link emails of a letter written in `language` to
    the four offices of Michigan's 12th district: the President's sent (SENT_AT), one senator's
    failed for good (unless not `failed`), the others waiting for the supporter to paste it
    into their forms."""
    load_civic_data(app)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    zip_code = single_district_zip("MI", 12)
    sent = post_letter(client, slug, city="Southfield", zip_code=zip_code)
    assert sent.status_code == 303, sent.text
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        first, second = submission.deliveries[:2]
        first.status, first.sent_at = DeliveryStatus.SENT, SENT_AT
        if failed:
            second.status = DeliveryStatus.DEAD
        receipt = supporter_email(submission, NotificationKind.RECEIPT, "k1")
        emails = {NotificationKind.RECEIPT: receipt}
        submission.status = SubmissionStatus.UNCONFIRMED
        for kind in (NotificationKind.CONFIRMATION, NotificationKind.RECEIPT_LINK):
            emails[kind] = supporter_email(submission, kind, kind.value)
        db.session.rollback()
    return emails


_OPENS = {"LRI", "RLI", "FSI"}


def first_strong(line: str) -> str | None:
    """'rtl' or 'ltr' as rule P2 finds it for a paragraph of one line; None: no strong letter."""
    depth = 0
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind in _OPENS:
            depth += 1
        elif kind == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and kind in ("R", "AL"):
            return "rtl"
        elif depth == 0 and kind == "L":
            return "ltr"
    return None
