"""Email me my receipt link: over real SMTP, the same answer for every address, rate limited."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink, mailing_config
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Notification, NotificationKind, Submission
from webapp.services.supporters import erase_supporter

PUBLIC_URL = "https://letters.example.org"
WRITER = "Rasha.Haddad@Example.org"
STORED = "Rasha.Haddad@example.org"  # as the form normalised it when the letter was sent
STRANGER = "nobody-wrote@example.org"
SUBJECT = "The link to your receipt: Safe water for every school"
SAME_ANSWER = "If this address wrote to this campaign, we have sent it the link to the receipt."
RECEIPT_URL_RE = re.compile(re.escape(PUBLIC_URL) + r"(/receipts/[A-Za-z0-9_-]+)")


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return mailing_config(app_config, smtp, PUBLIC_URL)


@pytest.fixture
def slug(app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink) -> str:
    """A campaign WRITER wrote to; the first receipt email is already sent and cleared."""
    name = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    assert post_letter(client, name, email=WRITER).status_code == 303
    Worker(app).run_batch()
    smtp.clear()
    return name


def _ask(client: FlaskClient, slug: str, email: str, ip: str = "127.0.0.1") -> TestResponse:
    """Ask for the link from the standalone page, as someone without the receipt would."""
    client.environ_base["REMOTE_ADDR"] = ip
    page = client.get(f"/campaigns/{slug}/receipt-link")
    assert page.status_code == 200
    data = {"email": email, "csrf_token": csrf_token(page.text)}
    return client.post(f"/campaigns/{slug}/receipt-link", data=data)


def _links_sent(smtp: SmtpSink) -> list[Received]:
    return [m for m in smtp.messages if m.message["Subject"] == SUBJECT]


def _queued(app: Flask) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.kind == NotificationKind.RECEIPT_LINK
                )
            )
            or 0
        )


def _answer(client: FlaskClient, response: TestResponse) -> str:
    """The page the visitor sees after asking, without the form's fresh CSRF token."""
    assert response.status_code == 303, response.text
    page = client.get(response.headers["Location"])
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page.text)


def test_already_sent_page_offers_the_link_and_it_arrives_by_smtp_and_opens_the_receipt(
    app: Flask, slug: str, smtp: SmtpSink
) -> None:
    other_browser = app.test_client()
    again = post_letter(other_browser, slug, email=WRITER)
    assert "Your letter was already recorded" in again.text
    assert f'action="/campaigns/{slug}/receipt-link"' in again.text
    assert f'href="/campaigns/{slug}/receipt-link"' in again.text
    asked = other_browser.post(
        f"/campaigns/{slug}/receipt-link",
        data={"email": "  rasha.haddad@example.ORG ", "csrf_token": csrf_token(again.text)},
    )
    assert SAME_ANSWER in _answer(other_browser, asked)
    assert smtp.count() == 0  # nothing is sent inside the request
    report = Worker(app).run_batch()
    assert (report.sent, report.dead) == (1, 0)
    [email] = _links_sent(smtp)
    assert email.rcpt_tos == (STORED,)  # the address on file, not the spelling typed here
    with app.app_context():
        token = db.session.scalars(select(Submission.receipt_token)).one()
    found = RECEIPT_URL_RE.search(email.text())
    assert found is not None, email.text()
    assert found.group(1) == f"/receipts/{token}"
    assert f'href="{PUBLIC_URL}/receipts/{token}?lang=en"' in email.html()
    receipt = app.test_client().get(found.group(1))
    assert receipt.status_code == 200 and "Safe water for every school" in receipt.text


