"""Emails to supporters (receipts, confirmation links), sent through their own small outbox."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.database import Base, index_where_set, str_enum
from webapp.models.organiser import Organiser
from webapp.models.outbox import OutboxRow
from webapp.models.submission import Submission


class NotificationKind(enum.StrEnum):
    RECEIPT = "receipt"
    CONFIRMATION = "confirmation"
    RECEIPT_LINK = "receipt_link"  # a lost receipt link, sent again on request
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of email, not a password
    REPLY_SURVEY = "reply_survey"  # "did they reply?", weeks after the letters went
    REPLY_REMINDER = "reply_reminder"  # the one reminder of it, when nothing was answered


# While a letter waits for its writer's click, both of these carry its confirmation link.
LINK_CARRIERS = (NotificationKind.CONFIRMATION, NotificationKind.RECEIPT_LINK)


class Notification(OutboxRow, Base):
    """One email to a supporter; drained by the same worker as deliveries."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_due", "status", "next_attempt_at"),
        # Only organisers' emails: a supporter's receipt would add an entry to it each letter.
        index_where_set("ix_notification_organiser_id", "organiser_id", set_column="organiser_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    # Emails to organisers (password reset) have no submission.
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))

    submission: Mapped[Submission | None] = relationship()
    organiser: Mapped[Organiser | None] = relationship()
