"""The outbox worker: claim due deliveries and supporter emails, send each, record every outcome."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from flask import Flask
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import ObjectDeletedError

from webapp.database import db, utcnow
from webapp.db_faults import out_of_reach, unavailable_cause
from webapp.delivery.batches import Batcher
from webapp.delivery.changeover import CivicDuties
from webapp.delivery.channel_faults import ChannelFaults, channel_of
from webapp.delivery.failures import BatchReport, Failures
from webapp.delivery.heartbeat import Heartbeat
from webapp.delivery.leases import (
    Holder,
    LeaseLost,
    Outboxed,
    Stranded,
    claim,
    hold_for_send,
    key_of,
    release,
)
from webapp.delivery.outbox import claimed_rows, email_wanted, load
from webapp.delivery.outcomes import policy_from_config, record_cancelled, record_success
from webapp.delivery.senders import senders_from_config
from webapp.delivery.sends import prepare_send
from webapp.delivery.smtp import Mailer
from webapp.delivery.upkeep import Upkeep
from webapp.models import Channel, Delivery, Notification
from webapp.sealing import SealingError

log = logging.getLogger(__name__)
# Named, never its value: the URL holds the database's password.
_CHECK_URL = " (check that the database runs and that DATABASE_URL names it)"
T = TypeVar("T")


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


__all__ = ["BatchReport", "Worker", "default_worker_id"]


class Worker:
    """Drains the outbox. One per process; several may run on PostgreSQL, one on SQLite."""

    def __init__(
        self, app: Flask, worker_id: str | None = None, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.app = app
        self.worker_id = worker_id or default_worker_id()
        self.holder = Holder(self.worker_id)
        self.stranded = Stranded(self.holder)
        self._in_flight: int | None = None  # the row being sent: its outcome may be unknown
        self.clock = clock
        config = app.config
        self.policy = policy_from_config(config)
        self.lease_margin = float(config["OUTBOX_LEASE_MARGIN_SECONDS"])
        self.batch_size = int(config["OUTBOX_BATCH_SIZE"])
        senders = senders_from_config(config)
        self.smtp, self.cwc_clients, self.postal = senders.smtp, senders.cwc_clients, senders.postal
        self.channels = senders.channels
        self.faults = ChannelFaults(self.policy)
        # What the dashboard reads; beaten between the steps of each round too.
        self.heartbeat = Heartbeat(app, self.worker_id, lambda: self.faults.halting)
        beat = self.heartbeat.beat
        self.upkeep = Upkeep(app, clock, beat)  # expiry, retention, surveys, tallies
        self.civic = CivicDuties(app, clock, beat)  # the daily roster sync and its changeover
        self.failures = Failures(self.holder, self.policy, clock, self.faults)
        self.batcher = (
            Batcher(
                self.postal,
                self.holder,
                self.policy,
                self.lease_margin,
                self.batch_size,
                clock,
                self.faults,
                beat,
            )
            if self.postal
            else None
        )

    def run_batch(self) -> BatchReport:
        """Claim and send one batch of deliveries, then one of supporter emails, on each
        channel not stopped by a fault."""
        report = BatchReport()
        now = self.clock()
        if self.faults.halted(now):
            return report
        if self.stranded:
            self._in_session(lambda session: self.stranded.give_back(session, now))
        if self.faults.pauses:
            self._in_session(lambda session: self.faults.refresh(session, now))
        try:
            if self.live_channels():
                self.send_claimed(Delivery, self.claim(Delivery), report)
            if self.batcher is not None and Channel.POST in self.live_channels():
                self.send_mailings(self.batcher, report)
            if self.smtp is not None and Channel.EMAIL in self.live_channels():
                self.send_claimed(Notification, self.claim(Notification), report)
        except SealingError as exc:
            # Not the letter's fault: every letter needs the key. Its rows were given back
            # untouched; one line a halt, each halt longer (the backoff's steps).
            self.faults.halt(now, exc)
        else:
            self.faults.unhalt()
        return report

    def live_channels(self) -> set[Channel]:
        """The channels this worker sends on now: those configured, less those stopped."""
        return self.channels - self.faults.paused

    def claim(self, model: Outboxed) -> list[int]:
        """Reserve a batch of due rows for this worker (each is still checked before its send)."""
        live = self.live_channels()
        ready = live if model is Delivery else Channel.EMAIL in live and self.smtp is not None
        if not ready:
            return []
        return self._in_session(
            lambda session: claim(
                session,
                model,
                self.holder,
                self.clock(),
                self.batch_size,
                self.policy.lease_seconds,
                live,
            )
        )

    def send_claimed(self, model: Outboxed, ids: list[int], report: BatchReport) -> None:
        """Send the claimed rows in turn, each only if this worker still holds it."""
        self._in_session(
            lambda session: self._send_all(
                session, model, claimed_rows(session, model, ids), report
            )
        )

    def _in_session(self, work: Callable[[Session], T]) -> T:
        with self.app.app_context():
            try:
                return work(db.session())
            finally:
                db.session.remove()

    def send_mailings(self, batcher: Batcher, report: BatchReport) -> None:
        """Make the day's mailings for batched offices and send those due."""
        batcher.batch_size = self.batch_size  # `--batch` sets it after start-up
        report.add_mailings(self._in_session(batcher.run))

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
        given_back: set[int] = set()  # rows of a channel stopped mid-batch: not tried now
        mailer = Mailer(self.smtp) if self.smtp else None
        index = 0
        try:
            for index, key in enumerate(keys):
                self._in_flight = None
                if key in given_back:
                    continue
                self.heartbeat.beat()  # between sends: the last outcome is committed
                # Each row is read afresh in its turn, as every commit before it would have
                # left it to be, and only it is in the session when its outcome commits: with
                # the whole batch in it, every commit walked every row's objects to expire them.
                session.expunge_all()
                row = next(iter(load(session, model, [key])), None)
                if row is None:  # deleted since the claim, with its supporter's data
                    report.taken_over += 1
                    log.info("%s %s is no longer ours to send", model.__name__, key)
                    continue
                try:
                    stopped = self._send_one(session, row, mailer, report)
                except SealingError:
                    release(session, model, keys[index:], self.holder, self.clock())
                    raise
                if stopped is not None:  # one failed login is enough to know
                    rest = keys[index + 1 :]
                    given_back.update(
                        release(session, model, rest, self.holder, self.clock(), stopped)
                    )
        except Exception:
            # Unsent rows go back as soon as the database answers again (the one in flight
            # waits out its lease: it may have gone).
            self.stranded.keep(model, [k for k in keys[index:] if k != self._in_flight])
            raise
        finally:
            if mailer is not None:
                mailer.close()

    def _send_one(
        self,
        session: Session,
        row: Delivery | Notification,
        mailer: Mailer | None,
        report: BatchReport,
    ) -> Channel | None:
        """Send one row and record how it went; the channel its failure stopped, if any.
        SealingError goes up when the master key opens no one's data: no letter can go."""
        # Each outcome is committed before the next send: a crash can repeat at most the one
        # message in flight, and that one carries the same Message-ID / DeliveryId again.
        # One reading of the clock decides whether the row still goes and what it says (a
        # confirmation email's time left): read twice, a letter could cross its deadline between.
        now, channel = self.clock(), channel_of(row)  # read before a commit expires the row
        try:
            if self._held(session, row):
                report.held += 1
                return None
            hours = int(self.app.config["CONFIRMATION_EXPIRY_HOURS"])
            if isinstance(row, Notification) and not email_wanted(session, row, now, hours):
                record_cancelled(session, row, self.holder, now)
                return None
            seconds, send = prepare_send(row, mailer, self.cwc_clients, self.postal, lambda: now)
        except (ObjectDeletedError, LeaseLost):  # deleted since the claim, or taken over
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", type(row).__name__, key_of(row))
            return None
        except SealingError:  # this supporter's data alone, or the master key (then it goes up)
            if not self.failures.unreadable(session, row, report):
                raise
            return None
        except Exception as exc:  # one bad row must not stop the outbox
            return self.failures.record(session, row, exc, report, False, channel)
        # Right before sending: renew the lease for longer than the send can last, or learn
        # that another worker took the row over (then it is theirs to send, not ours).
        self._in_flight = key_of(row)
        if not hold_for_send(session, row, self.holder, self.clock(), seconds + self.lease_margin):
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", type(row).__name__, key_of(row))
            return None
        try:
            status, reference = send()
        except Exception as exc:
            return self.failures.record(session, row, exc, report, True, channel)
        record_success(session, row, self.holder, self.clock(), status, reference)
        self.faults.ok(channel)
        report.sent += 1
        return None

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
        while stop is None or not stop.is_set():
            try:
                self.heartbeat.beat()
                self.civic.tick()
                self.upkeep.tick()
                self.heartbeat.beat()
                report = self.run_batch()
                self.heartbeat.beat(finished=True)
            except Exception as exc:  # e.g. the database is down: wait, retry
                if (cause := unavailable_cause(exc)) is None:
                    log.exception("outbox round failed; retrying after %.0f s", poll)
                else:  # one line a round: a 30 s restart wrote 1,900 lines of the same trace
                    check = _CHECK_URL if out_of_reach(exc) else ""
                    log.warning(
                        "outbox round failed: %s; retrying after %.0f s%s", cause, poll, check
                    )
                report = BatchReport()
                if once:
                    raise
            total.add(report)
            if report.claimed == 0:
                if once:
                    break
                if stop is not None:
                    stop.wait(poll)
                else:
                    time.sleep(poll)
        if stop is not None and stop.is_set():
            # Told to stop (not a --once run, which a timer starts again): say so now.
            self.heartbeat.sign_off()
        return total
