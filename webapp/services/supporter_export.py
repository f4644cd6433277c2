"""Everything held about one supporter, as JSON-ready data (`flask supporters export`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from webapp.delivery.emails import public_url
from webapp.models import Consent, Delivery, Notification, ParagraphBand, Submission, Supporter
from webapp.services.reply_survey import survey_for
from webapp.services.submissions import same_email


def find_supporter(session: Session, email: str) -> Supporter | None:
    return session.scalar(select(Supporter).where(same_email(email)))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "to": d.recipient_name,
        "office": d.recipient_office,
        "office_address": d.recipient_address,
        "channel": d.channel.value if d.channel else None,
        "status": d.status.value,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "reference": d.remote_reference,
        "sent_at": _iso(d.sent_at),
        "done_at": _iso(d.done_at),
        "letter": d.final_text,
    }


def _email(n: Notification) -> dict[str, Any]:
    return {
        "kind": n.kind.value,
        "status": n.status.value,
        "attempts": n.attempts,
        "queued_at": _iso(n.created_at),
        "sent_at": _iso(n.sent_at),
    }


def _letter(session: Session, s: Submission) -> dict[str, Any]:
    return letter_record(session, s, internals=True)


def letter_record(session: Session, s: Submission, internals: bool) -> dict[str, Any]:
    """One letter as JSON-ready data. Without `internals` (the copy a supporter downloads
    themselves) the anti-abuse signals are left out: keyed hashes, similarity bands and risk
    reasons would show a bot how to slip under the checks; "held" stays."""
    emails = session.scalars(
        select(Notification).where(Notification.submission_id == s.id).order_by(Notification.id)
    )
    record = {
        "campaign": s.campaign.slug,
        "written_at": _iso(s.created_at),
        "status": s.status.value,
        "confirmed_at": _iso(s.confirmed_at),
        "email_verified": s.email_verified,
        "receipt": public_url(f"/receipts/{s.receipt_token}"),
        "language": s.language,
        "subject": s.subject,
        "prefix": s.prefix,
        "name": f"{s.first_name} {s.last_name}",
        "name_as_written": s.own_full_name if s.native_first_name or s.native_last_name else None,
        "address": {
            "street": s.street,
            "city": s.city,
            "state": s.state,
            "zip": s.zip_code,
            "country": s.country,
            "residence": s.residence.value,
            "voting_city": s.voting_city,
        },
        "personal_message": s.personal_message,
        "personal_message_in_english": s.personal_english,
        "include_original_words": s.include_original,
        "rewritten_letter": s.edited_body,
        "closing": s.closing,
        "kept_off_public_counts": s.private,
        "partner": {"code": s.partner.code, "name": s.partner.name} if s.partner else None,
        # The partner code the letter's link or frame carried when it named no partner.
        "unknown_partner_code": s.unknown_partner_code,
        "source": s.source,
        "lookup": {
            "provider": s.lookup_provider,
            "match": s.lookup_match.value,
            "districts": s.districts,
            "dataset_date": s.dataset_date,
            "congress": s.congress,
        },
        # Keyed hashes: they cannot be read back, but they are held about this letter.
        "hashes": {
            "ip": s.ip_hash,
            "ip_network": s.subnet_hash,
            "personal_text": s.personal_hash,
            "personal_text_similarity_bands": _bands(s),
        },
        "story_prompts_shown": s.prompt_variant,
        "own_words_characters": s.own_words_chars,
        "risk": {"score": s.risk_score, "reasons": s.risk_reasons, "held": s.held},
        "moderation": {
            "hidden": s.hidden,
            "flagged": s.flagged,
            "moderated_at": _iso(s.moderated_at),
        },
        "personal_text_removed_at": _iso(s.purged_at),
        "deliveries": [_delivery(d) for d in s.deliveries],
        "emails_sent_to_you": [_email(n) for n in emails],
        "did_they_reply": _replies(session, s),
    }
    if not internals:
        del record["hashes"]
        record["risk"] = {"held": s.held}
    return record


def _replies(session: Session, s: Submission) -> dict[str, Any] | None:
    """The follow-up survey of this letter: when it was asked, and each office's answer."""
    survey = survey_for(session, s)
    if survey is None:
        return None
    return {
        "asked_at": _iso(survey.invited_at),
        "reminded_at": _iso(survey.reminded_at),
        "answers": [
            {
                "to": o.delivery.recipient_name,
                "answer": o.answer.value if o.answer else None,
                "answered_at": _iso(o.answered_at),
            }
            for o in survey.offices
        ],
    }


def export_supporter(session: Session, email: str) -> dict[str, Any] | None:
    """Everything stored about the supporter with this address (None when unknown)."""
    supporter = find_supporter(session, email)
    return None if supporter is None else supporter_record(session, supporter)


def supporter_record(session: Session, supporter: Supporter) -> dict[str, Any]:
    """Everything stored about one supporter, as plain JSON-ready data."""
    submissions = session.scalars(
        select(Submission).where(Submission.supporter_id == supporter.id).order_by(Submission.id)
    )
    consents = session.scalars(
        select(Consent).where(Consent.supporter_id == supporter.id).order_by(Consent.id)
    )
    return {
        "supporter": {
            "email": supporter.email,
            "email_hash": supporter.email_key,
            "first_name": supporter.first_name,
            "last_name": supporter.last_name,
            "street": supporter.street,
            "city": supporter.city,
            "state": supporter.state,
            "zip": supporter.zip_code,
            "country": supporter.country,
            "language": supporter.language,
            "asked_for_no_follow_up_emails_at": _iso(supporter.no_contact_at),
            "address_proven_at": _iso(supporter.proven_at),
            "created_at": _iso(supporter.created_at),
            "updated_at": _iso(supporter.updated_at),
        },
        "letters": [_letter(session, s) for s in submissions],
        "consents": [
            {
                "wording": c.wording,
                "campaign_id": c.campaign_id,
                "partner_id": c.partner_id,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents
        ],
    }


def _bands(submission: Submission) -> list[str]:
    session = object_session(submission)
    if session is None:
        return []
    return list(
        session.scalars(
            select(ParagraphBand.band)
            .where(ParagraphBand.submission_id == submission.id)
            .order_by(ParagraphBand.band)
        )
    )
