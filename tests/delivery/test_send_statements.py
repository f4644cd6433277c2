"""Each email the worker sends costs the same few statements, whatever the size of its batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.letter_statements import _kind
from tests.delivery.campaigns import (
    OFFICE_EMAIL,
    bulk_email_deliveries,
    office,
    write_delivery_campaign,
)
from tests.delivery.smtp_server import SmtpSink
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.worker import BatchReport, Worker

SMALL, LARGE = 4, 16


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url}


@contextmanager
def _counted(app: Flask) -> Iterator[tuple[Counter[str], list[int]]]:
    """Statements by kind, and how many objects the session held at each commit."""
    statements: Counter[str] = Counter()
    held: list[int] = []

    def statement(*args: Any) -> None:
        kind = _kind(args[2])  # before_cursor_execute(conn, cursor, statement, ...)
        if kind.startswith(("SELECT", "UPDATE")):  # not BEGIN, which only SQLite sends
            statements[kind] += 1

    def commit(session: Session) -> None:
        held.append(len(session.identity_map))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(Session, "before_commit", commit)
    try:
        yield statements, held
    finally:
        event.remove(Session, "before_commit", commit)
        event.remove(engine, "before_cursor_execute", statement)


def _send_one_batch(app: Flask, size: int) -> tuple[BatchReport, Counter[str], list[int]]:
    worker = Worker(app)
    worker.batch_size = size
    with _counted(app) as (statements, held):
        report = worker.run_batch()
    return report, statements, held


def _per_email(small: Counter[str], large: Counter[str]) -> dict[str, float]:
    """What one more letter in the batch costs, by kind."""
    costs = {kind: (large[kind] - small[kind]) / (LARGE - SMALL) for kind in large | small}
    return {kind: cost for kind, cost in costs.items() if cost}


def test_each_letter_to_an_office_costs_five_statements_and_holds_only_itself(
    app: Flask, tmp_path: Path, smtp: SmtpSink
) -> None:
    """Read its letter (one joined query, and its letter's other offices), lease it for the
    send, lock it and record the outcome. Before, each commit expired the whole batch, and each
    row then read its letter, supporter, campaign and texts one query each, twice."""
    bulk_email_deliveries(app, tmp_path, SMALL + LARGE)
    runs = []
    for count in (SMALL, LARGE):
        report, statements, held = _send_one_batch(app, count)
        assert (report.claimed, report.sent, report.errors) == (count, count, [])
        runs.append((statements, held))
    assert smtp.count() == SMALL + LARGE
    (small, small_held), (large, large_held) = runs
    assert _per_email(small, large) == {
        "SELECT … FROM delivery": 3.0,
        "UPDATE delivery SET": 2.0,
    }
    # A letter, its supporter, the campaign and the texts: the same at every commit, not
    # growing with the batch.
    assert max(large_held) == max(small_held) <= 6, (small_held, large_held)


def test_a_receipt_costs_six_statements(app: Flask, tmp_path: Path, smtp: SmtpSink) -> None:
    """A letter to one office sends two emails: the office's copy and the writer's receipt.
    The receipt reads the letter's offices and the campaign's, to name them as its reader
    does."""
    slug = write_delivery_campaign(app, tmp_path, "water", [office("Water", email=OFFICE_EMAIL)])
    runs = []
    for count in (SMALL, LARGE):
        for n in range(count):
            response = post_letter(app.test_client(), slug, email=f"r{count}-{n}@example.org")
            assert response.status_code == 303
        report, statements, held = _send_one_batch(app, 2 * count)
        assert (report.sent, report.errors) == (2 * count, [])
        runs.append((statements, held))
    (small, small_held), (large, large_held) = runs
    assert _per_email(small, large) == {
        "SELECT … FROM delivery": 3.0 + 1.0,  # the office's copy; the receipt's letter's offices
        "UPDATE delivery SET": 2.0,
        "SELECT … FROM notification": 2.0,
        "SELECT … FROM target": 1.0,  # the campaign's own names for its offices
        "UPDATE notification SET": 2.0,
    }
    assert max(large_held) == max(small_held), (small_held, large_held)
