"""A supporter's data on request: export everything, erase everything, and timed retention."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from webapp.civic.cache import address_cache_key, geocoder_kinds
from webapp.database import write_transaction
from webapp.models import (
    Consent,
    Delivery,
    DeliveryStatus,
    LetterText,
    LookupCache,
    Submission,
    Supporter,
)
from webapp.services.submissions import email_key

# A delivery in one of these states has left our hands: its letter's personal text may go.
FINISHED = (
    DeliveryStatus.SENT,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.DONE_BY_SUPPORTER,
    DeliveryStatus.DEAD,
    DeliveryStatus.CANCELLED,
)


def _find(session: Session, email: str) -> Supporter | None:
    return session.scalar(select(Supporter).where(Supporter.email_key == email_key(email)))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_supporter(session: Session, email: str) -> dict[str, Any] | None:
    """Everything stored about one supporter, as plain JSON-ready data."""
    supporter = _find(session, email)
    if supporter is None:
        return None
    submissions = session.scalars(select(Submission).where(Submission.supporter_id == supporter.id))
    consents = session.scalars(select(Consent).where(Consent.supporter_id == supporter.id))
    return {
        "supporter": {
            "email": supporter.email,
            "first_name": supporter.first_name,
            "last_name": supporter.last_name,
            "street": supporter.street,
            "city": supporter.city,
            "state": supporter.state,
            "zip": supporter.zip_code,
            "language": supporter.language,
            "created_at": _iso(supporter.created_at),
        },
        "letters": [
            {
                "campaign": s.campaign.slug,
                "written_at": _iso(s.created_at),
                "status": s.status.value,
                "receipt": f"/receipts/{s.receipt_token}",
                "prefix": s.prefix,
                "name": f"{s.first_name} {s.last_name}",
                "name_as_written": (
                    s.own_full_name if s.native_first_name or s.native_last_name else None
                ),
                "address": {
                    "street": s.street,
                    "city": s.city,
                    "state": s.state,
                    "zip": s.zip_code,
                    "country": s.country,
                },
                "personal_message": s.personal_message,
                "personal_message_in_english": s.personal_english,
                "include_original_words": s.include_original,
                "rewritten_letter": s.edited_body,
                "kept_off_public_counts": s.private,
                "districts": s.districts,
                "deliveries": [
                    {
                        "to": d.recipient_name,
                        "office": d.recipient_office,
                        "status": d.status.value,
                        "sent_at": _iso(d.sent_at),
                        "letter": d.final_text,
                    }
                    for d in s.deliveries
                ],
            }
            for s in submissions
        ],
        "consents": [
            {
                "wording": c.wording,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "partner_id": c.partner_id,
            }
            for c in consents
        ],
    }


def erase_supporter(session: Session, email: str) -> int:
    """Delete the supporter, their letters, deliveries, consents, receipts and cached lookups.

    Dashboard tallies (plain numbers, nothing personal) keep counting them. Returns how many
    letters were erased (0 when the address is unknown).
    """
    with write_transaction(session):
        supporter = _find(session, email)
        if supporter is None:
            return 0
        submissions = list(
            session.scalars(select(Submission).where(Submission.supporter_id == supporter.id))
        )
        texts = {s.statement_id for s in submissions}
        texts |= {
            text_id
            for s in submissions
            for d in s.deliveries
            for text_id in (d.body_id, d.cover_id)
            if text_id
        }
        addresses: set[tuple[str | None, ...]] = {
            (s.street, s.city, s.state, s.zip_code) for s in submissions
        }
        addresses.add((supporter.street, supporter.city, supporter.state, supporter.zip_code))
        keys = [
            address_cache_key(kind, street, city, state, zip_code)
            for street, city, state, zip_code in addresses
            if street
            for kind in geocoder_kinds(session)
        ]
        session.delete(supporter)  # cascades to submissions, deliveries, consents, emails
        session.flush()
        if keys:
            session.execute(delete(LookupCache).where(LookupCache.key.in_(keys)))
        # Statement texts are shared between letters; only those nobody else uses go.
        for text_id in texts:
            used = session.scalar(
                select(Submission.id).where(Submission.statement_id == text_id).limit(1)
            ) or session.scalar(
                select(Delivery.id)
                .where((Delivery.body_id == text_id) | (Delivery.cover_id == text_id))
                .limit(1)
            )
            if used is None:
                session.execute(delete(LetterText).where(LetterText.id == text_id))
    return len(submissions)


def purge_personal_text(session: Session, now: datetime, days: int) -> int:
    """Remove personal paragraphs, rewrites and street addresses `days` after delivery.

    Letters keep their counts, districts and who they went to; only the personal text goes.
    """
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    unfinished = select(Delivery.submission_id).where(Delivery.status.not_in(FINISHED))
    with write_transaction(session):
        result = session.execute(
            update(Submission)
            .where(
                Submission.purged_at.is_(None),
                Submission.created_at < cutoff,
                Submission.id.not_in(unfinished),
            )
            .values(
                personal_message=None,
                personal_english=None,
                edited_body=None,
                street=None,
                ip_hash=None,
                subnet_hash=None,
                purged_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Supporter)
            .where(Supporter.updated_at < cutoff)
            .values(street=None)
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)
