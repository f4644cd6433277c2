"""deliveries.csv: every letter to every office, with where it stands (admins only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.civic.states import seat_code
from webapp.dashboard.csv_stream import csv_lines
from webapp.dashboard.export import CHUNK, written_name
from webapp.dashboard.failure_words import FAILURE_WORDS
from webapp.dashboard.status_names import status_labels
from webapp.models import (
    Delivery,
    DeliveryStatus,
    Official,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.sealing import SealedColumns
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
    # replies CSV's office_title), the member's title, the office's state (for every office;
    # `district` keeps its meaning: a seat, or a senator's state), and the status in words.
    "office_title",
    "member_title",
    "office_state",
    "status_label",
    # Why its last attempt failed: a FailureReason code and its sentence (empty once sent or
    # tried again, and for rows failed before reasons were kept; last_error has the words).
    "failure_reason",
    "failure_explained",
)
NATIVE_NAME = ("native_first_name", "native_last_name")
# A member the roster no longer lists (left office) is titled as their chamber's members are.
CHAMBER_TITLES = {
    "us_senate": "Senator",
    "us_house": "Representative",
    "state_upper": "Senator",
    "state_lower": "Representative",
}


def deliveries_csv(
    session: Session, campaign_id: int, undelivered_to: str | None = None
) -> Iterator[str]:
    """Every letter to every office, with where it stands: which reached their office, which
    wait for their writer's own hand-off or the organisers' packet, which failed and why.
    With `undelivered_to` (an office's key), only the letters to it that could not be
    delivered: the ones the organisers follow up for that office."""
    # Plain columns, not entities (see export.admin_csv): a Delivery and a Submission built per
    # row, each with every column decoded, were most of the time.
    sealed = SealedColumns(Submission, "first_name", "last_name", *NATIVE_NAME)
    email = SealedColumns(Supporter, "email")
    query = (
        select(
            Submission.id,
            Submission.created_at,
            Submission.status,
            Submission.state,
            Submission.country,
            Supporter.wrapped_key,
            *email.columns,
            *sealed.columns,
            Delivery.recipient_name,
            Delivery.recipient_key,
            Delivery.recipient_state,
            Delivery.recipient_district,
            Delivery.recipient_chamber,
            Delivery.recipient_office,
            Delivery.channel,
            Delivery.status,
            Delivery.attempts,
            Delivery.sent_at,
            Delivery.failed_at,
            Delivery.last_error,
            Delivery.postal_status,
            Delivery.done_at,
            Delivery.failure_reason,
        )
        .select_from(Delivery)
        .join(Submission, Submission.id == Delivery.submission_id)
        .join(Supporter, Supporter.id == Submission.supporter_id)
        .where(Delivery.campaign_id == campaign_id)
        .order_by(Submission.id, Delivery.id)
        .execution_options(yield_per=CHUNK)
    )
    if undelivered_to is not None:
        query = query.where(
            Delivery.recipient_key == undelivered_to, Delivery.status == DeliveryStatus.DEAD
        )

    titles = {
        f"official:{external_id}": title
        for external_id, title in session.execute(select(Official.external_id, Official.title))
    }

    def values() -> Iterator[list[Any]]:
        # In English whatever the default locale, as the CSV's other words and codes are.
        with force_locale("en"):
            labels = status_labels()
            explained = {reason: str(words.said) for reason, words in FAILURE_WORDS.items()}
        letter_id: int | None = None
        letter: list[Any] = []
        unconfirmed = False
        for row in session.execute(query):
            (sid, created, letter_status, state, country, wrapped, sealed_email,
             first, last, native_first, native_last,
             name, key, office_state, district, chamber, office, channel, status, attempts,
             sent_at, failed_at, last_error, postal_status, done_at, reason) = row  # fmt: skip
            if sid != letter_id:
                # A letter's deliveries come together: its fields open once for all of them,
                # and its plaintext goes when the next letter's first row comes.
                cipher = sealed.cipher(wrapped)
                first, last, native_first, native_last = sealed.open(
                    cipher, (first, last, native_first, native_last)
                )
                letter_id, unconfirmed = sid, letter_status is SubmissionStatus.UNCONFIRMED
                letter = [
                    created.isoformat(),
                    letter_status.value,
                    first,
                    last,
                    email.open(cipher, (sealed_email,))[0],
                    state,
                    country,
                    written_name(first, last, native_first, native_last),
                ]
            seat = f"{office_state}-{district}" if district else ""
            yield [
                *letter[:7],
                name,
                key,
                # A senator's state, as this column has always held it (office_state too).
                seat_code(seat) if seat else office_state or "",
                channel.value if channel else "",
                status.value,
                attempts,
                sent_at.isoformat() if sent_at else "",
                failed_at.isoformat() if failed_at else "",
                last_error,
                postal_status.value if postal_status else "",
                # done_at also dates a posted letter's tracked arrival: not this column's fact.
                done_at.isoformat()
                if done_at and status is DeliveryStatus.DONE_BY_SUPPORTER
                else "",
                letter[7],
                office,
                titles.get(key) or CHAMBER_TITLES.get(chamber or "", ""),
                office_state,
                labels[tally_status(status, unconfirmed)],
                reason.value if reason else "",
                explained[reason] if reason else "",
            ]

    return csv_lines(DELIVERY_COLUMNS, values())
