"""Rows a worker claimed and never reached when the database went away mid-batch go out as soon
as it answers again, not after their claim's lease (5 minutes) runs out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery import worker as worker_module
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus

LETTERS = 4


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "SMTP_TIMEOUT_SECONDS": 5.0}


def _statuses(app: Flask) -> list[DeliveryStatus]:
    with app.app_context():
        return list(db.session.scalars(select(Delivery.status).order_by(Delivery.id)))


def _database_drops_at_row(monkeypatch: pytest.MonkeyPatch, row: int) -> None:
    """The worker's read of its `row`-th claimed row (from 1) finds the server gone."""
    load, reads = worker_module.load, [0]

    def drops(*args: Any, **kwargs: Any) -> Any:
        reads[0] += 1
        if reads[0] == row:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return load(*args, **kwargs)

    monkeypatch.setattr(worker_module, "load", drops)


@pytest.fixture
def worker(app: Flask, client: FlaskClient, tmp_path: Path) -> Worker:
    """LETTERS letters to one office by email, and a worker whose clock stands still: no lease
    runs out between its rounds."""
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    for n in range(LETTERS):
        assert post_letter(client, slug, email=f"w{n}@example.org").status_code == 303
    return Worker(app, clock=Clock())


def test_rows_not_reached_go_out_once_the_database_answers_again(
    app: Flask, worker: Worker, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _database_drops_at_row(patch, 2)
        with pytest.raises(OperationalError):
            worker.run_batch()
    assert _statuses(app) == [DeliveryStatus.SENT] + [DeliveryStatus.SENDING] * (LETTERS - 1)

    worker.run_batch()  # the database answers again
    assert _statuses(app) == [DeliveryStatus.SENT] * LETTERS
    assert len(smtp.to(OFFICE_EMAIL)) == LETTERS


def test_the_row_in_flight_waits_out_its_lease_and_others_keep_theirs(
    app: Flask, worker: Worker, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row whose send may have gone is not sent again at once; a row another worker has
    taken over meanwhile stays with that worker."""
    record = worker_module.record_success

    def lost(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("UPDATE", {}, Exception("server closed the connection"))

    with monkeypatch.context() as patch:
        patch.setattr(worker_module, "record_success", lost)  # the first send's outcome is lost
        with pytest.raises(OperationalError):
            worker.run_batch()
    assert worker_module.record_success is record
    with app.app_context():
        ids = list(db.session.scalars(select(Delivery.id).order_by(Delivery.id)))
        db.session.execute(
            update(Delivery).where(Delivery.id == ids[2]).values(lease_token="another-worker")
        )
        db.session.commit()

    worker.run_batch()
    sending, sent = DeliveryStatus.SENDING, DeliveryStatus.SENT
    assert _statuses(app) == [sending, sent, sending, sent]
    assert len(smtp.to(OFFICE_EMAIL)) == 3  # the first once, the second and fourth now
