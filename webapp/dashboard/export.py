"""Streamed CSV exports: every letter for admins, opted-in supporters for a partner (deliveries
and replies by office are in deliveries_export.py and replies_export.py; the streaming itself in
csv_stream.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from webapp.civic.states import seat_code
from webapp.dashboard.csv_stream import csv_lines
from webapp.i18n import interface_language
from webapp.models import (
    Consent,
    Delivery,
    Partner,
    Submission,
    SubmissionStatus,
)

ADMIN_COLUMNS = (
    "submitted_at",
    "status",
    "prefix",
    "first_name",
    "last_name",
    "name_as_written",
    "email",
    "street",
    "city",
    "state",
    "zip",
    "country",
    "language",
    "district",
    "match",
    "partner",
    "source",
    "personalised",
    "personal_message",
    "offices",
    "hidden",
    "flagged",
    "consent_updates",
    "off_counts_and_lists",
)
# Then one column per partner of the campaign: "consent_partner_<code>"; then the newer ones,
# last, so a spreadsheet reading columns by place keeps working. Told apart: a letter an
# organiser released and one its writer confirmed (both "confirmed"; only the writer's click
# proves the address).
LATER_ADMIN_COLUMNS = ("held", "email_verified")
PARTNER_CONSENT_PREFIX = "consent_partner_"
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
    # New columns go last (see ADMIN_COLUMNS).
    "name_as_written",
    "language",
)
CHUNK = 2000


def _consented(partner_id: int | None) -> ColumnElement[bool]:
    """Whether this letter's supporter ticked (and kept) the campaign's or a partner's box."""
    who = Consent.partner_id.is_(None) if partner_id is None else Consent.partner_id == partner_id
    return exists().where(
        Consent.submission_id == Submission.id, who, Consent.withdrawn_at.is_(None)
    )


def _yes(value: object) -> str:
    return "yes" if value else "no"


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
            ]

    partner_columns = (PARTNER_CONSENT_PREFIX + code for _id, code in partners)
    header = (*ADMIN_COLUMNS, *partner_columns, *LATER_ADMIN_COLUMNS)
    return csv_lines(header, values())


def partner_csv(session: Session, campaign_id: int, partner: Partner) -> Iterator[str]:
    """Only supporters who ticked this partner's own consent box, on a confirmed letter: not a
    letter still waiting for its sender's click, nor one the checks held unless its sender
    confirmed it (a held letter's address may be someone else's that a bot typed). A box
    ticked in a campaign that confirms letters at once counts as the campaign counts the letter,
    whoever proved the address elsewhere: the supporter's own-data page says the partner has it."""
    query = (
        select(Submission, Consent.wording)
        .options(joinedload(Submission.supporter))
        .join(Consent, Consent.submission_id == Submission.id)
        .where(
            Submission.campaign_id == campaign_id,
            Consent.partner_id == partner.id,
            Consent.withdrawn_at.is_(None),
            Submission.private.is_(False),
            Submission.status == SubmissionStatus.CONFIRMED,
            # A held letter an organiser released is delivered, but its address stays unproven.
            or_(Submission.held.is_(False), Submission.email_verified.is_(True)),
        )
        .order_by(Submission.id)
        .execution_options(yield_per=CHUNK)
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
                name_as_written(r),
                # The language the supporter wrote in: the one to write back to them in.
                interface_language(r.language),
            ]

    return csv_lines(PARTNER_COLUMNS, values())
