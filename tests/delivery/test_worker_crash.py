"""A worker killed with SIGKILL mid-batch and restarted loses nothing and repeats at most one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.delivery.campaigns import bulk_email_deliveries
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import WorkerProcess, worker_env
from webapp.database import db
from webapp.delivery.outbox import status_counts
from webapp.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.slow

COUNT = 300
KILL_AFTER = 60  # messages: well into the second batch of 50
LEASE_SECONDS = 2
# The row in flight at the kill was leased for its send: the SMTP time limit plus the margin.
SMTP_TIMEOUT_SECONDS = 1
MARGIN_SECONDS = 1


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    # Each message is stored, then acknowledged 10 ms later: a kill lands between the two.
    with SmtpSink(delay=0.01) as sink:
        yield sink


def _run(
    env: dict[str, str],
    log: Path,
    *args: str,
    kill_after: int | None = None,
    smtp: SmtpSink | None = None,
) -> WorkerProcess:
    worker = WorkerProcess(env, log, "--batch", "50", *args)
    try:
        if kill_after is not None and smtp is not None:
            assert smtp.wait_for(kill_after, timeout=60), worker.output()
            worker.kill()
        else:
            assert worker.wait(timeout=120) == 0, worker.output()
    finally:
        worker.stop()
    return worker


def test_worker_killed_mid_batch_loses_nothing_and_repeats_only_the_message_in_flight(
    app: Flask, tmp_path: Path, smtp: SmtpSink
) -> None:
    expected = bulk_email_deliveries(app, tmp_path, COUNT)
    env = worker_env(
        app,
        smtp.url,
        OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        SMTP_TIMEOUT_SECONDS=str(SMTP_TIMEOUT_SECONDS),
        OUTBOX_LEASE_MARGIN_SECONDS=str(MARGIN_SECONDS),
    )
    _run(env, tmp_path / "killed.log", kill_after=KILL_AFTER, smtp=smtp)
    at_kill = smtp.messages
    assert KILL_AFTER <= len(at_kill) < COUNT
    with app.app_context():
        counts = status_counts(db.session())
    # Killed mid-batch: the rest of its claimed batch is still leased to the dead worker.
    assert counts.get(DeliveryStatus.SENDING.value, 0) > 0, counts
    # The dead worker's leases run out: the batch's claim and the in-flight row's send lease.
    time.sleep(max(LEASE_SECONDS, SMTP_TIMEOUT_SECONDS + MARGIN_SECONDS) + 0.5)
    # No kill lands in the restart: its 240 sends need not wait the 10 ms each (4.5 s a test).
    smtp.delay = 0.0
    restarted = _run(env, tmp_path / "restarted.log", "--once")
    assert f"sent {COUNT - counts['sent']}," in restarted.output(), restarted.output()
    ids = smtp.message_ids()
    assert set(ids) == set(expected), "a letter was lost (or an unknown one sent)"
    repeated = {message_id for message_id, n in ids.items() if n > 1}
    assert max(ids.values()) <= 2 and len(repeated) <= 1, repeated
    # Only the message the server had taken but not yet acknowledged may arrive twice.
    assert repeated <= {at_kill[-1].message_id}
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery)))
        assert {d.status for d in rows} == {DeliveryStatus.SENT}
        assert all(d.lease_expires_at is None and d.last_error is None for d in rows)
        assert {d.remote_reference for d in rows} == set(expected)
