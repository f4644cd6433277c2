"""Deleting one letter from its receipt beside other writes to its writer's rows: another
deletion, retention, a changeover, expiry, a new letter. Interleaved with threads and short
waits; those needing two writers at once run on PostgreSQL only (SQLite's writers take turns)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.privacy.test_delete_one_letter import (
    HOUR,
    LATER,
    OTHER,
    _as_signed,
    _campaigns,
    _delete,
    _row,
    two_letters,
)
from tests.services.helpers import NOW, SIGNER
from tests.services.helpers import record_letter as _send
from webapp.database import db, write_transaction
from webapp.models import Delivery, Submission, Supporter
from webapp.sealing import open_all
from webapp.services import own_data
from webapp.services.changeover import locked_delivery
from webapp.services.own_data import erase_own_data
from webapp.services.supporters import purge_personal_text

DAYS = 90


def _pg_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL interleaving (SQLite writers take turns)")


def _token(app: Flask, submission_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Submission, submission_id).receipt_token


def _updated_at(app: Flask) -> Any:
    with app.app_context():
        return db.session.scalars(select(Supporter.updated_at)).one()


class _Beside:
    """`target` run once on a thread of its own, as another request would, keeping what it
    returned or raised."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.thread: threading.Thread | None = None
        self.results: list[Any] = []
        self.errors: list[BaseException] = []

    def start(self, pause: float = 0.0) -> None:
        """Start it, unless started already; `pause`: let it reach the lock the caller holds."""
        if self.thread is not None:
            return
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        time.sleep(pause)

    def _run(self) -> None:
        try:
            self.results.append(self.target())
        except BaseException as exc:
            self.errors.append(exc)

    def join(self) -> None:
        assert self.thread is not None, "it never started"
        self.thread.join(30)


def _in_thread(target: Any) -> list[BaseException]:
    beside = _Beside(target)
    beside.start()
    beside.join()
    return beside.errors


def add_successor_delivery(session: Session, submission_id: int) -> None:
    """What changeover.settle writes, in the caller's transaction: the letter's first delivery
    locked (its writer first), and a delivery to the seat's new member beside it, its
    salutation sealed under the writer's key."""
    old_id = session.scalars(
        select(Delivery.id).where(Delivery.submission_id == submission_id)
    ).first()
    assert old_id is not None
    row = locked_delivery(session, old_id)
    assert row is not None
    row.submission.deliveries.append(
        Delivery(
            campaign_id=row.campaign_id,
            recipient_key="official:NEW",
            recipient_name="New Member",
            recipient_chamber=row.recipient_chamber,
            salutation="Dear New Member,",
            status=row.status,
            channel=row.channel,
        )
    )


