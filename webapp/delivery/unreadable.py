"""A supporter's sealed data the master key does not open: that letter's trouble, or the key's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Delivery, Notification, Supporter
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
