"""A worker told to stop says so as it leaves: no "active" for three minutes after a restart."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import database_moves_on
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import WorkerHeartbeat
from webapp.services.worker_status import WorkerState, worker_status


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "OUTBOX_POLL_SECONDS": 0.02}


def _stopped(app: Flask, name: str) -> Worker:
    """A worker that ran until told to stop, as SIGTERM or Ctrl-C tells `flask outbox work`."""
    worker = Worker(app, name)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, kwargs={"stop": stop})
    thread.start()
    while not _row(app, name):  # its first beat is written on start
        thread.join(0.01)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    return worker


def _row(app: Flask, name: str) -> WorkerHeartbeat | None:
    with app.app_context():
        row = db.session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == name))
        db.session.expunge_all()
        return row


def _state(app: Flask) -> WorkerState:
    with app.app_context():
        return worker_status(db.session()).state


def test_a_worker_told_to_stop_reads_stopped_at_once(app: Flask) -> None:
    _stopped(app, "outbox-a")
    row = _row(app, "outbox-a")
    assert row is not None and row.stopped_at is not None and row.stopped_at == row.seen_at
    # Seconds after its last beat: before, this read "active" for three more minutes.
    assert _state(app) is WorkerState.STOPPED
    assert app.test_client().get("/api/health").get_json()["worker"] == "stopped"
    database_moves_on(app, timedelta(seconds=40))
    output = app.test_cli_runner().invoke(args=["outbox", "status"]).output
    assert "NOT SENDING: the last worker stopped 40 s ago; letters and emails wait" in output
    assert "worker outbox-a: stopped 40 s ago; last seen" in output, output


def test_the_worker_started_again_under_its_name_is_active(app: Flask) -> None:
    _stopped(app, "outbox-a")
    Worker(app, "outbox-a").run(once=True)
    row = _row(app, "outbox-a")
    assert row is not None and row.stopped_at is None
    assert _state(app) is WorkerState.ACTIVE


def test_a_restart_lists_the_old_worker_stopped_and_the_new_one_active(app: Flask) -> None:
    """`make run` restarted: the new worker has a new name (host:pid:thread) beside the old."""
    _stopped(app, "before-restart")
    Worker(app, "after-restart").run(once=True)
    assert _state(app) is WorkerState.ACTIVE
    output = app.test_cli_runner().invoke(args=["outbox", "status"]).output
    assert "sending: 1 worker(s) active" in output.splitlines(), output
    assert "worker after-restart: active;" in output
    assert "worker before-restart: stopped " in output


def test_a_once_run_ends_without_signing_off(app: Flask) -> None:
    """`--once` runs are started again by a timer: between two, letters are still being sent."""
    Worker(app, "timer").run(once=True)
    row = _row(app, "timer")
    assert row is not None and row.stopped_at is None
    assert _state(app) is WorkerState.ACTIVE


def test_a_sign_off_that_cannot_be_written_is_logged_and_the_worker_still_stops(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    worker = Worker(app, "outbox-a")
    worker.run(once=True)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE worker_heartbeat RENAME TO worker_heartbeat_away"))
    with caplog.at_level(logging.WARNING, logger="webapp.delivery.heartbeat"):
        assert worker.heartbeat.sign_off() is False
    (line,) = [r.getMessage() for r in caplog.records if "stop not recorded" in r.getMessage()]
    assert line in {
        f"worker stop not recorded: {e}" for e in ("OperationalError", "ProgrammingError")
    }
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE worker_heartbeat_away RENAME TO worker_heartbeat"))
