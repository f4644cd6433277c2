"""Channels failing now for every campaign: a fault one campaign's letter met stops the others'."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Channel, Delivery, DeliveryStatus, FailureReason, Notification, Submission

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
    and waits for it: every letter on it waits, whichever campaign it belongs to.
    `supporter_emails`: the trouble as this campaign's supporters' emails (receipts,
    confirmation links) meet it, which go by our relay too."""

    channel: Channel
    failed_at: datetime
    reason: FailureReason
    error: str | None
    next_try: datetime | None  # when the first of the letters that met it is tried again
    supporter_emails: bool = False


def channel_troubles(session: Session, campaign_id: int, now: datetime) -> list[ChannelTrouble]:
    """The channels failing now on which this campaign has letters still to send, then the
    relay when this campaign's supporters' emails wait on it.

    The worker keeps a stopped channel in its memory only; the letters and emails that met the
    fault wait in FAILED with its reason, in whichever campaign wrote them. A few statements a
    channel, each answering one row: whether this campaign waits on it, its latest such
    failure, and the first of them due again (both among rows waiting for a retry, which the
    status indexes hold apart from every row sent or given up on)."""
    troubles = []
    for channel in CHANNEL_WIDE:
        ours = select(Delivery.id).where(
            Delivery.status.in_(_WAITING),
            Delivery.campaign_id == campaign_id,
            Delivery.channel == channel,
        )
        if session.scalar(ours.limit(1)) is None:
            continue
        trouble = _trouble(session, channel, now)
        if trouble is not None:
            troubles.append(trouble)
    # A receipt or confirmation email stopped by the relay: an outage only these met (no letter
    # goes by email, or none was tried yet) showed nowhere while no supporter heard back.
    emails = select(Notification.id).where(
        Notification.status.in_(_WAITING),
        Notification.submission_id.in_(
            select(Submission.id).where(Submission.campaign_id == campaign_id)
        ),
    )
    if session.scalar(emails.limit(1)) is not None:
        trouble = _trouble(session, Channel.EMAIL, now)
        if trouble is not None:
            troubles.append(replace(trouble, supporter_emails=True))
    return troubles


def failing_everywhere(session: Session, now: datetime) -> list[ChannelTrouble]:
    """Every channel failing now, as its letters to offices met it, then our relay as
    supporters' emails met it: for `flask outbox status`, which speaks for every campaign."""
    troubles = [_trouble(session, channel, now, (Delivery,)) for channel in CHANNEL_WIDE]
    emails = _trouble(session, Channel.EMAIL, now, (Notification,))
    if emails is not None:
        troubles.append(replace(emails, supporter_emails=True))
    return [trouble for trouble in troubles if trouble is not None]


def _trouble(
    session: Session,
    channel: Channel,
    now: datetime,
    models: tuple[type[Delivery] | type[Notification], ...] | None = None,
) -> ChannelTrouble | None:
    """The channel's latest channel-wide failure among the rows of `models`; by default, on
    email, a letter to an office or a supporter's email, as both go by our relay and either
    stops it."""
    found: list[ChannelTrouble] = []
    if models is None:
        models = (Delivery, Notification) if channel is Channel.EMAIL else (Delivery,)
    for model in models:
        met = [
            model.status == DeliveryStatus.FAILED,
            model.failure_reason.in_(CHANNEL_WIDE[channel]),
        ]
        if model is Delivery:
            met.append(Delivery.channel == channel)
        latest = session.execute(
            select(model.failed_at, model.failure_reason, model.last_error)
            .where(*met, model.failed_at.is_not(None))
            .order_by(model.failed_at.desc(), model.id.desc())
            .limit(1)
        ).first()
        if latest is None or latest.failed_at is None or latest.failure_reason is None:
            continue
        # A row already due waits for the worker to take the channel up again, which it does
        # after the stopping row's own try: only a time still ahead is worth saying.
        next_try = session.scalar(
            select(model.next_attempt_at)
            .where(*met, model.next_attempt_at > now)
            .order_by(model.next_attempt_at)
            .limit(1)
        )
        found.append(
            ChannelTrouble(
                channel, latest.failed_at, latest.failure_reason, latest.last_error, next_try
            )
        )
    if not found:
        return None
    latest_found = max(found, key=lambda t: t.failed_at)
    tries = [t.next_try for t in found if t.next_try is not None]
    return replace(latest_found, next_try=min(tries) if tries else None)
