"""The outbox: record each outcome, back off, give up, expire (claiming is in leases.py)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from webapp.database import write_transaction
from webapp.delivery.channels import initial_status
from webapp.delivery.leases import Holder, Leased, Outboxed, locked_if_held
from webapp.models import (
    DUE_STATUSES,
    Channel,
    Delivery,
    DeliveryStatus,
    Mailing,
    Notification,
    NotificationKind,
    PostalStatus,
    Submission,
    SubmissionStatus,
)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: int = 60
    max_seconds: int = 6 * 3600
    lease_seconds: int = 300  # how long a claimed row waits for its turn in the batch
    confirm_within_hours: int = 72  # a confirmation email retries this long after its letter

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """Exponential backoff with jitter: half the step fixed, half random, so retries spread."""
        step = min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        jitter = (rng or random).uniform(0.5, 1.0)
        return timedelta(seconds=step * jitter)


def policy_from_config(config: Any) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=int(config["OUTBOX_MAX_ATTEMPTS"]),
        base_seconds=int(config["OUTBOX_BACKOFF_BASE_SECONDS"]),
        max_seconds=int(config["OUTBOX_BACKOFF_MAX_SECONDS"]),
        lease_seconds=int(config["OUTBOX_LEASE_SECONDS"]),
        confirm_within_hours=int(config["CONFIRMATION_EXPIRY_HOURS"]),
    )


def record_success(
    session: Session,
    row: Delivery | Notification,
    holder: Holder,
    now: datetime,
    status: DeliveryStatus = DeliveryStatus.SENT,
    reference: str | None = None,
) -> None:
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            return
        row.status = status
        row.sent_at = now
        row.last_error = None
        row.lease_expires_at = None
        row.next_attempt_at = None
        if isinstance(row, Delivery) and reference:
            row.remote_reference = reference[:200]
        if isinstance(row, Delivery) and row.channel is Channel.POST:
            row.postal_status = PostalStatus.CREATED
            row.postal_updated_at = now


def record_held(session: Session, row: Delivery, holder: Holder, now: datetime, why: str) -> None:
    """Not posted (budget reached, address refused): the letter waits with the organisers, who
    can hand it over in the office's packet. The reason shows on the channel map."""
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            return
        row.status = DeliveryStatus.PACKET
        row.last_error = why[:2000]
        row.failed_at = now
        row.lease_expires_at = None
        row.next_attempt_at = None


def record_cancelled(
    session: Session, row: Delivery | Notification, holder: Holder, now: datetime
) -> None:
    """Not sent, on purpose: e.g. a survey email whose supporter unsubscribed meanwhile."""
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            return
        row.status = DeliveryStatus.CANCELLED
        row.lease_expires_at = None
        row.next_attempt_at = None
        row.updated_at = now


def record_failure(
    session: Session,
    row: Leased,
    holder: Holder,
    now: datetime,
    error: str,
    policy: RetryPolicy,
    permanent: bool = False,
) -> DeliveryStatus | None:
    """Failed now: retry later with backoff, or dead once attempts run out (or it is hopeless).
    None when the row is no longer this worker's: taken over by another, or deleted."""
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            return None
        row.last_error = error[:2000]
        row.lease_expires_at = None
        if isinstance(row, Delivery | Mailing):  # dates the channel map's "last failure"
            row.failed_at = now
        if permanent or (row.attempts >= policy.max_attempts and not _awaited(row, now, policy)):
            row.status = DeliveryStatus.DEAD
            row.next_attempt_at = None
        else:
            row.status = DeliveryStatus.FAILED
            row.next_attempt_at = now + policy.delay(row.attempts)
        return row.status


