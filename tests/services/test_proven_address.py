"""A letter from an address already proven leaves its supporter's name, address and consent as
they were until its own link is clicked: anyone may type someone else's email address."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from tests.dashboard.helpers import add_partner
from tests.services.helpers import NOW, SIGNER
from tests.services.helpers import record_letter as _send
from tests.supporter.campaign_files import write_campaign
from webapp.antiabuse.risk import Risk
from webapp.dashboard.export import partner_csv
from webapp.database import db
from webapp.delivery.outbox import confirm_submission
from webapp.models import Campaign, Partner, Role, Submission, Supporter
from webapp.sealing import open_all
from webapp.services.moderation import Moderated, release_held
from webapp.services.organisers import create_organiser

CONFIRMED_BY_EMAIL = "require_confirmation: true\n"
STRANGER = replace(
    SIGNER,
    first_name="Mallory",
    last_name="Intruder",
    email="RASHA@example.org",
    street="1 Elsewhere Rd",
    city="Flint",
    zip_code="48502",
)


def _supporter(app: Flask) -> Supporter:
    with app.app_context():
        [row] = db.session.scalars(select(Supporter))
        open_all([row])
        return row


def _details(row: Supporter) -> tuple[Any, ...]:
    return (
        row.email,
        row.first_name,
        row.last_name,
        row.street,
        row.city,
        row.zip_code,
        row.language,
        row.updated_at,
    )


def _click(app: Flask, submission_id: int, now: Any = NOW) -> None:
    """The letter's writer presses the button behind the link emailed to its address."""
    with app.app_context():
        session = db.session()
        assert confirm_submission(session, session.get_one(Submission, submission_id), now)


def _proven(app: Flask, tmp_path: Path) -> tuple[Supporter, str]:
    """Rasha wrote to one campaign and clicked her link; a second campaign asks for the click
    too. Her supporter row and the second campaign's slug."""
    first = write_campaign(app, tmp_path, "water", extra=CONFIRMED_BY_EMAIL)
    second = write_campaign(app, tmp_path, "pipes", extra=CONFIRMED_BY_EMAIL)
    _created, letter = _send(app, first)
    _click(app, letter)
    return _supporter(app), second


def test_an_unconfirmed_letter_leaves_a_proven_supporter_as_they_were_until_its_click(
    app: Flask, tmp_path: Path
) -> None:
    before, second = _proven(app, tmp_path)
    later = NOW + timedelta(days=1)
    created, theirs = _send(app, second, STRANGER, now=later, language="ar")
    assert created
    after = _supporter(app)
    assert _details(after) == _details(before)
    assert after.first_name == "Rasha" and after.street == "100 Main St"
    with app.app_context():  # the letter itself keeps what its writer typed
        letter = db.session.get_one(Submission, theirs)
        assert (letter.first_name, letter.city, letter.supporter_id) == (
            "Mallory",
            "Flint",
            after.id,
        )
    # Its writer clicks: the address is theirs after all, and so are the details.
    _click(app, theirs, later + timedelta(hours=1))
    clicked = _supporter(app)
    assert (clicked.first_name, clicked.last_name, clicked.street, clicked.city) == (
        "Mallory",
        "Intruder",
        "1 Elsewhere Rd",
        "Flint",
    )
    assert (clicked.zip_code, clicked.language) == ("48502", "ar")
    assert clicked.email == "rasha@example.org"  # as it was proven
    assert clicked.updated_at == later + timedelta(hours=1)
    assert clicked.proven_at == NOW  # first proven then


def test_a_supporter_who_never_proved_the_address_takes_each_letter_s_details(
    app: Flask, tmp_path: Path
) -> None:
    first = write_campaign(app, tmp_path, "water", extra=CONFIRMED_BY_EMAIL)
    second = write_campaign(app, tmp_path, "pipes", extra=CONFIRMED_BY_EMAIL)
    _send(app, first)
    _send(app, second, STRANGER, now=NOW + timedelta(days=1))
    row = _supporter(app)
    assert (row.first_name, row.city, row.email, row.proven_at) == (
        "Mallory",
        "Flint",
        "RASHA@example.org",
        None,
    )


def test_an_organiser_s_release_does_not_prove_the_address_its_writer_s_click_does(
    app: Flask, tmp_path: Path
) -> None:
    before, second = _proven(app, tmp_path)
    held = Risk(score=9, reasons=["ip_burst"], held=True)
    _created, theirs = _send(app, second, STRANGER, now=NOW + timedelta(days=1), risk=held)
    with app.app_context():
        session = db.session()
        organiser = create_organiser(
            session, "admin@example.org", "a long enough password", Role.ADMIN, None, NOW
        )
        letter = session.get_one(Submission, theirs)
        assert release_held(session, letter, organiser.id, NOW + timedelta(days=2)) == (
            Moderated.DONE
        )
        assert letter.released_unproven
    assert _details(_supporter(app)) == _details(before)
    _click(app, theirs, NOW + timedelta(days=3))
    assert _supporter(app).city == "Flint"


