"""Emails to supporters (receipts, confirmation links), sent through their own small outbox."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.database import Base, str_enum, utcnow
from webapp.models.organiser import Organiser
from webapp.models.statuses import DeliveryStatus
from webapp.models.submission import Submission


class NotificationKind(enum.StrEnum):
    RECEIPT = "receipt"
    CONFIRMATION = "confirmation"
    RECEIPT_LINK = "receipt_link"  # a lost receipt link, sent again on request
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of email, not a password
    REPLY_SURVEY = "reply_survey"  # "did they reply?", weeks after the letters went
    REPLY_REMINDER = "reply_reminder"  # the one reminder of it, when nothing was answered


class OutboxRow:
    """What every row a worker claims and sends carries: its status, a stable key the receiving
    side can recognise a repeat by, attempts and backoff, and the lease of the worker on it."""

    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    idempotency_key: Mapped[str] = mapped_column(
        String(32), unique=True, default=lambda: uuid.uuid4().hex
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_expires_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # The claiming worker's unique token, as on Delivery.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Notification(OutboxRow, Base):
    """One email to a supporter; drained by the same worker as deliveries."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    # Emails to organisers (password reset) have no submission.
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))

    submission: Mapped[Submission | None] = relationship()
    organiser: Mapped[Organiser | None] = relationship()