def _awaited(row: Leased, now: datetime, policy: RetryPolicy) -> bool:
    """A confirmation email keeps its retries while its letter waits within the confirmation
    window: given up after the few hours the attempts last, a mail server's outage would leave
    the letter to expire unsent although its writer did all they were asked."""
    if not isinstance(row, Notification) or row.kind is not NotificationKind.CONFIRMATION:
        return False
    letter = row.submission
    return (
        letter is not None
        and letter.status is SubmissionStatus.UNCONFIRMED
        and letter.created_at >= now - timedelta(hours=policy.confirm_within_hours)
    )


def retry_dead(session: Session, now: datetime, campaign_id: int | None = None) -> int:
    """Give dead deliveries (and supporter emails) a fresh set of attempts, due now."""
    total = 0
    with write_transaction(session):
        for model in (Delivery, Notification):
            query = update(model).where(model.status == DeliveryStatus.DEAD)
            if campaign_id is not None:
                query = query.where(
                    model.submission_id.in_(
                        select(Submission.id).where(Submission.campaign_id == campaign_id)
                    )
                )
            result = session.execute(
                query.values(
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    last_error=None,
                    updated_at=now,
                ).execution_options(synchronize_session=False)
            )
            total += int(getattr(result, "rowcount", 0) or 0)
    return total


def confirm_submission(
    session: Session,
    submission: Submission,
    now: datetime,
    email_verified: bool = True,
    expiry_hours: int | None = None,
) -> bool:
    """Confirmed by the supporter's link: deliveries become due, and the address is proven.

    False if it had expired or was declined. A letter not held that waited more than
    `expiry_hours` expires here, as the worker would expire it; a held one waits for its
    sender or an organiser however long it takes, as `expire_unconfirmed` lets it.
    """
    with write_transaction(session):
        # Locked as it is read again, so an organiser's decline and this click cannot both
        # succeed.
        session.refresh(submission, with_for_update=True)
        if submission.status in (SubmissionStatus.EXPIRED, SubmissionStatus.DECLINED):
            return False
        if submission.status is SubmissionStatus.CONFIRMED:
            # Released by an organiser before the sender clicked: the click still proves
            # the address (partner lists and CWC's EmailValidation read it).
            submission.email_verified = submission.email_verified or email_verified
            return True
        if expiry_hours is not None and too_late(submission, now, expiry_hours):
            never_send(session, [submission.id], SubmissionStatus.EXPIRED, now)
            session.refresh(submission)
            return False
        mark_confirmed(session, submission, now, email_verified)
    return True


def too_late(submission: Submission, now: datetime, expiry_hours: int) -> bool:
    """Whether an unconfirmed letter waited too long for its writer's click: one not held
    expires `expiry_hours` after it was written; a held one waits for its writer or an
    organiser however long it takes."""
    left = time_left(submission, now, expiry_hours)
    return left is not None and left < timedelta(0)


def time_left(submission: Submission, now: datetime, expiry_hours: int) -> timedelta | None:
    """How long the letter's writer still has to confirm it (negative once too late), or None
    for a held letter, which has no deadline."""
    if submission.held:
        return None
    return submission.created_at + timedelta(hours=expiry_hours) - now


def expire_if_too_late(
    session: Session, submission: Submission, now: datetime, expiry_hours: int
) -> bool:
    """Whether the letter is expired, expiring it now if it is unconfirmed and too late rather
    than at the worker's next expiry round (so no email goes out offering it a click)."""
    if submission.status is SubmissionStatus.UNCONFIRMED and too_late(
        submission, now, expiry_hours
    ):
        with write_transaction(session):
            never_send(session, [submission.id], SubmissionStatus.EXPIRED, now)
        session.refresh(submission)
    return submission.status is SubmissionStatus.EXPIRED


def mark_confirmed(
    session: Session, submission: Submission, now: datetime, email_verified: bool
) -> None:
    """An unconfirmed letter the caller has read and locked in its write transaction becomes
    confirmed: its deliveries fall due and its receipt email is queued."""
    submission.status = SubmissionStatus.CONFIRMED
    submission.confirmed_at = now
    submission.email_verified = submission.email_verified or email_verified
    for delivery in submission.deliveries:
        if delivery.status is DeliveryStatus.PENDING and delivery.channel is not None:
            delivery.status = initial_status(delivery.channel, confirmed=True)
            delivery.updated_at = now
    session.add(
        Notification(
            submission=submission, kind=NotificationKind.RECEIPT, created_at=now, updated_at=now
        )
    )


