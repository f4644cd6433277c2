"""GET /api/health: 200 while the process reaches its database, 503 when it does not, with the
worker's state told in both (a stopped worker leaves letters waiting, not the site down)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pg import free_port
from webapp import create_app
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.heartbeat import Heartbeat
from webapp.models import WorkerHeartbeat


def test_a_process_that_reaches_its_database_is_healthy(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "worker": "never"}
    assert response.headers["Cache-Control"] == "no-store"
    Heartbeat(app, "outbox-a", paused=lambda: False).beat()
    assert client.get("/api/health").get_json()["worker"] == "active"


def test_a_stopped_worker_is_told_but_the_site_still_serves(
    app: Flask, client: FlaskClient
) -> None:
    long_ago = utcnow() - timedelta(minutes=10)
    with app.app_context(), write_transaction(db.session()) as session:
        session.add(WorkerHeartbeat(worker_id="outbox-a", started_at=long_ago, seen_at=long_ago))
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "worker": "stopped"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_out_of_reach_is_a_503_naming_it(
    app_config: dict[str, Any],
    tmp_path: Path,
    backend: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'no such folder' / 'civic.db'}"
        if backend == "sqlite"
        else f"postgresql+psycopg://civic:secret-pw@127.0.0.1:{free_port()}/civic"
    )
    config = {**app_config, "SQLALCHEMY_DATABASE_URI": url}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)  # the test database's own, not this URL's
    unreachable = create_app(config)
    with caplog.at_level(logging.WARNING):
        response = unreachable.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unavailable",
        "worker": None,
    }
    assert "health check: the database did not answer (OperationalError)" in caplog.text
    assert "secret-pw" not in caplog.text
