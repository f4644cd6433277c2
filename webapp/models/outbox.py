"""The columns every outbox row carries: status, a key for repeats, attempts and the lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import str_enum, time_ordered_hex, utcnow
from webapp.models.statuses import DeliveryStatus


def new_idempotency_key() -> str:
    """Unique and the same on every retry is all the receiving side needs; ordered by time so
    a letter's keys go in at the end of the index (see time_ordered_hex)."""
    return time_ordered_hex(32)


class OutboxRow:
    """What every row a worker claims and sends carries (letters to offices, emails to
    supporters, postal mailings): its status, a stable key the receiving side can recognise a
    repeat by, attempts and backoff, and the lease of the worker on it."""

    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    idempotency_key: Mapped[str] = mapped_column(
        String(32), unique=True, default=new_idempotency_key
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # A worker owns a `sending` row until its lease expires; then another may take it over.
    lease_expires_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Unique to the claiming worker (names given with --worker-id may repeat): a worker sends
    # only after an UPDATE that matches this token, so a row taken over is never sent by both.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