def test_unknown_address_gets_the_same_page_and_no_email(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    known = _answer(client, _ask(client, slug, WRITER))
    unknown = _answer(client, _ask(client, slug, STRANGER))
    assert SAME_ANSWER in unknown
    assert unknown == known
    assert STRANGER not in unknown and WRITER not in unknown
    Worker(app).run_batch()
    assert [m.rcpt_tos for m in _links_sent(smtp)] == [(STORED,)]
    assert smtp.to(STRANGER) == []


def test_another_campaigns_writer_gets_nothing_for_this_one(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink, tmp_path: Path
) -> None:
    other = write_delivery_campaign(app, tmp_path, "roads", [office("Roads Board")])
    assert SAME_ANSWER in _answer(client, _ask(client, other, WRITER))
    assert _queued(app) == 0


def test_erased_supporter_gets_nothing(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    with app.app_context():
        assert erase_supporter(db.session(), WRITER) == 1
    assert SAME_ANSWER in _answer(client, _ask(client, slug, WRITER))
    assert _queued(app) == 0
    Worker(app).run_batch()
    assert smtp.count() == 0


def test_link_asked_for_then_erased_before_the_worker_runs_is_not_sent(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _ask(client, slug, WRITER)
    assert _queued(app) == 1
    with app.app_context():
        assert erase_supporter(db.session(), WRITER) == 1
    assert _queued(app) == 0
    Worker(app).run_batch()
    assert smtp.count() == 0


def test_asking_twice_before_the_worker_runs_sends_one_email(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _ask(client, slug, WRITER)
    _ask(client, slug, WRITER)
    assert _queued(app) == 1
    Worker(app).run_batch()
    _ask(client, slug, WRITER)  # the first one has gone: a new request is honoured
    Worker(app).run_batch()
    assert len(_links_sent(smtp)) == 2


def test_per_address_limit_holds_across_connections(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    app.config["RECEIPT_LINK_EMAIL_RATE_LIMIT"] = "2/hour"
    statuses = [_ask(client, slug, WRITER, ip=f"192.0.2.{n}").status_code for n in range(1, 4)]
    assert statuses == [303, 303, 429]
    # Unknown addresses are limited alike, so a 429 tells nothing about who wrote.
    statuses = [_ask(client, slug, STRANGER, ip=f"192.0.2.{n}").status_code for n in range(4, 7)]
    assert statuses == [303, 303, 429]
    limited = _ask(client, slug, "someone-else@example.org", ip="192.0.2.9")
    assert limited.status_code == 303  # a different address is not affected


def test_per_ip_limit_holds_across_addresses(app: Flask, client: FlaskClient, slug: str) -> None:
    app.config["RECEIPT_LINK_RATE_LIMIT"] = "3/hour"
    statuses = [
        _ask(client, slug, f"person{n}@example.org", ip="203.0.113.7").status_code for n in range(4)
    ]
    assert statuses == [303, 303, 303, 429]
    limited = _ask(client, slug, WRITER, ip="203.0.113.7")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many tries" in limited.text
    assert _ask(client, slug, WRITER, ip="198.51.100.20").status_code == 303


def test_refused_addresses_use_up_no_limit(app: Flask, client: FlaskClient, slug: str) -> None:
    """The form answers an empty, malformed or over-long address on its field and sends
    nothing: it must count against neither limit (review 6: four visitors' empty presses got the
    fourth 'Too many tries', the empty address's bucket being one for everyone)."""
    app.config["RECEIPT_LINK_EMAIL_RATE_LIMIT"] = "2/hour"
    app.config["RECEIPT_LINK_RATE_LIMIT"] = "3/hour"
    empty = [_ask(client, slug, "", ip=f"192.0.2.{n}").status_code for n in range(1, 6)]
    assert empty == [400] * 5
    typos = ["rana@", "rana", "@example.org", "a" * 250 + "@example.org", "rana@@example.org"]
    assert [_ask(client, slug, t, ip="203.0.113.7").status_code for t in typos] == [400] * 5
    # Well-formed addresses from that connection still have its whole allowance.
    statuses = [
        _ask(client, slug, f"person{n}@example.org", ip="203.0.113.7").status_code for n in range(4)
    ]
    assert statuses == [303, 303, 303, 429]


def test_a_bad_address_is_shown_on_the_field_and_queues_nothing(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    response = _ask(client, slug, "not-an-address")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text and "Enter a valid email address" in response.text
    assert 'value="not-an-address"' in response.text
    assert _queued(app) == 0


def test_form_without_its_csrf_token_is_refused(app: Flask, client: FlaskClient, slug: str) -> None:
    response = client.post(f"/campaigns/{slug}/receipt-link", data={"email": WRITER})
    assert response.status_code == 400
    assert _queued(app) == 0


def test_a_form_left_open_past_its_token_comes_back_with_the_address_kept(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page left open for hours (looking up which address one wrote with): its token has
    expired. The page comes back with the address as typed and a fresh token, and says so,
    instead of a bare "Something was wrong" page whose Back button showed the same stale form."""
    page = client.get(f"/campaigns/{slug}/receipt-link")
    stale = csrf_token(page.text)
    now = TimestampSigner.get_timestamp
    later = app.config["WTF_CSRF_TIME_LIMIT"] + 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now(self) + later)
    typed = {"email": WRITER, "csrf_token": stale}
    response = client.post(f"/campaigns/{slug}/receipt-link", data=typed)
    assert response.status_code == 400
    assert _queued(app) == 0
    assert f'value="{WRITER}"' in response.text
    assert "For your security the page had expired. Nothing was recorded" in response.text
    fresh = csrf_token(response.text)
    assert fresh != stale
    again = client.post(
        f"/campaigns/{slug}/receipt-link", data={"email": WRITER, "csrf_token": fresh}
    )
    assert again.status_code == 303 and _queued(app) == 1


def test_privacy_page_links_to_each_campaigns_receipt_link_page(
    client: FlaskClient, slug: str, app: Flask, tmp_path: Path
) -> None:
    draft = write_delivery_campaign(app, tmp_path, "draft-one", [office("X")], status="draft")
    page = client.get("/privacy")
    assert f'href="/campaigns/{slug}/receipt-link"' in page.text
    assert f"/campaigns/{draft}/receipt-link" not in page.text
    assert client.get(f"/campaigns/{draft}/receipt-link").status_code == 404


def test_no_personal_data_in_logs(
    app: Flask, client: FlaskClient, slug: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        _ask(client, slug, WRITER)
        _ask(client, slug, STRANGER)
        Worker(app).run_batch()
    logged = caplog.text.casefold()
    for private in (WRITER.casefold(), STRANGER, "rasha", "haddad", "/receipts/"):
        assert private not in logged, private
