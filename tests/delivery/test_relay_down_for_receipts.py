"""The relay down while only supporters' emails go (a confirmation link, receipts): organisers
see it on the dashboard and in `flask outbox status`. Those rows kept no reason, so the
channel-wide box stayed empty while no supporter heard back."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.test_confirmation import _write, app_config
from tests.delivery.workers import Clock
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import FailureReason, Notification, Role

__all__ = ["app_config"]  # mail over the SMTP stub (a fixture)
BOX = "Our mail relay is failing: supporters’ receipts are not going out"
STATUS = "SUPPORTER EMAILS NOT GOING OUT: our mail relay is failing"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    # Letters wait for their writer's click: the confirmation email is all the relay carries.
    targets = [office("Water Board", email=OFFICE_EMAIL)]
    return write_delivery_campaign(app, tmp_path, "confirm", targets, require_confirmation=True)


def _status(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "status"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_relay_outage_only_supporters_emails_met_shows_to_organisers(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    _write(client, slug, "rasha@example.org")
    smtp.stop()
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().waiting == 1
    with app.app_context():
        (email,) = db.session.scalars(select(Notification))
        assert email.failure_reason is FailureReason.RELAY_UNREACHABLE
        assert email.failed_at is not None
    admin = signed_in(app, ADMIN, Role.ADMIN)
    for page in ("", "/channels"):
        text = unescape(admin.get(f"/dashboard/campaigns/{slug}{page}").text)
        assert 'id="channel-trouble-supporter-emails"' in text, page
        assert BOX in text, page
        assert "Next try:" in text
    assert STATUS in _status(app)
    # The relay back: the email goes, its reason goes with it, and so does the box.
    smtp.start()
    clock.advance(minutes=30)
    assert worker.run_batch().sent == 1
    with app.app_context():
        (email,) = db.session.scalars(select(Notification))
        assert email.failure_reason is None
    assert "channel-trouble" not in admin.get(f"/dashboard/campaigns/{slug}").text
    assert "NOT GOING OUT" not in _status(app)