def expire_unconfirmed(session: Session, now: datetime, hours: int) -> int:
    """Letters never confirmed within `hours` are dropped from delivery (and counted as such)."""
    cutoff = now - timedelta(hours=hours)
    with write_transaction(session):
        ids = list(
            session.scalars(
                select(Submission.id).where(
                    Submission.status == SubmissionStatus.UNCONFIRMED,
                    # Held letters wait for the sender or an organiser, however long it takes.
                    Submission.held.is_(False),
                    Submission.created_at < cutoff,
                )
            )
        )
        if not ids:
            return 0
        expired = never_send(session, ids, SubmissionStatus.EXPIRED, now)
    return len(expired)


def never_send(
    session: Session, ids: list[int], status: SubmissionStatus, now: datetime
) -> list[int]:
    """Letters `ids` still unconfirmed end unsent with `status`: their deliveries and unsent
    emails cancelled (inside the caller's write transaction). Returns the ids it ended.

    Only letters still unconfirmed: on PostgreSQL a writer's click may commit between the
    caller's read and this update, which then sees the row as it is now and leaves it be."""
    ids = list(
        session.scalars(
            update(Submission)
            .where(Submission.id.in_(ids), Submission.status == SubmissionStatus.UNCONFIRMED)
            .values(status=status)
            .returning(Submission.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not ids:
        return ids
    for model in (Delivery, Notification):
        # The confirmation email too: its link could no longer confirm anything.
        session.execute(
            update(model)
            .where(model.submission_id.in_(ids), model.status.in_(DUE_STATUSES))
            .values(status=DeliveryStatus.CANCELLED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    # A letter held because its member left office was not going anywhere either.
    session.execute(
        update(Delivery)
        .where(Delivery.submission_id.in_(ids), Delivery.status == DeliveryStatus.HELD)
        .values(status=DeliveryStatus.CANCELLED, changeover=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return ids


def status_counts(session: Session, model: Outboxed = Delivery) -> dict[str, int]:
    rows = session.execute(select(model.status, func.count()).group_by(model.status))
    return {status.value: count for status, count in rows}


# The supporter can send these themselves: a hand-off, or a letter our attempts failed to
# deliver (the receipt offers the office's form or their own email for it).
_SUPPORTER_CAN_SEND = (DeliveryStatus.NEEDS_ACTION, DeliveryStatus.DEAD)


def mark_done_by_supporter(session: Session, delivery: Delivery, now: datetime) -> bool:
    """The supporter says they sent this letter themselves.

    One conditional UPDATE: an organiser's retry of dead letters, or a worker that claimed the
    row meanwhile, wins the row, and then it is not marked (nor sent twice by us)."""
    with write_transaction(session):
        done = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery.id, Delivery.status.in_(_SUPPORTER_CAN_SEND))
            .values(status=DeliveryStatus.DONE_BY_SUPPORTER, done_at=now, updated_at=now)
        )
    session.expire(delivery)
    return int(getattr(done, "rowcount", 0) or 0) == 1


def load(session: Session, model: Outboxed, ids: Sequence[int]) -> list[Delivery | Notification]:
    """The claimed rows with what sending them reads, in a handful of queries."""
    submission = selectinload(model.submission)
    query = (
        select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)
        .options(
            submission.selectinload(Submission.campaign),
            submission.selectinload(Submission.supporter),
            submission.selectinload(Submission.statement),
            submission.selectinload(Submission.deliveries),
        )
    )
    if model is Delivery:
        query = query.options(selectinload(Delivery.body))
    rows: list[Delivery | Notification] = list(session.scalars(query))
    return rows
