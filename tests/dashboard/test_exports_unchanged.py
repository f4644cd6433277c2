"""The letters and deliveries CSVs are byte for byte what reading them through the models gave."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.civic.test_roster_sync import MEMBERS, sync
from tests.dashboard import export_reference
from tests.dashboard.helpers import (
    ADMIN,
    add_partner,
    campaign_in,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
    signed_in,
)
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from webapp.database import db, write_transaction
from webapp.models import (
    Channel,
    Consent,
    DeliveryStatus,
    FailureReason,
    LookupMatch,
    Partner,
    PostalStatus,
    Submission,
    SubmissionStatus,
)

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")
S = DeliveryStatus
AT = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
SENATE, HOUSE = "United States Senate", "United States House of Representatives"
SANDERS = Office("official:S000033", "Bernard Sanders", S.SENT, "us_senate", "VT", None, SENATE)
BALINT = Office("official:B001318", "Becca Balint", S.NEEDS_ACTION, "us_house", "VT", "0", HOUSE)
GONE = Office("official:X000001", "Ann Gone", S.FAILED, "us_house", "MI", "12", HOUSE)
WEB_FORM = Office("official:T000001", "=Rep. Formula", S.DONE_BY_SUPPORTER, "state_lower", "MI")
POSTED = Office("official:P000001", "Sen. Posted", S.SENT, "state_upper", "MI", "7", "State Senate")
# Every kind of value each column can hold: None, empty, formula-like, quotes, commas, line
# breaks, Arabic, at-large and missing seats, each letter and delivery status.
LETTERS = [
    Letter(
        "Amal.Fan@Example.org",
        first_name="Amal",
        partner="alpha",
        source="newsletter",
        personal_message='=HYPERLINK("x")',
        consents=("alpha", None),
        offices=(PRESIDENT, SANDERS, BALINT),
        state="VT",
        district=0,
    ),
    Letter(
        "bashar@example.org",
        first_name='Bashar "B"',
        last_name="Haddad, Jr.",
        city="Line one\nLine two",
        state="CA",
        district=None,
        edited_body="My own letter.",
        status=SubmissionStatus.UNCONFIRMED,
        held=True,
        partner="beta",
        source="social",
        consents=("beta", "alpha"),
        offices=(PRESIDENT, GONE),
    ),
    Letter(
        "abroad@example.org",
        first_name="-Dana",
        personal_message="",
        state=None,
        district=None,
        street=None,
        zip_code=None,
        country="DE",
        private=True,
        consents=(None,),
        offices=(WEB_FORM, POSTED, GONE),
    ),
    Letter("withdrawn@example.org", first_name="Wafa", consents=("alpha",), offices=()),
    Letter("declined@example.org", status=SubmissionStatus.DECLINED, offices=(PRESIDENT,)),
]


def _vary(app: Flask, ids: list[int]) -> None:
    """What the Letter rows cannot say: own-script names, prefixes, moderation, languages,
    and the deliveries' attempts, times, errors and postal tracking."""
    amal, bashar, abroad, withdrawn, _declined = ids
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            letters = {i: session.get(Submission, i) for i in ids}
            a, b, c, w = letters[amal], letters[bashar], letters[abroad], letters[withdrawn]
            assert a is not None and b is not None and c is not None and w is not None
            a.native_first_name, a.native_last_name, a.language = "أمل", "حداد", "ar-SY"
            a.prefix, a.hidden, a.email_verified = "Dr.", True, True
            a.lookup_match = LookupMatch.ZIP
            b.prefix, b.flagged, b.language = "+Mx", True, "en-US"
            c.native_last_name, c.language = "Müller", "de"
            c.unknown_partner_code = "gamma-typo"  # a code that named no partner
            w.created_at = AT
            for n, delivery in enumerate(d for letter in (a, b, c) for d in letter.deliveries):
                delivery.attempts = n
                delivery.sent_at = AT + timedelta(hours=n) if n % 2 else None
                if delivery.status is S.FAILED:
                    delivery.failed_at, delivery.last_error = AT, '@550 mailbox, "full"\n'
                    delivery.failure_reason = FailureReason.MAILBOX_FULL
                if delivery.recipient_key in (WEB_FORM.key, POSTED.key):
                    delivery.done_at = AT + timedelta(days=n)
                if delivery.recipient_key == POSTED.key:
                    delivery.channel, delivery.postal_status = Channel.POST, PostalStatus.DELIVERED
                if delivery.recipient_key == BALINT.key:
                    delivery.channel = None
            withdrawn_consent = update(Consent).where(Consent.submission_id == withdrawn)
            session.execute(withdrawn_consent.values(withdrawn_at=AT))


@pytest.fixture
def slug(app: Flask, default_campaign: str) -> str:
    assert sync(app, MEMBERS).exit_code == 0  # member titles for the deliveries' member_title
    add_partner(app, default_campaign, "alpha", "Alpha Org", "Alpha may email me.")
    add_partner(app, default_campaign, "beta", "Beta Org", "Beta may email me.")
    _vary(app, add_letters(app, default_campaign, LETTERS))
    return default_campaign


def _reference(app: Flask, slug: str, which: str) -> str:
    with app.test_request_context():
        session = db.session()
        cid = campaign_in(session, slug)
        partners = session.scalars(select(Partner).where(Partner.campaign_id == cid))
        names = {p.id: p.code for p in partners}
        lines: Iterator[str] = (
            export_reference.admin_csv(session, cid, names)
            if which == "export.csv"
            else export_reference.deliveries_csv(session, cid)
        )
        text = "".join(lines)
        db.session.remove()
    return text


@pytest.mark.parametrize("which", ["export.csv", "deliveries.csv"])
def test_the_exports_write_every_cell_as_the_models_read_it(
    app: Flask, slug: str, which: str
) -> None:
    response = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/{which}")
    assert response.status_code == 200
    got, expected = response.get_data(as_text=True), _reference(app, slug, which)
    header, *rows = csv.reader(io.StringIO(got[1:], newline=""))
    expected_header, *expected_rows = csv.reader(io.StringIO(expected[1:], newline=""))
    assert header == expected_header
    assert len(rows) == len(expected_rows) > 4
    for n, (row, wanted) in enumerate(zip(rows, expected_rows, strict=True)):
        for column, cell, expected_cell in zip(header, row, wanted, strict=True):
            assert cell == expected_cell, f"row {n}, {column}"
    assert got.encode() == expected.encode()  # quoting, line ends and the BOM too
    # The data tells every column's values apart: a cell written wrongly would show.
    same = [c for n, c in enumerate(header) if len({row[n] for row in expected_rows}) < 2]
    assert same == []
