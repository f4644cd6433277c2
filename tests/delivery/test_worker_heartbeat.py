"""The outbox worker's heartbeat: written on start and after rounds, throttled, never fatal."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import Clock, database_moves_on
from tests.statements import statements
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow, write_transaction
from webapp.delivery import heartbeat
from webapp.delivery.worker import BatchReport, Worker
from webapp.models import WorkerHeartbeat
from webapp.services.worker_status import WorkerState, worker_status


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "OUTBOX_POLL_SECONDS": 0.02}


def _rows(app: Flask) -> list[WorkerHeartbeat]:
    with app.app_context():
        rows = list(db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.worker_id)))
        db.session.expunge_all()
        return rows


def _heartbeat_writes(app: Flask) -> AbstractContextManager[list[str]]:
    """Every statement that writes the heartbeat table, as the database receives it."""
    return statements(app, lambda s: s.lstrip().upper().startswith("INSERT INTO WORKER_HEARTBEAT"))


class CountingWorker(Worker):
    rounds = 0

    def run_batch(self) -> BatchReport:
        self.rounds += 1
        return super().run_batch()


def _run_for(worker: Worker, seconds: float, rounds: int = 0) -> None:
    """Run the worker for `seconds`, or until a CountingWorker has done `rounds` rounds."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, kwargs={"stop": stop})
    thread.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (rounds and getattr(worker, "rounds", 0) >= rounds):
        time.sleep(0.01)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()


def _between(row: WorkerHeartbeat, before: datetime, after: datetime) -> bool:
    """Start, round and last beat in order, within the run, by the database's (this) clock."""
    assert row.round_at is not None
    slack = timedelta(seconds=1)  # SQLite's clock has milliseconds
    return before - slack <= row.started_at <= row.round_at <= row.seen_at <= after + slack


def test_a_worker_run_records_its_name_start_and_round_then_refreshes_them(app: Flask) -> None:
    # The worker's own clock is not what is written: the database's is.
    clock = Clock(utcnow() - timedelta(hours=5))
    before = utcnow()
    Worker(app, "outbox-a", clock=clock).run(once=True)
    (row,) = _rows(app)
    assert row.worker_id == "outbox-a" and _between(row, before, utcnow())
    with app.app_context():
        assert worker_status(db.session()).state is WorkerState.ACTIVE
    database_moves_on(app, timedelta(minutes=4))
    with app.app_context():
        assert worker_status(db.session()).state is WorkerState.STOPPED
    # Started again: a second worker beside it has its own row; the first one's is refreshed.
    database_moves_on(app, timedelta(minutes=6))
    before = utcnow()
    Worker(app, "outbox-b", clock=clock).run(once=True)
    Worker(app, "outbox-a", clock=clock).run(once=True)
    rows = _rows(app)
    assert [r.worker_id for r in rows] == ["outbox-a", "outbox-b"]
    assert all(_between(r, before, utcnow()) for r in rows)


def test_the_heartbeat_is_written_every_half_minute_not_every_poll(app: Flask) -> None:
    worker = CountingWorker(app, "outbox-a")
    with _heartbeat_writes(app) as written:
        # Ten polls, however long a loaded machine takes over them (well within 30 s).
        _run_for(worker, 20.0, rounds=10)
    # On start and at the first round's end; then not again within 30 s, over ten polls.
    assert worker.rounds >= 10 and len(written) == 2, (worker.rounds, len(written))


def test_a_long_running_worker_keeps_its_heartbeat_fresh(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.2)
    worker = CountingWorker(app, "outbox-a")
    with _heartbeat_writes(app) as written:
        _run_for(worker, 0.25)
        first = _rows(app)[0].seen_at
        _run_for(worker, 1.0)
    (row,) = _rows(app)
    assert row.seen_at > first and 5 <= len(written) < worker.rounds


def test_old_workers_rows_are_pruned_by_a_live_worker(app: Flask) -> None:
    clock = Clock()
    with app.app_context(), write_transaction(db.session()) as session:
        for name, ago in (("gone", timedelta(days=1, minutes=1)), ("recent", timedelta(hours=23))):
            when = clock.now - ago
            session.add(WorkerHeartbeat(worker_id=name, started_at=when, seen_at=when))
    Worker(app, "outbox-a", clock=clock).run(once=True)
    assert [r.worker_id for r in _rows(app)] == ["outbox-a", "recent"]


def test_letters_are_sent_when_the_heartbeat_cannot_be_written(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    smtp: SmtpSink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "water", [office("Water", email=OFFICE_EMAIL)])
    assert post_letter(client, slug).status_code == 303
    # A real database error on every heartbeat write (a missing table), nothing else touched.
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE worker_heartbeat RENAME TO worker_heartbeat_away"))
    try:
        with caplog.at_level(logging.WARNING, "webapp.delivery.heartbeat"):
            report = Worker(app, "outbox-a").run(once=True)
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE worker_heartbeat_away RENAME TO worker_heartbeat"))
    assert (report.sent, report.failed, report.dead) == (2, 0, 0)  # the office and the receipt
    assert len(smtp.to(OFFICE_EMAIL)) == 1
    assert "worker heartbeat not written (sending goes on)" in caplog.text
    assert _rows(app) == []


def test_outbox_status_lists_each_workers_last_heartbeat(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert "workers: none seen" in runner.invoke(args=["outbox", "status"]).output
    Worker(app, "outbox-a", clock=Clock(utcnow() + timedelta(minutes=10))).run(once=True)
    database_moves_on(app, timedelta(minutes=5))
    (row,) = _rows(app)
    output = runner.invoke(args=["outbox", "status"]).output
    seen = f"{row.seen_at:%Y-%m-%d %H:%M:%S} UTC"
    assert f"worker outbox-a: not sending, silent for 5 min; last seen {seen} (30" in output
    assert f"last round {row.round_at:%Y-%m-%d %H:%M:%S} UTC" in output


def test_outbox_status_says_first_whether_letters_are_being_sent(app: Flask) -> None:
    """Workers stopped earlier keep their rows a day (each restart of `make run` adds one): the
    command says first, as the dashboard does, whether any worker sends now, and each row
    whether it is active, not a bare "(stopped?)" beside them all alike."""
    runner = app.test_cli_runner()
    Worker(app, "before-restart").run(once=True)
    database_moves_on(app, timedelta(hours=2, minutes=5))
    output = runner.invoke(args=["outbox", "status"]).output
    assert "NOT SENDING: no worker seen for 2 h 5 min; letters and emails wait" in output, output
    assert "worker before-restart: not sending, silent for 2 h 5 min;" in output, output
    Worker(app, "after-restart").run(once=True)
    output = runner.invoke(args=["outbox", "status"]).output
    lines = output.splitlines()
    assert "sending: 1 worker(s) active" in lines, output
    assert lines.index("sending: 1 worker(s) active") < next(
        i for i, line in enumerate(lines) if line.startswith("worker ")
    )
    assert "worker after-restart: active; last seen" in output, output
    assert "worker before-restart: not sending, silent for 2 h 5 min;" in output, output
    assert "NOT SENDING" not in output
