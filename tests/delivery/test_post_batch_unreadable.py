"""A day's batched post with one letter whose sealed words do not open: that letter is set
aside for the organisers, the rest of the envelope and of the outbox round go on."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.postal_stub import LETTERS, PostalStub
from tests.delivery.postal_world import WORDS, app_config, mailings, president_campaign, rows
from tests.delivery.postal_world import write as write_letters
from tests.stubs import json_reply
from webapp.database import db, utcnow
from webapp.delivery.undelivered import undelivered
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus, Submission

__all__ = ["app_config"]  # the fixture, used by name


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path, post="batched")


def _worker(app: Flask, hours: float = 0) -> Worker:
    """Today's letters go in tomorrow's mailing: a worker whose clock is in the next day."""
    later = utcnow() + timedelta(days=1, hours=hours)
    return Worker(app, clock=lambda: later)


def damage_words(app: Flask, delivery_id: int) -> None:
    """The letter's sealed paragraph no longer opens with its supporter's (sound) data key."""
    with app.app_context():
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery is not None
        letter = db.session.get(Submission, delivery.submission_id)
        assert letter is not None and letter.personal_message_sealed
        blob = bytearray(letter.personal_message_sealed)
        blob[-1] ^= 0xFF
        letter.personal_message_sealed = bytes(blob)
        db.session.commit()


def _set_aside(app: Flask, row: Delivery) -> None:
    assert row.status is DeliveryStatus.DEAD and row.mailing_id is None
    assert "does not open with the master key" in (row.last_error or "")
    with app.app_context():  # organisers see it among the office's undelivered letters
        assert row.campaign_id is not None
        (office,) = undelivered(db.session(), row.campaign_id)
        assert office.letters == 1 and "does not open" in (office.last_error or "")


def test_an_unreadable_letter_is_set_aside_and_the_days_mailing_goes(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    write_letters(client, slug, 3)
    damage_words(app, rows(app)[0].id)
    worker = _worker(app)
    report = worker.run(once=True)
    assert worker.faults.halted_until is None, "one letter's data stops no one"
    assert (report.mailings, report.sent) == (1, 2)
    (mailing,) = mailings(app)
    assert (mailing.letters, mailing.status) == (2, DeliveryStatus.SENT)
    bad, *good = rows(app)
    assert {r.status for r in good} == {DeliveryStatus.SENT}
    _set_aside(app, bad)
    assert json.loads(postal.server.last(LETTERS).body)["file"].count(WORDS) == 2


def test_a_letter_unreadable_once_in_its_envelope_leaves_it_and_the_envelope_goes(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    write_letters(client, slug, 3)
    postal.answer = json_reply({"error": {"message": "busy"}}, 500)
    _worker(app).run(once=True)  # the envelope is made, and waits for a second try
    (mailing,) = mailings(app)
    assert (mailing.letters, mailing.status) == (3, DeliveryStatus.FAILED)
    postal.answer = None
    damage_words(app, rows(app)[1].id)
    worker = _worker(app, hours=7)
    report = worker.run(once=True)
    assert worker.faults.halted_until is None, "one letter's data stops no one"
    assert report.sent == 2
    (mailing,) = mailings(app)
    assert (mailing.letters, mailing.status) == (2, DeliveryStatus.SENT)
    first, bad, last = rows(app)
    assert {first.status, last.status} == {DeliveryStatus.SENT}
    _set_aside(app, bad)
    assert json.loads(postal.server.last(LETTERS).body)["file"].count(WORDS) == 2
    with app.app_context():
        left = select(Delivery.postal_budget_day).where(Delivery.id == bad.id)
        assert db.session.scalar(left) is None, "its budget place is free again"
