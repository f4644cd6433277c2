"""A commit by another connection mid-send does not fail a posted letter's write on SQLite."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import (
    app_config,
    president_campaign,
    rows,
    run_killed_after_the_call,
    write,
)
from webapp.database import utcnow
from webapp.delivery import heartbeat, mailing
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus

__all__ = ["app_config"]  # the fixture, used by name
LATER = {"email": "later@example.org"}


def test_a_letter_whose_worker_died_mid_render_goes_when_the_heartbeat_writes_before_it(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    postal: PostalStub,
    monkeypatch: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The batch's rows are read in a deferred transaction, the heartbeat commits on its own
    connection before the first send, and the letter's page count, set on the row (first
    counted now: its last worker died after taking its budget place), was flushed in that old
    read transaction: SQLite refuses the upgrade at once (SQLITE_BUSY_SNAPSHOT, "database is
    locked", no busy wait), the round failed and the letter sat in SENDING until its lease ran
    out again. A beat falls there whenever 30 s have passed since the last one."""
    slug = president_campaign(app, tmp_path)
    write(client, slug, 1)
    run_killed_after_the_call(monkeypatch, mailing, "page_count", Worker(app).run)
    (dying,) = rows(app)
    assert dying.postal_budget_day is not None and dying.postal_sheets is None
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.0)  # 30 s have passed at each beat
    later = utcnow() + timedelta(hours=1)  # the dead worker's lease has run out
    with caplog.at_level(logging.WARNING):
        report = Worker(app, clock=lambda: later).run(once=True)
    assert "outbox round failed" not in caplog.text
    assert (report.sent, report.failed) == (1, 0)
    (sent,) = rows(app)
    assert sent.status is DeliveryStatus.SENT and sent.postal_sheets == 1
    assert len(postal.printed) == 1


def test_a_posted_letter_goes_when_a_supporter_writes_while_it_is_laid_out(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    postal: PostalStub,
    monkeypatch: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same without the heartbeat: the row is read again after its budget place is taken,
    laid out (seconds, for a long letter), and a web process commits a new letter meanwhile."""
    slug = president_campaign(app, tmp_path)
    write(client, slug, 1)
    count: Callable[[str], int] = mailing.page_count
    arrived: list[int] = []

    def count_while_a_letter_arrives(html: str) -> int:
        if not arrived:
            arrived.append(1)
            # Another thread, as another process: its own app context, session and connection.
            web = threading.Thread(target=write, args=(client, slug, 1), kwargs=LATER)
            web.start()
            web.join()
        return count(html)

    monkeypatch.setattr(mailing, "page_count", count_while_a_letter_arrives)
    with caplog.at_level(logging.WARNING):
        report = Worker(app).run(once=True)
    assert "outbox round failed" not in caplog.text
    assert (report.sent, report.failed) == (2, 0)
    assert [r.status for r in rows(app)] == [DeliveryStatus.SENT] * 2
    assert len(postal.printed) == 2
