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
    Supporter,
)
from webapp.sealing import SealedColumns

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
# "unknown_partner_code": the code a letter came with that named no partner of the campaign
# (its "partner" is then empty), for the organisers to tell the partner to fix its snippet.
LATER_ADMIN_COLUMNS = ("held", "email_verified", "unknown_partner_code")
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
# The letter's sealed fields admin_csv opens, in the order its row unpacks them.
SEALED_LETTER_FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "native_first_name",
    "native_last_name",
    "street",
    "city",
    "zip_code",
    "personal_message",
)


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
    return written_name(
        letter.first_name, letter.last_name, letter.native_first_name, letter.native_last_name
    )


def written_name(first: str, last: str, native_first: str | None, native_last: str | None) -> str:
    """name_as_written from a letter's opened name fields (Submission.own_full_name's rule)."""
    if not (native_first or native_last):
        return ""
    return f"{native_first or first} {native_last or last}".strip()


class Languages(dict[str | None, str]):
    """interface_language per recorded tag, worked out once per export: a handful of tags."""

    def __missing__(self, tag: str | None) -> str:
        self[tag] = interface_language(tag)
        return self[tag]


def admin_csv(session: Session, campaign_id: int, partner_names: dict[int, str]) -> Iterator[str]:
    """All letters with personal data and every consent, read in chunks (server-side cursor on
    PostgreSQL); `partner_names` maps each partner id of the campaign to its code."""
    partners = sorted(partner_names.items(), key=lambda item: item[1])
    offices = (
        select(func.count(Delivery.id))
        .where(Delivery.submission_id == Submission.id)
        .scalar_subquery()
    )
    # Plain columns, not entities: building a Submission and a Supporter per row, with columns
    # the CSV does not show, cost more than the rest of the row. Sealed ones open per row below.
    sealed = SealedColumns(Submission, *SEALED_LETTER_FIELDS)
    email = SealedColumns(Supporter, "email")
    query = (
        select(
            Submission.created_at,
            Submission.status,
            Submission.state,
            Submission.country,
            Submission.language,
            Submission.districts,
            Submission.lookup_match,
            Submission.partner_id,
            Submission.source,
            # Whether the writer rewrote the statement, without reading or opening the text.
            Submission.edited_body_sealed.is_not(None),
            offices,
            Submission.hidden,
            Submission.flagged,
            _consented(None),
            Submission.private,
            Submission.held,
            Submission.email_verified,
            Submission.unknown_partner_code,
            Supporter.wrapped_key,
            *email.columns,
            *sealed.columns,
            *(_consented(pid) for pid, _code in partners),
        )
        .join(Supporter, Supporter.id == Submission.supporter_id)
        .where(Submission.campaign_id == campaign_id)
        .order_by(Submission.id)
        .execution_options(yield_per=CHUNK)
    )
    languages = Languages()
    n_sealed = len(SEALED_LETTER_FIELDS)

    def values() -> Iterator[list[Any]]:
        for row in session.execute(query):
            (created, status, state, country, language, districts, match, partner_id, source,
             edited, n_offices, hidden, flagged, updates, private, held, verified, unknown,
             wrapped, sealed_email, *rest) = row  # fmt: skip
            cipher = sealed.cipher(wrapped)
            prefix, first, last, native_first, native_last, street, city, zip_code, message = (
                sealed.open(cipher, rest[:n_sealed])
            )
            cd = (districts or {}).get("cd")
            yield [
                created.isoformat(),
                status.value,
                prefix,
                first,
                last,
                written_name(first, last, native_first, native_last),
                email.open(cipher, (sealed_email,))[0],
                street,
                city,
                state,
                zip_code,
                country,
                languages[language],
                seat_code(f"{state}-{cd}") if cd is not None and state else "",
                match.value,
                partner_names.get(partner_id, "") if partner_id else "",
                source,
                "yes" if (message or edited) else "no",
                message,
                n_offices,
                _yes(hidden),
                _yes(flagged),
                _yes(updates),
                _yes(private),
                *(_yes(consent) for consent in rest[n_sealed:]),
                _yes(held),
                _yes(verified),
                unknown or "",
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
