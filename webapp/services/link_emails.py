"""Whether the email with a letter's confirmation link went out, so the receipt says so honestly."""

from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import LINK_CARRIERS, DeliveryStatus, Notification, Submission

_UNDER_WAY = frozenset({DeliveryStatus.PENDING, DeliveryStatus.SENDING})


class LinkEmail(enum.StrEnum):
    SENT = "sent"  # one went out: the link is in the writer's mailbox (or spam folder)
    SENDING = "sending"  # queued and not yet tried
    RETRYING = "retrying"  # tried, the mail server refused or was down: tried again later
    NOT_SENT = "not_sent"  # given up on, cancelled, or none queued


def link_email(session: Session, submission: Submission) -> LinkEmail:
    """How the emails carrying this letter's confirmation link stand, the best of them: one
    email given up on says nothing while another is still being tried."""
    rows = session.execute(
        select(Notification.status, Notification.last_error).where(
            Notification.submission_id == submission.id, Notification.kind.in_(LINK_CARRIERS)
        )
    ).all()
    statuses = {status for status, _ in rows}
    if DeliveryStatus.SENT in statuses:
        return LinkEmail.SENT
    # A send under way has counted its attempt already: only a failure says it did not go.
    if any(s is DeliveryStatus.FAILED or (s in _UNDER_WAY and error) for s, error in rows):
        return LinkEmail.RETRYING
    if statuses & _UNDER_WAY:
        return LinkEmail.SENDING
    return LinkEmail.NOT_SENT
