"""Retention renews a writer's data key beside other writes to their rows (PostgreSQL: SQLite's
writers take turns): a changeover adding a delivery to another of their letters."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.privacy.test_delete_one_letter import _campaigns, two_letters
from tests.privacy.test_delete_one_letter_races import (
    DAYS,
    _Beside,
    _pg_only,
    add_successor_delivery,
)
from tests.services.helpers import NOW, SIGNER
from tests.services.helpers import record_letter as _send
from webapp.database import db, write_transaction
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.services import supporters


def test_a_delivery_a_changeover_adds_while_retention_reseals_still_opens(
    app: Flask, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pg_only(backend)
    old, waiting = two_letters(app, tmp_path)  # the first delivered below: retention is due
    with app.app_context():
        db.session.execute(
            update(Delivery).where(Delivery.submission_id == old).values(status=DeliveryStatus.SENT)
        )
        db.session.commit()

    def retarget() -> None:
        with app.app_context():
            session = db.session()
            with write_transaction(session):
                add_successor_delivery(session, waiting)

    changeover = _Beside(retarget)
    real = supporters._owned_rows

    def read_then_changeover(session: Any, supporter: Any) -> Any:
        rows = real(session, supporter)
        changeover.start(pause=2)  # it commits now unless it waits for this writer's lock
        return rows

    monkeypatch.setattr(supporters, "_owned_rows", read_then_changeover)
    with app.app_context():
        later = NOW + timedelta(days=DAYS + 1)
        assert supporters.purge_personal_text(db.session(), later, DAYS) == 1
    changeover.join()
    assert changeover.errors == []
    with app.app_context():
        # Sealed under the key retention had just replaced, it raised SealingError: a delivery
        # that could never be sent, and an export that failed.
        found = {d.recipient_key: d.salutation for d in db.session.scalars(select(Delivery))}
    assert found["official:NEW"] == "Dear New Member,"


def test_a_letter_a_changeover_sends_on_before_retention_s_lock_keeps_its_words(
    app: Flask, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand-off left to its writer is due; a changeover re-targets it (a new delivery on its
    way) between retention's read and its lock: the new delivery must not go without them."""
    _pg_only(backend)
    (first,) = _campaigns(app, tmp_path, 1)
    _c, letter = _send(app, first, SIGNER, NOW)
    with app.app_context():
        db.session.execute(
            update(Delivery)
            .where(Delivery.submission_id == letter)
            .values(status=DeliveryStatus.NEEDS_ACTION)
        )
        db.session.commit()

    def retarget() -> None:
        with app.app_context():
            session = db.session()
            with write_transaction(session):
                add_successor_delivery(session, letter)
                # The new member takes email: the letter is on its way again, in our hands.
                for delivery in session.scalars(
                    select(Delivery).where(Delivery.submission_id == letter)
                ):
                    new = delivery.recipient_key == "official:NEW"
                    delivery.status = DeliveryStatus.PENDING if new else DeliveryStatus.REPLACED

    changeover = _Beside(retarget)
    real = supporters.lock_supporter

    def changeover_then_lock(session: Any, supporter_id: int) -> Any:
        changeover.start()
        changeover.join()
        return real(session, supporter_id)

    monkeypatch.setattr(supporters, "lock_supporter", changeover_then_lock)
    with app.app_context():
        later = NOW + timedelta(days=DAYS + 1)
        assert supporters.purge_personal_text(db.session(), later, DAYS) == 0
    assert changeover.errors == []
    with app.app_context():
        kept = db.session.get_one(Submission, letter)
        assert kept.purged_at is None
        assert DeliveryStatus.PENDING in {d.status for d in kept.deliveries}
