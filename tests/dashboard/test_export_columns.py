"""The partner's and the deliveries' CSVs say a writer's language, own-script name and hand-off."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.dashboard.helpers import (
    add_partner,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
    signed_in,
)
from tests.dashboard.letters import Letter, Office, add_letters
from webapp.database import db, write_transaction
from webapp.models import DeliveryStatus, Role, Submission

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")
SAID_SENT_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ARRIVED_AT = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
WEB_FORM = Office("official:T000001", "Rep. Rashida Example", DeliveryStatus.DONE_BY_SUPPORTER)
POSTED = Office("official:S000002", "Sen. Gary Example", DeliveryStatus.SENT)


def _write_in_arabic(app: Flask, letter_id: int) -> None:
    """The letter as the form records an Arabic writer's: Latin names beside their own."""
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            letter = session.get(Submission, letter_id)
            assert letter is not None
            letter.native_first_name, letter.native_last_name = "رانيا", "حداد"
            letter.language = "ar"


def _rows(response: TestResponse) -> list[dict[str, str]]:
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(response.get_data(as_text=True)[1:], newline=""))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_partner_csv_says_each_supporter_s_language_and_name_as_written(
    app: Flask, default_campaign: str
) -> None:
    """A partner emails its supporters: in the language they wrote in, greeting the name as
    they wrote it, the same two columns as the admins' letters CSV."""
    add_partner(app, default_campaign, "alpha", "Alpha Org", "Alpha may email me.")
    rania, _jane = add_letters(
        app,
        default_campaign,
        [
            Letter("rania@example.org", first_name="Rania", partner="alpha", consents=("alpha",)),
            Letter("jane@example.org", first_name="Jane", partner="alpha", consents=("alpha",)),
        ],
    )
    _write_in_arabic(app, rania)
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    rows = _rows(alpha.get(f"/dashboard/campaigns/{default_campaign}/export.csv"))
    by_email = {row["email"]: row for row in rows}
    arabic, latin = by_email["rania@example.org"], by_email["jane@example.org"]
    assert (arabic["first_name"], arabic["last_name"]) == ("Rania", "Haddad")
    assert (arabic["name_as_written"], arabic["language"]) == ("رانيا حداد", "ar")
    assert (latin["name_as_written"], latin["language"]) == ("", "en")
