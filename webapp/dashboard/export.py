"""Streamed CSV exports: every letter for admins, opted-in supporters for a partner."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from webapp.delivery.packets import neutralise_cell
from webapp.models import Consent, Delivery, Partner, Submission

ADMIN_COLUMNS = (
    "submitted_at",
    "status",
    "prefix",
    "first_name",
    "last_name",
    "email",
    "street",
    "city",
    "state",
    "zip",
    "country",
    "district",
    "match",
    "partner",
    "source",
    "personalised",
    "personal_message",
    "offices",
    "hidden",
    "flagged",
)
PARTNER_COLUMNS = (
    "submitted_at",
    "first_name",
    "last_name",
    "email",
    "city",
    "state",
    "zip",
    "country",
    "consent_text",
)
_CHUNK = 2000


class _Line:
    """A file-like object whose write() returns the text, so csv rows can be yielded one by one."""

    def write(self, text: str) -> str:
        return text


def _rows(header: tuple[str, ...], values: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in values:
        yield writer.writerow([neutralise_cell("" if v is None else str(v)) for v in row])


def admin_csv(session: Session, campaign_id: int, partner_names: dict[int, str]) -> Iterator[str]:
    """All letters with personal data, read in chunks (server-side cursor on PostgreSQL)."""
    offices = (
        select(func.count(Delivery.id))
        .where(Delivery.submission_id == Submission.id)
        .scalar_subquery()
        .label("offices")
    )
    # Whole rows: names, addresses and paragraphs are sealed and open through the model.
    query = (
        select(Submission, offices)
        .options(joinedload(Submission.supporter))
        .where(Submission.campaign_id == campaign_id)
        .order_by(Submission.id)
        .execution_options(yield_per=_CHUNK)
    )

    def values() -> Iterator[list[Any]]:
        for r, office_count in session.execute(query):
            cd = (r.districts or {}).get("cd")
            yield [
                r.created_at.isoformat(),
                r.status.value,
                r.prefix,
                r.first_name,
                r.last_name,
                r.supporter.email,
                r.street,
                r.city,
                r.state,
                r.zip_code,
                r.country,
                f"{r.state}-{cd}" if cd is not None and r.state else "",
                r.lookup_match.value,
                partner_names.get(r.partner_id, "") if r.partner_id else "",
                r.source,
                "yes" if (r.personal_message or r.edited_body is not None) else "no",
                r.personal_message,
                office_count,
                r.hidden,
                r.flagged,
            ]

    return _rows(ADMIN_COLUMNS, values())


def partner_csv(session: Session, campaign_id: int, partner: Partner) -> Iterator[str]:
    """Only supporters who ticked this partner's own consent box."""
    query = (
        select(Submission, Consent.wording)
        .options(joinedload(Submission.supporter))
        .join(Consent, Consent.submission_id == Submission.id)
        .where(
            Submission.campaign_id == campaign_id,
            Consent.partner_id == partner.id,
            Consent.withdrawn_at.is_(None),
            Submission.private.is_(False),
        )
        .order_by(Submission.id)
        .execution_options(yield_per=_CHUNK)
    )

    def values() -> Iterator[list[Any]]:
        for r, wording in session.execute(query):
            yield [
                r.created_at.isoformat(),
                r.first_name,
                r.last_name,
                r.supporter.email,
                r.city,
                r.state,
                r.zip_code,
                r.country,
                wording,
            ]

    return _rows(PARTNER_COLUMNS, values())
