"""The letters and deliveries CSVs as read through the models (before 2026-12 plain rows)."""

# The exports' code at f5eddba, kept as the oracle (verbatim but for `district`, which keeps a
# senator's state again): it reads whole entities and opens every sealed field through the
# model, the slow way that cannot disagree with the model.
# test_exports_unchanged.py compares the exports' bytes with these on the same data.

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from webapp.civic.states import seat_code
from webapp.dashboard.csv_stream import csv_lines
from webapp.dashboard.deliveries_export import CHAMBER_TITLES, DELIVERY_COLUMNS
from webapp.dashboard.export import (
    ADMIN_COLUMNS,
    CHUNK,
    LATER_ADMIN_COLUMNS,
    PARTNER_CONSENT_PREFIX,
    _consented,
    _yes,
)
from webapp.dashboard.failure_words import FAILURE_WORDS
from webapp.dashboard.status_names import status_labels
from webapp.i18n import interface_language
from webapp.models import (
    Delivery,
    DeliveryStatus,
    Official,
    Submission,
    SubmissionStatus,
)
from webapp.services.delivery_counts import tally_status


def name_as_written(letter: Submission) -> str:
    """The name in the writer's own script, when the letter carries a Latin spelling."""
    return letter.own_full_name if letter.native_first_name or letter.native_last_name else ""


def admin_csv(session: Session, campaign_id: int, partner_names: dict[int, str]) -> Iterator[str]:
    """All letters with personal data and every consent, read in chunks (server-side cursor on
    PostgreSQL); `partner_names` maps each partner id of the campaign to its code."""
    partners = sorted(partner_names.items(), key=lambda item: item[1])
    offices = (
        select(func.count(Delivery.id))
        .where(Delivery.submission_id == Submission.id)
        .scalar_subquery()
        .label("offices")
    )
    # Whole rows: names, addresses and paragraphs are sealed and open through the model.
    query = (
        select(
            Submission,
            offices,
            _consented(None).label("consent_updates"),
            *(_consented(pid).label(f"partner_{n}") for n, (pid, _code) in enumerate(partners)),
        )
        .options(joinedload(Submission.supporter))
        .where(Submission.campaign_id == campaign_id)
        .order_by(Submission.id)
        .execution_options(yield_per=CHUNK)
    )

    def values() -> Iterator[list[Any]]:
        for row in session.execute(query):
            r, cells = row.Submission, row._mapping
            cd = (r.districts or {}).get("cd")
            yield [
                r.created_at.isoformat(),
                r.status.value,
                r.prefix,
                r.first_name,
                r.last_name,
                name_as_written(r),
                r.supporter.email,
                r.street,
                r.city,
                r.state,
                r.zip_code,
                r.country,
                interface_language(r.language),
                seat_code(f"{r.state}-{cd}") if cd is not None and r.state else "",
                r.lookup_match.value,
                partner_names.get(r.partner_id, "") if r.partner_id else "",
                r.source,
                "yes" if (r.personal_message or r.edited_body is not None) else "no",
                r.personal_message,
                row.offices,
                _yes(r.hidden),
                _yes(r.flagged),
                _yes(row.consent_updates),
                _yes(r.private),
                *(_yes(cells[f"partner_{n}"]) for n in range(len(partners))),
                _yes(r.held),
                _yes(r.email_verified),
                r.unknown_partner_code or "",
            ]

    partner_columns = (PARTNER_CONSENT_PREFIX + code for _id, code in partners)
    header = (*ADMIN_COLUMNS, *partner_columns, *LATER_ADMIN_COLUMNS)
    return csv_lines(header, values())


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
                seat_code(seat) if seat else d.recipient_state or "",  # a senator's state
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
                # Added after the oracle was taken (0aa917e), read through the model.
                d.failure_reason.value if d.failure_reason else "",
                str(FAILURE_WORDS[d.failure_reason].said) if d.failure_reason else "",
            ]

    return csv_lines(DELIVERY_COLUMNS, values())
