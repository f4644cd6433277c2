"""What each send came to, kept on its outbox row: sent, held, cancelled, or failed and retried."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, true, update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.failure_reasons import held_reason
from webapp.delivery.leases import Holder, Leased, LeaseLost, key_of, locked_if_held
from webapp.models import (
    DUE_STATUSES,
    LINK_CARRIERS,
    Channel,
    Delivery,
    DeliveryStatus,
    FailureReason,
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
    confirm_within_hours: int = 72  # emails with a waiting letter's link retry this long

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
        row.failure_reason = None
        row.lease_expires_at = None
        row.next_attempt_at = None
        if isinstance(row, Delivery) and reference:
            row.remote_reference = reference[:200]
        if isinstance(row, Delivery) and row.channel is Channel.POST:
            row.postal_status = PostalStatus.CREATED
            row.postal_updated_at = now


def record_held(session: Session, row: Delivery, holder: Holder, now: datetime, why: str) -> None:
    """Not posted (budget reached, address refused): the letter waits with the organisers, who
    can hand it over in the office's packet. The reason shows on the channel map. LeaseLost if
    the row was deleted or taken over meanwhile (the address check can take a while)."""
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            raise LeaseLost(key_of(row))
        row.status = DeliveryStatus.PACKET
        row.last_error = why[:2000]
        row.failure_reason = held_reason(why)
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
    reason: FailureReason | None = None,
) -> DeliveryStatus | None:
    """Failed now: retry later with backoff, or dead once attempts run out (or it is hopeless).
    None when the row is no longer this worker's: taken over by another, or deleted."""
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            return None
        row.last_error = error[:2000]
        row.lease_expires_at = None
        # Dates the channel map's "last failure"; the channel-wide box reads both.
        row.failed_at = now
        row.failure_reason = reason
        awaited_until = _awaited_until(row, now, policy)
        if permanent or (row.attempts >= policy.max_attempts and awaited_until is None):
            row.status = DeliveryStatus.DEAD
            row.next_attempt_at = None
        else:
            row.status = DeliveryStatus.FAILED
            row.next_attempt_at = now + policy.delay(row.attempts)
            if awaited_until is not None:
                # Past its attempts the backoff is hours: one more try before the window shuts.
                row.next_attempt_at = max(now, min(row.next_attempt_at, awaited_until))
        return row.status


def record_channel_wait(
    session: Session,
    row: Leased,
    holder: Holder,
    now: datetime,
    error: str,
    until: datetime,
    policy: RetryPolicy,
    counted: bool,
    reason: FailureReason | None = None,
) -> bool:
    """Its channel failed, not the letter (relay down, login refused, endpoint failing): the
    row waits until `until` with the error kept for organisers, and gets back the attempt its
    send counted (`counted`), so however long the fault lasts it never goes dead of it. An
    email with a confirmation link still goes before its window shuts. False when the row is
    no longer this worker's."""
    with write_transaction(session):
        if not locked_if_held(session, row, holder):
            return False
        row.status = DeliveryStatus.FAILED
        row.last_error = error[:2000]
        row.lease_expires_at = None
        if counted:
            row.attempts = max(0, row.attempts - 1)
        # Dates the channel map's "last failure"; the channel-wide box reads both.
        row.failed_at = now
        row.failure_reason = reason
        awaited = _awaited_until(row, now, policy)
        row.next_attempt_at = until if awaited is None else max(now, min(until, awaited))
    return True


