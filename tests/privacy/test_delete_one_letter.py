"""Deleting one of a writer's letters from its receipt: their supporter row keeps nothing that
letter said, as if it had never been written, and its sealed copies no longer open."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.privacy.test_supporter_data import _cells_containing
from tests.services.helpers import NOW, SIGNER
from tests.services.helpers import record_letter as _send
from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.outbox import confirm_submission
from webapp.models import Submission, Supporter
from webapp.sealing import SealingError, open_all, open_cipher, unseal
from webapp.services.own_data import erase_own_data
from webapp.services.supporters import purge_personal_text

CONFIRMED_BY_EMAIL = "require_confirmation: true\n"
# The same address, written again later with other details: a move, or someone else typing it.
LATER = replace(
    SIGNER,
    first_name="Newname",
    last_name="Lateroffice",
    street="2 Laterwritten Street",
    city="Flint",
    zip_code="48502",
)
OTHER = replace(LATER, first_name="Mallory", street="9 Stranger Court")
HOUR = timedelta(hours=1)
FIELD = b"submission.personal_message"  # what a sealed paragraph is bound to


def _row(app: Flask) -> tuple[Any, ...]:
    with app.app_context():
        [row] = db.session.scalars(select(Supporter))
        open_all([row])
        return (row.first_name, row.last_name, row.street, row.city, row.zip_code)


def _as_signed(signer: Any) -> tuple[Any, ...]:
    return (signer.first_name, signer.last_name, signer.street, signer.city, signer.zip_code)


def _proven_at(app: Flask) -> Any:
    with app.app_context():
        return db.session.scalars(select(Supporter.proven_at)).one()


def _click(app: Flask, submission_id: int, now: Any) -> None:
    with app.app_context():
        session = db.session()
        assert confirm_submission(session, session.get_one(Submission, submission_id), now)


def _delete(app: Flask, submission_id: int) -> None:
    with app.app_context():
        session = db.session()
        token = session.get_one(Submission, submission_id).receipt_token
        assert erase_own_data(session, token, NOW + 10 * HOUR)


def _campaigns(app: Flask, tmp_path: Path, count: int) -> list[str]:
    names = ("water", "pipes", "schools")[:count]
    return [write_campaign(app, tmp_path, name, extra=CONFIRMED_BY_EMAIL) for name in names]


def two_letters(app: Flask, tmp_path: Path) -> tuple[int, int]:
    """One writer's two letters to two campaigns, an hour apart: SIGNER's, then LATER's (the
    same address with other details). Their ids, in that order."""
    first, second = _campaigns(app, tmp_path, 2)
    _created, earlier = _send(app, first, SIGNER, NOW)
    _created, later = _send(app, second, LATER, NOW + HOUR)
    return earlier, later


def test_the_row_takes_back_the_earlier_letter_s_details(app: Flask, tmp_path: Path) -> None:
    _earlier, later = two_letters(app, tmp_path)
    assert _row(app) == _as_signed(LATER)  # an unproven address: each letter overwrites

    _delete(app, later)
    assert _row(app) == _as_signed(SIGNER)
    for said in (LATER.first_name, LATER.last_name, LATER.street):
        assert _cells_containing(app, said) == [], said
    with app.app_context():
        # Retention counts from the letter whose details the row holds now.
        assert db.session.scalars(select(Supporter.updated_at)).one() == NOW


def test_a_proven_row_goes_back_to_its_latest_clicked_letter_never_to_an_unclicked_one(
    app: Flask, tmp_path: Path
) -> None:
    first, second, third = _campaigns(app, tmp_path, 3)
    _created, own = _send(app, first, SIGNER, NOW)
    _click(app, own, NOW + HOUR)
    _send(app, second, OTHER, NOW + 2 * HOUR)  # someone else typed the address: not clicked
    _created, moved = _send(app, third, LATER, NOW + 3 * HOUR)
    _click(app, moved, NOW + 4 * HOUR)
    assert _row(app) == _as_signed(LATER)

    _delete(app, moved)
    assert _row(app) == _as_signed(SIGNER)
    assert _proven_at(app) is not None  # the first click still proves the address
    assert _cells_containing(app, LATER.street) == []
    assert _cells_containing(app, OTHER.street)  # the unclicked letter itself stays


def test_deleting_the_only_clicked_letter_leaves_the_address_unproven(
    app: Flask, tmp_path: Path
) -> None:
    first, second, third = _campaigns(app, tmp_path, 3)
    _send(app, first, SIGNER, NOW)
    _created, clicked = _send(app, second, LATER, NOW + HOUR)
    _click(app, clicked, NOW + 2 * HOUR)
    assert _proven_at(app) is not None

    _delete(app, clicked)
    assert _proven_at(app) is None and _row(app) == _as_signed(SIGNER)
    # Unproven again, as before that letter: the next letter's details become the row's.
    _send(app, third, OTHER, NOW + 3 * HOUR)
    assert _row(app) == _as_signed(OTHER)


def test_the_deleted_letter_s_sealed_copies_no_longer_open(app: Flask, tmp_path: Path) -> None:
    """PostgreSQL keeps a deleted row's bytes until vacuum: under the writer's old data key they
    would still open. Everything left of theirs is sealed again under a new key."""
    first, second = _campaigns(app, tmp_path, 2)
    _created, kept = _send(app, first, SIGNER, NOW, personal_message="Still mine.")
    _created, doomed = _send(app, second, LATER, NOW + HOUR, personal_message="Forget this.")
    with app.app_context():
        session = db.session()
        wrapped_before = bytes(session.scalars(select(Supporter.wrapped_key)).one())
        letter = session.get_one(Submission, doomed)
        copy = bytes(letter.personal_message_sealed or b"")
        assert unseal(open_cipher(wrapped_before), copy, FIELD) == "Forget this."

    _delete(app, doomed)
    with app.app_context():
        session = db.session()
        wrapped_now = bytes(session.scalars(select(Supporter.wrapped_key)).one())
        assert wrapped_now != wrapped_before
        with pytest.raises(SealingError):
            unseal(open_cipher(wrapped_now), copy, FIELD)
        # What is left reads as before under the new key.
        assert session.get_one(Submission, kept).personal_message == "Still mine."
        assert _row(app) == _as_signed(SIGNER)


def test_through_the_receipt_the_letter_s_street_leaves_the_supporter_s_export(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    """The whole path a writer takes: two letters, the second from a new street, deleted from
    its receipt; the organisers' export of the supporter no longer shows that street."""
    other = write_campaign(app, tmp_path, "pipes")
    email = "moved.writer@example.org"
    assert post_letter(client, default_campaign, email=email, street="1 Old Road").status_code
    response = post_letter(client, other, email=email, street="77 Newly Moved Avenue")
    token = response.headers["Location"].rsplit("/", 1)[1]
    runner = app.test_cli_runner()
    assert "77 Newly Moved Avenue" in runner.invoke(args=["supporters", "export", email]).output

    confirm = client.get(f"/receipts/{token}/delete")
    done = client.post(f"/receipts/{token}/delete", data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 303
    exported = runner.invoke(args=["supporters", "export", email]).output
    assert "77 Newly Moved Avenue" not in exported and "1 Old Road" in exported
    assert _cells_containing(app, "77 Newly Moved Avenue") == []


def test_a_street_retention_cleared_from_the_row_is_not_brought_back(
    app: Flask, tmp_path: Path
) -> None:
    older, _later = two_letters(app, tmp_path)
    # Retention clears the row's street long after; the letters, not yet delivered, keep theirs.
    with app.app_context():
        purge_personal_text(db.session(), NOW + timedelta(days=91), 90)
    assert _row(app)[2] is None
    _delete(app, older)
    assert _row(app) == (*_as_signed(LATER)[:2], None, *_as_signed(LATER)[3:])


def test_the_address_stays_proven_from_the_first_click_left(app: Flask, tmp_path: Path) -> None:
    kept, doomed = two_letters(app, tmp_path)
    _click(app, doomed, NOW + 2 * HOUR)  # the first click proves the address
    _click(app, kept, NOW + 3 * HOUR)  # an older letter's: the row stays the later one's
    _delete(app, doomed)
    assert _row(app) == _as_signed(SIGNER)
    assert _proven_at(app) == NOW + 3 * HOUR
