"""The outbox's letters: confirmed by their writers or expired unsent; rows loaded and counted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from webapp.database import write_transaction
from webapp.delivery.channels import initial_status
from webapp.delivery.leases import Outboxed
from webapp.models import (
    DUE_STATUSES,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Submission,
    SubmissionStatus,
)
from webapp.services.proven_address import lock_writer, prove_address
from webapp.services.reply_survey import SURVEY_KINDS, still_wanted


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
        if email_verified:
            lock_writer(session, submission)
        # Locked as it is read again, so an organiser's decline and this click cannot both
        # succeed.
        session.refresh(submission, with_for_update=True)
        if submission.status in (SubmissionStatus.EXPIRED, SubmissionStatus.DECLINED):
            return False
        if submission.status is SubmissionStatus.CONFIRMED:
            # Released by an organiser before the sender clicked: the click still proves
            # the address (partner lists and CWC's EmailValidation read it).
            if email_verified:
                prove_address(session, submission, now)
            submission.email_verified = submission.email_verified or email_verified
            return True
        if expiry_hours is not None and too_late(submission, now, expiry_hours):
            never_send(session, [submission.id], SubmissionStatus.EXPIRED, now)
            session.refresh(submission)
            return False
        if email_verified:
            prove_address(session, submission, now)
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
    session.execute(
        update(Delivery)
        .where(Delivery.submission_id.in_(ids), Delivery.status.in_(DUE_STATUSES))
        .values(status=DeliveryStatus.CANCELLED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    # The confirmation email too: its link could no longer confirm anything. A receipt link
    # its writer asked for still goes, without a confirmation link: the receipt says what
    # became of the letter.
    session.execute(
        update(Notification)
        .where(
            Notification.submission_id.in_(ids),
            Notification.status.in_(DUE_STATUSES),
            Notification.kind != NotificationKind.RECEIPT_LINK,
        )
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
# deliver (the receipt offers the office's form or their own email for it), unless its member
# left office meanwhile (a changeover: the organisers decide where it goes).
_SUPPORTER_CAN_SEND = or_(
    Delivery.status == DeliveryStatus.NEEDS_ACTION,
    and_(Delivery.status == DeliveryStatus.DEAD, Delivery.changeover.is_(None)),
)


def supporter_can_send(delivery: Delivery) -> bool:
    """_SUPPORTER_CAN_SEND for a row already loaded: whether "I have sent it" can be recorded."""
    status = delivery.status
    return status is DeliveryStatus.NEEDS_ACTION or (
        status is DeliveryStatus.DEAD and delivery.changeover is None
    )


def mark_done_by_supporter(session: Session, delivery: Delivery, now: datetime) -> bool:
    """The supporter says they sent this letter themselves.

    One conditional UPDATE: an organiser's retry of dead letters, or a worker that claimed the
    row meanwhile, wins the row, and then it is not marked (nor sent twice by us)."""
    with write_transaction(session):
        done = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery.id, _SUPPORTER_CAN_SEND)
            .values(status=DeliveryStatus.DONE_BY_SUPPORTER, done_at=now, updated_at=now)
        )
    session.expire(delivery)
    return int(getattr(done, "rowcount", 0) or 0) == 1


def claimed_rows(
    session: Session, model: Outboxed, ids: Sequence[int]
) -> list[Delivery | Notification]:
    """The claimed rows alone, in order: enough to divert those to departed members. Each is
    read again with what its send needs in its turn (`load`)."""
    query = select(model).where(model.id.in_(ids)).order_by(model.id)
    rows: list[Delivery | Notification] = list(session.scalars(query))
    return rows


def load(session: Session, model: Outboxed, ids: Sequence[int]) -> list[Delivery | Notification]:
    """The claimed rows with what sending them reads, in two queries: the rows joined with
    their letters, supporters, campaigns and texts, then their letters' other offices."""
    submission = joinedload(model.submission)
    query = (
        select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)
        .options(
            submission.joinedload(Submission.campaign),
            submission.joinedload(Submission.supporter),
            submission.joinedload(Submission.statement),
            submission.selectinload(Submission.deliveries),
        )
    )
    if model is Delivery:
        query = query.options(joinedload(Delivery.body))
    rows: list[Delivery | Notification] = list(session.scalars(query))
    return rows


def email_wanted(session: Session, row: Notification, now: datetime, expiry_hours: int) -> bool:
    """Whether a supporter email is still to go. A letter past its confirmation window
    expires here, not at the next expiry round: its confirmation email would offer a click
    that can no longer confirm it, and its receipt link goes without one. A confirmation
    email still retrying when its letter was confirmed another way (a receipt link's link)
    or ended would ask for a click that means nothing, unless an organiser released the
    letter and the click still proves the address."""
    if row.kind in SURVEY_KINDS:
        return still_wanted(row)
    letter = row.submission
    if letter is None:
        return True
    if expire_if_too_late(session, letter, now, expiry_hours):
        return row.kind is not NotificationKind.CONFIRMATION
    if row.kind is NotificationKind.CONFIRMATION:
        return letter.status is SubmissionStatus.UNCONFIRMED or letter.released_unproven
    return True
