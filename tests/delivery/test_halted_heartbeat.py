"""A worker halted because its master key opens no letter reads as stopped on the dashboard."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink, mailing_config
from tests.delivery.workers import Clock, database_moves_on
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery import heartbeat
from webapp.delivery.worker import Worker
from webapp.sealing import Keyring
from webapp.services.worker_status import worker_status


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return mailing_config(app_config, smtp, "https://letters.example.org")


def test_a_worker_halted_for_its_master_key_is_not_shown_as_active(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink, monkeypatch: Any
) -> None:
    """It polled and wrote its heartbeat every 30 s while sending nothing: the dashboard said
    all was well for as long as the halt lasted (second review)."""
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.0)
    slug = write_delivery_campaign(app, tmp_path, "water", [office("W", email=OFFICE_EMAIL)])
    assert post_letter(client, slug, email="w@example.org").status_code == 303
    app.extensions["keyring"] = Keyring("a-key-that-never-sealed-these-letters")
    clock = Clock()
    worker = Worker(app, clock=clock)
    sent = 0
    for _ in range(20):  # 20 polls, 30 s apart: ten minutes halted
        sent += worker.run(once=True).sent
        clock.advance(seconds=30)
        database_moves_on(app, timedelta(seconds=30))
    with app.app_context():
        status = worker_status(db.session())
    assert sent == 0 and smtp.count() == 0
    assert not status.active, (status.state, status.last_seen)


def _last_seen(app: Flask) -> Any:
    with app.app_context():
        return worker_status(db.session()).last_seen


def test_trying_the_key_again_after_a_halt_writes_no_heartbeat(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink, monkeypatch: Any
) -> None:
    """The round after a halt beat before it met the key again, so a worker halted for good
    read active for a moment after every retry: CI's run of the test above ended on one."""
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.0)
    slug = write_delivery_campaign(app, tmp_path, "water", [office("W", email=OFFICE_EMAIL)])
    assert post_letter(client, slug, email="w@example.org").status_code == 303
    right = app.extensions["keyring"]
    app.extensions["keyring"] = Keyring("a-key-that-never-sealed-these-letters")
    clock = Clock()
    worker = Worker(app, clock=clock)
    worker.run(once=True)
    first = worker.faults.halted_until
    assert first is not None
    seen = _last_seen(app)
    clock.now = first  # the halt is over: the worker tries the key again, and fails again
    worker.run(once=True)
    assert worker.faults.halted_until is not None and worker.faults.halted_until > first
    assert _last_seen(app) == seen, "the retry that met the key again wrote a heartbeat"

    app.extensions["keyring"] = right  # the right key back: the next try sends
    clock.now = worker.faults.halted_until
    assert worker.run(once=True).sent == 2 and smtp.count() == 2
    after = _last_seen(app)
    assert after is not None and (seen is None or after > seen)
    with app.app_context():
        assert worker_status(db.session()).active
