"""Confirmation links after the fact: a held letter's link never expires, a click after an
organiser's release still proves the address, and a lost link can be emailed again."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink
from tests.delivery.test_confirmation import EXPIRY_HOURS, LINK_RE, app_config
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.outbox import never_send
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus, Submission, SubmissionStatus

WRITER = "rasha@example.org"
__all__ = ["app_config"]  # mail over the SMTP stub, a two-hour window (a fixture)


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    targets = [office("Water Board", email=OFFICE_EMAIL)]
    return write_delivery_campaign(app, tmp_path, "confirm", targets, require_confirmation=True)


def _write(client: FlaskClient, slug: str, **fields: str) -> str:
    response = post_letter(client, slug, email=WRITER, **fields)
    assert response.status_code == 303
    return str(response.headers["Location"])


def _letter(app: Flask) -> Submission:
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert submission.deliveries  # loaded before the session closes
        db.session.expunge_all()
        return submission


def _age(app: Flask, hours: float) -> None:
    """Make the letter `hours` old, as if the supporter wrote it then."""
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.created_at -= timedelta(hours=hours)
        db.session.commit()


def _emails(app: Flask, smtp: SmtpSink) -> list[Received]:
    Worker(app).run_batch()
    found = smtp.to(WRITER)
    smtp.clear()
    return found


def _link(message: Received) -> str:
    match = LINK_RE.search(message.text())
    assert match, message.text()
    assert f'href="{match[0]}"' in message.html()
    return match[1]


def test_a_held_letters_link_still_confirms_it_long_after_the_window(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug, website="bot")  # the honeypot: held for the organisers
    assert _letter(app).held
    (email,) = _emails(app, smtp)
    # Held letters wait however long it takes, so their email promises no deadline.
    assert "hours" not in email.text() and "hours" not in email.html()
    assert "If you did not write this letter, ignore this email" in email.text()
    _age(app, EXPIRY_HOURS * 10)
    Worker(app).run(once=True)  # the worker's expiry leaves held letters alone
    response = client.post(_link(email))
    assert response.status_code == 303 and response.headers["Location"] == receipt
    assert "your letter is confirmed and on its way" in client.get(receipt).text
    letter = _letter(app)
    assert letter.status is SubmissionStatus.CONFIRMED and letter.email_verified


def test_a_letter_not_held_is_too_late_after_the_window_and_expires_at_the_click(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug)
    (email,) = _emails(app, smtp)
    assert f"The link works for about {EXPIRY_HOURS} more hours." in email.text()
    _age(app, EXPIRY_HOURS + 0.1)  # before the worker's next round has expired it
    # No button that could only fail: the link leads to the receipt, which says why.
    opened = client.get(_link(email))
    assert opened.status_code == 303 and opened.headers["Location"] == receipt
    assert "never confirmed in time, so it was not sent" in client.get(receipt).text
    response = client.post(_link(email), follow_redirects=True)
    assert "This letter was never confirmed in time, so it was not sent." in response.text
    letter = _letter(app)
    assert letter.status is SubmissionStatus.EXPIRED and not letter.email_verified
    assert {d.status for d in letter.deliveries} == {DeliveryStatus.CANCELLED}
    assert "This letter was never confirmed, so it was not sent." in client.get(receipt).text


def test_the_senders_click_after_a_release_still_proves_the_address(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug, website="bot")
    (email,) = _emails(app, smtp)
    held = _letter(app)
    admin = signed_in(app, ADMIN)
    admin.post(
        f"/dashboard/campaigns/{slug}/submissions/{held.id}/release",
        data={"csrf_token": admin.token, "action": "release"},
    )
    released = _letter(app)
    assert released.status is SubmissionStatus.CONFIRMED and not released.email_verified
    # The organisers' CSV tells this letter from one its writer confirmed.
    assert _exported(admin, slug) == ("confirmed", "yes", "no")
    # The link opens a page that says the letter went, and asks only to prove the address.
    page = client.get(_link(email))
    assert page.status_code == 200
    assert "was checked and released by the campaign's organisers" in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action and ">Confirm my email address</button>" in page.text
    done = client.post(action[1], follow_redirects=True)
    assert "Thank you: your email address is confirmed." in done.text
    assert _letter(app).email_verified
    # Proven: the link now leads straight to the receipt.
    assert client.get(_link(email)).status_code == 303
    assert _exported(admin, slug) == ("confirmed", "yes", "yes")


def _exported(admin: FlaskClient, slug: str) -> tuple[str, str, str]:
    """The one letter's status, held and email_verified in the admins' letters CSV."""
    text = admin.get(f"/dashboard/campaigns/{slug}/export.csv").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return row["status"], row["held"], row["email_verified"]


def test_a_lost_confirmation_link_comes_again_with_the_receipt_link(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug)
    _emails(app, smtp)  # the first confirmation email, lost
    page = client.get(receipt).text
    assert f'href="/campaigns/{slug}/receipt-link">No email? Have the link sent again.</a>' in page
    asked = client.get(f"/campaigns/{slug}/receipt-link")
    assert "the email holds a new confirmation link too" in asked.text
    client.post(
        f"/campaigns/{slug}/receipt-link",
        data={"email": WRITER, "csrf_token": csrf_token(asked.text)},
    )
    (email,) = _emails(app, smtp)
    assert "Your letter is still waiting for you to confirm it" in email.text()
    assert "Confirm and send my letter</a>" in email.html()
    client.post(_link(email))
    assert _letter(app).status is SubmissionStatus.CONFIRMED
    # Once confirmed, the receipt link comes alone.
    asked = client.get(f"/campaigns/{slug}/receipt-link")
    client.post(
        f"/campaigns/{slug}/receipt-link",
        data={"email": WRITER, "csrf_token": csrf_token(asked.text)},
    )
    emails = _emails(app, smtp)
    link_email = next(m for m in emails if "link to your receipt" in m.message["Subject"])
    assert "/confirm/" not in link_email.text() and "/confirm/" not in link_email.html()


def test_opening_the_link_confirms_nothing_and_one_button_does(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    receipt = _write(client, slug)
    (email,) = _emails(app, smtp)
    link = _link(email)
    # Mail scanners and link previews open links as a person would: nothing may happen.
    for _opened in range(2):
        page = client.get(f"{link}?lang=en")
        assert page.status_code == 200
        assert _letter(app).status is SubmissionStatus.UNCONFIRMED
    assert page.headers["Cache-Control"] == "no-store, private"
    assert '<h1 id="confirm-heading">Confirm your letter</h1>' in page.text
    assert "<li><bdi>Water Board</bdi>: Delivered automatically</li>" in page.text
    assert f'<form method="post" action="{link}?lang=en"' in page.text
    assert "If you did not write this letter, close this page" in page.text
    arabic = client.get(f"{link}?lang=ar").text
    assert '<h1 id="confirm-heading">أكّد رسالتك</h1>' in arabic and 'dir="rtl"' in arabic

    response = client.post(f"{link}?lang=en")
    assert response.status_code == 303 and response.headers["Location"] == f"{receipt}?lang=en"
    assert _letter(app).status is SubmissionStatus.CONFIRMED
    # Opened again once confirmed: straight to the receipt, which says so.
    again = client.get(link)
    assert again.status_code == 303 and again.headers["Location"] == receipt


def test_expiry_leaves_a_letter_its_writer_confirmed_after_it_was_read(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    """The worker reads the letters to expire, then ends them: on PostgreSQL a click can commit
    in between. Ending only what is still unconfirmed, it leaves that letter on its way."""
    _write(client, slug)
    (email,) = _emails(app, smtp)
    letter_id = _letter(app).id
    client.post(_link(email))  # confirmed after the worker's read, before its update
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            ended = never_send(session, [letter_id], SubmissionStatus.EXPIRED, utcnow())
    assert ended == []
    letter = _letter(app)
    assert letter.status is SubmissionStatus.CONFIRMED
    assert DeliveryStatus.CANCELLED not in {d.status for d in letter.deliveries}


def test_the_page_lists_only_offices_the_letter_still_goes_to(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    offices = [office("Water Board", email=OFFICE_EMAIL), office("Old Council", address="1 Hall")]
    slug = write_delivery_campaign(app, tmp_path, "two", offices, require_confirmation=True)
    _write(client, slug)
    (email,) = _emails(app, smtp)
    with app.app_context():
        old = db.session.scalars(select(Delivery).where(Delivery.recipient_name == "Old Council"))
        old.one().status = DeliveryStatus.REPLACED  # its member left; sent to the successor
        db.session.commit()
    page = client.get(_link(email)).text
    assert "<li><bdi>Water Board</bdi>: Delivered automatically</li>" in page
    assert "Old Council" not in page


def test_an_expired_letters_paragraph_is_marked_on_the_dashboard(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug)
    _emails(app, smtp)
    _age(app, EXPIRY_HOURS + 1)
    Worker(app).run(once=True)  # expires it
    assert _letter(app).status is SubmissionStatus.EXPIRED
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    assert page.count(" · never confirmed: not delivered</p>") == 1


CITY_HALL = office("City Hall", contact_url="https://city.example.gov/contact")
BY_HAND = "<li><bdi>City Hall</bdi>: You will paste it into their website (we guide you)</li>"
BUTTONS = re.compile(r'<button type="submit" class="button button-primary">([^<]+)</button>')


@pytest.mark.parametrize(
    ("targets", "listed", "button"),
    [
        (
            [office("Water Board", email=OFFICE_EMAIL), CITY_HALL],
            ["<li><bdi>Water Board</bdi>: Delivered automatically</li>", BY_HAND],
            "Confirm and send my letter",
        ),
        (
            [CITY_HALL],
            [BY_HAND],
            "Confirm my letter",
        ),
    ],
    ids=["sent-and-by-hand", "only-by-hand"],
)
def test_the_confirm_page_says_who_takes_the_letter_to_each_office(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    smtp: SmtpSink,
    targets: list[dict[str, str]],
    listed: list[str],
    button: str,
) -> None:
    """As the Send button did: an office reached only through its own web form gets the letter
    when its writer pastes it there, so the page says so, and a letter that goes only to such
    offices is confirmed by a button (and the email's link) that does not say "send": nothing
    is sent by it."""
    slug = write_delivery_campaign(app, tmp_path, "hands", targets, require_confirmation=True)
    _write(client, slug)
    (email,) = _emails(app, smtp)
    assert f">{button}</a>" in email.html()  # the email's link says it as the page's button
    page = client.get(f"{_link(email)}?lang=en").text
    for line in listed:
        assert line in page
    assert BUTTONS.findall(page) == [button]
    arabic = client.get(f"{_link(email)}?lang=ar").text
    assert "ستلصقها بنفسك في موقعهم (ونرشدك إلى ذلك)" in arabic
    assert BUTTONS.findall(arabic) == [
        {"Confirm and send my letter": "أؤكّد، أرسلوا رسالتي", "Confirm my letter": "أؤكّد رسالتي"}[
            button
        ]
    ]
