"""A worker sends a row only while it holds the row's lease; a row taken over is not its own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.leases import Outboxed, hold_for_send
from webapp.delivery.outcomes import record_failure, record_success
from webapp.delivery.worker import BatchReport, Worker
from webapp.models import Delivery, DeliveryStatus, Notification

CLAIM_LEASE = 60
SMTP_TIMEOUT = 20.0
MARGIN = 30.0
LETTERS = 3
SCHOOL_EMAIL = "desk@school-board.example.org"
EXPECTED = {Delivery: 2 * LETTERS, Notification: LETTERS}  # two offices and a receipt each


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": SMTP_TIMEOUT,
        "OUTBOX_LEASE_SECONDS": CLAIM_LEASE,
        "OUTBOX_LEASE_MARGIN_SECONDS": MARGIN,
    }


@pytest.fixture
def letters(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    targets = [office("Water Board", email=OFFICE_EMAIL), office("School", email=SCHOOL_EMAIL)]
    slug = write_delivery_campaign(app, tmp_path, "water", targets)
    for n in range(LETTERS):
        assert post_letter(client, slug, email=f"s{n}@example.org").status_code == 303


def _rows(app: Flask, model: Outboxed) -> list[Delivery | Notification]:
    with app.app_context():
        rows: list[Delivery | Notification] = list(db.session.scalars(select(model)))
        db.session.expunge_all()
        return rows


@pytest.mark.usefixtures("letters")
@pytest.mark.parametrize("model", [Delivery, Notification], ids=["letters", "receipts"])
def test_a_worker_whose_claim_was_taken_over_does_not_send(
    app: Flask, smtp: SmtpSink, model: Outboxed
) -> None:
    clock = Clock()
    slow, quick = Worker(app, "slow", clock), Worker(app, "quick", clock)
    claimed = slow.claim(model)
    assert len(claimed) == EXPECTED[model]
    clock.advance(seconds=CLAIM_LEASE + 1)  # slow fell behind: its claim ran out unsent
    assert quick.claim(model) == claimed
    late = BatchReport()
    slow.send_claimed(model, claimed, late)  # slow gets round to its batch at last
    assert (late.claimed, late.sent, late.taken_over, late.failed) == (
        len(claimed),
        0,
        len(claimed),
        0,
    )
    assert smtp.count() == 0
    done = BatchReport()
    quick.send_claimed(model, claimed, done)
    assert (done.sent, done.taken_over) == (len(claimed), 0)
    ids = smtp.message_ids()
    assert len(ids) == len(claimed) and set(ids.values()) == {1}
    rows = _rows(app, model)
    assert {(r.status, r.claimed_by, r.attempts) for r in rows} == {
        (DeliveryStatus.SENT, "quick", 1)
    }


@pytest.mark.usefixtures("letters")
@pytest.mark.parametrize("model", [Delivery, Notification], ids=["letters", "receipts"])
def test_the_former_holder_can_neither_renew_nor_record_an_outcome(
    app: Flask, model: Outboxed
) -> None:
    clock = Clock()
    slow, quick = Worker(app, "slow", clock), Worker(app, "quick", clock)
    first = slow.claim(model)[0]
    clock.advance(seconds=CLAIM_LEASE + 1)
    assert first in quick.claim(model)
    with app.app_context():
        session = db.session()
        row = session.get(model, first)
        assert row is not None
        assert not hold_for_send(session, row, slow.holder, clock(), 50)
        record_success(session, row, slow.holder, clock())
        record_failure(session, row, slow.holder, clock(), "late", slow.policy, permanent=True)
        session.refresh(row)
        assert row.status is DeliveryStatus.SENDING and row.lease_token == quick.holder.token
        assert row.attempts == 0 and row.last_error is None
        assert hold_for_send(session, row, quick.holder, clock(), 50)
        session.refresh(row)
        assert row.attempts == 1 and row.lease_expires_at == clock() + timedelta(seconds=50)


@pytest.mark.usefixtures("letters")
def test_workers_given_the_same_name_still_hold_apart(app: Flask, smtp: SmtpSink) -> None:
    clock = Clock()
    first, second = Worker(app, "outbox", clock), Worker(app, "outbox", clock)
    assert first.holder.token != second.holder.token
    claimed = first.claim(Delivery)
    clock.advance(seconds=CLAIM_LEASE + 1)
    assert second.claim(Delivery) == claimed
    report = BatchReport()
    first.send_claimed(Delivery, claimed, report)
    assert (report.sent, report.taken_over) == (0, len(claimed)) and smtp.count() == 0


@pytest.mark.usefixtures("letters")
@pytest.mark.parametrize("model", [Delivery, Notification], ids=["letters", "receipts"])
def test_a_row_in_flight_is_leased_for_the_send_limit_plus_margin_not_the_claim(
    app: Flask, smtp: SmtpSink, model: Outboxed
) -> None:
    app.config["OUTBOX_LEASE_SECONDS"] = 1  # the claim alone would run out at once
    clock = Clock()
    sender = Worker(app, "sender", clock)
    limit = timedelta(seconds=SMTP_TIMEOUT + MARGIN)
    seen: list[tuple[int, timedelta, list[int], list[int]]] = []

    def while_in_flight(received: Received) -> None:
        # The sender is waiting for the server's reply: other workers try to take over.
        if seen:
            return
        with app.app_context():
            leases = db.session.execute(
                select(model.id, model.lease_expires_at).where(
                    model.status == DeliveryStatus.SENDING
                )
            ).all()
            db.session.remove()
        row_id, until = max(leases, key=lambda lease: lease[1])
        before = Worker(app, "before", Clock(clock.now + limit - timedelta(seconds=1)))
        after = Worker(app, "after", Clock(clock.now + limit + timedelta(seconds=1)))
        seen.append((row_id, until - clock.now, before.claim(model), after.claim(model)))

    smtp.on_message = while_in_flight
    report = BatchReport()
    sender.send_claimed(model, sender.claim(model), report)
    assert seen, "no message was sent"
    row_id, lease, before, after = seen[0]
    assert lease == limit
    # The rest of the batch, leased only by the claim, is up for grabs; the row in flight is
    # not, until its send limit and margin have passed.
    assert len(before) == EXPECTED[model] - 1 and row_id not in before
    assert row_id in after
    assert report.sent == 1 and report.taken_over == EXPECTED[model] - 1
    assert smtp.count() == 1
