"""Emails to supporters (receipts, confirmation links), sent through their own small outbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.database import Base, index_where_set, str_enum
from webapp.models.failure_reason import FailureReason
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
        # The channel-wide box's latest relay failure: the few rows that ever failed.
        index_where_set("ix_notification_failed_at", "failed_at", set_column="failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    # Emails to organisers (password reset) have no submission.
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))
    # As a delivery keeps them: when it last failed and why, so an outage of our relay that
    # only supporters' emails meet shows organisers (None on rows failed before c19f00000027).
    failed_at: Mapped[datetime | None]
    failure_reason: Mapped[FailureReason | None] = mapped_column(
        str_enum(FailureReason, "failure_reason")
    )

    submission: Mapped[Submission | None] = relationship()
    organiser: Mapped[Organiser | None] = relationship()
