"""Letters to offices the outbox gave up on (dead), per office, and the organisers' retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.outcomes import requeue_dead
from webapp.delivery.smtp_refusals import without_addresses
from webapp.models import (
    AuditAction,
    Channel,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Notification,
    Submission,
)
from webapp.services.organisers import audit

ERROR_SHOWN = 200  # characters of an office's last error, as the channel map shows them
RETRY_ACTION = AuditAction.OUTBOX_RETRY_DEAD
EMAILS_ACTION = AuditAction.OUTBOX_RETRY_SUPPORTER_EMAILS


@dataclass(frozen=True)
class UndeliveredOffice:
    """One office's dead letters: how many, by which channels, and its latest failure."""

    key: str
    name: str
    chamber: str | None
    state: str | None
    district: str | None
    channels: tuple[Channel, ...]
    letters: int
    last_failure: datetime | None
    last_error: str | None
    failure_reason: FailureReason | None = None  # None on rows failed before it was recorded


def _dead(campaign_id: int) -> tuple[ColumnElement[bool], ...]:
    """The rows retry_dead would take for this campaign: the same filter, so the count shown
    is the count tried again (never a letter retention took its writer's words from)."""
    letters = select(Submission.id).where(
        Submission.campaign_id == campaign_id, Submission.purged_at.is_(None)
    )
    return (Delivery.status == DeliveryStatus.DEAD, Delivery.submission_id.in_(letters))


def undelivered(session: Session, campaign_id: int) -> list[UndeliveredOffice]:
    """Each office with letters given up on, the most letters first. Only letters to offices:
    a supporter email's error is never read here. An error keeps no email address either,
    should an office's system have echoed one back."""
    dead = _dead(campaign_id)
    grouped = session.execute(
        select(
            Delivery.recipient_key,
            Delivery.channel,
            func.count(),
            func.max(Delivery.failed_at),
            func.max(Delivery.recipient_name),
            func.max(Delivery.recipient_chamber),
            func.max(Delivery.recipient_state),
            func.max(Delivery.recipient_district),
        )
        .where(*dead)
        .group_by(Delivery.recipient_key, Delivery.channel)
    ).all()
    latest = (
        select(Delivery.recipient_key, func.max(Delivery.failed_at).label("at"))
        .where(*dead)
        .group_by(Delivery.recipient_key)
        .subquery()
    )
    errors = {
        key: (error, reason)
        for key, error, reason in session.execute(
            select(Delivery.recipient_key, Delivery.last_error, Delivery.failure_reason)
            .join(
                latest,
                (latest.c.recipient_key == Delivery.recipient_key)
                & (latest.c.at == Delivery.failed_at),
            )
            .where(*dead)
            .order_by(Delivery.id)
        )
    }
    offices: dict[str, UndeliveredOffice] = {}
    for key, channel, number, failed_at, name, chamber, state, district in grouped:
        seen = offices.get(key)
        if seen is not None:  # the same office by another channel (settings changed meanwhile)
            failed_at = max((t for t in (failed_at, seen.last_failure) if t), default=None)
            channels = (*seen.channels, channel) if channel else seen.channels
            number += seen.letters
        else:
            channels = (channel,) if channel else ()
        error, reason = errors.get(key, (None, None))
        offices[key] = UndeliveredOffice(
            key=key,
            name=name,
            chamber=chamber,
            state=state,
            district=district,
            channels=channels,
            letters=number,
            last_failure=failed_at,
            last_error=without_addresses(error)[:ERROR_SHOWN] if error else None,
            failure_reason=reason,
        )
    return sorted(offices.values(), key=lambda o: (-o.letters, o.name, o.key))


def retry_undelivered(
    session: Session,
    campaign_id: int,
    organiser_id: int,
    now: datetime,
    office: str | None = None,
) -> int:
    """Give the campaign's dead letters to offices (or to one `office`) a fresh set of
    attempts, as `flask outbox retry-dead` does, and record who did it in the audit log, in
    one transaction. Supporter emails are left alone: this is the organisers' page for
    letters to offices. Returns how many letters go again (0: none was dead any more)."""
    with write_transaction(session):
        count = requeue_dead(session, now, campaign_id, office=office, supporter_emails=False)
        if count:
            where = {"office": office} if office else {}
            audit(session, organiser_id, RETRY_ACTION, now, campaign_id, letters=count, **where)
    return count


def _dead_emails(campaign_id: int) -> tuple[ColumnElement[bool], ...]:
    """The supporter emails requeue_dead takes for this campaign (receipts, confirmation
    links, surveys) of letters retention left whole: the same filter, so the count shown is
    the count tried again."""
    letters = select(Submission.id).where(
        Submission.campaign_id == campaign_id, Submission.purged_at.is_(None)
    )
    return (Notification.status == DeliveryStatus.DEAD, Notification.submission_id.in_(letters))


def undelivered_emails(session: Session, campaign_id: int) -> int:
    """How many of the campaign's emails to supporters the outbox gave up on: a number only,
    never whom they were to, nor why (a relay's words may name the supporter)."""
    count = select(func.count()).select_from(Notification).where(*_dead_emails(campaign_id))
    return int(session.scalar(count) or 0)


def retry_undelivered_emails(
    session: Session, campaign_id: int, organiser_id: int, now: datetime
) -> int:
    """The campaign's emails to supporters given up on get a fresh set of attempts, as
    `flask outbox retry-dead` gives them, recorded in the audit log in one transaction.
    Letters to offices are left alone (they have their own buttons). How many go again."""
    with write_transaction(session):
        count = requeue_dead(session, now, campaign_id, letters=False)
        if count:
            audit(session, organiser_id, EMAILS_ACTION, now, campaign_id, emails=count)
    return count
