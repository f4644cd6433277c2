"""Two workers side by side on PostgreSQL send each of 5,000 letters exactly once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.delivery.campaigns import bulk_email_deliveries
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.workers import WorkerProcess, worker_env
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.slow

COUNT = 5000
WORKERS = ("worker-a", "worker-b")
HUNG_AFTER_SECONDS = 600
REPORT_RE = re.compile(r"claimed (\d+), sent (\d+), failed (\d+), dead (\d+)")


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend == "sqlite":
        pytest.skip(
            "SQLite runs one worker by design (its write lock serialises claims); "
            "concurrent workers rely on PostgreSQL's FOR UPDATE SKIP LOCKED"
        )


def test_two_workers_send_each_of_5000_letters_exactly_once(
    app: Flask, tmp_path: Path, smtp: SmtpSink
) -> None:
    expected = bulk_email_deliveries(app, tmp_path, COUNT)
    env = worker_env(app, smtp.url)
    workers = [
        WorkerProcess(env, tmp_path / f"{name}.log", "--once", "--worker-id", name)
        for name in WORKERS
    ]
    try:
        # Only a guard against a hung worker, not a speed bound (speed is bench's job): with
        # the suite's other process on the same 2 cores, 5,000 letters took up to about 120 s.
        codes = [worker.wait(timeout=HUNG_AFTER_SECONDS) for worker in workers]
    finally:
        for worker in workers:
            worker.stop()
    outputs = [worker.output() for worker in workers]
    assert codes == [0, 0], outputs
    ids = smtp.message_ids()
    assert len(ids) == COUNT and set(ids) == set(expected)
    assert [mid for mid, n in ids.items() if n > 1] == []
    reports = [REPORT_RE.search(output) for output in outputs]
    assert all(reports), outputs
    sent = [int(report[2]) for report in reports if report]
    assert sum(sent) == COUNT and all(n > 0 for n in sent), sent
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.claimed_by, func.count()).group_by(Delivery.claimed_by)
        ).all()
        by_worker = {worker_id: int(count) for worker_id, count in rows}
        statuses = set(db.session.scalars(select(Delivery.status).distinct()))
    assert set(by_worker) == set(WORKERS) and sum(by_worker.values()) == COUNT, by_worker
    assert sorted(by_worker.values()) == sorted(sent)
    assert statuses == {DeliveryStatus.SENT}
