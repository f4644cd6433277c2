"""Streamed CSV exports: every letter for admins, opted-in supporters for a partner, replies.

Each file starts with a UTF-8 byte-order mark: without it spreadsheet programs read the file in
a local code page and show Arabic names as mojibake.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, joinedload

from webapp.civic.states import seat_code
from webapp.delivery.packets import neutralise_cell
from webapp.models import Consent, Delivery, Partner, ReplyAnswer, Submission
from webapp.services.responsiveness import Responsiveness

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
    "consent_updates",
    "off_counts_and_lists",
)
# Then one column per partner of the campaign: "consent_partner_<code>".
PARTNER_CONSENT_PREFIX = "consent_partner_"
BOM = "\ufeff"
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
    yield BOM + writer.writerow(header)
    for row in values:
        yield writer.writerow([neutralise_cell("" if v is None else str(v)) for v in row])


def _consented(partner_id: int | None) -> ColumnElement[bool]:
    """Whether this letter's supporter ticked (and kept) the campaign's or a partner's box."""
    who = Consent.partner_id.is_(None) if partner_id is None else Consent.partner_id == partner_id
    return exists().where(
        Consent.submission_id == Submission.id, who, Consent.withdrawn_at.is_(None)
    )


def _yes(value: object) -> str:
    return "yes" if value else "no"


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
        .execution_options(yield_per=_CHUNK)
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
                r.supporter.email,
                r.street,
                r.city,
                r.state,
                r.zip_code,
                r.country,
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
            ]

    header = (*ADMIN_COLUMNS, *(PARTNER_CONSENT_PREFIX + code for _id, code in partners))
    return _rows(header, values())


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


REPLIES_COLUMNS = (
    "office",
    "office_title",
    "recipient_key",
    "answers",
    "replied",
    "reply_share",
    "ci95_low",
    "ci95_high",
    *(answer.value for answer in ReplyAnswer),
)
TOO_FEW = "too few answers"


def replies_csv(replies: Responsiveness) -> Iterator[str]:
    """Per office: the answers by kind, the share who got a reply and its 95% Wilson interval
    (shares as fractions with four decimals; "too few answers" under MIN_ANSWERS)."""

    def values() -> Iterator[list[Any]]:
        for office in replies.offices:
            share = office.reply
            low, high = share.interval or (None, None)
            figures = (
                [f"{share.share:.4f}", f"{low:.4f}", f"{high:.4f}"]
                if share.enough and share.share is not None and low is not None
                else [TOO_FEW, "", ""]
            )
            yield [
                office.name,
                office.office,
                office.recipient_key,
                share.answers,
                share.replied,
                *figures,
                *(office.counts.get(answer, 0) for answer in ReplyAnswer),
            ]

    return _rows(REPLIES_COLUMNS, values())
