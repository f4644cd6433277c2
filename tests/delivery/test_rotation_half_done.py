"""A master key rotation half done: letters whose data keys the worker's key no longer opens
wait for the rotation to complete (a worker with both keys), they are not dead."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.delivery.campaigns import CWC_SENDER
from tests.delivery.postal_stub import LETTERS, PostalStub
from tests.delivery.postal_world import WORDS, mailings, postal_config, president_campaign, rows
from tests.delivery.postal_world import write as write_posted
from tests.delivery.test_cwc_fault_owners import ACCEPTED, cwc_stub
from tests.delivery.test_cwc_worker import MESSAGE
from tests.delivery.workers import Clock
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus, Supporter
from webapp.sealing import Keyring

__all__ = ["cwc_stub"]  # the fixture, used by name
NEW_KEY = "the-new-master-key"


@pytest.fixture
def app_config(
    app_config: dict[str, Any], cwc_stub: StubServer, postal: PostalStub
) -> dict[str, Any]:
    cwc = {"CWC_API_KEY": "secret-test-key", "CWC_URL": cwc_stub.url, **CWC_SENDER}
    return {**postal_config(app_config, postal), **cwc}


def rotate_first(app: Flask, count: int) -> None:
    """`flask supporters rotate-key`, run with the new key, re-wrapped the first `count`
    supporters' data keys (oldest first, as it goes) and had not finished."""
    old = str(app.config["DATA_ENCRYPTION_KEY"])
    ring = Keyring(NEW_KEY, [old])
    with app.app_context():
        for supporter in db.session.scalars(select(Supporter).order_by(Supporter.id).limit(count)):
            supporter.wrapped_key = ring.wrap(ring.unwrap(supporter.wrapped_key))
        db.session.commit()


def restart_with_both_keys(app: Flask) -> None:
    """The worker restarted as the rotation asks: the new key, and the old one as previous
    (create_app builds this keyring from DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_PREVIOUS_KEY)."""
    app.extensions["keyring"] = Keyring(NEW_KEY, [str(app.config["DATA_ENCRYPTION_KEY"])])


def _house(app: Flask) -> list[tuple[DeliveryStatus, int, str | None]]:
    with app.app_context():
        query = select(Delivery).where(Delivery.channel == Channel.CWC).order_by(Delivery.id)
        return [(d.status, d.attempts, d.last_error) for d in db.session.scalars(query)]


def test_letters_rotated_away_from_the_workers_key_wait_for_the_rotation(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    cwc_stub: StubServer,
) -> None:
    cwc_stub.reply(MESSAGE, 200, ACCEPTED)
    load_civic_data(app)
    letter = {"zip_code": single_district_zip("MI", 12), "street": "100 Main St"}
    for name in ("first", "second", "third"):
        assert post_letter(client, default_campaign, email=f"{name}@example.org", **letter)
    rotate_first(app, 2)
    clock = Clock()
    worker = Worker(app, clock=clock)
    report = worker.run_batch()
    assert worker.faults.halted_until is None, "the key opens the newest letter: no halt"
    assert report.dead == 0
    *waiting, sent = _house(app)
    assert sent[0] is DeliveryStatus.ACCEPTED
    assert [row[:2] for row in waiting] == [(DeliveryStatus.FAILED, 0)] * 2
    assert all("rotation" in (row[2] or "") for row in waiting)

    restart_with_both_keys(app)
    clock.advance(hours=7)
    worker.run_batch()
    assert {row[0] for row in _house(app)} == {DeliveryStatus.ACCEPTED}


def test_batched_letters_rotated_away_wait_and_the_mailing_goes(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    postal: PostalStub,
) -> None:
    slug = president_campaign(app, tmp_path, post="batched")
    write_posted(client, slug, 4)
    rotate_first(app, 2)
    later = utcnow() + timedelta(days=1)
    worker = Worker(app, clock=lambda: later)
    report = worker.run(once=True)
    assert worker.faults.halted_until is None and report.sent == 2
    first, second, *others = rows(app)
    assert {r.status for r in others} == {DeliveryStatus.SENT}
    for row in (first, second):
        assert row.status is not DeliveryStatus.DEAD and row.mailing_id is None
        assert "rotation" in (row.last_error or "")
    restart_with_both_keys(app)
    at = later + timedelta(hours=7)
    assert Worker(app, clock=lambda: at).run(once=True).sent == 2
    assert {r.status for r in rows(app)} == {DeliveryStatus.SENT}
    assert len(mailings(app)) == 2
    assert json.loads(postal.server.last(LETTERS).body)["file"].count(WORDS) == 2
