"""Channels failing now for every campaign: a fault one campaign's letter met stops the others'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Channel, Delivery, DeliveryStatus, FailureReason

R = FailureReason
# The reasons that are the channel's, not one office's: CWC and the print-and-mail service are
# one system for every office they serve, and our relay carries every email. (An office's own
# mail server being unreachable is that office's trouble: UNAVAILABLE on email is not here.)
CHANNEL_WIDE: dict[Channel, frozenset[FailureReason]] = {
    Channel.CWC: frozenset({R.UNAVAILABLE, R.KEY_REFUSED}),
    Channel.SENATE_CWC: frozenset({R.UNAVAILABLE, R.KEY_REFUSED}),
    Channel.POST: frozenset({R.UNAVAILABLE, R.KEY_REFUSED}),
    Channel.EMAIL: frozenset(
        {R.RELAY_UNREACHABLE, R.RELAY_SETTINGS, R.RELAY_LIMITED, R.RELAY_BUSY}
    ),
}
# Not sent yet, and not held: these go when the channel does.
_WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)


@dataclass(frozen=True)
class ChannelTrouble:
    """A channel whose latest letter tried, in any campaign, met a fault of the channel's own
    and waits for it: every letter on it waits, whichever campaign it belongs to."""

    channel: Channel
    failed_at: datetime
    reason: FailureReason
    error: str | None
    next_try: datetime | None  # when the first of the letters that met it is tried again


def channel_troubles(session: Session, campaign_id: int, now: datetime) -> list[ChannelTrouble]:
    """The channels failing now on which this campaign has letters still to send.

    The worker keeps a stopped channel in its memory only; the letters that met the fault
    wait in FAILED with its reason, in whichever campaign wrote them. A few statements a
    channel, each answering one row: whether this campaign waits on it, its latest such
    failure, and the first of them due again (both among letters waiting for a retry, which
    the status index holds apart from every letter sent or given up on)."""
    troubles = []
    for channel, reasons in CHANNEL_WIDE.items():
        ours = select(Delivery.id).where(
            Delivery.status.in_(_WAITING),
            Delivery.campaign_id == campaign_id,
            Delivery.channel == channel,
        )
        if session.scalar(ours.limit(1)) is None:
            continue
        met = (
            Delivery.status == DeliveryStatus.FAILED,
            Delivery.channel == channel,
            Delivery.failure_reason.in_(reasons),
        )
        latest = session.execute(
            select(Delivery.failed_at, Delivery.failure_reason, Delivery.last_error)
            .where(*met, Delivery.failed_at.is_not(None))
            .order_by(Delivery.failed_at.desc(), Delivery.id.desc())
            .limit(1)
        ).first()
        if latest is None or latest.failed_at is None or latest.failure_reason is None:
            continue
        # A letter already due waits for the worker to take the channel up again, which it
        # does after the stopping letter's own try: only a time still ahead is worth saying.
        next_try = session.scalar(
            select(Delivery.next_attempt_at)
            .where(*met, Delivery.next_attempt_at > now)
            .order_by(Delivery.next_attempt_at)
            .limit(1)
        )
        troubles.append(
            ChannelTrouble(
                channel, latest.failed_at, latest.failure_reason, latest.last_error, next_try
            )
        )
    return troubles