def test_clicking_an_older_letter_keeps_the_details_of_a_later_one_clicked_before(
    app: Flask, tmp_path: Path
) -> None:
    _before, second = _proven(app, tmp_path)
    third = write_campaign(app, tmp_path, "lead", extra=CONFIRMED_BY_EMAIL)
    moved = replace(SIGNER, city="Hamtramck", street="5 New St")
    _c, older = _send(app, second, moved, now=NOW + timedelta(days=1))
    _c, newer = _send(app, third, replace(moved, city="Detroit"), now=NOW + timedelta(days=2))
    _click(app, newer, NOW + timedelta(days=3))
    _click(app, older, NOW + timedelta(days=4))
    row = _supporter(app)
    assert (row.city, row.updated_at) == ("Detroit", NOW + timedelta(days=3))


def test_a_click_committed_after_the_lookup_still_protects_the_details(
    app: Flask, tmp_path: Path, monkeypatch: Any
) -> None:
    """The rule is decided by the write itself: a supporter proven between the letter's lookup
    and its write keeps their details."""
    from webapp.services import letter_rows, submissions

    first = write_campaign(app, tmp_path, "water", extra=CONFIRMED_BY_EMAIL)
    second = write_campaign(app, tmp_path, "pipes", extra=CONFIRMED_BY_EMAIL)
    _c, rasha = _send(app, first)
    real = letter_rows.find_writer

    def clicked_meanwhile(*args: Any) -> letter_rows.Writer | None:
        found = real(*args)
        args[0].commit()
        _click(app, rasha)
        return found

    monkeypatch.setattr(submissions, "find_writer", clicked_meanwhile)
    _send(app, second, STRANGER, now=NOW + timedelta(days=1))
    row = _supporter(app)
    assert (row.first_name, row.city, row.proven_at) == ("Rasha", "Dearborn", NOW)


def _partner_rows(app: Flask, slug: str) -> list[str]:
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        partner = session.scalars(select(Partner).where(Partner.campaign_id == campaign.id)).one()
        return list(partner_csv(session, campaign.id, partner))[1:]


def test_a_partner_s_box_counts_as_its_campaign_counts_the_letter_whoever_proved_the_address(
    app: Flask, tmp_path: Path
) -> None:
    """In a campaign that confirms letters at once, a ticked partner box reaches the partner's
    list whether or not the address was proven elsewhere, as the own-data page tells its owner:
    an old click elsewhere says nothing about who wrote this letter, and leaving such boxes out
    dropped real supporters' choices (retroactively, on upgrade). Only the row's details are
    kept from an unproven letter."""
    _proven(app, tmp_path)
    open_slug = write_campaign(app, tmp_path, "open")
    partner_id = add_partner(app, open_slug, "alpha", "Alpha Org", "Alpha may email me.")
    consent = ((partner_id, "Alpha may email me."),)
    later = NOW + timedelta(days=1)
    _send(app, open_slug, STRANGER, now=later, consents=consent)
    other = replace(SIGNER, email="nour@example.org", first_name="Nour")
    _send(app, open_slug, other, now=later, consents=consent)
    rows = _partner_rows(app, open_slug)
    assert len(rows) == 2 and any("Nour" in row for row in rows)
    assert any("Mallory" in row for row in rows)  # the letter's own details, as before
    with app.app_context():  # the proven row keeps its own details
        supporters = list(db.session.scalars(select(Supporter)))
        open_all(supporters)
        assert sorted(row.first_name for row in supporters) == ["Nour", "Rasha"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite locks no rows
def test_a_click_locks_the_supporter_before_the_letter_as_retention_updates_them(
    app: Flask, tmp_path: Path
) -> None:
    """Retention updates a supporter, then their letters: a click that locked its letter first
    and the supporter second could deadlock with it on PostgreSQL (review). Both take the
    supporter first; on PostgreSQL as FOR NO KEY UPDATE, so new letters need not wait."""
    slug = write_campaign(app, tmp_path, "water", extra=CONFIRMED_BY_EMAIL)
    _created, letter = _send(app, slug)
    seen: list[str] = []

    def record(*args: Any) -> None:
        statement = " ".join(str(args[2]).split())
        if statement.startswith("SELECT") and (
            " supporter" in statement or "submission" in statement
        ):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            _click(app, letter)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    locking = [s for s in seen if "FOR UPDATE" in s or "FOR NO KEY UPDATE" in s]
    first_supporter = next(i for i, s in enumerate(locking) if "FROM supporter" in s)
    first_letter = next(i for i, s in enumerate(locking) if "FROM submission" in s)
    assert first_supporter < first_letter, locking
    assert locking[first_supporter].endswith("FOR NO KEY UPDATE")
    assert locking[first_letter].endswith("FOR UPDATE")
