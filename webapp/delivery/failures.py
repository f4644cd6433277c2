"""A send that failed: the letter's own fault uses an attempt, its channel's only makes it wait."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.channel_faults import ChannelFaults, Pause
from webapp.delivery.leases import Holder, key_of
from webapp.delivery.mailing_outcomes import MailingReport
from webapp.delivery.outcomes import RetryPolicy, record_channel_wait, record_failure
from webapp.delivery.postal_budget import free_places
from webapp.delivery.smtp import ChannelDown, SendError
from webapp.delivery.unreadable import (
    ROTATING,
    UNREADABLE,
    key_opens_others,
    rotation_half_done,
    wait_for_rotation,
)
from webapp.models import Channel, Delivery, DeliveryStatus, FailureReason, Notification

log = logging.getLogger(__name__)
COUNTS = ("claimed", "sent", "failed", "dead", "taken_over", "held", "mailings", "waiting")


@dataclass
class BatchReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    taken_over: int = 0  # claimed, then taken over by another worker (or deleted): not sent
    held: int = 0  # posted letters left with the organisers (budget reached, address refused)
    mailings: int = 0  # envelopes of batched post claimed (their letters count as sent)
    waiting: int = 0  # tried, and put back to wait for their channel (no attempt used)
    errors: list[str] = field(default_factory=list)

    def add(self, other: BatchReport) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add_mailings(self, done: MailingReport) -> None:
        """A batch of post: its envelopes count as claimed, its letters as sent."""
        self.claimed += done.mailings
        for name in ("mailings", "sent", "held", "failed", "waiting"):
            setattr(self, name, getattr(self, name) + getattr(done, name))


@dataclass
class Failures:
    """Records failed sends for one worker, and stops a channel found down."""

    holder: Holder
    policy: RetryPolicy
    clock: Callable[[], datetime]
    faults: ChannelFaults

    def record(
        self,
        session: Session,
        row: Delivery | Notification,
        exc: Exception,
        report: BatchReport,
        counted: bool,
        channel: Channel,
    ) -> Channel | None:
        """Record why `row` was not sent (`counted`: its send used an attempt; `channel`:
        what it went by, read before the row expired); the channel this stopped, if any."""
        if isinstance(exc, ChannelDown):
            return self.channel_failed(session, row, exc, report, counted, channel)
        self.own(session, row, exc, report)
        return None

    def unreadable(
        self, session: Session, row: Delivery | Notification, report: BatchReport
    ) -> bool:
        """A SealingError met by `row`: when the master key opens other supporters' data, it
        is this supporter's data alone that cannot be read, and the row is settled as not
        sendable (dead) so that it stops no one, or waits when other supporters' keys are not
        open to this worker either (a rotation half done); False when the key looks wrong."""
        if not key_opens_others(session, row):
            return False
        if rotation_half_done(session, row, self.clock()):  # it waits for the rotation, not dead
            report.waiting += wait_for_rotation(
                session, row, self.holder, self.clock(), self.policy
            )
            log.warning("%s %s waits: %s", type(row).__name__, key_of(row), ROTATING)
            return True
        self.own(session, row, SendError(UNREADABLE, True, FailureReason.UNREADABLE), report)
        return True

    def own(
        self, session: Session, row: Delivery | Notification, exc: Exception, report: BatchReport
    ) -> None:
        """Record a failure that may be the letter's own: it uses an attempt."""
        name, key = type(row).__name__, key_of(row)
        if not isinstance(exc, SendError):
            log.exception("%s %s failed unexpectedly", name, key)
            exc = SendError(f"{type(exc).__name__}: {exc}", permanent=True)
        permanent, reason = exc.permanent, exc.reason
        outcome = record_failure(
            session, row, self.holder, self.clock(), str(exc), self.policy, permanent, reason
        )
        if outcome is None:  # taken over, or deleted with its supporter's data meanwhile
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", name, key)
            return None
        report.dead += outcome is DeliveryStatus.DEAD
        if outcome is DeliveryStatus.DEAD and isinstance(row, Delivery):
            with write_transaction(session):
                free_places(session, [key])  # never posted: its budget place is free again
        report.failed += outcome is DeliveryStatus.FAILED
        report.errors.append(str(exc))
        log.warning("%s %s not sent (%s): %s", name, key, outcome.value, exc)

    def channel_failed(
        self,
        session: Session,
        row: Delivery | Notification,
        exc: ChannelDown,
        report: BatchReport,
        counted: bool,
        channel: Channel,
    ) -> Channel | None:
        name, key = type(row).__name__, key_of(row)
        met = Pause(type(row), key, str(exc))
        down = self.faults.fault(session, channel, exc.certain, met)
        if not down and not exc.certain:  # maybe this letter's own doing: it uses an attempt
            self.own(session, row, exc, report)
            return None
        now = self.clock()
        until = now + self.faults.delay(channel)
        args = (session, row, self.holder, now, str(exc), until, self.policy, counted)
        if record_channel_wait(*args, exc.reason):
            report.waiting += 1
            report.errors.append(str(exc))
        else:  # the fault was met all the same
            report.taken_over += 1
            log.info("%s %s is no longer ours to send", name, key)
        self.faults.pause(channel, type(row), key)
        log.warning(
            "%s channel stopped until %s: %s. Its letters wait and use no attempts; once "
            "mended, `flask outbox retry` sends them at once",
            channel.value,
            until.isoformat(timespec="seconds"),
            exc,
        )
        return channel
