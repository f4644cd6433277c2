"""A worker killed with SIGKILL mid-batch and restarted loses nothing and repeats only one."""

from __future__ import annotations

import time
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
KILL_AT = 60  # the message in flight at the kill: well into the second batch of 50
LEASE_SECONDS = 2
# The row in flight at the kill was leased for its send: the SMTP time limit plus the margin.
SMTP_TIMEOUT_SECONDS = 1
MARGIN_SECONDS = 1


def _run(env: dict[str, str], log: Path, *args: str, smtp: SmtpSink | None = None) -> WorkerProcess:
    """The worker to the end; or, given `smtp` (with `block_at` set), killed while the server
    holds the blocked message, stored but not acknowledged: the send in flight at the kill."""
    worker = WorkerProcess(env, log, "--batch", "50", *args)
    try:
        if smtp is not None:
            assert smtp.wait_blocked(timeout=60) is not None, worker.output()
            worker.kill()
            smtp.release()
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
    smtp.block_at = KILL_AT
    _run(env, tmp_path / "killed.log", smtp=smtp)
    at_kill = smtp.messages
    assert len(at_kill) == KILL_AT  # the worker sends one message at a time
    in_flight = at_kill[-1].message_id
    with app.app_context():
        counts = status_counts(db.session())
    # Killed mid-batch: the rest of its claimed batch is still leased to the dead worker.
    assert counts.get(DeliveryStatus.SENDING.value, 0) > 0, counts
    # The dead worker's leases run out: the batch's claim and the in-flight row's send lease.
    time.sleep(max(LEASE_SECONDS, SMTP_TIMEOUT_SECONDS + MARGIN_SECONDS) + 0.5)
    restarted = _run(env, tmp_path / "restarted.log", "--once")
    assert f"sent {COUNT - counts['sent']}," in restarted.output(), restarted.output()
    ids = smtp.message_ids()
    assert set(ids) == set(expected), "a letter was lost (or an unknown one sent)"
    # The message the server had taken but not acknowledged arrives twice (its worker never
    # learnt it went); every other one once.
    repeated = {message_id: n for message_id, n in ids.items() if n > 1}
    assert repeated == {in_flight: 2}, repeated
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery)))
        assert {d.status for d in rows} == {DeliveryStatus.SENT}
        assert all(d.lease_expires_at is None and d.last_error is None for d in rows)
        assert {d.remote_reference for d in rows} == set(expected)
