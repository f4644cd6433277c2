"""Organisers' moderation, audited as it changes: held letters released or declined, personal
paragraphs hidden or flagged."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import assert_never

from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.outbox import mark_confirmed, never_send
from webapp.models import AuditAction, Submission, SubmissionStatus
from webapp.services.organisers import audit


class Moderated(enum.StrEnum):
    DONE = "done"
    EXPIRED = "expired"  # never confirmed in time
    DECLINED = "declined"  # an organiser declined it already
    CONFIRMED = "confirmed"  # its sender confirmed it, or an organiser released it, meanwhile


def held_letter(session: Session, campaign_id: int, submission_id: int) -> Submission | None:
    """The letter the risk checks held in this campaign, whatever became of it since."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.campaign_id != campaign_id or not submission.held:
        return None
    return submission


def release_held(
    session: Session, submission: Submission, organiser_id: int, now: datetime
) -> Moderated:
    """An organiser vouches for a held letter: it is delivered without its sender's click (its
    email address stays unverified)."""
    with write_transaction(session):
        outcome = _waiting(session, submission)
        if outcome is Moderated.DONE:
            mark_confirmed(session, submission, now, email_verified=False)
            _audit(session, submission, organiser_id, AuditAction.MODERATION_RELEASE, now)
    return outcome


def decline_held(
    session: Session, submission: Submission, organiser_id: int, now: datetime
) -> Moderated:
    """An organiser turns a held letter down: it is never delivered, its confirmation link no
    longer confirms it, and its receipt says the organisers declined it."""
    with write_transaction(session):
        outcome = _waiting(session, submission)
        if outcome is Moderated.DONE:
            never_send(session, [submission.id], SubmissionStatus.DECLINED, now)
            _audit(session, submission, organiser_id, AuditAction.MODERATION_DECLINE, now)
    return outcome


# A personal paragraph's moderation actions; none changes its letter.
PARAGRAPH_ACTIONS = frozenset({"hide", "show", "flag", "unflag"})


def moderate_paragraph(
    session: Session,
    campaign_id: int,
    submission_id: int,
    action: str,
    organiser_id: int,
    now: datetime,
) -> Submission | None:
    """Hide or show, flag or unflag one letter's personal paragraph on the dashboard and in the
    CSV; None when the letter is not this campaign's."""
    with write_transaction(session):
        submission = session.get(Submission, submission_id)
        if submission is None or submission.campaign_id != campaign_id:
            return None
        if action in {"hide", "show"}:
            submission.hidden = action == "hide"
        else:
            submission.flagged = action == "flag"
        submission.moderated_at = now
        audit(
            session,
            organiser_id,
            AuditAction(f"moderation.{action}"),
            now,
            campaign_id,
            submission_id=submission.id,
        )
    return submission


def _waiting(session: Session, submission: Submission) -> Moderated:
    """DONE if the letter still waits (read again and locked until the transaction ends, so a
    release, a decline and the sender's click cannot both go through), else what it became."""
    session.refresh(submission, with_for_update=True)
    match submission.status:
        case SubmissionStatus.UNCONFIRMED:
            return Moderated.DONE
        case SubmissionStatus.EXPIRED:
            return Moderated.EXPIRED
        case SubmissionStatus.DECLINED:
            return Moderated.DECLINED
        case SubmissionStatus.CONFIRMED:
            return Moderated.CONFIRMED
        case unknown:
            assert_never(unknown)


def _audit(
    session: Session, submission: Submission, organiser_id: int, action: AuditAction, now: datetime
) -> None:
    audit(
        session,
        organiser_id,
        action,
        now,
        submission.campaign_id,
        submission_id=submission.id,
        reasons=list(submission.risk_reasons),
    )
