"""The outbox worker: claim due deliveries and supporter emails, send each, record every outcome."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import ObjectDeletedError

from webapp.database import db, utcnow, write_transaction
from webapp.delivery.batches import Batcher
from webapp.delivery.changeover import CivicDuties
from webapp.delivery.heartbeat import Heartbeat
from webapp.delivery.leases import Holder, LeaseLost, Outboxed, claim, hold_for_send, key_of
from webapp.delivery.outbox import claimed_rows, expire_if_too_late, load
from webapp.delivery.outcomes import (
    policy_from_config,
    record_cancelled,
    record_failure,
    record_success,
)
from webapp.delivery.postal_budget import free_places
from webapp.delivery.senders import senders_from_config
from webapp.delivery.sends import prepare_send
from webapp.delivery.smtp import Mailer, SendError
from webapp.delivery.upkeep import Upkeep
from webapp.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SubmissionStatus,
)
from webapp.services.reply_survey import SURVEY_KINDS, still_wanted

log = logging.getLogger(__name__)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass
class BatchReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    taken_over: int = 0  # claimed, then taken over by another worker (or deleted): not sent
    held: int = 0  # posted letters left with the organisers (budget reached, address refused)
    mailings: int = 0  # envelopes of batched post claimed (their letters count as sent)
    errors: list[str] = field(default_factory=list)


class Worker:
    """Drains the outbox. One per process; several may run on PostgreSQL, one on SQLite."""

    def __init__(
        self, app: Flask, worker_id: str | None = None, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.app = app
        self.worker_id = worker_id or default_worker_id()
        self.holder = Holder(self.worker_id)
        self.clock = clock
        config = app.config
        self.policy = policy_from_config(config)
        self.lease_margin = float(config["OUTBOX_LEASE_MARGIN_SECONDS"])
        self.batch_size = int(config["OUTBOX_BATCH_SIZE"])
        senders = senders_from_config(config)
        self.smtp, self.cwc_clients, self.postal = senders.smtp, senders.cwc_clients, senders.postal
        self.channels = senders.channels
        self.civic = CivicDuties(app, clock)  # the daily roster sync and its changeover
        self.upkeep = Upkeep(app, clock)  # expiry, retention, surveys, tallies
        self.batcher = (
            Batcher(
                self.postal, self.holder, self.policy, self.lease_margin, self.batch_size, clock
            )
            if self.postal
            else None
        )

    def run_batch(self) -> BatchReport:
        """Claim and send one batch of deliveries, then one of supporter emails."""
        report = BatchReport()
        if self.channels:
            self.send_claimed(Delivery, self.claim(Delivery), report)
        if self.batcher is not None:
            self.send_mailings(self.batcher, report)
        if self.smtp is not None:
            self.send_claimed(Notification, self.claim(Notification), report)
        return report

    def claim(self, model: Outboxed) -> list[int]:
        """Reserve a batch of due rows for this worker (each is still checked before its send)."""
        ready = self.channels if model is Delivery else self.smtp is not None
        if not ready:
            return []
        with self.app.app_context():
            try:
                return claim(
                    db.session(),
                    model,
                    self.holder,
                    self.clock(),
                    self.batch_size,
                    self.policy.lease_seconds,
                    self.channels,
                )
            finally:
                db.session.remove()

    def send_claimed(self, model: Outboxed, ids: list[int], report: BatchReport) -> None:
        """Send the claimed rows in turn, each only if this worker still holds it."""
        with self.app.app_context():
            session = db.session()
            try:
                self._send_all(session, model, claimed_rows(session, model, ids), report)
            finally:
                db.session.remove()

    def send_mailings(self, batcher: Batcher, report: BatchReport) -> None:
        """Make the day's mailings for batched offices and send those due."""
        batcher.batch_size = self.batch_size  # `--batch` sets it after start-up
        with self.app.app_context():
            try:
                done = batcher.run(db.session())
            finally:
                db.session.remove()
        report.claimed += done.mailings
        report.mailings += done.mailings
        report.sent += done.sent
        report.held += done.held
        report.failed += done.failed

    def _send_all(
        self,
        session: Session,
        model: Outboxed,
        rows: list[Delivery | Notification],
        report: BatchReport,
    ) -> None:
        report.claimed += len(rows)
        rows = self.civic.divert(session, rows, self.holder)
        if not rows:
            return
        keys = [key_of(row) for row in rows]
        mailer = Mailer(self.smtp) if self.smtp else None
        try:
            for key in keys:
                # Each row is read afresh in its turn, as every commit before it would have
                # left it to be, and only it is in the session when its outcome commits: with
                # the whole batch in it, every commit walked every row's objects to expire them.
                session.expunge_all()
                row = next(iter(load(session, model, [key])), None)
                if row is None:  # deleted since the claim, with its supporter's data
                    report.taken_over += 1
                    log.info("%s %s is no longer ours to send", model.__name__, key)
                    continue
                self._send_one(session, row, mailer, report)
        finally:
            if mailer is not None:
                mailer.close()

    def _send_one(
        self,
        session: Session,
        row: Delivery | Notification,
        mailer: Mailer | None,
        report: BatchReport,
    ) -> None:
        # Each outcome is committed before the next send: a crash can repeat at most the one
        # message in flight, and that one carries the same Message-ID / DeliveryId again.
        # One reading of the clock decides whether the row still goes and what it says (a
        # confirmation email's time left): read twice, a letter could cross its deadline between.
        now = self.clock()
        try:
            if self._held(session, row):
                report.held += 1
                return
            if isinstance(row, Notification) and not self._wanted(session, row, now):
                record_cancelled(session, row, self.holder, now)
                return
            seconds, send = prepare_send(row, mailer, self.cwc_clients, self.postal, lambda: now)
        except (ObjectDeletedError, LeaseLost):  # deleted since the claim, or taken over
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", type(row).__name__, key_of(row))
            return
        except Exception as exc:  # one bad row must not stop the outbox
            self._failed(session, row, exc, report)
            return
        # Right before sending: renew the lease for longer than the send can last, or learn
        # that another worker took the row over (then it is theirs to send, not ours).
        if not hold_for_send(session, row, self.holder, self.clock(), seconds + self.lease_margin):
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", type(row).__name__, key_of(row))
            return
        try:
            status, reference = send()
        except Exception as exc:
            self._failed(session, row, exc, report)
            return
        record_success(session, row, self.holder, self.clock(), status, reference)
        report.sent += 1

    def _failed(
        self, session: Session, row: Delivery | Notification, exc: Exception, report: BatchReport
    ) -> None:
        name, key = type(row).__name__, key_of(row)
        if not isinstance(exc, SendError):
            log.exception("%s %s failed unexpectedly", name, key)
            exc = SendError(f"{type(exc).__name__}: {exc}", permanent=True)
        outcome = record_failure(
            session, row, self.holder, self.clock(), str(exc), self.policy, exc.permanent
        )
        if outcome is None:  # taken over, or deleted with its supporter's data meanwhile
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", name, key)
            return
        report.dead += outcome is DeliveryStatus.DEAD
        if outcome is DeliveryStatus.DEAD and isinstance(row, Delivery):
            with write_transaction(session):
                free_places(session, [key])  # never posted: its budget place is free again
        report.failed += outcome is DeliveryStatus.FAILED
        report.errors.append(str(exc))
        log.warning("%s %s not sent (%s): %s", name, key, outcome.value, exc)

    def _wanted(self, session: Session, row: Notification, now: datetime) -> bool:
        """Whether a supporter email is still to go. A letter past its confirmation window
        expires here, not at the next expiry round: its confirmation email would offer a click
        that can no longer confirm it, and its receipt link goes without one. A confirmation
        email still retrying when its letter was confirmed another way (a receipt link's link)
        or ended would ask for a click that means nothing, unless an organiser released the
        letter and the click still proves the address."""
        if row.kind in SURVEY_KINDS:
            return still_wanted(row)
        hours = int(self.app.config["CONFIRMATION_EXPIRY_HOURS"])
        letter = row.submission
        if letter is None:
            return True
        if expire_if_too_late(session, letter, now, hours):
            return row.kind is not NotificationKind.CONFIRMATION
        if row.kind is NotificationKind.CONFIRMATION:
            return letter.status is SubmissionStatus.UNCONFIRMED or letter.released_unproven
        return True

    def _held(self, session: Session, row: Delivery | Notification) -> bool:
        """A posted letter over budget or to a refused address waits with the organisers."""
        if self.postal is None or not isinstance(row, Delivery) or row.channel is not Channel.POST:
            return False
        return self.postal.hold_if_needed(session, row, self.holder, self.clock())

    def run(self, once: bool = False, stop: threading.Event | None = None) -> BatchReport:
        """Loop until stopped; with `once`, until nothing is due."""
        total = BatchReport()
        poll = float(self.app.config["OUTBOX_POLL_SECONDS"])
        self.upkeep.start()
        heartbeat = Heartbeat(self.app, self.worker_id, self.clock)  # what the dashboard reads
        while stop is None or not stop.is_set():
            try:
                heartbeat.beat()
                self.civic.tick()
                self.upkeep.tick()
                report = self.run_batch()
                heartbeat.beat(finished=True)
            except Exception:  # e.g. the database is down: wait, retry
                log.exception("outbox round failed; retrying after %.0f s", poll)
                report = BatchReport()
                if once:
                    raise
            for name in ("claimed", "sent", "failed", "dead", "taken_over", "held", "mailings"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if report.claimed == 0:
                if once:
                    break
                if stop is not None:
                    stop.wait(poll)
                else:
                    time.sleep(poll)
        return total
