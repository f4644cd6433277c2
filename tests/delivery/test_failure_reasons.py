"""Why a letter failed is decided where the error is met, per channel, and kept on its row."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.delivery import test_smtp_refusals
from tests.delivery.campaigns import CWC_SENDER, OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import mailings, postal_config, president_campaign, rows, write
from tests.delivery.smtp_server import HOST, SmtpSink
from tests.pg import free_port
from tests.stubs import StubServer, json_reply
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.failure_reasons import connect_reason
from webapp.delivery.outcomes import retry_dead
from webapp.delivery.smtp import Mailer, SendError, parse_smtp_url
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus, FailureReason, Supporter

R = FailureReason
OFFICE = "clerk@house.gov"


refusing = test_smtp_refusals.refusing  # the fixture: a real relay answering as asked


def _refusal(mailer: Mailer) -> SendError:
    message = EmailMessage()
    message["From"] = "letters@localhost"
    message["To"] = OFFICE
    message["Subject"] = "A letter"
    message.set_content("Please act.")
    with pytest.raises(SendError) as caught, mailer:
        mailer.send(message)
    return caught.value


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            {"rcpt": f"550 5.1.1 <{OFFICE}>: Recipient address rejected: User unknown"},
            R.ADDRESS_REFUSED,
        ),
        ({"rcpt": "550 No such user here"}, R.ADDRESS_REFUSED),
        ({"rcpt": "552 5.2.2 <clerk@house.gov>: mailbox is over quota"}, R.MAILBOX_FULL),
        ({"rcpt": "452 4.2.2 Mailbox full"}, R.MAILBOX_FULL),
        ({"data": "554 5.7.1 Message rejected as spam by content filter"}, R.REFUSED_AS_SPAM),
        ({"rcpt": "550 Rejected by policy: sender blocked"}, R.REFUSED_AS_SPAM),
        ({"data": "552 5.3.4 Message size exceeds fixed limit"}, R.MESSAGE_REFUSED),
        ({"rcpt": "450 4.2.1 Mailbox busy, try later"}, R.UNAVAILABLE),
        ({"rcpt": f"554 5.7.1 <{OFFICE}>: Relay access denied"}, R.RELAY_SETTINGS),
        ({"mail": "553 5.7.1 <letters@localhost>: Sender address rejected"}, R.RELAY_SETTINGS),
        ({"mail": "454 4.7.0 Throttling failure: Maximum sending rate exceeded"}, R.RELAY_LIMITED),
        ({"data": "554 5.2.0 Sending quota exceeded"}, R.RELAY_LIMITED),
        ({"mail": "421 4.7.0 Try again later, closing connection"}, R.RELAY_BUSY),
    ],
)
def test_each_smtp_refusal_names_its_reason(
    refusing: Any, reply: dict[str, str], reason: FailureReason
) -> None:
    assert _refusal(refusing(**reply)).reason is reason


def test_a_full_mailbox_is_the_offices_and_does_not_stop_email(refusing: Any) -> None:
    """ "over quota" once read as our relay limiting us, which stopped every letter's email."""
    error = _refusal(refusing(rcpt="552 5.2.2 <clerk@house.gov>: user is over quota"))
    assert type(error) is SendError and error.permanent


def test_a_relay_that_refuses_the_login_or_is_not_there(smtp: SmtpSink) -> None:
    smtp.stop()
    smtp.password = "right"
    down = Mailer(parse_smtp_url(f"smtp://{HOST}:{free_port()}", 2))
    assert _refusal(down).reason is R.RELAY_UNREACHABLE
    smtp.start()
    wrong = Mailer(parse_smtp_url(smtp.url_with("letters", "wrong"), 5))
    assert _refusal(wrong).reason is R.RELAY_SETTINGS


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            smtplib.SMTPAuthenticationError(454, b"4.7.0 Temporary authentication failure"),
            R.RELAY_BUSY,
        ),
        (smtplib.SMTPConnectError(421, b"4.3.2 Service not available, try later"), R.RELAY_BUSY),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), R.RELAY_SETTINGS),
        (ConnectionRefusedError(111, "Connection refused"), R.RELAY_UNREACHABLE),
    ],
)
def test_a_relay_reached_but_busy_is_not_told_to_check_its_settings(
    error: Exception, reason: R
) -> None:
    """421 and a 454 at login are for now: the settings are right and the host answered."""
    assert connect_reason(error) is reason


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@civic.example.org",
        "PUBLIC_BASE_URL": "https://letters.example.org",
    }


def _reasons(app: Flask, channel: Channel | None = None) -> list[tuple[DeliveryStatus, Any]]:
    with app.app_context():
        query = select(Delivery.status, Delivery.failure_reason).order_by(Delivery.id)
        if channel is not None:
            query = query.where(Delivery.channel == channel)
        return [tuple(row) for row in db.session.execute(query)]


