"""A campaign that delivers letters at once asks for no click first, so nothing proved the
writer's address: the receipt email now carries a link that does, as a released letter's does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink
from tests.delivery.test_arabic_emails import _body
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import supporter_email
from webapp.delivery.worker import Worker
from webapp.models import NotificationKind, Submission, Supporter

PUBLIC_URL = "https://letters.example.org"
LINK_RE = re.compile(re.escape(PUBLIC_URL) + r"(/confirm/[A-Za-z0-9_.\-]+)\?lang=(\w+)")
EMAIL = "rasha@example.org"
ASKS = "Please confirm that this email address is yours"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "PUBLIC_BASE_URL": PUBLIC_URL}


def _receipt_email(app: Flask, smtp: SmtpSink) -> Received:
    Worker(app).run_batch()
    [receipt] = [m for m in smtp.to(EMAIL) if str(m.message["Subject"]).startswith("Your letter:")]
    return receipt


def _proof(app: Flask) -> tuple[bool, Any]:
    with app.app_context():
        verified = db.session.scalars(select(Submission.email_verified)).one()
        return verified, db.session.scalars(select(Supporter.proven_at)).one()


def test_the_receipt_of_a_letter_delivered_at_once_asks_for_the_click_that_proves_the_address(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "at-once", [office("Board", email=OFFICE_EMAIL)])
    receipt_path = post_letter(client, slug, email=EMAIL).headers["Location"]
    receipt = _receipt_email(app, smtp)
    assert ASKS in receipt.text()
    # The address's owner reading a letter someone else wrote with it is told not to click.
    assert "If you did not write this letter, do not confirm it." in receipt.text()
    assert "offices" not in receipt.text().split(ASKS)[1].split("\n")[0]  # they have it
    link = LINK_RE.search(receipt.text())
    assert link and link[2] == "en"
    assert _proof(app) == (False, None)

    # Opening the link proves nothing (mail scanners open links): the page asks.
    page = client.get(link[1])
    assert page.status_code == 200
    assert '<h1 id="confirm-heading">Confirm your email address</h1>' in page.text
    assert "is recorded: its receipt page shows where it stands." in page.text
    assert "If you did not write this letter, do not confirm it." in page.text
    assert "nothing will be sent" not in page.text  # it was sent already
    assert _proof(app) == (False, None)

    done = client.post(link[1])
    assert done.status_code == 303 and done.headers["Location"] == receipt_path
    assert "Thank you: your email address is confirmed." in client.get(receipt_path).text
    verified, proven_at = _proof(app)
    assert verified and proven_at is not None
    # Proven, the link has nothing left to ask: it opens the receipt.
    again = client.get(link[1])
    assert again.status_code == 303 and again.headers["Location"] == receipt_path


def test_a_letter_confirmed_by_its_click_gets_a_receipt_without_the_request(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    slug = write_delivery_campaign(
        app, tmp_path, "clicked", [office("Board", email=OFFICE_EMAIL)], require_confirmation=True
    )
    post_letter(client, slug, email=EMAIL)
    Worker(app).run_batch()
    [confirmation] = smtp.to(EMAIL)
    link = LINK_RE.search(confirmation.text())
    assert link and client.post(link[1]).status_code == 303
    receipt = _receipt_email(app, smtp)
    assert ASKS not in receipt.text() and "/confirm/" not in receipt.text()


def test_the_request_in_arabic(app: Flask, default_campaign: str) -> None:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    post_letter(client, default_campaign, first_name="رانيا", latin_first_name="Rania")
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        receipt = supporter_email(submission, NotificationKind.RECEIPT, "k1")
    text = _body(receipt, "html")
    assert "يُرجى تأكيد أن عنوان البريد الإلكتروني هذا لك" in text
    button = "أؤكّد عنوان بريدي الإلكتروني"
    assert re.search(r'<a href="[^"]+/confirm/[^"]+\?lang=ar">' + button + "</a>", text)


def test_a_receipt_link_asked_for_again_carries_the_request_until_the_click(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """A writer who lost the receipt email asks for their receipt link: it asks for the click
    too, as the receipt did, and no longer once the address is proven."""
    slug = write_delivery_campaign(app, tmp_path, "at-once", [office("Board", email=OFFICE_EMAIL)])
    post_letter(client, slug, email=EMAIL)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        text = _body(supporter_email(submission, NotificationKind.RECEIPT_LINK, "k1"), "plain")
        assert ASKS in text and "/confirm/" in text
        submission.email_verified = True
        proven = supporter_email(submission, NotificationKind.RECEIPT_LINK, "k2")
        assert ASKS not in _body(proven, "plain")


@pytest.mark.parametrize(
    ("lang", "last"),
    [
        ("en", "You can delete it from its receipt page."),
        ("ar", "يمكنك حذفها من صفحة إيصالها."),
    ],
)
def test_the_request_is_a_paragraph_of_its_own_in_the_plain_text(
    app: Flask, default_campaign: str, lang: str, last: str
) -> None:
    """Read as plain text, the request ends its paragraph: a blank line, as between the email's
    other paragraphs, and not run into "A copy of what you wrote:" or "Keep this link…"."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    post_letter(client, default_campaign, email=EMAIL)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        for kind in (NotificationKind.RECEIPT, NotificationKind.RECEIPT_LINK):
            text = _body(supporter_email(submission, kind, f"k-{kind.value}"), "plain")
            [request] = [p for p in text.split("\n\n") if "/confirm/" in p]
            assert request.rstrip("\n").endswith(last), (kind, request)
