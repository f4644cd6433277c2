"""A failing geocoder leaves no street, email, name or paragraph in any log record at DEBUG."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.civic.data import load_civic_data, single_district_zip
from tests.civic.geocoder import ADDRESS, ONE_LINE
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.database import db, utcnow

STREET = "4417 Qabbani Crescent"
CITY = "Dearbornville"
FIRST, LAST = "Yasmeen", "Zarzouriyeh"
EMAIL = "yasmeen.zarzour@example.org"
PARAGRAPH = "my-paragraph-about-jasmine-in-damascus"
# Each way the street could appear: as typed, URL-encoded by requests, or folded.
STREET_FORMS = (STREET, STREET.replace(" ", "+"), STREET.replace(" ", "%20"), "qabbani")
MARKERS = (*STREET_FORMS, CITY, FIRST, LAST, EMAIL, EMAIL.replace("@", "%40"), PARAGRAPH)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["http-503", "timeout", "refused"])
def failing(request: pytest.FixtureRequest) -> Iterator[str]:
    """The geocoder's base URL, failing in one of three ways."""
    if request.param == "refused":
        yield f"http://127.0.0.1:{_closed_port()}/geocoder"
        return
    with StubServer() as stub:
        for path in (ADDRESS, ONE_LINE):
            if request.param == "http-503":
                stub.reply(path, 503, b"<html>down</html>")
            else:
                stub.reply_slowly(path, 5.0)
        yield f"{stub.url}/geocoder"


@pytest.fixture
def app_config(app_config: dict[str, Any], failing: str) -> dict[str, Any]:
    return {
        **app_config,
        "CENSUS_GEOCODER_URL": failing,
        "CIVIC_CONNECT_TIMEOUT_SECONDS": 0.5,
        "CIVIC_READ_TIMEOUT_SECONDS": 0.5,
        "CIVIC_FALLBACK_TTL_SECONDS": 0,  # every step asks (and could log) again
        "EMAIL_RATE_LIMIT": "1/hour",  # a second send is refused, and the refusal logged
        "LOG_LEVEL": "DEBUG",
    }


def _leaks(records: list[logging.LogRecord]) -> list[str]:
    found = []
    for record in records:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        texts = (record.getMessage(), str(record.msg), repr(record.args), record.exc_text or "")
        for marker in MARKERS:
            if any(marker.casefold() in text.casefold() for text in texts):
                found.append(f"{record.name} {record.levelname}: {record.getMessage()[:200]}")
    return found


def test_a_failed_lookup_and_letter_log_no_personal_data(
    app: Flask, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    letter = {
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "street": STREET,
        "city": CITY,
        "zip_code": zip_code,
        "personal_message": PARAGRAPH,
    }
    caplog.set_level(logging.DEBUG)

    with app.app_context():
        lookup: CivicLookup = app.extensions["civic_lookup"]
        query = AddressQuery(zip_code, "MI", street=STREET, city=CITY)
        result = lookup.lookup(db.session(), query, ("us_senate", "us_house"), utcnow())
    client = app.test_client()
    preview = post_letter(client, default_campaign, action="preview", **letter)
    sent = post_letter(client, default_campaign, action="send", **letter)
    again = post_letter(client, default_campaign, action="send", **letter)
    api = client.get(
        "/api/representatives", query_string={"address": f"{STREET}, {CITY}, MI {zip_code}"}
    )

    assert result.geocoder_failed
    assert preview.status_code == 200 and sent.status_code == 303 and api.status_code == 200
    assert again.status_code == 429
    assert any(r.name.startswith("webapp.civic") for r in caplog.records)  # the failure is logged
    assert _leaks(caplog.records) == []
