"""A worker whose master key opens no letter: it stops, and no letter is marked failed or dead."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink, mailing_config
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus, Notification
from webapp.sealing import Keyring


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return mailing_config(app_config, smtp, "https://letters.example.org")


def _rows(app: Flask) -> set[tuple[str, DeliveryStatus, int, str | None]]:
    with app.app_context():
        return {
            (type(row).__name__, row.status, row.attempts, row.last_error)
            for model in (Delivery, Notification)
            for row in db.session.scalars(select(model))
        }


def test_a_wrong_master_key_stops_the_worker_and_leaves_every_letter_waiting(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink, caplog: Any
) -> None:
    targets = [office("Water Board", email=OFFICE_EMAIL), office("School", email="s@example.org")]
    slug = write_delivery_campaign(app, tmp_path, "water", targets)
    for n in range(2):
        assert post_letter(client, slug, email=f"w{n}@example.org").status_code == 303
    before = _rows(app)
    assert before == {
        ("Delivery", DeliveryStatus.PENDING, 0, None),
        ("Notification", DeliveryStatus.PENDING, 0, None),
    }
    right = app.extensions["keyring"]
    # A restored database with another key (defect 1 of the QA walk-through).
    app.extensions["keyring"] = Keyring("a-key-that-never-sealed-these-letters")
    clock = Clock()
    worker = Worker(app, clock=clock)
    with caplog.at_level(logging.WARNING):
        report = worker.run_batch()
        assert worker.run_batch().claimed == 0, "stopped for a while, not at every poll"
    assert (report.sent, report.failed, report.dead, report.waiting) == (0, 0, 0, 0)
    assert _rows(app) == before and smtp.count() == 0, "given back untouched"
    said = [r for r in caplog.records if r.name.startswith("webapp.delivery")]
    assert len(said) == 1 and said[0].levelno == logging.ERROR, [r.message for r in said]
    assert "master key" in said[0].message and "No letter was marked failed" in said[0].message
    assert "Traceback" not in caplog.text

    app.extensions["keyring"] = right  # the key restored (and, for real, the worker restarted)
    clock.advance(minutes=2)
    assert worker.run_batch().sent == 6
    assert {status for _, status, _, _ in _rows(app)} == {DeliveryStatus.SENT}
