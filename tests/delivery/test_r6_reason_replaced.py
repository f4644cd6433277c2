"""Review r6: a letter's reason is always that of its latest failure (a new one replaces the
old, a channel's fault included) and goes once the letter is sent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.test_failure_reasons import app_config  # noqa: F401 - the fixture
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.outcomes import retry_dead
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus, FailureReason

R = FailureReason


def _row(app: Flask) -> tuple[DeliveryStatus, FailureReason | None]:
    with app.app_context():
        status, reason = db.session.execute(select(Delivery.status, Delivery.failure_reason)).one()
        return status, reason


def test_each_new_failure_replaces_the_reason_and_a_send_clears_it(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "water", [office("Board", email=OFFICE_EMAIL)])
    assert post_letter(client, slug).status_code == 303
    now = utcnow()
    smtp.refuse(OFFICE_EMAIL, 550)
    Worker(app, clock=lambda: now).run_batch()
    assert _row(app) == (DeliveryStatus.DEAD, R.ADDRESS_REFUSED)
    with app.app_context():
        retry_dead(db.session(), now)
    smtp.refuse(OFFICE_EMAIL, 451)
    Worker(app, clock=lambda: now).run_batch()
    assert _row(app) == (DeliveryStatus.FAILED, R.UNAVAILABLE)
    smtp.stop()  # the relay is gone: the channel's fault, recorded on the letter waiting
    later = now + timedelta(days=1)
    Worker(app, clock=lambda: later).run_batch()
    assert _row(app) == (DeliveryStatus.FAILED, R.RELAY_UNREACHABLE)
    smtp.start()
    smtp.accept(OFFICE_EMAIL)
    latest = later + timedelta(days=1)
    Worker(app, clock=lambda: latest).run_batch()
    assert _row(app) == (DeliveryStatus.SENT, None)