def test_an_office_address_refused_is_recorded_on_the_letter_and_cleared_by_a_retry(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "water", [office("Board", email=OFFICE_EMAIL)])
    assert post_letter(client, slug).status_code == 303
    smtp.refuse(OFFICE_EMAIL, 550)
    Worker(app).run_batch()
    assert _reasons(app) == [(DeliveryStatus.DEAD, R.ADDRESS_REFUSED)]
    with app.app_context():
        assert retry_dead(db.session(), utcnow()) >= 1
    assert _reasons(app) == [(DeliveryStatus.PENDING, None)]
    smtp.accept(OFFICE_EMAIL)
    Worker(app).run_batch()
    assert _reasons(app) == [(DeliveryStatus.SENT, None)]


@pytest.fixture
def cwc_stub() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (400, R.FIELDS_REFUSED),
        (401, R.KEY_REFUSED),
        (403, R.KEY_REFUSED),
        (503, R.UNAVAILABLE),
        (None, R.UNAVAILABLE),  # nothing listening
    ],
)
def test_each_cwc_answer_names_its_reason(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    cwc_stub: StubServer,
    status: int | None,
    reason: FailureReason,
) -> None:
    app.config.update(CWC_API_KEY="secret-test-key", CWC_URL=cwc_stub.url, **CWC_SENDER)
    if status is None:
        app.config["CWC_URL"] = f"http://127.0.0.1:{free_port()}"
    else:
        cwc_stub.reply(
            "/v2/message", status, b"<Error>Constituent zip code not in district</Error>"
        )
    load_civic_data(app)
    letter = {"zip_code": single_district_zip("MI", 12), "street": "100 Main St"}
    assert post_letter(client, default_campaign, **letter).status_code == 303
    Worker(app).run_batch()
    ((_status, found),) = _reasons(app, Channel.CWC)
    assert found is reason


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            json_reply({"error": {"message": "to.address_zip is invalid"}}, 422),
            R.POSTAL_ADDRESS_REFUSED,
        ),
        # Our own return address (POST_FROM_*): the settings to mend, not the office's address.
        (
            json_reply({"error": {"message": "from.address_zip is invalid"}}, 422),
            R.RETURN_ADDRESS_REFUSED,
        ),
        (
            json_reply({"error": {"message": '"from.address_state" must be a state'}}, 422),
            R.RETURN_ADDRESS_REFUSED,
        ),
        (json_reply({"error": {"message": "Your API key is not valid."}}, 401), R.KEY_REFUSED),
        (json_reply({"error": {"message": "internal"}}, 503), R.UNAVAILABLE),
    ],
)
def test_each_postal_answer_names_its_reason(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    postal: PostalStub,
    answer: Any,
    reason: FailureReason,
) -> None:
    app.config.update(postal_config(dict(app.config), postal))
    slug = president_campaign(app, tmp_path)
    write(client, slug, 1)
    postal.answer = answer
    Worker(app).run(once=True)
    assert [r.failure_reason for r in rows(app)] == [reason]


def test_an_undeliverable_office_address_holds_its_letters_with_the_reason(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    app.config.update(postal_config(dict(app.config), postal))
    slug = president_campaign(app, tmp_path)
    postal.undeliverable.add("1600 Pennsylvania Avenue NW")
    write(client, slug, 2)
    Worker(app).run(once=True)
    assert {(r.status, r.failure_reason) for r in rows(app)} == {
        (DeliveryStatus.PACKET, R.POSTAL_ADDRESS_REFUSED)
    }


def test_a_letter_whose_writers_data_does_not_open_says_so(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    app.config.update(CWC_API_KEY="secret-test-key", CWC_URL=cwc_stub.url, **CWC_SENDER)
    cwc_stub.reply("/v2/message", 200, b"<Response>Message accepted</Response>")
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    for name in ("first", "second"):
        letter = {"zip_code": zip_code, "street": "100 Main St", "email": f"{name}@example.org"}
        assert post_letter(client, default_campaign, **letter).status_code == 303
    with app.app_context():
        first = db.session.scalars(select(Supporter).order_by(Supporter.id)).first()
        assert first is not None
        first.wrapped_key = os.urandom(len(first.wrapped_key))  # damaged, or left unrotated
        db.session.commit()
    Worker(app).run_batch()
    assert _reasons(app, Channel.CWC) == [
        (DeliveryStatus.DEAD, R.UNREADABLE),
        (DeliveryStatus.ACCEPTED, None),
    ]


def test_a_batched_mailing_keeps_the_reason_on_its_letters_until_it_goes(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    app.config.update(postal_config(dict(app.config), postal))
    slug = president_campaign(app, tmp_path, post="batched")
    write(client, slug, 2)
    tomorrow = utcnow() + timedelta(days=1)
    postal.answer = json_reply({"error": {"message": "internal"}}, 503)
    Worker(app, clock=lambda: tomorrow).run(once=True)
    (mailing,) = mailings(app)
    assert (mailing.status, mailing.failure_reason) == (DeliveryStatus.FAILED, R.UNAVAILABLE)
    assert {r.failure_reason for r in rows(app)} == {R.UNAVAILABLE}
    postal.answer = None
    later = tomorrow + timedelta(hours=7)  # past its backoff: the same envelope goes
    Worker(app, clock=lambda: later).run(once=True)
    assert [(m.status, m.failure_reason) for m in mailings(app)] == [(DeliveryStatus.SENT, None)]
    assert {(r.status, r.failure_reason) for r in rows(app)} == {(DeliveryStatus.SENT, None)}
