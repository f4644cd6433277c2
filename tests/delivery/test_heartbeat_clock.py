"""The dashboard's word on the worker keeps the database's time: a host clock off, or a crash."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.postal_world import Killed
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import Clock, database_moves_on
from tests.supporter.helpers import post_letter
from webapp.database import utcnow
from webapp.delivery import worker as worker_module
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


def test_a_worker_that_crashed_mid_round_reads_stopped_3_minutes_after_its_last_beat(
    app: Flask, client: FlaskClient, dashboard: FlaskClient, tmp_path: Path, monkeypatch: Any
) -> None:
    """Its other claimed letters kept their 5-minute leases, which read as a worker mid-round:
    the warning came 8 minutes after the crash."""
    slug = write_delivery_campaign(app, tmp_path, "water", [office("W", email=OFFICE_EMAIL)])
    for n in range(2):
        assert post_letter(client, slug, email=f"w{n}@example.org").status_code == 303

    def killed(*args: Any, **kwargs: Any) -> None:
        raise Killed  # the process dies after its first send, the other letter still claimed

    monkeypatch.setattr(worker_module, "record_success", killed)
    with pytest.raises(Killed):
        Worker(app, "outbox-a").run(once=True)
    database_moves_on(app, timedelta(minutes=2, seconds=30))
    assert not _warns(dashboard)
    database_moves_on(app, timedelta(minutes=1))
    assert _warns(dashboard)
