"""The partner's and the deliveries' CSVs say a writer's language, own-script name and hand-off."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.civic.test_roster_sync import MEMBERS, sync
from tests.dashboard.helpers import (
    ADMIN,
    add_partner,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
    signed_in,
)
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from webapp.database import db, write_transaction
from webapp.models import DeliveryStatus, PostalStatus, Role, Submission, SubmissionStatus

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")
S = DeliveryStatus
# deliveries.csv as spreadsheets read it by place: these columns never move.
FIRST_DELIVERY_COLUMNS = (
    "letter_submitted_at",
    "letter_status",
    "first_name",
    "last_name",
    "email",
    "state",
    "country",
    "office",
    "office_key",
    "district",
    "channel",
    "status",
    "attempts",
    "sent_at",
    "last_failure_at",
    "last_error",
    "postal_status",
    "done_by_supporter_at",
    "name_as_written",
)
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


def test_the_deliveries_csv_dates_a_hand_off_its_supporter_said_they_sent(
    app: Flask, default_campaign: str
) -> None:
    """sent_at is when the letter was sent for the writer; the writer's own "I have sent it"
    has its own column, and a posted letter's tracked arrival is in neither."""
    [letter] = add_letters(
        app,
        default_campaign,
        [Letter("rania@example.org", first_name="Rania", offices=(WEB_FORM, POSTED, PRESIDENT))],
    )
    _write_in_arabic(app, letter)
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            for d in session.get(Submission, letter).deliveries:  # type: ignore[union-attr]
                if d.recipient_key == WEB_FORM.key:
                    d.done_at = SAID_SENT_AT
                elif d.recipient_key == POSTED.key:
                    d.sent_at, d.done_at = SAID_SENT_AT, ARRIVED_AT
                    d.postal_status = PostalStatus.DELIVERED
    rows = _rows(
        signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/deliveries.csv")
    )
    by_office = {row["office_key"]: row for row in rows}
    web_form, posted = by_office[WEB_FORM.key], by_office[POSTED.key]
    assert (web_form["status"], web_form["sent_at"]) == ("done_by_supporter", "")
    assert web_form["done_by_supporter_at"] == SAID_SENT_AT.isoformat()
    assert (posted["sent_at"], posted["done_by_supporter_at"]) == (SAID_SENT_AT.isoformat(), "")
    assert by_office[PRESIDENT.key]["done_by_supporter_at"] == ""
    assert {row["name_as_written"] for row in rows} == {"رانيا حداد"}
    assert {(row["first_name"], row["last_name"]) for row in rows} == {("Rania", "Haddad")}


def test_both_letter_csvs_give_one_code_per_interface_language(
    app: Flask, default_campaign: str
) -> None:
    """Letters recorded with the browser's tag before ("en-US", "ar-SY") are written with the
    interface language their emails use, so counting by language gives one group each."""
    add_partner(app, default_campaign, "alpha", "Alpha Org", "Alpha may email me.")
    recorded = {"us@example.org": "en-US", "sy@example.org": "ar-SY", "en@example.org": "en"}
    ids = add_letters(
        app,
        default_campaign,
        [Letter(email, partner="alpha", consents=("alpha",)) for email in recorded],
    )
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            for letter_id, language in zip(ids, recorded.values(), strict=True):
                letter = session.get(Submission, letter_id)
                assert letter is not None
                letter.language = language
    expected = {"us@example.org": "en", "sy@example.org": "ar", "en@example.org": "en"}
    admin = _rows(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/export.csv"))
    assert {row["email"]: row["language"] for row in admin} == expected
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    partner = _rows(alpha.get(f"/dashboard/campaigns/{default_campaign}/export.csv"))
    assert {row["email"]: row["language"] for row in partner} == expected


def test_the_deliveries_csv_names_each_office_s_title_seat_and_status_in_words(
    app: Flask, default_campaign: str
) -> None:
    """New columns last: the member's title from the roster, the office's state, and the
    status as the dashboard words it; `district` keeps its meaning (a senator's state)."""
    assert sync(app, MEMBERS).exit_code == 0
    senate, house = "United States Senate", "United States House of Representatives"
    sanders = Office("official:S000033", "Bernard Sanders", S.SENT, "us_senate", "VT", None, senate)
    balint = Office(
        "official:B001318", "Becca Balint", S.NEEDS_ACTION, "us_house", "VT", "0", house
    )
    norton = Office(
        "official:N000147", "Eleanor Holmes Norton", S.SENT, "us_house", "DC", "0", house
    )
    gone = Office("official:X000001", "Ann Gone", S.SENT, "us_house", "MI", "12", house)
    white_house = Office(PRESIDENT.key, PRESIDENT.name, S.PENDING, office="The White House")
    add_letters(
        app,
        default_campaign,
        [
            Letter("vt@example.org", state="VT", offices=(sanders, balint, gone)),
            Letter("dc@example.org", state="DC", offices=(norton,)),
            Letter("held@example.org", status=SubmissionStatus.UNCONFIRMED, offices=(white_house,)),
        ],
    )
    response = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/deliveries.csv")
    rows = _rows(response)
    assert list(rows[0])[: len(FIRST_DELIVERY_COLUMNS)] == list(FIRST_DELIVERY_COLUMNS)
    assert list(rows[0])[-6:] == [
        *("office_title", "member_title", "office_state", "status_label"),
        *("failure_reason", "failure_explained"),  # newer still (test_deliveries_csv_reasons)
    ]
    seen = {
        row["office"]: [
            row[c] for c in ("district", "office_title", "member_title", "office_state")
        ]
        + [row["status"], row["status_label"]]
        for row in rows
    }
    assert seen == {
        "Bernard Sanders": ["VT", senate, "Senator", "VT", "sent", "Sent"],
        "Becca Balint": [
            "VT-AL",
            house,
            "Representative",
            "VT",
            "needs_action",
            "Waiting for the supporter (the office's own web form)",
        ],
        "Eleanor Holmes Norton": ["DC-AL", house, "Delegate", "DC", "sent", "Sent"],
        # Not in the roster (left office): the title its chamber gives.
        "Ann Gone": ["MI-12", house, "Representative", "MI", "sent", "Sent"],
        PRESIDENT.name: [
            "",
            "The White House",
            "",
            "",
            "pending",
            "Held or waiting for its writer's confirmation",
        ],
    }
