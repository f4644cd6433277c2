"""The dashboard's word on the worker keeps the database's time: a host clock off, or a crash."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import Clock, database_moves_on
from webapp.database import utcnow
from webapp.delivery.worker import Worker

WARNING = "Letters are not being sent"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url}


@pytest.fixture
def dashboard(app: Flask) -> FlaskClient:
    return signed_in(app, ADMIN)


def _warns(dashboard: FlaskClient) -> bool:
    page = dashboard.get("/dashboard/")
    assert page.status_code == 200
    return WARNING in page.text


@pytest.mark.parametrize("ahead", [timedelta(minutes=10), timedelta(minutes=-10)])
def test_a_worker_hosts_clock_does_not_decide_whether_it_is_sending(
    app: Flask, dashboard: FlaskClient, ahead: timedelta
) -> None:
    """Its row said the time on its own host: 10 minutes ahead, it read active for 13 minutes
    after it died; 10 minutes behind, it read stopped while it worked."""
    Worker(app, "outbox-a", clock=Clock(utcnow() + ahead)).run(once=True)
    assert not _warns(dashboard)
    database_moves_on(app, timedelta(minutes=4))  # and it has stopped
    assert _warns(dashboard)
