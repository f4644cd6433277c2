"""What a postal mailing came to: sent with its letters, or failed (its fault or the service's)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.channel_faults import ChannelFaults, Pause
from webapp.delivery.leases import Holder, key_of, locked_if_held
from webapp.delivery.outcomes import RetryPolicy, record_channel_wait, record_failure
from webapp.delivery.postal_budget import free_places
from webapp.delivery.smtp import ChannelDown, SendError
from webapp.models import Channel, Delivery, DeliveryStatus, Mailing, PostalStatus

log = logging.getLogger(__name__)


@dataclass
class MailingReport:
    mailings: int = 0  # envelopes claimed
    sent: int = 0  # letters in the envelopes the service accepted
    held: int = 0
    failed: int = 0
    waiting: int = 0  # envelopes put back to wait for the service (no attempt used)


def record_mailing_failed(
    session: Session,
    mailing: Mailing,
    exc: SendError,
    holder: Holder,
    now: datetime,
    policy: RetryPolicy,
    faults: ChannelFaults,
) -> tuple[DeliveryStatus | None, bool]:
    """Record an envelope not sent, on it and its letters: its status now (None when no
    longer this worker's) and whether the postal service is down. The service's own fault
    uses none of its attempts (a 5xx is the service's once another envelope meets one too)."""
    down = False
    if isinstance(exc, ChannelDown):
        down = faults.fault(session, Channel.POST, exc.certain, Pause(Mailing, key_of(mailing)))
    if down:
        until = now + faults.delay(Channel.POST)
        args = (session, mailing, holder, now, str(exc), until, policy)
        waits = record_channel_wait(*args, counted=True, reason=exc.reason)
        outcome = DeliveryStatus.FAILED if waits else None
        faults.pause(Channel.POST, Mailing, key_of(mailing))
    else:
        failed = (session, mailing, holder, now, str(exc), policy, exc.permanent, exc.reason)
        outcome = record_failure(*failed)
    if outcome is None:
        return None, down
    log.warning("mailing %s not sent (%s): %s", key_of(mailing), outcome.value, exc)
    with write_transaction(session):
        members = list(
            session.scalars(select(Delivery.id).where(Delivery.mailing_id == key_of(mailing)))
        )
        values: dict[str, object] = {
            "last_error": str(exc)[:2000],
            "failure_reason": exc.reason,
            "failed_at": now,
        }
        if outcome is DeliveryStatus.DEAD:
            # Out of the envelope and the budget: `flask outbox retry-dead` batches them anew.
            values |= {"status": DeliveryStatus.DEAD, "mailing_id": None}
            free_places(session, members)
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(members))
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return outcome, down


def record_mailing_sent(
    session: Session, mailing: Mailing, holder: Holder, now: datetime, letter_id: str, sheets: int
) -> None:
    """The envelope was accepted: it and every letter in it are posted, under its letter id."""
    with write_transaction(session):
        if not locked_if_held(session, mailing, holder):
            return
        mailing.status = DeliveryStatus.SENT
        mailing.sent_at = mailing.postal_updated_at = now
        mailing.remote_reference = letter_id[:200]
        mailing.postal_status = PostalStatus.CREATED
        mailing.sheets = sheets
        mailing.last_error = mailing.failure_reason = None
        mailing.lease_expires_at = mailing.next_attempt_at = None
        session.execute(
            update(Delivery)
            .where(Delivery.mailing_id == mailing.id)
            .values(
                status=DeliveryStatus.SENT,
                sent_at=now,
                remote_reference=letter_id[:200],
                postal_status=PostalStatus.CREATED,
                postal_updated_at=now,
                last_error=None,
                failure_reason=None,
                next_attempt_at=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
