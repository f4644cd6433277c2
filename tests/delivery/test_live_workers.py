"""Three live workers on PostgreSQL behind a slow relay: each letter once, even after a kill."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.delivery.campaigns import bulk_email_deliveries
from tests.delivery.smtp_server import Received, SmtpSink
from tests.delivery.workers import WorkerProcess, worker_env
from webapp.database import db
from webapp.delivery.outbox import status_counts
from webapp.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.slow

NAMES = ("worker-a", "worker-b", "worker-c")
REPORT_RE = re.compile(r"claimed (\d+), sent (\d+), failed (\d+), dead (\d+), taken over (\d+)")
CLAIM_LEASE = 1  # seconds: far shorter than a batch takes at the relay's pace
SMTP_TIMEOUT = 4
MARGIN = 1


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite runs one worker by design; concurrent workers need PostgreSQL")


def _start(app: Flask, smtp: SmtpSink, tmp_path: Path, batch: int) -> list[WorkerProcess]:
    env = worker_env(
        app,
        smtp.url,
        OUTBOX_LEASE_SECONDS=str(CLAIM_LEASE),
        OUTBOX_BATCH_SIZE=str(batch),
        OUTBOX_POLL_SECONDS="0.2",
        SMTP_TIMEOUT_SECONDS=str(SMTP_TIMEOUT),
        OUTBOX_LEASE_MARGIN_SECONDS=str(MARGIN),
    )
    return [WorkerProcess(env, tmp_path / f"{n}.log", "--worker-id", n) for n in NAMES]


def _wait_all_sent(app: Flask, count: int, workers: list[WorkerProcess], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            counts = status_counts(db.session())
            db.session.remove()
        if counts.get(DeliveryStatus.SENT.value) == count:
            return
        time.sleep(0.2)
    pytest.fail(f"not all sent: {counts}\n" + "\n".join(w.output() for w in workers))


def _stop(workers: list[WorkerProcess]) -> list[tuple[int, ...]]:
    """SIGTERM the live workers; each one's report numbers."""
    reports = []
    for worker in workers:
        if worker.process.poll() is None:
            assert worker.terminate() == 0, worker.output()
            match = REPORT_RE.search(worker.output())
            assert match, worker.output()
            reports.append(tuple(int(n) for n in match.groups()))
    return reports


def test_three_workers_behind_a_slow_relay_send_each_letter_exactly_once(
    app: Flask, tmp_path: Path, smtp: SmtpSink
) -> None:
    count, batch = 40, 15
    smtp.delay = 0.25  # 15 messages take about 4 s: each claim runs out long before its batch
    expected = bulk_email_deliveries(app, tmp_path, count)
    workers = _start(app, smtp, tmp_path, batch)
    try:
        _wait_all_sent(app, count, workers, timeout=60)
        reports = _stop(workers)
    finally:
        for worker in workers:
            worker.stop()
    ids = smtp.message_ids()
    assert set(ids) == set(expected)
    assert {mid: n for mid, n in ids.items() if n > 1} == {}
    assert sum(r[1] for r in reports) == count, reports
    # The race the leases guard against did happen: rows claimed by one worker, left unsent
    # past their claim, were taken over by another (which used to send them twice).
    assert sum(r[4] for r in reports) > 0, reports


def test_a_worker_killed_mid_send_is_taken_over_and_only_that_message_goes_twice(
    app: Flask, tmp_path: Path, smtp: SmtpSink
) -> None:
    count = 30
    smtp.delay = 0.05
    smtp.block_at = 8  # the 8th message is stored, then gets no reply: the send hangs
    arrivals: dict[str, list[float]] = {}
    smtp.on_message = lambda m: arrivals.setdefault(m.message_id, []).append(time.monotonic())
    expected = bulk_email_deliveries(app, tmp_path, count)
    workers = _start(app, smtp, tmp_path, batch=5)
    try:
        blocked = smtp.wait_blocked(timeout=60)
        assert blocked is not None, [w.output() for w in workers]
        holder = _holder(app, blocked)
        killed = workers[NAMES.index(holder)]
        killed.kill()  # well within the send limit: the worker dies holding the row
        smtp.release()
        with app.app_context():
            row = _row(blocked)
            assert (row.status, row.claimed_by) == (DeliveryStatus.SENDING, holder)
            db.session.remove()
        others = [w for w in workers if w is not killed]
        _wait_all_sent(app, count, others, timeout=60)
        _stop(others)
    finally:
        for worker in workers:
            worker.stop()
    ids = smtp.message_ids()
    assert set(ids) == set(expected), "a letter was lost (or an unknown one sent)"
    assert {mid: n for mid, n in ids.items() if n > 1} == {blocked.message_id: 2}
    first, again = arrivals[blocked.message_id]
    # Taken over only once the in-flight lease (send limit plus margin) had run out.
    assert again - first >= SMTP_TIMEOUT, again - first
    with app.app_context():
        assert _row(blocked).claimed_by != holder
        rows = list(db.session.scalars(select(Delivery)))
        assert {d.status for d in rows} == {DeliveryStatus.SENT}
        assert {d.remote_reference for d in rows} == set(expected)


def _row(message: Received) -> Delivery:
    key = message.message_id.strip("<>").partition("@")[0]
    return db.session.scalars(select(Delivery).where(Delivery.idempotency_key == key)).one()


def _holder(app: Flask, message: Received) -> str:
    with app.app_context():
        claimed_by = _row(message).claimed_by
        db.session.remove()
    assert claimed_by in NAMES, claimed_by
    return claimed_by
