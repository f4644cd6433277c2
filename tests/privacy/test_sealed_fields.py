"""Sealed attributes read and write as plain text; the columns hold only ciphertext."""

from __future__ import annotations

import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp.database import db
from webapp.models import Channel, Delivery, Submission


def test_a_row_given_only_its_parents_id_is_sealed_under_the_supporters_key(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    assert post_letter(client, default_campaign).status_code == 303
    with app.app_context():
        submission_id = db.session.scalars(select(Submission.id)).one()
        db.session.remove()
        added = Delivery(
            submission_id=submission_id,
            recipient_key="target:extra",
            recipient_name="Extra Office",
            channel=Channel.FORM,
            salutation=f"Dear Extra Office, from {VALID_LETTER['first_name']}",
            idempotency_key=uuid.uuid4().hex,
        )
        db.session.add(added)
        db.session.commit()
        raw = db.session.execute(
            text("SELECT salutation FROM delivery WHERE recipient_key = 'target:extra'")
        ).scalar_one()
        assert VALID_LETTER["first_name"].encode() not in bytes(raw)
        db.session.remove()
        again = db.session.scalars(
            select(Delivery).where(Delivery.recipient_key == "target:extra")
        ).one()
        assert again.salutation == f"Dear Extra Office, from {VALID_LETTER['first_name']}"
