"""A lost receipt link, emailed again to the address that wrote the letter, never shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import DUE_STATUSES, Campaign, Notification, NotificationKind
from webapp.services.submissions import find_submission


def email_receipt_link(session: Session, campaign: Campaign, email: str, now: datetime) -> bool:
    """Queue an email with the receipt link if this address wrote to this campaign.

    Returns whether one was queued, for tests and counters only: telling the visitor would
    reveal who wrote. An erased supporter has no letter left, so gets nothing; while one such
    email is still waiting to go, asking again queues no second one.
    """
    with write_transaction(session):
        submission = find_submission(session, campaign, email)
        if submission is None:
            return False
        waiting = session.scalar(
            select(Notification.id)
            .where(
                Notification.submission_id == submission.id,
                Notification.kind == NotificationKind.RECEIPT_LINK,
                Notification.status.in_(DUE_STATUSES),
            )
            .limit(1)
        )
        if waiting is not None:
            return False
        session.add(
            Notification(
                submission=submission,
                kind=NotificationKind.RECEIPT_LINK,
                created_at=now,
                updated_at=now,
            )
        )
    return True
