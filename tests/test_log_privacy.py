"""Lines written by HTTP libraries and the delivery worker lose query strings, tokens and emails."""

from __future__ import annotations

import logging

import pytest

from webapp.log_privacy import install_log_filters, redact, server_addresses


@pytest.fixture(autouse=True)
def filters() -> None:
    install_log_filters()


def test_redact_keeps_the_path_and_drops_what_is_personal() -> None:
    assert redact('"GET /api/representatives?address=1+Main+St HTTP/1.1" 200') == (
        '"GET /api/representatives?[query] HTTP/1.1" 200'
    )
    assert redact("GET /receipts/AbC-123_x/deliveries/4/done") == (
        "GET /receipts/[token]/deliveries/4/done"
    )
    assert redact("/confirm/tok3n and /dashboard/reset/s3cret") == (
        "/confirm/[token] and /dashboard/reset/[token]"
    )
    assert redact("recipient refused: {'jane.doe+x@mail.example.org': (550, b'no')}") == (
        "recipient refused: {'[email]': (550, b'no')}"
    )
    assert redact("ratelimit 20 per 1 minute (203.0.113.7) exceeded") == (
        "ratelimit 20 per 1 minute ([ip]) exceeded"
    )
    assert redact("key 2001:db8::7 and fe80:0:0:0:1:2:3:4") == "key [ip] and [ip]"
    assert redact("client ::ffff:203.0.113.9 left") == "client [ip] left"
    assert redact("campaign syria-five-steps sent 3 at 08:56:41, std::map") == (
        "campaign syria-five-steps sent 3 at 08:56:41, std::map"
    )


@pytest.mark.parametrize(
    ("logger", "message", "args", "secret"),
    [
        ("werkzeug", '%s "%s" %s', ("127.0.0.1", "GET /widget/x?email=a%40b.org", 200), "a%40b"),
        ("urllib3.connectionpool", '"GET %s" %s', ("/g?street=9+Elm+St", 503), "Elm"),
        ("gunicorn.access", '"%(r)s" %(s)s', ({"r": "GET /receipts/T0KEN", "s": 200},), "T0KEN"),
        (
            "webapp.delivery.worker",
            "%s not sent: %s",
            ("Delivery 7", "SMTP 550 <jo@x.org>"),
            "jo@x",
        ),
    ],
)
def test_records_are_clean_at_their_source(
    caplog: pytest.LogCaptureFixture,
    logger: str,
    message: str,
    args: tuple[object, ...],
    secret: str,
) -> None:
    caplog.set_level(logging.DEBUG)

    logging.getLogger(logger).warning(message, *args)

    (record,) = [r for r in caplog.records if r.name == logger]
    assert secret not in record.getMessage() and secret not in repr(record.args)


def test_exception_text_is_cleaned_too(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError("refused for rana@example.org")
    except RuntimeError:
        logging.getLogger("webapp.delivery.worker").exception("row could not be prepared")

    (record,) = caplog.records
    assert "RuntimeError" in (record.exc_text or "")
    assert "rana@example.org" not in (record.exc_text or "")


def test_the_apps_own_servers_and_this_machine_stay_readable() -> None:
    """An operator must see which relay or database did not answer; a supporter's address never
    shows. Loopback is this machine's own."""
    settings = [
        "smtp://user:secret@10.0.4.7:587",
        "postgresql+psycopg://app:pw@[2001:db8::5]:5432/letters",
        "https://geocoding.geo.census.gov/geocoder",
        "not a url 192.0.2.1",
        5,
    ]
    servers = server_addresses(settings)
    assert servers == {"10.0.4.7", "2001:db8::5"}
    install_log_filters(servers)
    assert redact("cannot connect to SMTP server 10.0.4.7:587: refused") == (
        "cannot connect to SMTP server 10.0.4.7:587: refused"
    )
    assert redact('connection to server at "2001:db8::5", port 5432 failed') == (
        'connection to server at "2001:db8::5", port 5432 failed'
    )
    assert redact("Running on http://127.0.0.1:5000 and ::1") == (
        "Running on http://127.0.0.1:5000 and ::1"
    )
    assert redact("ratelimit exceeded (203.0.113.7, 10.0.4.8)") == "ratelimit exceeded ([ip], [ip])"
    install_log_filters()  # the next app's settings replace these
    assert redact("10.0.4.7") == "[ip]"


@pytest.mark.parametrize(
    "logger", ["webapp.delivery.failures", "webapp.delivery.mailing_outcomes", "webapp.cli"]
)
def test_every_module_of_the_app_logs_clean(caplog: pytest.LogCaptureFixture, logger: str) -> None:
    """The worker's "not sent" lines moved from delivery/worker.py to delivery/failures.py and
    logged a supporter's address as the relay quoted it: every app module is filtered."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger(logger).warning(
        "Notification 7 not sent: recipient refused: %s from %s",
        {"alice@example.org": (550, b"no")},
        "203.0.113.9",
    )
    (record,) = [r for r in caplog.records if r.name == logger]
    assert "alice@" not in record.getMessage() and "203.0.113" not in record.getMessage()
