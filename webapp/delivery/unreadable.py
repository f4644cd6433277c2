"""A supporter's sealed data the master key does not open: that letter's trouble, or the key's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.delivery.postal_budget import free_places
from webapp.models import DUE_STATUSES, Delivery, DeliveryStatus, Notification, Supporter
from webapp.sealing import SealingError, keyring

# Said on the letter and in the log: no personal data, only what the operator can look into.
UNREADABLE = (
    "this supporter's sealed data does not open with the master key (rotation left "
    "unfinished, or the row damaged?): not sendable. Other letters go on"
)


def key_opens_others(session: Session, row: Delivery | Notification) -> bool:
    """Whether the master key opens the newest other supporter's data key, as the start-up
    check does: then the key is right and only this row's supporter cannot be read. With no
    other supporter to tell by, the key is taken to be wrong (the outbox stops, nothing is
    marked dead)."""
    submission = row.submission
    query = select(Supporter.wrapped_key).order_by(Supporter.id.desc()).limit(1)
    if submission is not None:
        query = query.where(Supporter.id != submission.supporter_id)
    wrapped = session.scalar(query)
    if wrapped is None:
        return False
    try:
        keyring().unwrap(bytes(wrapped))
    except SealingError:
        return False
    return True


def set_aside(session: Session, ids: Sequence[int], now: datetime) -> None:
    """Batched letters that do not open, taken out of their envelope and the budget and left
    dead with UNREADABLE, inside the caller's write transaction, as a claimed row is settled
    (Failures.unreadable): the organisers see them among the office's undelivered letters,
    and the envelope goes with the others."""
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(list(ids)), Delivery.status.in_(DUE_STATUSES))
        .values(
            status=DeliveryStatus.DEAD,
            mailing_id=None,
            last_error=UNREADABLE,
            failed_at=now,
            next_attempt_at=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    free_places(session, ids)
