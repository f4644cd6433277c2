"""Recording a letter through Core statements: the supporter upsert under key rotation and
under a race, the rows written, and simultaneous letters from one address."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.services.helpers import NOW, SIGNER
from tests.services.helpers import email_channel as _email
from tests.services.helpers import record_letter as _send
from tests.supporter.campaign_files import MERGED_BODY, write_campaign
from webapp import create_app
from webapp.database import db
from webapp.letters.compose import compose_letters, fixed_recipients
from webapp.models import (
    Campaign,
    Consent,
    Delivery,
    LetterText,
    Notification,
    NotificationKind,
    ParagraphBand,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.sealing import keyring, open_all
from webapp.services import letter_rows, submissions
from webapp.services.letter_rows import WriterRace, supporter_row, write_supporter
from webapp.services.submissions import LetterRequest, RecordResult, record_submission
from webapp.services.supporters import erase_supporter


def _supporters(app: Flask) -> list[Supporter]:
    with app.app_context():
        rows = list(db.session.scalars(select(Supporter).order_by(Supporter.id)))
        open_all(rows)
        return rows


def test_a_supporter_stored_under_the_previous_master_key_is_updated_not_doubled(
    app: Flask, app_config: dict[str, Any], tmp_path: Path
) -> None:
    first = write_campaign(app, tmp_path, "water")
    second = write_campaign(app, tmp_path, "pipes", title="Lead pipes out")
    assert _send(app, first)[0]
    old_key = str(app.config["DATA_ENCRYPTION_KEY"])
    [before] = _supporters(app)
    keys = {"DATA_ENCRYPTION_KEY": "the-new-key", "DATA_ENCRYPTION_PREVIOUS_KEY": old_key}
    rotating = create_app({**app_config, **keys})
    with rotating.app_context():
        assert keyring().email_key(SIGNER.email) != before.email_key  # found by the old key only
    moved = replace(SIGNER, city="Hamtramck", email=" RASHA@example.ORG")
    created, submission_id = _send(rotating, second, moved, language="ar")
    assert created
    [after] = _supporters(rotating)
    assert (after.id, after.email_key, after.wrapped_key) == (
        before.id,
        before.email_key,
        before.wrapped_key,
    )
    assert (after.city, after.language, after.email) == ("Hamtramck", "ar", moved.email)
    with rotating.app_context():
        sub = db.session.get_one(Submission, submission_id)
        assert sub.supporter_id == before.id and sub.city == "Hamtramck"
        # The same address to the first campaign again is a repeat, under the new key too.
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 2
    assert _send(rotating, first, moved) == (False, _first_submission(app))
    with rotating.app_context():
        db.session.remove()
        db.engine.dispose()


def _first_submission(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(select(Submission.id).order_by(Submission.id)).first() or 0


def test_a_supporter_another_transaction_wrote_first_is_left_alone(
    app: Flask, tmp_path: Path
) -> None:
    slug = write_campaign(app, tmp_path, "water")
    _send(app, slug)
    [before] = _supporters(app)
    with app.app_context():
        session = db.session()
        fields = {"email": SIGNER.email, "first_name": "Intruder", "last_name": "X"}
        fields |= {"language": "en", "created_at": NOW, "updated_at": NOW}
        # As if our lookup had found nobody: the fresh data key differs from the row's.
        values, _cipher = supporter_row(None, before.email_key, fields)
        with pytest.raises(WriterRace):
            write_supporter(session, None, values)
        session.rollback()
    [after] = _supporters(app)
    assert after.first_name == "Rasha" and after.wrapped_key == before.wrapped_key


def test_a_supporter_erased_after_the_lookup_is_not_brought_back_with_their_old_key(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = write_campaign(app, tmp_path, "water"), write_campaign(app, tmp_path, "pipes")
    _send(app, first)
    [before] = _supporters(app)
    real = letter_rows.find_writer
    calls: list[int] = []

    def erased_after_looking(*args: Any) -> letter_rows.Writer | None:
        found = real(*args)
        calls.append(1)
        if len(calls) == 1:  # the supporter asks to be erased while their next letter is sealed
            args[0].commit()  # our read ends, as it would before the write (else the erasure's
            # WAL checkpoint waits on it)
            with app.app_context():
                assert erase_supporter(db.session(), SIGNER.email) == 1
        return found

    monkeypatch.setattr(submissions, "find_writer", erased_after_looking)
    created, _id = _send(app, second)
    assert created and len(calls) == 2  # the first write found its row gone, and looked again
    [after] = _supporters(app)
    assert after.wrapped_key != before.wrapped_key


def test_a_letter_that_lost_the_race_for_its_supporter_is_a_repeat(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = write_campaign(app, tmp_path, "water")
    _, recorded = _send(app, slug)
    real = letter_rows.find_writer
    calls: list[int] = []

    def stale_then_real(*args: Any) -> letter_rows.Writer | None:
        calls.append(1)
        return None if len(calls) == 1 else real(*args)  # the first read missed the winner

    monkeypatch.setattr(submissions, "find_writer", stale_then_real)
    assert _send(app, slug) == (False, recorded)
    assert len(calls) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
        assert db.session.scalar(select(func.count()).select_from(Supporter)) == 1


def test_a_letter_writes_its_rows_shares_plain_texts_and_seals_merged_ones(
    app: Flask, tmp_path: Path
) -> None:
    plain = write_campaign(app, tmp_path, "water")
    merged = write_campaign(
        app, tmp_path, "merged", body=MERGED_BODY, body_editable=False, title="Merged"
    )
    other = replace(SIGNER, email="someone@example.org", first_name="Sam")
    bands = ("b1", "b2", "b3")
    consents = ((None, "Keep me posted"),)
    _send(app, plain, paragraph_bands=bands, consents=consents)
    _send(app, plain, other)
    _send(app, merged)
    with app.app_context():
        session = db.session()
        subs = list(session.scalars(select(Submission).order_by(Submission.id)))
        assert subs[0].statement_id == subs[1].statement_id  # one stored copy of the same text
        assert subs[0].statement.owner_id is None
        own = subs[2].statement
        assert own.owner_id == subs[2].supporter_id and own.body.startswith("Neighbours in")
        assert "Rasha" in own.body and b"Rasha" not in bytes(own.body_sealed)  # sealed
        assert session.scalar(select(func.count()).select_from(LetterText)) == 2
        deliveries = list(session.scalars(select(Delivery).order_by(Delivery.id)))
        assert [d.submission_id for d in deliveries] == [s.id for s in subs]
        assert all(d.salutation == "Dear Water Board," for d in deliveries)
        assert b"Water Board" not in bytes(deliveries[0].salutation_sealed)
        assert len({d.idempotency_key for d in deliveries}) == 3
        kinds = session.scalars(select(Notification.kind).order_by(Notification.id)).all()
        assert kinds == [NotificationKind.RECEIPT] * 3
        assert subs[0].status is SubmissionStatus.CONFIRMED and subs[0].confirmed_at == NOW
        assert subs[0].first_name == "Rasha" and subs[0].zip_code == "48126"
        assert sorted(session.scalars(select(ParagraphBand.band))) == list(bands)
        [consent] = session.scalars(select(Consent)).all()
        assert (consent.submission_id, consent.wording) == (subs[0].id, "Keep me posted")
        assert len({s.receipt_token for s in subs}) == 3


def test_simultaneous_first_letters_from_one_address_record_one_per_campaign(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slugs = [write_campaign(app, tmp_path, "water"), write_campaign(app, tmp_path, "pipes")]
    writers = 6
    # Every writer looks, finds nobody, and only then do they all write (the lookup runs
    # before the write transaction, on SQLite too).
    barrier = threading.Barrier(writers, timeout=30)
    local = threading.local()
    real = letter_rows.find_writer

    def after_all_looked(*args: Any) -> letter_rows.Writer | None:
        found = real(*args)
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait()
        return found

    monkeypatch.setattr(submissions, "find_writer", after_all_looked)
    with ThreadPoolExecutor(max_workers=writers) as pool:
        results = list(pool.map(lambda n: _send(app, slugs[n % 2]), range(writers)))
    assert sorted(created for created, _id in results) == [False] * (writers - 2) + [True] * 2
    assert len({submission_id for _created, submission_id in results}) == 2
    with app.app_context():
        counts = {Supporter: 1, Submission: 2, Delivery: 2, Notification: 2}
        for model, count in counts.items():
            assert db.session.scalar(select(func.count()).select_from(model)) == count
        # Nobody sealed over another's row: every field opens under the supporter's data key.
        for submission in db.session.scalars(select(Submission)):
            assert (submission.supporter.first_name, submission.first_name) == ("Rasha", "Rasha")
            assert submission.deliveries[0].salutation == "Dear Water Board,"


def test_the_result_loads_its_submission_when_read(app: Flask, tmp_path: Path) -> None:
    slug = write_campaign(app, tmp_path, "water")
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        letters = compose_letters(campaign, SIGNER, fixed_recipients(campaign), None, None)
        request = LetterRequest(signer=SIGNER, personal_message=None, edited_body=None)
        result: RecordResult = record_submission(session, campaign, request, letters, NOW, _email)
        assert result.submission.own_first_name == "Rasha"
        assert [d.recipient_name for d in result.submission.deliveries] == ["Water Board"]
        assert result.submission is result.submission
