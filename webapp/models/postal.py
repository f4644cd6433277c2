"""Letters on paper: batched mailings (one envelope, many letters) and shared address checks."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import Base, str_enum, utcnow
from webapp.models.failure_reason import FailureReason
from webapp.models.outbox import OutboxRow
from webapp.models.statuses import PostalStatus


class Mailing(OutboxRow, Base):
    """One envelope to one office holding a day's letters to it (or a part of them, when they
    would pass the service's sheet limit). An outbox row of its own: claimed, leased and sent
    like a delivery, with one idempotency key for the whole envelope."""

    __tablename__ = "mailing"
    __table_args__ = (
        UniqueConstraint("campaign_id", "recipient_key", "day", "part"),
        Index("ix_mailing_due", "status", "next_attempt_at"),
        Index("ix_mailing_remote_reference", "remote_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    recipient_key: Mapped[str] = mapped_column(String(80))
    day: Mapped[date]  # the UTC day its letters were written
    part: Mapped[int] = mapped_column(default=1)
    letters: Mapped[int] = mapped_column(default=0)
    sheets: Mapped[int] = mapped_column(default=1)  # paper sheets, cover included
    failed_at: Mapped[datetime | None]
    failure_reason: Mapped[FailureReason | None] = mapped_column(
        str_enum(FailureReason, "failure_reason")
    )
    remote_reference: Mapped[str | None] = mapped_column(String(200))
    postal_status: Mapped[PostalStatus | None] = mapped_column(
        str_enum(PostalStatus, "postal_status")
    )
    postal_updated_at: Mapped[datetime | None]


class AddressRole(enum.StrEnum):
    RETURN = "return"  # the organisation's return address (POST_FROM_*)
    OFFICE = "office"  # an office letters are posted to


class PostalAddressCheck(Base):
    """The service's verdict on one address, shared by every worker and kept across restarts.

    Keyed by a hash of the address as printed, so an edited address is checked afresh."""

    __tablename__ = "postal_address_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[AddressRole] = mapped_column(str_enum(AddressRole, "address_role"))
    # The office's "target:<id>" / "official:<bioguide>"; none for the return address.
    recipient_key: Mapped[str | None] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(500))  # public office or organisation address
    deliverable: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
