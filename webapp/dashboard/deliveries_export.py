"""deliveries.csv: every letter to every office, with where it stands (admins only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.civic.states import seat_code
from webapp.dashboard.csv_stream import csv_lines
from webapp.dashboard.export import CHUNK, name_as_written
from webapp.models import Delivery, DeliveryStatus, Submission

DELIVERY_COLUMNS = (
    "letter_submitted_at",
    "letter_status",
    "first_name",
    "last_name",
    "email",
    "state",
    "country",
    "office",
    "office_key",
    "district",
    "channel",
    "status",
    "attempts",
    "sent_at",
    "last_failure_at",
    "last_error",
    "postal_status",
    # New columns go last (see export.ADMIN_COLUMNS). When the supporter said they sent a hand-off
    # (sent_at: when we or the organisers sent it).
    "done_by_supporter_at",
    "name_as_written",
)


def deliveries_csv(session: Session, campaign_id: int) -> Iterator[str]:
    """Every letter to every office, with where it stands: which reached their office, which
    wait for their writer's own hand-off or the organisers' packet, which failed and why."""
    query = (
        select(Delivery, Submission)
        .options(joinedload(Submission.supporter))
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(Delivery.campaign_id == campaign_id)
        .order_by(Submission.id, Delivery.id)
        .execution_options(yield_per=CHUNK)
    )

    def values() -> Iterator[list[Any]]:
        for d, s in session.execute(query):
            seat = f"{d.recipient_state}-{d.recipient_district}" if d.recipient_district else ""
            yield [
                s.created_at.isoformat(),
                s.status.value,
                s.first_name,
                s.last_name,
                s.supporter.email,
                s.state,
                s.country,
                d.recipient_name,
                d.recipient_key,
                seat_code(seat) if seat else d.recipient_state,
                d.channel.value if d.channel else "",
                d.status.value,
                d.attempts,
                d.sent_at.isoformat() if d.sent_at else "",
                d.failed_at.isoformat() if d.failed_at else "",
                d.last_error,
                d.postal_status.value if d.postal_status else "",
                # done_at also dates a posted letter's tracked arrival: not this column's fact.
                d.done_at.isoformat()
                if d.done_at and d.status is DeliveryStatus.DONE_BY_SUPPORTER
                else "",
                name_as_written(s),
            ]

    return csv_lines(DELIVERY_COLUMNS, values())
