"""A round longer than the dashboard's 3 minutes is a worker at work, not a stopped one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import app_config, president_campaign, write
from tests.delivery.workers import database_moves_on
from webapp.database import db, write_transaction
from webapp.delivery import heartbeat
from webapp.delivery.batches import Batcher
from webapp.delivery.mailing_outcomes import MailingReport
from webapp.delivery.worker import Worker
from webapp.models import Delivery, Mailing

__all__ = ["app_config"]  # the fixture, used by name
WARNING = "Letters are not being sent"


def test_a_slow_round_of_batched_post_is_not_reported_stopped(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub, monkeypatch: Any
) -> None:
    """Envelopes hold leases the dashboard did not look at, and the heartbeat waited for the
    round's end: three envelopes of 90 s each read as a stopped worker."""
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.0)  # each step is minutes long here
    app.config["POST_MAX_PAGES"] = 2  # three letters an envelope
    slug = president_campaign(app, tmp_path, post="batched")
    write(client, slug, 9)
    with app.app_context(), write_transaction(db.session()) as session:
        for row in session.scalars(select(Delivery)):  # yesterday's: mailed today
            row.created_at -= timedelta(days=1)
    dashboard = signed_in(app, ADMIN)
    warned: list[bool] = []
    send = Batcher.send

    def slow_send(batcher: Batcher, session: Any, mailing: Mailing, report: MailingReport) -> bool:
        database_moves_on(app, timedelta(seconds=90))
        page = dashboard.get("/dashboard/")
        warned.append(WARNING in page.text)
        return send(batcher, session, mailing, report)

    monkeypatch.setattr(Batcher, "send", slow_send)
    report = Worker(app, "outbox-a").run(once=True)
    assert (report.mailings, report.sent) == (3, 9)
    assert warned == [False, False, False]
