"""Running tallies behind the dashboard, so it stays fast at a million letters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import Base, utcnow


class SubmissionTally(Base):
    """Confirmed letters per campaign, counted along one dimension (day, state, partner...).

    Keys are plain strings: "2026-11-25", "MI", "MI-12", a partner id, "yes"; partner-scoped
    dimensions prefix the partner id ("partner_day": "7|2026-11-25").
    """

    __tablename__ = "submission_tally"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(24), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class DeliveryTally(Base):
    """Deliveries per campaign, office and status: recomputed as a whole every so often."""

    __tablename__ = "delivery_tally"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    chamber: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str | None] = mapped_column(String(2))
    district: Mapped[str | None] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
