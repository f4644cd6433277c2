"""deliveries.csv: every letter to every office, with where it stands (admins only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.civic.states import seat_code
from webapp.dashboard.csv_stream import csv_lines
from webapp.dashboard.export import CHUNK, name_as_written
from webapp.dashboard.status_names import status_labels
from webapp.models import Delivery, DeliveryStatus, Official, Submission, SubmissionStatus
from webapp.services.delivery_counts import tally_status

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
    # `office` is a name: what the office is ("United States Senate", "The White House", as the
    # replies CSV's office_title), the member's title, the office's state (`district` holds a
    # House or state legislative seat only), and the status as the dashboard words it.
    "office_title",
    "member_title",
    "office_state",
    "status_label",
)
# A member the roster no longer lists (left office) is titled as their chamber's members are.
CHAMBER_TITLES = {
    "us_senate": "Senator",
    "us_house": "Representative",
    "state_upper": "Senator",
    "state_lower": "Representative",
}


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

    titles = {
        f"official:{external_id}": title
        for external_id, title in session.execute(select(Official.external_id, Official.title))
    }

    def values() -> Iterator[list[Any]]:
        # In English whatever the default locale, as the CSV's other words and codes are.
        with force_locale("en"):
            labels = status_labels()
        for d, s in session.execute(query):
            seat = f"{d.recipient_state}-{d.recipient_district}" if d.recipient_district else ""
            unconfirmed = s.status is SubmissionStatus.UNCONFIRMED
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
                seat_code(seat) if seat else "",
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
                d.recipient_office,
                titles.get(d.recipient_key) or CHAMBER_TITLES.get(d.recipient_chamber or "", ""),
                d.recipient_state,
                labels[tally_status(d.status, unconfirmed)],
            ]

    return csv_lines(DELIVERY_COLUMNS, values())