def _meanwhile(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Run `action` (committed in its own session) right after erase_own_data read its letter
    by its receipt (before lock_writer, where there is one): what another request does between
    those two statements. Works on the code before b40860a too."""
    real = own_data._letter
    done: list[bool] = []

    def interleaved(session: Any, token: str) -> Any:
        letter = real(session, token)
        if not done:
            done.append(True)
            errors = _in_thread(action)
            assert errors == [], errors
        return letter

    monkeypatch.setattr(own_data, "_letter", interleaved)


def test_a_double_click_on_delete_deletes_once(
    app: Flask, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pg_only(backend)
    _earlier, doomed = two_letters(app, tmp_path)
    token = _token(app, doomed)

    def other_request() -> None:
        with app.app_context():
            assert erase_own_data(db.session(), token, NOW + 10 * HOUR)

    _meanwhile(monkeypatch, other_request)
    with app.app_context():
        # The second press of a double click finds the letter gone: nothing more to delete.
        assert erase_own_data(db.session(), token, NOW + 10 * HOUR) is False
    assert _row(app) == _as_signed(SIGNER)


def test_two_of_one_writer_s_letters_deleted_at_once(
    app: Flask, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pg_only(backend)
    first, second, third = _campaigns(app, tmp_path, 3)
    _send(app, first, SIGNER, NOW)
    _c, two = _send(app, second, LATER, NOW + HOUR)
    _c, three = _send(app, third, OTHER, NOW + 2 * HOUR)
    _meanwhile(monkeypatch, lambda: _delete(app, three))
    _delete(app, two)
    assert _row(app) == _as_signed(SIGNER)


def test_retention_renews_the_key_while_a_deletion_waits(
    app: Flask, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pg_only(backend)
    _earlier, doomed = two_letters(app, tmp_path)

    def purge() -> None:
        with app.app_context():
            purge_personal_text(db.session(), NOW + timedelta(days=DAYS + 1), DAYS)

    _meanwhile(monkeypatch, purge)
    _delete(app, doomed)


def test_a_delivery_added_by_a_changeover_meanwhile_opens_after_the_deletion(
    app: Flask, tmp_path: Path, backend: str
) -> None:
    _pg_only(backend)
    kept, doomed = two_letters(app, tmp_path)
    ready = threading.Event()

    def retarget_like() -> None:
        with app.app_context():
            session = db.session()
            with write_transaction(session):
                add_successor_delivery(session, kept)
                session.flush()
                ready.set()
                time.sleep(2)  # the deletion reads the rows, then waits on this lock

    thread = threading.Thread(target=retarget_like)
    thread.start()
    assert ready.wait(20)
    _delete(app, doomed)
    thread.join(30)
    with app.app_context():
        # Before the changeover locked the writer, the new delivery stayed sealed under the
        # key the deletion had just replaced: SealingError, and it could never be sent.
        salutations = {
            d.recipient_key: d.salutation
            for d in db.session.scalars(select(Delivery).order_by(Delivery.id))
        }
    assert salutations["official:NEW"] == "Dear New Member,"


def test_a_deletion_and_expiry_of_the_same_writer_s_letters_do_not_deadlock(
    app: Flask, tmp_path: Path, backend: str
) -> None:
    _pg_only(backend)
    from sqlalchemy import event

    from webapp.delivery.outbox import expire_unconfirmed

    _earlier, doomed = two_letters(app, tmp_path)  # both unconfirmed, the earlier lower id
    main = threading.current_thread()

    def expire() -> None:
        with app.app_context():
            expire_unconfirmed(db.session(), NOW + 100 * HOUR, 72)

    expiry = _Beside(expire)

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The deletion has deleted its letter and is about to reseal the other one: expiry
        # locks the kept letter, then waits for the deleted one.
        if threading.current_thread() is main and statement.startswith("UPDATE submission"):
            expiry.start(pause=2)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        try:
            _delete(app, doomed)  # DeadlockDetected here before the letters were locked first
        finally:
            expiry.join()
        assert expiry.errors == []
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_a_letter_recorded_behind_the_deletion_retries_under_the_new_key(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, third = _campaigns(app, tmp_path, 3)
    _send(app, first, SIGNER, NOW)
    _c, doomed = _send(app, second, LATER, NOW + HOUR)
    real_audit = own_data.audit
    letter = _Beside(lambda: _send(app, third, OTHER, NOW + 2 * HOUR, personal_message="New one."))

    def audit_then_record(session: Any, *args: Any) -> None:
        real_audit(session, *args)
        session.flush()
        letter.start(pause=2)  # it looks the supporter up (old key), seals, then waits to write

    from webapp.services import submissions

    real_write, races = submissions.write_supporter, []

    def counting(*args: Any) -> Any:
        try:
            return real_write(*args)
        except Exception as exc:
            races.append(type(exc).__name__)
            raise

    monkeypatch.setattr(submissions, "write_supporter", counting)
    monkeypatch.setattr(own_data, "audit", audit_then_record)
    _delete(app, doomed)
    letter.join()
    assert races == ["WriterRace"]
    assert letter.errors == [] and letter.results
    with app.app_context():
        for sub in db.session.scalars(select(Submission)):
            open_all([sub, *sub.deliveries])
        new = db.session.get_one(Submission, letter.results[0][1])
        assert new.personal_message == "New one."
    assert _row(app) == _as_signed(OTHER)  # unproven: the newest letter's


def test_a_letter_recorded_just_before_is_resealed_by_the_deletion(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.services import submissions

    first, second, third = _campaigns(app, tmp_path, 3)
    _send(app, first, SIGNER, NOW)
    _c, doomed = _send(app, second, LATER, NOW + HOUR)
    real = submissions.write_texts
    deletion = _Beside(lambda: _delete(app, doomed))

    def texts_then_delete(*args: Any) -> Any:
        ids = real(*args)  # the supporter row is updated (locked on PostgreSQL)
        deletion.start(pause=2)
        return ids

    monkeypatch.setattr(submissions, "write_texts", texts_then_delete)
    _c, new_id = _send(app, third, OTHER, NOW + 2 * HOUR, personal_message="New one.")
    deletion.join()
    assert deletion.errors == [], deletion.errors
    with app.app_context():
        for sub in db.session.scalars(select(Submission)):
            open_all([sub, *sub.deliveries])
        assert db.session.get_one(Submission, new_id).personal_message == "New one."
    assert _row(app) == _as_signed(OTHER)  # unproven: the newest letter's