def _awaited_until(row: Leased, now: datetime, policy: RetryPolicy) -> datetime | None:
    """Until when an email carrying its letter's confirmation link keeps its retries: given up
    after the few hours the attempts last, a mail server's outage would leave the letter to
    expire unsent although its writer did all they were asked. The window's last few minutes
    are left for the click. None for other emails and rows, or a letter no longer waiting.
    A held letter has no deadline, but its emails stop at the same point: an organiser can
    release it, or retry its email, after that. A receipt email keeps its retries as long
    from when it was queued: it carries its writer's only way back to the letter (the offices
    still to send it to, the address to prove, deleting it), and an outage of two hours had
    left it dead until an operator ran `outbox retry-dead`."""
    if not isinstance(row, Notification):
        return None
    if row.kind is NotificationKind.RECEIPT:
        until = row.created_at + timedelta(hours=policy.confirm_within_hours)
        return until if until > now else None
    if row.kind not in LINK_CARRIERS:
        return None
    letter = row.submission
    if letter is None or letter.status is not SubmissionStatus.UNCONFIRMED:
        return None
    until = letter.created_at + timedelta(hours=policy.confirm_within_hours) - _LEFT_TO_CLICK
    return until if until > now else None


_LEFT_TO_CLICK = timedelta(minutes=15)
PURGED = select(Submission.id).where(Submission.purged_at.is_not(None))


def retry_dead(
    session: Session,
    now: datetime,
    campaign_id: int | None = None,
    *,
    office: str | None = None,
    supporter_emails: bool = True,
) -> int:
    """Give dead deliveries (and supporter emails) a fresh set of attempts, due now."""
    with write_transaction(session):
        return requeue_dead(
            session, now, campaign_id, office=office, supporter_emails=supporter_emails
        )


def requeue_dead(
    session: Session,
    now: datetime,
    campaign_id: int | None = None,
    *,
    office: str | None = None,
    supporter_emails: bool = True,
    letters: bool = True,
) -> int:
    """retry_dead's work, inside the caller's transaction (the dashboard's action writes its
    audit entry in the same one). `office`: only the letters to this recipient key, which no
    supporter email has; `supporter_emails` False: letters to offices alone; `letters` False:
    supporter emails alone."""
    models: tuple[type[Delivery] | type[Notification], ...] = (Delivery,) if letters else ()
    if supporter_emails and office is None:
        models = (*models, Notification)
    total = 0
    for model in models:
        query = update(model).where(model.status == DeliveryStatus.DEAD)
        if campaign_id is not None:
            query = query.where(
                model.submission_id.in_(
                    select(Submission.id).where(Submission.campaign_id == campaign_id)
                )
            )
        if office is not None:
            query = query.where(Delivery.recipient_key == office)
        # What retention left of a letter is not the letter its writer wrote (as the
        # changeover holds): it is never sent to an office again, nor its receipt's copy of
        # it to its writer (a password reset has no letter).
        query = query.where(or_(model.submission_id.is_(None), model.submission_id.not_in(PURGED)))
        values = {"last_error": None, "failure_reason": None, "updated_at": now}
        result = session.execute(
            query.values(
                status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, **values
            ).execution_options(synchronize_session=False)
        )
        total += int(getattr(result, "rowcount", 0) or 0)
    return total


def retry_now(session: Session, now: datetime, campaign_id: int | None = None) -> int:
    """Make every waiting row due now (deliveries, supporter emails, postal mailings): after
    an operator mended a relay, a key or an endpoint, its letters need not sit out their
    backoff. Their attempts stay as they are."""
    letters = select(Submission.id).where(Submission.campaign_id == campaign_id)
    queries = [
        update(model)
        .where(model.status.in_(DUE_STATUSES), model.next_attempt_at > now)
        .where(model.submission_id.in_(letters) if campaign_id is not None else true())
        for model in (Delivery, Notification)
    ]
    mailings = update(Mailing).where(
        Mailing.status.in_(DUE_STATUSES), Mailing.next_attempt_at > now
    )
    if campaign_id is not None:
        mailings = mailings.where(Mailing.campaign_id == campaign_id)
    total = 0
    with write_transaction(session):
        for query in [*queries, mailings]:
            result = session.execute(
                query.values(next_attempt_at=now, updated_at=now).execution_options(
                    synchronize_session=False
                )
            )
            total += int(getattr(result, "rowcount", 0) or 0)
    return total
