"""A receipt's writer says they sent its letter to an office themselves, or takes that back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.delivery.outbox import mark_done_by_supporter
from webapp.models import Delivery, Submission
from webapp.services.submissions import letter_by_receipt
from webapp.services.taken_back import unmark_done_by_supporter

Change = Callable[[Session, Delivery, datetime], bool]


@dataclass(frozen=True)
class Said:
    letter: Submission
    # None: no such office on this letter (a mistyped id, or another letter's, which is not to
    # be told from it). An office re-targeted or cancelled keeps its row: `recorded` is False.
    delivery: Delivery | None
    recorded: bool  # False: the delivery changed since the receipt was opened (e.g. queued again)


def say_sent(session: Session, token: str, delivery_id: int, now: datetime) -> Said | None:
    """The writer sent a hand-off letter through the office's own form (None: no such receipt)."""
    return _change(session, token, delivery_id, now, mark_done_by_supporter)


def take_back_sent(session: Session, token: str, delivery_id: int, now: datetime) -> Said | None:
    """The writer pressed "I have sent it" by mistake: the letter waits for them again."""
    return _change(session, token, delivery_id, now, unmark_done_by_supporter)


def _change(
    session: Session, token: str, delivery_id: int, now: datetime, change: Change
) -> Said | None:
    # Only the receipt's own deliveries: its token is the only key a writer holds.
    letter = letter_by_receipt(session, token)
    if letter is None:
        return None
    delivery = next((d for d in letter.deliveries if d.id == delivery_id), None)
    if delivery is None:
        return Said(letter, None, False)
    return Said(letter, delivery, change(session, delivery, now))
