"""Whether the email with a letter's confirmation link went out, so the receipt says so honestly."""

from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import DeliveryStatus, Notification, NotificationKind, Submission

# While a letter waits for its writer, both of these carry its confirmation link.
_CARRIERS = (NotificationKind.CONFIRMATION, NotificationKind.RECEIPT_LINK)
_UNDER_WAY = frozenset({DeliveryStatus.PENDING, DeliveryStatus.SENDING})


class LinkEmail(enum.StrEnum):
    SENT = "sent"  # one went out: the link is in the writer's mailbox (or spam folder)
    SENDING = "sending"  # queued and not yet tried
    RETRYING = "retrying"  # tried, the mail server refused or was down: tried again later
    NOT_SENT = "not_sent"  # given up on, cancelled, or none queued


def link_email(session: Session, submission: Submission) -> LinkEmail:
    """How the emails carrying this letter's confirmation link stand: sent if any went out,
    else as the newest stands."""
    rows = session.execute(
        select(Notification.status, Notification.attempts)
        .where(Notification.submission_id == submission.id, Notification.kind.in_(_CARRIERS))
        .order_by(Notification.id.desc())
    ).all()
    if any(status is DeliveryStatus.SENT for status, _ in rows):
        return LinkEmail.SENT
    if not rows:
        return LinkEmail.NOT_SENT
    status, attempts = rows[0]
    if status is DeliveryStatus.FAILED or (status in _UNDER_WAY and attempts):
        return LinkEmail.RETRYING
    if status in _UNDER_WAY:
        return LinkEmail.SENDING
    return LinkEmail.NOT_SENT
